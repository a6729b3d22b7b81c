"""The annotation session: one project, one annotator, the open document and its layer.

Widgets never write to storage themselves: user actions become undo commands
(app.ui.commands), the commands call the ``apply_*`` methods here, each of which is one
storage transaction, and the session then announces what changed so every view refreshes
from one notification.

The open document's layer is ``spans`` (app.ui.layer.SpanLayer): sorted by (start, end,
label, uuid), indexed by uuid, records made only when read, so every lookup an edit makes
is a bisection or a dict access, never a scan of the 5,000 spans a long article can hold.
Each change of it is announced row by row, before and after (``spanRowsAboutToChange`` /
``spanRowsChanged``), which is what a Qt item model needs to update the span list
incrementally.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from app.core.labels import label_keys
from app.text.offsets import Utf16Map
from app.text.snapping import SnapOptions, snap
from app.ui.layer import SpanLayer, differing
from storage import Document, Label, Project, ProjectError, Span


class AnnotationSession(QObject):
    documentOpened = Signal(int)
    # (document id, start, end) of the stretch whose highlights changed
    spansChanged = Signal(int, int, int)
    # (old row, new row) in ``spans``: -1 as old row for an insertion, -1 as new row for a
    # removal. Emitted just before and just after the list changes.
    spanRowsAboutToChange = Signal(int, int)
    spanRowsChanged = Signal(int, int)
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
        self.spans = SpanLayer([], partial(project.spans.layer_span, document_id=0, annotator=""))
        self.selected_uuid = ""
        self._announced_status: str | None = None  # the open document's, as last announced
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
        rows = self.project.spans.layer_rows(document_id, self.annotator.id)
        make = partial(
            self.project.spans.layer_span, document_id=document_id, annotator=self.annotator.name
        )
        self.spans = SpanLayer(rows, make)
        # A span whose stored text no longer matches is flagged, never silently moved.
        self.mismatched = differing(rows, document.text)
        if self.mismatched:
            self.message.emit(
                self.tr(
                    "{n} spans' stored text differs from the document "
                    "(flagged in red in the span list)"
                ).format(n=len(self.mismatched))
            )
        self.selected_uuid = ""
        self._announced_status = None
        self.documentOpened.emit(document_id)

    def status(self) -> str:
        if self.document is None:
            return "new"
        return self.project.status.get(self.document.id, self.annotator.id)

    def span(self, span_uuid: str) -> Span | None:
        return self.spans.get(span_uuid)

    def row_of(self, span_uuid: str) -> int | None:
        """The span's row in ``spans`` (and in the span list), by bisection."""
        return self.spans.row_of(span_uuid)

    def overlapping(self, start: int, end: int) -> list[Span]:
        """Spans that overlap [start, end), found by bisection over the sorted layer."""
        return self.spans.overlapping(start, end)

    def spans_at(self, position: int) -> list[Span]:
        """Spans covering code point ``position``, shortest first."""
        covering = self.overlapping(position, position + 1)
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
        from uuid import uuid4  # imported by the first tag, not at start-up (platform, …)

        from app.assist.autofill import auto_attributes  # its tables load with the first tag

        assert self.document is not None
        text = self.document.text[start:end]
        return Span(
            uuid=str(uuid4()),
            document_id=self.document.id,
            annotator=self.annotator.name,
            start=start,
            end=end,
            label=label,
            text=text,
            attrs=auto_attributes(label, text, self.document.published),
        )

    def published(self, document_id: int) -> str:
        """The document's publication date (ISO text, "" when unknown): relative dates
        in its spans resolve against it."""
        if self.document is not None and self.document.id == document_id:
            return self.document.published
        document = self.project.documents.get(document_id)
        return document.published if document is not None else ""

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
            self._replace_row(None, stored)
            self.spansChanged.emit(stored.document_id, stored.start, stored.end)
            status = self.status()  # a first span moves a new document to in progress
            if status != self._announced_status:
                self._announced_status = status
                self.statusChanged.emit(stored.document_id, status)
        return stored

    def apply_delete(self, span_uuid: str) -> Span:
        removed = self.project.spans.delete(span_uuid, by=self.annotator.name)
        shown = self.spans.get(span_uuid)
        if shown is not None:
            self._replace_row(shown, None)
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
            self._replace_row(self.spans.get(span_uuid), updated)
            self.spansChanged.emit(updated.document_id, updated.start, updated.end)
        return updated

    def apply_bounds(
        self, span_uuid: str, start: int, end: int, *, label: str, attrs: dict[str, Any]
    ) -> Span:
        """Move a span's boundaries (same uuid and creation time), retag it and set its
        attributes, in one transaction. Storage has no boundary update, so this is its
        delete and re-create, both in the change log, committed together."""
        current = self.project.spans.get(span_uuid)
        if current is None:
            raise ProjectError(f"no span {span_uuid}")
        # Checked before anything changes: a range outside the text raises here.
        text = self.project.spans.covered_text(current.document_id, start, end)
        moved = replace(
            current, start=start, end=end, text=text, label=label, attrs=attrs, updated_at=""
        )
        with self.project.transaction():
            self.apply_delete(span_uuid)
            return self.apply_create(moved)

    def apply_status(self, document_id: int, status: str) -> str:
        before = self.project.status.set(
            document_id, self.annotator.id, status, by=self.annotator.name
        )
        if self._is_open(document_id):
            self._announced_status = status
        self.statusChanged.emit(document_id, status)
        return before

    def restore(self, span: Span) -> Span:
        """Bring back a deleted span exactly as it was (same uuid and timestamps)."""
        return self.apply_create(replace(span))

    def _replace_row(self, old: Span | None, new: Span | None) -> None:
        """Take ``old`` out of the sorted layer and/or put ``new`` in, announcing the rows."""
        old_row = -1 if old is None else self.spans.insertion_row(old)
        new_row = -1
        if new is not None:
            new_row = self.spans.insertion_row(new)
            if 0 <= old_row < new_row:
                new_row -= 1  # counted without the old record, which goes first
        self.spanRowsAboutToChange.emit(old_row, new_row)
        if old is not None:
            self.spans.remove(old_row)
        if new is not None:
            self.spans.insert(new_row, new)
        self.spanRowsChanged.emit(old_row, new_row)

    def _is_open(self, document_id: int) -> bool:
        return self.document is not None and self.document.id == document_id
