"""The in-scope documents and their spans as flat arrays, and every token's labels.

One query reads the spans, one the texts; everything after is array work over the
whole corpus. Documents are numbered by their place in ``documents`` (id order),
annotators by their place in ``annotators`` (id order), labels by their place in
``codes`` (sorted as strings, ``O`` among them): the order the per-document code sorted
by, so orders derived from these numbers are the ones it used.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from itertools import chain

import numpy as np
import numpy.typing as npt

from app.agreement.arrays import sort_order
from app.agreement.tokens import token_bounds
from storage import Project

OUTSIDE = "O"
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


@dataclass
class Corpus:
    annotators: list[int]  # annotator ids, sorted: column a is annotators[a]
    codes: list[str]  # label names and O, sorted; a label's code is its place here
    labels: list[str]  # the labels the chosen annotators used anywhere, sorted
    documents: list[int]  # in-scope document ids, sorted
    external_ids: list[str]
    lengths: Ints  # each document's text length in code points
    present: Bools  # documents × annotators: who worked on each document
    # in-scope spans, one entry each
    doc: Ints
    annotator: Ints
    start: Ints
    end: Ints
    label: Ints
    # tokens: how many each document has; those some span overlaps, in document then
    # text order, with their document and each annotator's label (``missing`` for an
    # annotator who did not work on the document). Every other token is O for everyone.
    token_counts: Ints
    touched_doc: Ints
    touched_labels: Ints  # touched tokens × annotators

    @property
    def outside(self) -> int:
        return self.codes.index(OUTSIDE)

    @property
    def missing(self) -> int:
        """The code of an annotator who did not work on the token's document."""
        return len(self.codes)

    @property
    def everyone(self) -> Bools:
        return np.asarray(self.present.all(axis=1))

    @property
    def untouched(self) -> Ints:
        """Per document: tokens no span overlaps."""
        touched = np.bincount(self.touched_doc, minlength=len(self.documents))
        return (self.token_counts - touched).astype(np.int64)


def load(project: Project, annotators: list[int], document_ids: Collection[int] | None) -> Corpus:
    codes = sorted({*(row[0] for row in project.conn.execute("SELECT id FROM labels")), OUTSIDE})
    doc_ids, ann, label, start, end = _spans(project, annotators, codes)
    if (label < 0).any():  # a label the labels table does not know (foreign keys off)
        codes = sorted({*codes, *_span_labels(project, annotators)})
        doc_ids, ann, label, start, end = _spans(project, annotators, codes)
    labels = [codes[c] for c in np.unique(label).tolist()]
    worked = _worked_on(project, annotators, doc_ids, ann)
    in_scope = sorted(
        d
        for d, who in worked.items()
        if len(who) >= 2 and (document_ids is None or d in document_ids)
    )
    present = np.zeros((len(in_scope), len(annotators)), dtype=bool)
    for position, document_id in enumerate(in_scope):
        present[position, sorted(worked[document_id])] = True
    external_ids, texts = _texts(project, in_scope)
    scope = np.array(in_scope, dtype=np.int64)
    place = np.searchsorted(scope, doc_ids).astype(np.int64)
    keep = place < len(scope)
    keep[keep] = scope[place[keep]] == doc_ids[keep]
    corpus = Corpus(
        annotators,
        codes,
        labels,
        in_scope,
        external_ids,
        np.array([len(t) for t in texts], dtype=np.int64),
        present,
        place[keep],
        ann[keep],
        start[keep],
        end[keep],
        label[keep],
        np.zeros(len(in_scope), dtype=np.int64),
        np.zeros(0, dtype=np.int64),
        np.zeros((0, len(annotators)), dtype=np.int64),
    )
    _label_tokens(corpus, texts)
    return corpus


def _spans(
    project: Project, annotators: list[int], codes: list[str]
) -> tuple[Ints, Ints, Ints, Ints, Ints]:
    """(document id, annotator column, label code, start, end) of every span of the
    chosen annotators. Three integers a row (no label strings) keep the read cheap."""
    marks = ", ".join("?" * len(annotators))
    cases = " ".join(f"WHEN ? THEN {i}" for i in range(len(codes)))
    rows = project.conn.execute(
        f"SELECT document_id, annotator_id * ? + (CASE label {cases} ELSE -1 END) + 1,"
        f' start * ? + "end" FROM spans WHERE annotator_id IN ({marks})',
        [len(codes) + 1, *codes, _POSITIONS, *annotators],
    )
    flat = np.fromiter(chain.from_iterable(rows), dtype=np.int64).reshape(-1, 3)
    who, label = np.divmod(flat[:, 1], len(codes) + 1)
    start, end = np.divmod(flat[:, 2], _POSITIONS)
    column = np.searchsorted(np.array(annotators, dtype=np.int64), who).astype(np.int64)
    return flat[:, 0].copy(), column, label - 1, start, end


_POSITIONS = 2**31  # start and end share one integer: start * _POSITIONS + end


def _span_labels(project: Project, annotators: list[int]) -> list[str]:
    marks = ", ".join("?" * len(annotators))
    query = f"SELECT DISTINCT label FROM spans WHERE annotator_id IN ({marks})"
    return [row[0] for row in project.conn.execute(query, annotators)]


def _worked_on(
    project: Project, annotators: list[int], doc_ids: Ints, ann: Ints
) -> dict[int, set[int]]:
    """Document id -> columns of the annotators with a span in it or a status past new."""
    worked: dict[int, set[int]] = {}
    width = len(annotators)
    for key in np.unique(doc_ids * width + ann).tolist():
        worked.setdefault(key // width, set()).add(key % width)
    column_of = {a: i for i, a in enumerate(annotators)}
    marks = ", ".join("?" * len(annotators))
    for document_id, annotator_id in project.conn.execute(
        f"SELECT document_id, annotator_id FROM document_status"
        f" WHERE status != 'new' AND annotator_id IN ({marks})",
        annotators,
    ):
        worked.setdefault(document_id, set()).add(column_of[annotator_id])
    return worked


def _texts(project: Project, ids: list[int]) -> tuple[list[str], list[str]]:
    wanted = set(ids)
    external_ids: list[str] = []
    texts: list[str] = []
    for document_id, external_id, text in project.conn.execute(
        "SELECT id, external_id, text FROM documents ORDER BY id"
    ):
        if document_id in wanted:
            external_ids.append(external_id)
            texts.append(text)
    return external_ids, texts


def _label_tokens(corpus: Corpus, texts: list[str]) -> None:
    """Each touched token's label per annotator: the label of the span overlapping it
    that starts first, then the longest (then the first label by name)."""
    if not texts:
        return
    # One text with a newline between documents: no token crosses it.
    offsets = np.zeros(len(texts), dtype=np.int64)
    offsets[1:] = np.cumsum(corpus.lengths[:-1] + 1)
    starts, ends = token_bounds("\n".join(texts))
    token_first = np.searchsorted(starts, offsets).astype(np.int64)
    token_first = np.append(token_first, len(starts))
    corpus.token_counts = np.diff(token_first)
    width = len(corpus.annotators)
    # Tokens overlapping [start, end): token end > start and token start < end, within
    # the span's own document.
    begin = offsets[corpus.doc]
    low = np.searchsorted(ends, begin + corpus.start, side="right")
    high = np.searchsorted(starts, begin + corpus.end, side="left")
    low = np.maximum(low, token_first[corpus.doc])
    high = np.minimum(high, token_first[corpus.doc + 1])
    covered = np.maximum(high - low, 0)
    # Rank the spans of each (document, annotator) by priority; the best rank wins.
    order = sort_order(corpus.doc, corpus.annotator, corpus.start, -corpus.end, corpus.label)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    first = np.cumsum(covered) - covered
    token = np.repeat(low - first, covered) + np.arange(int(covered.sum()), dtype=np.int64)
    is_touched = np.zeros(len(starts) + 1, dtype=bool)
    is_touched[token] = True
    compact = np.cumsum(is_touched) - 1  # a touched token's row
    touched = np.flatnonzero(is_touched[:-1])
    cell = compact[token] * width + np.repeat(corpus.annotator, covered)
    nobody = len(order)
    flat = np.full(len(touched) * width, nobody, dtype=np.int64)
    np.minimum.at(flat, cell, np.repeat(rank, covered))
    best = flat.reshape(len(touched), width)
    tagged = best < nobody
    labels = np.full(best.shape, corpus.outside, dtype=np.int64)
    labels[tagged] = corpus.label[order][best[tagged]]
    corpus.touched_doc = (np.searchsorted(token_first, touched, side="right") - 1).astype(np.int64)
    labels[~corpus.present[corpus.touched_doc]] = corpus.missing
    corpus.touched_labels = labels
