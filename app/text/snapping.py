"""Selection snapping (DESIGN §3.6): what a mouse selection most likely meant.

The rules only ever shrink a selection (never grow it past what the user marked), except
to keep combining marks with their letter: a span never splits a letter from its harakat.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from app.text.chars import PROCLITICS, is_edge_junk, is_mark, is_word_char

# Labels whose spans are names, where a proclitic is not part of the name.
NAME_LABELS = frozenset({"ACTOR", "LOCATION"})
ARTICLE = "ال"


@dataclass(frozen=True)
class SnapOptions:
    strip_proclitics: bool = True
    name_labels: frozenset[str] = NAME_LABELS


def snap(
    text: str,
    start: int,
    end: int,
    label: str | None = None,
    known_names: Collection[str] = (),
    options: SnapOptions = SnapOptions(),
) -> tuple[int, int]:
    """Snap ``[start, end)``; returns the same range when nothing is left of it."""
    low, high = sorted((start, end))
    start, end = min(max(0, low), len(text)), min(max(0, high), len(text))
    s, e = _keep_marks_with_letters(text, start, end)
    # A mark whose letter was trimmed (tatweel + fatha, '.' + tanwin) goes with it.
    while s < e and (is_edge_junk(text[s]) or is_mark(text[s])):
        s += 1
    while e > s:
        base = e - 1
        while base > s and is_mark(text[base]):
            base -= 1
        if not is_edge_junk(text[base]):
            break
        e = base
    if s >= e:
        return start, end
    if options.strip_proclitics and label in options.name_labels:
        s = _strip_proclitic(text, s, e, known_names)
    return s, e


def _keep_marks_with_letters(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and start < len(text) and is_mark(text[start]):
        start -= 1
    while end < len(text) and is_mark(text[end]):
        end += 1
    return start, end


def _strip_proclitic(text: str, s: int, e: int, known_names: Collection[str]) -> int:
    """Leave out a one-letter proclitic only where it is certain (see DESIGN §3.6)."""
    at_word_start = s == 0 or not is_word_char(text[s - 1])
    if not at_word_start or text[s] not in PROCLITICS:
        return s
    whole = text[s:e]
    if whole in known_names:
        return s  # 'بغداد' is a name even though 'ب' can be a proclitic
    for skip in (1, 2):  # و+ب+ال in 'وبالرقة'
        rest_start = s + skip
        if rest_start >= e:
            break
        # Two proclitics are wa/fa then bi/ka/li ('وبالرقة'); 'كوالالمبور' is a name.
        if skip == 2 and (text[s] not in "وف" or text[s + 1] not in "بكل"):
            break
        rest = text[rest_start:e]
        word = rest.split(None, 1)[0] if rest.split() else ""
        if word.startswith(ARTICLE) and sum(ch.isalpha() for ch in word) >= 4:
            return rest_start
        if skip == 1 and rest in known_names:
            return rest_start
    return s
