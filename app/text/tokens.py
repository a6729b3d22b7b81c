"""Words and sentences of Arabic news text, with code point offsets (for token formats).

A token is ``[start, end)`` in Python code points over the document's text. The rules:

* whitespace separates tokens, and so do invisible bidi and zero-width marks (LRM, RLM,
  ALM, embeddings, isolates, ZWSP, BOM): they are never part of a token;
* a word is a run of letters with its harakat, tatweel, ZWJ/ZWNJ and other combining
  marks (a diacritic is never split from its letter);
* a number is a run of digits (ASCII, Arabic-Indic ٠-٩, Persian ۰-۹) with inner decimal
  or thousands separators between digits ("3.5", "١٬٢٠٠");
* every punctuation character (، ؛ ؟ « » . , : ! ? ( ) " …) is a token of its own;
* an emoji is one token with its skin-tone modifier, variation selector and ZWJ-joined
  parts ("👍🏽", "👨‍👩‍👧"); a flag is one token of two regional indicators.

``cuts`` are extra positions where a token must end: callers pass the span boundaries
of the document, so that a span starting inside a word ("وبغداد" tagged on "بغداد")
splits the word there instead of being widened or narrowed to the word.

Sentences end at newlines and after ``. ! ? ؟ …`` (with any closing quote or bracket
glued to them) when whitespace follows; ``keep`` ranges of tokens are never cut.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from app.text.chars import INVISIBLE_MARKS

ZWJ = "\u200d"
ZWNJ = "\u200c"

# Invisible marks that separate tokens: everything in INVISIBLE_MARKS except the joiners,
# which belong inside words (Persian ZWNJ) and emoji sequences (ZWJ).
SEPARATOR_MARKS = frozenset(INVISIBLE_MARKS - {ZWJ, ZWNJ})

TERMINATORS = frozenset(".!?؟…。")
# Glued to a terminator ('.»', '?)', '!"'), these still end the sentence after them.
_CLOSERS = frozenset("\"'")
_NUMBER_SEPARATORS = frozenset(".,\u066b\u066c")  # . , ٫ ٬ between digits
_NEWLINES = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")

# Character kinds.
_LETTER, _DIGIT, _PUNCT, _SYMBOL, _EXTEND = range(5)


class Token(NamedTuple):
    """``text[start:end]`` of the text it was cut from (a tuple: cheap to make by millions)."""

    start: int
    end: int
    text: str


def is_separator(ch: str) -> bool:
    """Whitespace or an invisible mark: never inside a token."""
    return ch.isspace() or ch in SEPARATOR_MARKS


def strip_marks(token: str) -> str:
    """``token`` without the invisible marks that cannot be inside a token."""
    if not any(ch in SEPARATOR_MARKS for ch in token):
        return token
    return "".join(ch for ch in token if ch not in SEPARATOR_MARKS)


def _kind(ch: str) -> int:
    category = unicodedata.category(ch)
    if category[0] == "M" or category == "Cf" or "\U0001f3fb" <= ch <= "\U0001f3ff":
        # Combining marks, joiners, emoji modifiers and tag characters extend what precedes.
        return _EXTEND
    if category == "Nd":
        return _DIGIT
    if category[0] == "L" or category in ("Nl", "No"):
        return _LETTER
    if category[0] == "P":
        return _PUNCT
    return _SYMBOL  # symbols and emoji, private use, unassigned (newer emoji), controls


def _is_regional_indicator(ch: str) -> bool:
    return "\U0001f1e6" <= ch <= "\U0001f1ff"


def _word_end(chunk: str, i: int) -> int:
    j = i + 1
    while j < len(chunk) and _kind(chunk[j]) in (_LETTER, _EXTEND):
        j += 1
    return j


def _number_end(chunk: str, i: int) -> int:
    j, n = i + 1, len(chunk)
    while j < n:
        kind = _kind(chunk[j])
        if kind in (_DIGIT, _EXTEND):
            j += 1
        elif chunk[j] in _NUMBER_SEPARATORS and j + 1 < n and _kind(chunk[j + 1]) == _DIGIT:
            j += 2
        else:
            break
    return j


def _symbol_end(chunk: str, i: int) -> int:
    j, n = i + 1, len(chunk)
    if _is_regional_indicator(chunk[i]) and j < n and _is_regional_indicator(chunk[j]):
        j += 1  # a flag is two regional indicators
    while j < n:
        kind = _kind(chunk[j])
        if kind == _EXTEND or (kind == _SYMBOL and chunk[j - 1] == ZWJ):
            j += 1
        else:
            break
    return j


def _extend_end(chunk: str, i: int) -> int:
    j = i + 1
    while j < len(chunk) and _kind(chunk[j]) == _EXTEND:
        j += 1
    return j


def _split_chunk(chunk: str) -> Iterator[tuple[int, int]]:
    """Token boundaries inside one run of non-separator characters."""
    i = 0
    while i < len(chunk):
        kind = _kind(chunk[i])
        if kind in (_LETTER, _EXTEND):
            j = _word_end(chunk, i)
        elif kind == _DIGIT:
            j = _number_end(chunk, i)
        elif kind == _PUNCT:
            j = _extend_end(chunk, i)
        else:
            j = _symbol_end(chunk, i)
        yield i, j
        i = j


def _fast_class(kind: int) -> str:
    return "".join(re.escape(ch) for ch in _COMMON if not is_separator(ch) and _kind(ch) == kind)


# Text made only of Latin, Arabic and common punctuation characters (most news articles) is
# cut by one regex in C; its classes come from _kind, so both paths cut alike. Emoji and
# everything else take the per-character path, which knows ZWJ sequences and flags.
_BLOCKS = ((0x21, 0x7F), (0xA1, 0x250), (0x2010, 0x205F), (0x600, 0x700), (0x750, 0x780))
_COMMON = [chr(c) for first, last in _BLOCKS for c in range(first, last)]
_L, _D, _P, _E, _Y = (_fast_class(k) for k in (_LETTER, _DIGIT, _PUNCT, _EXTEND, _SYMBOL))
_S = "".join(re.escape(ch) for ch in sorted(_NUMBER_SEPARATORS))
_MARKS = "".join(sorted(SEPARATOR_MARKS))
_FAST_TEXT = re.compile(f"[\\s{_MARKS}{_L}{_D}{_P}{_E}{_Y}]*")
_FAST_CHUNK = re.compile(f"[{_L}{_D}{_P}{_E}{_Y}]+")
_FAST_TOKEN = re.compile(
    f"[{_L}{_E}]+|[{_D}][{_D}{_E}]*(?:[{_S}][{_D}][{_D}{_E}]*)*|[{_P}{_Y}][{_E}]*"
)
_CHUNK = re.compile(f"[^\\s{_MARKS}]+")


def _base_tokens(text: str) -> Iterator[tuple[int, int]]:
    if _FAST_TEXT.fullmatch(text):
        for token in _FAST_TOKEN.finditer(text):
            yield token.span()
        return
    for match in _CHUNK.finditer(text):
        start = match.start()
        chunk = match.group()
        if _FAST_CHUNK.fullmatch(chunk):
            for token in _FAST_TOKEN.finditer(chunk):
                yield start + token.start(), start + token.end()
        else:
            for i, j in _split_chunk(chunk):
                yield start + i, start + j


def tokenize(text: str, cuts: Iterable[int] = ()) -> list[Token]:
    """The tokens of ``text``; no token crosses a position in ``cuts``."""
    points = sorted(set(cuts))
    if not points:
        return [Token(start, end, text[start:end]) for start, end in _base_tokens(text)]
    tokens: list[Token] = []
    for start, end in _base_tokens(text):
        first = bisect_right(points, start)
        edge = start
        # Cut positions strictly inside the token split it.
        while first < len(points) and points[first] < end:
            tokens.append(Token(edge, points[first], text[edge : points[first]]))
            edge = points[first]
            first += 1
        tokens.append(Token(edge, end, text[edge:end]))
    return tokens


def _ends_sentence(token: Token, previous_ended: bool, glued: bool) -> bool:
    """Whether the sentence may end after ``token`` (given what came right before it)."""
    if token.text[0] in TERMINATORS:
        return True
    if glued and previous_ended:
        category = unicodedata.category(token.text[0])
        return category in ("Pe", "Pf") or token.text in _CLOSERS
    return False


def split_sentences(
    text: str, tokens: Sequence[Token], keep: Iterable[tuple[int, int]] = ()
) -> list[list[Token]]:
    """Group ``tokens`` of ``text`` into sentences.

    ``keep`` holds ``[first, last)`` token index ranges that must stay in one sentence
    (the spans of a token format): a break that would fall inside one is skipped.
    """
    joined = bytearray(len(tokens))  # joined[i]: tokens i and i + 1 stay together
    for first, last in keep:
        for index in range(first, last - 1):
            joined[index] = 1
    sentences: list[list[Token]] = []
    current: list[Token] = []
    ended = False
    for index, token in enumerate(tokens):
        if current:
            gap = text[current[-1].end : token.start]
            if gap == " ":  # the usual case, decided without a scan
                newline, spaced = False, True
            else:
                newline = any(ch in _NEWLINES for ch in gap)
                spaced = any(ch.isspace() for ch in gap)
            # "3.5", "U.S" and "example.com" hold a terminator but no space after it.
            if (newline or (ended and spaced)) and not joined[index - 1]:
                sentences.append(current)
                current = []
        glued = bool(current) and current[-1].end == token.start
        ended = _ends_sentence(token, ended, glued)
        current.append(token)
    if current:
        sentences.append(current)
    return sentences


# What a writer needs to cut whole documents in C the same way (app.formats.conll_fast):
# the regexes of the common-character path and the kinds of those characters.
FAST_TEXT = _FAST_TEXT  # fullmatch: the text takes the regex path
FAST_TOKEN = _FAST_TOKEN  # its tokens
# The pattern of the same tokens, except that letter tokens with spaces between them are
# one match ("ab cd", where FAST_TOKEN finds "ab" and "cd"; callers check for a double
# space): a writer that puts a line end after each token replaces those spaces in C, where
# making one string per token took most of its time.
FAST_TOKEN_RUNS = (
    f"[{_L}{_E}](?:[{_L}{_E} ]*[{_L}{_E}])?|[{_D}][{_D}{_E}]*(?:[{_S}][{_D}][{_D}{_E}]*)*"
    f"|[{_P}{_Y}][{_E}]*"
)
CLOSERS = _CLOSERS
NEWLINES = _NEWLINES
NUMBER_SEPARATORS = _NUMBER_SEPARATORS
COMMON_LETTERS = frozenset(ch for ch in _COMMON if _kind(ch) == _LETTER)
COMMON_DIGITS = frozenset(ch for ch in _COMMON if _kind(ch) == _DIGIT)
COMMON_EXTENDS = frozenset(ch for ch in _COMMON if _kind(ch) == _EXTEND)
COMMON_CLOSERS = frozenset(ch for ch in _COMMON if unicodedata.category(ch) in ("Pe", "Pf"))
COMMON_CHARS = frozenset(ch for ch in _COMMON if not is_separator(ch))
