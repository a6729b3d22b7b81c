"""Work packages: the deal is deterministic, the overlap exact, the copies exact."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.team import meta
from app.team.packages import PackagingCancelled, assign, create_packages
from app.team.query import parse_query, select_documents
from storage import Project, ProjectError, open_project
from storage.documents import ListQuery
from storage.transfer import DOCUMENT_COLUMNS
from tests.unit.team.team_setup import span_on


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@settings(max_examples=40, deadline=None)
@given(
    count=st.integers(0, 120),
    people=st.integers(1, 5),
    overlap=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**32),
)
def test_assignment_shares_the_overlap_and_splits_the_rest_evenly(
    count: int, people: int, overlap: float, seed: int
) -> None:
    ids = list(range(1, count + 1))
    names = [f"a{i}" for i in range(people)]
    dealt = assign(ids, names, overlap=overlap, seed=seed)
    assert dealt == assign(list(reversed(ids)), names, overlap=overlap, seed=seed)
    assert abs(len(dealt.shared) - overlap * count) <= 0.5
    own = [set(dealt.own[name]) for name in names]
    assert max(map(len, own)) - min(map(len, own)) <= 1
    everything = set(dealt.shared).union(*own)
    assert everything == set(ids)
    assert len(dealt.shared) + sum(map(len, own)) == count  # nobody's share overlaps another's
    for name in names:
        assert set(dealt.shared) <= set(dealt.documents_of(name))


def test_the_seed_decides_the_deal() -> None:
    ids = list(range(1, 201))
    first = assign(ids, ["a", "b", "c"], overlap=0.2, seed=1)
    assert first == assign(ids, ["a", "b", "c"], overlap=0.2, seed=1)
    assert first != assign(ids, ["a", "b", "c"], overlap=0.2, seed=2)
    assert len(first.shared) == 40
    assert sorted(len(first.own[n]) for n in "abc") == [53, 53, 54]


def test_overlap_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ProjectError, match="between 0 and 1"):
        assign([1, 2], ["a"], overlap=1.5, seed=0)


def test_packages_hold_exact_copies_and_say_where_they_came_from(
    lead: Project, lead_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    lead.set_setting("strip_proclitics", "0")
    report = create_packages(lead, ["alice", "bob"], out, overlap=0.25, seed=5)
    assert report.selected == 12 and report.shared == 3
    assert [p.path for p in report.packages] == [out / "alice.tawsim", out / "bob.tawsim"]
    assert sorted(p.name for p in out.iterdir()) == ["alice.tawsim", "bob.tawsim"]
    documents = f"SELECT {DOCUMENT_COLUMNS} FROM documents ORDER BY id"
    everything = {row[0]: row for row in rows(lead_path, documents)}
    for package in report.packages:
        copied = rows(package.path, documents)
        assert len(copied) == package.documents == 3 + 9 // 2 + (package.annotator == "alice")
        # Every column byte for byte, ids included: text, sha256, provenance, import time.
        assert all(everything[row[0]] == row for row in copied)
        with open_project(package.path) as opened:
            values = {key: opened.setting(key) for key in (meta.PACKAGE_ANNOTATOR,)}
            assert values == {meta.PACKAGE_ANNOTATOR: package.annotator}
            assert opened.setting(meta.PACKAGE_SOURCE_ID) == lead.setting(meta.PROJECT_ID)
            assert opened.setting(meta.PACKAGE_SOURCE_PATH) == str(lead_path.resolve())
            assert opened.setting(meta.PACKAGE_ID)
            assert opened.labels.all() == lead.labels.all()
            assert opened.setting("strip_proclitics") == "0"  # the lead's choice goes along
            assert [a.name for a in opened.annotators()] == [package.annotator]
            # The title filter of the document list finds the copies (ids with gaps).
            listed = ListQuery(annotator_id=opened.annotators()[0].id, text="دير الزور")
            assert opened.documents.count(listed) == sum(
                1 for row in copied if "دير الزور" in str(row[2])
            )
    ids = {p.annotator: {r[0] for r in rows(p.path, documents)} for p in report.packages}
    assert len(ids["alice"] & ids["bob"]) == 3
    assert ids["alice"] | ids["bob"] == set(everything)
    logged = rows(lead_path, "SELECT annotator, action FROM changes WHERE action LIKE 'package%'")
    assert logged == [("lead", "package.create"), ("lead", "package.create")]


def test_the_annotators_own_spans_go_along_and_no_one_elses(lead: Project, tmp_path: Path) -> None:
    span_on(lead, 1, "حلب", "LOCATION", "bob")
    lead.status.set(2, lead.annotator("alice").id, "done", by="lead")
    report = create_packages(lead, ["alice", "bob"], tmp_path / "out", overlap=1.0)
    alice, bob = report.packages
    spans = 'SELECT uuid, document_id, start, "end", label, text, attrs, created_at, updated_at'
    expected = rows(
        lead.path,  # type: ignore[arg-type]
        f"{spans} FROM spans WHERE annotator_id = (SELECT id FROM annotators WHERE name = 'alice')"
        " ORDER BY uuid",
    )
    assert alice.spans == 3 and rows(alice.path, f"{spans} FROM spans ORDER BY uuid") == expected
    assert bob.spans == 1
    statuses = "SELECT document_id, status, updated_at FROM document_status"
    where = " WHERE annotator_id = (SELECT id FROM annotators WHERE name = 'alice') ORDER BY 1"
    shipped = rows(alice.path, f"{statuses} ORDER BY 1")
    assert shipped == rows(lead.path, statuses + where)  # type: ignore[arg-type]
    assert [status for _, status, _ in shipped] == ["in_progress", "done", "in_progress"]
    without = create_packages(lead, ["alice"], tmp_path / "bare", with_spans=False)
    assert without.packages[0].spans == 0
    assert rows(without.packages[0].path, "SELECT count(*) FROM spans") == [(0,)]


def test_the_same_seed_makes_the_same_packages(lead: Project, tmp_path: Path) -> None:
    def shares(folder: str, seed: int) -> list[list[tuple[object, ...]]]:
        report = create_packages(lead, ["a", "b", "c"], tmp_path / folder, seed=seed)
        return [rows(p.path, "SELECT external_id FROM documents") for p in report.packages]

    first = shares("one", 9)
    assert first == shares("two", 9)
    assert first != shares("three", 10)


def test_an_existing_package_is_never_overwritten(lead: Project, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "bob.tawsim").write_text("bob's work", encoding="utf-8")
    with pytest.raises(ProjectError, match=r"bob\.tawsim: already there"):
        create_packages(lead, ["alice", "bob"], out)
    assert sorted(p.name for p in out.iterdir()) == ["bob.tawsim"]
    assert (out / "bob.tawsim").read_text(encoding="utf-8") == "bob's work"


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["alice", "Alice"], "named twice"),
        (["../x"], "cannot be a file name"),
        ([" "], "empty"),
        ([], "at least one"),
    ],
)
def test_bad_annotator_names_are_refused(
    lead: Project, tmp_path: Path, names: list[str], message: str
) -> None:
    with pytest.raises(ProjectError, match=message):
        create_packages(lead, names, tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_cancelling_leaves_no_package(lead: Project, tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        calls.append((done, total))
        return len(calls) < 2  # cancel in the second package

    with pytest.raises(PackagingCancelled):
        create_packages(lead, ["alice", "bob"], tmp_path / "out", progress=progress)
    assert list((tmp_path / "out").iterdir()) == []
    assert calls == [(7, 14), (14, 14)]  # two shares of 7: 2 shared + 5 own each
    logged = "SELECT count(*) FROM changes WHERE action = 'package.create'"
    assert lead.conn.execute(logged).fetchone() == (0,)


def test_documents_query(lead: Project) -> None:
    assert parse_query("ids:2-4,9 status:done@alice دير الزور").id_ranges == ((2, 4), (9, 9))
    assert select_documents(lead, "") == list(range(1, 13))
    assert select_documents(lead, "ids:2-4,9") == [2, 3, 4, 9]
    assert select_documents(lead, "art-1") == [11, 12]  # art-10, art-11
    assert select_documents(lead, "ids:1-5 دير الزور") == [2]  # a title substring
    alice = lead.annotator("alice").id
    lead.status.set(5, alice, "done", by="alice")
    assert select_documents(lead, "status:done@alice") == [5]
    assert len(select_documents(lead, "status:unfinished@alice")) == 11
    for bad, message in [
        ("ids:4-2", "backwards"),
        ("ids:x", "ids:N"),
        ("status:done", "STATUS@ANNOTATOR"),
        ("status:done@nobody", "no annotator 'nobody'"),
    ]:
        with pytest.raises(ProjectError, match=message):
            select_documents(lead, bad)


def test_a_query_that_chooses_nothing_writes_nothing(lead: Project, tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="chose no documents"):
        create_packages(lead, ["alice"], tmp_path / "out", query="ids:500-600")
    assert not (tmp_path / "out").exists()
