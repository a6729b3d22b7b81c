"""Annotate all occurrences: plan, apply in one transaction, undo exactly."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from app.core.annotate_all import apply_annotate_all, plan_annotate_all, undo_annotate_all
from storage import Project, Span
from storage.ids import new_id

AddDocument = Callable[..., int]

FIRST = "😢 قصف على دَير الزور. وبدير الزور قتلى، ودير الزور تحت الحصار. مدير الزور ليس هنا."
SECOND = "📍 نزوح من دير الزور إلى الرقة، ولدير الزور حكاية."


def tag(project: Project, document_id: int, text: str, needle: str, **attrs: object) -> Span:
    start = text.index(needle)
    span = Span(
        uuid=new_id(),
        document_id=document_id,
        annotator="mona",
        start=start,
        end=start + len(needle),
        label="LOCATION",
        text=needle,
        attrs=dict(attrs),
    )
    return project.spans.create(span, by="mona")


def texts(project: Project, annotator: str = "mona") -> list[tuple[int, str]]:
    spans = project.spans.for_document(1, annotator) + project.spans.for_document(2, annotator)
    return sorted((s.document_id, s.text) for s in spans)


@pytest.fixture
def two_documents(add_document: AddDocument) -> tuple[int, int]:
    return add_document(FIRST, external_id="a"), add_document(SECOND, external_id="b")


def test_plan_in_the_document_lists_the_other_occurrences(
    project: Project, two_documents: tuple[int, int]
) -> None:
    first, _ = two_documents
    source = tag(project, first, FIRST, "دَير الزور", canonical="دير الزور")
    plan = plan_annotate_all(project, "mona", source)
    assert plan.per_document == {first: 2}
    assert [FIRST[o.start : o.end] for o in plan.occurrences] == ["دير الزور", "دير الزور"]
    # The hits leave the proclitics out: 'وبدير' and 'ودير' keep their و/ب outside.
    assert [FIRST[o.start - 1] for o in plan.occurrences] == ["ب", "و"]
    assert (plan.label, plan.attrs) == ("LOCATION", {"canonical": "دير الزور"})


def test_plan_over_the_corpus_counts_per_document(
    project: Project, two_documents: tuple[int, int]
) -> None:
    first, second = two_documents
    source = tag(project, first, FIRST, "دَير الزور")
    plan = plan_annotate_all(project, "mona", source, scope="corpus")
    assert plan.per_document == {first: 2, second: 2}
    assert plan.total == 4
    emoji_hit = next(o for o in plan.occurrences if o.document_id == second)
    assert (emoji_hit.start, emoji_hit.end) == (10, 19)  # code points: the emoji counts once
    assert SECOND[emoji_hit.start : emoji_hit.end] == "دير الزور"


def test_places_this_annotator_already_tagged_are_left_out(
    project: Project, two_documents: tuple[int, int]
) -> None:
    first, _ = two_documents
    source = tag(project, first, FIRST, "دَير الزور")
    # An overlapping span of another label counts; another annotator's span does not.
    start = FIRST.index("وبدير") + 2
    project.spans.create(Span(new_id(), first, "mona", start, start + 3, "ACTOR", "دير"), by="mona")
    start = FIRST.index("ودير") + 1
    project.spans.create(
        Span(new_id(), first, "omar", start, start + 9, "LOCATION", "دير الزور"), by="omar"
    )
    plan = plan_annotate_all(project, "mona", source)
    assert [(o.start, o.end) for o in plan.occurrences] == [(start, start + 9)]


def test_apply_creates_logged_spans_in_one_transaction_and_is_idempotent(
    project: Project, two_documents: tuple[int, int]
) -> None:
    first, second = two_documents
    source = tag(project, first, FIRST, "دَير الزور", canonical="دير الزور")
    creations = "SELECT count(*) FROM changes WHERE action = 'span.create'"
    log_before = project.conn.execute(creations).fetchone()[0]
    plan = plan_annotate_all(project, "mona", source, scope="corpus")
    created = apply_annotate_all(project, "mona", plan, by="mona")
    assert len(created) == 4
    assert {s.label for s in created} == {"LOCATION"}
    assert all(s.attrs == {"canonical": "دير الزور"} for s in created)
    stored = [project.spans.get(s.uuid) for s in created]
    assert stored == created
    logged = project.conn.execute(
        "SELECT span_uuid, after FROM changes WHERE action = 'span.create' ORDER BY seq"
    ).fetchall()[-4:]
    assert [uuid for uuid, _ in logged] == [s.uuid for s in created]
    assert json.loads(logged[0][1])["text"] == "دير الزور"
    log_after = project.conn.execute(creations).fetchone()[0]
    assert log_after - log_before == 4
    # Run again (a fresh plan, or the same plan twice): nothing left to tag.
    assert plan_annotate_all(project, "mona", source, scope="corpus").total == 0
    assert apply_annotate_all(project, "mona", plan, by="mona") == []
    assert sorted(texts(project)) == sorted(
        [(first, "دَير الزور"), (first, "دير الزور"), (first, "دير الزور")]
        + [(second, "دير الزور")] * 2
    )


def test_undo_deletes_exactly_the_created_spans(
    project: Project, two_documents: tuple[int, int]
) -> None:
    first, _ = two_documents
    source = tag(project, first, FIRST, "دَير الزور")
    other = tag(project, first, FIRST, "الحصار")
    before = texts(project)
    created = apply_annotate_all(
        project, "mona", plan_annotate_all(project, "mona", source, scope="corpus"), by="mona"
    )
    assert undo_annotate_all(project, created, by="mona") == 4
    assert texts(project) == before
    assert project.spans.get(source.uuid) == source
    assert project.spans.get(other.uuid) == other
    deletions = project.conn.execute(
        "SELECT span_uuid FROM changes WHERE action = 'span.delete' ORDER BY seq"
    ).fetchall()
    assert [row[0] for row in deletions] == [s.uuid for s in created]
    # Undoing twice deletes nothing more.
    assert undo_annotate_all(project, created, by="mona") == 0


def test_a_failure_rolls_the_whole_action_back(
    project: Project, two_documents: tuple[int, int]
) -> None:
    first, _ = two_documents
    source = tag(project, first, FIRST, "دَير الزور")
    plan = plan_annotate_all(project, "mona", source, scope="corpus")
    bad = plan.occurrences[-1]
    broken = type(plan)(
        annotator=plan.annotator,
        label=plan.label,
        attrs=plan.attrs,
        query=plan.query,
        scope=plan.scope,
        occurrences=(*plan.occurrences[:-1], type(bad)(bad.document_id, bad.start, 999, "x")),
    )
    count = project.spans.count()
    with pytest.raises(Exception, match="outside document"):
        apply_annotate_all(project, "mona", broken, by="mona")
    assert project.spans.count() == count


def test_scope_must_be_document_or_corpus(project: Project, two_documents: tuple[int, int]) -> None:
    source = tag(project, two_documents[0], FIRST, "دَير الزور")
    with pytest.raises(ValueError, match="scope"):
        plan_annotate_all(project, "mona", source, scope="everything")  # type: ignore[arg-type]
