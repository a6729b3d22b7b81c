"""Span F1 counts for every (document, annotator pair, label) of a corpus at once.

For each pair: how many spans each annotator has, how many pair up exactly (identical
start, end and label, as multisets) and how many more pair by overlap: the same label,
at least one shared character, largest overlap first, ties by the spans' sorted order
(the one-to-one greedy pairing of measures.match_spans). Exact pairs are counted with
array operations; the greedy pass runs only over the few overlapping candidates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from app.agreement.arrays import groups, sort_order
from app.agreement.corpus import Corpus

Ints = npt.NDArray[np.int64]


@dataclass
class PairCounts:
    """Arrays of documents × labels for one pair (a, b) of annotator columns."""

    a: int
    b: int
    documents: npt.NDArray[np.bool_]  # both worked on the document
    first: Ints  # a's spans
    second: Ints  # b's spans
    exact: Ints
    overlap: Ints  # exact pairs plus the further ones paired by overlap


def pair_counts(corpus: Corpus) -> list[PairCounts]:
    n_docs, n_labels, width = len(corpus.documents), len(corpus.codes), len(corpus.annotators)
    order, starts, ids = groups(corpus.doc, corpus.start, corpus.end, corpus.label)
    per_group = np.bincount(
        ids * width + corpus.annotator[order], minlength=len(starts) * width
    ).reshape(len(starts), width)
    first_rows = order[starts]
    g_doc, g_label = corpus.doc[first_rows], corpus.label[first_rows]
    g_start, g_end = corpus.start[first_rows], corpus.end[first_rows]
    cell = g_doc * n_labels + g_label
    size = n_docs * n_labels
    result = []
    for a in range(width):
        for b in range(a + 1, width):
            both_here = corpus.present[:, a] & corpus.present[:, b]
            mask = np.repeat(both_here, n_labels)

            def tally(weights: Ints, mask: npt.NDArray[np.bool_] = mask) -> Ints:
                counts = np.bincount(cell, weights=weights, minlength=size)
                return np.where(mask, counts, 0).astype(np.int64).reshape(n_docs, n_labels)

            count_a, count_b = per_group[:, a], per_group[:, b]
            exact = np.minimum(count_a, count_b)
            left = np.repeat(np.arange(len(starts), dtype=np.int64), count_a - exact)
            right = np.repeat(np.arange(len(starts), dtype=np.int64), count_b - exact)
            paired = _overlap_pairs(left, right, g_doc, g_label, g_start, g_end, n_labels)
            result.append(
                PairCounts(
                    a,
                    b,
                    both_here,
                    tally(count_a),
                    tally(count_b),
                    tally(exact),
                    tally(exact + np.bincount(paired, minlength=len(starts))),
                )
            )
    return result


def _overlap_pairs(
    left: Ints, right: Ints, doc: Ints, label: Ints, start: Ints, end: Ints, n_labels: int
) -> Ints:
    """Groups (one entry per extra pair) of the left spans paired by overlap.

    ``left`` and ``right`` hold the unpaired spans as group numbers, in sorted
    (document, start, end, label) order: a span's place there is its place in the
    per-document sorted lists the greedy pairing breaks ties by.
    """
    if len(left) == 0 or len(right) == 0:
        return np.zeros(0, dtype=np.int64)
    right_key = doc[right] * n_labels + label[right]
    by_key = np.argsort(right_key, kind="stable")
    sorted_key = right_key[by_key]
    left_key = doc[left] * n_labels + label[left]
    low = np.searchsorted(sorted_key, left_key, side="left")
    high = np.searchsorted(sorted_key, left_key, side="right")
    count = high - low
    i = np.repeat(np.arange(len(left), dtype=np.int64), count)
    first = np.cumsum(count) - count
    j = by_key[np.repeat(low - first, count) + np.arange(int(count.sum()), dtype=np.int64)]
    a, b = left[i], right[j]
    overlapping = (start[a] < end[b]) & (start[b] < end[a])
    i, j, a, b = i[overlapping], j[overlapping], a[overlapping], b[overlapping]
    shared = np.minimum(end[a], end[b]) - np.maximum(start[a], start[b])
    ranked = sort_order(doc[a], -shared, i, j)
    used_left: set[int] = set()
    used_right: set[int] = set()
    paired: list[int] = []
    for li, rj, group in zip(
        i[ranked].tolist(), j[ranked].tolist(), a[ranked].tolist(), strict=True
    ):
        if li not in used_left and rj not in used_right:
            used_left.add(li)
            used_right.add(rj)
            paired.append(group)
    return np.array(paired, dtype=np.int64)
