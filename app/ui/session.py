"""The annotation session: one project, one annotator, the open document and its layer.

Widgets never write to storage themselves: user actions become undo commands
(app.ui.commands), the commands call the ``apply_*`` methods here, each of which is one
storage transaction, and the session then announces what changed so every view refreshes
from one notification.
"""

from __future__ import annotations

import uuid
from bisect import bisect_left, insort
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from app.core.labels import label_keys
from app.text.offsets import Utf16Map
from app.text.snapping import SnapOptions, snap
from storage import Document, Label, Project, Span


def _order(span: Span) -> tuple[int, int, str, str]:
    return (span.start, span.end, span.label, span.uuid)


class AnnotationSession(QObject):
    documentOpened = Signal(int)
    # (document id, start, end) of the stretch whose highlights changed
    spansChanged = Signal(int, int, int)
    spanSelected = Signal(str)  # "" when nothing is selected
    statusChanged = Signal(int, str)
    labelsChanged = Signal()
    message = Signal(str)

    def __init__(self, project: Project, annotator: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.annotator = project.annotator(annotator)
        self.undo_stack = QUndoStack(self)
        self.document: Document | None = None
        self.offsets: Utf16Map | None = None
        self.spans: list[Span] = []
        self.selected_uuid = ""
        self._longest = 0
        self.mismatched: set[str] = set()
        self.labels: list[Label] = []
        self._labels_by_id: dict[str, Label] = {}
        self._known_names: set[str] = set()
        self.reload_labels()

    # -- labels ---------------------------------------------------------------------------
    def reload_labels(self) -> None:
        self.labels = self.project.labels.all()
        self._labels_by_id = {label.id: label for label in self.labels}
        self.labelsChanged.emit()

    def label(self, label_id: str) -> Label | None:
        return self._labels_by_id.get(label_id)

    def label_for_key(self, key: str) -> Label | None:
        key = key.upper()
        return next((label for label in self.labels if key in label_keys(label)), None)

    # -- documents ------------------------------------------------------------------------
    def open_document(self, document_id: int) -> None:
        if self.document is not None and self.document.id == document_id:
            return
        document = self.project.documents.get(document_id)
        if document is None:
            return
        self.document = document
        self.offsets = Utf16Map(document.text)
        self.spans = sorted(
            self.project.spans.for_document(document_id, self.annotator.name), key=_order
        )
        # A span whose stored text no longer matches is flagged, never silently moved.
        self.mismatched = {s.uuid for s in self.spans if document.text[s.start : s.end] != s.text}
        if self.mismatched:
            self.message.emit(
                f"{len(self.mismatched)} spans' stored text differs from the document "
                "(flagged in red in the span list)"
            )
        # An upper bound on span length lets overlapping() bisect instead of scanning.
        self._longest = max((s.end - s.start for s in self.spans), default=0)
        self.selected_uuid = ""
        self.documentOpened.emit(document_id)

    def status(self) -> str:
        if self.document is None:
            return "new"
        return self.project.status.get(self.document.id, self.annotator.id)

    def span(self, span_uuid: str) -> Span | None:
        return next((s for s in self.spans if s.uuid == span_uuid), None)

    def overlapping(self, start: int, end: int) -> list[Span]:
        """Spans that overlap [start, end), found by bisection over the sorted layer."""
        lo = bisect_left(self.spans, start - self._longest, key=lambda s: s.start)
        hi = bisect_left(self.spans, end, key=lambda s: s.start)
        return [s for s in self.spans[lo:hi] if s.end > start]

    def spans_at(self, position: int) -> list[Span]:
        """Spans covering code point ``position``, shortest first."""
        covering = [s for s in self.spans if s.start <= position < s.end]
        return sorted(covering, key=lambda s: (s.end - s.start, s.start))

    def select_span(self, span_uuid: str) -> None:
        if span_uuid and self.span(span_uuid) is None:
            span_uuid = ""
        if span_uuid != self.selected_uuid:
            self.selected_uuid = span_uuid
            self.spanSelected.emit(span_uuid)

    # -- snapping -------------------------------------------------------------------------
    def known_names(self) -> set[str]:
        """Names already tagged as ACTOR or LOCATION anywhere in the project."""
        if not self._known_names:
            rows = self.project.conn.execute(
                "SELECT DISTINCT text FROM spans WHERE label IN ('ACTOR', 'LOCATION')"
            )
            self._known_names = {row[0] for row in rows}
        return self._known_names

    def snapped(self, start: int, end: int, label: str) -> tuple[int, int]:
        assert self.document is not None
        options = SnapOptions(strip_proclitics=self.project.setting("strip_proclitics", "1") == "1")
        return snap(self.document.text, start, end, label, self.known_names(), options)

    def new_span(self, start: int, end: int, label: str) -> Span:
        assert self.document is not None
        return Span(
            uuid=str(uuid.uuid4()),
            document_id=self.document.id,
            annotator=self.annotator.name,
            start=start,
            end=end,
            label=label,
            text=self.document.text[start:end],
        )

    def duplicate_of(self, start: int, end: int, label: str) -> Span | None:
        return next(
            (
                s
                for s in self.overlapping(start, end)
                if (s.start, s.end, s.label) == (start, end, label)
            ),
            None,
        )

    # -- the storage calls undo commands make (one transaction each) ----------------------
    def apply_create(self, span: Span) -> Span:
        stored = self.project.spans.create(span, by=self.annotator.name)
        if stored.label in ("ACTOR", "LOCATION"):
            self._known_names.add(stored.text)
        if self._is_open(stored.document_id):
            insort(self.spans, stored, key=_order)
            self._longest = max(self._longest, stored.end - stored.start)
            self.spansChanged.emit(stored.document_id, stored.start, stored.end)
            self.statusChanged.emit(stored.document_id, self.status())
        return stored

    def apply_delete(self, span_uuid: str) -> Span:
        removed = self.project.spans.delete(span_uuid, by=self.annotator.name)
        if self._is_open(removed.document_id):
            self.spans = [s for s in self.spans if s.uuid != span_uuid]
            if self.selected_uuid == span_uuid:
                self.select_span("")
            self.spansChanged.emit(removed.document_id, removed.start, removed.end)
        return removed

    def apply_update(
        self, span_uuid: str, *, label: str | None = None, attrs: dict[str, Any] | None = None
    ) -> Span:
        updated = self.project.spans.update(
            span_uuid, by=self.annotator.name, label=label, attrs=attrs
        )
        if self._is_open(updated.document_id):
            self.spans = sorted(
                (updated if s.uuid == span_uuid else s for s in self.spans), key=_order
            )
            self.spansChanged.emit(updated.document_id, updated.start, updated.end)
        return updated

    def apply_status(self, document_id: int, status: str) -> str:
        before = self.project.status.set(
            document_id, self.annotator.id, status, by=self.annotator.name
        )
        self.statusChanged.emit(document_id, status)
        return before

    def restore(self, span: Span) -> Span:
        """Bring back a deleted span exactly as it was (same uuid and timestamps)."""
        return self.apply_create(replace(span))

    def _is_open(self, document_id: int) -> bool:
        return self.document is not None and self.document.id == document_id
