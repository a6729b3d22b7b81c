"""The list of a document's open disagreements: a thin table model over the clusters the
adjudication module reports, and the table that steps through them by key.

Columns: kind, the extent's text, then one column per annotator with their version of it:
the label, with the covered text where it is not the whole extent ("—" where they tagged
nothing), on the label's colour. Everything is display text in item
cells, which Qt never reads as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from app.agreement.alignment import Cluster
from app.ui.article_view import EASTERN_DIGITS
from storage import Span

Index = QModelIndex | QPersistentModelIndex
WIDEST_COLUMN = 200  # pixels: a long version is elided, the rest stay in sight
FIXED_COLUMNS = ("Kind", "Text")  # in English; headerData translates them
NO_SPAN = "—"
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter  # Arabic


def one_line(text: str) -> str:
    return " ".join(text.split())


class DisagreementModel(QAbstractTableModel):
    """Row i is ``items[i]``; ``label_name`` and ``label_color`` come from the label set."""

    def __init__(
        self,
        annotators: Sequence[str],
        label_name: Callable[[str], str],
        label_color: Callable[[str], str],
    ) -> None:
        super().__init__()
        self.annotators = list(annotators)
        self.items: list[Cluster] = []
        self.text = ""
        self._label_name = label_name
        self._label_color = label_color

    def set_items(self, items: Sequence[Cluster], text: str) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.text = text
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(FIXED_COLUMNS) + len(self.annotators)

    def kind_name(self, kind: str) -> str:
        names = {
            "label": self.tr("label"),
            "boundary": self.tr("boundary"),
            "missing": self.tr("missing"),
            "agree": self.tr("agreed"),
        }
        return names.get(kind, kind)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        if section < len(FIXED_COLUMNS):
            return (self.tr("Kind"), self.tr("Text"))[section]
        number = section - len(FIXED_COLUMNS) + 1
        return f"{number} · {self.annotators[number - 1]}"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self.items[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return self.kind_name(item.kind)
            if column == 1:
                return one_line(self.text[item.start : item.end])
            return self.version_text(item, self.annotators[column - len(FIXED_COLUMNS)])
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 1:
            return _RIGHT
        if role == Qt.ItemDataRole.BackgroundRole and column >= len(FIXED_COLUMNS):
            spans = item.spans.get(self.annotators[column - len(FIXED_COLUMNS)], ())
            if spans:
                return QBrush(QColor(self._label_color(spans[0].label)))
        return None

    def version_text(self, item: Cluster, annotator: str) -> str:
        spans = item.spans.get(annotator, ())
        if not spans:
            return NO_SPAN
        return " · ".join(self._version(item, span) for span in spans)

    def _version(self, item: Cluster, span: Span) -> str:
        """The label, and the covered text where it is not the whole extent."""
        name = self._label_name(span.label)
        if (span.start, span.end) == (item.start, item.end):
            return name
        return f"{name}: {one_line(span.text)}"

    def row_of_extent(self, start: int, end: int) -> int | None:
        return next(
            (row for row, item in enumerate(self.items) if (item.start, item.end) == (start, end)),
            None,
        )

    def row_at(self, position: int) -> int | None:
        """The row whose extent covers code point ``position``."""
        return next(
            (row for row, item in enumerate(self.items) if item.start <= position < item.end),
            None,
        )


class DisagreementList(QTableView):
    """N / Shift+N (or F8 / Shift+F8 anywhere in the window) step through the items;
    1…9 accept that annotator's version, R or Delete rejects the proposed versions."""

    stepRequested = Signal(int)  # +1 next, -1 previous
    acceptRequested = Signal(int)  # annotator number, from 1
    rejectRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("disagreementList")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        # ElideRight cuts the logical end: for Arabic, the left end of the cell.
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        # Fixed row heights and column widths measured on the first rows: sizing to the
        # contents of every row took a second for a long article's 1,000 items.
        rows = self.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.horizontalHeader().setResizeContentsPrecision(50)

    def setModel(self, model: Any) -> None:
        super().setModel(model)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)

    def fit_columns(self) -> None:
        """Widths for the current items (a new document's), each at most WIDEST_COLUMN."""
        self.resizeColumnsToContents()
        header = self.horizontalHeader()
        for column in range(header.count()):
            header.resizeSection(column, min(header.sectionSize(column), WIDEST_COLUMN))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        shift = Qt.KeyboardModifier.ShiftModifier
        if modifiers & ~shift:
            super().keyPressEvent(event)
            return
        if event.key() == Qt.Key.Key_N:
            self.stepRequested.emit(-1 if modifiers & shift else 1)
            return
        if not modifiers and event.key() in (Qt.Key.Key_R, Qt.Key.Key_Delete):
            self.rejectRequested.emit()
            return
        digit = event.text().translate(EASTERN_DIGITS)  # Arabic keyboards type ١٢٣
        if not modifiers and len(digit) == 1 and digit in "123456789":
            self.acceptRequested.emit(int(digit))
            return
        super().keyPressEvent(event)
