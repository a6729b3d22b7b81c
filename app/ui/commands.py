"""Every edit is a QUndoCommand: redo() and undo() each make one storage transaction.

A command remembers its document; undoing it after switching documents first brings that
document back into view, so the user sees what was undone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from app.ui.i18n import label_name, status_name
from app.ui.session import AnnotationSession
from storage import Span

if TYPE_CHECKING:
    from app.core.annotate_all import AnnotateAllPlan


def _name(session: AnnotationSession, label_id: str) -> str:
    """The label's name in the interface's language (its id if the project lacks it)."""
    label = next((label for label in session.labels if label.id == label_id), None)
    return label_name(label) if label is not None else label_id


class _SpanCommand(QUndoCommand):
    def __init__(self, session: AnnotationSession, document_id: int, text: str) -> None:
        super().__init__(text)
        self.session = session
        self.document_id = document_id

    def _show_document(self) -> None:
        self.session.open_document(self.document_id)


class TagSpan(_SpanCommand):
    def __init__(self, session: AnnotationSession, span: Span) -> None:
        text = QCoreApplication.translate("Commands", "Tag {label}")
        super().__init__(session, span.document_id, text.format(label=_name(session, span.label)))
        self.span = span

    def redo(self) -> None:
        self._show_document()
        self.span = self.session.apply_create(self.span)
        self.session.select_span(self.span.uuid)

    def undo(self) -> None:
        self._show_document()
        self.session.apply_delete(self.span.uuid)


class DeleteSpan(_SpanCommand):
    def __init__(self, session: AnnotationSession, span: Span) -> None:
        text = QCoreApplication.translate("Commands", "Delete {label}")
        super().__init__(session, span.document_id, text.format(label=_name(session, span.label)))
        self.span = span

    def redo(self) -> None:
        self._show_document()
        self.span = self.session.apply_delete(self.span.uuid)

    def undo(self) -> None:
        self._show_document()
        self.session.restore(self.span)
        self.session.select_span(self.span.uuid)


class UpdateSpan(_SpanCommand):
    """Retag, move the boundaries and/or edit attributes.

    ``attrs`` given is the user's edit, stored as it is. A retag or a move without
    ``attrs`` refreshes the automatic values (app.assist.autofill): keys the user edited
    stay, untouched ones follow the new text. Undo restores the previous span exactly.
    """

    def __init__(
        self,
        session: AnnotationSession,
        before: Span,
        *,
        label: str | None = None,
        attrs: dict[str, Any] | None = None,
        bounds: tuple[int, int] | None = None,
    ) -> None:
        text = (
            QCoreApplication.translate("Commands", "Retag as {label}").format(
                label=_name(session, label)
            )
            if label is not None
            else QCoreApplication.translate("Commands", "Edit attributes")
        )
        if bounds is not None and label is None:
            text = QCoreApplication.translate("Commands", "Change span boundaries")
        super().__init__(session, before.document_id, text)
        self.before = before
        self.label = label
        self.bounds = bounds if bounds != (before.start, before.end) else None
        if attrs is None and (self.bounds is not None or label not in (None, before.label)):
            attrs = self._refreshed_attrs(label if label is not None else before.label)
        self.attrs = attrs

    def _refreshed_attrs(self, label: str) -> dict[str, Any]:
        from app.assist.autofill import refresh_attributes

        before = self.before
        new_text = before.text
        if self.bounds is not None:
            spans = self.session.project.spans
            new_text = spans.covered_text(before.document_id, *self.bounds)
        published = self.session.published(before.document_id)
        return refresh_attributes(
            label, before.text, new_text, before.attrs, published, old_label=before.label
        )

    def redo(self) -> None:
        self._show_document()
        if self.bounds is not None:
            label = self.label if self.label is not None else self.before.label
            attrs = self.attrs if self.attrs is not None else dict(self.before.attrs)
            self.session.apply_bounds(self.before.uuid, *self.bounds, label=label, attrs=attrs)
        else:
            self.session.apply_update(self.before.uuid, label=self.label, attrs=self.attrs)
        self.session.select_span(self.before.uuid)

    def undo(self) -> None:
        self._show_document()
        before = self.before
        if self.bounds is not None:
            self.session.apply_bounds(
                before.uuid, before.start, before.end, label=before.label, attrs=dict(before.attrs)
            )
        else:
            self.session.apply_update(before.uuid, label=before.label, attrs=dict(before.attrs))
        self.session.select_span(before.uuid)


class SetStatus(_SpanCommand):
    def __init__(self, session: AnnotationSession, document_id: int, status: str) -> None:
        text = QCoreApplication.translate("Commands", "Mark {status}")
        super().__init__(session, document_id, text.format(status=status_name(status)))
        self.status = status
        self.before = "new"

    def redo(self) -> None:
        self.before = self.session.apply_status(self.document_id, self.status)

    def undo(self) -> None:
        self._show_document()
        self.session.apply_status(self.document_id, self.before)


class AnnotateAll(_SpanCommand):
    """Annotate all occurrences: one transaction to create them all, one to delete exactly
    them; a redo after an undo brings back the very same spans (uuids and timestamps)."""

    def __init__(self, session: AnnotationSession, plan: AnnotateAllPlan, document_id: int):
        text = QCoreApplication.translate("AnnotateAll", "Annotate all: {count} × {label}")
        super().__init__(session, document_id, text.format(count=plan.total, label=plan.label))
        self.plan = plan
        self.created: list[Span] | None = None  # what the first redo stored

    def redo(self) -> None:
        # Imported here: app.core.annotate_all brings search folding, which costs start-up
        # 20-40 ms to build its tables.
        from app.core.annotate_all import apply_annotate_all, restore_annotate_all

        self._show_document()
        project, by = self.session.project, self.session.annotator.name
        if self.created is None:
            self.created = apply_annotate_all(project, self.plan.annotator, self.plan, by)
            shown = self.created
        else:
            shown = restore_annotate_all(project, self.created, by)
        _announce(self.session, added=shown, removed=[])

    def undo(self) -> None:
        from app.core.annotate_all import undo_annotate_all

        self._show_document()
        spans = self.created or []
        undo_annotate_all(self.session.project, spans, self.session.annotator.name)
        _announce(self.session, added=[], removed=spans)


def _announce(session: AnnotationSession, *, added: list[Span], removed: list[Span]) -> None:
    """After a bulk transaction: update the open document's layer row by row (the span list
    follows), repaint only the stretch that changed, refresh the other documents' rows."""
    document = session.document
    open_id = document.id if document is not None else None
    touched: list[Span] = []
    for span in removed:
        shown = session.spans.get(span.uuid) if span.document_id == open_id else None
        if shown is not None:
            session._replace_row(shown, None)  # the session's own row-by-row update
            touched.append(span)
    for span in added:
        if span.document_id == open_id and session.spans.get(span.uuid) is None:
            session._replace_row(None, span)
            touched.append(span)
        if span.label in ("ACTOR", "LOCATION"):
            session.known_names().add(span.text)
    if touched and open_id is not None:
        if session.span(session.selected_uuid) is None:
            session.select_span("")
        start, end = min(s.start for s in touched), max(s.end for s in touched)
        session.spansChanged.emit(open_id, start, end)
    for document_id in sorted({s.document_id for s in (*added, *removed)}):
        status = session.project.status.get(document_id, session.annotator.id)
        session.statusChanged.emit(document_id, status)
