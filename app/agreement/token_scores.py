"""Token-level counts and coefficients for every document of a corpus at once.

A token's *row* is the sorted labels of the annotators who worked on its document
(a hashable multiset, coded as one integer). The per-document code listed a document's
distinct rows in the order its touched tokens met them, the all-O row of the untouched
tokens last; Fleiss' κ adds floats in that order, so the order is kept here too.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from app.agreement.arrays import Floats, Ints, groups, ordered_sums, sort_order
from app.agreement.corpus import Corpus
from app.agreement.measures import alpha_from_counts

Row = tuple[str, ...]


@dataclass
class Rows:
    """Each document's distinct rows in the order met: items grouped by document."""

    doc: Ints
    code: Ints
    times: Ints
    counts: Ints  # items × label codes: how many annotators chose each


def rows(corpus: Corpus) -> Rows:
    width, base = len(corpus.annotators), corpus.missing + 1
    if base**width >= 2**62:
        raise ValueError("too many annotators and labels to code a token's labels")
    weights = base ** np.arange(width - 1, -1, -1, dtype=np.int64)
    code = np.sort(corpus.touched_labels, axis=1) @ weights
    n_docs = len(corpus.documents)
    untouched = corpus.untouched
    rest = np.flatnonzero(untouched > 0)
    everyone_outside = np.full((n_docs, width), corpus.missing, dtype=np.int64)
    everyone_outside[corpus.present] = corpus.outside
    outside_code = np.sort(everyone_outside, axis=1) @ weights
    doc = np.concatenate((corpus.touched_doc, rest))
    item_code = np.concatenate((code, outside_code[rest]))
    # the untouched tokens' row comes after every touched token of its document
    met = np.arange(len(doc), dtype=np.int64)
    times = np.concatenate((np.ones(len(code), dtype=np.int64), untouched[rest]))
    order, starts, _ = groups(doc, item_code)
    if len(order) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Rows(empty, empty, empty, np.zeros((0, base - 1), dtype=np.int64))
    first = np.minimum.reduceat(met[order], starts)
    summed = np.add.reduceat(times[order], starts)
    g_doc, g_code = doc[order[starts]], item_code[order[starts]]
    ranked = sort_order(g_doc, first)
    g_doc, g_code, summed = g_doc[ranked], g_code[ranked], summed[ranked]
    counts = np.zeros((len(g_code), base), dtype=np.int64)
    for position in range(width):
        digit = (g_code // weights[position]) % base
        np.add.at(counts, (np.arange(len(g_code)), digit), 1)
    return Rows(g_doc, g_code, summed, counts[:, : base - 1])


def decode(corpus: Corpus, code: int) -> Row:
    width, base = len(corpus.annotators), corpus.missing + 1
    digits = [(code // base ** (width - 1 - i)) % base for i in range(width)]
    return tuple(corpus.codes[d] for d in digits if d != corpus.missing)


def corpus_rows(corpus: Corpus, items: Rows, documents: npt.NDArray[np.bool_]) -> Counter[Row]:
    """The rows of the chosen documents summed, in the order the documents met them."""
    chosen = documents[items.doc]
    code, times = items.code[chosen], items.times[chosen]
    distinct, first, inverse = np.unique(code, return_index=True, return_inverse=True)
    total = np.bincount(inverse.ravel(), weights=times, minlength=len(distinct))
    result: Counter[Row] = Counter()
    for index in np.argsort(first, kind="stable").tolist():
        result[decode(corpus, int(distinct[index]))] = int(total[index])
    return result


def document_fleiss(corpus: Corpus, items: Rows) -> list[float | None]:
    """Fleiss' κ of each document everyone worked on (None for the others)."""
    n_docs = len(corpus.documents)
    raters = len(corpus.annotators)
    everyone = corpus.everyone
    chosen = everyone[items.doc]
    doc, times, counts = items.doc[chosen], items.times[chosen], items.counts[chosen]
    pairs = raters * (raters - 1)
    term = (times * ((counts * counts).sum(axis=1) - raters)) / pairs
    agreement = ordered_sums(doc, term.astype(np.float64), n_docs)
    subjects = np.bincount(doc, weights=times, minlength=n_docs).astype(np.int64)
    # categories in the order the items met them, each with Σ times × count
    item, category = np.nonzero(counts)
    weight = times[item] * counts[item, category]
    order, starts, _ = groups(doc[item], category)
    share_doc = doc[item[order[starts]]]
    met = np.minimum.reduceat(item[order] * counts.shape[1] + category[order], starts)
    chosen_times = np.add.reduceat(weight[order], starts)
    ranked = sort_order(share_doc, met)
    share_doc, chosen_times = share_doc[ranked], chosen_times[ranked]
    shares = chosen_times / (subjects[share_doc] * raters)
    expected = ordered_sums(share_doc, shares * shares, n_docs)
    result: list[float | None] = []
    for here, total, agree, chance in zip(
        everyone.tolist(), subjects.tolist(), agreement.tolist(), expected.tolist(), strict=True
    ):
        if not here or total == 0 or chance >= 1.0:
            result.append(None)
        else:
            result.append((agree / total - chance) / (1.0 - chance))
    return result


def document_alpha(corpus: Corpus, items: Rows) -> list[float | None]:
    """Krippendorff's α (nominal) of each document, from its rows.

    With 2 or 3 raters on a document every coincidence is a multiple of ½, so the sums
    are exact in any order and closed forms give alpha_from_counts' float; other
    documents go through alpha_from_counts itself.
    """
    n_docs = len(corpus.documents)
    raters = corpus.present.sum(axis=1).astype(np.int64)
    m = raters[items.doc]
    squares = (items.counts * items.counts).sum(axis=1)
    disagree = np.bincount(
        items.doc, weights=items.times * (m * m - squares), minlength=n_docs
    ).astype(np.int64)
    marginal = np.zeros((n_docs, items.counts.shape[1]), dtype=np.int64)
    np.add.at(marginal, items.doc, items.times[:, None] * items.counts)
    n = marginal.sum(axis=1)
    chance = n * n - (marginal * marginal).sum(axis=1)
    exact = np.isin(raters, (2, 3)) & (n < 2**24)
    starts = np.searchsorted(items.doc, np.arange(n_docs + 1))
    result: list[float | None] = []
    for d, (fast, r, dis, total, expect) in enumerate(
        zip(
            exact.tolist(),
            raters.tolist(),
            disagree.tolist(),
            n.tolist(),
            chance.tolist(),
            strict=True,
        )
    ):
        if not fast:
            result.append(_alpha_of(corpus, items, int(starts[d]), int(starts[d + 1])))
        elif total <= 1 or expect == 0:
            result.append(None)
        else:
            observed = (dis / (r - 1)) / total
            result.append(1.0 - observed / (expect / (total * (total - 1))))
    return result


def _alpha_of(corpus: Corpus, items: Rows, start: int, stop: int) -> float | None:
    units = [
        (Counter(decode(corpus, code)), times)
        for code, times in zip(
            items.code[start:stop].tolist(), items.times[start:stop].tolist(), strict=True
        )
    ]
    return alpha_from_counts(units)


def pair_tables(corpus: Corpus, a: int, b: int) -> Ints:
    """documents × codes × codes: tokens a labelled x and b labelled y, for documents
    both worked on (zero elsewhere)."""
    n_docs, size = len(corpus.documents), len(corpus.codes)
    both = corpus.present[:, a] & corpus.present[:, b]
    touched = np.flatnonzero(both[corpus.touched_doc])
    labels = corpus.touched_labels[touched]
    key = (corpus.touched_doc[touched] * size + labels[:, a]) * size + labels[:, b]
    tables = np.bincount(key, minlength=n_docs * size * size).reshape(n_docs, size, size)
    tables[:, corpus.outside, corpus.outside] += np.where(both, corpus.untouched, 0)
    return tables.astype(np.int64)


def cohen_kappas(tables: Ints) -> tuple[Floats, npt.NDArray[np.bool_]]:
    """Cohen's κ of each documents' table, as cohen_kappa_from_table; and where defined."""
    n = tables.sum(axis=(1, 2))
    agree = np.trace(tables, axis1=1, axis2=2)
    chance = (tables.sum(axis=2) * tables.sum(axis=1)).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        observed = agree / n
        expected = chance / (n * n)
        kappa = (observed - expected) / (1.0 - expected)
    return kappa, (n > 0) & (expected < 1.0)


def table_counter(corpus: Corpus, table: Ints) -> Counter[tuple[str, str]]:
    result: Counter[tuple[str, str]] = Counter()
    for x, y in zip(*np.nonzero(table), strict=True):
        result[(corpus.codes[int(x)], corpus.codes[int(y)])] = int(table[x, y])
    return result
