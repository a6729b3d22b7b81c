"""What a merge did, for the lead to read (CLI, dialog) and for the change log."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Conflict:
    """An item changed on both sides; ``winner`` is "package" or "project"."""

    document: str  # external id
    item: str  # what changed: a span (label, covered text, uuid) or a layer's status
    how: str  # "edited in both", "deleted in the package, edited in the project", …
    winner: str
    package_at: str
    project_at: str

    def line(self) -> str:
        kept = "the package's" if self.winner == "package" else "the project's"
        return (
            f"{self.document}: {self.item} {self.how}; kept {kept} version, the later change"
            f" (package {self.package_at or '—'}, project {self.project_at or '—'})"
        )


@dataclass
class MergeReport:
    path: Path
    annotator: str = ""  # whose package, when the file says
    documents: int = 0  # documents in the file
    documents_added: int = 0  # of them, new to the project
    spans_added: int = 0
    spans_updated: int = 0
    spans_deleted: int = 0
    statuses: int = 0
    comments: int = 0
    changes: int = 0  # change-log entries of the file appended to the project's
    labels_added: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether the merge wrote anything (a second merge of a file writes nothing)."""
        return bool(
            self.documents_added
            or self.spans_added
            or self.spans_updated
            or self.spans_deleted
            or self.statuses
            or self.comments
            or self.changes
            or self.labels_added
            or self.conflicts
        )

    def summary(self) -> str:
        who = f" ({self.annotator})" if self.annotator else ""
        if not self.changed:
            return f"{self.path}{who}: nothing new to merge ({self.documents} documents)"
        return (
            f"{self.path}{who}: {self.documents} documents ({self.documents_added} new),"
            f" spans {self.spans_added} added, {self.spans_updated} updated,"
            f" {self.spans_deleted} deleted; {self.statuses} statuses, {self.comments}"
            f" comments, {self.changes} log entries; {len(self.conflicts)} conflicts"
        )

    def lines(self, limit: int | None = None) -> list[str]:
        lines = [self.summary()]
        if self.labels_added:
            lines.append(f"labels added: {', '.join(self.labels_added)}")
        lines += [f"note: {note}" for note in self.notes]
        shown = self.conflicts if limit is None else self.conflicts[:limit]
        lines += [f"conflict: {conflict.line()}" for conflict in shown]
        if len(shown) < len(self.conflicts):
            lines.append(f"… and {len(self.conflicts) - len(shown)} more conflicts")
        return lines

    def as_log(self) -> dict[str, object]:
        return {
            "file": str(self.path),
            "annotator": self.annotator,
            "documents": self.documents,
            "documents_added": self.documents_added,
            "spans_added": self.spans_added,
            "spans_updated": self.spans_updated,
            "spans_deleted": self.spans_deleted,
            "statuses": self.statuses,
            "comments": self.comments,
            "changes": self.changes,
            "labels_added": self.labels_added,
            "conflicts": len(self.conflicts),
        }
