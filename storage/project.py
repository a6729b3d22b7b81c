"""Opening, creating and transacting on a project file."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from storage.clock import now
from storage.documents import DocumentStore
from storage.errors import NotAProjectError, ProjectError
from storage.labels import LabelStore
from storage.migrations import refuse_newer, upgrade
from storage.records import Annotator, Label
from storage.search import TitleSearch
from storage.spans import SpanStore
from storage.status import StatusStore

# A change-log entry for Project.log_changes: by, action, document_id, span_uuid, before
# and after (JSON text or None).
ChangeEntry = tuple[str, str, int | None, str | None, str | None, str | None]

# PRAGMA application_id marks a SQLite file as ours ("TAWS"), so a random database is refused.
APPLICATION_ID = 0x54415753


class Project:
    """One open project file. Every write goes through :meth:`transaction`."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None) -> None:
        self.conn = conn
        self.path = path
        self._depth = 0
        self.documents = DocumentStore(self)
        self.labels = LabelStore(self)
        self.spans = SpanStore(self)
        self.status = StatusStore(self)
        self.search = TitleSearch(conn)

    # -- transactions -------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Commit everything inside on success, roll all of it back on any exception.

        Nested uses join the outer transaction, so a compound action is still one commit.
        """
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self.conn
        except BaseException:
            self._depth = 0
            self.conn.execute("ROLLBACK")
            raise
        self._depth = 0
        self.conn.execute("COMMIT")

    @contextmanager
    def bulk_writes(self) -> Iterator[None]:
        """Connection settings for a long job that writes many chunks (an import).

        A 64 MiB page cache holds the indexes that grow in random order (documents by
        sha256: 8 MB at 100,000 documents) instead of rereading their pages, and
        checkpoints come every 64 MiB of log instead of every 4: together 10-20% of a big
        import. Every commit is still synced (synchronous=FULL); only the copying of the
        log into the database happens less often. The settings are restored afterwards.
        """
        conn = self.conn
        cache = conn.execute("PRAGMA cache_size").fetchone()[0]
        checkpoint = conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        conn.execute("PRAGMA cache_size = -65536")
        conn.execute("PRAGMA wal_autocheckpoint = 16384")
        try:
            yield
        finally:
            conn.execute(f"PRAGMA wal_autocheckpoint = {int(checkpoint)}")
            conn.execute(f"PRAGMA cache_size = {int(cache)}")

    def log_change(
        self,
        *,
        by: str,
        action: str,
        document_id: int | None = None,
        span_uuid: str | None = None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        self.conn.execute(
            "INSERT INTO changes (at, annotator, action, document_id, span_uuid, before, after)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                now(),
                by,
                action,
                document_id,
                span_uuid,
                None if before is None else json.dumps(before, ensure_ascii=False),
                None if after is None else json.dumps(after, ensure_ascii=False),
            ),
        )

    def log_changes(self, entries: Iterable[ChangeEntry]) -> None:
        """Append many log entries with one statement (a bulk import logs every document).

        Each entry is (by, action, document_id, span_uuid, before, after) with ``before``
        and ``after`` already JSON-encoded (or None); all get the same timestamp.
        """
        stamp = now()
        self.conn.executemany(
            "INSERT INTO changes (at, annotator, action, document_id, span_uuid, before, after)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(stamp, *entry) for entry in entries],
        )

    # -- settings -----------------------------------------------------------------------
    def setting(self, key: str, default: str = "") -> str:
        row = self.conn.execute("SELECT value FROM project_meta WHERE key = ?", (key,)).fetchone()
        return default if row is None else str(row[0])

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT INTO project_meta (key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- annotators ---------------------------------------------------------------------
    def annotator(self, name: str, kind: str = "human") -> Annotator:
        """The annotator called ``name``, created on first use."""
        name = name.strip()
        if not name:
            raise ProjectError("an annotator needs a name")
        row = self.conn.execute(
            "SELECT id, name, kind FROM annotators WHERE name = ?", (name,)
        ).fetchone()
        if row is None:
            with self.transaction():
                cursor = self.conn.execute(
                    "INSERT INTO annotators (name, kind, created_at) VALUES (?, ?, ?)",
                    (name, kind, now()),
                )
            row = (cursor.lastrowid, name, kind)
        return Annotator(id=int(row[0]), name=str(row[1]), kind=str(row[2]))

    def annotators(self) -> list[Annotator]:
        rows = self.conn.execute("SELECT id, name, kind FROM annotators ORDER BY id").fetchall()
        return [Annotator(id=r[0], name=r[1], kind=r[2]) for r in rows]

    def integrity_ok(self) -> bool:
        return bool(self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves, so nothing is left pending.
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def open_project(
    path: str | Path, *, create: bool = False, labels: Sequence[Label] = ()
) -> Project:
    """Open (or with ``create``, make) a project; the schema is upgraded if it is older.

    ``labels`` seed a newly created project only.
    """
    path = Path(path)
    is_new = not path.exists() or path.stat().st_size == 0
    if is_new and not create:
        raise ProjectError(f"{path}: no such project (create one with `tawsim init {path}`)")
    if not is_new and path.is_dir():
        raise NotAProjectError(f"{path}: is a folder, not a Tawsim project file")
    if is_new:
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = _connect(path)
    try:
        if not is_new:
            _check_is_project(conn, path)
            # Before any PRAGMA below writes to the file: a newer project stays untouched.
            refuse_newer(conn, path)
        # WAL keeps readers off the writer's back; FULL sync makes each commit survive power loss.
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        if is_new:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        upgrade(conn, path)
        project = Project(conn, path)
        if is_new:
            with project.transaction():
                project.conn.execute(
                    "INSERT INTO project_meta (key, value) VALUES ('created_at', ?)", (now(),)
                )
                project.labels.replace_all(labels)
        project.search.ensure()
        return project
    except BaseException:
        conn.close()
        if is_new:  # a project that could not be set up completely is not left behind
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise


def _check_is_project(conn: sqlite3.Connection, path: Path) -> None:
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise NotAProjectError(
            f"{path}: not a Tawsim project, or the file is damaged ({error})"
        ) from error
    if app_id != APPLICATION_ID and tables:
        raise NotAProjectError(f"{path}: this SQLite file is not a Tawsim project")
