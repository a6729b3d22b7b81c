"""The list's fast queries (narrow index, status rows, ids by arithmetic) give exactly what
the plain join over the documents table gives, with and without gaps in the ids."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.text.canonical import sha256
from storage import DocumentRow, Project, Span, open_project, search
from storage.documents import STATUS_FILTERS, ListQuery, NewDocument
from storage.migrations import LATEST_VERSION, MIGRATIONS

AddDocument = Callable[..., int]
# Three characters or more go through the trigram index, shorter ones scan the titles.
NEEDLES = ("", "حلب", "art-1", "لا يوجد", "حل", "1", 'a"b')


def _new(text: str, external_id: str) -> NewDocument:
    return NewDocument(external_id=external_id, text=text, sha256=sha256(text), title=text)


def reference_rows(project: Project, query: ListQuery) -> list[DocumentRow]:
    """Every row of the list, the simple way: one join over the whole table."""
    where, params = query.where()
    rows = project.conn.execute(
        "SELECT d.id, d.external_id, d.title, coalesce(st.status, 'new'),"
        " (SELECT count(*) FROM spans sp WHERE sp.document_id = d.id AND sp.annotator_id = ?),"
        " d.length FROM documents d LEFT JOIN document_status st"
        f" ON st.document_id = d.id AND st.annotator_id = ?{where} ORDER BY d.id",
        [query.annotator_id, query.annotator_id, *params],
    ).fetchall()
    return [DocumentRow(*row) for row in rows]


@pytest.fixture
def listed(project: Project, add_document: AddDocument) -> tuple[Project, int]:
    """30 documents; alice has a status on some of them (one set back to new) and spans."""
    ids = [
        add_document(
            f"نص المقال رقم {n}", external_id=f"art-{n:02d}", title=("حلب" if n % 3 else "دمشق")
        )
        for n in range(30)
    ]
    alice = project.annotator("alice").id
    bob = project.annotator("bob").id
    for index, status in ((1, "done"), (2, "skipped"), (3, "in_progress"), (4, "done")):
        project.status.set(ids[index], alice, status, by="alice")
    project.status.set(ids[5], alice, "done", by="alice")
    project.status.set(ids[5], alice, "new", by="alice")  # a row that says new
    project.status.set(ids[6], bob, "done", by="bob")  # someone else's status
    project.spans.create(Span("s1", ids[7], "alice", 0, 2, "ACTOR", ""), by="alice")
    return project, alice


def check_all(project: Project, annotator: int) -> None:
    for status in STATUS_FILTERS:
        for needle in NEEDLES:
            query = ListQuery(annotator, status=status, text=needle)
            expected = reference_rows(project, query)
            assert project.documents.count(query) == len(expected), (status, needle)
            for offset in (0, 1, 5, 17, len(expected) - 1, len(expected), 40):
                for limit in (1, 7, 200):
                    got = project.documents.page(query, max(offset, 0), limit)
                    assert got == expected[max(offset, 0) : max(offset, 0) + limit], (
                        status,
                        needle,
                        offset,
                        limit,
                    )
            for index, row in enumerate(expected):
                assert project.documents.position(query, row.id) == index
            shown = {row.id for row in expected}
            for other in project.documents.ids():
                if other not in shown:
                    assert project.documents.position(query, other) is None


def test_list_queries_agree_with_the_plain_join(listed: tuple[Project, int]) -> None:
    project, alice = listed
    assert project.search.current()  # this SQLite has trigram FTS5 (3.34+)
    check_all(project, alice)


def test_list_queries_agree_when_the_search_index_is_behind(
    listed: tuple[Project, int], tmp_path: Path
) -> None:
    project, alice = listed
    other = sqlite3.connect(project.path)  # another program, one without FTS5, say
    other.execute(
        "INSERT INTO documents (external_id, title, text, length, sha256, imported_at)"
        " VALUES ('late', 'حلب متأخر', 'نص', 2, 'late-sha', 't')"
    )
    other.commit()
    other.close()
    assert not project.search.current()  # noticed: the list scans instead
    check_all(project, alice)
    assert project.documents.count(ListQuery(alice, text="متأخر")) == 1
    project.close()
    with open_project(tmp_path / "test.tawsim") as again:  # caught up when reopened
        assert again.search.current()
        assert again.documents.count(ListQuery(alice, text="متأخر")) == 1
        check_all(again, alice)


def test_list_queries_without_a_trigram_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "_supported", lambda conn: False)
    with open_project(tmp_path / "plain.tawsim", create=True) as project:
        assert not project.search.ready
        with project.transaction():
            project.documents.add(_new("حلب اليوم", "x1"), imported_at="t")
        alice = project.annotator("alice").id
        assert project.documents.count(ListQuery(alice, text="حلب")) == 1
        check_all(project, alice)


def test_list_queries_agree_when_ids_have_gaps(listed: tuple[Project, int]) -> None:
    project, alice = listed
    with project.transaction() as conn:  # no document is ever deleted today; if one is…
        conn.execute("DELETE FROM documents WHERE id IN (1, 9, 10, 30)")
    check_all(project, alice)
    bob = project.annotator("bob").id
    check_all(project, bob)


# Arabic with marks and tatweel, Latin of both cases, spaces, a quote, an emoji, a mark.
_TITLE_CHARS = 'حلبدمشقا\u064b\u0651\u0640 aAbB"*😢\u200f'


@settings(max_examples=40, deadline=None)
@given(
    titles=st.lists(st.text(_TITLE_CHARS, max_size=12), min_size=1, max_size=12),
    picks=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 12), st.integers(3, 6))),
    others=st.lists(st.text(_TITLE_CHARS, min_size=3, max_size=5), max_size=4),
)
def test_the_trigram_count_is_the_substring_count(
    titles: list[str], picks: list[tuple[int, int, int]], others: list[str]
) -> None:
    """The indexed count trusts the trigram phrase match: for any titles and needles (cut
    from the titles, or not), it is the number of titles or ids that hold the needle."""
    needles = [titles[i % len(titles)][start : start + size] for i, start, size in picks]
    with (
        tempfile.TemporaryDirectory() as folder,
        open_project(Path(folder) / "t.tawsim", create=True) as project,
    ):
        with project.transaction():
            for number, title in enumerate(titles):
                text = f"نص {number}"
                project.documents.add(
                    NewDocument(f"id-{number}", text, sha256(text), title=title),
                    imported_at="t",
                )
        assert project.search.current()
        alice = project.annotator("alice").id
        for needle in needles + others:
            query = ListQuery(alice, text=needle)
            if len(query.needle) < search.MIN_NEEDLE:
                continue
            expected = reference_rows(project, query)
            assert project.documents.count(query) == len(expected), (needle, titles)


def test_counts_by_status_come_from_the_status_rows(listed: tuple[Project, int]) -> None:
    project, alice = listed
    counts = {s: project.documents.count(ListQuery(alice, status=s)) for s in STATUS_FILTERS}
    assert counts == {
        "all": 30,
        "new": 25,
        "in_progress": 2,  # one set, one moved there by alice's span
        "done": 2,
        "skipped": 1,
        "unfinished": 27,
    }


def test_the_list_reads_the_narrow_index_not_the_table(listed: tuple[Project, int]) -> None:
    project, _ = listed

    def plan(sql: str, *args: object) -> str:
        rows = project.conn.execute(f"EXPLAIN QUERY PLAN {sql}", args).fetchall()
        return " | ".join(str(row[-1]) for row in rows)

    assert "documents_count" in plan("SELECT count(*) FROM documents")
    assert "COVERING INDEX documents_list" in plan(
        "SELECT id, external_id, title, length FROM documents d ORDER BY d.id LIMIT 5 OFFSET 9"
    )
    text_filter = "instr(d.title, ?) > 0 OR instr(d.external_id, ?) > 0"
    assert "COVERING INDEX documents_list" in plan(
        f"SELECT count(*) FROM documents d WHERE {text_filter}", "x", "x"
    )


def test_version_1_project_is_upgraded_with_a_backup(tmp_path: Path) -> None:
    """A project made by the version 1 schema gains the list indexes, data untouched."""
    path = tmp_path / "old.tawsim"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA application_id = 1413568339")  # "TAWS", as storage.project sets it
    for statement in MIGRATIONS[1]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO annotators (name, created_at) VALUES ('alice', 't')")
    for n in range(3):
        conn.execute(
            "INSERT INTO documents (external_id, title, text, length, sha256, imported_at)"
            " VALUES (?, ?, 'نص', 2, ?, 't')",
            (f"d{n}", f"حلب {n}", f"sha{n}"),
        )
    conn.close()

    with open_project(path) as project:
        assert project.conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        indexes = {
            row[0]
            for row in project.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        }
        assert {"documents_list", "documents_count"} <= indexes
        alice = project.annotator("alice").id
        query = ListQuery(alice, text="حلب 1")
        assert project.documents.count(query) == 1
        assert [row.external_id for row in project.documents.page(query, 0, 10)] == ["d1"]
        assert project.integrity_ok()
    backups = list(tmp_path.glob("old.tawsim.v1-*.bak"))
    assert len(backups) == 1
    old = sqlite3.connect(backups[0])
    assert old.execute("PRAGMA user_version").fetchone()[0] == 1
    assert old.execute("SELECT count(*) FROM documents").fetchone()[0] == 3
    old.close()
