"""Every older schema upgrades with its data intact, after a backup; a failed one changes
nothing (DESIGN §4; the fixtures are written by tests/fixtures/schema/make_fixtures.py)."""

from __future__ import annotations

import importlib.util
import shutil
import sqlite3
from pathlib import Path
from types import ModuleType

import pytest

from storage import NotAProjectError, open_project
from storage import migrations as migrations_module
from storage.backups import BEFORE_UPGRADE, list_backups
from storage.migrations import LATEST_VERSION, UpgradeFailedError

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "schema"
OLDER_VERSIONS = list(range(1, LATEST_VERSION))


def load_maker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tables(path: Path) -> dict[str, tuple[list[str], list[tuple[object, ...]]]]:
    """Every table's columns and rows (in rowid order), read through a fresh connection."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'document_search%'"
            )
        ]
        result = {}
        for name in names:
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info({name})")]
            quoted = ", ".join(f'"{c}"' for c in columns)
            rows = conn.execute(f"SELECT {quoted} FROM {name} ORDER BY rowid").fetchall()
            result[name] = (columns, rows)
        return result
    finally:
        conn.close()


def pragma(path: Path, name: str) -> object:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"PRAGMA {name}").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture(scope="module")
def maker() -> ModuleType:
    return load_maker()


@pytest.mark.parametrize("version", OLDER_VERSIONS)
def test_a_fixture_exists_for_every_older_version_and_is_what_the_script_writes(
    version: int, tmp_path: Path, maker: ModuleType
) -> None:
    fixture = FIXTURES / f"v{version}.tawsim"
    assert fixture.is_file(), (
        f"no fixture for schema {version}: run `python {FIXTURES / 'make_fixtures.py'}`"
    )
    assert pragma(fixture, "user_version") == version
    fresh = maker.build(version, tmp_path / f"v{version}.tawsim")
    assert tables(fresh) == tables(fixture)


@pytest.mark.parametrize("version", OLDER_VERSIONS)
def test_an_older_project_is_upgraded_with_its_data_and_a_backup(
    version: int, tmp_path: Path
) -> None:
    path = tmp_path / "old.tawsim"
    shutil.copyfile(FIXTURES / f"v{version}.tawsim", path)
    before = tables(path)

    with open_project(path) as project:
        assert project.integrity_ok()
        assert project.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        documents = {d.id: d for d in project.documents.iterate()}
        spans = [s for doc in documents for s in project.spans.for_document(doc)]
        # The covered texts still match the texts, emoji and flags included.
        assert spans and all(
            documents[s.document_id].text[s.start : s.end] == s.text for s in spans
        )
        assert any("📍" in s.text for s in spans)
        assert [a.name for a in project.annotators()] == ["alice", "بشرى", "gold"]

    assert pragma(path, "user_version") == LATEST_VERSION
    after = tables(path)
    for name, (columns, rows) in before.items():
        now_columns, now_rows = after[name]
        keep = [now_columns.index(c) for c in columns]  # later versions may add columns
        kept = [tuple(row[i] for i in keep) for row in now_rows]
        if name == "project_meta":  # opening indexes the titles (storage.search) and says so
            kept = [row for row in kept if row[0] != "search_indexed_to"]
        assert kept == rows, name

    backups = [b for b in list_backups(path) if b.kind == BEFORE_UPGRADE]
    assert len(backups) == 1
    assert tables(backups[0].path) == before
    assert pragma(backups[0].path, "user_version") == version
    assert pragma(backups[0].path, "integrity_check") == "ok"


def broken_migration(monkeypatch: pytest.MonkeyPatch) -> int:
    """Add a next version whose second statement fails (after its first has run)."""
    broken = LATEST_VERSION + 1
    monkeypatch.setitem(
        migrations_module.MIGRATIONS,
        broken,
        ["CREATE TABLE half_done (x)", "INSERT INTO no_such_table VALUES (1)"],
    )
    monkeypatch.setattr(migrations_module, "LATEST_VERSION", broken)
    return broken


@pytest.mark.parametrize("journal_mode", ["delete", "wal"])
def test_a_failed_upgrade_leaves_the_file_byte_for_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, journal_mode: str
) -> None:
    path = tmp_path / "old.tawsim"
    shutil.copyfile(FIXTURES / "v1.tawsim", path)
    if journal_mode == "wal":  # as a project the app wrote and closed
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.close()
    original = path.read_bytes()
    broken = broken_migration(monkeypatch)

    with pytest.raises(UpgradeFailedError) as caught:
        open_project(path)

    message = str(caught.value)
    assert str(path) in message
    assert f"from schema 1 to {broken} failed in step {broken}" in message
    assert "no such table: no_such_table" in message
    assert "Nothing was changed" in message
    assert path.read_bytes() == original  # every step before the broken one was undone too
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    backups = [b for b in list_backups(path) if b.kind == BEFORE_UPGRADE]
    assert len(backups) == 1 and str(backups[0].path) in message


def test_after_a_failed_upgrade_the_same_file_upgrades_once_fixed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.tawsim"
    shutil.copyfile(FIXTURES / "v1.tawsim", path)
    with monkeypatch.context() as patch:
        broken_migration(patch)
        with pytest.raises(UpgradeFailedError):
            open_project(path)
    with open_project(path) as project:  # the real migrations only: it upgrades
        assert project.conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        assert project.documents.count() == 3


def test_a_damaged_older_project_is_not_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.tawsim"
    data = bytearray((FIXTURES / "v1.tawsim").read_bytes())
    page = 4096
    data[3 * page : 5 * page] = b"\xa5" * (2 * page)  # two pages of the tables overwritten
    path.write_bytes(bytes(data))
    with pytest.raises(NotAProjectError, match="damaged"):
        open_project(path)
    assert path.read_bytes() == bytes(data)
    assert list_backups(path) == []  # no damaged copy passes for a backup
