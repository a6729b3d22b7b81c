"""Search the whole corpus (Edit → Search corpus…, Ctrl+Shift+F).

A non-modal dialog: the query, a table of the documents that hold it with their hit
counts, and a summary. The search is app.core.search.search_corpus, run with the progress
dialog (Cancel stops it between documents). Double-clicking a row opens that document with
the find bar filled in and its first hit selected.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from app.core.search import SearchCancelled, SearchHit, search_corpus
from app.ui.progress import progress_dialog

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

DocumentIdRole = Qt.ItemDataRole.UserRole + 1
_TITLE, _EXTERNAL_ID, _HITS = range(3)
AnyIndex = QModelIndex | QPersistentModelIndex


class CorpusHitsModel(QAbstractTableModel):
    """The rows of a corpus search: (document id, external id, title, hit count)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[SearchHit] = []

    def set_rows(self, rows: list[SearchHit]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's API)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        document_id, external_id, title, hits = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            # Plain strings in item data: Qt shows them as text, never as markup.
            return (title or external_id, external_id, hits)[index.column()]
        if role == DocumentIdRole:
            return document_id
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == _HITS:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (
                QCoreApplication.translate("CorpusSearch", "Document"),
                QCoreApplication.translate("CorpusSearch", "ID"),
                QCoreApplication.translate("CorpusSearch", "Hits"),
            )[section]
        return None


class CorpusSearch(QDialog):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("corpusSearch")
        self.setWindowTitle(self.tr("Search the corpus"))
        self.window_ = window
        self.resize(560, 480)
        self.query = QLineEdit()
        self.query.setPlaceholderText(self.tr("Words to find in every document…"))
        self.search_button = QPushButton(self.tr("Search"))
        self.search_button.setDefault(True)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.model = CorpusHitsModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(_TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(_EXTERNAL_ID, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(_HITS, QHeaderView.ResizeMode.ResizeToContents)
        top = QHBoxLayout()
        top.addWidget(self.query, 1)
        top.addWidget(self.search_button)
        column = QVBoxLayout(self)
        column.addLayout(top)
        column.addWidget(self.summary)
        column.addWidget(self.table, 1)
        self.query.returnPressed.connect(self.run)
        self.search_button.clicked.connect(self.run)
        self.table.doubleClicked.connect(self.open_row)
        self.table.activated.connect(self.open_row)  # Enter on a row, as double-click

    def run(self) -> None:
        """Search every document, with progress and Cancel; list those that hold a hit."""
        project = self.window_.project
        query = self.query.text()
        if project is None or not query.strip():
            return
        dialog, report = progress_dialog(self, self.tr("Searching…"), self.tr("Search the corpus"))
        try:
            rows = search_corpus(project, query, progress=report)
        except SearchCancelled:
            self.model.set_rows([])
            self.summary.setText(self.tr("Search cancelled."))
            return
        finally:
            dialog.close()
            dialog.deleteLater()
        self.model.set_rows(rows)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # document order
        self.summary.setText(
            self.tr("{hits} hits in {documents} documents").format(
                hits=sum(row[3] for row in rows), documents=len(rows)
            )
        )

    def open_row(self, index: QModelIndex) -> None:
        """Show the document, with the find bar on the query and its first hit selected."""
        document_id = index.data(DocumentIdRole)
        if document_id is None:
            return
        window = self.window_
        window.show_document(int(document_id))
        window.find_bar.open_bar(self.query.text(), from_start=True)


def open_corpus_search(window: MainWindow, query: str | None = None) -> CorpusSearch:
    """Show the window's corpus search (one per window), searching at once for ``query``."""
    dialog = window.findChild(CorpusSearch, "corpusSearch")
    if dialog is None:
        dialog = CorpusSearch(window)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    if query is not None and query.strip():
        dialog.query.setText(query)
        dialog.run()
    else:
        dialog.query.setFocus()
    return dialog
