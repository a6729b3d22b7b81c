"""The document list: a lazy table model over storage, plus its filter bar.

Rows are fetched a page at a time when the view asks for them, so the list opens as fast
on 100,000 documents as on 100 (DESIGN §8). A filter repaints a page of rows: each row's
look is kept while its page is, and the table's delegate paints its cells from it with
titles shaped once (app.ui.cell_delegate).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.ui.cell_delegate import Look
from app.ui.i18n import status_name
from app.ui.look_table import LookTable
from app.ui.plain import tooltip
from storage import DocumentRow, Project
from storage.documents import ListQuery

# A page is about two screens of rows: a filter or a jump fetches one page for what it
# shows, and each row of it costs about 6 µs (its span count, its status), so 200 rows
# were 1.2 ms of a keystroke for 30 rows on screen.
PAGE_SIZE = 64
PAGES_KEPT = 200  # 12,800 rows
DocumentIdRole = Qt.ItemDataRole.UserRole + 1
# The roles data() answers, as ints (an enum member per comparison costs a lookup each).
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_ANSWERED = frozenset({_DISPLAY, _TOOLTIP, _FOREGROUND, _ALIGNMENT, int(DocumentIdRole)})
# Arabic titles read from the right; statuses as the view puts text; counts are centred.
_ALIGNMENTS = (
    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
    Qt.AlignmentFlag.AlignCenter,
)
_ALIGN_BY_COLUMN = (int(_ALIGNMENTS[0]), None, int(_ALIGNMENTS[2]))

STATUS_COLOR = {"done": "#2e7d32", "skipped": "#9e9e9e", "in_progress": "#ef6c00"}
COLUMNS = ("Title", "Status", "Spans")  # in English; headerData translates them

Index = QModelIndex | QPersistentModelIndex


class DocumentListModel(QAbstractTableModel):
    def __init__(self, project: Project, annotator_id: int) -> None:
        super().__init__()
        self.project = project
        self.query = ListQuery(annotator_id=annotator_id)
        self._count = project.documents.count(self.query)
        self._pages: OrderedDict[int, list[DocumentRow]] = OrderedDict()
        self._looks: dict[int, Look] = {}  # by document id, of the rows in _pages
        self._locale = QLocale()  # the view's: counts are written as the standard delegate would
        # Made when first shown: the first QBrush from Python costs 4 ms of start-up.
        self._status_brushes: dict[str, QBrush | None] = {}

    def set_filter(self, status: str, text: str) -> None:
        self.beginResetModel()
        self.query = ListQuery(self.query.annotator_id, status=status, text=text)
        self._count = self.project.documents.count(self.query)
        self._pages.clear()
        self._looks.clear()
        self.endResetModel()

    def reload(self) -> None:
        self.set_filter(self.query.status, self.query.text)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("Title"), self.tr("Status"), self.tr("Spans"))[section]
        return None

    def row_at(self, row: int) -> DocumentRow | None:
        if not 0 <= row < self._count:
            return None
        page_number = row // PAGE_SIZE
        page = self._pages.get(page_number)
        if page is None:
            page = self.project.documents.page(self.query, page_number * PAGE_SIZE, PAGE_SIZE)
            self._pages[page_number] = page
            if len(self._pages) > PAGES_KEPT:
                for dropped in self._pages.popitem(last=False)[1]:
                    self._looks.pop(dropped.id, None)
        else:
            self._pages.move_to_end(page_number)
        offset = row - page_number * PAGE_SIZE
        return page[offset] if offset < len(page) else None

    def look(self, row: int) -> Look | None:
        doc = self.row_at(row)
        if doc is None:
            return None
        return self._looks.get(doc.id) or self._make_look(doc)

    def _make_look(self, doc: DocumentRow) -> Look:
        look = self._looks[doc.id] = Look(
            texts=(
                doc.title or doc.external_id,
                status_name(doc.status),
                self._locale.toString(doc.span_count),
            ),
            background=None,
            foregrounds=(None, self._status_brush(doc.status), None),
        )
        return look

    def _status_brush(self, status: str) -> QBrush | None:
        if status not in self._status_brushes:
            color = STATUS_COLOR.get(status)
            self._status_brushes[status] = None if color is None else QBrush(QColor(color))
        return self._status_brushes[status]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Qt asks every visible cell for about ten roles at each paint; most have no answer,
        # so the role is looked at first, by plain int, before the row is.
        if role not in _ANSWERED:
            return None
        doc = self.row_at(index.row())
        if doc is None:
            return None
        column = index.column()
        if role == _DISPLAY:
            if column == 0:
                return doc.title or doc.external_id
            if column == 1:
                return status_name(doc.status)
            return doc.span_count
        if role == _ALIGNMENT:
            return _ALIGN_BY_COLUMN[column]
        if role == _FOREGROUND:
            color = STATUS_COLOR.get(doc.status) if column == 1 else None
            return None if color is None else QColor(color)
        if role == _TOOLTIP:
            if column != 0:
                return None
            text = self.tr("{id} · {n} characters").format(id=doc.external_id, n=doc.length)
            return tooltip(text)  # ids are data
        return doc.id  # DocumentIdRole

    def refresh_document(self, document_id: int) -> None:
        """Re-read one document's row (status or span count changed)."""
        for page_number, page in self._pages.items():
            for offset, row in enumerate(page):
                if row.id == document_id:
                    fresh = self.project.documents.row(document_id, self.query.annotator_id)
                    if fresh is not None:
                        page[offset] = fresh
                        self._looks.pop(document_id, None)
                        row_index = page_number * PAGE_SIZE + offset
                        self.dataChanged.emit(
                            self.index(row_index, 0), self.index(row_index, len(COLUMNS) - 1)
                        )
                    return

    def row_of(self, document_id: int) -> int | None:
        for page_number, page in self._pages.items():
            for offset, row in enumerate(page):
                if row.id == document_id:
                    return page_number * PAGE_SIZE + offset
        return self.project.documents.position(self.query, document_id)


class DocumentList(QWidget):
    """Filter bar above the table; emits the id of the document the user picks."""

    documentActivated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model: DocumentListModel | None = None
        self.status_filter = QComboBox()
        for key, text in (
            ("all", self.tr("All documents")),
            ("unfinished", self.tr("Unfinished")),
            ("new", self.tr("New")),
            ("in_progress", self.tr("In progress")),
            ("done", self.tr("Done")),
            ("skipped", self.tr("Skipped")),
        ):
            self.status_filter.addItem(text, key)
        self.text_filter = QLineEdit()
        self.text_filter.setPlaceholderText(self.tr("Filter by title or id…"))
        self.text_filter.setClearButtonEnabled(True)
        self.table = LookTable(_ALIGNMENTS)
        self.table.setObjectName("documentList")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        # Fixed row heights let the view skip measuring 100,000 rows.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

        filters = QHBoxLayout()
        filters.addWidget(self.status_filter)
        filters.addWidget(self.text_filter, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.table)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(200)
        self._debounce.timeout.connect(self._apply_filter)
        self.text_filter.textChanged.connect(self._debounce.start)
        self.status_filter.currentIndexChanged.connect(self._apply_filter)
        self.table.activated.connect(self._activated)
        self.table.clicked.connect(self._activated)

    def set_model(self, model: DocumentListModel) -> None:
        self.model = model
        self.table.setModel(model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Fixed widths: ResizeToContents would read 1,000 rows to measure them.
        for column, width in ((1, 90), (2, 56)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, width)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

    def _apply_filter(self) -> None:
        if self.model is not None:
            self.model.set_filter(self.status_filter.currentData(), self.text_filter.text())

    def _activated(self, index: QModelIndex) -> None:
        document_id = index.data(DocumentIdRole)
        if document_id is not None:
            self.documentActivated.emit(int(document_id))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._activated(current)

    def select_document(self, document_id: int) -> None:
        if self.model is None:
            return
        row = self.model.row_of(document_id)
        if row is None:
            self.table.clearSelection()
            return
        index = self.model.index(row, 0)
        if self.table.currentIndex().row() != row:
            blocker = self.table.selectionModel().blockSignals(True)
            self.table.setCurrentIndex(index)
            self.table.selectionModel().blockSignals(blocker)
            if self.table.isVisible():
                # Not before the window first shows (it paints everything then): the first
                # viewport() call from Python makes PySide resolve every lazy class of
                # QtWidgets to find its type, ~7 ms of start-up.
                self.table.viewport().update()
        self.table.scrollTo(index)
