"""CoNLL lines of the common document, cut by regular expressions in C.

:func:`app.formats.conll.plan_document` makes a Python object per token and decides each
sentence break token by token: 50,000 articles took two minutes. Most documents need
none of its care: their text is made of the characters one regex tokenizes (Arabic,
Latin, common punctuation), their spans do not overlap, start and end on token edges,
hold no line break and no attributes. For those, this module writes the same lines from
a few regex passes per document: the sentence breaks are found on the whole text (a
newline, or whitespace after ``. ! ? ؟ …`` with its glued closers), the text between
span edges and breaks is tokenized in one ``findall`` each, and the ``O`` lines are
joined in C. Anything else returns None and takes the careful path; a property test
checks that both paths write the same lines wherever this one answers.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from functools import lru_cache
from operator import itemgetter

from app.text.tokens import (
    CLOSERS,
    COMMON_CHARS,
    COMMON_CLOSERS,
    COMMON_DIGITS,
    COMMON_EXTENDS,
    COMMON_LETTERS,
    FAST_TEXT,
    FAST_TOKEN,
    NEWLINES,
    NUMBER_SEPARATORS,
    SEPARATOR_MARKS,
    TERMINATORS,
    tokenize,
)
from storage import Span

_MARKS = "".join(sorted(SEPARATOR_MARKS))
_SEPARATOR = f"[\\s{_MARKS}]"


def _class(chars: frozenset[str]) -> str:
    return "".join(re.escape(ch) for ch in sorted(chars))


_EXTEND = _class(COMMON_EXTENDS)
_NEWLINE = re.compile(f"[{_class(NEWLINES)}]")
_SEPARATORS = re.compile(f"{_SEPARATOR}*")
_WORD = re.compile(f"[^{_SEPARATOR[1:-1]}]*")
# A gap holding whitespace right after a token that ends a sentence (group 1: the gap):
# a terminator, then any closers glued to it ('.»', '?)', '!"').
# (A quote closes only bare: '"' with a diacritic is not a closer to the careful path.)
_ENDED_GAP = re.compile(
    f"[{_class(TERMINATORS)}][{_EXTEND}]*(?:[{_class(COMMON_CLOSERS)}][{_EXTEND}]*|[{_class(CLOSERS)}])*"
    f"({_SEPARATOR}*\\s{_SEPARATOR}*)"
)
# A character the tokenizer's regex does not know (an emoji, a rare script): the text
# around it is cut by the careful tokenizer.
_UNCOMMON = re.compile(f"[^{_SEPARATOR[1:-1]}{_class(COMMON_CHARS)}]")
# After these, an unknown character could continue a sentence end that the regexes above
# would then not see (a terminator with an unusual mark, a rare closing bracket).
_RISKY_BEFORE = TERMINATORS | CLOSERS | COMMON_CLOSERS | COMMON_EXTENDS


def _is_separator(ch: str) -> bool:
    return ch.isspace() or ch in SEPARATOR_MARKS


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


def _simple_spans(text: str, spans: Sequence[Span]) -> bool:
    """No overlap, no separator at either edge, no line break inside, and cuts the regex
    makes the careful way (:func:`_safe_cut`, skipped where whitespace borders the edge)."""
    previous_end = 0
    newline = _NEWLINE.search
    length = len(text)
    for span in spans:
        start, end = span.start, span.end
        if start < previous_end:
            return False
        first, last = text[start], text[end - 1]
        if _is_separator(first) or _is_separator(last):
            return False
        if start and not text[start - 1].isspace() and not _safe_cut(text, start):
            return False
        if end < length and not text[end].isspace() and not _safe_cut(text, end):
            return False
        if newline(text, start, end) is not None:
            return False
        previous_end = end
    return True


def _breaks(text: str, spans: Sequence[Span]) -> list[tuple[int, int]]:
    """Sentence breaks as gaps ``[start, end)`` between two tokens, outside every span.

    A gap is a whole run of separators; ``spans`` neither overlap nor start or end on a
    separator (:func:`_simple_spans`), so a gap that starts inside a span lies inside it.
    """
    return _outside_spans(_text_gaps(text), spans)


def _text_gaps(text: str) -> list[tuple[int, int]]:
    """Every sentence break of the text whatever its spans: gaps between two tokens."""
    # After a sentence end: one scan in C gives them in order, without duplicates.
    ended = [match.span(1) for match in _ENDED_GAP.finditer(text)]
    if _NEWLINE.search(text) is not None:
        gaps: dict[int, int] = {}
        for newline in _NEWLINE.finditer(text):
            start = newline.start()
            while start > 0 and _is_separator(text[start - 1]):
                start -= 1
            if start not in gaps:
                gaps[start] = _SEPARATORS.match(text, newline.end()).end()  # type: ignore[union-attr]
        for start, end in ended:
            gaps.setdefault(start, end)
        ended = sorted(gaps.items())
    # Not between two tokens: a gap at either end of the text.
    length = len(text)
    return [gap for gap in ended if gap[0] and gap[1] != length]


def _outside_spans(gaps: list[tuple[int, int]], spans: Sequence[Span]) -> list[tuple[int, int]]:
    """The gaps that no span covers (``gaps`` is left as it was: it serves every layer)."""
    if not spans or not gaps:
        return gaps
    ended = list(gaps)
    starts = [start for start, _ in ended]
    for span in spans:  # a sentence never breaks inside a span (a few spans, many gaps)
        first = bisect_left(starts, span.start)
        last = bisect_left(starts, span.end, first)
        if first < last:
            del ended[first:last], starts[first:last]
    return ended


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
    return FastText(text, separator).lines(spans, scheme)


class FastText:
    """One document's text, for writing the lines of any number of layers.

    What does not depend on the spans is found once per document however many layers are
    written: whether the regex path may take the text, its sentence breaks, and the
    tokens and ``O`` lines of a stretch that several layers share. Told every layer's
    spans (:meth:`share`), it cuts each layer's stretches at the other layers' span edges
    too where whitespace borders them (a cut there changes no token): a sentence holding
    one layer's span is then tokenized once, not once per layer.
    """

    __slots__ = (
        "_cuts",
        "_gaps",
        "_outside",
        "_pieces",
        "_stretches",
        "_unknowns",
        "_usable",
        "plain",
        "text",
    )

    def __init__(self, text: str, separator: str) -> None:
        self.text = text
        self.plain = FAST_TEXT.fullmatch(text) is not None
        self._usable: bool | None = None
        self._gaps: list[tuple[int, int]] | None = None
        self._outside = f"{separator}O\n"
        self._stretches: dict[tuple[int, int], str] = {}
        self._pieces: dict[tuple[int, int], list[str]] = {}
        self._cuts: list[int] = []
        self._unknowns: list[int] = []  # where the characters the regexes do not know are

    def share(self, layers: Sequence[Sequence[Span] | None]) -> None:
        """Let the stretches of every layer in ``layers`` share their tokens."""
        if sum(1 for spans in layers if spans) < 2:
            return  # one layer's stretches: nothing to share
        text = self.text
        edges = {edge for spans in layers if spans for s in spans for edge in (s.start, s.end)}
        self._cuts = sorted(
            edge
            for edge in edges
            if 0 < edge < len(text) and (_is_separator(text[edge - 1]) or _is_separator(text[edge]))
        )

    def _text_usable(self) -> bool:
        if self._usable is None:
            if not self.plain:
                self._unknowns = [match.start() for match in _UNCOMMON.finditer(self.text)]
            self._usable = self.plain or _safe_unknowns(self.text, self._unknowns)
        return self._usable

    def _tokens(self, start: int, end: int) -> list[str]:
        key = (start, end)
        found = self._pieces.get(key)
        if found is None:
            unknowns = self._unknowns
            first = bisect_left(unknowns, start)
            if first == len(unknowns) or unknowns[first] >= end:  # the regex knows it all
                found = FAST_TOKEN.findall(self.text, start, end)
            else:
                found = _tokens(self.text, start, end, False)
            self._pieces[key] = found
        return found

    def _o_lines(self, start: int, end: int) -> str:
        """The ``O`` lines of the tokens of ``text[start:end]`` ("" when there are none)."""
        key = (start, end)
        found = self._stretches.get(key)
        if found is None:
            cuts = self._cuts
            first = bisect_right(cuts, start)
            if first < len(cuts) and cuts[first] < end:
                # Whitespace borders each cut: no token crosses it, so the lines of the
                # pieces (shared with other layers) joined are the lines of the whole.
                pieces = []
                while first < len(cuts) and cuts[first] < end:
                    pieces.append(self._o_lines(start, cuts[first]))
                    start = cuts[first]
                    first += 1
                pieces.append(self._o_lines(start, end))
                found = "".join(pieces)
            else:
                tokens = self._tokens(start, end)
                outside = self._outside
                found = outside.join(tokens) + outside if tokens else ""
            self._stretches[key] = found
        return found

    def lines(self, spans: Sequence[Span], scheme: str) -> str | None:
        """The lines of one layer's ``spans`` (sorted by start), or None when they need
        :func:`app.formats.conll.plan_document`."""
        text = self.text
        if not self._text_usable() or not _simple_spans(text, spans):
            return None
        if self._gaps is None:
            self._gaps = _text_gaps(text)
        separator = self._outside[:-2]
        pieces: list[str] = []
        append = pieces.append
        # Spans and sentence breaks in text order (a break is never inside a span): each
        # stretch between them is tokenized in one call and its O lines joined in C.
        edges: list[tuple[int, int, str | None]] = [(s.start, s.end, s.label) for s in spans]
        edges += [(start, end, None) for start, end in _outside_spans(self._gaps, spans)]
        edges.sort(key=itemgetter(0))
        edges.append((len(text), len(text), None))
        position = 0
        for start, end, label in edges:
            o_lines = self._o_lines(position, start)
            if o_lines:
                append(o_lines)
            if label is not None:
                tokens = self._tokens(start, end)
                first, inside, last, alone = _entity_lines(label, scheme, separator)
                if len(tokens) == 1:
                    append(tokens[0] + alone)
                else:
                    append(tokens[0] + first)
                    if len(tokens) > 2:
                        append(inside.join(tokens[1:-1]))
                        append(inside)
                    append(tokens[-1] + last)
            elif pieces and pieces[-1] != "\n":
                append("\n")  # the end of a sentence (or of the text) after at least one token
            position = end
        return "".join(pieces) if pieces else None
