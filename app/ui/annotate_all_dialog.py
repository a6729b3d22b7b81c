"""Annotate all occurrences (Edit → Annotate all occurrences…, Ctrl+Shift+A).

From the selected span (or the one under the caret), a preview: the scope (this document
or the whole corpus), how many new occurrences would be tagged, per document for the
corpus, and how many are already tagged and left alone. OK pushes one undoable command
(app.ui.commands.AnnotateAll) through the read-only guard, like every other edit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.core.annotate_all import AnnotateAllPlan, Scope, plan_annotate_all
from app.core.search import count_in_text, search_corpus
from app.ui.commands import AnnotateAll
from app.ui.session import AnnotationSession
from storage import Span

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

TOP_DOCUMENTS = 10  # documents listed by name in a corpus preview


def isolated(text: str) -> str:
    """Article text inside an interface sentence, in a bidi isolate (FSI … PDI): without
    it an Arabic name in an English sentence drags the quotes and numbers beside it."""
    return f"\u2068{text}\u2069"


def already_tagged(session: AnnotationSession, span: Span, plan: AnnotateAllPlan) -> int:
    """Occurrences in the scope that the plan leaves alone (this span among them)."""
    if plan.scope == "document":
        assert session.document is not None
        found = count_in_text(session.document.text, span.text)
    else:
        found = sum(row[3] for row in search_corpus(session.project, span.text))
    return max(0, found - plan.total)


class AnnotateAllDialog(QDialog):
    def __init__(self, session: AnnotationSession, span: Span, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("annotateAllDialog")
        self.setWindowTitle(self.tr("Annotate all occurrences"))
        self.session = session
        self.span = span
        self._plans: dict[str, AnnotateAllPlan] = {}
        self.plan = self._plan("document")
        label = session.label(span.label)
        name = label.display_name if label is not None else span.label
        heading = QLabel(
            self.tr("Tag every occurrence of «{text}» as {label}.").format(
                text=isolated(span.text), label=isolated(name)
            )
        )
        heading.setTextFormat(Qt.TextFormat.PlainText)  # article text: never markup
        heading.setWordWrap(True)
        self.this_document = QRadioButton(self.tr("This document"))
        self.whole_corpus = QRadioButton(self.tr("Whole corpus"))
        self.this_document.setChecked(True)
        scopes = QButtonGroup(self)
        scopes.addButton(self.this_document)
        scopes.addButton(self.whole_corpus)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.documents = QListWidget()  # the corpus preview, most occurrences first
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        column = QVBoxLayout(self)
        column.addWidget(heading)
        column.addWidget(self.this_document)
        column.addWidget(self.whole_corpus)
        column.addWidget(self.summary)
        column.addWidget(self.documents, 1)
        column.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.whole_corpus.toggled.connect(lambda _on: self._show_plan())
        self.resize(460, 360)
        self._show_plan()

    def _plan(self, scope: Scope) -> AnnotateAllPlan:
        if scope not in self._plans:
            self._plans[scope] = plan_annotate_all(
                self.session.project, self.session.annotator.name, self.span, scope
            )
        return self._plans[scope]

    def _show_plan(self) -> None:
        self.plan = plan = self._plan("corpus" if self.whole_corpus.isChecked() else "document")
        tagged = already_tagged(self.session, self.span, plan)
        self.summary.setText(
            self.tr(
                "{count} new occurrences will be tagged; {tagged} already tagged are left alone."
            ).format(count=plan.total, tagged=tagged)
        )
        self.documents.clear()
        self.documents.setVisible(plan.scope == "corpus")
        if plan.scope == "corpus":
            ranked = sorted(plan.per_document.items(), key=lambda item: (-item[1], item[0]))
            for document_id, count in ranked[:TOP_DOCUMENTS]:
                document = self.session.project.documents.get(document_id)
                title = (document.title or document.external_id) if document else str(document_id)
                # QListWidgetItem text is plain text: titles are never markup.
                self.documents.addItem(
                    self.tr("{title}: {count}").format(title=isolated(title), count=count)
                )
            if len(ranked) > TOP_DOCUMENTS:
                self.documents.addItem(
                    self.tr("… and {more} more documents").format(more=len(ranked) - TOP_DOCUMENTS)
                )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Tag {count}").format(count=plan.total))
        ok.setEnabled(plan.total > 0)


def source_span(window: MainWindow) -> Span | None:
    """The selected span, or else the innermost one under the caret."""
    session = window.session
    if session is None or session.document is None:
        return None
    selected = session.span(session.selected_uuid)
    if selected is not None:
        return selected
    view = window.article_view
    caret = view.painter.offsets.to_code_point(view.textCursor().position())
    under = session.spans_at(caret)
    return under[0] if under else None


def open_annotate_all(window: MainWindow) -> AnnotateAllDialog | None:
    """Open the preview for the current span; OK applies it as one undoable command."""
    session = window.session
    if session is None or session.document is None:
        return None
    if window.read_only.active:  # refused like every edit, before any preview work
        window.statusBar().showMessage(
            QCoreApplication.translate(
                "AnnotateAllDialog", "Read-only ({reason}): nothing was changed."
            ).format(reason=window.read_only.reason),
            8000,
        )
        return None
    span = source_span(window)
    if span is None:
        window.statusBar().showMessage(
            QCoreApplication.translate(
                "AnnotateAllDialog", "Select a span first: its text is what gets tagged everywhere."
            ),
            5000,
        )
        return None
    dialog = AnnotateAllDialog(session, span, window)
    document_id = session.document.id

    def apply() -> None:
        plan = dialog.plan
        if window.read_only.push(AnnotateAll(session, plan, document_id)):
            window.statusBar().showMessage(
                QCoreApplication.translate(
                    "AnnotateAllDialog", "Tagged {count} occurrences."
                ).format(count=plan.total),
                5000,
            )

    dialog.accepted.connect(apply)
    dialog.finished.connect(lambda _result: dialog.deleteLater())
    dialog.open()
    return dialog
