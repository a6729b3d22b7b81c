"""The corpus-wide array agreement code against the per-document code it replaced.

Random projects (real SQLite files) with overlapping, duplicate and nested spans,
annotators who only set a status, 2 to 4 annotators, emoji and Arabic marks in the text:
the report must be the same, float for float, as tests/unit/agreement/reference_study.py
computes. The helpers it is built on are checked against the Python they stand for.
"""

from __future__ import annotations

import json
import random
import statistics
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from app.agreement.arrays import exact_mean, groups, ordered_sums, sort_order
from app.agreement.study import compute_agreement
from app.agreement.tokens import TOKEN, token_bounds
from app.core.labels import default_labels
from app.text.canonical import sha256
from storage import Project, Span, open_project
from storage.clock import now
from storage.documents import NewDocument
from tests.unit.agreement import reference_study

LABELS = ["ACTOR", "LOCATION", "CASUALTY_COUNT", "DATE"]
# letters, a mark (fatha), tatweel, digits, punctuation, spaces, an emoji, a newline
PIECES = ["قصف", "حلب", "دير", "الزور", "\u064e", "ـ", "12", "٣", "،", ".", "«", "»", " ", " ",
          " ", "😢", "\n", "a", "_"]  # fmt: skip
FAST = settings(max_examples=25, deadline=None)


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 30)))


def _spans(rng: random.Random, length: int) -> list[tuple[int, int, str]]:
    spans = []
    for _ in range(rng.randint(0, 8) if length else 0):
        start = rng.randrange(length)
        spans.append((start, rng.randint(start + 1, min(length, start + 12)), rng.choice(LABELS)))
    if spans and rng.random() < 0.3:
        spans.append(rng.choice(spans))  # a duplicate
    return spans


def _build(project: Project, seed: int, annotators: int) -> list[int]:
    rng = random.Random(seed)
    names = [f"ann{i}" for i in range(annotators)]
    documents = []
    for index in range(rng.randint(1, 5)):
        text = f"{_text(rng)} {index}"  # documents are unique by their text
        with project.transaction():
            document_id = project.documents.add(
                NewDocument(external_id=f"d{index}", text=text, sha256=sha256(text), title=""),
                imported_at=now(),
            )
        documents.append(document_id)
        for name in names:
            roll = rng.random()
            if roll < 0.15:
                continue  # did not work on it
            spans = _spans(rng, len(text))
            for n, (start, end, label) in enumerate(spans):
                project.spans.create(
                    Span(f"{name}-{index}-{n}", document_id, name, start, end, label, ""), by=name
                )
            if not spans or roll > 0.8:
                _status(project, document_id, name, "done" if roll > 0.5 else "in_progress")
    return documents


def _status(project: Project, document_id: int, name: str, status: str) -> None:
    ids = {a.name: a.id for a in project.annotators()}
    if name not in ids:
        return  # an annotator without any span anywhere yet: not in the project
    project.status.set(document_id, ids[name], status, by=name)


def _same_report(project: Project, **kwargs: object) -> None:
    ours = compute_agreement(project, **kwargs)  # type: ignore[arg-type]
    theirs = reference_study.compute_agreement(project, **kwargs)  # type: ignore[arg-type]
    # JSON text: floats compared exactly (repr round-trips), None and ordering included
    assert json.dumps(ours.as_json()) == json.dumps(theirs.as_json())
    assert [d.document_id for d in ours.per_document] == [
        d.document_id for d in theirs.per_document
    ]


@FAST
@given(seed=st.integers(0, 10**6), annotators=st.integers(2, 4))
def test_matches_the_per_document_code(seed: int, annotators: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.tawsim"
        with open_project(path, create=True, labels=default_labels()) as project:
            documents = _build(project, seed, annotators)
            names = [a.name for a in project.annotators() if a.kind == "human"]
            if len(names) < 2:
                return
            _same_report(project)
            _same_report(project, annotators=names[::-1][:2])
            _same_report(project, document_ids=set(documents[::2]))


def test_bench_like_document_matches(project: Project, add_document) -> None:  # type: ignore[no-untyped-def]
    """Three annotators on longer texts, the shape of the benchmark corpus."""
    rng = random.Random(7)
    for index in range(6):
        text = " ".join(
            rng.choice(["قصف", "مدينة", "حلب،", "وقتل", "12", "مدنيا."]) for _ in range(80)
        )
        document_id = add_document(text, f"long-{index}")
        base = _spans(rng, len(text)) + _spans(rng, len(text))
        for name in ("alice", "bob", "carol"):
            layer = [s if rng.random() < 0.7 else (s[0], s[1], rng.choice(LABELS)) for s in base]
            for n, (start, end, label) in enumerate(layer):
                project.spans.create(
                    Span(f"{name}-{index}-{n}", document_id, name, start, end, label, ""), by=name
                )
    _same_report(project)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.sampled_from([*PIECES, "\u0670", "\u2028", "\xa0", "🇸🇾"]), max_size=40).map("".join)
)
def test_token_bounds_are_the_regex_tokens(text: str) -> None:
    starts, ends = token_bounds(text)
    found = [(m.start(), m.end()) for m in TOKEN.finditer(text)]
    assert list(zip(starts.tolist(), ends.tolist(), strict=True)) == found


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-1.0, 1.0, allow_nan=False), min_size=1, max_size=6))
def test_exact_mean_is_statistics_mean(values: list[float]) -> None:
    assert exact_mean(values) == statistics.mean(values)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.floats(-1e6, 1e6, allow_nan=False))))
def test_ordered_sums_add_left_to_right(items: list[tuple[int, float]]) -> None:
    items.sort(key=lambda item: item[0])  # stable: the adding order within a group stays
    expected = [0.0] * 6
    for group, value in items:
        expected[group] += value
    group = np.array([g for g, _ in items], dtype=np.int64)
    values = np.array([v for _, v in items], dtype=np.float64)
    assert ordered_sums(group, values, 6).tolist() == expected


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.integers(-3, 3), st.integers(0, 2**40), st.integers(-5, 5))),
    st.booleans(),
)
def test_sort_order_and_groups_follow_the_columns(
    rows: list[tuple[int, int, int]], huge: bool
) -> None:
    columns = [np.array([r[i] for r in rows], dtype=np.int64) for i in range(3)]
    if huge and rows:  # too wide for one combined key: the lexsort path
        columns[1] = columns[1] * 2**22
    expected = sorted(range(len(rows)), key=lambda i: tuple(int(c[i]) for c in columns))
    assert sort_order(*columns).tolist() == expected
    order, starts, ids = groups(*columns)
    keys = [tuple(int(c[i]) for c in columns) for i in order.tolist()]
    assert len(starts) == len(set(keys))
    assert all(keys[s] != keys[s - 1] for s in starts.tolist()[1:])
    assert ids.tolist() == sorted(ids.tolist())
