"""Span highlights: formats on the article's text layouts, one block at a time, lazily.

Formats are applied per *segment*: a stretch of text covered by the same set of spans.
The innermost (shortest) span gives the background; when spans of other labels overlap it,
the outermost one's colour shows as a wavy underline, so both stay visible.

They are the layouts' additional formats (``QTextLayout.setFormats``, what
QSyntaxHighlighter uses), not character formats of the document: setting them is no
document edit, and it is one call per block (paragraph). The article view formats a block
just before it is painted (``ArticleView.paintEvent``), so opening a 200,000-character
article with 5,000 spans formats the dozen paragraphs on screen, not all of them; an edit
marks only the blocks it touched as stale, which keeps tagging in a long article as fast
as in a short one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtGui import QColor, QTextBlock, QTextCharFormat, QTextDocument, QTextLayout

from app.text.offsets import Utf16Map
from storage import Span

if TYPE_CHECKING:
    from app.assist.suggestion import Suggestion

Segment = tuple[int, int, tuple[Span, ...]]
# The spans that overlap [start, end) (code points): AnnotationSession.overlapping.
Overlapping = Callable[[int, int], Sequence[Span]]
# The suggestions shown over [start, end) (app.ui.suggestions): never overlapping a span.
ShownSuggestions = Callable[[int, int], Sequence["Suggestion"]]


def segments(spans: Sequence[Span], start: int, end: int) -> list[Segment]:
    """Split [start, end) where the set of covering spans changes (a sweep, O(n log n))."""
    events: list[tuple[int, int, int]] = []  # (position, +1/-1, index)
    for index, span in enumerate(spans):
        s, e = max(span.start, start), min(span.end, end)
        if s < e:
            events.append((s, 1, index))
            events.append((e, -1, index))
    events.sort(key=lambda ev: (ev[0], ev[1]))
    result: list[Segment] = []
    active: set[int] = set()
    cursor = start
    for position, kind, index in events:
        if position > cursor and active:
            covering = tuple(sorted((spans[i] for i in active), key=_inner_first))
            result.append((cursor, position, covering))
        cursor = max(cursor, position)
        if kind == 1:
            active.add(index)
        else:
            active.discard(index)
    return result


def _inner_first(span: Span) -> tuple[int, int]:
    return (span.end - span.start, span.start)


def _no_spans(start: int, end: int) -> Sequence[Span]:
    return ()


def no_suggestions(start: int, end: int) -> Sequence[Suggestion]:
    return ()


class HighlightPainter:
    """Keeps the highlight formats of a QTextDocument's blocks, converting positions
    through one Utf16Map."""

    def __init__(self, document: QTextDocument) -> None:
        self.document = document
        self.colors: dict[str, QColor] = {}
        self._formats: dict[tuple[str, ...], QTextCharFormat] = {}
        self.offsets = Utf16Map("")
        self.overlapping: Overlapping = _no_spans
        self.suggestions: ShownSuggestions = no_suggestions
        self._suggestion_formats: dict[str, QTextCharFormat] = {}
        self._current: set[int] = set()  # block numbers whose formats are up to date
        self._formatted: set[int] = set()  # block numbers whose layout holds formats

    def set_layer(self, offsets: Utf16Map, overlapping: Overlapping) -> None:
        """The document was just given a new text (new blocks, no formats yet)."""
        self.offsets = offsets
        self.overlapping = overlapping
        self._current.clear()
        self._formatted.clear()

    def set_colors(self, colors: dict[str, str]) -> None:
        self.colors = {label: QColor(color) for label, color in colors.items()}
        self._formats.clear()
        self._suggestion_formats.clear()
        self._current.clear()

    def invalidate(self, start: int, end: int) -> None:
        """The spans over code points [start, end) changed: their blocks are stale."""
        start, end = max(0, start), min(self.offsets.length, end)
        if start >= end:
            return
        first = self.document.findBlock(self.offsets.to_utf16(start)).blockNumber()
        last = self.document.findBlock(self.offsets.to_utf16(end) - 1).blockNumber()
        self._current.difference_update(range(first, last + 1))

    def format_block(self, block: QTextBlock) -> None:
        """Give ``block`` the formats of the spans over it, unless they are up to date.

        Setting formats clears the block's lines: Qt lays it out again when it is next
        measured or painted, so call this before that (the article view does, in its
        paint event)."""
        number = block.blockNumber()
        if number in self._current:
            return
        self._current.add(number)
        ranges = self._ranges(block)
        if ranges:
            self._formatted.add(number)
        elif number in self._formatted:
            self._formatted.discard(number)
        else:
            return  # no formats before, none now: keep the layout
        block.layout().setFormats(ranges)

    def _ranges(self, block: QTextBlock) -> list[QTextLayout.FormatRange]:
        offsets = self.offsets
        base = block.position()  # UTF-16
        start = offsets.to_code_point(base)
        end = offsets.to_code_point(base + block.length() - 1)  # before the separator
        ranges = []
        for s, e, covering in segments(self.overlapping(start, end), start, end):
            first = offsets.to_utf16(s)
            fmt_range = QTextLayout.FormatRange()
            fmt_range.start = first - base
            fmt_range.length = offsets.to_utf16(e) - first
            fmt_range.format = self._format(covering)
            ranges.append(fmt_range)
        # Suggestions: a dashed underline in the label's colour, no background, so they
        # never look like spans. They never overlap a span, so the ranges stay disjoint.
        for suggestion in self.suggestions(start, end):
            first = offsets.to_utf16(max(suggestion.start, start))
            fmt_range = QTextLayout.FormatRange()
            fmt_range.start = first - base
            fmt_range.length = offsets.to_utf16(min(suggestion.end, end)) - first
            fmt_range.format = self._suggestion_format(suggestion.label)
            ranges.append(fmt_range)
        return ranges

    def _suggestion_format(self, label: str) -> QTextCharFormat:
        fmt = self._suggestion_formats.get(label)
        if fmt is None:
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
            fmt.setUnderlineColor(self.color(label).darker(140))  # pastel colours are faint
            self._suggestion_formats[label] = fmt
        return fmt

    def _format(self, covering: Iterable[Span]) -> QTextCharFormat:
        labels = tuple(span.label for span in covering)
        fmt = self._formats.get(labels)
        if fmt is None:
            fmt = QTextCharFormat()
            fmt.setBackground(self.color(labels[0]))
            others = [label for label in labels if label != labels[0]]
            if others:
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
                fmt.setUnderlineColor(self.color(others[-1]).darker(160))
            elif len(labels) > 1:  # nested spans of one label: a darker shade shows the inner
                fmt.setBackground(self.color(labels[0]).darker(115))
            self._formats[labels] = fmt
        return fmt

    def color(self, label: str) -> QColor:
        return self.colors.get(label, QColor("#bdbdbd"))
