"""The document list a page at a time, its filters, and per-annotator status."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from storage import Project, ProjectError, Span
from storage.documents import ListQuery

AddDocument = Callable[..., int]


@pytest.fixture
def ids(project: Project, add_document: AddDocument) -> list[int]:
    """25 documents; titles alternate between Aleppo and Damascus."""
    return [
        add_document(
            f"نص المقال رقم {n} " + "ـ" * n,
            external_id=f"art-{n:02d}",
            title=("حلب" if n % 2 else "دمشق") + f" {n}",
        )
        for n in range(25)
    ]


@pytest.fixture
def alice(project: Project) -> int:
    return project.annotator("alice").id


def test_count_and_pages_in_import_order(project: Project, ids: list[int], alice: int) -> None:
    query = ListQuery(alice)
    assert project.documents.count() == 25
    assert project.documents.count(query) == 25
    first = project.documents.page(query, 0, 10)
    assert [row.id for row in first] == ids[:10]
    assert [row.id for row in project.documents.page(query, 20, 10)] == ids[20:]
    assert project.documents.page(query, 30, 10) == []
    row = first[3]
    assert (row.external_id, row.title, row.status, row.span_count) == (
        "art-03",
        "حلب 3",
        "new",
        0,
    )
    assert row.length == len("نص المقال رقم 3 ") + 3


def test_page_counts_only_this_annotators_spans(
    project: Project, ids: list[int], alice: int
) -> None:
    doc = ids[0]
    text = project.documents.get(doc)
    assert text is not None
    for uuid, who in (("a1", "alice"), ("a2", "alice"), ("b1", "bob")):
        project.spans.create(Span(uuid, doc, who, 0, 2, "ACTOR", ""), by=who)
    bob = project.annotator("bob").id
    assert project.documents.page(ListQuery(alice), 0, 1)[0].span_count == 2
    assert project.documents.page(ListQuery(bob), 0, 1)[0].span_count == 1
    assert project.documents.row(doc, alice) == project.documents.page(ListQuery(alice), 0, 1)[0]


def test_status_filters(project: Project, ids: list[int], alice: int) -> None:
    bob = project.annotator("bob").id
    project.status.set(ids[0], alice, "done", by="alice")
    project.status.set(ids[1], alice, "skipped", by="alice")
    project.status.set(ids[2], alice, "in_progress", by="alice")
    project.status.set(ids[3], bob, "done", by="bob")

    def listed(status: str, annotator: int = alice) -> list[int]:
        query = ListQuery(annotator, status=status)
        rows = project.documents.page(query, 0, 100)
        assert project.documents.count(query) == len(rows)
        return [row.id for row in rows]

    assert listed("done") == [ids[0]]
    assert listed("skipped") == [ids[1]]
    assert listed("in_progress") == [ids[2]]
    assert listed("unfinished") == ids[2:]
    assert listed("new") == ids[3:]
    assert listed("all") == ids
    assert listed("done", bob) == [ids[3]]
    assert listed("unfinished", bob) == ids[:3] + ids[4:]


def test_text_filter_on_title_and_id(project: Project, ids: list[int], alice: int) -> None:
    aleppo = ListQuery(alice, text=" حلب ")
    assert project.documents.count(aleppo) == 12
    assert [r.id for r in project.documents.page(aleppo, 0, 100)] == ids[1::2]
    assert [r.id for r in project.documents.page(ListQuery(alice, text="art-1"), 0, 100)] == ids[
        10:20
    ]
    project.status.set(ids[1], alice, "done", by="alice")
    both = ListQuery(alice, status="unfinished", text="حلب")
    assert [r.id for r in project.documents.page(both, 0, 100)] == ids[3::2]


def test_position_in_the_filtered_list(project: Project, ids: list[int], alice: int) -> None:
    assert project.documents.position(ListQuery(alice), ids[7]) == 7
    aleppo = ListQuery(alice, text="حلب")
    assert project.documents.position(aleppo, ids[7]) == 3  # 1, 3, 5, 7
    assert project.documents.position(aleppo, ids[8]) is None  # filtered out
    assert project.documents.position(ListQuery(alice), 9999) is None


def test_next_unfinished_wraps_round(project: Project, ids: list[int], alice: int) -> None:
    for doc in ids[:5] + ids[6:20] + ids[21:]:
        project.status.set(doc, alice, "done", by="alice")
    # Unfinished: ids[5] and ids[20].
    assert project.documents.next_unfinished(alice, ids[5]) == ids[20]
    assert project.documents.next_unfinished(alice, ids[20]) == ids[5]  # wraps
    assert project.documents.next_unfinished(alice, ids[22]) == ids[5]
    project.status.set(ids[20], alice, "skipped", by="alice")
    assert project.documents.next_unfinished(alice, ids[5]) is None  # only itself is left
    assert project.documents.next_unfinished(alice, ids[0]) == ids[5]
    project.status.set(ids[5], alice, "done", by="alice")
    assert project.documents.next_unfinished(alice, ids[0]) is None


def test_lookups(project: Project, ids: list[int]) -> None:
    doc = project.documents.get(ids[4])
    assert doc is not None
    assert project.documents.id_by_sha256(doc.sha256) == ids[4]
    assert project.documents.id_by_external_id("art-04") == ids[4]
    assert project.documents.id_by_external_id("nope") is None
    assert project.documents.get(9999) is None
    assert project.documents.first_id() == ids[0]
    assert project.documents.ids() == ids


def test_first_id_of_an_empty_project(project: Project) -> None:
    assert project.documents.first_id() is None
    assert project.documents.ids() == []


# -- status -------------------------------------------------------------------------------------


def test_status_set_returns_previous_and_logs(project: Project, ids: list[int], alice: int) -> None:
    assert project.status.get(ids[0], alice) == "new"
    assert project.status.set(ids[0], alice, "in_progress", by="alice") == "new"
    assert project.status.set(ids[0], alice, "done", by="alice") == "in_progress"
    assert project.status.get(ids[0], alice) == "done"
    logged = project.conn.execute(
        "SELECT count(*) FROM changes WHERE action = 'status.set' AND document_id = ?", (ids[0],)
    ).fetchone()[0]
    assert logged == 2


def test_unknown_status_is_refused(project: Project, ids: list[int], alice: int) -> None:
    with pytest.raises(ProjectError, match="unknown status"):
        project.status.set(ids[0], alice, "finished", by="alice")
    assert project.status.get(ids[0], alice) == "new"


def test_status_counts(project: Project, ids: list[int], alice: int) -> None:
    bob = project.annotator("bob").id
    project.status.set(ids[0], alice, "done", by="alice")
    project.status.set(ids[1], alice, "done", by="alice")
    project.status.set(ids[2], alice, "skipped", by="alice")
    project.status.set(ids[3], alice, "in_progress", by="alice")
    project.status.set(ids[4], alice, "done", by="alice")
    project.status.set(ids[4], alice, "new", by="alice")  # set back
    project.status.set(ids[5], bob, "done", by="bob")
    assert project.status.counts(alice) == {"new": 21, "in_progress": 1, "done": 2, "skipped": 1}
    assert project.status.counts(bob) == {"new": 24, "in_progress": 0, "done": 1, "skipped": 0}


def test_touch_moves_only_new_documents(project: Project, ids: list[int], alice: int) -> None:
    project.status.touch(ids[0], alice, by="alice")
    assert project.status.get(ids[0], alice) == "in_progress"
    project.status.set(ids[1], alice, "done", by="alice")
    project.status.touch(ids[1], alice, by="alice")
    assert project.status.get(ids[1], alice) == "done"


def test_the_text_read_is_kept_only_once_committed(
    project: Project, add_document: AddDocument
) -> None:
    """Texts read outside a transaction are kept (a committed text never changes); one
    read inside a transaction that is rolled back is not, though its id is given again."""
    kept = add_document("قصف على حلب", external_id="kept")
    assert project.spans.covered_text(kept, 4, 7) == "على"
    with pytest.raises(RuntimeError), project.transaction():
        undone = add_document("نص لن يبقى", external_id="undone")
        assert project.spans.covered_text(undone, 0, 2) == "نص"
        raise RuntimeError("roll it back")
    again = add_document("غارة على دمشق", external_id="again")
    assert again == undone  # SQLite gives the rolled-back id again
    assert project.spans.covered_text(again, 0, 4) == "غارة"
    assert project.spans.covered_text(kept, 8, 11) == "حلب"
    with pytest.raises(ProjectError, match="outside document"):
        project.spans.covered_text(kept, 8, 12)
    with pytest.raises(ProjectError, match="no document"):
        project.spans.covered_text(again + 1, 0, 1)
