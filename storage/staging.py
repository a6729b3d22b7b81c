"""Span rows staged by an import's reader process, copied into the project by SQL.

A big import is read and checked in a second process (app.core.import_worker). Sending
a million checked spans to the writing process as Python objects cost that process more
than SQLite's own work: unpickling the tuples, building the rows, then binding them one
parameter at a time (measured: two thirds of the spans' ``executemany``). Instead the
reader writes the span rows into a scratch SQLite file (one table, no index), and the
writer copies a run of them with one ``INSERT … SELECT``, SQLite to SQLite. Documents
still travel through the pipe: a few large rows, cheap to bind.

The scratch file is not the project: it is written without syncing or checkpoints (WAL,
so that the writer reads while the reader writes) and is deleted after the import.
Nothing of the project's safety rests on it: every copy into the project happens inside
the importer's own transactions, as before.

Row layout: ``id`` numbers the span rows from 1 in input order (SQLite gives each row
the next one); the rest is a span as the importer checked it. The writer knows which
span ids each document has, and makes the span's uuid (storage.ids) as it copies it::

    spans: id, annotator, start, end, label, text, attrs, kind
"""

from __future__ import annotations

import functools
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from itertools import chain
from pathlib import Path
from typing import Any

SCHEMA = "import_stage"  # the name the scratch file is attached under

_COLUMNS = 'annotator, start, "end", label, text, attrs, kind'
_TABLE = f"CREATE TABLE spans (id INTEGER PRIMARY KEY, {_COLUMNS})"
_WIDTH = 7  # columns of a staged span, after its id
_ROWS_PER_INSERT = 64  # 448 parameters: SQLite before 3.32 allows 999
_ROW = f"({', '.join('?' * _WIDTH)})"
_INSERT_ONE = f"INSERT INTO spans ({_COLUMNS}) VALUES {_ROW}"
_INSERT_MANY = f"INSERT INTO spans ({_COLUMNS}) VALUES {', '.join([_ROW] * _ROWS_PER_INSERT)}"
# A staged span as the importer checks it: annotator, start, end, label, text, attrs, kind.
CheckedRow = tuple[str, int, int, str, str, str, str]
# The documents of a copy: (first span id, end span id, document id), in span id order.
Run = tuple[int, int, int]


# Seconds the reader waits for the scratch file while the importer stores a chunk (a day:
# the importer gives up its lock when its transaction ends, or when it dies).
_WAIT_FOR_WRITER = 24 * 3600.0

# Scratch folders are named after the importing process, so that one left behind by an
# import that was killed can be told from one in use, and deleted by the next import.
_PREFIX = "tawsim-import-"


@contextmanager
def scratch_file() -> Iterator[Path]:
    """A new scratch file with the staging tables, in a folder of its own in the system's
    temporary folder, deleted on the way out (its reader deletes it if this process is
    killed first: see :func:`remove`)."""
    _sweep()
    folder = Path(tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-"))
    path = folder / "staged.sqlite"
    try:
        create(path)
        yield path
    finally:
        remove(path)


def remove(path: Path) -> None:
    """Delete a scratch file made by :func:`scratch_file`, and its folder."""
    shutil.rmtree(path.parent, ignore_errors=True)


def _sweep() -> None:
    """Delete the scratch folders of imports whose process is gone (killed, with their
    reader). Only where signal 0 asks whether a process exists (on Windows it kills)."""
    if os.name != "posix":
        return
    for folder in Path(tempfile.gettempdir()).glob(f"{_PREFIX}*"):
        pid = folder.name[len(_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process: alive
        return True
    return True


def create(path: Path) -> None:
    """A new scratch file with the staging tables."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(_TABLE)
    finally:
        conn.close()


class Stager:
    """The reader's side: appends staged rows, one transaction per batch."""

    def __init__(self, path: Path) -> None:
        # Attached read-write (see attach), the file is locked while the importer stores a
        # chunk: then wait for it as long as that takes.
        self._conn = sqlite3.connect(path, isolation_level=None, timeout=_WAIT_FOR_WRITER)
        # A scratch file that dies with the import: no syncing (the project file is
        # synced as always), and no checkpoints: its rows are written once, to the log,
        # and read from there (copying them into the file as well doubled the disk
        # writes of the staging, and the disk is what a big import waits on).
        self._conn.execute("PRAGMA synchronous = OFF")
        self._conn.execute("PRAGMA wal_autocheckpoint = 0")

    def add(self, spans: Sequence[tuple[Any, ...]]) -> None:
        """Store a batch of checked spans (they get the next ids, in order), visible to
        the writer once this returns.

        _ROWS_PER_INSERT spans go in one statement of that many rows: executemany's own
        work per row (reset, clear, step) cost more than SQLite's insert of it (measured:
        a million spans 1.5 s one row a statement, 1.1 s 64 rows a statement)."""
        conn = self._conn
        whole = len(spans) - len(spans) % _ROWS_PER_INSERT
        width = _ROWS_PER_INSERT * _WIDTH
        conn.execute("BEGIN")
        values = list(chain.from_iterable(spans[:whole]))
        for at in range(0, len(values), width):
            conn.execute(_INSERT_MANY, values[at : at + width])
        conn.executemany(_INSERT_ONE, spans[whole:])
        conn.execute("COMMIT")

    def close(self) -> None:
        self._conn.close()


def attach(conn: sqlite3.Connection, path: Path) -> None:
    """Attach the scratch file to the project's connection (outside any transaction),
    read-only where this SQLite reads URI file names.

    The importer's transactions begin IMMEDIATE, which takes the write lock of every
    database attached, unless it is read-only: attached read-write, the scratch file
    could not take the reader's next batch while the importer stores a chunk, and the
    two processes took turns instead of working at once (measured: 10 s of 25).
    """
    name = f"{path.resolve().as_uri()}?mode=ro" if READ_ONLY_ATTACH else str(path)
    conn.execute(f"ATTACH DATABASE ? AS {SCHEMA}", (name,))


def _reads_uri_names() -> bool:
    """Whether ATTACH takes "file:" URIs on any connection (SQLITE_USE_URI): the
    project's connection is not opened with URIs, so only then."""
    with closing(sqlite3.connect(":memory:")) as conn:
        return any(row[0] == "USE_URI" for row in conn.execute("PRAGMA compile_options"))


READ_ONLY_ATTACH = _reads_uri_names()


def detach(conn: sqlite3.Connection) -> None:
    conn.execute(f"DETACH DATABASE {SCHEMA}")


# The documents of one copy (a temporary table: it lives in this connection only), by
# document id: ids are given in input order, so that is span id order too. A document
# without spans has an empty run (first = end) and copies nothing.
_RUNS = "temp.import_runs"
_CREATE_RUNS = (
    'CREATE TEMP TABLE IF NOT EXISTS import_runs (document_id INTEGER PRIMARY KEY, first, "end")'
)
_COPY_SPANS = (
    'INSERT INTO main.spans (uuid, document_id, annotator_id, start, "end", label, text,'
    " attrs, created_at, updated_at)"
    " SELECT ? || printf('%012x', ? + s.id), r.document_id,"
    " (SELECT a.id FROM main.annotators a WHERE a.name = s.annotator),"
    ' s.start, s."end", s.label, s.text, s.attrs, ?, ?'
    # The runs first, each one's spans by id: span ids, and so uuids, in order.
    f" FROM {_RUNS} r CROSS JOIN {SCHEMA}.spans s"
    ' ON s.id >= r.first AND s.id < r."end" ORDER BY r.document_id, s.id'
)


def copy_spans(
    conn: sqlite3.Connection, runs: Sequence[Run], uuids: tuple[str, int], *, stamp: str
) -> None:
    """Copy the staged spans of ``runs`` into the project: each span to its run's
    document, with the annotator of its name (which must exist), created and updated at
    ``stamp``. ``uuids`` are as many new span ids as spans (storage.ids.reserve_ids),
    given in span id order. The caller holds the transaction. The runs stay in the
    connection for :func:`log_copied_documents`."""
    conn.execute(_CREATE_RUNS)
    conn.execute(f"DELETE FROM {_RUNS}")
    if not runs:
        return
    conn.executemany(f'INSERT INTO {_RUNS} (first, "end", document_id) VALUES (?, ?, ?)', runs)
    head, counter = uuids
    conn.execute(_COPY_SPANS, (head, counter - runs[0][0], stamp, stamp))


# The change log's entry for each document of the last copy, in document order: the
# ``after`` that app.core.importing.import_log_entry writes, made by SQLite.
_LOG_COPIED = (
    "INSERT INTO main.changes (at, annotator, action, document_id, span_uuid, before, after)"
    " SELECT ?, ?, 'document.import', d.id, NULL, NULL,"
    """ printf('{"external_id": %s, "sha256": "%s", "spans": %d}',"""
    ' json_quote(d.external_id), d.sha256, r."end" - r.first)'
    f" FROM {_RUNS} r JOIN main.documents d ON d.id = r.document_id ORDER BY r.document_id"
)


def log_copied_documents(conn: sqlite3.Connection, *, by: str, stamp: str) -> bool:
    """Log the import of each document of the last :func:`copy_spans`, as ``by`` at
    ``stamp``; False, having written nothing, where this SQLite's JSON strings are not
    Python's (see :func:`quotes_like_python`): then the caller logs them itself.

    The 100,000 entries of a big import cost the writing process 0.6 s made in Python
    and bound one by one; SQLite makes them from the rows it just stored."""
    if not quotes_like_python():
        return False
    conn.execute(_LOG_COPIED, (stamp, by))
    return True


# Every character Python's JSON encoder escapes (ensure_ascii=False), and some it does not.
_QUOTING_PROBE = "".join(map(chr, range(0x80))) + "\u00e9\u0627\u2028\u2029\ufeff\uffff\U0001f600"


@functools.cache
def quotes_like_python() -> bool:
    """Whether SQLite's json_quote writes a string exactly as json.dumps does with
    ensure_ascii=False (the change log's entries must not depend on who wrote them);
    False too where this SQLite has no JSON functions."""
    from json.encoder import encode_basestring

    try:
        with closing(sqlite3.connect(":memory:")) as conn:
            quoted = conn.execute("SELECT json_quote(?)", (_QUOTING_PROBE,)).fetchone()[0]
    except sqlite3.Error:
        return False
    return bool(quoted == encode_basestring(_QUOTING_PROBE))


def staged_spans(conn: sqlite3.Connection, spans: tuple[int, int]) -> list[CheckedRow]:
    """Staged span rows ids first..end (end excluded), as the importer checked them."""
    rows = conn.execute(
        f'SELECT annotator, start, "end", label, text, attrs, kind FROM {SCHEMA}.spans'
        " WHERE id >= ? AND id < ? ORDER BY id",
        spans,
    ).fetchall()
    return [tuple(row) for row in rows]
