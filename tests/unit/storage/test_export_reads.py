"""The export's span reader gives what SpanStore.by_document gives, minus the timestamps."""

from __future__ import annotations

from dataclasses import replace

from app.text.canonical import sha256
from storage import Project, Span
from storage.documents import NewDocument
from storage.export_reads import spans_for_export


def _documents(project: Project, count: int) -> list[int]:
    texts = [f"قتل {n} في دير الزور" for n in range(count)]
    with project.transaction():
        return project.documents.add_many(
            [
                NewDocument(external_id=f"d{n}", text=t, sha256=sha256(t))
                for n, t in enumerate(texts)
            ],
            imported_at="t",
        )


def test_the_same_spans_as_by_document_without_timestamps(project: Project) -> None:
    alice, bob = project.annotator("alice"), project.annotator("bob")
    docs = _documents(project, 4)
    attributes = [{}, {"value": 3}, {"value": 3}, {"names": ["أ", "ب"]}, {"q": "تقريبي"}]
    for number, attrs in enumerate(attributes):
        who = "alice" if number % 2 else "bob"
        doc = docs[0] if number < 3 else docs[3]
        project.spans.create(Span(f"u{number}", doc, who, 4, 5, "ACTOR", "", attrs), by=who)
    fast = list(spans_for_export(project, [alice, bob]))
    general = list(project.spans.by_document([alice, bob]))
    assert [doc for doc, _ in fast] == [doc for doc, _ in general] == [docs[0], docs[3]]
    for (_, mine), (_, theirs) in zip(fast, general, strict=True):
        expected = [replace(s, created_at="", updated_at="") for s in theirs]
        assert sorted(mine, key=lambda s: s.uuid) == sorted(expected, key=lambda s: s.uuid)
        assert all(type(span) is Span for span in mine)
    only_bob = [
        (doc, sorted(s.uuid for s in spans)) for doc, spans in spans_for_export(project, [bob])
    ]
    assert only_bob == [(docs[0], ["u0", "u2"]), (docs[3], ["u4"])]
    assert list(spans_for_export(project, [])) == []


def test_equal_attributes_are_separate_dicts(project: Project) -> None:
    """Decoded once, but a writer that changes one span's attributes changes only that one."""
    docs = _documents(project, 2)
    for number, doc in enumerate(docs):
        span = Span(f"u{number}", doc, "alice", 0, 3, "ACTOR", "", {"value": 7})
        project.spans.create(span, by="alice")
    (_, [first]), (_, [second]) = spans_for_export(project, [project.annotator("alice")])
    assert first.attrs == second.attrs == {"value": 7}
    first.attrs["value"] = 8
    assert second.attrs == {"value": 7}
    (_, [again]), _ = spans_for_export(project, [project.annotator("alice")])
    assert again.attrs == {"value": 7}
