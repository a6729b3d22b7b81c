"""Gazetteer suggestions: names the project has already tagged as ACTOR or LOCATION.

Every ACTOR/LOCATION span text becomes a name. Names are kept folded (app.text.folding:
no harakat or tatweel, أإآ→ا, ى→ي, ة→ه) as a sequence of words, and matched on the folded
text of a document with the rules of app.core.search:

- whole words only: 'حلب' is not found in 'حلبة';
- one or two one-letter proclitics are optional before the first word ('بدير الزور',
  'وبدير الزور'), and the hit covers the name without them;
- runs of whitespace between words match any run of whitespace; other separators
  ('-', '/') must be the same.

Rules chosen here:

- a name's ends are trimmed of whatever is not a letter or digit ('📍 غزة' → 'غزة',
  'المرصد،' → 'المرصد'), since a hit has to begin and end on a word;
- names with fewer than 2 letters after folding are ignored (a single letter is noise);
- a folded name tagged with both labels takes the label it was tagged with most often; a
  tie goes to the label that comes first alphabetically (ACTOR), so the result never
  depends on row order;
- at one place the longest name wins ('دير الزور' over 'دير'); a name read whole from the
  word start beats one read after a proclitic of the same end ('بغداد' over 'غداد'), and
  hits never overlap (the scan continues after a hit's last word).

Matching is a dictionary lookup per word of the text (names indexed by their first word),
so it costs the same with 50 names as with 50,000; a handful of names (one just tagged) is
looked for by searching the folded text for their first words, a millisecond on 200,000
characters once the text is prepared (:func:`prepare`).
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right, insort
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING

from app.assist.suggestion import Suggestion
from app.text.folding import Folded, fold, fold_text

if TYPE_CHECKING:
    from storage import Project

SOURCE = "gazetteer"
LABELS = ("ACTOR", "LOCATION")

_WORD = re.compile(r"\w+")
_TWO_LETTERS = re.compile(r"[^\W\d_].*?[^\W\d_]", re.DOTALL)  # a name needs 2 letters
_SPACES = re.compile(r"\s+")
_PROCLITICS = "وفبلك"
_FIRST_OF_TWO = "وف"  # wa/fa may precede bi/ka/li: 'وبدير'
_SECOND_OF_TWO = "بلك"


_UNSEEN = object()
_PAUSE_EVERY = 64  # names between two pauses of from_counts: about a millisecond

NameCount = tuple[str, str, int]  # (span text, label, how many spans)


def name_counts(project: Project, annotators: Sequence[str] | None = None) -> list[NameCount]:
    """Every distinct (text, label) of the project's ACTOR/LOCATION spans (of these
    layers, when given) with its number of spans: one grouped query.

    Its rows come back as one JSON array: SQLite does the whole query in one step, with
    Python's interpreter lock released, where row by row it would take the lock back
    5,960 times (the bench's million spans), each time from the window's thread when the
    gazetteer is built on another (app.ui.gazetteer_loader)."""
    if annotators is not None and not annotators:
        return []
    grouped = (
        "SELECT s.text AS text, s.label AS label, count(*) AS n FROM spans s"
        " WHERE s.label IN ('ACTOR', 'LOCATION')"
    )
    params: tuple[str, ...] = ()
    if annotators is not None:
        params = tuple(annotators)
        marks = ", ".join("?" * len(params))
        grouped += f" AND s.annotator_id IN (SELECT id FROM annotators WHERE name IN ({marks}))"
    grouped += " GROUP BY s.text, s.label"
    sql = f"SELECT json_group_array(json_array(text, label, n)) FROM ({grouped})"
    (array,) = project.conn.execute(sql, params).fetchone()
    return [(str(text), str(label), int(n)) for text, label, n in json.loads(array)]


@dataclass(frozen=True)
class _Name:
    words: tuple[str, ...]
    separators: tuple[str, ...]  # between consecutive words; whitespace runs as " "


@dataclass
class Gazetteer:
    """Folded names with their label, indexed by first word. Build it with
    :func:`build_gazetteer` or :meth:`from_project`; :meth:`add` keeps it current."""

    _counts: dict[str, Counter[str]] = field(default_factory=dict)
    _labels: dict[str, str] = field(default_factory=dict)  # folded key → majority label
    _by_first: dict[str, list[_Name]] = field(default_factory=dict)  # longest first

    def __len__(self) -> int:
        return len(self._labels)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and _key(name) in self._labels

    def label_of(self, name: str) -> str | None:
        """The label a name (any spelling that folds the same) would be suggested with."""
        return self._labels.get(_key(name))

    def names(self) -> dict[str, str]:
        """Every folded name and its label."""
        return dict(self._labels)

    def add(self, text: str, label: str, count: int = 1) -> bool:
        """Count ``text`` tagged ``count`` times as ``label``; False when it is no name
        (another label, or too short)."""
        if label not in LABELS:
            return False
        name = _parse(text)
        if name is None:
            return False
        self._count(name, label, count)
        return True

    def _count(self, name: _Name, label: str, count: int) -> None:
        key = _join(name)
        counts = self._counts.get(key)
        if counts is None:
            counts = self._counts[key] = Counter()
            # A new sorted list, never one sorted in place: a reader in another thread
            # (the article view computes long articles off the UI thread) sees the old
            # list or the new one, whole.
            # Inserted after the names as long as it (by bisection: sorting the bucket
            # again on every name made a project's names quadratic to load).
            bucket = list(self._by_first.get(name.words[0], ()))
            insort(bucket, name, key=_fewer_words_last)
            self._by_first[name.words[0]] = bucket
        counts[label] += count
        self._labels[key] = min(counts, key=lambda lab: (-counts[lab], lab))

    @classmethod
    def from_project(cls, project: Project, annotators: Sequence[str] | None = None) -> Gazetteer:
        """Every ACTOR/LOCATION span text in the project (of these layers, when given)."""
        return cls.from_counts(name_counts(project, annotators))

    @classmethod
    def from_counts(
        cls, counts: Iterable[NameCount], pause: Callable[[], None] | None = None
    ) -> Gazetteer:
        """The gazetteer of (span text, label, times tagged) rows, each text folded once.

        ``pause`` is called every few dozen names: a thread building it there gives the
        interpreter lock back to the window's thread (else held 5 ms at a time)."""
        gazetteer = cls()
        parsed: dict[str, _Name | None] = {}  # a text tagged with both labels is read once
        for position, (text, label, count) in enumerate(counts):
            if pause is not None and position % _PAUSE_EVERY == 0:
                pause()
            name = parsed.get(text, _UNSEEN)
            if name is _UNSEEN:
                name = parsed[text] = _parse(text)
            if isinstance(name, _Name):
                gazetteer._count(name, label, count)
        return gazetteer

    def _candidates(self, first_word: str) -> list[_Name]:
        return self._by_first.get(first_word, [])


def _fewer_words_last(name: _Name) -> int:
    return -len(name.words)


def build_gazetteer(entries: Iterable[tuple[str, str]]) -> Gazetteer:
    """A gazetteer of (span text, label) pairs; other labels than ACTOR/LOCATION are skipped."""
    gazetteer = Gazetteer()
    for text, label in entries:
        gazetteer.add(text, label)
    return gazetteer


@dataclass(frozen=True)
class PreparedText:
    """A text folded and cut into words once, for looking names up in it many times (the
    open article, where each newly tagged name is looked for at once)."""

    folded: Folded
    words: list[tuple[int, int]]  # folded offsets of each word
    word_starts: list[int]


def prepare(text: str) -> PreparedText:
    folded = fold(text)
    words = [(m.start(), m.end()) for m in _WORD.finditer(folded.text)]
    return PreparedText(folded, words, [start for start, _ in words])


# A gazetteer with at most this many distinct first words is looked up by searching the
# text for those words first; a bigger one visits every word (one dictionary lookup each).
_FEW_FIRST_WORDS = 64


def find_names(
    text: str, gazetteer: Gazetteer, prepared: PreparedText | None = None
) -> list[Suggestion]:
    """Every known name in ``text`` as code point spans, left to right, never overlapping.

    ``prepared`` is ``prepare(text)`` kept from an earlier call on the same text."""
    if not len(gazetteer):
        return []
    prepared = prepared or prepare(text)
    folded, words = prepared.folded, prepared.words
    found: list[Suggestion] = []
    following = 0  # the first word a new name may start at (names never overlap)
    for index in _starts_to_visit(prepared, gazetteer):
        if index < following:
            continue
        hit = _longest_at(folded.text, words, index, gazetteer)
        if hit is None:
            continue
        start, end, last, label = hit
        original_start, original_end = folded.original_span(start, end)
        found.append(Suggestion(original_start, original_end, label, {}, SOURCE))
        following = last + 1
    return found


def _starts_to_visit(prepared: PreparedText, gazetteer: Gazetteer) -> Iterable[int]:
    """The word indexes where a name may start, in order: every word, or, for a gazetteer
    of few first words, only the words holding one of them after 0–2 letters (the
    proclitics :func:`_longest_at` may skip); every other word cannot start a name."""
    firsts = gazetteer._by_first
    if len(firsts) > _FEW_FIRST_WORDS:
        return range(len(prepared.words))
    # A lookahead finds every position, overlapping ones too.
    alternatives = "|".join(re.escape(w) for w in sorted(firsts, key=len, reverse=True))
    pattern = re.compile(f"(?=(?:{alternatives}))")
    starts, words = prepared.word_starts, prepared.words
    indexes: list[int] = []
    for match in pattern.finditer(prepared.folded.text):
        position = match.start()
        index = bisect_right(starts, position) - 1
        inside = index >= 0 and position - words[index][0] <= 2 and position < words[index][1]
        if inside and (not indexes or indexes[-1] != index):
            indexes.append(index)
    return indexes


def _longest_at(
    folded: str, words: list[tuple[int, int]], index: int, gazetteer: Gazetteer
) -> tuple[int, int, int, str] | None:
    """The longest name starting at word ``index`` (after optional proclitics): folded
    start, end, index of its last word and label."""
    word_start, word_end = words[index]
    first = folded[word_start:word_end]
    best: tuple[int, int, int, str] | None = None
    for skip in _proclitic_lengths(first):
        for name in gazetteer._candidates(first[skip:]):
            last = _match_rest(folded, words, index, name)
            if last is not None and (best is None or words[last][1] > best[1]):
                label = gazetteer._labels[_join(name)]
                best = (word_start + skip, words[last][1], last, label)
                break  # candidates are longest first: the rest are shorter
    return best


def _proclitic_lengths(word: str) -> list[int]:
    """How many leading letters may be proclitics: 0 always, then 1 and 2 where they fit."""
    lengths = [0]
    if len(word) > 1 and word[0] in _PROCLITICS:
        lengths.append(1)
        if len(word) > 2 and word[0] in _FIRST_OF_TWO and word[1] in _SECOND_OF_TWO:
            lengths.append(2)
    return lengths


def _match_rest(folded: str, words: list[tuple[int, int]], index: int, name: _Name) -> int | None:
    """The index of the text's word matching the name's last word, or None."""
    last = index + len(name.words) - 1
    if last >= len(words):
        return None
    for offset in range(1, len(name.words)):
        previous_end = words[index + offset - 1][1]
        start, end = words[index + offset]
        if folded[start:end] != name.words[offset]:
            return None
        if _SPACES.sub(" ", folded[previous_end:start]) != name.separators[offset - 1]:
            return None
    return last


def _parse(text: str) -> _Name | None:
    folded = fold_text(text)
    matches = list(_WORD.finditer(folded))
    words = tuple(m.group() for m in matches)
    if not _TWO_LETTERS.search(folded):
        return None
    separators = tuple(_SPACES.sub(" ", folded[a.end() : b.start()]) for a, b in pairwise(matches))
    return _Name(words, separators)


def _join(name: _Name) -> str:
    parts = [name.words[0]]
    for separator, word in zip(name.separators, name.words[1:], strict=True):
        parts.extend((separator, word))
    return "".join(parts)


def _key(text: str) -> str:
    name = _parse(text)
    return "" if name is None else _join(name)


__all__ = [
    "LABELS",
    "SOURCE",
    "Gazetteer",
    "PreparedText",
    "build_gazetteer",
    "find_names",
    "prepare",
]
