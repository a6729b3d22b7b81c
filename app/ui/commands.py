"""Every edit is a QUndoCommand: redo() and undo() each make one storage transaction.

A command remembers its document; undoing it after switching documents first brings that
document back into view, so the user sees what was undone.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoCommand

from app.ui.session import AnnotationSession
from storage import Span


class _SpanCommand(QUndoCommand):
    def __init__(self, session: AnnotationSession, document_id: int, text: str) -> None:
        super().__init__(text)
        self.session = session
        self.document_id = document_id

    def _show_document(self) -> None:
        self.session.open_document(self.document_id)


class TagSpan(_SpanCommand):
    def __init__(self, session: AnnotationSession, span: Span) -> None:
        super().__init__(session, span.document_id, f"Tag {span.label}")
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
        super().__init__(session, span.document_id, f"Delete {span.label}")
        self.span = span

    def redo(self) -> None:
        self._show_document()
        self.span = self.session.apply_delete(self.span.uuid)

    def undo(self) -> None:
        self._show_document()
        self.session.restore(self.span)
        self.session.select_span(self.span.uuid)


class UpdateSpan(_SpanCommand):
    """Retag and/or edit attributes."""

    def __init__(
        self,
        session: AnnotationSession,
        before: Span,
        *,
        label: str | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> None:
        text = f"Retag as {label}" if label is not None else "Edit attributes"
        super().__init__(session, before.document_id, text)
        self.before = before
        self.label = label
        self.attrs = attrs

    def redo(self) -> None:
        self._show_document()
        self.session.apply_update(self.before.uuid, label=self.label, attrs=self.attrs)
        self.session.select_span(self.before.uuid)

    def undo(self) -> None:
        self._show_document()
        self.session.apply_update(
            self.before.uuid, label=self.before.label, attrs=dict(self.before.attrs)
        )
        self.session.select_span(self.before.uuid)


class SetStatus(_SpanCommand):
    def __init__(self, session: AnnotationSession, document_id: int, status: str) -> None:
        super().__init__(session, document_id, f"Mark {status.replace('_', ' ')}")
        self.status = status
        self.before = "new"

    def redo(self) -> None:
        self.before = self.session.apply_status(self.document_id, self.status)

    def undo(self) -> None:
        self._show_document()
        self.session.apply_status(self.document_id, self.before)
