"""Search folding (DESIGN §3.7): a copy of the text to match on, with a map back.

Storage never folds; find and "annotate all occurrences" match on the folded copy and map
every hit back to exact offsets in the canonical text. Folding is one character at a time:

- dropped: combining marks (harakat, shadda, sukun, superscript alef, Quranic marks),
  tatweel, bidi controls and zero-width characters;
- أ إ آ ٱ → ا, ى → ي, ة → ه;
- Eastern Arabic (٠-٩) and Persian (۰-۹) digits → 0-9;
- ASCII capitals → small letters (Latin names in Arabic news: 'ISIS', 'isis').

Because each kept character folds to exactly one character, the map is a plain list: the
folded index ``i`` came from original index ``to_original[i]``, and ``to_original`` ends
with ``len(original)`` so a hit ending at the end of the folded text maps too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

from app.text.chars import INVISIBLE_MARKS, TATWEEL, is_mark

_REPLACED: dict[str, str] = {
    "\u0623": "\u0627",  # أ
    "\u0625": "\u0627",  # إ
    "\u0622": "\u0627",  # آ
    "\u0671": "\u0627",  # ٱ (alef wasla)
    "\u0649": "\u064a",  # ى → ي
    "\u0629": "\u0647",  # ة → ه
}
_REPLACED.update({chr(0x0660 + d): str(d) for d in range(10)})  # Eastern Arabic digits
_REPLACED.update({chr(0x06F0 + d): str(d) for d in range(10)})  # Persian digits
_REPLACED.update({chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)})


class _Tables(NamedTuple):
    dropped: str  # every character folding drops
    table: dict[int, str | None]  # for str.translate
    dropped_run: re.Pattern[str]


@cache
def _tables() -> _Tables:
    """Built on the first fold, not at import: scanning the BMP for combining marks takes
    ~15 ms, which the app's start-up (that imports this module) must not pay."""
    # The BMP holds every mark Arabic text uses (and the Latin accents).
    marks = "".join(chr(c) for c in range(0x10000) if is_mark(chr(c)))
    dropped = marks + TATWEEL + "".join(sorted(INVISIBLE_MARKS))
    table: dict[int, str | None] = {ord(k): v for k, v in _REPLACED.items()}
    table.update({ord(ch): None for ch in dropped})
    return _Tables(dropped, table, re.compile("[" + re.escape(dropped) + "]+"))


@dataclass(frozen=True)
class Folded:
    """The folded copy of a text and, for each folded index, the original index.

    ``original`` is the text that was folded (kept to find the harakat after a hit's last
    letter; it is the same string object, not a copy).
    """

    text: str
    to_original: list[int] = field(repr=False)
    original: str = field(default="", repr=False)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original ``[start, end)`` covered by the folded ``[start, end)``.

        The end takes the combining marks after the last letter with it, so a span never
        splits a letter from its harakat; dropped characters before the first letter and
        the tatweel or bidi marks after the last one stay outside.
        """
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"folded span [{start}, {end}) outside 0..{len(self.text)}")
        original_start = self.to_original[start]
        if start == end:
            return original_start, original_start
        original_end = self.to_original[end - 1] + 1
        limit = min(self.to_original[end], len(self.original))
        while original_end < limit and is_mark(self.original[original_end]):
            original_end += 1
        return original_start, original_end


def fold_text(text: str) -> str:
    """Only the folded string, for counting and filtering without offsets."""
    return text.translate(_tables().table)


def unfolded_pattern(folded: str) -> str:
    """A regex source matching every original stretch that folds to ``folded``.

    Between and after its characters any dropped ones may stand, and each character may be
    any of those that fold to it. Searching the original text with it tells, without
    folding, whether a text holds ``folded`` at all: a quick filter for corpus searches.
    """
    sources: dict[str, list[str]] = {}
    for original, replacement in _REPLACED.items():
        sources.setdefault(replacement, []).append(original)
    between = f"[{re.escape(_tables().dropped)}]*"
    parts = []
    for ch in folded:
        if ch.isspace():
            parts.append(r"\s")
        else:
            parts.append("[" + re.escape(ch + "".join(sources.get(ch, ()))) + "]")
    return between.join(parts)


def fold(text: str) -> Folded:
    """Fold ``text`` for searching, keeping the map back to original offsets."""
    tables = _tables()
    folded = text.translate(tables.table)
    if len(folded) == len(text):
        to_original = list(range(len(text) + 1))
    else:
        to_original = []
        kept_from = 0
        for run in tables.dropped_run.finditer(text):
            to_original.extend(range(kept_from, run.start()))
            kept_from = run.end()
        to_original.extend(range(kept_from, len(text)))
        to_original.append(len(text))
    return Folded(text=folded, to_original=to_original, original=text)
