"""The span list of the open document: a thin table model over the session's spans.

The model holds no rows of its own: row i is ``session.spans[i]``. It follows the session's
row announcements (insert, remove, move) with the matching begin/end calls, so a tag in an
article with 5,000 spans inserts one row instead of resetting the list.

Painting the list is what a tag costs most after the article itself: about 90 visible
cells, for each of which the standard delegate asks the model seven roles, each a call
into Python, and the style shapes the cell's text three times. So each row's *look*
(texts, colours) is computed once per span and cached, and the list's delegate paints a
plain cell from it with a text shaped once (app.ui.cell_delegate).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QWidget

from app.ui.cell_delegate import Look
from app.ui.i18n import label_name
from app.ui.look_table import LookTable
from app.ui.plain import tooltip
from app.ui.session import AnnotationSession
from storage import Span

SpanUuidRole = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Label", "Text", "Attributes")
TEXT_COLUMN = 1
ATTRIBUTES_COLUMN = 2
MISMATCH_COLOR = "#c62828"

Index = QModelIndex | QPersistentModelIndex
# The roles data() answers; a view asks for seven per cell and paint (font, decoration…).
_ANSWERED_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.EditRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.BackgroundRole,
        SpanUuidRole,
    }
)
_TEXT_ALIGNMENT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter  # Arabic
_SELECTABLE = (
    Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren
)
_EDITABLE = _SELECTABLE | Qt.ItemFlag.ItemIsEditable
_LABEL_ALIGNMENT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_PLAIN = (None,) * len(COLUMNS)  # no column with a colour of its own


def format_attrs(attrs: dict[str, Any]) -> str:
    return "; ".join(f"{key}={value}" for key, value in sorted(attrs.items()))


class UnnamedAttributeError(ValueError):
    """A "=value" part with no name before the "="; ``part`` is that part as typed."""

    def __init__(self, part: str) -> None:
        super().__init__(f"attribute without a name: {part!r}")
        self.part = part


def parse_attrs(text: str) -> dict[str, Any]:
    """'value=13; outcome=killed' → {'value': 13, 'outcome': 'killed'}; bare words are flags."""
    attrs: dict[str, Any] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        key, _, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not key:
            raise UnnamedAttributeError(part.strip())
        attrs[key] = int(value) if value.lstrip("-").isdigit() else value
    return attrs


class SpanListModel(QAbstractTableModel):
    def __init__(
        self, session: AnnotationSession, edit_attrs: Callable[[Span, dict[str, Any]], None]
    ) -> None:
        super().__init__()
        self.session = session
        self._edit_attrs = edit_attrs
        self.changing = False  # True between a row change's begin and end
        self._looks: dict[str, Look] = {}  # by span uuid
        self._brushes: dict[str, QBrush] = {}  # by colour name
        session.spanRowsAboutToChange.connect(self._rows_about_to_change)
        session.spanRowsChanged.connect(self._rows_changed)

    def reset(self) -> None:
        """A document was opened: every row is new."""
        self.beginResetModel()
        self._looks.clear()
        self.endResetModel()

    def labels_changed(self) -> None:
        """Label names or colours changed: every row's look, none of the rows."""
        self._looks.clear()
        self._brushes.clear()
        rows = len(self.session.spans)
        if rows:
            last = self.index(rows - 1, len(COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def _rows_about_to_change(self, old: int, new: int) -> None:
        self.changing = True
        root = QModelIndex()
        if old < 0:
            self.beginInsertRows(root, new, new)
        elif new < 0:
            self.beginRemoveRows(root, old, old)
            self._looks.pop(self.session.spans[old].uuid, None)
        elif new != old:  # a retag can move the row: Qt wants the row it goes before
            self.beginMoveRows(root, old, old, root, new + 1 if new > old else new)

    def _rows_changed(self, old: int, new: int) -> None:
        if old < 0:
            self.endInsertRows()
        elif new < 0:
            self.endRemoveRows()
        else:
            if new != old:
                self.endMoveRows()
            self._looks.pop(self.session.spans[new].uuid, None)  # retagged or new attributes
            self.dataChanged.emit(self.index(new, 0), self.index(new, len(COLUMNS) - 1))
        self.changing = False

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.session.spans)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("Label"), self.tr("Text"), self.tr("Attributes"))[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        column = index.column()  # -1: an invalid index
        if column < 0:
            return Qt.ItemFlag.NoItemFlags
        return _EDITABLE if column == ATTRIBUTES_COLUMN else _SELECTABLE

    def look(self, row: int) -> Look | None:
        spans = self.session.spans
        if not 0 <= row < len(spans):
            return None
        span = spans[row]
        return self._looks.get(span.uuid) or self._make_look(span)

    def _make_look(self, span: Span) -> Look:
        label = self.session.label(span.label)
        mismatched = span.uuid in self.session.mismatched
        look = self._looks[span.uuid] = Look(
            texts=(
                label_name(label) if label else span.label,
                span.text.replace("\n", " ⏎ "),
                format_attrs(span.attrs) if span.attrs else "",
            ),
            background=self._brush(label.color) if label else None,
            foregrounds=(self._brush(MISMATCH_COLOR),) * len(COLUMNS) if mismatched else _PLAIN,
        )
        return look

    def _brush(self, color: str) -> QBrush:
        brush = self._brushes.get(color)
        if brush is None:
            brush = self._brushes[color] = QBrush(QColor(color))
        return brush

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ANSWERED_ROLES:
            return None
        row = index.row()  # -1 for an invalid index
        look = self.look(row)
        if look is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole or role == Qt.ItemDataRole.EditRole:
            return look.texts[column]
        if role == Qt.ItemDataRole.BackgroundRole:
            return look.background.color() if column == 0 and look.background else None
        if role == Qt.ItemDataRole.ForegroundRole:
            foreground = look.foregrounds[column]
            return foreground.color() if foreground else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_TEXT_ALIGNMENT) if column == TEXT_COLUMN else None
        span = self.session.spans[row]
        if role == SpanUuidRole:
            return span.uuid
        return self._tooltip(span, column)  # ToolTipRole

    def _tooltip(self, span: Span, column: int) -> str | None:
        session = self.session
        if span.uuid in session.mismatched:
            actual = session.document.text[span.start : span.end] if session.document else ""
            return tooltip(
                self.tr("Stored text {stored} differs from the document's {actual}").format(
                    stored=repr(span.text), actual=repr(actual)
                )
            )
        warning = span.attrs.get("warning")
        if warning:  # e.g. a stated weekday that contradicts the date: shown on every column
            return tooltip(self.tr("Check this value: {warning}").format(warning=warning))
        if column != ATTRIBUTES_COLUMN:
            return None
        label = session.label(span.label)
        names = ", ".join(label.attributes) if label and label.attributes else self.tr("any")
        return tooltip(
            self.tr("key=value; key=value  (attributes of {label}: {names})").format(
                label=span.label, names=names
            )
        )

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != ATTRIBUTES_COLUMN:
            return False
        span = self.session.spans[index.row()]
        try:
            attrs = parse_attrs(str(value))
        except UnnamedAttributeError as error:
            message = self.tr("Attributes not changed: “{part}” has no name before “=”.").format(
                part=error.part
            )
            self.session.message.emit(message)
            return False
        if attrs != span.attrs:
            self._edit_attrs(span, attrs)
        return True

    def row_of(self, span_uuid: str) -> int | None:
        return self.session.row_of(span_uuid)


class SpanList(LookTable):
    def __init__(self, parent: QWidget | None = None) -> None:
        # (Label, Text, Attributes): Arabic texts read from the right.
        super().__init__((_LABEL_ALIGNMENT, _TEXT_ALIGNMENT, _LABEL_ALIGNMENT), parent)
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

    def setModel(self, model: Any) -> None:
        super().setModel(model)
        # No ResizeToContents: it measures up to 1,000 rows on every change.
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 110)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
