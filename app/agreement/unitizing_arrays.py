"""Unitizing α_u for every document of a corpus at once, and the corpus-wide stretch.

The same sums as measures.summarize_stretch and measures.stretch_alpha (which keep the
definition and the reference values), computed over arrays of all units: observed
disagreement from each unit's overlapping units in the other raters' chains, expected
disagreement from unit lengths and gaps. Float sums run in the order the per-document
code used, so every α_u is the same float.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable

import numpy as np
import numpy.typing as npt

from app.agreement.arrays import Floats, Ints, groups, ordered_sums, segment_ends, sort_order
from app.agreement.corpus import Corpus
from app.agreement.measures import Stretch
from app.agreement.measures import _same as same


class Units:
    """α_u's units, sorted by (document, label, rater, begin, length): chain by chain."""

    def __init__(self, corpus: Corpus) -> None:
        doc, rater, label = corpus.doc, corpus.annotator, corpus.label
        start, end = corpus.start, corpus.end
        keep = _kept(doc, rater, label, start, end)
        doc, rater, label, start, end = (x[keep] for x in (doc, rater, label, start, end))
        order = sort_order(doc, label, rater, start, end - start)
        self.doc, self.rater, self.label = doc[order], rater[order], label[order]
        self.begin, self.end = start[order], end[order]
        self.length = self.end - self.begin


def _kept(doc: Ints, rater: Ints, label: Ints, start: Ints, end: Ints) -> npt.NDArray[np.bool_]:
    """Among one annotator's overlapping spans of a label only the earliest-starting,
    longest is kept (then the next one starting at or after its end, and so on)."""
    # spans by (document, rater, label, start, -end)
    order = sort_order(doc, rater, label, start, -end)
    s, e = start[order], end[order]
    group_change = np.ones(len(order), dtype=bool)
    if len(order):
        same = (doc[order][1:] == doc[order][:-1]) & (rater[order][1:] == rater[order][:-1])
        same &= label[order][1:] == label[order][:-1]
        group_change[1:] = ~same
    group = np.cumsum(group_change) - 1
    span = int(e.max()) + 2 if len(e) else 1
    floor = group * span
    keep = np.ones(len(order), dtype=bool)
    # Each span depends only on earlier ones: repeating "kept when it starts at or after
    # the end of the last kept span before it" reaches the sequential rule's answer
    # (unique) in as many rounds as the longest run of overlapping spans.
    while True:
        reach = np.maximum.accumulate(floor + np.where(keep, e + 1, 0))
        last_end = np.concatenate(([0], reach[:-1])) - floor - 1  # -1: none yet
        last_end[group_change] = -1
        again = s >= last_end
        if np.array_equal(again, keep):
            break
        keep = again
    result = np.empty(len(order), dtype=bool)
    result[order] = keep
    return result


def observed_sums(corpus: Corpus, units: Units) -> Floats:
    """Observed disagreement before normalizing, per (document, category) cell."""
    n_labels = len(corpus.codes)
    size = len(corpus.documents) * n_labels
    return _observed(corpus, units, units.doc * n_labels + units.label, size)


def document_alphas(corpus: Corpus, units: Units, observed: Floats) -> list[float | None]:
    """α_u of each document, its own continuum, raters = who worked on it; ``observed``
    from :func:`observed_sums`."""
    n_docs, n_labels = len(corpus.documents), len(corpus.codes)
    raters = corpus.present.sum(axis=1).astype(np.int64)
    length = corpus.lengths
    cell = units.doc * n_labels + units.label  # (document, category)
    size = n_docs * n_labels
    has_units = np.bincount(cell, minlength=size) > 0
    expected = _expected(corpus, units, cell, size, has_units)
    with np.errstate(divide="ignore", invalid="ignore"):  # empty documents: unused cells
        scale = 2.0 / (raters * (raters - 1) * length * length).astype(np.float64)
        observed = observed * np.repeat(scale, n_labels)
    # Means over the document's categories, summed in category order like the Python sum.
    present_cells = np.flatnonzero(has_units)
    cell_doc = present_cells // n_labels
    categories = np.bincount(cell_doc, minlength=n_docs)
    mean_observed = ordered_sums(cell_doc, observed[present_cells], n_docs)
    mean_expected = ordered_sums(cell_doc, expected[present_cells], n_docs)
    alphas: list[float | None] = []
    for mo, me, count, n, r in zip(
        mean_observed.tolist(),
        mean_expected.tolist(),
        categories.tolist(),
        length.tolist(),
        raters.tolist(),
        strict=True,
    ):
        if count == 0 or n <= 0 or r < 2:
            alphas.append(None)
            continue
        mo, me = mo / count, me / count
        alphas.append(0.0 if same(mo, me) else 1.0 - mo / me)
    return alphas


def _observed(corpus: Corpus, units: Units, cell: Ints, size: int) -> Floats:
    """Σ over rater pairs of Δbegin² + Δend² for overlapping units, plus length² for a
    unit no unit of the other rater overlaps, per (document, category)."""
    width = len(corpus.annotators)
    span = int(max(units.end.max(initial=0), units.begin.max(initial=0))) + 2
    chain = cell * width + units.rater
    by_end = chain * span + units.end  # sorted: ends never decrease along a chain
    by_begin = chain * span + units.begin
    total = np.zeros(size, dtype=np.float64)
    here = corpus.present[units.doc]
    for other in range(width):
        asked = here[:, other] & (units.rater != other)
        index = np.flatnonzero(asked)
        target = (cell[index] * width + other) * span
        low = np.searchsorted(by_end, target + units.begin[index], side="right")
        high = np.searchsorted(by_begin, target + units.end[index], side="left")
        count = np.maximum(high - low, 0)
        lonely = index[count == 0]
        total += np.bincount(
            cell[lonely], weights=(units.length[lonely] ** 2).astype(np.float64), minlength=size
        )
        # Overlapping pairs once, from the lower rater's side.
        lower = units.rater[index] < other
        index, low, count = index[lower], low[lower], count[lower]
        first = np.cumsum(count) - count
        mine = np.repeat(index, count)
        theirs = np.repeat(low - first, count) + np.arange(int(count.sum()), dtype=np.int64)
        cost = (units.begin[mine] - units.begin[theirs]) ** 2
        cost += (units.end[mine] - units.end[theirs]) ** 2
        total += np.bincount(cell[mine], weights=cost.astype(np.float64), minlength=size)
    return total


def _expected(
    corpus: Corpus, units: Units, cell: Ints, size: int, has_units: npt.NDArray[np.bool_]
) -> Floats:
    """measures._expected for every (document, category) that has units."""
    n_labels = len(corpus.codes)
    gap_cell, gap = _gaps(corpus, units, cell, has_units)
    doc_of = np.arange(size, dtype=np.int64) // n_labels
    length = corpus.lengths[doc_of]
    raters = corpus.present.sum(axis=1).astype(np.int64)[doc_of]
    count = np.bincount(cell, minlength=size)
    squared = np.bincount(
        cell, weights=(units.length * (units.length - 1)).astype(np.float64), minlength=size
    ).astype(np.int64)
    # Distinct unit lengths per cell, in the order the per-document Counter met them.
    order, starts, _ = groups(cell, units.length)
    ends = segment_ends(starts, len(order))
    first_seen = np.minimum.reduceat(order, starts) if len(order) else order
    times = ends - starts
    l_cell = cell[order[starts]]
    unit_length = units.length[order[starts]]
    met = sort_order(l_cell, first_seen)
    l_cell, unit_length, times = l_cell[met], unit_length[met], times[met]
    # Σ over gaps g ≥ l of (g − l + 1) from sorted gaps and their suffix sums.
    span = int(max(gap.max(initial=0), unit_length.max(initial=0))) + 2
    gap_order = sort_order(gap_cell, gap)
    sorted_key = gap_cell[gap_order] * span + gap[gap_order]
    prefix = np.concatenate(([0], np.cumsum(gap[gap_order])))
    at = np.searchsorted(sorted_key, l_cell * span + unit_length, side="left")
    stop = np.searchsorted(sorted_key, (l_cell + 1) * span, side="left")
    room = prefix[stop] - prefix[at] - (stop - at) * (unit_length - 1)
    n = count[l_cell]
    within = (n - 1) * (2 * unit_length**3 - 3 * unit_length**2 + unit_length) / 3
    term = times * (within + (unit_length * unit_length * room).astype(np.float64))
    total = ordered_sums(l_cell, term, size)
    denominator = raters * length * (raters * length - 1) - squared
    with np.errstate(divide="ignore", invalid="ignore"):
        expected: Floats = total * (2.0 / length) / denominator
    return expected


def _gaps(
    corpus: Corpus, units: Units, cell: Ints, has_units: npt.NDArray[np.bool_]
) -> tuple[Ints, Ints]:
    """Every rater's gaps per (document, category): before its first unit, between its
    units, after its last; a whole document for a rater without a unit there."""
    width, n_labels = len(corpus.annotators), len(corpus.codes)
    chain = cell * width + units.rater
    size = len(chain)
    new_chain = np.ones(size, dtype=bool)
    new_chain[1:] = chain[1:] != chain[:-1]
    last_of_chain = np.ones(size, dtype=bool)
    last_of_chain[:-1] = new_chain[1:]
    length = corpus.lengths[units.doc]
    # Ends never decrease along a chain: the position before a unit is the previous end.
    previous_end = np.concatenate(([0], units.end[:-1]))
    inner = units.begin - previous_end
    cells = [
        cell[new_chain & (units.begin > 0)],
        cell[~new_chain & (inner > 0)],
        cell[last_of_chain & (units.end < length)],
    ]
    gaps = [
        units.begin[new_chain & (units.begin > 0)],
        inner[~new_chain & (inner > 0)],
        (length - units.end)[last_of_chain & (units.end < length)],
    ]
    # Raters present in the document with no unit of a category it has.
    with_chain = np.zeros(len(has_units) * width, dtype=bool)
    with_chain[chain[new_chain]] = True
    wanted = np.repeat(has_units, width) & ~with_chain
    wanted &= np.repeat(corpus.present, n_labels, axis=0).ravel()
    empty = np.flatnonzero(wanted) // width
    cells.append(empty)
    gaps.append(corpus.lengths[empty // n_labels])
    return np.concatenate(cells).astype(np.int64), np.concatenate(gaps).astype(np.int64)


def corpus_stretch(corpus: Corpus, units: Units, observed: Floats, raters: list[int]) -> Stretch:
    """The documents everyone worked on laid end to end, as measures.concatenate joins
    their stretches; ``raters[column]`` is the column's rater number there."""
    everyone = corpus.everyone
    chosen = everyone[units.doc]
    offset = np.zeros(len(corpus.documents), dtype=np.int64)
    offset[everyone] = np.cumsum(corpus.lengths[everyone]) - corpus.lengths[everyone]
    total_length = int(corpus.lengths[everyone].sum())
    n_labels = len(corpus.codes)
    doc, label, rater = units.doc[chosen], units.label[chosen], units.rater[chosen]
    begin, end, length = units.begin[chosen], units.end[chosen], units.length[chosen]
    position = np.arange(len(doc), dtype=np.int64)
    # lengths per category, distinct lengths in the order met along (document, rater, begin)
    lengths: dict[Hashable, Counter[int]] = {}
    order, starts, _ = groups(label, length)
    if len(order):
        first_seen = np.minimum.reduceat(position[order], starts)
        times = segment_ends(starts, len(order)) - starts
        met = np.argsort(first_seen, kind="stable")
        for code, n, t in zip(
            label[order[starts]][met].tolist(),
            length[order[starts]][met].tolist(),
            times[met].tolist(),
            strict=True,
        ):
            lengths.setdefault(corpus.codes[code], Counter())[n] = t
    per_category = observed.reshape(len(offset), n_labels)[everyone].sum(axis=0)
    observed_by_name = {corpus.codes[c]: float(per_category[c]) for c in np.unique(label).tolist()}
    chains: dict[tuple[int, Hashable], tuple[int, list[int], int]] = {}
    g_begin, g_end = begin + offset[doc], end + offset[doc]
    order, starts, _ = groups(rater, label)
    for start, stop in zip(starts.tolist(), segment_ends(starts, len(order)).tolist(), strict=True):
        members = order[start:stop]  # (document, begin, length) order: chain order
        member_doc = doc[members]
        first_of_doc = np.ones(len(members), dtype=bool)
        first_of_doc[1:] = member_doc[1:] != member_doc[:-1]
        ends_here = g_end[members]
        # within a document: the previous unit's end; across documents: the furthest end
        reach = np.maximum.accumulate(ends_here)
        before = np.concatenate(([0], np.where(first_of_doc[1:], reach[:-1], ends_here[:-1])))
        gaps = g_begin[members] - before
        gaps = gaps[1:][gaps[1:] > 0]
        key = (raters[int(rater[members[0]])], corpus.codes[int(label[members[0]])])
        # sorted here: measures._expected sorts them again, then in linear time
        chains[key] = (int(g_begin[members[0]]), np.sort(gaps).tolist(), int(reach[-1]))
    return Stretch(total_length, observed_by_name, lengths, chains)
