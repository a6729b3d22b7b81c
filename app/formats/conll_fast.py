"""CoNLL lines of the common document, cut by regular expressions in C.

:func:`app.formats.conll.plan_document` makes a Python object per token and decides each
sentence break token by token: 50,000 articles took two minutes. Most documents need
none of its care: their text is made of the characters one regex tokenizes (Arabic,
Latin, common punctuation), their spans do not overlap, start and end on token edges,
hold no line break and no attributes. For those, this module writes the same lines from
a few regex passes per document: the text is cut into its tokens by one ``split`` and each
token's ``O`` line made in C, the sentence breaks are found on the whole text (a newline,
or whitespace after ``. ! ? ؟ …`` with its glued closers), and a layer's lines are slices
of those lines with each span's entity lines between them. Anything else returns None
and takes the careful path; a property test checks that both paths write the same lines
wherever this one answers.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from functools import lru_cache
from itertools import pairwise

from app.text.tokens import (
    CLOSERS,
    COMMON_CHARS,
    COMMON_CLOSERS,
    COMMON_DIGITS,
    COMMON_EXTENDS,
    COMMON_LETTERS,
    FAST_TOKEN,
    FAST_TOKEN_RUNS,
    NEWLINES,
    NUMBER_SEPARATORS,
    SEPARATOR_MARKS,
    TERMINATORS,
    tokenize,
)
from storage import Span

_MARKS = "".join(sorted(SEPARATOR_MARKS))
_SEPARATOR_CLASS = f"[\\s{_MARKS}]"
_SEPARATOR = re.compile(_SEPARATOR_CLASS)


def _class(chars: frozenset[str]) -> str:
    return "".join(re.escape(ch) for ch in sorted(chars))


_EXTEND = _class(COMMON_EXTENDS)
_TERMINATORS = sorted(TERMINATORS)
_SEPARATORS = re.compile(f"{_SEPARATOR_CLASS}*")
_WORD = re.compile(f"[^{_SEPARATOR_CLASS[1:-1]}]*")
# A gap holding whitespace right after a token that ends a sentence (group 1: the gap):
# a terminator, then any closers glued to it ('.»', '?)', '!"').
# (A quote closes only bare: '"' with a diacritic is not a closer to the careful path.)
_ENDED_GAP = re.compile(
    f"[{_class(TERMINATORS)}][{_EXTEND}]*(?:[{_class(COMMON_CLOSERS)}][{_EXTEND}]*|[{_class(CLOSERS)}])*"
    f"({_SEPARATOR_CLASS}*\\s{_SEPARATOR_CLASS}*)"
)
# A character the tokenizer's regex does not know (an emoji, a rare script): the text
# around it is cut by the careful tokenizer.
_UNCOMMON = re.compile(f"[^{_SEPARATOR_CLASS[1:-1]}{_class(COMMON_CHARS)}]")
# After these, an unknown character could continue a sentence end that the regexes above
# would then not see (a terminator with an unusual mark, a rare closing bracket).
_RISKY_BEFORE = TERMINATORS | CLOSERS | COMMON_CLOSERS | COMMON_EXTENDS


# Whitespace (none lies above U+3000) and the invisible marks: one set lookup, where
# app.text.tokens.is_separator makes a call.
SEPARATOR_CHARS = frozenset(chr(c) for c in range(0x3001) if chr(c).isspace()) | SEPARATOR_MARKS


def _is_separator(ch: str) -> bool:
    return ch in SEPARATOR_CHARS


# Characters of the regex's tokens by what they do to a token (app.text.tokens): a letter
# run, a number (with separators between digits), a punctuation mark or symbol alone; a
# mark (an extend) continues any of them.
_PUNCTUATION = COMMON_CHARS - COMMON_LETTERS - COMMON_DIGITS - COMMON_EXTENDS - NUMBER_SEPARATORS


def _token_edge(text: str, position: int) -> bool:
    """Whether the regex ends a token at ``position`` between two characters it knows,
    however the text around is cut: a cut there changes no token of any layer.

    Only the sure cases answer True (a punctuation mark or symbol beside a character
    that is no mark, a letter beside a digit); anything else is left to the layer that
    cuts there.
    """
    before, after = text[position - 1], text[position]
    if after in COMMON_EXTENDS:
        return False  # a mark continues whatever token it follows
    if after in _PUNCTUATION:
        return True
    if after in NUMBER_SEPARATORS:  # joins two digits only when a digit follows it
        return position + 1 == len(text) or text[position + 1] not in COMMON_DIGITS
    if before in _PUNCTUATION:
        return True
    if before in NUMBER_SEPARATORS:
        return after not in COMMON_DIGITS
    return (before in COMMON_LETTERS and after in COMMON_DIGITS) or (
        before in COMMON_DIGITS and after in COMMON_LETTERS
    )


_IN_NUMBER = COMMON_DIGITS | COMMON_EXTENDS


def _digit_at(text: str, position: int) -> bool:
    """A digit of any script at ``position`` (what lets a separator join two digits)."""
    return position < len(text) and unicodedata.category(text[position]) == "Nd"


def _number_before(text: str, position: int) -> bool:
    """Whether ``text[position]`` may end a number: a digit of any script, or a mark that
    may follow one (erring on the careful side: a mark after a letter counts too)."""
    if position < 0:
        return False
    ch = text[position]
    category = unicodedata.category(ch)
    return category in ("Nd", "Cf") or category[0] == "M" or "\U0001f3fb" <= ch <= "\U0001f3ff"


def _safe_cut(text: str, position: int) -> bool:
    """Whether cutting the text at ``position`` and tokenizing both sides with the regex
    gives the careful path's tokens with a cut there.

    The careful path splits a token at a span edge; the regex, started or stopped at the
    edge, makes the same two pieces of a word, a number or a punctuation mark, except
    next to a number's inner separator ("3.|5" would become "3", "." and "5"). An emoji or
    a rare script beside the edge has sequences only the careful path knows.
    """
    if position <= 0 or position >= len(text):
        return True
    before, after = text[position - 1], text[position]
    if _is_separator(before) or _is_separator(after):
        return True
    if before not in COMMON_CHARS or after not in COMMON_CHARS:
        return False
    return not (
        # "3.|5" and "3|.5": a number's inner separator is one only between two digits
        # ("2023." closing a sentence is a number and a full stop, cut or not: a date
        # span ending a sentence, a sixth of the articles, stays on this path)
        (after in NUMBER_SEPARATORS and before in _IN_NUMBER and _digit_at(text, position + 1))
        or (
            before in NUMBER_SEPARATORS
            and after in _IN_NUMBER
            and _number_before(text, position - 2)
        )
        # "1|َ1", ":|َا": the careful path's piece after the cut ends where the number or
        # the punctuation mark did; the regex would read a word instead
        or (after in COMMON_EXTENDS and before not in COMMON_LETTERS)
    )


def _simple_spans(text: str, spans: Sequence[Span], newlines: Sequence[int]) -> bool:
    """No overlap, no separator at either edge, no line break inside (``newlines``: where
    the text's line breaks begin), and cuts the regex makes the careful way
    (:func:`_safe_cut`, skipped where whitespace borders the edge)."""
    previous_end = 0
    length = len(text)
    separators = SEPARATOR_CHARS
    for span in spans:
        start, end = span.start, span.end
        if start < previous_end:
            return False
        if text[start] in separators or text[end - 1] in separators:
            return False
        if start and not text[start - 1].isspace() and not _safe_cut(text, start):
            return False
        if end < length and not text[end].isspace() and not _safe_cut(text, end):
            return False
        if newlines:
            index = bisect_left(newlines, start)
            if index < len(newlines) and newlines[index] < end:
                return False
        previous_end = end
    return True


def _text_gaps(text: str, newlines: Sequence[int]) -> list[tuple[int, int]]:
    """Every sentence break of the text whatever its spans: gaps between two tokens
    (``newlines``: where its line breaks begin, :func:`_line_breaks`)."""
    # After a sentence end: each terminator found by ``find`` (a scan in C far cheaper
    # than a regex search through every character), the gap after it matched there.
    # Matches never overlap (a terminator is neither a closer nor a separator), so these
    # are the gaps that one regex scan would find.
    ended = []
    find = text.find
    for terminator in _TERMINATORS:
        position = find(terminator)
        while position >= 0:
            match = _ENDED_GAP.match(text, position)
            if match is not None:
                ended.append(match.span(1))
            position = find(terminator, position + 1)
    if newlines:
        gaps: dict[int, int] = {}
        for newline in newlines:
            start = newline
            while start > 0 and text[start - 1] in SEPARATOR_CHARS:
                start -= 1
            if start not in gaps:
                gaps[start] = _SEPARATORS.match(text, newline).end()  # type: ignore[union-attr]
        for start, end in ended:
            gaps.setdefault(start, end)
        ended = sorted(gaps.items())
    else:
        ended.sort()
    # Not between two tokens: a gap at either end of the text.
    length = len(text)
    return [gap for gap in ended if gap[0] and gap[1] != length]


def _line_breaks(text: str) -> list[int]:
    """Where each line break begins (CR LF is one): ``str.splitlines`` breaks lines at
    exactly the characters of NEWLINES, in C."""
    breaks = []
    position = 0
    for line in text.splitlines(keepends=True):
        position += len(line)
        if line[-1] in NEWLINES:
            breaks.append(position - 2 if line.endswith("\r\n") else position - 1)
    return breaks


def _safe_unknowns(text: str, positions: Sequence[int]) -> bool:
    """Whether the regexes still find every sentence end of ``text`` despite its unknown
    characters at ``positions`` (else the careful path must decide)."""
    for position in positions:
        ch = text[position]
        if ch in TERMINATORS or ch in CLOSERS or (position and text[position - 1] in _RISKY_BEFORE):
            return False
        if unicodedata.category(ch) in ("Pe", "Pf"):
            return False
    return True


def _tokens(text: str, start: int, end: int, plain: bool) -> list[str]:
    """The tokens of ``text[start:end]`` (both token edges); only the words holding an
    unknown character go through the careful tokenizer."""
    if plain:
        return FAST_TOKEN.findall(text, start, end)
    tokens: list[str] = []
    position = start
    while (unknown := _UNCOMMON.search(text, position, end)) is not None:
        word_start = unknown.start()
        while word_start > position and not _is_separator(text[word_start - 1]):
            word_start -= 1
        word_end = _WORD.match(text, unknown.start(), end).end()  # type: ignore[union-attr]
        tokens += FAST_TOKEN.findall(text, position, word_start)
        tokens += [token.text for token in tokenize(text[word_start:word_end])]
        position = word_end
    tokens += FAST_TOKEN.findall(text, position, end)
    return tokens


@lru_cache(maxsize=256)
def _entity_lines(label: str, scheme: str, separator: str) -> tuple[str, str, str, str]:
    """The line endings of an entity's tokens: first, inside, last, and alone."""
    if scheme == "bioes":
        return (
            f"{separator}B-{label}\n",
            f"{separator}I-{label}\n",
            f"{separator}E-{label}\n",
            f"{separator}S-{label}\n",
        )
    first, inside = f"{separator}B-{label}\n", f"{separator}I-{label}\n"
    return first, inside, inside, first


def fast_conll_lines(text: str, spans: Sequence[Span], scheme: str, separator: str) -> str | None:
    """The document's token lines with a blank line after each sentence, or None when
    the document needs :func:`app.formats.conll.plan_document`. ``spans`` are sorted by
    start."""
    return FastText(text, separator, [spans]).lines(spans, scheme)


class _Segments:
    """A text cut at points that no token crosses, whatever layer is written: each
    segment's ``O`` lines (a sentence break is a segment of its own, a blank line) and,
    once asked for, its tokens."""

    __slots__ = ("lines", "points", "text", "tokens")

    def __init__(
        self, text: str, points: list[int], tokens: list[list[str] | None], lines: list[str]
    ) -> None:
        self.text = text
        self.points = points  # segment k is text[points[k]:points[k + 1]]
        self.tokens = tokens  # None: not cut yet (only a span's segments ever are)
        self.lines = lines

    def tokens_of(self, index: int) -> list[str]:
        found = self.tokens[index]
        if found is None:  # a segment the regex knows entirely (the others are cut already)
            found = FAST_TOKEN.findall(self.text, self.points[index], self.points[index + 1])
            self.tokens[index] = found
        return found


# Between segments while all of a text's segments are cut in one pass (see _outside_lines):
# a character no text holds, that the regex finds as a token of its own.
_MARK = "\x00"
_RUNS = re.compile(f"{_MARK}|{FAST_TOKEN_RUNS}")


class FastText:
    """One document's text, for writing the lines of any number of layers.

    What does not depend on one layer is done once per document: whether the regex path
    may take the text, its sentence breaks, and its tokens with their ``O`` lines, cut
    into segments at every layer's span edges that border whitespace or surely end a
    token (no token crosses such an edge, so every layer can share the cut). A layer's
    lines are then slices of those lines with each span's entity lines between them; a
    span edge inside a word (a clitic, a glued mark) cuts that layer's own copy of the
    segment it falls in.
    """

    __slots__ = ("_newlines", "_outside", "_segments", "_unknowns", "plain", "text")

    def __init__(
        self, text: str, separator: str, layers: Sequence[Sequence[Span] | None] = ()
    ) -> None:
        self.text = text
        # where the characters the regexes do not know are (an emoji, a rare script)
        self._unknowns = [match.start() for match in _UNCOMMON.finditer(text)]
        self.plain = not self._unknowns
        self._outside = f"{separator}O\n"
        self._newlines: list[int] = []
        self._segments: _Segments | None = None
        if self.plain or _safe_unknowns(text, self._unknowns):
            self._segments = self._cut(layers)

    def _tokens(self, start: int, end: int) -> list[str]:
        unknowns = self._unknowns
        first = bisect_left(unknowns, start)
        if first == len(unknowns) or unknowns[first] >= end:  # the regex knows it all
            return FAST_TOKEN.findall(self.text, start, end)
        return _tokens(self.text, start, end, False)

    def _shared_edge(self, position: int) -> bool:
        """Whether every layer may cut the text at ``position`` (a span edge of one) and
        still get its own tokens: where a separator run begins or ends, or where the regex
        ends a token in a word it tokenizes (:func:`_token_edge`)."""
        text = self.text
        before, after = text[position - 1] in SEPARATOR_CHARS, text[position] in SEPARATOR_CHARS
        if before or after:
            return before != after  # (never inside a run: a sentence break stays whole)
        if not _token_edge(text, position):
            return False
        unknowns = self._unknowns
        if unknowns:  # the careful tokenizer cuts a word holding an unknown character
            index = bisect_left(unknowns, position)
            if index < len(unknowns) and _SEPARATOR.search(text, position, unknowns[index]) is None:
                return False
            if index and _SEPARATOR.search(text, unknowns[index - 1], position) is None:
                return False
        return True

    def _cut(self, layers: Sequence[Sequence[Span] | None]) -> _Segments:
        text = self.text
        length = len(text)
        self._newlines = _line_breaks(text)
        gaps = dict(_text_gaps(text, self._newlines))
        points = {0, length, *gaps, *gaps.values()}
        for spans in layers:
            for span in spans or ():
                for edge in (span.start, span.end):
                    if edge not in points and 0 < edge < length and self._shared_edge(edge):
                        points.add(edge)
        ordered = sorted(points)
        tokens: list[list[str] | None] = [None] * (len(ordered) - 1)
        lines = self._outside_lines(ordered)
        if lines is None:
            outside = self._outside
            findall = FAST_TOKEN.findall
            tokens = [findall(text, start, end) for start, end in pairwise(ordered)]
            lines = [outside.join(found) + outside if found else "" for found in tokens]
        # The few segments holding a character the regex does not know: cut again, the
        # words holding one by the careful tokenizer.
        for index in {bisect_right(ordered, position) - 1 for position in self._unknowns}:
            found = _tokens(text, ordered[index], ordered[index + 1], False)
            tokens[index] = found
            lines[index] = self._outside.join(found) + self._outside if found else ""
        # A sentence break is a blank line, if a token came since the last one (the careful
        # tokenizer finds none in a word of joiners alone). A break's own segment holds
        # separators alone.
        previous = -1
        for start in gaps:
            index = bisect_left(ordered, start)
            if any(lines[previous + 1 : index]):
                lines[index] = "\n"
            previous = index
        return _Segments(text, ordered, tokens, lines)

    def _outside_lines(self, points: list[int]) -> list[str] | None:
        """Each segment's ``O`` lines, as the regex tokenizes it, from one regex pass over
        the whole text with a mark at each cut (the regex stops at a mark as at the end
        of a segment; letter tokens one space apart come as one match, their spaces then
        replaced by line ends in C). None where a mark or a double space forbids it."""
        text = self.text
        if _MARK in text:
            return None
        pieces = _RUNS.findall(_MARK.join([text[start:end] for start, end in pairwise(points)]))
        if not pieces:
            return [""] * (len(points) - 1)
        joined = " ".join(pieces)
        if "  " in joined:  # a double space inside a run would make an empty token
            return None
        outside = self._outside
        lines = (joined + " ").replace(" ", outside).split(_MARK + outside)
        return lines if len(lines) == len(points) - 1 else None

    def _cut_at(self, segments: _Segments, cuts: Sequence[int]) -> _Segments:
        """``segments`` with those that ``cuts`` fall inside cut there: this layer's copy."""
        points, tokens, lines = list(segments.points), list(segments.tokens), list(segments.lines)
        inside: dict[int, set[int]] = {}
        for cut in cuts:
            inside.setdefault(bisect_right(points, cut) - 1, set()).add(cut)
        outside = self._outside
        for index in sorted(inside, reverse=True):  # from the end: earlier indexes hold
            bounds = [points[index], *sorted(inside[index]), points[index + 1]]
            pieces = [self._tokens(start, end) for start, end in pairwise(bounds)]
            tokens[index : index + 1] = pieces
            lines[index : index + 1] = [outside.join(p) + outside if p else "" for p in pieces]
            points[index + 1 : index + 1] = bounds[1:-1]
        return _Segments(self.text, points, tokens, lines)

    def lines(self, spans: Sequence[Span], scheme: str) -> str | None:
        """The lines of one layer's ``spans`` (sorted by start), or None when they need
        :func:`app.formats.conll.plan_document`."""
        segments = self._segments
        if segments is None or not _simple_spans(self.text, spans, self._newlines):
            return None
        written = self._write(segments, spans, scheme)
        if written is None:  # a span edge inside a word: this layer cuts its own copy
            points = set(segments.points)
            cuts = [e for span in spans for e in (span.start, span.end) if e not in points]
            written = self._write(self._cut_at(segments, cuts), spans, scheme)
        return written or None

    def _write(self, segments: _Segments, spans: Sequence[Span], scheme: str) -> str | None:
        """The lines, "" when a span has no token, or None when a span edge is not where
        a segment begins (the first look for each span is also where it is written)."""
        points, lines, tokens_of = segments.points, segments.lines, segments.tokens_of
        separator = self._outside[:-2]
        out: list[str] = []
        position = 0  # the first segment not written yet
        for span in spans:
            first = bisect_left(points, span.start, position)
            last = bisect_left(points, span.end, first)  # the span's segments: first..last-1
            if points[first] != span.start or points[last] != span.end:
                return None
            out += lines[position:first]
            if last == first + 1:
                found = tokens_of(first)
            else:  # a sentence break inside the span is no break: one entity
                found = [token for index in range(first, last) for token in tokens_of(index)]
            if not found:
                return ""
            begin, inside, end, alone = _entity_lines(span.label, scheme, separator)
            if len(found) == 1:
                out.append(found[0] + alone)
            else:
                out.append(found[0] + begin)
                if len(found) > 2:
                    out.append(inside.join(found[1:-1]))
                    out.append(inside)
                out.append(found[-1] + end)
            position = last
        out += lines[position:]
        written = "".join(out)
        return f"{written}\n" if written else ""  # the end of the last sentence
