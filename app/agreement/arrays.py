"""Small array helpers the corpus-wide agreement code shares.

The coefficients must come out bit for bit as the per-document Python code computed
them, so float sums are taken in the same order (:func:`ordered_sums`) and means of
kappas are rounded once from the exact sum, as :func:`statistics.mean` does.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


def sort_order(*columns: Ints) -> Ints:
    """The stable order sorting rows by ``columns`` (the first is the major key).

    One sort of a combined integer key where it fits in 63 bits (a few times faster than
    ``np.lexsort`` over several keys), ``np.lexsort`` otherwise.
    """
    size = len(columns[0])
    if size == 0:
        return np.zeros(0, dtype=np.int64)
    lows = [int(column.min()) for column in columns]
    spans = [int(column.max()) - low + 1 for column, low in zip(columns, lows, strict=True)]
    if math.prod(spans) >= 2**63:
        return np.lexsort(columns[::-1]).astype(np.int64)
    key = np.zeros(size, dtype=np.int64)
    for column, low, span in zip(columns, lows, spans, strict=True):
        key *= span
        key += column - low
    return np.argsort(key, kind="stable").astype(np.int64)


def groups(*columns: Ints) -> tuple[Ints, Ints, Ints]:
    """Rows grouped by equal values in all ``columns`` (the first is the major key).

    Returns (order, starts, ids): ``order`` sorts the rows by the columns (stable),
    ``starts`` is where each group begins in that order and ``ids[k]`` is the group of
    the k-th row in that order.
    """
    order = sort_order(*columns)
    size = len(order)
    if size == 0:
        return order, order, order
    change = np.zeros(size, dtype=bool)
    change[0] = True
    for column in columns:
        ordered = column[order]
        change[1:] |= ordered[1:] != ordered[:-1]
    ids = np.cumsum(change, dtype=np.int64) - 1
    return order, np.flatnonzero(change).astype(np.int64), ids


def ordered_sums(group: Ints, values: Floats, count: int) -> Floats:
    """Σ of ``values`` per group, adding left to right as a Python loop would.

    ``group`` must be non-decreasing (values listed group by group, in adding order).
    A plain ``bincount`` adds in another order and can differ in the last bit.
    """
    totals = np.zeros(count, dtype=np.float64)
    if len(group) == 0:
        return totals
    first = np.flatnonzero(np.concatenate(([True], group[1:] != group[:-1])))
    rank = np.arange(len(group)) - np.repeat(first, np.diff(np.append(first, len(group))))
    by_rank = np.argsort(rank, kind="stable")
    bounds = np.concatenate(([0], np.cumsum(np.bincount(rank))))
    for k in range(len(bounds) - 1):
        at = by_rank[bounds[k] : bounds[k + 1]]
        totals[group[at]] += values[at]  # one value per group per round: no collisions
    return totals


def segment_ends(starts: Ints, size: int) -> Ints:
    """Where each group of :func:`groups` ends (``size`` rows in all)."""
    if len(starts) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.append(starts[1:], size).astype(np.int64)


def exact_mean(values: Sequence[float]) -> float:
    """The mean of floats rounded once, as :func:`statistics.mean` computes it (it sums
    exact fractions) at a fraction of its cost."""
    numerator, denominator = 0, 1
    for value in values:
        top, bottom = value.as_integer_ratio()  # bottom: a power of two
        if bottom > denominator:
            numerator *= bottom // denominator
            denominator = bottom
        numerator += top * (denominator // bottom)
    return numerator / (denominator * len(values))
