"""The per-document agreement code that app.agreement.study replaced, kept as the oracle
its corpus-wide array version must match float for float (tests/unit/agreement/
test_study_arrays.py). Copied unchanged from app/agreement/study.py before the change;
only this docstring differs. Its own docstring followed:

Agreement between a project's annotators: which documents, tokens and units count.

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
from collections.abc import Callable, Collection, Hashable, Iterable
from dataclasses import dataclass, field
from itertools import combinations
from statistics import mean
from typing import Any

from app.agreement.measures import (
    Matches,
    Stretch,
    UnitizingResult,
    alpha_from_counts,
    cohen_kappa_from_table,
    concatenate,
    fleiss_kappa_from_counts,
    stretch_alpha,
    summarize_stretch,
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
    stretches: list[tuple[Stretch, list[int]]] = []
    for done, (document_id, external_id, text) in enumerate(_texts(project, in_scope)):
        if progress and done % PROGRESS_EVERY == 0 and not progress(done, len(in_scope)):
            raise AgreementCancelled("agreement cancelled")
        who = sorted(worked[document_id])
        everyone = len(who) == len(ids)
        layers = {a: sorted(spans.get(document_id, {}).get(a, [])) for a in who}
        local = _Tally()
        _tally_document(local, layers, _token_labels(text, layers), everyone=everyone)
        _merge(tally, local)
        stretch = summarize_stretch(_units(layers), len(who), 0, len(text))
        if everyone:
            stretches.append((stretch, who))
        exact, _ = local.matches()
        per_document.append(
            DocumentScores(
                document_id,
                external_id,
                [names[a] for a in who],
                _scores(local, stretch_alpha(stretch, len(who))),
                exact.only_first + exact.only_second,
            )
        )
    # The continuum of the documents everyone worked on, laid end to end; raters are
    # numbered by their place in ``ids`` everywhere, as in each document's stretch.
    position = {a: i for i, a in enumerate(ids)}
    unitizing = stretch_alpha(
        concatenate((s, [position[a] for a in who]) for s, who in stretches), len(ids)
    )
    overall = _scores(tally, unitizing)
    per_label = {label: _scores(tally, unitizing, only=label) for label in labels}
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
    current: tuple[int, int] = (-1, -1)
    layer: list[SpanTuple] = []
    # Rows come mostly grouped (a document's spans are written together): look the layer
    # up only when the (document, annotator) changes.
    for row in project.conn.execute(
        f'SELECT document_id, annotator_id, start, "end", label FROM spans'
        f" WHERE annotator_id IN ({marks})",
        ids,
    ):
        if row[:2] != current:
            current = row[:2]
            layer = result.setdefault(current[0], {}).setdefault(current[1], [])
        layer.append(row[2:])
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
    touched: list[int]  # starts of the tokens some span overlaps, in text order
    columns: list[list[str]]  # per annotator (in ``who`` order): each touched token's label


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
    per_annotator: list[dict[int, str]] = []
    for spans in layers.values():
        mine: dict[int, str] = {}
        for start, end, label in sorted(spans, key=lambda s: (s[0], -s[1])):
            # tokens overlapping [start, end): token end > start and token start < end
            for index in range(bisect_right(ends, start), bisect_left(starts, end)):
                mine.setdefault(index, label)
        per_annotator.append(mine)
    touched = sorted(set().union(*per_annotator)) if per_annotator else []
    columns = [[mine.get(i, OUTSIDE) for i in touched] for mine in per_annotator]
    return _Tokens(count, [starts[i] for i in touched], columns)


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
    who = list(layers)  # sorted by the caller
    label_counts = [Counter(label for _, _, label in layers[a]) for a in who]
    for (i, a), (j, b) in combinations(enumerate(who), 2):
        tally.pair_documents[(a, b)] += 1
        exact, overlap = _pair_matches(layers[a], layers[b])
        for label in label_counts[i].keys() | label_counts[j].keys():
            counts = tally.spans.setdefault((a, b, label), [0, 0, 0, 0])
            counts[0] += label_counts[i][label]
            counts[1] += label_counts[j][label]
            counts[2] += exact[label]
            counts[3] += exact[label] + overlap[label]
    untouched = tokens.count - len(tokens.touched)
    columns = tokens.columns
    for (i, a), (j, b) in combinations(enumerate(who), 2):
        table = tally.tables.setdefault((a, b), Counter())
        table.update(zip(columns[i], columns[j], strict=True))
        if untouched:
            table[(OUTSIDE, OUTSIDE)] += untouched
    rows = Counter(map(tuple, map(sorted, zip(*columns, strict=True))))
    if untouched:
        rows[(OUTSIDE,) * len(who)] += untouched
    tally.some_rows.update(rows)
    if everyone:
        tally.all_rows.update(rows)


def _pair_matches(
    first: list[SpanTuple], second: list[SpanTuple]
) -> tuple[Counter[str], Counter[str]]:
    """Per label: spans that pair up exactly, and the further ones that pair by overlap
    (the same one-to-one pairing as measures.match_spans, counted per label)."""
    left = Counter(first)
    right = Counter(second)
    shared = left & right
    exact: Counter[str] = Counter()
    for (_, _, label), n in shared.items():
        exact[label] += n
    rest_left = sorted((left - shared).elements())
    rest_right = sorted((right - shared).elements())
    overlap: Counter[str] = Counter()
    if rest_left and rest_right:
        for label, n in _overlap_pairs(rest_left, rest_right).items():
            overlap[label] += n
    return exact, overlap


def _overlap_pairs(rest_left: list[SpanTuple], rest_right: list[SpanTuple]) -> Counter[str]:
    candidates = sorted(
        (-(min(a[1], b[1]) - max(a[0], b[0])), i, j)
        for i, a in enumerate(rest_left)
        for j, b in enumerate(rest_right)
        if a[2] == b[2] and a[0] < b[1] and b[0] < a[1]
    )
    used_left: set[int] = set()
    used_right: set[int] = set()
    paired: Counter[str] = Counter()
    for _, i, j in candidates:
        if i not in used_left and j not in used_right:
            used_left.add(i)
            used_right.add(j)
            paired[rest_left[i][2]] += 1
    return paired


def _units(layers: dict[int, list[SpanTuple]]) -> list[tuple[int, int, int, Hashable]]:
    """α_u's units, raters numbered in ``layers`` order; among one annotator's
    overlapping spans of a label only the earliest-starting, longest is kept."""
    units: list[tuple[int, int, int, Hashable]] = []
    for rater, spans in enumerate(layers.values()):
        kept_until: dict[str, int] = {}
        for start, end, label in sorted(spans, key=lambda s: (s[0], -s[1])):
            if start < kept_until.get(label, -1):
                continue  # overlaps a kept unit of the same label
            kept_until[label] = end
            units.append((start, end - start, rater, label))
    return units


def _merge(into: _Tally, part: _Tally) -> None:
    for key, counts in part.spans.items():
        total = into.spans.setdefault(key, [0, 0, 0, 0])
        for index, n in enumerate(counts):
            total[index] += n
    for pair, table in part.tables.items():
        into.tables.setdefault(pair, Counter()).update(table)
    into.pair_documents.update(part.pair_documents)
    into.all_rows.update(part.all_rows)
    into.some_rows.update(part.some_rows)


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
