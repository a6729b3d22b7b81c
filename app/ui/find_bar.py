"""Find in the article (Ctrl+F): an inline bar under the article view.

Matching is app.core.search's (folded, one-letter proclitics optional, whole words); the
folded copy of the open article is kept, so a keystroke only runs the compiled pattern over
it. Search runs as the user types, debounced.

Hits are painted as extra selections of the article view, in a background no label uses.
Only the hits on screen (and the current one) become selections: handing Qt thousands of
them would make it lay out every paragraph that holds one, which in a 200,000-character
article costs far more than the search. The bar repaints them as the view scrolls.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTextEdit,
    QToolButton,
    QWidget,
)

from app.ui.article_view import ArticleView

if TYPE_CHECKING:
    from app.text.folding import Folded

DEBOUNCE_MS = 150
HIT_COLOR = QColor("#fff176")  # pale yellow: no label's colour
CURRENT_HIT_COLOR = QColor("#ff9800")  # orange, outlined: the hit the caret is on


class FindBar(QWidget):
    corpusRequested = Signal(str)  # "whole corpus": open the corpus search with this query

    def __init__(self, view: ArticleView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self.view = view
        self.hits: list[tuple[int, int]] = []  # original code points, in text order
        self.current = -1  # index in ``hits``; -1 when there are none
        self._folded: Folded | None = None  # of view.shown_text, made on the first search
        self._folded_text: str | None = None

        self.query = QLineEdit()
        self.query.setPlaceholderText(self.tr("Find in article…"))
        self.query.setClearButtonEnabled(True)
        self.query.installEventFilter(self)
        self.counter = QLabel()
        self.counter.setTextFormat(Qt.TextFormat.PlainText)
        self.counter.setMinimumWidth(70)
        self.previous_button = self._button(self.tr("Previous"), self.tr("Previous hit (Shift+F3)"))
        self.next_button = self._button(self.tr("Next"), self.tr("Next hit (F3)"))
        self.corpus_button = self._button(
            self.tr("Whole corpus…"), self.tr("Search every document (Ctrl+Shift+F)")
        )
        self.close_button = self._button("✕", self.tr("Close (Esc)"))
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 3, 6, 3)
        row.addWidget(self.query, 1)
        row.addWidget(self.counter)
        for button in (self.previous_button, self.next_button, self.corpus_button):
            row.addWidget(button)
        row.addWidget(self.close_button)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(lambda: self.search())
        self.query.textChanged.connect(lambda _text: self._debounce.start())
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.corpus_button.clicked.connect(lambda: self.corpusRequested.emit(self.query.text()))
        self.close_button.clicked.connect(self.close_bar)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.close_bar)
        view.textShown.connect(self._on_text_shown)
        view.verticalScrollBar().valueChanged.connect(lambda _value: self._paint())
        self._update_counter()
        self.hide()

    def _button(self, text: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        return button

    # -- opening and closing --------------------------------------------------------------
    def open_bar(self, query: str | None = None, from_start: bool = False) -> None:
        """Show the bar with the focus in its field (the view's selection as the query when
        nothing is given and something short is selected); ``from_start`` makes the
        article's first hit the current one."""
        if query is None:
            selection = self.view.selection_code_points()
            if selection is not None and selection[1] - selection[0] <= 100:
                query = self.view.shown_text[selection[0] : selection[1]]
        self.show()
        if query is not None and query != self.query.text():
            self.query.setText(query)
        self.query.setFocus()
        self.query.selectAll()
        if from_start:
            self.current = -1
        if self.query.text().strip():
            self.search(from_start)  # at once, not after the debounce: the bar has a query
        else:  # fold the article now (~45 ms for 200,000 characters), not at the first key
            QTimer.singleShot(0, self._folded_article)

    def close_bar(self) -> None:
        self._debounce.stop()
        self.hide()
        self.hits, self.current = [], -1
        self.view.set_find_selections([])
        self.view.setFocus()

    # -- searching ------------------------------------------------------------------------
    def _folded_article(self) -> Folded:
        from app.text.folding import fold

        text = self.view.shown_text
        if self._folded is None or self._folded_text is not text:
            self._folded, self._folded_text = fold(text), text
        return self._folded

    def search(self, from_start: bool = False) -> None:
        """Find the query in the article; the current hit is the first at or after the
        previous one (or the caret), so refining a query keeps the reader's place."""
        # Imported by the first search: folding's tables cost start-up 20-40 ms to build.
        from app.core.search import compile_query

        self._debounce.stop()
        compiled = compile_query(self.query.text())
        if compiled is None or not compiled.may_occur(self.view.shown_text):
            self.hits = []
        else:
            folded = self._folded_article()
            self.hits = [folded.original_span(s, e) for s, e in compiled.hits(folded.text)]
        if not self.hits:
            self.current = -1
            self._update_counter()
            self._paint()
            return
        place = 0 if from_start else self._reading_position()
        self._go_to(bisect_left(self.hits, (place, 0)) % len(self.hits))

    def _reading_position(self) -> int:
        if 0 <= self.current < len(self.hits):
            return self.hits[self.current][0]
        selection = self.view.selection_code_points()
        if selection is not None:
            return selection[0]
        return self.view.painter.offsets.to_code_point(self.view.textCursor().position())

    def step(self, step: int) -> None:
        """Next (+1) or previous (-1) hit, wrapping around the article's ends."""
        if self.isHidden():
            self.open_bar()
            return
        if self._debounce.isActive():  # typed, then Enter at once: search first
            self.search()
        if self.hits:
            self._go_to((self.current + step) % len(self.hits))

    def _go_to(self, index: int) -> None:
        self.current = index
        start, end = self.hits[index]
        view = self.view
        # Format the hit's paragraph before selecting lays it out (see ArticleView.paintEvent).
        view.painter.format_block(view.document().findBlock(view.painter.offsets.to_utf16(start)))
        view.select_code_points(start, end)
        view.ensureCursorVisible()
        self._update_counter()
        self._paint()

    def _update_counter(self) -> None:
        if not self.query.text().strip():
            self.counter.setText("")
        elif not self.hits:
            self.counter.setText(self.tr("No hits"))
        else:
            self.counter.setText(
                self.tr("{current} / {total}").format(
                    current=self.current + 1, total=len(self.hits)
                )
            )

    # -- painting -------------------------------------------------------------------------
    def _paint(self) -> None:
        """Give the view the hits on screen, and the current one, as extra selections."""
        if self.isHidden() or not self.hits:
            self.view.set_find_selections([])
            return
        first, last = self.view.visible_code_points()
        low = max(0, bisect_left(self.hits, (first, 0)) - 1)  # one may start before the top
        high = bisect_right(self.hits, (last, last))
        shown = list(range(low, high))
        if 0 <= self.current < len(self.hits) and not low <= self.current < high:
            shown.append(self.current)
        self.view.set_find_selections([self._selection(i) for i in shown])

    def _selection(self, index: int) -> QTextEdit.ExtraSelection:
        offsets = self.view.painter.offsets
        start, end = self.hits[index]
        cursor = QTextCursor(self.view.document())
        cursor.setPosition(offsets.to_utf16(start))
        cursor.setPosition(offsets.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        selection = QTextEdit.ExtraSelection()
        selection.cursor = cursor
        if index == self.current:
            selection.format.setBackground(CURRENT_HIT_COLOR)
            selection.format.setUnderlineStyle(selection.format.UnderlineStyle.SingleUnderline)
        else:
            selection.format.setBackground(HIT_COLOR)
        return selection

    def _on_text_shown(self) -> None:
        """Another article: search it for the same query, from its start."""
        self.hits, self.current = [], -1
        if self.isVisible() and self.query.text().strip():
            self.search()

    # -- keys -----------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.query and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                shift = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
                self.step(-1 if shift else 1)
                return True
        return super().eventFilter(watched, event)
