"""Alignment of several annotators' spans on one document into clusters, for review and gold.

A **cluster** is a maximal group of spans (of any of the annotators) that overlap each
other, directly or through a chain: spans [0, 5) and [4, 9) and [8, 12) form one cluster
[0, 12). Overlap is on the half-open extents ([a, b) and [c, d) overlap when a < d and
c < b), so spans that merely touch stay apart. Every input span lands in exactly one
cluster and clusters never overlap each other.

A cluster's **kind** says what there is to adjudicate, checked in this order:

- ``"missing"``: some annotator has no span in it (at least one tagged it, someone did
  not). It wins over the others: a missed span is the first thing a lead wants to see,
  and whether the others differ in extent or label is visible in the cluster anyway;
- ``"boundary"``: everyone has a span, but not all on the same extent (start, end);
- ``"label"``: every span has the same extent, but the labels differ (this includes one
  annotator giving the same extent two labels);
- ``"agree"``: every annotator has exactly the same single (start, end, label).

Attributes do not change the kind: two identical spans whose attributes differ are still
an agreement for gold purposes (gold takes the majority's attributes, see
:func:`majority_attrs`, and reports the difference). Duplicate copies of one
(start, end, label) in one layer count once.

Pure functions over :class:`storage.Span` records; no project, no Qt.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from storage import Span

AGREE, LABEL, BOUNDARY, MISSING = "agree", "label", "boundary", "missing"
KINDS = (AGREE, LABEL, BOUNDARY, MISSING)

# A version of a span as the adjudicator sees it: where it is and what it is.
Key = tuple[int, int, str]


def span_key(span: Span) -> Key:
    return (span.start, span.end, span.label)


@dataclass(frozen=True)
class Cluster:
    """Spans of several annotators that overlap each other (transitively)."""

    document_id: int
    start: int  # union extent, code points
    end: int
    # annotator name -> that annotator's spans in the cluster (an empty tuple when none),
    # for every annotator aligned, in the order they were given
    spans: dict[str, tuple[Span, ...]]
    kind: str  # "agree" | "label" | "boundary" | "missing"

    def votes(self) -> dict[Key, tuple[str, ...]]:
        """(start, end, label) -> the annotators who have exactly it, in annotator order;
        the versions ordered by start, end, label."""
        holders: dict[Key, list[str]] = {}
        for name, spans in self.spans.items():
            for key in dict.fromkeys(span_key(s) for s in spans):
                holders.setdefault(key, []).append(name)
        return {key: tuple(holders[key]) for key in sorted(holders)}

    def proposals(self) -> list[Key]:
        """The distinct versions proposed in the cluster, by position."""
        return list(self.votes())

    def missing(self) -> tuple[str, ...]:
        """The annotators with no span in the cluster."""
        return tuple(name for name, spans in self.spans.items() if not spans)

    def all_spans(self) -> list[Span]:
        """Every span of the cluster, by position then annotator order."""
        return sorted(
            (s for spans in self.spans.values() for s in spans),
            key=lambda s: (s.start, s.end, s.label),
        )


def align(document_id: int, layers: Mapping[str, Sequence[Span]]) -> list[Cluster]:
    """Group the spans of ``layers`` (annotator name -> their spans on ``document_id``)
    into clusters, sorted by start. An annotator given with no spans still counts: every
    cluster then misses them."""
    names = list(layers)
    tagged = [(span, name) for name in names for span in layers[name]]
    clusters: list[Cluster] = []
    for group in _overlapping_groups([(span.start, span.end) for span, _ in tagged]):
        by_name: dict[str, list[Span]] = {name: [] for name in names}
        for index in group:
            span, name = tagged[index]
            by_name[name].append(span)
        spans = {name: tuple(mine) for name, mine in by_name.items()}
        members = [tagged[index][0] for index in group]
        clusters.append(
            Cluster(
                document_id=document_id,
                start=members[0].start,
                end=max(span.end for span in members),
                spans=spans,
                kind=_kind(all(spans.values()), {span_key(s) for s in members}),
            )
        )
    return clusters


class KeyCluster(NamedTuple):
    """A cluster seen through versions only: what counting open items needs, at a
    fraction of the cost of :class:`Cluster` over a whole corpus."""

    start: int
    end: int
    kind: str
    proposals: set[Key]


def align_keys(layers: Mapping[Hashable, Sequence[Key]]) -> list[KeyCluster]:
    """:func:`align` over bare (start, end, label) versions (annotator -> versions): the
    same clusters, extents and kinds, by the same code."""
    tagged = [(key, who) for who, keys in layers.items() for key in keys]
    everyone = len(layers)
    clusters: list[KeyCluster] = []
    for group in _overlapping_groups([(key[0], key[1]) for key, _ in tagged]):
        proposals = {tagged[index][0] for index in group}
        present = len({tagged[index][1] for index in group}) == everyone
        start = tagged[group[0]][0][0]
        end = max(e for _, e, _ in proposals)
        clusters.append(KeyCluster(start, end, _kind(present, proposals), proposals))
    return clusters


def disagreements(clusters: Iterable[Cluster]) -> list[Cluster]:
    """The clusters that need an adjudicator (kind other than "agree")."""
    return [c for c in clusters if c.kind != AGREE]


def _overlapping_groups(extents: Sequence[tuple[int, int]]) -> list[list[int]]:
    """The indices of ``extents`` grouped into clusters, by start (then end) within and
    between groups."""
    order = sorted(range(len(extents)), key=extents.__getitem__)
    groups: list[list[int]] = []
    group_end = -1
    for index in order:
        start, end = extents[index]
        # Sorted by start, an extent overlaps the group exactly when it starts before the
        # group's furthest end: the chain of overlaps that joins it is already inside.
        if groups and start < group_end:
            groups[-1].append(index)
            group_end = max(group_end, end)
        else:
            groups.append([index])
            group_end = end
    return groups


def _kind(everyone: bool, keys: set[Key]) -> str:
    """The kind of a cluster: whether every annotator has a span in it, and the versions
    (start, end, label) proposed in it."""
    if not everyone:
        return MISSING
    if len({(start, end) for start, end, _ in keys}) > 1:
        return BOUNDARY
    if len(keys) > 1:
        return LABEL
    return AGREE


def majority_attrs(spans: Sequence[Span]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The attributes gold takes from ``spans`` (copies of one version by several
    annotators), and the other variants, if any.

    Equal attributes are taken as they are. When they differ, the variant most
    annotators gave wins; a tie goes to the variant of the earliest span in ``spans``
    (the caller passes them in annotator order, so the choice is stable).
    """
    if all(span.attrs == spans[0].attrs for span in spans):
        return (dict(spans[0].attrs) if spans else {}), []
    return choose_attrs([_encode(span.attrs) for span in spans])


def choose_attrs(encoded: Sequence[str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """:func:`majority_attrs` over attributes given as JSON text (as the spans table
    stores them), for jobs that read rows rather than records."""
    if not encoded:
        return {}, []
    if all(text == encoded[0] for text in encoded):
        return ({} if encoded[0] == "{}" else json.loads(encoded[0])), []
    counts: dict[str, int] = {}
    for text in encoded:
        canonical = _encode(json.loads(text))  # one spelling per value
        counts[canonical] = counts.get(canonical, 0) + 1
    # max() keeps the first of equal counts, and dicts keep insertion order.
    chosen = max(counts, key=lambda canonical: counts[canonical])
    others = [json.loads(canonical) for canonical in counts if canonical != chosen]
    return json.loads(chosen), others


def _encode(attrs: Mapping[str, Any]) -> str:
    return json.dumps(attrs, sort_keys=True, ensure_ascii=False)
