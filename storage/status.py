"""Per-annotator document status: new, in progress, done, skipped."""

from __future__ import annotations

from typing import TYPE_CHECKING

from storage.clock import now
from storage.errors import ProjectError
from storage.records import DOCUMENT_STATUSES

if TYPE_CHECKING:
    from storage.project import Project


class StatusStore:
    def __init__(self, project: Project) -> None:
        self._project = project

    def get(self, document_id: int, annotator_id: int) -> str:
        row = self._project.conn.execute(
            "SELECT status FROM document_status WHERE document_id = ? AND annotator_id = ?",
            (document_id, annotator_id),
        ).fetchone()
        return "new" if row is None else str(row[0])

    def set(self, document_id: int, annotator_id: int, status: str, *, by: str) -> str:
        """Set a status; returns the one it replaced."""
        if status not in DOCUMENT_STATUSES:
            raise ProjectError(f"unknown status {status!r}")
        with self._project.transaction() as conn:
            before = self.get(document_id, annotator_id)
            conn.execute(
                "INSERT INTO document_status (document_id, annotator_id, status, updated_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT(document_id, annotator_id)"
                " DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at",
                (document_id, annotator_id, status, now()),
            )
            self._project.log_change(
                by=by,
                action="status.set",
                document_id=document_id,
                before={"status": before},
                after={"status": status, "annotator_id": annotator_id},
            )
        return before

    def touch(self, document_id: int, annotator_id: int, *, by: str) -> None:
        """A first edit moves a new document to in progress."""
        if self.get(document_id, annotator_id) == "new":
            self.set(document_id, annotator_id, "in_progress", by=by)

    def counts(self, annotator_id: int) -> dict[str, int]:
        total = int(self._project.conn.execute("SELECT count(*) FROM documents").fetchone()[0])
        rows = self._project.conn.execute(
            "SELECT status, count(*) FROM document_status WHERE annotator_id = ? GROUP BY status",
            (annotator_id,),
        ).fetchall()
        counts = {status: 0 for status in DOCUMENT_STATUSES}
        for status, n in rows:
            counts[status] = n
        counts["new"] = total - sum(n for s, n in counts.items() if s != "new")
        return counts
