"""The article view: read-only, right-to-left plain text with span highlights.

Positions cross between Qt (UTF-16 units) and the session (code points) only through the
session's Utf16Map. Highlights are painted lazily: each paint first gives the blocks it is
about to draw their formats (app.ui.highlights).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QContextMenuEvent,
    QKeyEvent,
    QMouseEvent,
    QPaintEvent,
    QShowEvent,
    QTextCursor,
    QTextOption,
)
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QTextEdit, QToolTip, QWidget

from app.text.offsets import Utf16Map
from app.ui.fonts import article_font
from app.ui.highlights import HighlightPainter, Overlapping
from app.ui.plain import tooltip
from storage import Span

EASTERN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


class ArticleView(QPlainTextEdit):
    labelKeyPressed = Signal(str, bool)  # key text, exact (no snapping)
    deleteRequested = Signal()
    spanClicked = Signal(str)  # uuid, or "" for a click on plain text
    spanStepRequested = Signal(int)  # +1 next span, -1 previous
    escapePressed = Signal()
    textShown = Signal()  # show_text gave the view another article

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("articleView")
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        # Lines wrap at the width, anywhere if need be: nothing to scroll sideways. (Qt can
        # count a wrapped line's trailing space in the document width: a line ending in
        # "1054 " made a 1-pixel horizontal scroll bar appear and shrink the view.)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFont(article_font())
        self.setMouseTracking(True)
        self.document().setUndoRedoEnabled(False)  # formats are not user edits
        self.document().setDocumentMargin(18)
        self.painter = HighlightPainter(self.document())
        self.label_names: dict[str, str] = {}
        self.shown_text = ""  # the canonical text on show (never toPlainText(): §3.3)
        # Extra selections come in two layers: find hits (app.ui.find_bar) under the
        # selected span's outline; each setter repaints both.
        self._find_selections: list[QTextEdit.ExtraSelection] = []
        self._outline: list[QTextEdit.ExtraSelection] = []
        self.context_actions: list[QAction] = []  # added to the right-click menu
        # Called with the right-click menu and the code point clicked, before it opens
        # (app.ui.suggestions adds Accept / Reject for the suggestion under the mouse).
        self.context_menu_hooks: list[Callable[[QMenu, int], None]] = []
        # The tooltip for a code point no span covers ("" for none): suggestions' own.
        self.hover_text: Callable[[int], str] | None = None
        self._press_pos: QPoint | None = None
        self._last_click: tuple[int, int] = (-1, -1)  # (position, index) to cycle overlaps
        self._after_paint: list[Callable[[], None]] = []
        self._painted_since_shown = False
        self._apply_text_option()

    # -- content --------------------------------------------------------------------------
    def _apply_text_option(self) -> None:
        option = self.document().defaultTextOption()
        option.setTextDirection(Qt.LayoutDirection.RightToLeft)
        option.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignAbsolute)
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.document().setDefaultTextOption(option)

    def show_text(self, text: str, offsets: Utf16Map, overlapping: Overlapping) -> None:
        """Show ``text`` with the spans ``overlapping`` finds (asked as blocks are painted)."""
        self.setPlainText(text)  # plain text only: article text is never HTML
        self.shown_text = text
        self._apply_text_option()
        self.painter.set_layer(offsets, overlapping)
        self._find_selections, self._outline = [], []
        self.setExtraSelections([])
        # Moving the caret lays out its block: give it its formats first (setting formats
        # later would make Qt lay it out again).
        self.painter.format_block(self.document().firstBlock())
        self.moveCursor(QTextCursor.MoveOperation.Start)
        self.textShown.emit()

    def repaint_range(self, start: int, end: int) -> None:
        """The spans over [start, end) (code points) changed: repaint those characters."""
        self.painter.invalidate(start, end)
        self.viewport().update()

    def set_label_colors(self, colors: dict[str, str]) -> None:
        self.painter.set_colors(colors)
        if self.isVisible():
            # Not before the window first shows (it paints everything then): the first
            # viewport() call from Python costs ~10 ms, PySide looking up its Python type.
            self.viewport().update()

    def paintEvent(self, event: QPaintEvent) -> None:
        # The blocks QPlainTextEdit is about to draw, found the way its own paintEvent
        # finds them, get their formats before they are laid out and drawn.
        bottom = event.rect().bottom()
        y = self.contentOffset().y()
        block = self.firstVisibleBlock()
        while block.isValid() and y <= bottom:
            self.painter.format_block(block)
            y += self.blockBoundingRect(block).height()
            block = block.next()
        super().paintEvent(event)
        self._painted_since_shown = True
        if self._after_paint:
            waiting, self._after_paint = self._after_paint, []
            for callback in waiting:
                QTimer.singleShot(0, self, callback)

    def after_next_paint(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the article on show has been painted: work that can wait,
        e.g. suggestions, must not hold up the first sight of the window or of the next
        article. A hidden view paints nothing: the callback waits for the next turn of the
        event loop, and then for the paint if the window was shown meanwhile (the article
        is first shown while the window is built, before it is shown)."""
        if self.isVisible():
            self._after_paint.append(callback)
            self.viewport().update()
        else:
            QTimer.singleShot(0, self, lambda: self._after_turn(callback))

    def _after_turn(self, callback: Callable[[], None]) -> None:
        if self.isVisible() and not self._painted_since_shown:
            self._after_paint.append(callback)  # showing it scheduled its first paint
        else:
            callback()

    def showEvent(self, event: QShowEvent) -> None:
        self._painted_since_shown = False
        super().showEvent(event)

    # -- positions ------------------------------------------------------------------------
    def selection_code_points(self) -> tuple[int, int] | None:
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        offsets = self.painter.offsets
        start = offsets.to_code_point(cursor.selectionStart())
        end = offsets.to_code_point(cursor.selectionEnd(), round_up=True)
        return (start, end) if start < end else None

    def select_code_points(self, start: int, end: int) -> None:
        offsets = self.painter.offsets
        cursor = self.textCursor()
        cursor.setPosition(offsets.to_utf16(start))
        cursor.setPosition(offsets.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def clear_selection(self) -> None:
        cursor = self.textCursor()
        cursor.clearSelection()
        self.setTextCursor(cursor)

    def show_selected_span(self, span: Span | None) -> None:
        """Outline the selected span with a darker shade on top of its highlight."""
        if span is None:
            self._outline = []
            self.setExtraSelections(self._find_selections)
            return
        offsets = self.painter.offsets
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.document())
        cursor.setPosition(offsets.to_utf16(span.start))
        cursor.setPosition(offsets.to_utf16(span.end), QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor
        selection.format.setBackground(self.painter.color(span.label).darker(135))
        selection.format.setUnderlineStyle(selection.format.UnderlineStyle.SingleUnderline)
        self._outline = [selection]
        self.setExtraSelections(self._find_selections + self._outline)
        caret = QTextCursor(self.document())
        caret.setPosition(offsets.to_utf16(span.start))
        self.painter.format_block(caret.block())  # before ensureCursorVisible lays it out
        self.setTextCursor(caret)
        self.ensureCursorVisible()

    def set_find_selections(self, selections: list[QTextEdit.ExtraSelection]) -> None:
        """Paint find hits (built by app.ui.find_bar) under the selected span's outline."""
        self._find_selections = selections
        self.setExtraSelections(selections + self._outline)

    def visible_code_points(self) -> tuple[int, int]:
        """The code points of the blocks on screen, formatted first as paintEvent does (so
        measuring them lays them out once, with their highlights)."""
        block = self.firstVisibleBlock()
        if not block.isValid():
            return 0, 0
        first, last = block, block
        y, bottom = self.contentOffset().y(), self.viewport().height()
        while block.isValid() and y <= bottom:
            self.painter.format_block(block)
            y += self.blockBoundingRect(block).height()
            last, block = block, block.next()
        offsets = self.painter.offsets
        end = min(last.position() + last.length(), offsets.length_utf16)
        return offsets.to_code_point(first.position()), offsets.to_code_point(end, round_up=True)

    def code_point_at(self, pos: QPoint) -> int:
        u16 = self.cursorForPosition(pos).position()
        return self.painter.offsets.to_code_point(min(u16, self.painter.offsets.length_utf16))

    def spans_under(self, pos: QPoint) -> list[Span]:
        """Spans under the mouse, innermost first."""
        cp = self.code_point_at(pos)
        near = self.painter.overlapping(max(0, cp - 1), cp + 1)
        covering = [s for s in near if s.start <= cp < s.end or s.start <= cp - 1 < s.end]
        return sorted(covering, key=lambda s: (s.end - s.start, s.start))

    # -- input ----------------------------------------------------------------------------
    def focusNextPrevChild(self, forward: bool) -> bool:
        """Tab and Shift+Tab step through the spans instead of moving the focus.

        QWidget.event hands a Tab press (without Ctrl or Alt) to this method before any
        key handler sees it. Overriding this rather than ``event`` keeps every other
        event of the view (paints, mouse moves, input method queries) out of Python."""
        self.spanStepRequested.emit(1 if forward else -1)
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        modifiers = event.modifiers()
        command = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.MetaModifier
        if not modifiers & command:
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.deleteRequested.emit()
                return
            if event.key() == Qt.Key.Key_Escape:
                self.clear_selection()
                self.escapePressed.emit()
                return
            key = self._label_key(event)
            if key:
                exact = bool(modifiers & Qt.KeyboardModifier.AltModifier)
                self.labelKeyPressed.emit(key, exact)
                return
        super().keyPressEvent(event)

    @staticmethod
    def _label_key(event: QKeyEvent) -> str:
        if Qt.Key.Key_A <= event.key() <= Qt.Key.Key_Z:
            return chr(event.key())
        if Qt.Key.Key_0 <= event.key() <= Qt.Key.Key_9:
            return chr(event.key())
        text = event.text().translate(EASTERN_DIGITS)  # Arabic keyboards type ١٢٣
        return text if len(text) == 1 and text.isascii() and text.isalnum() else ""

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press_pos = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        pos = event.position().toPoint()
        moved = self._press_pos is not None and (pos - self._press_pos).manhattanLength() > 3
        if event.button() != Qt.MouseButton.LeftButton or moved:
            return
        if self.textCursor().hasSelection():
            return
        under = self.spans_under(pos)
        if not under:
            self.spanClicked.emit("")
            return
        # Clicking the same place again steps through overlapping spans.
        cp = self.code_point_at(pos)
        index = (self._last_click[1] + 1) % len(under) if self._last_click[0] == cp else 0
        self._last_click = (cp, index)
        self.spanClicked.emit(under[index].uuid)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        under = self.spans_under(event.pos())
        if under:  # a right-click on a span selects it: the menu's actions act on it
            self.spanClicked.emit(under[0].uuid)
        menu = self.createStandardContextMenu(event.pos())
        if self.context_actions:
            menu.addSeparator()
            menu.addActions(self.context_actions)
        if not under:  # a span under the mouse comes first (suggestions never overlap it)
            clicked = self.code_point_at(event.pos())
            for hook in self.context_menu_hooks:
                hook(menu, clicked)
        menu.exec(event.globalPos())
        menu.deleteLater()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        under = self.spans_under(event.position().toPoint())
        if under:
            names = " + ".join(self.label_names.get(s.label, s.label) for s in under)
            # Label names are data: shown literally, never as markup.
            QToolTip.showText(event.globalPosition().toPoint(), tooltip(names), self.viewport())
            return
        pos = event.position().toPoint()
        text = self.hover_text(self.code_point_at(pos)) if self.hover_text else ""
        if text:  # built from data (label names): shown literally
            QToolTip.showText(event.globalPosition().toPoint(), tooltip(text), self.viewport())
        else:
            QToolTip.hideText()
