"""The review window: one document, every annotator's layer stacked over the gold layer,
the open disagreements beside them, and the adjudicator's actions.

Layout: a bar (document, adjudication status, documents to adjudicate, accept all agreed),
then the stacked layers | the disagreement list. Every change goes through an undo command
on the gold session's stack (app.ui.review.commands, app.ui.commands); the window refreshes
the list from the session's one ``itemsChanged`` notification.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QFont, QUndoCommand
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.agreement.alignment import Cluster
from app.ui.commands import SetStatus
from app.ui.fonts import article_font
from app.ui.i18n import label_name
from app.ui.label_bar import LabelBar
from app.ui.layer import SpanLayer
from app.ui.read_only import GuardedEdit, ReadOnlyMode
from app.ui.review.actions import build_review_menus
from app.ui.review.bar import ReviewBar
from app.ui.review.commands import AcceptAgreed, AcceptVersion, RejectVersions
from app.ui.review.disagreements import DisagreementList, DisagreementModel
from app.ui.review.gold import GoldEditor, GoldSession
from app.ui.review.items import DocumentItems
from app.ui.review.layers_view import (
    GOLD_BAND,
    LayerPanel,
    ReviewView,
    ScrollSync,
    annotator_layer,
    band_color,
    outline_extent,
)
from app.ui.review.queue import AdjudicationQueue, review_annotators
from storage import Project, ProjectError


class ReviewWindow(QMainWindow):
    def __init__(
        self,
        project: Project,
        annotators: Sequence[str] | None = None,
        *,
        gold: str = "gold",
        point_size: int | None = None,
        read_only: ReadOnlyMode | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        # The main window's read-only mode: edits are refused while it is on, and a write
        # the disk refuses switches it on there (one state for the whole project).
        self.read_only = read_only
        self.setWindowFlag(Qt.WindowType.Window)
        self.setObjectName("reviewWindow")
        self.resize(1400, 900)
        self.project = project
        self.annotators = review_annotators(project, annotators, gold)
        self.names = [a.name for a in self.annotators]
        self.session = GoldSession(project, gold, self)
        self.queue = AdjudicationQueue(project, self.names, self.session.annotator)
        self.layers: dict[str, SpanLayer] = {}
        self.document_items: DocumentItems | None = None  # the open document's
        self._quiet = False  # set while the list's current row moves without scrolling
        font = article_font(point_size) if point_size else article_font()
        self.panels = [
            self._annotator_panel(i, a.name, font) for i, a in enumerate(self.annotators)
        ]
        self.gold_view = ReviewView()
        self.gold_view.setFont(font)
        self.gold_view.setObjectName("goldView")
        self.gold_panel = LayerPanel(
            self.tr("{name} · adjudicated layer").format(name=gold), GOLD_BAND, self.gold_view
        )
        self.label_bar = LabelBar()
        self.gold_panel.layout().insertWidget(1, self.label_bar)
        self.editor = GoldEditor(self.session, self.gold_view, self.push)
        self.sync = ScrollSync([p.view for p in self.panels] + [self.gold_view], self)
        self.model = DisagreementModel(self.names, self._label_name, self._label_color)
        self.items = DisagreementList()
        self.items.setModel(self.model)
        self.bar = ReviewBar(len(self.annotators))
        self._build_layout()
        self._connect()
        self.actions_by_name = build_review_menus(self)
        self._on_labels_changed()

    # -- building -------------------------------------------------------------------------
    def _annotator_panel(self, index: int, name: str, font: QFont) -> LayerPanel:
        view = ReviewView()
        view.setFont(font)
        view.setObjectName(f"layerView:{name}")
        hint = f"{index + 1} / Ctrl+{index + 1}" if index < 9 else ""
        panel = LayerPanel(name, band_color(index), view, accept_hint=hint)
        panel.acceptClicked.connect(lambda number=index + 1: self.accept(number))
        view.spanClicked.connect(lambda uuid, name=name: self._on_layer_span_clicked(name, uuid))
        return panel

    def _build_layout(self) -> None:
        stack = QSplitter(Qt.Orientation.Vertical)
        stack.setChildrenCollapsible(False)
        for panel in [*self.panels, self.gold_panel]:
            stack.addWidget(panel)
        stack.setSizes([2] * len(self.panels) + [3])  # proportions: gold gets more room
        self.items_title = QLabel()
        self.items_title.setTextFormat(Qt.TextFormat.PlainText)
        self.reject_button = QPushButton(self.tr("Reject the proposed versions  [R / Ctrl+Delete]"))
        self.reject_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        hint = QLabel(
            self.tr(
                "N / Shift+N or F8 / Shift+F8: next / previous · 1…9: accept that annotator's"
                " version · R: reject · Ctrl+Return: done, next document · Ctrl+Z: undo"
            )
        )
        hint.setTextFormat(Qt.TextFormat.PlainText)
        hint.setWordWrap(True)
        side = QWidget()
        column = QVBoxLayout(side)
        column.setContentsMargins(4, 4, 4, 4)
        column.addWidget(self.items_title)
        column.addWidget(self.items, 1)
        column.addWidget(self.reject_button)
        column.addWidget(hint)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(stack)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([840, 560])
        center = QWidget()
        outer = QVBoxLayout(center)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.bar)
        outer.addWidget(splitter, 1)
        self.setCentralWidget(center)

    def _connect(self) -> None:
        session = self.session
        session.documentOpened.connect(self._on_document_opened)
        session.itemsChanged.connect(self.refresh_items)
        session.statusChanged.connect(self._on_status_changed)
        session.labelsChanged.connect(self._on_labels_changed)
        session.message.connect(self.show_message)
        self.editor.message.connect(self.show_message)
        self.label_bar.labelClicked.connect(lambda label: self.editor.tag_or_retag(label, False))
        self.items.selectionModel().currentRowChanged.connect(self._on_item_changed)
        self.items.stepRequested.connect(self.step_item)
        self.items.acceptRequested.connect(self.accept)
        self.items.rejectRequested.connect(self.reject)
        self.reject_button.clicked.connect(self.reject)
        self.bar.acceptAgreedClicked.connect(self.accept_agreed)
        self.bar.statusChosen.connect(self.set_status)
        self.bar.documentStepRequested.connect(self.step_document)

    # -- documents ------------------------------------------------------------------------
    @property
    def document_id(self) -> int | None:
        document = self.session.document
        return None if document is None else document.id

    def show_document(self, document_id: int) -> None:
        if self.project.documents.get(document_id) is None:
            raise ProjectError(self.tr("no document with id {id}").format(id=document_id))
        self.session.open_document(document_id)

    def _on_document_opened(self, document_id: int) -> None:
        session = self.session
        assert session.document is not None and session.offsets is not None
        text, offsets = session.document.text, session.offsets
        for annotator, panel in zip(self.annotators, self.panels, strict=True):
            layer = self.layers[annotator.name] = annotator_layer(
                self.project, document_id, annotator
            )
            panel.view.show_text(text, offsets, layer.overlapping)
            panel.set_count(len(layer))
        self.gold_view.show_text(text, offsets, session.overlapping)
        document = session.document
        self.bar.title.setText(document.title or document.external_id)
        self.setWindowTitle(
            self.tr("Review — {title}").format(title=document.title or document.external_id)
        )
        self._on_status_changed(document_id, session.status())
        self._update_queue_text()
        self.refresh_items(keep=False)

    def step_document(self, step: int, *, open_only: bool = False) -> int | None:
        """Open the next (or previous) document left to adjudicate, by id, wrapping round;
        with ``open_only`` the next one with open disagreements if there is any."""
        target = self.queue.following(self.document_id, step, open_only=open_only)
        if target is None:
            self._update_queue_text()
            self.show_message(self.tr("Every other document is adjudicated."))
            return None
        self.show_document(target)
        return target

    def done_and_next(self) -> None:
        """Mark the adjudication done and go on to the next document with open items."""
        document_id = self.document_id
        if document_id is None:
            return
        left = self.model.rowCount()
        if not self.push(SetStatus(self.session, document_id, "done")):
            return
        if self.step_document(1, open_only=True) is not None and left:
            self.show_message(
                self.tr("The previous document was marked done with {n} items open.").format(n=left)
            )

    def set_status(self, status: str) -> None:
        document_id = self.document_id
        if document_id is not None and status != self.session.status():
            self.push(SetStatus(self.session, document_id, status))

    def _on_status_changed(self, document_id: int, status: str) -> None:
        if document_id == self.document_id:
            self.bar.show_status(status)
            self.queue.status_changed(document_id, status, self.model.rowCount())
            self._update_queue_text()

    def _update_queue_text(self) -> None:
        self.bar.queue_text.setText(self.queue.describe(self.document_id))

    # -- disagreements --------------------------------------------------------------------
    def current_item(self) -> Cluster | None:
        row = self.items.currentIndex().row()
        return self.model.items[row] if 0 <= row < len(self.model.items) else None

    def refresh_items(self, keep: bool = True) -> None:
        """Ask for the open items again; stay on the current one if it is still open, else
        on the one that took its place (so settling an item moves on to the next)."""
        document = self.session.document
        if document is None:
            return
        current = self.current_item() if keep else None
        row = self.items.currentIndex().row()
        if not keep or self.document_items is None:
            self.document_items = DocumentItems(
                self.project, document.id, self.names, self.session.annotator
            )
        items = self.document_items.open()
        self.model.set_items(items, document.text)
        if not keep:
            self.items.fit_columns()
        self.items_title.setText(self.tr("Open disagreements: {n}").format(n=len(items)))
        self.gold_panel.set_count(len(self.session.spans))
        if not items:
            for view in self.views():
                view.set_extent(None)
            return
        same = None if current is None else self.model.row_of_extent(current.start, current.end)
        if same is not None:
            # Still open (an edit elsewhere, an undo): the views stay where the user is.
            self.select_item(same, show=False)
        else:
            self.select_item(min(max(row, 0), len(items) - 1) if keep else 0)

    def select_item(self, row: int, *, show: bool = True) -> None:
        """Make ``row`` the current item; ``show`` scrolls the views to it."""
        index = self.model.index(row, 0)
        self._quiet = not show
        try:
            self.items.setCurrentIndex(index)
        finally:
            self._quiet = False
        self.items.scrollTo(index)

    def step_item(self, step: int) -> None:
        count = self.model.rowCount()
        if not count:
            self.show_message(self.tr("No open disagreements in this document."))
            return
        row = self.items.currentIndex().row()
        row = (-1 if step > 0 else 0) if row < 0 else row
        self.select_item((row + step) % count)

    def _on_item_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and not self._quiet:
            self.show_extent(self.model.items[current.row()])

    def show_extent(self, item: Cluster) -> None:
        """Scroll every view to the item and select its extent in each."""
        with self.sync.paused():
            for view in self.views():
                outline_extent(view, item.start, item.end, select=view is self.gold_view)

    def _on_layer_span_clicked(self, annotator: str, span_uuid: str) -> None:
        span = self.layers[annotator].get(span_uuid) if span_uuid else None
        row = None if span is None else self.model.row_at(span.start)
        if row is not None:
            self.select_item(row)

    # -- the adjudicator's actions --------------------------------------------------------
    def accept(self, number: int) -> None:
        """Accept the version of annotator ``number`` (from 1) for the current item."""
        item = self.current_item()
        if item is None or not 1 <= number <= len(self.names):
            return
        self.push(AcceptVersion(self.session, item, self.names[number - 1]))

    def reject(self) -> None:
        item = self.current_item()
        if item is not None:
            self.push(RejectVersions(self.session, item))

    def accept_agreed(self) -> None:
        document_id = self.document_id
        if document_id is None:
            return
        quorum = self.bar.quorum.value()
        command = AcceptAgreed(
            self.session, document_id, self.names, None if quorum == len(self.names) else quorum
        )
        if not self.push(command):
            return
        if command.report is not None and command.report.skipped_done:
            self.show_message(self.tr("This document's adjudication is done: nothing was added."))
        else:
            self.show_message(
                self.tr("{n} agreed spans accepted into gold.").format(n=len(command.created))
            )

    def push(self, command: QUndoCommand) -> bool:
        """Do an edit on the gold undo stack: True once it is stored. Refused while the
        project is read-only; a write the disk refuses is rolled back and reported."""
        mode = self.read_only
        if self.project.read_only or (mode is not None and mode.active):
            reason = mode.reason if mode is not None and mode.reason else self.tr("open read-only")
            self.show_message(
                self.tr("Read-only ({reason}): nothing was changed.").format(reason=reason)
            )
            return False
        failures: list[Exception] = []

        def failed(error: Exception) -> None:
            failures.append(error)
            # Reported once the undo stack is done (this runs inside its push, undo, redo).
            QTimer.singleShot(0, lambda: self._write_failed(error))

        self.session.undo_stack.push(GuardedEdit(command, failed))
        return not failures

    def _write_failed(self, error: Exception) -> None:
        if self.read_only is not None:
            self.read_only.write_failed(error)
        else:
            self.show_message(str(error))

    # -- views ----------------------------------------------------------------------------
    def views(self) -> list[ReviewView]:
        return [*(p.view for p in self.panels), self.gold_view]

    def _label_name(self, label_id: str) -> str:
        label = self.session.label(label_id)
        return label_name(label) if label is not None else label_id

    def _label_color(self, label_id: str) -> str:
        label = self.session.label(label_id)
        return label.color if label is not None else "#bdbdbd"

    def _on_labels_changed(self) -> None:
        labels = self.session.labels
        self.label_bar.set_labels(labels)
        names = {label.id: f"{label_name(label)} ({label.id})" for label in labels}
        colors = {label.id: label.color for label in labels}
        for view in self.views():
            view.label_names = names
            view.set_label_colors(colors)

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 6000)

    def follow(self, main: QWidget) -> None:
        """Close with ``main`` (the annotation window), which closes the project."""
        main.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close and watched is self.parent():
            self.close()
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            if getattr(self.parent(), "project", self.project) is not self.project:
                # The annotation window opened another project (closing this one).
                QTimer.singleShot(0, self.close)
            else:
                self.session.reload_labels()  # they may have been edited there
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.session.undo_stack.clear()
        super().closeEvent(event)
