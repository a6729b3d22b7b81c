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

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Collection, Hashable, Iterable
from dataclasses import dataclass, field
from itertools import combinations
from statistics import mean
from typing import Any

from app.agreement.measures import (
    NO_MATCHES,
    Matches,
    UnitizingResult,
    alpha_from_counts,
    cohen_kappa_from_table,
    fleiss_kappa_from_counts,
    match_spans,
    unitizing_alpha,
)
from storage import Project, ProjectError

OUTSIDE = "O"
_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
TOKEN = re.compile(rf"[\w{_MARKS}]+|[^\w\s]")
_WORD_CHAR = re.compile(rf"[\w{_MARKS}]")

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
    """Everything the coefficients need, summed over documents."""

    exact: Matches = NO_MATCHES
    overlap: Matches = NO_MATCHES
    label_exact: dict[str, Matches] = field(default_factory=dict)
    label_overlap: dict[str, Matches] = field(default_factory=dict)
    tables: dict[tuple[int, int], Counter[tuple[str, str]]] = field(default_factory=dict)
    pair_documents: Counter[tuple[int, int]] = field(default_factory=Counter)
    pair_exact: dict[tuple[int, int], Matches] = field(default_factory=dict)
    pair_overlap: dict[tuple[int, int], Matches] = field(default_factory=dict)
    all_rows: Counter[Row] = field(default_factory=Counter)  # documents with everyone
    some_rows: Counter[Row] = field(default_factory=Counter)  # every in-scope document


def compute_agreement(
    project: Project,
    annotators: Iterable[str] | None = None,
    document_ids: Collection[int] | None = None,
) -> AgreementReport:
    people = _annotators(project, annotators)
    names = {a: n for a, n in people}
    ids = [a for a, _ in people]
    spans = _spans(project, ids)
    worked = _worked_on(project, ids, spans)
    in_scope = sorted(
        d
        for d, who in worked.items()
        if len(who) >= 2 and (document_ids is None or d in document_ids)
    )
    labels = sorted({label for per in spans.values() for s in per.values() for _, _, label in s})
    tally = _Tally()
    per_document: list[DocumentScores] = []
    continuum: list[tuple[int, int, int, Hashable]] = []
    offset = 0
    for document_id, external_id, text in _texts(project, in_scope):
        who = sorted(worked[document_id])
        layers = {a: sorted(spans.get(document_id, {}).get(a, [])) for a in who}
        local = _Tally()
        tokens = _token_labels(text, layers)
        _tally_document(local, layers, tokens, everyone=len(who) == len(ids))
        _merge(tally, local)
        units = _units(layers, {a: i for i, a in enumerate(who)}, 0)
        doc_scores = _scores(local, unitizing_alpha(units, len(who), 0, len(text)))
        disagreements = local.exact.only_first + local.exact.only_second
        per_document.append(
            DocumentScores(
                document_id, external_id, [names[a] for a in who], doc_scores, disagreements
            )
        )
        if len(who) == len(ids):
            continuum.extend(_units(layers, {a: i for i, a in enumerate(ids)}, offset))
            offset += len(text)
    unitizing = unitizing_alpha(continuum, len(ids), 0, offset)
    overall = _scores(tally, unitizing)
    per_label = {label: _scores(tally, unitizing, only=label) for label in labels}
    pairs = [
        PairScores(
            names[a],
            names[b],
            tally.pair_documents[(a, b)],
            *_pair_f1(tally, a, b),
            cohen_kappa_from_table(tally.tables.get((a, b), Counter())),
            tally.tables.get((a, b), Counter()),
        )
        for a, b in combinations(ids, 2)
    ]
    per_document.sort(key=lambda d: (-d.disagreements, d.external_id))
    return AgreementReport(
        [names[a] for a in ids], len(in_scope), overall, per_label, pairs, per_document
    )


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


def _spans(project: Project, ids: list[int]) -> dict[int, dict[int, list[SpanTuple]]]:
    marks = ", ".join("?" * len(ids))
    result: dict[int, dict[int, list[SpanTuple]]] = {}
    for document_id, annotator_id, start, end, label in project.conn.execute(
        f'SELECT document_id, annotator_id, start, "end", label FROM spans'
        f" WHERE annotator_id IN ({marks})",
        ids,
    ):
        result.setdefault(document_id, {}).setdefault(annotator_id, []).append((start, end, label))
    return result


def _worked_on(
    project: Project, ids: list[int], spans: dict[int, dict[int, list[SpanTuple]]]
) -> dict[int, set[int]]:
    worked = {d: set(per) for d, per in spans.items()}
    marks = ", ".join("?" * len(ids))
    for document_id, annotator_id in project.conn.execute(
        f"SELECT document_id, annotator_id FROM document_status"
        f" WHERE status != 'new' AND annotator_id IN ({marks})",
        ids,
    ):
        worked.setdefault(document_id, set()).add(annotator_id)
    return worked


def _texts(project: Project, ids: list[int]) -> Iterable[tuple[int, str, str]]:
    wanted = set(ids)
    for document_id, external_id, text in project.conn.execute(
        "SELECT id, external_id, text FROM documents ORDER BY id"
    ):
        if document_id in wanted:
            yield document_id, external_id, text


# --- one document -------------------------------------------------------------------------


@dataclass
class _Tokens:
    count: int
    labels: dict[int, dict[int, str]]  # annotator -> token start -> label (O left out)


def _token_labels(text: str, layers: dict[int, list[SpanTuple]]) -> _Tokens:
    """Label the tokens spans touch; every other token is O for everyone."""
    count = len(TOKEN.findall(text))
    starts: list[int] = []
    ends: list[int] = []
    for region_start, region_end in _regions(layers):
        position = region_start
        while position > 0 and _WORD_CHAR.match(text, position - 1):
            position -= 1
        for match in TOKEN.finditer(text, position):
            if match.start() >= region_end:
                break
            if not starts or match.start() > starts[-1]:
                starts.append(match.start())
                ends.append(match.end())
    labels: dict[int, dict[int, str]] = {}
    for annotator, spans in layers.items():
        mine: dict[int, str] = {}
        for start, end, label in sorted(spans, key=lambda s: (s[0], -s[1])):
            # tokens overlapping [start, end): token end > start and token start < end
            first = bisect_right(ends, start)
            last = bisect_left(starts, end)
            for index in range(first, last):
                mine.setdefault(starts[index], label)
        labels[annotator] = mine
    return _Tokens(count, labels)


def _regions(layers: dict[int, list[SpanTuple]]) -> list[tuple[int, int]]:
    extents = sorted((s, e) for spans in layers.values() for s, e, _ in spans)
    merged: list[tuple[int, int]] = []
    for start, end in extents:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _tally_document(
    tally: _Tally, layers: dict[int, list[SpanTuple]], tokens: _Tokens, *, everyone: bool
) -> None:
    who = sorted(layers)
    for a, b in combinations(who, 2):
        tally.pair_documents[(a, b)] += 1
        for label in {s[2] for s in layers[a]} | {s[2] for s in layers[b]}:
            first = [s for s in layers[a] if s[2] == label]
            second = [s for s in layers[b] if s[2] == label]
            exact = match_spans(first, second, overlap=False)
            loose = match_spans(first, second, overlap=True)
            tally.exact += exact
            tally.overlap += loose
            tally.pair_exact[(a, b)] = tally.pair_exact.get((a, b), NO_MATCHES) + exact
            tally.pair_overlap[(a, b)] = tally.pair_overlap.get((a, b), NO_MATCHES) + loose
            tally.label_exact[label] = tally.label_exact.get(label, NO_MATCHES) + exact
            tally.label_overlap[label] = tally.label_overlap.get(label, NO_MATCHES) + loose
    touched = set().union(*(set(t) for t in tokens.labels.values())) if tokens.labels else set()
    untouched = tokens.count - len(touched)
    for a, b in combinations(who, 2):
        table = tally.tables.setdefault((a, b), Counter())
        la, lb = tokens.labels[a], tokens.labels[b]
        for token in touched:
            table[(la.get(token, OUTSIDE), lb.get(token, OUTSIDE))] += 1
        if untouched:
            table[(OUTSIDE, OUTSIDE)] += untouched
    rows = tally.all_rows if everyone else None
    layers_labels = [tokens.labels[a] for a in who]
    for token in touched:
        row = tuple(sorted([labels.get(token, OUTSIDE) for labels in layers_labels]))
        tally.some_rows[row] += 1
        if rows is not None:
            rows[row] += 1
    if untouched:
        row = (OUTSIDE,) * len(who)
        tally.some_rows[row] += untouched
        if rows is not None:
            rows[row] += untouched


def _units(
    layers: dict[int, list[SpanTuple]], rater_of: dict[int, int], offset: int
) -> list[tuple[int, int, int, Hashable]]:
    units: list[tuple[int, int, int, Hashable]] = []
    for annotator, spans in layers.items():
        kept_until: dict[str, int] = {}
        for start, end, label in sorted(spans, key=lambda s: (s[0], -s[1])):
            if start < kept_until.get(label, -1):
                continue  # overlaps a kept unit of the same label
            kept_until[label] = end
            units.append((offset + start, end - start, rater_of[annotator], label))
    return units


def _merge(into: _Tally, part: _Tally) -> None:
    into.exact += part.exact
    into.overlap += part.overlap
    for label, m in part.label_exact.items():
        into.label_exact[label] = into.label_exact.get(label, NO_MATCHES) + m
    for label, m in part.label_overlap.items():
        into.label_overlap[label] = into.label_overlap.get(label, NO_MATCHES) + m
    for pair, table in part.tables.items():
        into.tables.setdefault(pair, Counter()).update(table)
    into.pair_documents.update(part.pair_documents)
    for pair, m in part.pair_exact.items():
        into.pair_exact[pair] = into.pair_exact.get(pair, NO_MATCHES) + m
    for pair, m in part.pair_overlap.items():
        into.pair_overlap[pair] = into.pair_overlap.get(pair, NO_MATCHES) + m
    into.all_rows.update(part.all_rows)
    into.some_rows.update(part.some_rows)


# --- coefficients from a tally ------------------------------------------------------------


def _binary(value: str, label: str | None) -> str:
    if label is None:
        return value
    return label if value == label else OUTSIDE


def _collapse(rows: Counter[Row], label: str | None) -> list[tuple[Counter[Hashable], int]]:
    result: list[tuple[Counter[Hashable], int]] = []
    for row, times in rows.items():
        counts: Counter[Hashable] = Counter()
        for value in row:
            counts[_binary(value, label)] += 1
        result.append((counts, times))
    return result


def _scores(tally: _Tally, unitizing: UnitizingResult, only: str | None = None) -> Scores:
    exact = tally.exact if only is None else tally.label_exact.get(only, NO_MATCHES)
    loose = tally.overlap if only is None else tally.label_overlap.get(only, NO_MATCHES)
    kappas = []
    for table in tally.tables.values():
        binary: Counter[tuple[str, str]] = Counter()
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


def _pair_f1(tally: _Tally, a: int, b: int) -> tuple[float | None, float | None]:
    return (
        tally.pair_exact.get((a, b), NO_MATCHES).f1,
        tally.pair_overlap.get((a, b), NO_MATCHES).f1,
    )
