"""Agreement coefficients, as pure functions over plain data.

``None`` means *undefined* (no units, a single category, nothing to chance-correct):
a coefficient that does not exist is never reported as 0 or 1. Definitions and the
published reference values they reproduce: tests/unit/agreement/test_measures.py.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate, combinations
from typing import Any

Value = Hashable


def krippendorff_alpha(
    coders: Sequence[Sequence[Value | None]], metric: str = "nominal"
) -> float | None:
    """Krippendorff's α over a coders × units table (``None`` = missing value).

    Built on the coincidence matrix: each unit with m ≥ 2 values adds 1/(m−1) for every
    ordered pair of its values. ``metric`` is "nominal" (δ² = [c≠k]) or "interval"
    (δ² = (c−k)², numeric values).
    """
    coincidences: Coincidences = defaultdict(float)
    units = len(coders[0]) if coders else 0
    for unit in range(units):
        values = [row[unit] for row in coders if row[unit] is not None]
        m = len(values)
        if m < 2:
            continue
        for i, j in ((i, j) for i in range(m) for j in range(m) if i != j):
            coincidences[(values[i], values[j])] += 1.0 / (m - 1)
    return _alpha_from_coincidences(coincidences, _delta(metric))


def alpha_from_counts(
    unit_counts: Iterable[Counter[Any] | tuple[Counter[Any], int]], metric: str = "nominal"
) -> float | None:
    """Krippendorff's α from each unit's value counts (how many coders gave each value).

    The same coefficient as :func:`krippendorff_alpha`, for tables too large to list
    coder by coder: an item may be ``(counts, times)`` for ``times`` identical units
    (thousands of tokens every annotator left untagged are one such item).
    """
    coincidences: Coincidences = defaultdict(float)
    for item in unit_counts:
        counts, times = item if isinstance(item, tuple) else (item, 1)
        m = sum(counts.values())
        if m < 2:
            continue
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs = n_c * (n_c - 1) if c == k else n_c * n_k
                if pairs:
                    coincidences[(c, k)] += times * pairs / (m - 1)
    return _alpha_from_coincidences(coincidences, _delta(metric))


Coincidences = defaultdict[tuple[Value, Value], float]
Delta = Callable[[Any, Any], float]


def _delta(metric: str) -> Delta:
    if metric == "nominal":
        return lambda c, k: 0.0 if c == k else 1.0
    if metric == "interval":
        return lambda c, k: float((c - k) ** 2)
    raise ValueError(f"unknown metric {metric!r}")


def _alpha_from_coincidences(coincidences: Coincidences, delta: Delta) -> float | None:
    marginals: defaultdict[Value, float] = defaultdict(float)
    for (c, _k), o in coincidences.items():
        marginals[c] += o
    n = sum(marginals.values())
    if n <= 1:
        return None
    observed = sum(o * delta(c, k) for (c, k), o in coincidences.items()) / n
    expected = sum(
        marginals[c] * marginals[k] * delta(c, k) for c in marginals for k in marginals
    ) / (n * (n - 1))
    if expected == 0:
        return None  # a single category: nothing to tell agreement from chance
    return 1.0 - observed / expected


def cohen_kappa(first: Sequence[Value], second: Sequence[Value]) -> float | None:
    """Cohen's κ: chance from each rater's own marginals (pooled ones would give Scott's π)."""
    if len(first) != len(second):
        raise ValueError("both raters must rate the same items")
    return cohen_kappa_from_table(Counter(zip(first, second, strict=True)))


def cohen_kappa_from_table(table: Counter[tuple[Any, Any]]) -> float | None:
    """Cohen's κ from a confusion table {(first's value, second's value): count}."""
    n = sum(table.values())
    if n == 0:
        return None
    observed = sum(count for (a, b), count in table.items() if a == b) / n
    left: Counter[Value] = Counter()
    right: Counter[Value] = Counter()
    for (a, b), count in table.items():
        left[a] += count
        right[b] += count
    expected = sum(left[c] * right[c] for c in left) / (n * n)
    return _chance_corrected(observed, expected)


def _chance_corrected(observed: float, expected: float) -> float | None:
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def fleiss_kappa(counts: Sequence[Sequence[int]]) -> float | None:
    """Fleiss' κ from a subjects × categories table of how many raters chose each."""
    return fleiss_kappa_from_counts(Counter(dict(enumerate(row))) for row in counts)


def fleiss_kappa_from_counts(
    subjects: Iterable[Counter[Any] | tuple[Counter[Any], int]],
) -> float | None:
    """Fleiss' κ from each subject's category counts; ``(counts, times)`` stands for
    ``times`` identical subjects (the tokens nobody tagged)."""
    raters = 0
    total_subjects = 0
    agreement = 0.0
    chosen: Counter[Any] = Counter()
    for item in subjects:
        counts, times = item if isinstance(item, tuple) else (item, 1)
        n = sum(counts.values())
        raters = raters or n
        if n != raters or n < 2:
            raise ValueError("every subject needs the same number (≥ 2) of ratings")
        agreement += times * (sum(v * v for v in counts.values()) - n) / (n * (n - 1))
        total_subjects += times
        for category, v in counts.items():
            chosen[category] += times * v
    if total_subjects == 0:
        return None
    shares = [v / (total_subjects * raters) for v in chosen.values()]
    return _chance_corrected(agreement / total_subjects, sum(p * p for p in shares))


# --- span F1 -----------------------------------------------------------------------------

Span = tuple[int, int, str]  # (start, end, label)


@dataclass(frozen=True)
class Matches:
    """Counts behind F1 = 2a / (2a + b + c)."""

    both: int  # a: spans matched between the two annotators
    only_first: int  # b
    only_second: int  # c

    def __add__(self, other: Matches) -> Matches:
        return Matches(
            self.both + other.both,
            self.only_first + other.only_first,
            self.only_second + other.only_second,
        )

    @property
    def f1(self) -> float | None:
        total = 2 * self.both + self.only_first + self.only_second
        return None if total == 0 else 2 * self.both / total


NO_MATCHES = Matches(0, 0, 0)


def match_spans(first: Sequence[Span], second: Sequence[Span], *, overlap: bool) -> Matches:
    """Pair spans one to one: identical (start, end, label), or with ``overlap`` the same
    label and at least one shared character (exact pairs first, then by largest overlap)."""
    left = Counter(first)
    right = Counter(second)
    exact = sum((left & right).values())
    if not overlap:
        return Matches(exact, len(first) - exact, len(second) - exact)
    rest_left = sorted((left - right).elements())
    rest_right = sorted((right - left).elements())
    candidates = sorted(
        (
            -(min(a[1], b[1]) - max(a[0], b[0])),
            i,
            j,
        )
        for i, a in enumerate(rest_left)
        for j, b in enumerate(rest_right)
        if a[2] == b[2] and a[0] < b[1] and b[0] < a[1]
    )
    used_left: set[int] = set()
    used_right: set[int] = set()
    for _, i, j in candidates:
        if i not in used_left and j not in used_right:
            used_left.add(i)
            used_right.add(j)
    both = exact + len(used_left)
    return Matches(both, len(first) - both, len(second) - both)


# --- unitizing α (Krippendorff 2004, as DKPro Statistics computes it) --------------------

Unit = tuple[int, int, int, Hashable]  # (begin, length, rater, category)


@dataclass(frozen=True)
class UnitizingResult:
    alpha: float | None
    observed: dict[Hashable, float]  # D_O per category
    expected: dict[Hashable, float]  # D_E per category
    per_category: dict[Hashable, float | None]


def unitizing_alpha(units: Sequence[Unit], raters: int, begin: int, length: int) -> UnitizingResult:
    """Krippendorff's α_u over the continuum [begin, begin + length).

    Each rater's continuum of one category is a chain of units and gaps. Observed
    disagreement compares the two raters' chains segment against overlapping segment:
    two units differ by Δbegin² + Δend², a unit lying inside the other's gap costs its
    length², everything else 0. It reproduces DKPro Statistics'
    KrippendorffAlphaUnitizingAgreement (the implementation INCEpTION reports) including
    its sweep, which stops as soon as neither rater has a unit left to start.
    An empty study is undefined.
    """
    return stretch_alpha(summarize_stretch(units, raters, begin, length), raters)


@dataclass
class Stretch:
    """What α_u needs to know of one stretch of the continuum.

    Stretches laid end to end combine (:func:`concatenate`) without looking at a unit
    again: observed disagreement is a sum over overlapping units, which never cross from
    one stretch into the next, and expected disagreement needs only the units' lengths
    and the gaps, whose only change is that a chain's last gap in one stretch joins its
    first gap in the next. The study computes α_u per document and over all documents
    from the same per-document stretches.
    """

    length: int
    observed: dict[Hashable, float]  # Σ over rater pairs of Δ², before normalizing
    lengths: dict[Hashable, Counter[int]]  # every rater's unit lengths per category
    # (rater, category) -> (first unit's begin, gaps between its units, where it ends),
    # positions relative to the stretch's begin
    chains: dict[tuple[int, Hashable], tuple[int, list[int], int]]


def summarize_stretch(units: Sequence[Unit], raters: int, begin: int, length: int) -> Stretch:
    chains: Chains = {}
    for unit_begin, unit_length, rater, category in units:
        chains.setdefault((rater, category), []).append((unit_begin - begin, unit_length))
    lengths: dict[Hashable, Counter[int]] = {}
    summaries: dict[tuple[int, Hashable], tuple[int, list[int], int]] = {}
    for key, chain in chains.items():
        chain.sort()
        lengths.setdefault(key[1], Counter()).update(n for _, n in chain)
        gaps: list[int] = []
        position = chain[0][0]
        for unit_begin, unit_length in chain:
            if unit_begin > position:
                gaps.append(unit_begin - position)
            position = max(position, unit_begin + unit_length)
        summaries[key] = (chain[0][0], gaps, position)
    observed = {c: _observed_sum(chains, raters, c) for c in lengths}
    return Stretch(length, observed, lengths, summaries)


def concatenate(parts: Iterable[tuple[Stretch, Sequence[int]]]) -> Stretch:
    """Lay stretches end to end; each comes with the study-wide number of its raters."""
    offset = 0
    observed: dict[Hashable, float] = {}
    lengths: dict[Hashable, Counter[int]] = {}
    joined: dict[tuple[int, Hashable], list[Any]] = {}
    for stretch, rater_ids in parts:
        for category, value in stretch.observed.items():
            observed[category] = observed.get(category, 0.0) + value
        for category, counts in stretch.lengths.items():
            lengths.setdefault(category, Counter()).update(counts)
        for (rater, category), (first, gaps, last) in stretch.chains.items():
            key = (rater_ids[rater], category)
            chain = joined.get(key)
            if chain is None:
                joined[key] = [first + offset, list(gaps), last + offset]
                continue
            if first + offset > chain[2]:
                chain[1].append(first + offset - chain[2])
            chain[1].extend(gaps)
            chain[2] = max(chain[2], last + offset)
        offset += stretch.length
    chains = {key: (first, gaps, last) for key, (first, gaps, last) in joined.items()}
    return Stretch(offset, observed, lengths, chains)


def stretch_alpha(stretch: Stretch, raters: int) -> UnitizingResult:
    length = stretch.length
    categories = sorted(stretch.lengths, key=str)
    if not categories or length <= 0 or raters < 2:
        return UnitizingResult(None, {}, {}, {})
    scale = 2.0 / (raters * (raters - 1) * length * length)
    observed = {c: stretch.observed[c] * scale for c in categories}
    expected = {c: _expected(stretch, raters, c) for c in categories}
    per_category: dict[Hashable, float | None] = {
        c: 0.0 if _same(observed[c], expected[c]) else 1.0 - observed[c] / expected[c]
        for c in categories
    }
    mean_observed = sum(observed.values()) / len(categories)
    mean_expected = sum(expected.values()) / len(categories)
    if _same(mean_observed, mean_expected):
        alpha: float | None = 0.0
    else:
        alpha = 1.0 - mean_observed / mean_expected
    return UnitizingResult(alpha, observed, expected, per_category)


def _same(observed: float, expected: float) -> bool:
    """DKPro reports 0 when D_O equals D_E (also when both are 0); compare without the
    last-bit noise of a different summation order."""
    return math.isclose(observed, expected, rel_tol=1e-12, abs_tol=1e-15)


Chains = dict[tuple[int, Hashable], list[tuple[int, int]]]  # (rater, category) -> units


def _observed_sum(chains: Chains, raters: int, category: Hashable) -> float:
    total = 0.0
    for r1, r2 in combinations(range(raters), 2):
        chain1, chain2 = chains.get((r1, category), []), chains.get((r2, category), [])
        if chain1 == chain2:
            continue  # identical unitizing: no disagreement
        overlaps, lonely1 = _compare(chain1, chain2)
        _, lonely2 = _compare(chain2, chain1)
        total += overlaps + lonely1 + lonely2
    return total


def _compare(chain: list[tuple[int, int]], other: list[tuple[int, int]]) -> tuple[float, float]:
    """(Σ over overlapping unit pairs of Δbegin² + Δend², Σ length² of ``chain``'s units
    that lie in a gap of ``other``).

    The same sums as DKPro's sweep over both raters' segments, which compares each
    pair of overlapping segments once: unit against unit costs the squared boundary
    shifts, a unit inside the other's gap its squared length, anything else nothing.
    (Its early stop, once neither rater has a unit left to start, only ever skips
    segment pairs that cost nothing.) Units of one rater do not overlap each other.
    """
    overlaps = 0
    lonely = 0
    first = 0
    count = len(other)
    for unit_begin, unit_length in chain:
        unit_end = unit_begin + unit_length
        while first < count and other[first][0] + other[first][1] <= unit_begin:
            first += 1
        touched = False
        index = first
        while index < count:
            other_begin, other_length = other[index]
            if other_begin >= unit_end:
                break
            shift = unit_begin - other_begin
            if -unit_length < shift < other_length:
                end_shift = unit_end - (other_begin + other_length)
                overlaps += shift * shift + end_shift * end_shift
                touched = True
            index += 1
        if not touched:
            lonely += unit_length * unit_length
    return float(overlaps), float(lonely)


def _expected(stretch: Stretch, raters: int, category: Hashable) -> float:
    length = stretch.length
    lengths = stretch.lengths[category]
    count = sum(lengths.values())
    squared = sum(times * n * (n - 1) for n, times in lengths.items())
    gaps: list[int] = []
    for rater in range(raters):
        chain = stretch.chains.get((rater, category))
        if chain is None:
            gaps.append(length)  # no unit: one gap over the whole continuum
            continue
        first, inner, last = chain
        if first > 0:
            gaps.append(first)
        gaps.extend(inner)
        if last < length:
            gaps.append(length - last)
    # Σ over gaps g ≥ l of (g − l + 1) for each unit length l, from sorted suffix sums
    # (a loop over the gaps per unit is quadratic: minutes on 10,000 documents); units of
    # the same length share the sum.
    gaps.sort()
    suffix = list(accumulate(reversed(gaps), initial=0))[::-1]
    total = 0.0
    for unit_length, times in lengths.items():
        within = (count - 1) * (2 * unit_length**3 - 3 * unit_length**2 + unit_length) / 3
        first_gap = bisect_left(gaps, unit_length)
        room = suffix[first_gap] - (len(gaps) - first_gap) * (unit_length - 1)
        total += times * (within + unit_length * unit_length * room)
    denominator = raters * length * (raters * length - 1) - squared
    return total * (2.0 / length) / denominator
