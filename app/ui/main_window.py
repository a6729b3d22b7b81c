"""The main window: document list | article view + label bar | span list.

It wires widgets to the session; menus live in app.ui.menus, dialogs in app.ui.dialogs.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QUndoGroup
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.settings import Settings
from app.ui.article_view import ArticleView
from app.ui.backups import attach_backups
from app.ui.commands import DeleteSpan, SetStatus, TagSpan, UpdateSpan
from app.ui.document_list import DocumentList, DocumentListModel
from app.ui.find_bar import FindBar
from app.ui.fonts import article_font, load_fonts
from app.ui.i18n import label_name, status_name
from app.ui.label_bar import LabelBar
from app.ui.menus import build_menus
from app.ui.read_only import ReadOnlyMode
from app.ui.session import AnnotationSession
from app.ui.span_list import SpanList, SpanListModel, SpanUuidRole
from app.ui.suggestions import SuggestionOverlay
from storage import NotAProjectError, Project, Span


def ensure_application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    load_fonts()
    assert isinstance(app, QApplication)
    return app


class MainWindow(QMainWindow):
    def __init__(self, project_path: Path, annotator: str, settings: Settings | None = None):
        super().__init__()
        self.settings = settings or Settings()
        self.resize(1280, 800)
        self.article_view = ArticleView()
        self.find_bar = FindBar(self.article_view)  # Ctrl+F, under the article
        self.label_bar = LabelBar()
        self.document_list = DocumentList()
        self.span_list = SpanList()
        self.status_text = QLabel()
        self.status_text.setTextFormat(Qt.TextFormat.PlainText)
        self.annotator_text = QLabel()
        self.annotator_text.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addWidget(self.status_text, 1)
        self.statusBar().addPermanentWidget(self.annotator_text)
        point_size = self.settings.get("article_point_size")
        if isinstance(point_size, int) and 8 <= point_size <= 72:
            self.article_view.setFont(article_font(point_size))
        self.read_only = ReadOnlyMode(self)  # the banner, and the guard every edit goes through
        self._build_layout()
        self._connect_widgets()
        self.session: AnnotationSession | None = None
        self.project: Project | None = None
        # One group so the Edit menu's undo/redo follow whichever project is open.
        self.undo_group = QUndoGroup(self)
        self.actions_by_name = build_menus(self)
        self.suggestions = SuggestionOverlay(self)  # before the first document is shown
        self.suggestions.bind_actions(self.actions_by_name)
        self.backups = attach_backups(self)  # on open and every N minutes of activity
        try:
            self.open_project(project_path, annotator)
        except NotAProjectError as error:  # damaged: offer its latest backup, else give up
            from app.ui.messages import project_error
            from app.ui.restore_dialog import recover_damaged

            if not recover_damaged(self, project_path, project_error(error), annotator):
                raise

    # -- layout ---------------------------------------------------------------------------
    def _build_layout(self) -> None:
        center = QWidget()
        column = QVBoxLayout(center)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.read_only.banner)
        column.addWidget(self.label_bar)
        column.addWidget(self.article_view, 1)
        column.addWidget(self.find_bar)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.document_list)
        splitter.addWidget(center)
        splitter.addWidget(self.span_list)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 5)
        splitter.setStretchFactor(2, 2)
        splitter.setSizes([300, 700, 300])
        self.setCentralWidget(splitter)

    def _connect_widgets(self) -> None:
        view = self.article_view
        view.labelKeyPressed.connect(self.on_label_key)
        view.deleteRequested.connect(self.delete_selected_span)
        view.spanClicked.connect(self.select_span)
        view.spanStepRequested.connect(self.step_span)
        view.escapePressed.connect(lambda: self.select_span(""))
        self.label_bar.labelClicked.connect(lambda label_id: self.tag_or_retag(label_id, False))
        self.document_list.documentActivated.connect(self.show_document)
        self.find_bar.corpusRequested.connect(self.search_corpus)

    def search_corpus(self, query: str | None = None) -> None:
        from app.ui.corpus_search import open_corpus_search  # not needed to show the window

        open_corpus_search(self, query)

    def annotate_all(self) -> None:
        from app.ui.annotate_all_dialog import open_annotate_all  # likewise

        open_annotate_all(self)

    # -- project --------------------------------------------------------------------------
    def open_project(self, path: Path, annotator: str) -> None:
        # With its lock; or read-only, with the reason, when someone else holds it.
        project, read_only_reason = self.read_only.open(path, annotator)
        if self.project is not None:
            self.project.close()
        if self.session is not None:
            self.undo_group.removeStack(self.session.undo_stack)
        self.project = project
        self.session = session = AnnotationSession(project, annotator, self)
        self.suggestions.attach(session)
        session.documentOpened.connect(self._on_document_opened)
        session.spansChanged.connect(self._on_spans_changed)
        session.spanSelected.connect(self._on_span_selected)
        session.statusChanged.connect(self._on_status_changed)
        session.labelsChanged.connect(self._on_labels_changed)
        session.message.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.list_model = DocumentListModel(project, session.annotator.id)
        self.document_list.set_model(self.list_model)
        self.span_model = SpanListModel(session, self.edit_attributes)
        self.span_list.setModel(self.span_model)
        self.span_list.selectionModel().currentRowChanged.connect(self._on_span_row_changed)
        self._on_labels_changed()
        strip = project.setting("strip_proclitics", "1") == "1"
        self.actions_by_name["proclitics"].setChecked(strip)
        self.annotator_text.setText(
            self.tr("Annotator: {name}").format(name=session.annotator.name)
        )
        self.setWindowTitle(self.tr("Tawsim — {name}").format(name=path.name))
        self._remember(path, session.annotator.name)
        self.undo_group.addStack(session.undo_stack)
        self.undo_group.setActiveStack(session.undo_stack)
        self.read_only.project_opened(project, read_only_reason)
        self.backups.watch(project)
        first = project.documents.next_unfinished(session.annotator.id, -1)
        first = first if first is not None else project.documents.first_id()
        if first is not None:
            self.show_document(first)

    def _remember(self, path: Path, annotator: str) -> None:
        """Note the project and annotator in the settings, writing the file only if they
        changed: each write is an fsync'd replacement, which cost start-up up to 17 ms."""
        resolved = str(path.resolve())
        recent = self.settings.recent_projects()
        if self.settings.get("last_project") != resolved or recent[:1] != [resolved]:
            self.settings.remember_project(path)
        if self.settings.get("annotator") != annotator:
            self.settings.set("annotator", annotator)

    # -- documents ------------------------------------------------------------------------
    def show_document(self, document_id: int) -> None:
        assert self.session is not None
        self.session.open_document(document_id)

    def _on_document_opened(self, document_id: int) -> None:
        session = self.session
        assert session is not None and session.document is not None and session.offsets
        self.article_view.show_text(session.document.text, session.offsets, session.overlapping)
        self.span_model.reset()
        self.document_list.select_document(document_id)
        self._update_status_line()
        self.article_view.setFocus()

    def go_to_next_unfinished(self) -> None:
        session = self.session
        if session is None or session.document is None:
            return
        following = self.project.documents.next_unfinished(  # type: ignore[union-attr]
            session.annotator.id, session.document.id
        )
        if following is None:
            self.statusBar().showMessage(
                self.tr("Every document is done or skipped. Well done!"), 8000
            )
        else:
            self.show_document(following)

    def step_document(self, step: int) -> None:
        session = self.session
        if session is None or session.document is None:
            return
        row = self.list_model.row_of(session.document.id)
        target = self.list_model.row_at((row if row is not None else -1) + step)
        if target is not None:
            self.show_document(target.id)

    def mark(self, status: str, advance: bool = True) -> None:
        session = self.session
        if session is None or session.document is None:
            return
        done = self.read_only.push(SetStatus(session, session.document.id, status))
        if done and advance:
            self.go_to_next_unfinished()

    # -- tagging --------------------------------------------------------------------------
    def on_label_key(self, key: str, exact: bool) -> None:
        assert self.session is not None
        label = self.session.label_for_key(key)
        if label is not None:
            self.tag_or_retag(label.id, exact)

    def tag_or_retag(self, label_id: str, exact: bool) -> None:
        """A selection gets a new span; otherwise the selected span is retagged."""
        session = self.session
        if session is None or session.document is None:
            return
        selection = self.article_view.selection_code_points()
        if selection is not None:
            start, end = selection if exact else session.snapped(*selection, label_id)
            if session.duplicate_of(start, end, label_id):
                self.statusBar().showMessage(self.tr("Already tagged with this label."), 4000)
                return
            if self.read_only.push(TagSpan(session, session.new_span(start, end, label_id))):
                self.article_view.clear_selection()  # kept if not stored, to try again
            return
        span = session.span(session.selected_uuid)
        if span is not None and span.label != label_id:
            self.read_only.push(UpdateSpan(session, span, label=label_id))
        elif span is None:
            text = self.tr("Select some text first, then press a label key.")
            self.statusBar().showMessage(text, 4000)

    def delete_selected_span(self) -> None:
        session = self.session
        if session is None:
            return
        span = session.span(session.selected_uuid)
        if span is not None:
            self.read_only.push(DeleteSpan(session, span))

    def edit_attributes(self, span: Span, attrs: dict[str, Any]) -> None:
        assert self.session is not None
        self.read_only.push(UpdateSpan(self.session, span, attrs=attrs))

    def select_span(self, span_uuid: str) -> None:
        if self.session is not None:
            self.session.select_span(span_uuid)

    def step_span(self, step: int) -> None:
        session = self.session
        if session is None or not session.spans:
            return
        row = session.row_of(session.selected_uuid)
        row = (-1 if step > 0 else 0) if row is None else row
        session.select_span(session.spans[(row + step) % len(session.spans)].uuid)

    def edit_selected_attributes(self) -> None:
        if self.session is None:
            return
        row = self.session.row_of(self.session.selected_uuid)
        if row is not None:
            index = self.span_model.index(row, 2)
            self.span_list.setCurrentIndex(index)
            self.span_list.edit(index)

    # -- notifications --------------------------------------------------------------------
    def _on_spans_changed(self, document_id: int, start: int, end: int) -> None:
        session = self.session
        assert session is not None
        self.article_view.repaint_range(start, end)
        # The span list has followed row by row (SpanListModel), its selection with it. The
        # selected span's outline is redrawn if it changed (a retag changes its colour).
        selected = session.span(session.selected_uuid)
        if selected is not None and selected.start < end and start < selected.end:
            self.article_view.show_selected_span(selected)
        self.list_model.refresh_document(document_id)
        self._update_status_line()

    def _on_span_selected(self, span_uuid: str) -> None:
        session = self.session
        assert session is not None
        span = session.span(span_uuid)
        self.article_view.show_selected_span(span)
        row = session.row_of(span_uuid) if span else None
        selection = self.span_list.selectionModel()
        blocked = selection.blockSignals(True)
        if row is None:
            self.span_list.clearSelection()
            # No current row either: Qt would select the next row when this one is removed.
            selection.clearCurrentIndex()
        else:
            # Not selectRow: right to left, Qt looks for its first column one pixel past
            # the viewport's edge and selects nothing (PySide 6.11).
            index = self.span_model.index(row, 0)
            self.span_list.setCurrentIndex(index)
            self.span_list.scrollTo(index)
        selection.blockSignals(blocked)
        self.span_list.viewport().update()

    def _on_span_row_changed(self, current: Any, _previous: Any) -> None:
        # While rows are inserted or removed the view moves its current row by itself
        # (to the next row when the current one goes): that is no choice of the user.
        if self.span_model.changing:
            return
        if current.isValid() and self.session is not None:
            self.session.select_span(str(current.data(SpanUuidRole)))

    def _on_status_changed(self, document_id: int, _status: str) -> None:
        self.list_model.refresh_document(document_id)
        self._update_status_line()

    def _on_labels_changed(self) -> None:
        session = self.session
        assert session is not None
        self.label_bar.set_labels(session.labels)
        self.article_view.label_names = {
            label.id: f"{label_name(label)} ({label.id})" for label in session.labels
        }
        self.article_view.set_label_colors({label.id: label.color for label in session.labels})
        if hasattr(self, "span_model"):
            self.span_model.labels_changed()

    def _update_status_line(self) -> None:
        session = self.session
        if session is None or session.document is None:
            self.status_text.setText(self.tr("No documents — use File → Import."))
            return
        doc = session.document
        counts = session.project.status.counts(session.annotator.id)
        total = sum(counts.values())
        self.status_text.setText(
            self.tr("{title} · {status} · {spans} spans · done {done}/{total}").format(
                title=doc.title or doc.external_id,
                status=status_name(session.status()),
                spans=len(session.spans),
                done=counts["done"],
                total=total,
            )
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        self.backups.stop()
        self.suggestions.close()
        if self.project is not None:
            self.project.close()
            self.project = None
        super().closeEvent(event)
