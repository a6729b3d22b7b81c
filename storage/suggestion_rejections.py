"""Suggestions an annotator rejected: kept so that they do not come back.

A suggestion is not stored (it is computed when a document opens), so a rejection names
what was suggested: a document, the annotator's layer and (start, end, label). Adding and
removing are user actions, each one transaction logged in the change log
(``suggestion.reject``, ``suggestion.unreject``) like span edits.

Merging annotators' projects does not carry rejections over (they steer one annotator's
suggestions, they are not annotations); copies and backups of the file keep them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from storage.clock import now
from storage.rejections import add_keyed, remove_keyed

if TYPE_CHECKING:
    from storage.project import Project

RejectedKey = tuple[int, int, str]  # (start, end, label)

_TABLE = "suggestion_rejections"
_COLUMNS = 'document_id, annotator_id, start, "end", label, created_at'


@dataclass(frozen=True)
class SuggestionRejection:
    document_id: int
    annotator_id: int  # the layer the suggestion was shown for
    start: int
    end: int
    label: str
    created_at: str = ""


class SuggestionRejectionStore:
    def __init__(self, project: Project) -> None:
        self._project = project

    def add(
        self, document_id: int, annotator_id: int, start: int, end: int, label: str, *, by: str
    ) -> bool:
        """Record a rejection; False (and nothing written) when it was already there."""
        key = (document_id, annotator_id, start, end, label)
        return add_keyed(self._project, _TABLE, _COLUMNS, key, (now(),), "suggestion.reject", by)

    def remove(
        self, document_id: int, annotator_id: int, start: int, end: int, label: str, *, by: str
    ) -> bool:
        """Take a rejection back (undo); False (and nothing written) when there was none."""
        key = (document_id, annotator_id, start, end, label)
        return remove_keyed(self._project, _TABLE, key, "suggestion.unreject", by)

    def keys(self, document_id: int, annotator_id: int) -> set[RejectedKey]:
        """The rejected (start, end, label) of one document in one layer."""
        rows = self._project.conn.execute(
            'SELECT start, "end", label FROM suggestion_rejections'
            " WHERE document_id = ? AND annotator_id = ?",
            (document_id, annotator_id),
        )
        return {(int(start), int(end), str(label)) for start, end, label in rows}

    def for_layer(self, annotator_id: int) -> list[SuggestionRejection]:
        """Every rejection of one layer, by document and position."""
        rows = self._project.conn.execute(
            'SELECT document_id, annotator_id, start, "end", label, created_at'
            " FROM suggestion_rejections WHERE annotator_id = ?"
            ' ORDER BY document_id, start, "end", label',
            (annotator_id,),
        ).fetchall()
        return [SuggestionRejection(*row) for row in rows]
