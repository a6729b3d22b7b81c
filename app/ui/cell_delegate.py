"""Plain table cells painted from a row's cached look, with texts shaped once.

For each cell it paints, a view with the standard delegate asks the model about seven
roles (each a call into Python), and the style lays the cell's text out three times (to
size it, to elide it, to draw it), shaping the Arabic each time. A tag in a long article
repaints about 90 cells of the span list, and a filter of the document list a page of
them. A model here gives each row's :class:`Look` (texts and colours, computed once and
kept); :class:`CachedCellDelegate` paints a plain cell from it with one fill and one
drawing of glyphs shaped once, kept while the text, the column's width and the layout
direction stay the same. Selected, focused or hovered cells still get the style's paint
(their option filled from the look in one call), and editing is the standard delegate's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QApplication, QStyledItemDelegate, QWidget

if TYPE_CHECKING:  # imported where first painted: each makes PySide build its enum types
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QStaticText
    from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

Index = QModelIndex | QPersistentModelIndex
_MAX_SHAPED_TEXTS = 4096  # about 45 screens of rows


class Look(NamedTuple):
    """How one row shows: a model's ``look(row)`` answers it, or None for no such row."""

    texts: tuple[str, ...]  # by column
    background: QBrush | None  # of the first column
    foregrounds: tuple[QBrush | None, ...]  # by column; None: the palette's text colour


class CellPainting(NamedTuple):
    """What painting a plain cell needs from the style, read at the first cell painted.

    Not at import: the first use of QStyle from Python makes PySide build its type with
    all of its enum types (7 ms; see app.ui.look_table).
    """

    margin: int  # the style's text margin, left and right
    styled_states: QStyle.StateFlag  # cells in these states get the style's paint
    alignments: dict[tuple[Qt.LayoutDirection, int], Qt.AlignmentFlag]  # mirrored in RTL
    text_role: QPalette.ColorRole  # the palette's text colour
    has_display: QStyleOptionViewItem.ViewItemFeature  # a cell's only feature: its text

    @classmethod
    def of(cls, widget: QWidget | None, alignments: Sequence[Qt.AlignmentFlag]) -> CellPainting:
        from PySide6.QtGui import QPalette
        from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

        style = widget.style() if widget is not None else QApplication.style()
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
        states = QStyle.StateFlag
        visual = {
            (direction, column): QStyle.visualAlignment(direction, alignment)
            for direction in (Qt.LayoutDirection.LeftToRight, Qt.LayoutDirection.RightToLeft)
            for column, alignment in enumerate(alignments)
        }
        return cls(
            margin,
            states.State_Selected | states.State_HasFocus | states.State_MouseOver,
            visual,
            QPalette.ColorRole.Text,
            QStyleOptionViewItem.ViewItemFeature.HasDisplay,
        )


class CachedCellDelegate(QStyledItemDelegate):
    """Paints the cells of a model that has ``look(row) -> Look | None``; ``alignments``
    are its columns' text alignments (what its TextAlignmentRole answers, or the view's
    default), in left-to-right terms: mirrored when the layout is right to left, as the
    style mirrors them. Its view must not wrap words (the cells are one line): see
    :class:`app.ui.look_table.LookTable`."""

    def __init__(self, alignments: Sequence[Qt.AlignmentFlag], parent: QWidget | None = None):
        super().__init__(parent)
        self._alignments = tuple(alignments)
        # By (text, width, column): the text elided to the width, shaped in the view's
        # layout direction, and its height in whole pixels.
        self._texts: dict[tuple[str, int, int], tuple[QStaticText, int]] = {}
        self._painting: CellPainting | None = None

    def forget_texts(self) -> None:
        """The view's font, style or layout direction changed: shape and elide every text
        again."""
        self._texts.clear()
        self._painting = None

    def painting(self, widget: QWidget | None) -> CellPainting:
        """What painting a plain cell needs of ``widget``'s style (read once)."""
        if self._painting is None:
            self._painting = CellPainting.of(widget, self._alignments)
        return self._painting

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        painting = self.painting(option.widget)
        look_of = getattr(index.model(), "look", None)
        look = look_of(index.row()) if look_of is not None else None
        if look is None or option.state & painting.styled_states:
            super().paint(painter, option, index)
            return
        column = index.column()
        if "\n" in look.texts[column]:  # the style shows its first line, elided: rare, left to it
            super().paint(painter, option, index)
            return
        foreground = look.foregrounds[column]
        color = foreground.color() if foreground else option.palette.color(painting.text_role)
        self.paint_cell(
            painter, painting, option.rect, look, column, color, option.direction, option.font
        )

    def paint_cell(
        self,
        painter: QPainter,
        painting: CellPainting,
        rect: QRect,
        look: Look,
        column: int,
        color: QColor,
        direction: Qt.LayoutDirection,
        font: QFont,
    ) -> None:
        """A plain cell of ``look`` in ``rect``: its background (first column) and its text
        in ``color``, shaped in ``direction`` and ``font`` (once: kept for the next paint).
        The caller has checked that the text holds no line break."""
        if column == 0 and look.background is not None:
            painter.fillRect(rect, look.background)
        text = look.texts[column]
        if not text:
            return
        margin = painting.margin
        width = rect.width() - 2 * margin
        key = (text, width, column)
        shaped = self._texts.get(key)
        if shaped is None:
            if len(self._texts) > _MAX_SHAPED_TEXTS:
                self._texts.clear()
            alignment = painting.alignments[direction, column]
            laid_out = _shaped(text, width, alignment, direction, font)
            shaped = self._texts[key] = (laid_out, round(laid_out.size().height()))
        # Where the style puts it: the text rect's left edge (the layout aligns the line
        # within its width), centred vertically in whole pixels.
        y = rect.top() + (rect.height() - shaped[1]) // 2
        painter.setPen(color)
        painter.drawStaticText(rect.left() + margin, y, shaped[0])

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        look_of = getattr(index.model(), "look", None)
        look = look_of(index.row()) if look_of is not None else None
        if look is None:
            super().initStyleOption(option, index)
            return
        painting = self.painting(option.widget)
        column = index.column()
        option.index = index  # type: ignore[assignment]
        text = look.texts[column]
        # As the standard delegate's displayText: a line break becomes a line separator.
        option.text = text.replace("\n", "\u2028") if "\n" in text else text
        # The lists start cells with no features (no word wrap, no alternating colours):
        # set, not or-ed, which spares reading an enum back from Qt every cell.
        option.features = painting.has_display
        option.displayAlignment = self._alignments[column]
        if column == 0 and look.background is not None:
            option.backgroundBrush = look.background
        foreground = look.foregrounds[column]
        if foreground is not None:
            option.palette.setBrush(painting.text_role, foreground)


def _shaped(
    text: str, width: int, alignment: Qt.AlignmentFlag, direction: Qt.LayoutDirection, font: QFont
) -> QStaticText:
    """``text`` laid out in ``width`` as the style does, shaped once; elided as the style
    elides it when it does not fit (measured by that layout: one shaping for a text that
    fits, which most texts do)."""
    shaped = _laid_out(text, width, alignment, direction, font)
    if shaped.size().width() > width:  # the layout's width: the text's own when wider
        from PySide6.QtGui import QFontMetrics

        shown = QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideRight, width)
        shaped = _laid_out(shown, width, alignment, direction, font)
    return shaped


def _laid_out(
    text: str, width: int, alignment: Qt.AlignmentFlag, direction: Qt.LayoutDirection, font: QFont
) -> QStaticText:
    from PySide6.QtGui import QStaticText, QTextOption, QTransform

    shaped = QStaticText(text)
    text_option = QTextOption()
    text_option.setTextDirection(direction)  # the paragraph direction the style uses
    text_option.setWrapMode(QTextOption.WrapMode.ManualWrap)
    text_option.setAlignment(alignment)
    shaped.setTextOption(text_option)
    shaped.setTextWidth(width)
    shaped.setTextFormat(Qt.TextFormat.PlainText)  # never rich text: a cell's text is data
    shaped.prepare(QTransform(), font)
    return shaped
