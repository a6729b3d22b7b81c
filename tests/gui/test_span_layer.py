"""SpanLayer: the open document's spans, sorted, found without scans, made into records
only when read. No Qt needed."""

from __future__ import annotations

from pathlib import Path

from app.ui.layer import SpanLayer, differing, order
from storage import Span
from storage.spans import LayerRow

ATTRS = {"d": {"value": 13}}


def row(uuid: str, start: int, end: int, label: str, text: str = "") -> LayerRow:
    return (uuid, start, end, label, text or "x" * (end - start))


def record(r: LayerRow) -> Span:
    uuid, start, end, label, text = r
    return Span(uuid, 7, "alice", start, end, label, text, ATTRS.get(uuid, {}))


def make_layer(rows: list[LayerRow]) -> tuple[SpanLayer, list[str]]:
    made: list[str] = []

    def make(r: LayerRow) -> Span:
        made.append(r[0])
        return record(r)

    return SpanLayer(rows, make), made


# Rows come from SQLite ordered by start only: ties in any order.
ROWS = [
    row("c", 0, 5, "LOCATION"),
    row("a", 0, 5, "ACTOR"),
    row("b", 0, 3, "DATE"),
    row("long", 2, 400, "ACTOR"),
    row("d", 10, 12, "ACTOR"),
    row("e", 300, 310, "DATE"),
]


def test_sorted_by_start_end_label_uuid() -> None:
    layer, _ = make_layer(ROWS)
    assert [s.uuid for s in layer] == ["b", "a", "c", "long", "d", "e"]
    assert [order(s) for s in layer] == sorted(order(s) for s in layer)
    assert len(layer) == 6
    assert [s.uuid for s in layer[1:3]] == ["a", "c"]


def test_records_are_made_when_read_and_once() -> None:
    layer, made = make_layer(ROWS)
    assert made == []
    first = layer.get("d")
    assert first is not None and first.attrs == {"value": 13} and first.end == 12
    assert layer.get("d") is first and layer[4] is first
    assert made == ["d"]
    assert layer.get("nope") is None


def test_row_of_and_insertion_row() -> None:
    layer, _ = make_layer(ROWS)
    assert [layer.row_of(u) for u in ("b", "a", "c", "long", "d", "e")] == list(range(6))
    assert layer.row_of("nope") is None
    new = record(row("z", 10, 11, "ACTOR"))
    assert layer.insertion_row(new) == 4


def test_overlapping_finds_long_spans_that_start_far_before() -> None:
    layer, made = make_layer(ROWS)
    assert [s.uuid for s in layer.overlapping(300, 301)] == ["long", "e"]
    assert [s.uuid for s in layer.overlapping(5, 10)] == ["long"]
    assert [s.uuid for s in layer.overlapping(0, 1)] == ["b", "a", "c"]
    assert layer.overlapping(400, 500) == []
    assert set(made) == {"long", "e", "b", "a", "c"}  # only what was asked for


def test_insert_and_remove_keep_order_and_lookups() -> None:
    layer, _ = make_layer(ROWS)
    span = record(row("z", 500, 900, "ACTOR"))
    at = layer.insertion_row(span)
    layer.insert(at, span)
    assert layer[at] is span and layer.row_of("z") == at == 6
    assert [s.uuid for s in layer.overlapping(899, 900)] == ["z"]  # longest span grew
    layer.remove(layer.row_of("a") or 0)
    assert layer.get("a") is None and [s.uuid for s in layer][:2] == ["b", "c"]


def test_differing_finds_stored_texts_that_no_longer_match() -> None:
    text = "abcdefghij" * 50
    rows = [
        row("ok", 0, 3, "ACTOR", text="abc"),
        row("bad", 3, 6, "ACTOR", text="xyz"),
        row("short", 6, 8, "ACTOR", text="g"),
    ]
    assert differing(rows, text) == {"bad", "short"}


def test_layer_rows_make_the_records_for_document_gives(project_path: Path) -> None:
    from storage import open_project
    from tests.gui.conftest import ARTICLES

    text = ARTICLES[0]["text"]
    with open_project(project_path) as project:
        for n, word in enumerate(("المرصد", "ثلاثة عشر", "الرقة")):
            start = text.index(word)
            span = Span(f"u{n}", 1, "alice", start, start + len(word), "ACTOR", word)
            project.spans.create(span, by="alice")
        project.spans.update("u1", by="alice", attrs={"value": 13})
        alice = project.annotator("alice")
        rows = project.spans.layer_rows(1, alice.id)
        layer = SpanLayer(rows, lambda r: project.spans.layer_span(r, 1, "alice"))
        assert list(layer) == project.spans.for_document(1, "alice")
        assert layer.get("u1") is not None and layer.get("u1").attrs == {"value": 13}
