"""Bulk writes for imports: time-ordered span ids, many rows per statement."""

from __future__ import annotations

import json
import uuid

import pytest

from app.text.canonical import sha256
from storage import Project, ProjectError, Span
from storage import ids as span_ids
from storage.documents import NewDocument
from storage.spans import SPAN_COLUMNS, encode_attrs


def test_span_ids_are_uuid7_strings_in_creation_order() -> None:
    made = span_ids.new_ids(600) + span_ids.new_ids(1) + [span_ids.new_id()]
    assert made == sorted(made)
    assert len(set(made)) == len(made)
    for text in (made[0], made[255], made[256], made[-1]):
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert (parsed.version, parsed.variant) == (7, uuid.RFC_4122)
    assert span_ids.new_ids(0) == []


def test_span_ids_keep_increasing_when_the_clock_goes_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = span_ids.new_ids(3)
    monkeypatch.setattr(span_ids.time, "time_ns", lambda: 0)
    after = span_ids.new_ids(3)
    assert before + after == sorted(before + after)


def test_span_ids_move_on_a_millisecond_when_the_counter_is_spent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(span_ids, "_counter", (1 << 48) - 2)
    first = span_ids.new_ids(1)
    second = span_ids.new_ids(5)  # would overflow 48 bits: a fresh counter, a later ms
    assert first + second == sorted(first + second)
    assert int(second[0][:8] + second[0][9:13], 16) > int(first[0][:8] + first[0][9:13], 16)


def _doc(n: int) -> NewDocument:
    text = f"نص رقم {n}"
    meta = {"agency": "وكالة"} if n % 2 else None
    return NewDocument(external_id=f"d{n}", text=text, sha256=sha256(text), meta=meta)


def test_add_many_hands_out_the_ids_sqlite_would(project: Project) -> None:
    with project.transaction():
        first = project.documents.add(_doc(0), imported_at="t")
        ids = project.documents.add_many([_doc(n) for n in range(1, 5)], imported_at="t")
        later = project.documents.add(_doc(5), imported_at="t")
    assert ids == [first + 1, first + 2, first + 3, first + 4]
    assert later == ids[-1] + 1
    stored = project.documents.get(ids[0])
    assert stored is not None
    assert (stored.external_id, stored.meta) == ("d1", {"agency": "وكالة"})
    assert project.documents.add_many([], imported_at="t") == []


def test_ids_by_digest_and_external_id_in_any_number(project: Project) -> None:
    with project.transaction():
        ids = project.documents.add_many([_doc(n) for n in range(1000)], imported_at="t")
    digests = [sha256(f"نص رقم {n}") for n in range(0, 2000, 2)]
    found = project.documents.ids_by_sha256(digests)
    assert len(found) == 500 and found[digests[3]] == ids[6]
    wanted = [f"d{n}" for n in range(990, 1010)]
    assert project.documents.ids_by_external_ids(wanted) == {
        f"d{n}": ids[n] for n in range(990, 1000)
    }


def test_add_rows_and_log_changes(project: Project) -> None:
    alice = project.annotator("alice")
    with project.transaction():
        (doc,) = project.documents.add_many([_doc(7)], imported_at="t")
        rows = [
            (i, doc, alice.id, 0, 2, "ACTOR", "نص", encode_attrs(attrs), "t", "t")
            for i, attrs in zip(span_ids.new_ids(2), ({}, {"b": 1, "a": "ع"}), strict=True)
        ]
        project.spans.add_rows(rows)
        project.log_changes([("alice", "document.import", doc, None, None, '{"spans": 2}')])
    assert len(SPAN_COLUMNS.split(",")) == len(rows[0])
    spans = project.spans.for_document(doc)
    assert sorted((span.attrs for span in spans), key=len) == [{}, {"a": "ع", "b": 1}]
    assert encode_attrs({"b": 1, "a": "ع"}) == json.dumps(
        {"a": "ع", "b": 1}, ensure_ascii=False, sort_keys=True
    )
    (logged,) = project.conn.execute(
        "SELECT annotator, action, document_id, after FROM changes WHERE action = ?",
        ("document.import",),
    ).fetchall()
    assert logged == ("alice", "document.import", doc, '{"spans": 2}')


def test_by_document_gives_each_documents_spans_of_the_chosen_layers(project: Project) -> None:
    alice, bob = project.annotator("alice"), project.annotator("bob")
    with project.transaction():
        docs = project.documents.add_many([_doc(n) for n in range(4)], imported_at="t")
    made = {}
    for number, (doc, who, attrs) in enumerate(
        [(docs[0], "alice", {}), (docs[0], "bob", {"b": [1]}), (docs[2], "alice", {"q": "ع"})]
    ):
        span = Span(f"u{number}", doc, who, 0, 2, "ACTOR", "", attrs)
        made[f"u{number}"] = project.spans.create(span, by=who)
    everything = list(project.spans.by_document([alice, bob]))
    assert [doc for doc, _ in everything] == [docs[0], docs[2]]
    for doc, spans in everything:
        assert sorted(spans, key=lambda s: s.uuid) == project.spans.for_document(doc)
        assert all(type(span) is Span and span == made[span.uuid] for span in spans)
    assert [(doc, [s.uuid for s in spans]) for doc, spans in project.spans.by_document([bob])] == [
        (docs[0], ["u1"])
    ]
    assert list(project.spans.by_document([])) == []


def test_bulk_writes_settings_are_restored(project: Project) -> None:
    def settings() -> tuple[int, int, int]:
        conn = project.conn
        return (
            conn.execute("PRAGMA cache_size").fetchone()[0],
            conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0],
            conn.execute("PRAGMA foreign_keys").fetchone()[0],
        )

    before = settings()
    assert before[2] == 1
    with pytest.raises(RuntimeError), project.bulk_writes():
        assert settings() == (-65536, 16384, 0)
        raise RuntimeError("an import that fails")
    assert settings() == before


@pytest.mark.parametrize(
    "wrong",
    [
        {"label": "NOT_A_LABEL"},
        {"annotator_id": 999},
        {"document_id": 999},
        {"document_id": 0},
    ],
)
def test_spans_added_without_foreign_keys_are_checked_before_the_commit(
    project: Project, wrong: dict[str, object]
) -> None:
    """Inside bulk_writes SQLite does not check the references of each span; the writer
    checks those it added with one query, and a dangling one stores nothing."""
    doc = project.documents.add(
        NewDocument(external_id="d", text="قصف في حلب", sha256=sha256("قصف في حلب")),
        imported_at="2026-01-01",
    )
    alice = project.annotator("alice").id
    good = {"document_id": doc, "annotator_id": alice, "label": "LOCATION"}

    def row(uid: str, values: dict[str, object]) -> tuple[object, ...]:
        span = {**good, **values}
        return (uid, span["document_id"], span["annotator_id"], 7, 10, span["label"], "حلب")

    with project.transaction():
        project.spans.add_rows([(*row("kept", {}), "{}", "t", "t")])
    spans = project.spans
    with project.bulk_writes():
        with pytest.raises(ProjectError, match="not in the project"), project.transaction():
            since = spans.last_row()
            spans.add_rows(
                [(*row("fine", {}), "{}", "t", "t"), (*row("bad", wrong), "{}", "t", "t")]
            )
            spans.check_references(since)
        with project.transaction():  # what is right passes
            since = spans.last_row()
            spans.add_rows([(*row("fine", {}), "{}", "t", "t")])
            spans.check_references(since)
    stored = [r[0] for r in project.conn.execute("SELECT uuid FROM spans ORDER BY rowid")]
    assert stored == ["kept", "fine"]
    assert project.conn.execute("PRAGMA foreign_key_check").fetchall() == []
