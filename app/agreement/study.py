"""Agreement between a project's annotators: which documents, tokens and units count.

Scope: every document that at least two of the chosen annotators worked on (a span in
it, or its status moved past "new"), or the subset asked for.

Token rule (Cohen's κ, Fleiss' κ, Krippendorff's α): the text is cut into tokens
(runs of letters, digits and marks; each other non-space character alone). A token
carries, for each annotator, the label of the span that overlaps it — when several of
their spans do, the one that starts first, then the longest — or ``O``. Fleiss' κ needs
every annotator on every item, so it counts only documents all chosen annotators worked
on; α takes the others with missing values. Per label, each coefficient is computed on
the binary question "is this token L?".

Unitizing α_u runs on one continuum made of the in-scope documents worked on by all
chosen annotators, laid end to end; among one annotator's overlapping spans of the same
label only the earliest-starting, longest is kept (what INCEpTION does before calling
DKPro Statistics).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Hashable, Iterable
from dataclasses import dataclass, field
from itertools import combinations
from statistics import mean
from typing import Any

import numpy as np

from app.agreement.arrays import exact_mean
from app.agreement.corpus import Corpus, load
from app.agreement.measures import (
    Matches,
    UnitizingResult,
    alpha_from_counts,
    cohen_kappa_from_table,
    fleiss_kappa_from_counts,
    stretch_alpha,
)
from app.agreement.span_counts import PairCounts, pair_counts
from app.agreement.token_scores import (
    cohen_kappas,
    corpus_rows,
    document_alpha,
    document_fleiss,
    pair_tables,
    rows,
    table_counter,
)
from app.agreement.tokens import TOKEN
from app.agreement.unitizing_arrays import (
    Units,
    corpus_stretch,
    document_alphas,
    observed_sums,
)
from storage import Project, ProjectError

OUTSIDE = "O"
__all__ = ["TOKEN", "AgreementReport", "compute_agreement"]

SpanTuple = tuple[int, int, str]
Row = tuple[str, ...]  # one token's labels from each annotator, sorted: a hashable multiset


@dataclass
class Scores:
    f1_exact: float | None = None
    f1_overlap: float | None = None
    cohen_kappa: float | None = None
    fleiss_kappa: float | None = None
    alpha_nominal: float | None = None
    alpha_unitizing: float | None = None

    def as_dict(self) -> dict[str, float | None]:
        return dict(self.__dict__)


@dataclass
class PairScores:
    a: str
    b: str
    documents: int
    f1_exact: float | None
    f1_overlap: float | None
    cohen_kappa: float | None
    confusion: Counter[tuple[str, str]]  # token labels (a's, b's) -> count


@dataclass
class DocumentScores:
    document_id: int
    external_id: str
    annotators: list[str]
    scores: Scores
    disagreements: int  # spans without an exact partner, summed over pairs


@dataclass
class AgreementReport:
    annotators: list[str]
    documents: int
    overall: Scores
    per_label: dict[str, Scores]
    pairs: list[PairScores]
    per_document: list[DocumentScores] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "annotators": self.annotators,
            "documents": self.documents,
            "overall": self.overall.as_dict(),
            "per_label": {label: s.as_dict() for label, s in sorted(self.per_label.items())},
            "pairs": [
                {
                    "a": p.a,
                    "b": p.b,
                    "documents": p.documents,
                    "f1_exact": p.f1_exact,
                    "f1_overlap": p.f1_overlap,
                    "cohen_kappa": p.cohen_kappa,
                    "confusion": [
                        {"a": la, "b": lb, "tokens": n}
                        for (la, lb), n in sorted(p.confusion.items())
                    ],
                }
                for p in self.pairs
            ],
            "per_document": [
                {
                    "id": d.external_id,
                    "annotators": d.annotators,
                    "disagreements": d.disagreements,
                    **d.scores.as_dict(),
                }
                for d in self.per_document
            ],
        }


@dataclass
class _Tally:
    """Everything the coefficients need, summed over documents.

    Span counts are plain integers per (pair, label): for each, how many spans each of
    the two annotators has, and how many pair up exactly and by overlap. F1 for any
    grouping (a label, a pair, everything) is a sum of these.
    """

    spans: dict[tuple[int, int, str], list[int]] = field(default_factory=dict)
    tables: dict[tuple[int, int], Counter[tuple[str, str]]] = field(default_factory=dict)
    pair_documents: Counter[tuple[int, int]] = field(default_factory=Counter)
    all_rows: Counter[Row] = field(default_factory=Counter)  # documents with everyone
    some_rows: Counter[Row] = field(default_factory=Counter)  # every in-scope document

    def matches(
        self, *, label: str | None = None, pair: tuple[int, int] | None = None
    ) -> tuple[Matches, Matches]:
        """(exact, overlap) matches over the spans of one label, one pair, or all."""
        first = second = exact = loose = 0
        for (a, b, span_label), (n_a, n_b, both, overlapping) in self.spans.items():
            if (label is None or span_label == label) and (pair is None or pair == (a, b)):
                first += n_a
                second += n_b
                exact += both
                loose += overlapping
        return (
            Matches(exact, first - exact, second - exact),
            Matches(loose, first - loose, second - loose),
        )


class AgreementCancelled(Exception):
    """The progress callback asked to stop; nothing was changed (agreement only reads)."""


Progress = Callable[[int, int], bool]  # (documents done, total) -> keep going?
PROGRESS_EVERY = 200  # documents between two progress reports


def compute_agreement(
    project: Project,
    annotators: Iterable[str] | None = None,
    document_ids: Collection[int] | None = None,
    progress: Progress | None = None,
) -> AgreementReport:
    people = _annotators(project, annotators)
    names = {a: n for a, n in people}
    ids = [a for a, _ in people]
    columns = sorted(ids)  # the per-document code listed annotators by id
    corpus = load(project, columns, document_ids)
    total = len(corpus.documents)
    if progress and total and not progress(0, total):
        raise AgreementCancelled("agreement cancelled")
    units = Units(corpus)
    observed = observed_sums(corpus, units)
    position = {a: i for i, a in enumerate(ids)}
    unitizing = stretch_alpha(
        corpus_stretch(corpus, units, observed, [position[a] for a in columns]), len(ids)
    )
    items = rows(corpus)
    tally = _Tally(
        all_rows=corpus_rows(corpus, items, corpus.everyone),
        some_rows=corpus_rows(corpus, items, np.ones(total, dtype=bool)),
    )
    counts = pair_counts(corpus)
    kappas = []
    for both in counts:
        key = (columns[both.a], columns[both.b])
        tables = pair_tables(corpus, both.a, both.b)
        if both.documents.any():
            tally.pair_documents[key] = int(both.documents.sum())
            tally.tables[key] = table_counter(corpus, tables.sum(axis=0))
        kappa, defined = cohen_kappas(tables)
        kappas.append((kappa.tolist(), (defined & both.documents).tolist()))
        sums = [x.sum(axis=0).tolist() for x in (both.first, both.second, both.exact, both.overlap)]
        for code, label in enumerate(corpus.codes):
            if sums[0][code] or sums[1][code]:
                tally.spans[(*key, label)] = [sums[k][code] for k in range(4)]
    per_document = _documents(
        corpus,
        counts,
        kappas,
        document_fleiss(corpus, items),
        document_alpha(corpus, items),
        document_alphas(corpus, units, observed),
        names,
        progress,
    )
    overall = _scores(tally, unitizing)
    per_label = {label: _scores(tally, unitizing, only=label) for label in corpus.labels}
    pairs = []
    for a, b in combinations(ids, 2):
        pair = (a, b) if a < b else (b, a)
        exact, loose = tally.matches(pair=pair)
        table = tally.tables.get(pair, Counter())
        if pair != (a, b):
            table = Counter({(lb, la): n for (la, lb), n in table.items()})
        pairs.append(
            PairScores(
                names[a],
                names[b],
                tally.pair_documents[pair],
                exact.f1,
                loose.f1,
                cohen_kappa_from_table(table),
                table,
            )
        )
    per_document.sort(key=lambda d: (-d.disagreements, d.external_id))
    return AgreementReport([names[a] for a in ids], total, overall, per_label, pairs, per_document)


def _documents(
    corpus: Corpus,
    counts: list[PairCounts],
    kappas: list[tuple[list[float], list[bool]]],
    fleiss: list[float | None],
    alpha: list[float | None],
    alpha_u: list[float | None],
    names: dict[int, str],
    progress: Progress | None,
) -> list[DocumentScores]:
    """Each document's scores from the corpus-wide arrays."""
    # Per document, over pairs and labels: spans of the first and second annotator,
    # exact pairs, pairs by exact or overlap.
    spans = [
        sum(getattr(pair, name).sum(axis=1) for pair in counts).tolist()
        if counts
        else [0] * len(corpus.documents)
        for name in ("first", "second", "exact", "overlap")
    ]
    present = corpus.present.tolist()
    annotators = corpus.annotators
    result = []
    for index, document_id in enumerate(corpus.documents):
        due = progress is not None and index > 0 and index % PROGRESS_EVERY == 0
        if due and progress is not None and not progress(index, len(corpus.documents)):
            raise AgreementCancelled("agreement cancelled")
        first, second = spans[0][index], spans[1][index]
        exact, loose = spans[2][index], spans[3][index]
        defined = [values[index] for values, ok in kappas if ok[index]]
        result.append(
            DocumentScores(
                document_id,
                corpus.external_ids[index],
                [names[a] for a, here in zip(annotators, present[index], strict=True) if here],
                Scores(
                    f1_exact=Matches(exact, first - exact, second - exact).f1,
                    f1_overlap=Matches(loose, first - loose, second - loose).f1,
                    cohen_kappa=exact_mean(defined) if defined else None,
                    fleiss_kappa=fleiss[index],
                    alpha_nominal=alpha[index],
                    alpha_unitizing=alpha_u[index],
                ),
                first + second - 2 * exact,
            )
        )
    return result


# --- loading ---------------------------------------------------------------------------


def _annotators(project: Project, names: Iterable[str] | None) -> list[tuple[int, str]]:
    every = project.annotators()
    if names is None:
        chosen = [(a.id, a.name) for a in every if a.kind == "human"]
    else:
        wanted = list(dict.fromkeys(n.strip() for n in names if n.strip()))
        known = {a.name: a.id for a in every}
        missing = [n for n in wanted if n not in known]
        if missing:
            raise ProjectError(f"no annotator called {', '.join(map(repr, missing))}")
        chosen = [(known[n], n) for n in wanted]
    if len(chosen) < 2:
        raise ProjectError("agreement needs at least two annotators")
    return chosen


# --- coefficients from a tally ------------------------------------------------------------


def _binary(value: str, label: str | None) -> str:
    if label is None:
        return value
    return label if value == label else OUTSIDE


def _collapse(rows: Counter[Row], label: str | None) -> list[tuple[Counter[Hashable], int]]:
    if label is None:
        return [(Counter(row), times) for row, times in rows.items()]
    return [(Counter(_binary(v, label) for v in row), times) for row, times in rows.items()]


def _scores(tally: _Tally, unitizing: UnitizingResult, only: str | None = None) -> Scores:
    exact, loose = tally.matches(label=only)
    kappas = []
    for table in tally.tables.values():
        binary = table
        if only is not None:
            binary = Counter()
            for (a, b), n in table.items():
                binary[(_binary(a, only), _binary(b, only))] += n
        kappa = cohen_kappa_from_table(binary)
        if kappa is not None:
            kappas.append(kappa)
    fleiss = None
    if tally.all_rows:
        fleiss = fleiss_kappa_from_counts(_collapse(tally.all_rows, only))
    alpha_u = unitizing.alpha if only is None else unitizing.per_category.get(only)
    return Scores(
        f1_exact=exact.f1,
        f1_overlap=loose.f1,
        cohen_kappa=mean(kappas) if kappas else None,
        fleiss_kappa=fleiss,
        alpha_nominal=alpha_from_counts(_collapse(tally.some_rows, only)),
        alpha_unitizing=alpha_u,
    )
