"""Character classes that decide where a span may begin and end."""

from __future__ import annotations

import unicodedata

TATWEEL = "\u0640"

# Bidi controls and zero-width characters: invisible, so never the edge of a span.
INVISIBLE_MARKS = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e"
    "\u2066\u2067\u2068\u2069\ufeff\u2060"
)

# Punctuation trimmed from selection edges (DESIGN §3.6), Arabic and Latin.
EDGE_PUNCTUATION = frozenset("،؛؟.,:;!?«»\"'()[]{}“”‘’-–—…/\\٪%*")

# Letters that can be a one-letter proclitic (wa, fa, bi, li, ka).
PROCLITICS = frozenset("وفبلك")


def is_mark(ch: str) -> bool:
    """A combining mark (harakat, shadda, superscript alef…): belongs to the letter before it."""
    return unicodedata.category(ch) in ("Mn", "Me")


def is_edge_junk(ch: str) -> bool:
    """Characters a selection is trimmed of at both ends."""
    return (
        ch.isspace()
        or ch == TATWEEL
        or ch in INVISIBLE_MARKS
        or ch in EDGE_PUNCTUATION
        or unicodedata.category(ch).startswith("P")
    )


def is_arabic_letter(ch: str) -> bool:
    return ("\u0620" <= ch <= "\u064a") or ("\u066e" <= ch <= "\u06d3") or ch == "\u06d5"


def is_word_char(ch: str) -> bool:
    return ch.isalnum() or is_mark(ch) or ch == TATWEEL
