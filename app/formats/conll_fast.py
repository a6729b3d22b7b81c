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
from bisect import bisect_right
from collections.abc import Sequence

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
_NEWLINE_CHARS = frozenset(NEWLINES)
# A character the tokenizer's regex does not know (an emoji, a rare script): the text
# around it is cut by the careful tokenizer.
_UNCOMMON = re.compile(f"[^{_SEPARATOR[1:-1]}{_class(COMMON_CHARS)}]")
# After these, an unknown character could continue a sentence end that the regexes above
# would then not see (a terminator with an unusual mark, a rare closing bracket).
_RISKY_BEFORE = TERMINATORS | CLOSERS | COMMON_CLOSERS | COMMON_EXTENDS


def _is_separator(ch: str) -> bool:
    return ch.isspace() or ch in SEPARATOR_MARKS


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
    in_number = COMMON_DIGITS | COMMON_EXTENDS
    return not (
        (after in NUMBER_SEPARATORS and before in in_number)
        or (before in NUMBER_SEPARATORS and after in in_number)
        # "1|َ1", ":|َا": the careful path's piece after the cut ends where the number or
        # the punctuation mark did; the regex would read a word instead
        or (after in COMMON_EXTENDS and before not in COMMON_LETTERS)
    )


def _simple_spans(text: str, spans: Sequence[Span]) -> bool:
    previous_end = 0
    for span in spans:
        if span.start < previous_end:
            return False
        if _is_separator(text[span.start]) or _is_separator(text[span.end - 1]):
            return False
        if not (_safe_cut(text, span.start) and _safe_cut(text, span.end)):
            return False
        if any(ch in _NEWLINE_CHARS for ch in text[span.start : span.end]):
            return False
        previous_end = span.end
    return True


def _breaks(text: str, spans: Sequence[Span]) -> list[tuple[int, int]]:
    """Sentence breaks as gaps ``[start, end)`` between two tokens, outside every span."""
    gaps: dict[int, int] = {}
    for newline in _NEWLINE.finditer(text):
        start = newline.start()
        while start > 0 and _is_separator(text[start - 1]):
            start -= 1
        if start not in gaps:
            gaps[start] = _SEPARATORS.match(text, newline.end()).end()  # type: ignore[union-attr]
    for match in _ENDED_GAP.finditer(text):
        gaps.setdefault(match.start(1), match.end(1))
    starts = [span.start for span in spans]
    breaks = []
    for start in sorted(gaps):
        end = gaps[start]
        if start == 0 or end == len(text):
            continue  # no token before or after it: not between two tokens
        inside = bisect_right(starts, start) - 1
        if inside >= 0 and end <= spans[inside].end:
            continue  # a sentence never breaks inside a span
        breaks.append((start, end))
    return breaks


def _safe_unknowns(text: str) -> bool | None:
    """None: no unknown character; True: only where the regexes still find every
    sentence end; False: the careful path must decide."""
    found = False
    for match in _UNCOMMON.finditer(text):
        found = True
        position = match.start()
        ch = text[position]
        if ch in TERMINATORS or ch in CLOSERS or (position and text[position - 1] in _RISKY_BEFORE):
            return False
        if unicodedata.category(ch) in ("Pe", "Pf"):
            return False
    return True if found else None


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


def fast_conll_lines(text: str, spans: Sequence[Span], scheme: str, separator: str) -> str | None:
    """The document's token lines with a blank line after each sentence, or None when
    the document needs :func:`app.formats.conll.plan_document`. ``spans`` are sorted by
    start."""
    from app.formats.conll import entity_tags

    plain = FAST_TEXT.fullmatch(text) is not None
    if not plain and _safe_unknowns(text) is False:
        return None
    if not _simple_spans(text, spans):
        return None
    outside = f"{separator}O\n"
    pieces: list[str] = []
    next_span = 0
    position = 0
    breaks = _breaks(text, spans)
    breaks.append((len(text), len(text)))
    wrote_any = False
    for sentence_end, resume in breaks:
        while position < sentence_end:
            if next_span < len(spans) and spans[next_span].start < sentence_end:
                span = spans[next_span]
                stretch_end = span.start
            else:
                span = None
                stretch_end = sentence_end
            tokens = _tokens(text, position, stretch_end, plain)
            if tokens:
                pieces.append(outside.join(tokens))
                pieces.append(outside)
            if span is None:
                position = sentence_end
                break
            tokens = _tokens(text, span.start, span.end, plain)
            tags = entity_tags(span.label, len(tokens), scheme)
            pieces.extend(
                f"{token}{separator}{tag}\n" for token, tag in zip(tokens, tags, strict=True)
            )
            position = span.end
            next_span += 1
        if pieces and pieces[-1] != "\n":
            pieces.append("\n")
            wrote_any = True
        position = resume
    return "".join(pieces) if wrote_any else None
