"""Rows carried between two project files exactly as stored (work packages and merges).

A work package is a new project holding copies of another's rows, and a merge reads an
annotator's project without changing it. Both need the rows as SQLite holds them, not
records rebuilt from them: a document's text, sha256, import provenance and timestamps
travel byte for byte, and nothing is canonicalized again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from storage.errors import NotAProjectError, ProjectError
from storage.migrations import refuse_newer
from storage.project import APPLICATION_ID

if TYPE_CHECKING:
    from storage.project import Project

# Every column of a document, in the order the functions below read and write them.
DOCUMENT_COLUMNS = (
    "id, external_id, title, source, url, published, text, length, sha256, meta,"
    " import_file, import_encoding, import_notes, imported_at"
)
# The tables a file must have to be read as a project (every schema version has them).
_TABLES = {"project_meta", "documents", "labels", "annotators", "spans", "changes"}
# Stay under SQLite's oldest limit of 999 parameters in one statement.
MAX_PARAMETERS = 900


def open_for_reading(path: str | Path) -> sqlite3.Connection:
    """A connection that only reads the project at ``path``.

    It is opened read-write but set to ``query_only``, so that closing it tidies the
    ``-wal``/``-shm`` files away as any SQLite reader would (a ``mode=ro`` connection
    leaves them behind); a file that cannot be written at all is opened ``mode=ro``.
    Raises NotAProjectError for anything that is not a Tawsim project and
    NewerProjectError for one written by a newer Tawsim.
    """
    path = Path(path)
    if not path.exists():
        raise ProjectError(f"{path}: no such file")
    if path.is_dir():
        raise NotAProjectError(f"{path}: is a folder, not a Tawsim project file")
    if path.stat().st_size == 0:
        raise NotAProjectError(f"{path}: is empty, not a Tawsim project")
    uri = path.resolve().as_uri()
    try:
        conn = sqlite3.connect(f"{uri}?mode=rw", uri=True, isolation_level=None)
    except sqlite3.OperationalError:
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None)
    try:
        conn.execute("PRAGMA query_only = ON")
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        except sqlite3.DatabaseError as error:
            raise NotAProjectError(
                f"{path}: not a Tawsim project, or the file is damaged ({error})"
            ) from error
        if app_id != APPLICATION_ID or not tables >= _TABLES:
            raise NotAProjectError(f"{path}: this file is not a Tawsim project")
        refuse_newer(conn, path)
    except BaseException:
        conn.close()
        raise
    return conn


def read_meta(conn: sqlite3.Connection) -> dict[str, str]:
    return {str(k): str(v) for k, v in conn.execute("SELECT key, value FROM project_meta")}


def last_change(conn: sqlite3.Connection) -> int:
    """The seq of the newest change-log entry (0 for an empty log)."""
    return int(conn.execute("SELECT coalesce(max(seq), 0) FROM changes").fetchone()[0])


def chunks(items: Sequence[object], size: int = MAX_PARAMETERS) -> Iterator[Sequence[object]]:
    for at in range(0, len(items), size):
        yield items[at : at + size]


def marks(n: int) -> str:
    """``?, ?, …`` for an IN list of ``n`` parameters."""
    return ", ".join("?" * n)


def document_rows(conn: sqlite3.Connection, ids: Sequence[int]) -> list[tuple[object, ...]]:
    """The complete rows (DOCUMENT_COLUMNS) of the documents ``ids``, in id order."""
    rows: list[tuple[object, ...]] = []
    for part in chunks(sorted(ids)):
        rows += conn.execute(
            f"SELECT {DOCUMENT_COLUMNS} FROM documents WHERE id IN ({marks(len(part))})"
            " ORDER BY id",
            tuple(part),
        ).fetchall()
    return rows


def insert_document_rows(
    project: Project, rows: Iterable[tuple[object, ...]], *, keep_ids: bool
) -> list[int]:
    """Store complete document rows in ``project`` (the caller holds the transaction);
    returns their ids there. With ``keep_ids`` the rows keep their ids (a new work
    package), otherwise they get the next free ones (a merge adding documents)."""
    rows = list(rows)
    if not rows:
        return []
    conn = project.conn
    if keep_ids:
        ids = [int(str(row[0])) for row in rows]
    else:
        first = int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM documents").fetchone()[0])
        ids = list(range(first, first + len(rows)))
        rows = [(new_id, *row[1:]) for new_id, row in zip(ids, rows, strict=True)]
    conn.executemany(f"INSERT INTO documents ({DOCUMENT_COLUMNS}) VALUES ({marks(14)})", rows)
    # The title index follows the documents it is told about (storage.search); ids that
    # do not continue it are picked up the next time the project is opened.
    project.search.added([(int(str(r[0])), str(r[2]), str(r[1])) for r in rows], min(ids))
    return ids


# The columns of a change-log entry other than its seq, which the receiving log assigns.
CHANGE_COLUMNS = "at, annotator, action, document_id, span_uuid, before, after"


def append_changes(project: Project, rows: Iterable[tuple[object, ...]]) -> None:
    """Append entries (CHANGE_COLUMNS) to the project's log as they are, times and
    authors included: another file's history joining this one (the caller holds the
    transaction)."""
    project.conn.executemany(f"INSERT INTO changes ({CHANGE_COLUMNS}) VALUES ({marks(7)})", rows)
