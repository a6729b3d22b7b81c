"""The span list of the open document: a thin table model over the session's spans."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from app.ui.session import AnnotationSession
from storage import Span

SpanUuidRole = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Label", "Text", "Attributes")
ATTRIBUTES_COLUMN = 2

Index = QModelIndex | QPersistentModelIndex


def format_attrs(attrs: dict[str, Any]) -> str:
    return "; ".join(f"{key}={value}" for key, value in sorted(attrs.items()))


def parse_attrs(text: str) -> dict[str, Any]:
    """'value=13; outcome=killed' → {'value': 13, 'outcome': 'killed'}; bare words are flags."""
    attrs: dict[str, Any] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        key, _, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not key:
            raise ValueError(f"attribute without a name: {part.strip()!r}")
        attrs[key] = int(value) if value.lstrip("-").isdigit() else value
    return attrs


class SpanListModel(QAbstractTableModel):
    def __init__(
        self, session: AnnotationSession, edit_attrs: Callable[[Span, dict[str, Any]], None]
    ) -> None:
        super().__init__()
        self.session = session
        self._edit_attrs = edit_attrs

    def reset(self) -> None:
        self.beginResetModel()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.session.spans)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.column() == ATTRIBUTES_COLUMN:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.session.spans):
            return None
        span = self.session.spans[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == 0:
                label = self.session.label(span.label)
                return label.display_name if label else span.label
            if column == 1:
                return span.text.replace("\n", " ⏎ ")
            return format_attrs(span.attrs)
        if span.uuid in self.session.mismatched:
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor("#c62828")
            if role == Qt.ItemDataRole.ToolTipRole:
                actual = (
                    self.session.document.text[span.start : span.end]
                    if self.session.document
                    else ""
                )
                return f"Stored text {span.text!r} differs from the document's {actual!r}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and column == 0:
            label = self.session.label(span.label)
            return QColor(label.color) if label else None
        if role == Qt.ItemDataRole.ToolTipRole and column == 2:
            label = self.session.label(span.label)
            names = ", ".join(label.attributes) if label and label.attributes else "any"
            return f"key=value; key=value  (attributes of {span.label}: {names})"
        if role == SpanUuidRole:
            return span.uuid
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != ATTRIBUTES_COLUMN:
            return False
        span = self.session.spans[index.row()]
        try:
            attrs = parse_attrs(str(value))
        except ValueError as error:
            self.session.message.emit(str(error))
            return False
        if attrs != span.attrs:
            self._edit_attrs(span, attrs)
        return True

    def row_of(self, span_uuid: str) -> int | None:
        return next(
            (i for i, span in enumerate(self.session.spans) if span.uuid == span_uuid), None
        )


class SpanList(QTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("spanList")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(26)
        self.setWordWrap(False)

    def setModel(self, model: Any) -> None:
        super().setModel(model)
        # No ResizeToContents: it measures up to 1,000 rows on every change.
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 110)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
