"""The gold layer in the review window: a session on the gold annotator, and the wiring
that makes its article view tag, retag and delete the way the annotation window does.

GoldSession adds the adjudicator's own storage calls (accept, reject, accept all agreed)
to AnnotationSession; like its ``apply_*`` methods, each is one transaction of the
adjudication module and keeps the open layer (and so the views) in step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand

from app.agreement import adjudication
from app.ui.article_view import ArticleView
from app.ui.commands import DeleteSpan, TagSpan, UpdateSpan
from app.ui.session import AnnotationSession
from storage import Project, Span

Version = tuple[int, int, str]  # (start, end, label): a version an annotator proposed


class GoldSession(AnnotationSession):
    """The gold annotator's layer of the open document."""

    # The open items of the document may have changed: after every accept, reject, auto
    # gold and gold edit (once per command, not once per span).
    itemsChanged = Signal()

    def __init__(self, project: Project, gold: str, parent: QObject | None = None) -> None:
        adjudication.gold_layer(project, gold)  # made with kind "gold"; another kind refused
        super().__init__(project, gold, parent)
        self._batch = 0
        self.spansChanged.connect(self._changed)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """One command's changes: one transaction, announced once at the end."""
        self._batch += 1
        try:
            with self.project.transaction():
                yield
        except BaseException:
            self._reload()  # the open layer may hold changes that were just rolled back
            raise
        finally:
            self._batch -= 1
            if not self._batch:
                self.itemsChanged.emit()

    def _reload(self) -> None:
        document = self.document
        if document is not None:
            self.document = None
            self.open_document(document.id)

    def _changed(self, _document_id: int, _start: int, _end: int) -> None:
        if not self._batch:
            self.itemsChanged.emit()

    def apply_status(self, document_id: int, status: str) -> str:
        """The adjudication status (the gold layer's document status); returns the old one."""
        before = adjudication.set_adjudication_status(
            self.project, document_id, status, self.annotator
        )
        if self._is_open(document_id):
            self._announced_status = status
        self.statusChanged.emit(document_id, status)
        return before

    def _announce_status(self, document_id: int) -> None:
        """Announce the status if an accept or its undo moved it (new <-> in progress)."""
        if self._is_open(document_id):
            status = self.status()
            if status != self._announced_status:
                self._announced_status = status
                self.statusChanged.emit(document_id, status)

    # -- the adjudication module's operations, kept in step with the open layer ------------
    def apply_accept(self, span: Span) -> adjudication.Acceptance:
        """Copy an annotator's ``span`` into gold (nothing changes if gold has it)."""
        acceptance = adjudication.accept_span(self.project, self.annotator, span)
        stored = acceptance.span
        if acceptance.created and self._is_open(stored.document_id):
            self._replace_row(None, stored)
            self.spansChanged.emit(stored.document_id, stored.start, stored.end)
        self._announce_status(stored.document_id)
        return acceptance

    def apply_undo_accept(self, acceptance: adjudication.Acceptance) -> None:
        adjudication.undo_accept(self.project, self.annotator, acceptance)
        span = acceptance.span
        shown = self.spans.get(span.uuid) if acceptance.created else None
        if shown is not None:
            self._replace_row(shown, None)
            if self.selected_uuid == span.uuid:
                self.select_span("")
            self.spansChanged.emit(span.document_id, span.start, span.end)
        self._announce_status(span.document_id)

    def rejected(self, document_id: int) -> set[tuple[int, int, str]]:
        return {r.key for r in self.project.rejections.for_document(document_id, self.annotator.id)}

    def apply_reject(self, document_id: int, versions: Sequence[Version]) -> list[Version]:
        """Reject ``versions``: the ones that were not rejected yet (what undo lifts)."""
        with self.batch():
            return [
                version
                for version in versions
                if adjudication.reject(self.project, self.annotator, document_id, *version)
            ]

    def apply_unreject(self, document_id: int, versions: Sequence[Version]) -> None:
        with self.batch():
            for version in versions:
                adjudication.unreject(self.project, self.annotator, document_id, *version)

    def apply_auto_gold(
        self, document_id: int, annotators: Sequence[str], quorum: int | None
    ) -> tuple[list[Span], adjudication.AutoGoldReport]:
        """Accept what ``quorum`` of ``annotators`` agree on in one document (default: all
        of them): the spans it added, and the report."""
        name = self.annotator.name
        before = {s.uuid for s in self.project.spans.for_document(document_id, name)}
        report = adjudication.auto_gold(
            self.project, list(annotators), quorum=quorum, gold=name, document_ids=[document_id]
        )
        added = [
            s for s in self.project.spans.for_document(document_id, name) if s.uuid not in before
        ]
        if added and self._is_open(document_id):
            for span in added:
                self._replace_row(None, span)
            self.spansChanged.emit(
                document_id, min(s.start for s in added), max(s.end for s in added)
            )
        return added, report

    def apply_delete_many(self, spans: Sequence[Span]) -> None:
        with self.batch():
            for span in spans:
                self.apply_delete(span.uuid)


class GoldEditor(QObject):
    """Tagging in the gold view: the annotation window's keys, on the gold undo stack."""

    message = Signal(str)

    def __init__(
        self, session: GoldSession, view: ArticleView, push: Callable[[QUndoCommand], bool]
    ) -> None:
        super().__init__(view)
        self.session = session
        self.view = view
        self.push = push  # the review window's: refused while read-only
        view.labelKeyPressed.connect(self.on_label_key)
        view.deleteRequested.connect(self.delete_selected_span)
        view.spanClicked.connect(session.select_span)
        view.spanStepRequested.connect(self.step_span)
        view.escapePressed.connect(lambda: session.select_span(""))
        session.spansChanged.connect(self._on_spans_changed)
        session.spanSelected.connect(self._on_span_selected)

    def on_label_key(self, key: str, exact: bool) -> None:
        label = self.session.label_for_key(key)
        if label is not None:
            self.tag_or_retag(label.id, exact)

    def tag_or_retag(self, label_id: str, exact: bool) -> None:
        """A selection gets a new gold span; otherwise the selected span is retagged."""
        session = self.session
        if session.document is None:
            return
        selection = self.view.selection_code_points()
        if selection is not None:
            start, end = selection if exact else session.snapped(*selection, label_id)
            if session.duplicate_of(start, end, label_id):
                self.message.emit(self.tr("Gold already has this span."))
                return
            if self.push(TagSpan(session, session.new_span(start, end, label_id))):
                self.view.clear_selection()  # kept if not stored, to try again
            return
        span = session.span(session.selected_uuid)
        if span is not None and span.label != label_id:
            self.push(UpdateSpan(session, span, label=label_id))
        elif span is None:
            self.message.emit(
                self.tr("Select some text in the gold view first, then press a label key.")
            )

    def delete_selected_span(self) -> None:
        span = self.session.span(self.session.selected_uuid)
        if span is not None:
            self.push(DeleteSpan(self.session, span))

    def step_span(self, step: int) -> None:
        spans = self.session.spans
        if not spans:
            return
        row = self.session.row_of(self.session.selected_uuid)
        row = (-1 if step > 0 else 0) if row is None else row
        self.session.select_span(spans[(row + step) % len(spans)].uuid)

    def _on_spans_changed(self, _document_id: int, start: int, end: int) -> None:
        self.view.repaint_range(start, end)
        selected = self.session.span(self.session.selected_uuid)
        if selected is not None and selected.start < end and start < selected.end:
            self.view.show_selected_span(selected)

    def _on_span_selected(self, span_uuid: str) -> None:
        self.view.show_selected_span(self.session.span(span_uuid))
