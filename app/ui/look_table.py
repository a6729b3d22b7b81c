"""A table that paints its plain rows itself, from each row's cached look.

QTableView paints a cell with a call into its delegate, and a Python delegate costs a call
from C++ into Python per cell, with the painter, the option and the index each wrapped for
it. For the span list's 87 visible cells that was two thirds of a repaint (measured: 1.5
ms through the delegate, 0.55 ms painted here, the same texts already shaped). A tag in a
long article repaints the whole list, since the new row shifts the rows below it. So
:class:`LookTable` paints every *plain* row of a paint event in one Python call, exactly
as Qt would through :class:`CachedCellDelegate` (the same cell rectangles, the same grid
lines, the same shaped texts), and leaves the rest of the region to Qt:

- rows that are selected, current or under the mouse (the style paints their states);
- rows without a look, or with a line break in a text (the style shows the first line);
- everything, whenever the table is set up in a way this painting does not copy
  (:meth:`LookTable._paints_rows`): another delegate, alternating colours, hidden or
  moved sections, a grid that is not solid, drag and drop, a disabled table.

tests/gui compare the result with the standard delegate's, pixel for pixel.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

from app.ui.cell_delegate import CachedCellDelegate, Look

if TYPE_CHECKING:  # imported where first painted: each makes PySide build its enum types
    from collections.abc import Callable

    from PySide6.QtGui import QPaintEvent, QRegion

# What makes a view's cells shaped anew.
_RESHAPING_CHANGES = frozenset(
    {QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.LayoutDirectionChange}
)


class LookTable(QTableView):
    """A table of a model with ``look(row) -> Look | None`` (``alignments``: its columns',
    as :class:`CachedCellDelegate` wants them), whose plain rows it paints itself, shaped
    anew when the font, style or direction changes. It never spans cells.

    The standard delegate paints the table's first paint, and the cached one (with this
    table's own row painting) every paint after it: the first cell painted from Python
    makes PySide build QPainter, QStyle, QStyleOptionViewItem and QPalette with their 24
    enum types (about 10 ms), which the document list's first paint, part of start-up,
    would wait for. The first paint shapes every text anyway, so the cache would not help.
    """

    def __init__(self, alignments: Sequence[Qt.AlignmentFlag], parent: QWidget | None = None):
        super().__init__(parent)
        self.delegate = CachedCellDelegate(alignments, self)
        self._delegate_pending = True
        self.setWordWrap(False)  # the delegate relies on it (no WrapText feature)

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._delegate_pending:  # once the event loop is idle (a relayout and a repaint)
            super().paintEvent(event)
            self._delegate_pending = False
            QTimer.singleShot(0, self, lambda: self.setItemDelegate(self.delegate))
            return
        look_of = getattr(self.model(), "look", None)
        region = event.region()
        if look_of is not None and self._paints_rows():
            region = self._paint_plain_rows(region, look_of)
        if region.isEmpty():
            return
        if region != event.region():
            from PySide6.QtGui import QPaintEvent

            event = QPaintEvent(region)
        super().paintEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in _RESHAPING_CHANGES:
            self.delegate.forget_texts()
        super().changeEvent(event)

    def _paints_rows(self) -> bool:
        """Whether this table is set up as :meth:`_paint_plain_rows` paints it."""
        rows, columns = self.verticalHeader(), self.horizontalHeader()
        return (
            self.itemDelegate() is self.delegate
            and self.isEnabled()
            and not self.alternatingRowColors()
            and (not self.showGrid() or self.gridStyle() == Qt.PenStyle.SolidLine)
            and self.dragDropMode() == QAbstractItemView.DragDropMode.NoDragDrop
            and not (rows.sectionsHidden() or rows.sectionsMoved())
            and not (columns.sectionsHidden() or columns.sectionsMoved())
        )

    def _paint_plain_rows(self, region: QRegion, look_of: Callable[[int], Look | None]) -> QRegion:
        """Paint the plain rows that ``region`` touches, as QTableView.paintEvent and the
        delegate would; the part of ``region`` left for Qt to paint."""
        from PySide6.QtCore import QLineF, QRect
        from PySide6.QtGui import QColor, QPainter, QPalette, QPen, QRegion
        from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

        bounds = region.boundingRect()
        first = self.rowAt(bounds.top())
        if first < 0:
            return region
        last = self.rowAt(bounds.bottom())
        if last < 0:
            last = self.model().rowCount() - 1
        styled = self._styled_rows(first, last)
        plain: list[tuple[int, int, Look]] = []  # (top, height, look)
        for row in range(first, last + 1):
            look = look_of(row) if row not in styled else None
            if look is None or any("\n" in text for text in look.texts):
                continue
            plain.append((self.rowViewportPosition(row), self.rowHeight(row), look))
        if not plain:
            return region
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        style = self.style()
        grid = 1 if self.showGrid() else 0
        if grid and style.styleHint(
            QStyle.StyleHint.SH_Table_AlwaysDrawLeftTopGridLines, option, self
        ):
            return region  # lines along hidden headers: left to Qt
        viewport = self.viewport()
        right_to_left = self.isRightToLeft()
        # The columns the region touches, as (column, left edge, width).
        columns = [
            (column, left, width)
            for column in range(self.model().columnCount())
            if (left := self.columnViewportPosition(column)) <= bounds.right()
            and left + (width := self.columnWidth(column)) > bounds.left()
        ]
        # The table's content ends here (QTableView clips its dirty areas to it).
        header = self.horizontalHeader()
        content_end = header.length() - header.offset()
        group = (
            QPalette.ColorGroup.Active if self.isActiveWindow() else QPalette.ColorGroup.Inactive
        )
        text_color = option.palette.color(group, QPalette.ColorRole.Text)
        painting = self.delegate.painting(self)
        direction, font = option.direction, option.font
        painter = QPainter(viewport)
        shift = 1 if grid and right_to_left else 0
        painted = QRegion()
        for top, height, look in plain:
            for column, left, width in columns:
                foreground = look.foregrounds[column]
                self.delegate.paint_cell(
                    painter,
                    painting,
                    QRect(left + shift, top, width - grid, height - grid),
                    look,
                    column,
                    foreground.color() if foreground else text_color,
                    direction,
                    font,
                )
            painted += QRect(0, top, viewport.width(), height)
        if grid:
            gridline = QColor.fromRgba(
                style.styleHint(QStyle.StyleHint.SH_Table_GridLineColor, option, self) & 0xFFFFFFFF
            )
            painter.setPen(QPen(gridline, 1, self.gridStyle()))
            if right_to_left:
                left, right = max(bounds.left(), viewport.width() - content_end), bounds.right()
            else:
                left, right = bounds.left(), min(bounds.right(), content_end - 1)
            # As QTableView: a line under each row, then one down each column's edge.
            for top, height, _ in plain:
                line = top + height - grid
                painter.drawLine(QLineF(left, line, right, line).translated(0.5, 0.5))
            rows_end = self.verticalHeader().length() - self.verticalHeader().offset() - 1
            for top, bottom in _runs([(top, top + height - 1) for top, height, _ in plain]):
                end = min(bottom, rows_end)
                for _, column_left, width in columns:
                    x = column_left if right_to_left else column_left + width - grid
                    painter.drawLine(QLineF(x, top, x, end).translated(0.5, 0.5))
        painter.end()
        return region.subtracted(painted)

    def _styled_rows(self, first: int, last: int) -> set[int]:
        """Rows from ``first`` to ``last`` whose cells the style paints in a state: selected,
        current, or under the mouse (hovered)."""
        rows: set[int] = set()
        for selected in self.selectionModel().selection():
            rows.update(range(max(selected.top(), first), min(selected.bottom(), last) + 1))
        current = self.currentIndex()
        if current.isValid():
            rows.add(current.row())
        viewport = self.viewport()
        if viewport.underMouse():
            from PySide6.QtGui import QCursor

            rows.add(self.rowAt(viewport.mapFromGlobal(QCursor.pos()).y()))
        return rows


def _runs(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Touching (top, bottom) pixel spans, in order, merged into runs."""
    runs: list[tuple[int, int]] = []
    for top, bottom in spans:
        if runs and runs[-1][1] + 1 == top:
            runs[-1] = (runs[-1][0], bottom)
        else:
            runs.append((top, bottom))
    return runs
