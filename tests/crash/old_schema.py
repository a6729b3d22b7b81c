"""Old-schema projects for the migration kills, and the checks of what a kill left.

``build_old`` makes a project of schema version N the way an old Tawsim left it: the
migrations 1..N applied to an empty file (rollback journal, as a file copied off a
laptop), then the rows of a current project copied in, table by table, column by column.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from storage.migrations import MIGRATIONS
from storage.project import APPLICATION_ID

# Derived data a project may add when it is opened (the trigram title index) and the
# bookkeeping of SQLite itself: not part of what a migration must keep.
_DERIVED = ("sqlite_%", "document_search%")


def build_old(path: Path, version: int, source: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        for step in range(1, version + 1):
            for statement in MIGRATIONS[step]:
                conn.execute(statement)
        conn.execute("ATTACH DATABASE ? AS source", (str(source),))
        for table in user_tables(conn):
            names = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
            columns = ", ".join(f'"{name}"' for name in names)
            conn.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM source.{table}")
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE source")
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {version}")
    finally:
        conn.close()


def user_tables(conn: sqlite3.Connection) -> list[str]:
    where = " AND ".join(f"name NOT LIKE '{pattern}'" for pattern in _DERIVED)
    rows = conn.execute(f"SELECT name FROM main.sqlite_master WHERE type = 'table' AND {where}")
    return sorted(row[0] for row in rows)


def schema_objects(conn: sqlite3.Connection) -> set[tuple[str, str]]:
    """(type, name) of every table, index, trigger and view the migrations made."""
    where = " AND ".join(f"name NOT LIKE '{pattern}'" for pattern in _DERIVED)
    rows = conn.execute(f"SELECT type, name FROM sqlite_master WHERE {where}")
    return {(kind, name) for kind, name in rows}


def objects_by_version() -> dict[int, set[tuple[str, str]]]:
    """What the schema holds at each version, from the migrations themselves."""
    conn = sqlite3.connect(":memory:")
    result = {}
    for version in sorted(MIGRATIONS):
        for statement in MIGRATIONS[version]:
            conn.execute(statement)
        result[version] = schema_objects(conn)
    conn.close()
    return result


def contents(conn: sqlite3.Connection, tables: list[str]) -> dict[str, str]:
    """A digest of every row of ``tables`` (project_meta left out: opening adds to it)."""
    digests = {}
    for table in tables:
        if table == "project_meta":
            continue
        columns = ", ".join(f'"{row[1]}"' for row in conn.execute(f"PRAGMA table_info({table})"))
        digest = hashlib.sha256()
        for row in conn.execute(f"SELECT {columns} FROM {table} ORDER BY rowid"):
            digest.update(repr(row).encode())
        digests[table] = digest.hexdigest()
    return digests


def check_migration(
    project: Path,
    old_version: int,
    expected: dict[str, str],
    by_version: dict[int, set[tuple[str, str]]],
    finished: bool,
) -> int:
    """The file holds the old schema intact or the newest complete, every row as it was;
    returns the version found. ``finished``: the upgrade was reported done."""
    from storage.migrations import LATEST_VERSION

    # Through plain SQLite, which replays or rolls back what a journal or log holds.
    conn = sqlite3.connect(project, isolation_level=None)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "damaged"
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if finished:
            assert version == LATEST_VERSION, f"opened, yet at schema {version}"
        assert version in (old_version, LATEST_VERSION), f"left at schema {version}"
        found = schema_objects(conn) & set().union(*by_version.values())
        assert found == by_version[version], (
            f"schema {version} with objects of another version: "
            f"{sorted(found ^ by_version[version])}"
        )
        assert contents(conn, sorted(expected)) == expected, "rows changed by the upgrade"
    finally:
        conn.close()
    return version


def check_upgrade_copies(project: Path, old_version: int, expected: dict[str, str]) -> int:
    """Every copy taken before an upgrade is a whole copy of the old project."""
    copies = sorted(project.parent.glob(f"{project.name}.v*.bak"))
    for copy in copies:
        conn = sqlite3.connect(f"{copy.resolve().as_uri()}?mode=ro", uri=True)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", copy.name
            assert int(conn.execute("PRAGMA user_version").fetchone()[0]) == old_version
            assert contents(conn, sorted(expected)) == expected, f"{copy.name}: not the project"
        finally:
            conn.close()
    return len(copies)


def old_contents(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return contents(conn, user_tables(conn))
    finally:
        conn.close()


def schema_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()
