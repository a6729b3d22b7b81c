"""Precision and recall of each suggestion source on the held-out sample (issue 5).

    python -m tests.eval.measure_suggestions

prints the table that README.md shows. Each source runs alone, as the real app.assist
functions: casualties (``find_casualty_counts``), dates (``find_dates`` with the item's
publication date) and the gazetteer (``find_names``), measured leave-one-item-out — its
gazetteer is built from the gold ACTOR/LOCATION spans of every *other* item, the realistic
case of names an annotator has already tagged elsewhere. "all" is ``suggest_document``
with the three merged.

- exact: a suggestion is right when a gold span has its start, end and label;
- overlap: a suggestion is right when it overlaps a gold span of its label, and a gold
  span is found when a suggestion of its label overlaps it;
- values: on gold spans that carry a ``value`` and are overlapped by a suggestion of their
  label, how often the suggestion's ``value`` equals it. "autofill" is the same check on
  the values app.assist.autofill gives the gold spans' own text (a span tagged by hand).

The sample was written before these recognizers were run on it: do not tune them on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from app.assist.autofill import auto_attributes
from app.assist.casualties import find_casualty_counts
from app.assist.dates import find_dates
from app.assist.gazetteer import build_gazetteer, find_names
from app.assist.suggest import suggest_document
from app.assist.suggestion import Suggestion
from tests.eval.heldout import GoldSpan, Item, load_sample

NAME_LABELS = ("ACTOR", "LOCATION")
ROWS: tuple[tuple[str, str], ...] = (
    ("casualties", "CASUALTY_COUNT"),
    ("dates", "DATE"),
    ("gazetteer", "ACTOR"),
    ("gazetteer", "LOCATION"),
    ("all", "CASUALTY_COUNT"),
    ("all", "DATE"),
    ("all", "ACTOR"),
    ("all", "LOCATION"),
)
Source = Callable[[Item, Sequence[Item]], list[Suggestion]]


@dataclass
class Scores:
    gold: int = 0
    suggested: int = 0
    exact: int = 0  # suggestions equal to a gold span
    overlap_right: int = 0  # suggestions overlapping a gold span of their label
    overlap_found: int = 0  # gold spans overlapped by a suggestion of their label
    values_compared: int = 0
    values_right: int = 0

    def add(self, other: Scores) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _overlaps(a: GoldSpan, b: Suggestion) -> bool:
    return a.start < b.end and b.start < a.end


def score(gold: Iterable[GoldSpan], suggested: Iterable[Suggestion], label: str) -> Scores:
    """One document's scores for one label."""
    golds = [g for g in gold if g.label == label]
    suggestions = [s for s in suggested if s.label == label]
    exact_keys = {(g.start, g.end) for g in golds}
    result = Scores(gold=len(golds), suggested=len(suggestions))
    result.exact = sum((s.start, s.end) in exact_keys for s in suggestions)
    result.overlap_right = sum(any(_overlaps(g, s) for g in golds) for s in suggestions)
    for g in golds:
        hits = [s for s in suggestions if _overlaps(g, s)]
        if not hits:
            continue
        result.overlap_found += 1
        if "value" in g.attrs:
            best = max(hits, key=lambda s: min(s.end, g.end) - max(s.start, g.start))
            result.values_compared += 1
            result.values_right += best.attrs.get("value") == g.attrs["value"]
    return result


def _gazetteer(item: Item, items: Sequence[Item]) -> list[Suggestion]:
    """Names tagged in every other item (leave-one-item-out)."""
    entries = [
        (span.text, span.label)
        for other in items
        if other.id != item.id
        for span in other.spans
        if span.label in NAME_LABELS
    ]
    return find_names(item.text, build_gazetteer(entries))


def _all(item: Item, items: Sequence[Item]) -> list[Suggestion]:
    entries = [
        (span.text, span.label)
        for other in items
        if other.id != item.id
        for span in other.spans
        if span.label in NAME_LABELS
    ]
    return suggest_document(item.text, item.published, build_gazetteer(entries))


SOURCES: dict[str, Source] = {
    "casualties": lambda item, _items: find_casualty_counts(item.text),
    "dates": lambda item, _items: find_dates(item.text, item.published),
    "gazetteer": _gazetteer,
    "all": _all,
}


def measure(items: Sequence[Item], sources: dict[str, Source] = SOURCES) -> dict[str, Scores]:
    """Scores per table row ('casualties CASUALTY_COUNT', …), summed over the items."""
    results = {f"{source} {label}": Scores() for source, label in ROWS if source in sources}
    for item in items:
        for source, run in sources.items():
            suggestions = run(item, items)
            for label in {label for s, label in ROWS if s == source}:
                results[f"{source} {label}"].add(score(item.spans, suggestions, label))
    return results


def autofill_values(items: Sequence[Item]) -> dict[str, tuple[int, int]]:
    """(right, compared) per label: app.assist.autofill on the gold spans' own text."""
    counts: dict[str, tuple[int, int]] = {}
    for label in ("CASUALTY_COUNT", "DATE"):
        right = compared = 0
        for item in items:
            for span in item.spans:
                if span.label == label and "value" in span.attrs:
                    compared += 1
                    auto = auto_attributes(label, span.text, item.published)
                    right += auto.get("value") == span.attrs["value"]
        counts[label] = (right, compared)
    return counts


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.2f}" if whole else "–"


def render(results: dict[str, Scores], autofill: dict[str, tuple[int, int]]) -> str:
    """The Markdown table README.md shows."""
    lines = [
        "| source | label | gold | suggested | P exact | R exact | P overlap | R overlap "
        "| value right |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, s in results.items():
        source, label = key.split(" ")
        values = f"{s.values_right}/{s.values_compared}" if s.values_compared else "–"
        lines.append(
            f"| {source} | {label} | {s.gold} | {s.suggested} "
            f"| {_ratio(s.exact, s.suggested)} | {_ratio(s.exact, s.gold)} "
            f"| {_ratio(s.overlap_right, s.suggested)} | {_ratio(s.overlap_found, s.gold)} "
            f"| {values} |"
        )
    for label, (right, compared) in autofill.items():
        lines.append(
            f"| autofill (gold span text) | {label} | {compared} | – | – | – | – | – "
            f"| {right}/{compared} |"
        )
    return "\n".join(lines)


def table() -> str:
    items = load_sample()
    return render(measure(items), autofill_values(items))


def main() -> None:
    items = load_sample()
    golds = sum(len(item.spans) for item in items)
    print(f"held-out sample: {len(items)} items, {golds} gold spans\n")
    print(render(measure(items), autofill_values(items)))


if __name__ == "__main__":
    main()
