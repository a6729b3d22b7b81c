"""The review window's stacked layers: one article view per annotator, under a header band
in that annotator's colour, and the gold view; all of them scroll together.

Every view is the ordinary ArticleView with its HighlightPainter, so the annotators' spans
are drawn exactly as the annotation window draws them; ReviewView only adds an outline
around the current disagreement. The annotators' views are
read-only (no label key or delete reaches storage from them); the gold view is wired to
the gold session by app.ui.review.gold.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import partial

from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen, QTextCursor
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.ui.article_view import ArticleView
from app.ui.layer import SpanLayer
from storage import Annotator, Project

# Header bands: distinct from the label colours (pastels), dark enough for white text.
BAND_COLORS = ("#3949ab", "#00897b", "#8e24aa", "#6d4c41", "#c0392b", "#546e7a", "#2e7d32")
GOLD_BAND = "#b8860b"
# The current disagreement's extent is outlined in every view; in the gold view it is also
# the selection (a label key tags it), drawn translucent over the label colours.
EXTENT_PEN = QColor("#212121")
SELECTION = QColor(0, 0, 0, 40)


def band_color(index: int) -> str:
    return BAND_COLORS[index % len(BAND_COLORS)]


def annotator_layer(project: Project, document_id: int, annotator: Annotator) -> SpanLayer:
    """One annotator's spans on one document, as the annotation window holds its own."""
    rows = project.spans.layer_rows(document_id, annotator.id)
    make = partial(project.spans.layer_span, document_id=document_id, annotator=annotator.name)
    return SpanLayer(rows, make)


class ReviewView(ArticleView):
    """An article view that outlines one extent (the current disagreement)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.extent: tuple[int, int] | None = None  # code points
        palette = self.palette()
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            palette.setColor(group, QPalette.ColorRole.Highlight, SELECTION)
            text = palette.color(QPalette.ColorRole.Text)
            palette.setColor(group, QPalette.ColorRole.HighlightedText, text)
        self.setPalette(palette)

    def set_extent(self, extent: tuple[int, int] | None) -> None:
        self.extent = extent
        self.viewport().update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        rects = self.extent_rects()
        if not rects:
            return
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(EXTENT_PEN, 2))
        for rect in rects:
            painter.drawRoundedRect(rect.adjusted(-3, 0, 3, 0), 4, 4)
        painter.end()

    def extent_rects(self) -> list[QRectF]:
        """Viewport rectangles of the extent, one per line it spans (laid-out lines only)."""
        if self.extent is None:
            return []
        offsets = self.painter.offsets
        start, end = (offsets.to_utf16(p) for p in self.extent)
        rects = []
        block = self.document().findBlock(start)
        while block.isValid() and block.position() < end:
            layout = block.layout()
            origin = self.blockBoundingGeometry(block).translated(self.contentOffset()).topLeft()
            base = block.position()
            # Only the lines holding the extent (a paragraph can hold thousands of lines).
            first_line = layout.lineForTextPosition(max(start, base) - base).lineNumber()
            last_line = layout.lineForTextPosition(min(end, base + block.length() - 1) - base)
            for number in range(max(0, first_line), last_line.lineNumber() + 1):
                line = layout.lineAt(number)
                first = max(start, base + line.textStart())
                last = min(end, base + line.textStart() + line.textLength())
                if first >= last:
                    continue
                xs = (line.cursorToX(first - base)[0], line.cursorToX(last - base)[0])
                left, width = origin.x() + min(xs), max(xs) - min(xs)
                rects.append(QRectF(left, origin.y() + line.y(), width, line.height()))
            block = block.next()
        return rects


class LayerPanel(QWidget):
    """A header band (name, span count, accept button) over one article view."""

    acceptClicked = Signal()

    def __init__(self, title: str, color: str, view: ArticleView, *, accept_hint: str = "") -> None:
        super().__init__()
        self.view = view
        band = QFrame()
        band.setObjectName("band")
        band.setAutoFillBackground(True)
        band.setStyleSheet(f"QFrame#band {{ background: {color}; }} QLabel {{ color: white; }}")
        row = QHBoxLayout(band)
        row.setContentsMargins(8, 2, 8, 2)
        self.title = QLabel(title)
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # a name is never markup
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.count = QLabel()
        self.count.setTextFormat(Qt.TextFormat.PlainText)
        row.addWidget(self.title)
        row.addWidget(self.count)
        row.addStretch(1)
        self.accept_button: QPushButton | None = None
        if accept_hint:
            self.accept_button = QPushButton(
                self.tr("Accept this version  [{keys}]").format(keys=accept_hint)
            )
            self.accept_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.accept_button.clicked.connect(self.acceptClicked)
            row.addWidget(self.accept_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(band)
        column.addWidget(view, 1)
        self.band = band

    def set_count(self, spans: int) -> None:
        self.count.setText(self.tr("· {n} spans").format(n=spans))


# -- positions shared by the views (UTF-16: every view shows the same text) --------------
def top_position(view: ArticleView) -> int:
    """The text position at the start of the view's top visible line."""
    block = view.firstVisibleBlock()
    line = view.verticalScrollBar().value() - block.firstLineNumber()
    layout = block.layout()
    if 0 <= line < layout.lineCount():
        return block.position() + layout.lineAt(line).textStart()
    return block.position()


def scroll_to_position(view: ArticleView, position: int) -> None:
    """Scroll ``view`` so that the line holding ``position`` is its top line."""
    block = view.document().findBlock(position)
    if not block.isValid():
        return
    view.painter.format_block(block)  # formats before the layout below, not after
    view.document().documentLayout().blockBoundingRect(block)  # lays the block out
    layout = block.layout()
    line = layout.lineForTextPosition(position - block.position())
    offset = line.lineNumber() if line.isValid() else 0
    view.verticalScrollBar().setValue(block.firstLineNumber() + offset)


def outline_extent(view: ReviewView, start: int, end: int, *, select: bool) -> None:
    """Outline code points [start, end) and bring them to the middle of the view;
    ``select`` also makes them the selection (in the gold view, for a label key)."""
    offsets = view.painter.offsets
    document = view.document()
    for position in (start, end):
        view.painter.format_block(document.findBlock(offsets.to_utf16(position)))
    view.set_extent((start, end))
    caret = QTextCursor(document)
    # The caret at the extent's start keeps its first line in view when it is long.
    caret.setPosition(offsets.to_utf16(start))
    view.setTextCursor(caret)
    view.centerCursor()
    if select:
        view.select_code_points(start, end)


class ScrollSync(QObject):
    """Keeps several views showing the same text position at their top."""

    def __init__(self, views: Sequence[ArticleView], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.views = list(views)
        self._busy = False
        for view in self.views:
            view.verticalScrollBar().valueChanged.connect(partial(self._follow, view))

    def _follow(self, source: ArticleView, _value: int) -> None:
        if self._busy:
            return
        with self.paused():
            position = top_position(source)
            for view in self.views:
                if view is not source:
                    scroll_to_position(view, position)

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Scroll several views on purpose without each one dragging the others."""
        busy, self._busy = self._busy, True
        try:
            yield
        finally:
            self._busy = busy
