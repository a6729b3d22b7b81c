"""All suggestions for a document: the three sources merged into one non-overlapping list.

Merging rule (``merge``): exact duplicates (same start, end and label) are kept once; then,
where suggestions overlap, the longer one wins ('تشرين الثاني/نوفمبر' over 'نوفمبر'); of
two of the same length the source that reads context wins: casualties, then dates, then
gazetteer (a number next to 'قتل' is a count even if some layer once tagged that word as
a name). The result is sorted by (start, end, label) and never overlaps, so the article
view can paint each suggestion as one stretch and a key acts on one suggestion.

For an annotator, ``visible`` keeps the suggestions that overlap none of their spans and
that they have not rejected: once a stretch is tagged, suggesting it again is noise.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Collection, Iterable, Sequence
from typing import TYPE_CHECKING

from app.assist.casualties import find_casualty_counts
from app.assist.dates import find_dates
from app.assist.gazetteer import Gazetteer, find_names
from app.assist.suggestion import Suggestion
from storage.suggestion_rejections import SuggestionRejectionStore

if TYPE_CHECKING:
    from storage import Project

CASUALTIES, DATES, GAZETTEER = "casualties", "dates", "gazetteer"
ALL_SOURCES: tuple[str, ...] = (CASUALTIES, DATES, GAZETTEER)  # also the priority order

Key = tuple[int, int, str]  # (start, end, label): what a rejection names


def suggest_document(
    text: str,
    published: str | None,
    gazetteer: Gazetteer | None,
    sources: Collection[str] = ALL_SOURCES,
) -> list[Suggestion]:
    """The suggestions of the chosen ``sources`` over ``text``, merged (see module doc)."""
    unknown = set(sources) - set(ALL_SOURCES)
    if unknown:
        raise ValueError(f"unknown suggestion sources: {', '.join(sorted(unknown))}")
    found: list[Suggestion] = []
    if CASUALTIES in sources:
        found.extend(find_casualty_counts(text))
    if DATES in sources:
        found.extend(find_dates(text, published or None))
    if GAZETTEER in sources and gazetteer is not None:
        found.extend(find_names(text, gazetteer))
    return merge(found)


def merge(found: Iterable[Suggestion]) -> list[Suggestion]:
    """Drop exact duplicates, resolve overlaps (longest, then source priority), sort."""
    priority = {source: rank for rank, source in enumerate(ALL_SOURCES)}
    ordered = sorted(
        found,
        key=lambda s: (-(s.end - s.start), priority.get(s.source, len(ALL_SOURCES)), s.start),
    )
    starts: list[int] = []  # kept suggestions, sorted by start: they never overlap
    kept: list[Suggestion] = []
    for suggestion in ordered:
        if suggestion.start >= suggestion.end:
            continue
        row = bisect_left(starts, suggestion.start)
        if row > 0 and kept[row - 1].end > suggestion.start:
            continue  # overlaps the one before it
        if row < len(kept) and kept[row].start < suggestion.end:
            continue  # overlaps the one after it (or is a duplicate)
        starts.insert(row, suggestion.start)
        kept.insert(row, suggestion)
    return kept


def merge_into(merged: Sequence[Suggestion], extra: Sequence[Suggestion]) -> list[Suggestion]:
    """``merge([*merged, *extra])`` for ``merged`` already merged, touching only what
    ``extra`` overlaps (a name just tagged, looked for in an article of thousands of
    suggestions). The same result: a suggestion of ``merged`` that overlaps nothing of
    ``extra`` overlaps nothing at all, so the greedy choice of :func:`merge` never
    involves it."""
    if not extra:
        return list(merged)
    starts = [s.start for s in merged]
    ends = [s.end for s in merged]  # ascending too: merged suggestions never overlap
    touched: set[int] = set()
    for suggestion in extra:
        first = bisect_right(ends, suggestion.start)
        touched.update(range(first, bisect_left(starts, suggestion.end)))
    local = merge([*(merged[row] for row in touched), *extra])
    result = list(merged)
    for row in sorted(touched, reverse=True):
        del result[row]
    for suggestion in local:  # a few: each found by bisection, not by sorting them all
        insort(result, suggestion, key=_start)
    return result


def _start(suggestion: Suggestion) -> int:
    return suggestion.start


def visible(
    suggestions: Sequence[Suggestion],
    spans: Iterable[tuple[int, int]],
    rejected: Collection[Key] = (),
) -> list[Suggestion]:
    """The suggestions overlapping none of ``spans`` ([start, end) pairs) nor rejected."""
    covered = sorted(spans)
    ends: list[int] = []  # running maximum of span ends, for the bisection below
    for _start, end in covered:
        ends.append(max(end, ends[-1]) if ends else end)
    starts = [start for start, _end in covered]
    result = []
    for suggestion in suggestions:
        if (suggestion.start, suggestion.end, suggestion.label) in rejected:
            continue
        # Spans starting before the suggestion's end; the furthest end among them decides.
        row = bisect_left(starts, suggestion.end)
        if row and ends[row - 1] > suggestion.start:
            continue
        result.append(suggestion)
    return result


def suggest_for_layer(
    project: Project,
    annotator: str,
    document_id: int,
    gazetteer: Gazetteer | None = None,
    sources: Collection[str] = ALL_SOURCES,
) -> list[Suggestion]:
    """What ``annotator`` is shown on one document: the document's suggestions minus those
    overlapping their spans or rejected by them. Without a ``gazetteer`` one is built from
    every layer of the project."""
    document = project.documents.get(document_id)
    if document is None:
        return []
    if gazetteer is None and GAZETTEER in sources:
        gazetteer = Gazetteer.from_project(project)
    found = suggest_document(document.text, document.published, gazetteer, sources)
    layer = project.annotator(annotator)
    spans = [(row[1], row[2]) for row in project.spans.layer_rows(document_id, layer.id)]
    rejected = SuggestionRejectionStore(project).keys(document_id, layer.id)
    return visible(found, spans, rejected)


__all__ = [
    "ALL_SOURCES",
    "CASUALTIES",
    "DATES",
    "GAZETTEER",
    "Key",
    "merge",
    "suggest_document",
    "suggest_for_layer",
    "visible",
]
