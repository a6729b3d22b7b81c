"""Opening, creating and refusing project files (DESIGN §4)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storage import NewerProjectError, NotAProjectError, Project, ProjectError, open_project
from storage.migrations import LATEST_VERSION, upgrade
from storage.project import APPLICATION_ID
from storage.records import Label


def pragma(path: Path, name: str) -> object:
    """Read a PRAGMA through an independent connection: what is on disk."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"PRAGMA {name}").fetchone()[0]
    finally:
        conn.close()


def test_missing_project_is_not_created_without_create(tmp_path: Path) -> None:
    path = tmp_path / "missing.tawsim"
    with pytest.raises(ProjectError, match="no such project"):
        open_project(path)
    assert not path.exists()


def test_create_makes_a_wal_project_at_the_latest_version(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "new.tawsim"
    with open_project(path, create=True) as project:
        assert project.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert project.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert project.integrity_ok()
    assert pragma(path, "journal_mode") == "wal"
    assert pragma(path, "user_version") == LATEST_VERSION
    assert pragma(path, "application_id") == APPLICATION_ID


def test_foreign_keys_are_enforced(project: Project) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        project.conn.execute(
            "INSERT INTO document_status (document_id, annotator_id, status, updated_at)"
            " VALUES (999, 999, 'new', 'now')"
        )


def test_reopen_keeps_data_and_does_not_reseed_labels(tmp_path: Path) -> None:
    path = tmp_path / "p.tawsim"
    with open_project(path, create=True, labels=[Label("ACTOR", color="#ff0000")]):
        pass
    with open_project(path, create=True, labels=[Label("OTHER", color="#00ff00")]) as project:
        assert [label.id for label in project.labels.all()] == ["ACTOR"]
        assert project.setting("created_at")
    with open_project(path) as project:
        assert [label.id for label in project.labels.all()] == ["ACTOR"]


def _newer_project(tmp_path: Path, journal_mode: str) -> Path:
    path = tmp_path / "newer.tawsim"
    open_project(path, create=True).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode = {journal_mode}")
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    return path


@pytest.mark.parametrize("journal_mode", ["wal", "delete"])
def test_newer_project_is_refused_and_left_unchanged(tmp_path: Path, journal_mode: str) -> None:
    path = _newer_project(tmp_path, journal_mode)
    before = path.read_bytes()
    files_before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(NewerProjectError, match="newer Tawsim") as caught:
        open_project(path)
    assert str(LATEST_VERSION + 1) in str(caught.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files_before  # no backup, no WAL left
    assert pragma(path, "user_version") == LATEST_VERSION + 1


def test_text_file_is_not_a_project(tmp_path: Path) -> None:
    path = tmp_path / "notes.tawsim"
    path.write_text("قائمة المقالات\n" * 100, encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(NotAProjectError, match="not a Tawsim project"):
        open_project(path)
    assert path.read_bytes() == before


def test_foreign_sqlite_file_is_not_a_project(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO things (name) VALUES ('x')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(NotAProjectError, match="not a Tawsim project"):
        open_project(path)
    assert path.read_bytes() == before
    assert pragma(path, "user_version") == 0


def test_folder_is_not_a_project(tmp_path: Path) -> None:
    with pytest.raises(NotAProjectError, match="folder"):
        open_project(tmp_path)


def test_change_log_refuses_update_and_delete(project: Project) -> None:
    project.log_change(by="alice", action="test.action", after={"x": 1})
    count = project.conn.execute("SELECT count(*) FROM changes").fetchone()[0]
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        project.conn.execute("UPDATE changes SET annotator = 'mallory'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        project.conn.execute("DELETE FROM changes")
    assert project.conn.execute("SELECT count(*) FROM changes").fetchone()[0] == count
    assert project.conn.execute("SELECT annotator FROM changes").fetchall() == [("alice",)]


def test_transaction_rolls_back_everything_on_error(project: Project) -> None:
    with pytest.raises(RuntimeError), project.transaction():
        project.conn.execute("INSERT INTO project_meta (key, value) VALUES ('outer', '1')")
        with project.transaction():  # nested: joins the outer transaction
            project.conn.execute("INSERT INTO project_meta (key, value) VALUES ('inner', '1')")
        raise RuntimeError("boom")
    assert project.setting("outer") == ""
    assert project.setting("inner") == ""
    project.set_setting("after", "ok")  # the connection is usable again
    assert project.setting("after") == "ok"


def test_committed_work_is_visible_to_another_connection(project: Project) -> None:
    project.set_setting("strip_proclitics", "0")
    project.annotator("علي")
    assert project.path is not None
    conn = sqlite3.connect(project.path)
    try:
        assert conn.execute(
            "SELECT value FROM project_meta WHERE key = 'strip_proclitics'"
        ).fetchone() == ("0",)
        assert conn.execute("SELECT name FROM annotators").fetchall() == [("علي",)]
    finally:
        conn.close()


def test_annotator_is_created_once_and_needs_a_name(project: Project) -> None:
    first = project.annotator("  alice ")
    assert project.annotator("alice") == first
    assert [a.name for a in project.annotators()] == ["alice"]
    with pytest.raises(ProjectError):
        project.annotator("   ")


def test_upgrade_of_an_empty_database_applies_every_migration() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    assert upgrade(conn, None) == list(range(1, LATEST_VERSION + 1))
    assert upgrade(conn, None) == []
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
