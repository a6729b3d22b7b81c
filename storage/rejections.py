"""The adjudicator's rejections: versions of a span that must not go into a gold layer.

A rejection names a document, a gold layer and a version (start, end, label). Review no
longer lists a disagreement whose every version is rejected, and automatic gold never adds
a rejected version. Adding and removing are logged like span edits (``rejection.add``,
``rejection.remove``), so an audit sees every decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from storage.clock import now

if TYPE_CHECKING:
    from storage.project import Project


@dataclass(frozen=True)
class Rejection:
    document_id: int
    annotator_id: int  # the gold layer the version is kept out of
    start: int
    end: int
    label: str
    by: str = ""
    at: str = ""

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.label)


_COLUMNS = 'document_id, annotator_id, start, "end", label, by, at'
_WHERE = 'document_id = ? AND annotator_id = ? AND start = ? AND "end" = ? AND label = ?'


class RejectionStore:
    def __init__(self, project: Project) -> None:
        self._project = project

    def add(
        self, document_id: int, annotator_id: int, start: int, end: int, label: str, *, by: str
    ) -> bool:
        """Record a rejection; False (and nothing written) when it was already there."""
        key = (document_id, annotator_id, start, end, label)
        return add_keyed(
            self._project, "gold_rejections", _COLUMNS, key, (by, now()), "rejection.add", by
        )

    def remove(
        self, document_id: int, annotator_id: int, start: int, end: int, label: str, *, by: str
    ) -> bool:
        """Take a rejection back; False (and nothing written) when there was none."""
        key = (document_id, annotator_id, start, end, label)
        return remove_keyed(self._project, "gold_rejections", key, "rejection.remove", by)

    def for_document(self, document_id: int, annotator_id: int) -> list[Rejection]:
        """The rejections of one document in one gold layer, by position."""
        rows = self._project.conn.execute(
            f"SELECT {_COLUMNS} FROM gold_rejections WHERE document_id = ? AND annotator_id = ?"
            ' ORDER BY start, "end", label',
            (document_id, annotator_id),
        ).fetchall()
        return [Rejection(*row) for row in rows]

    def keys_by_document(self, annotator_id: int) -> dict[int, set[tuple[int, int, str]]]:
        """Every rejected (start, end, label) of one gold layer, by document: one query for
        a job over the whole corpus."""
        result: dict[int, set[tuple[int, int, str]]] = {}
        for document_id, start, end, label in self._project.conn.execute(
            'SELECT document_id, start, "end", label FROM gold_rejections WHERE annotator_id = ?',
            (annotator_id,),
        ):
            result.setdefault(document_id, set()).add((start, end, label))
        return result


# Shared by the gold layer's rejections and the suggestions' (storage.suggestion_rejections):
# a row keyed by (document, layer, start, end, label), added and removed in one
# transaction each and logged with the same payload.
def add_keyed(
    project: Project,
    table: str,
    columns: str,
    key: tuple[int, int, int, int, str],
    extra: tuple[str, ...],
    action: str,
    by: str,
) -> bool:
    """Insert the row ``key + extra`` unless ``key`` is there already."""
    document_id, annotator_id, start, end, label = key
    with project.transaction() as conn:
        if conn.execute(f"SELECT 1 FROM {table} WHERE {_WHERE}", key).fetchone():
            return False
        marks = ", ".join("?" * (len(key) + len(extra)))
        conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", (*key, *extra))
        project.log_change(
            by=by,
            action=action,
            document_id=document_id,
            after=_payload(annotator_id, start, end, label),
        )
    return True


def remove_keyed(
    project: Project, table: str, key: tuple[int, int, int, int, str], action: str, by: str
) -> bool:
    """Delete the row of ``key``; False (and nothing logged) when there was none."""
    document_id, annotator_id, start, end, label = key
    with project.transaction() as conn:
        if not conn.execute(f"DELETE FROM {table} WHERE {_WHERE}", key).rowcount:
            return False
        project.log_change(
            by=by,
            action=action,
            document_id=document_id,
            before=_payload(annotator_id, start, end, label),
        )
    return True


def _payload(annotator_id: int, start: int, end: int, label: str) -> dict[str, object]:
    return {"annotator_id": annotator_id, "start": start, "end": end, "label": label}
