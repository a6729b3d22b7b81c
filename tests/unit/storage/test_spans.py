"""Span create / update / delete: one transaction and one change-log row each."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import asdict

import pytest

from storage import Project, ProjectError, Span

AddDocument = Callable[..., int]

TEXT = "😢 قتل ثلاثة مدنيين بالرقة، وفق 📍 المرصد."


def changes(project: Project, action: str) -> list[tuple[str, str | None, str | None, str]]:
    return project.conn.execute(
        "SELECT span_uuid, before, after, annotator FROM changes WHERE action = ? ORDER BY seq",
        (action,),
    ).fetchall()


def table_counts(project: Project) -> tuple[int, ...]:
    return tuple(
        project.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("spans", "changes", "annotators", "document_status")
    )


def new_span(document_id: int, start: int, end: int, text: str = "", **kw: object) -> Span:
    return Span(
        uuid=str(kw.pop("uuid", "u-1")),
        document_id=document_id,
        annotator=str(kw.pop("annotator", "alice")),
        start=start,
        end=end,
        label=str(kw.pop("label", "LOCATION")),
        text=text,
        attrs=dict(kw.pop("attrs", {})),  # type: ignore[call-overload]
    )


def test_create_stores_code_point_offsets_after_emoji(
    project: Project, add_document: AddDocument
) -> None:
    doc = add_document(TEXT)
    start = TEXT.index("الرقة")
    stored = project.spans.create(new_span(doc, start, start + 5, "الرقة"), by="alice")
    assert stored.text == "الرقة"
    assert stored.created_at and stored.updated_at
    assert project.spans.get("u-1") == stored
    assert project.spans.for_document(doc) == [stored]
    assert project.spans.for_document(doc, "alice") == [stored]
    assert project.spans.for_document(doc, "bob") == []
    # The covered text is taken from the document when the caller leaves it empty.
    after_pin = TEXT.index("المرصد")
    other = project.spans.create(
        new_span(doc, after_pin, after_pin + 6, uuid="u-2", label="ACTOR"), by="alice"
    )
    assert other.text == "المرصد"


def test_create_writes_one_change_row(project: Project, add_document: AddDocument) -> None:
    doc = add_document(TEXT)
    start = TEXT.index("الرقة")
    project.spans.create(new_span(doc, start, start + 5, attrs={"canonical": "الرقة"}), by="alice")
    rows = changes(project, "span.create")
    assert len(rows) == 1
    uuid, before, after, by = rows[0]
    assert (uuid, before, by) == ("u-1", None, "alice")
    assert after is not None
    payload = json.loads(after)
    assert (payload["start"], payload["end"], payload["label"]) == (start, start + 5, "LOCATION")
    assert payload["text"] == "الرقة"
    assert payload["attrs"] == {"canonical": "الرقة"}
    # The first edit also moves the document to "in progress" for that annotator.
    alice = project.annotator("alice")
    assert project.status.get(doc, alice.id) == "in_progress"


def test_update_writes_one_change_row_with_before_and_after(
    project: Project, add_document: AddDocument
) -> None:
    doc = add_document(TEXT)
    start = TEXT.index("الرقة")
    project.spans.create(new_span(doc, start, start + 5), by="alice")
    updated = project.spans.update("u-1", by="alice", label="ACTOR", attrs={"canonical": "x"})
    assert (updated.label, updated.attrs) == ("ACTOR", {"canonical": "x"})
    assert project.spans.get("u-1") == updated
    rows = changes(project, "span.update")
    assert len(rows) == 1
    before, after = json.loads(rows[0][1] or "{}"), json.loads(rows[0][2] or "{}")
    assert (before["label"], after["label"]) == ("LOCATION", "ACTOR")
    assert (before["attrs"], after["attrs"]) == ({}, {"canonical": "x"})


def test_delete_writes_one_change_row(project: Project, add_document: AddDocument) -> None:
    doc = add_document(TEXT)
    start = TEXT.index("الرقة")
    project.spans.create(new_span(doc, start, start + 5), by="alice")
    updated = project.spans.update("u-1", by="alice", label="ACTOR")
    project.spans.delete("u-1", by="bob")
    assert project.spans.get("u-1") is None
    assert project.spans.count() == 0
    rows = changes(project, "span.delete")
    assert len(rows) == 1
    assert rows[0][0] == "u-1"
    assert rows[0][3] == "bob"
    assert json.loads(rows[0][1] or "{}") == asdict(updated)
    assert rows[0][2] is None
    # Three span actions, three rows naming the span.
    count = project.conn.execute("SELECT count(*) FROM changes WHERE span_uuid = 'u-1'")
    assert count.fetchone()[0] == 3


def test_create_with_wrong_text_stores_nothing(project: Project, add_document: AddDocument) -> None:
    doc = add_document(TEXT)
    before = table_counts(project)
    start = TEXT.index("الرقة")
    with pytest.raises(ProjectError, match="differs"):
        project.spans.create(new_span(doc, start, start + 5, "دمشق", annotator="new"), by="new")
    assert table_counts(project) == before
    assert project.annotators() == []


@pytest.mark.parametrize(("start", "end"), [(0, len(TEXT) + 1), (-1, 3), (5, 5), (7, 4)])
def test_create_out_of_range_stores_nothing(
    project: Project, add_document: AddDocument, start: int, end: int
) -> None:
    doc = add_document(TEXT)
    before = table_counts(project)
    with pytest.raises(ProjectError):
        project.spans.create(new_span(doc, start, end), by="alice")
    assert table_counts(project) == before


def test_create_on_missing_document(project: Project) -> None:
    with pytest.raises(ProjectError, match="no document"):
        project.spans.create(new_span(42, 0, 1), by="alice")
    assert project.spans.count() == 0


def test_unknown_label_is_refused_by_the_schema(
    project: Project, add_document: AddDocument
) -> None:
    doc = add_document(TEXT)
    before = table_counts(project)
    with pytest.raises(sqlite3.IntegrityError):
        project.spans.create(new_span(doc, 2, 5, label="NOPE"), by="alice")
    assert table_counts(project) == before


def test_update_and_delete_of_a_missing_span(project: Project) -> None:
    with pytest.raises(ProjectError, match="no span"):
        project.spans.update("nope", by="alice", label="ACTOR")
    with pytest.raises(ProjectError, match="no span"):
        project.spans.delete("nope", by="alice")
    assert changes(project, "span.update") == changes(project, "span.delete") == []


def test_counts_per_annotator(project: Project, add_document: AddDocument) -> None:
    doc = add_document(TEXT)
    project.spans.create(new_span(doc, 2, 5, uuid="a"), by="alice")
    project.spans.create(new_span(doc, 2, 5, uuid="b", annotator="bob"), by="bob")
    project.spans.create(new_span(doc, 6, 11, uuid="c", annotator="bob"), by="bob")
    assert project.spans.count() == 3
    assert project.spans.count("alice") == 1
    assert project.spans.count("bob") == 2
    assert [s.uuid for s in project.spans.for_document(doc)] == ["a", "b", "c"]
