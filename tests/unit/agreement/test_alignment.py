"""Alignment of annotators' spans into clusters: worked examples and properties."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import count, pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from app.agreement.alignment import (
    AGREE,
    BOUNDARY,
    LABEL,
    MISSING,
    Cluster,
    align,
    align_keys,
    disagreements,
    majority_attrs,
    span_key,
)
from storage import Span

TEXT = "قصف الطيران بدير الزور وقتل ثلاثة عشر مدنياً"
_ids = count()


def span(
    who: str, needle: str, label: str, *, attrs: dict[str, object] | None = None, doc: int = 1
) -> Span:
    start = TEXT.index(needle)
    return Span(
        f"{who}-{next(_ids)}", doc, who, start, start + len(needle), label, needle, attrs or {}
    )


def test_identical_spans_agree_and_vote_together() -> None:
    layers = {who: [span(who, "دير الزور", "LOCATION")] for who in ("amal", "bilal")}
    [cluster] = align(1, layers)
    assert cluster.kind == AGREE
    start = TEXT.index("دير الزور")
    assert (cluster.start, cluster.end) == (start, start + len("دير الزور"))
    assert cluster.votes() == {(start, start + 9, "LOCATION"): ("amal", "bilal")}
    assert disagreements([cluster]) == []


def test_same_extent_other_label_is_a_label_disagreement() -> None:
    layers = {
        "amal": [span("amal", "الطيران", "ACTOR")],
        "bilal": [span("bilal", "الطيران", "LOCATION")],
    }
    [cluster] = align(1, layers)
    assert cluster.kind == LABEL
    assert list(cluster.votes().values()) == [("amal",), ("bilal",)]
    assert disagreements([cluster]) == [cluster]


def test_a_kept_proclitic_is_a_boundary_disagreement() -> None:
    layers = {
        "amal": [span("amal", "دير الزور", "LOCATION")],
        "bilal": [span("bilal", "بدير الزور", "LOCATION")],
    }
    [cluster] = align(1, layers)
    assert cluster.kind == BOUNDARY
    assert TEXT[cluster.start : cluster.end] == "بدير الزور"  # the union of both


def test_an_annotator_without_a_span_makes_it_missing_even_over_other_differences() -> None:
    layers = {
        "amal": [span("amal", "دير الزور", "LOCATION")],
        "bilal": [span("bilal", "بدير الزور", "ACTOR")],
        "salma": [],
    }
    [cluster] = align(1, layers)
    assert cluster.kind == MISSING  # missing > boundary > label
    assert cluster.missing() == ("salma",)
    assert cluster.spans["salma"] == ()
    assert list(cluster.spans) == ["amal", "bilal", "salma"]


def test_boundary_wins_over_label() -> None:
    layers = {
        "amal": [span("amal", "ثلاثة عشر", "CASUALTY_COUNT")],
        "bilal": [span("bilal", "ثلاثة", "DATE")],
    }
    assert align(1, layers)[0].kind == BOUNDARY


def test_differing_attributes_still_agree() -> None:
    layers = {
        "amal": [span("amal", "ثلاثة عشر", "CASUALTY_COUNT", attrs={"value": 13})],
        "bilal": [span("bilal", "ثلاثة عشر", "CASUALTY_COUNT", attrs={"value": 12})],
    }
    assert align(1, layers)[0].kind == AGREE


def test_overlaps_chain_into_one_cluster_and_touching_spans_stay_apart() -> None:
    # "قصف الطيران" and "الطيران بدير" overlap; "بدير الزور" overlaps the second only.
    layers = {
        "amal": [span("amal", "قصف الطيران", "ACTOR"), span("amal", "بدير الزور", "LOCATION")],
        "bilal": [span("bilal", "الطيران بدير", "ACTOR")],
        "salma": [span("salma", "وقتل", "ACTOR")],
    }
    clusters = align(1, layers)
    assert [TEXT[c.start : c.end] for c in clusters] == ["قصف الطيران بدير الزور", "وقتل"]
    # "قصف" ends where " " starts: a span ending at x and one starting at x do not overlap.
    touching = {
        "amal": [Span("t1", 1, "amal", 0, 3, "ACTOR", "قصف")],
        "bilal": [Span("t2", 1, "bilal", 3, 11, "ACTOR", TEXT[3:11])],
    }
    assert [(c.start, c.end) for c in align(1, touching)] == [(0, 3), (3, 11)]


def test_two_labels_on_one_extent_by_one_annotator_is_a_label_disagreement() -> None:
    layers = {
        "amal": [span("amal", "الطيران", "ACTOR"), span("amal", "الطيران", "LOCATION")],
        "bilal": [span("bilal", "الطيران", "ACTOR")],
    }
    assert align(1, layers)[0].kind == LABEL


def test_majority_attributes_and_the_rest() -> None:
    ten = span("amal", "ثلاثة", "CASUALTY_COUNT", attrs={"value": 10})
    twelve = span("bilal", "ثلاثة", "CASUALTY_COUNT", attrs={"value": 12})
    ten_again = span("salma", "ثلاثة", "CASUALTY_COUNT", attrs={"value": 10})
    assert majority_attrs([twelve, ten, ten_again]) == ({"value": 10}, [{"value": 12}])
    # a tie goes to the first given
    assert majority_attrs([twelve, ten]) == ({"value": 12}, [{"value": 10}])
    assert majority_attrs([ten, ten_again]) == ({"value": 10}, [])
    assert majority_attrs([]) == ({}, [])


# --- properties --------------------------------------------------------------------------

NAMES = ("amal", "bilal", "salma", "nour")


@st.composite
def layer_sets(draw: st.DrawFn) -> dict[str, list[Span]]:
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True))
    layers: dict[str, list[Span]] = {}
    for name in names:
        spans = []
        for n in range(draw(st.integers(0, 7))):
            start = draw(st.integers(0, 40))
            end = start + draw(st.integers(1, 8))
            label = draw(st.sampled_from(("ACTOR", "LOCATION")))
            spans.append(Span(f"{name}-{n}", 7, name, start, end, label, "x" * (end - start)))
        layers[name] = spans
    return layers


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _connected(spans: Sequence[Span]) -> bool:
    seen = {0}
    todo = [0]
    while todo:
        here = spans[todo.pop()]
        for index, other in enumerate(spans):
            if index not in seen and _overlap(here, other):
                seen.add(index)
                todo.append(index)
    return len(seen) == len(spans)


def _expected_kind(cluster: Cluster) -> str:
    if any(not mine for mine in cluster.spans.values()):
        return MISSING
    key_sets = [{span_key(s) for s in mine} for mine in cluster.spans.values()]
    if all(len(keys) == 1 for keys in key_sets) and len(set.union(*key_sets)) == 1:
        return AGREE
    extents = {(s, e) for keys in key_sets for s, e, _ in keys}
    return BOUNDARY if len(extents) > 1 else LABEL


@settings(max_examples=50, deadline=None)
@given(layer_sets())
def test_every_span_in_exactly_one_cluster_and_clusters_apart(
    layers: Mapping[str, list[Span]],
) -> None:
    clusters = align(7, layers)
    placed = [s.uuid for c in clusters for mine in c.spans.values() for s in mine]
    every = [s.uuid for spans in layers.values() for s in spans]
    assert sorted(placed) == sorted(every)  # each exactly once
    for before, after in pairwise(clusters):
        assert before.end <= after.start  # sorted, and no two clusters overlap
    for cluster in clusters:
        assert list(cluster.spans) == list(layers)  # every annotator, in order
        members = cluster.all_spans()
        assert cluster.start == min(s.start for s in members)
        assert cluster.end == max(s.end for s in members)
        assert _connected(members)  # joined by a chain of overlaps
        assert cluster.kind == _expected_kind(cluster)
        if cluster.kind == AGREE:
            keys = {span_key(s) for s in members}
            assert len(keys) == 1
            assert all(cluster.spans[name] for name in layers)
            assert set(cluster.votes()[keys.pop()]) == set(layers)
    assert disagreements(clusters) == [c for c in clusters if c.kind != AGREE]


@settings(max_examples=50, deadline=None)
@given(layer_sets())
def test_align_keys_sees_the_same_clusters(layers: Mapping[str, list[Span]]) -> None:
    """The counting path (bare versions) and the review path (records) agree."""
    full = align(7, layers)
    bare = align_keys({name: [span_key(s) for s in spans] for name, spans in layers.items()})
    assert [(c.start, c.end, c.kind, set(c.proposals())) for c in full] == [
        (c.start, c.end, c.kind, c.proposals) for c in bare
    ]
