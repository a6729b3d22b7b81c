"""Opening, creating and transacting on a project file."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from storage.clock import now
from storage.documents import DocumentStore
from storage.errors import NotAProjectError, ProjectError, ReadOnlyProjectError, write_failure
from storage.labels import LabelStore
from storage.lock import STALE_AFTER, ProjectLock, lock_for_writing, lock_path
from storage.migrations import LATEST_VERSION, refuse_newer, upgrade
from storage.records import Annotator, Label
from storage.rejections import RejectionStore
from storage.search import TitleSearch
from storage.spans import SpanStore
from storage.status import StatusStore

# A change-log entry for Project.log_changes: by, action, document_id, span_uuid, before
# and after (JSON text or None).
ChangeEntry = tuple[str, str, int | None, str | None, str | None, str | None]

# PRAGMA application_id marks a SQLite file as ours ("TAWS"), so a random database is refused.
APPLICATION_ID = 0x54415753
SQLITE_MAGIC = b"SQLite format 3\x00"


def is_damage(error: sqlite3.Error) -> bool:
    """Whether SQLite says the file is damaged or no database (not: busy, full, read-only)."""
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


class Project:
    """One open project file. Every write goes through :meth:`transaction`."""

    def __init__(
        self, conn: sqlite3.Connection, path: Path | None, *, read_only: bool = False
    ) -> None:
        self.conn = conn
        self.path = path
        self.read_only = read_only  # opened with mode=ro: every transaction is refused
        self.lock: ProjectLock | None = None  # held while open, when opened with a holder
        self._depth = 0
        self.documents = DocumentStore(self)
        self.labels = LabelStore(self)
        self.spans = SpanStore(self)
        self.status = StatusStore(self)
        self.rejections = RejectionStore(self)
        self.search = TitleSearch(conn)

    # -- transactions -------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Commit everything inside on success, roll all of it back on any exception.

        Nested uses join the outer transaction, so a compound action is still one commit.
        A write SQLite cannot make (disk full, I/O error, read-only file) is rolled back
        whole and raised as WriteFailedError naming the file and the cause.
        """
        if self.read_only:
            raise ReadOnlyProjectError(
                f"{self.path} is open read-only: nothing was changed", path=self.path
            )
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        began = False
        try:
            self.conn.execute("BEGIN IMMEDIATE")  # refused at once on a read-only connection
            began, self._depth = True, 1
            yield self.conn
            self._depth = 0
            self.conn.execute("COMMIT")  # may fail too (a full disk): rolled back below
        except BaseException as error:
            self._depth = 0
            # SQLite rolls back by itself after some errors (SQLITE_FULL, SQLITE_IOERR may).
            if began and self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            failure = write_failure(error, self.path)
            if failure is not None:
                raise failure from error
            raise

    @contextmanager
    def bulk_writes(self) -> Iterator[None]:
        """Connection settings for a long job that writes many chunks (an import).

        A 64 MiB page cache holds the indexes that grow in random order (documents by
        sha256: 8 MB at 100,000 documents) instead of rereading their pages, and
        checkpoints come every 64 MiB of log instead of every 4: together 10-20% of a big
        import. Every commit is still synced (synchronous=FULL); only the copying of the
        log into the database happens less often. The settings are restored afterwards.

        Foreign keys are not checked row by row inside: for a million spans, SQLite's
        three lookups per row were a third of the time of storing them. Whoever writes
        spans inside checks those it added with :meth:`SpanStore.check_references` before
        each commit instead, one query over them all.
        """
        conn = self.conn
        cache = conn.execute("PRAGMA cache_size").fetchone()[0]
        checkpoint = conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        references = conn.execute("PRAGMA foreign_keys").fetchone()[0]
        conn.execute("PRAGMA cache_size = -65536")
        conn.execute("PRAGMA wal_autocheckpoint = 16384")
        conn.execute("PRAGMA foreign_keys = OFF")  # outside a transaction: it takes effect
        try:
            yield
        finally:
            conn.execute(f"PRAGMA foreign_keys = {int(references)}")
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
            if self.read_only:  # nothing can be stored: a stand-in (ids start at 1) owning nothing
                return Annotator(id=0, name=name, kind=kind)
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

    def copy_to(self, target: Path) -> None:
        """Write a whole copy of the project to ``target`` ("Save a copy as…").

        SQLite's backup API copies a consistent state, and needs nothing written here (it
        works read-only and on a full disk). ``target`` is replaced only once the copy is
        complete, and never while another instance holds it.
        """
        target = Path(target)
        if self.path is not None and target.resolve() == self.path.resolve():
            raise ProjectError(f"{target}: this is the open project; choose another file")
        if lock_path(target).exists():
            raise ProjectError(f"{target}: that project is open elsewhere; choose another file")
        partial = target.with_name(f".{target.name}.partial")
        try:
            partial.unlink(missing_ok=True)
            with closing(sqlite3.connect(partial)) as copy:
                self.conn.backup(copy)
            for suffix in ("-wal", "-shm"):  # an old log would be replayed over the copy
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            os.replace(partial, target)
        except (OSError, sqlite3.Error) as error:
            partial.unlink(missing_ok=True)
            raise ProjectError(f"{target}: could not write the copy ({error})") from error

    def close(self) -> None:
        self.conn.close()
        if self.lock is not None:
            self.lock.release()
            self.lock = None

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
    path: str | Path,
    *,
    create: bool = False,
    labels: Sequence[Label] = (),
    read_only: bool = False,
    holder: str | None = None,
    stale_after: timedelta = STALE_AFTER,
) -> Project:
    """Open (or with ``create``, make) a project; the schema is upgraded if it is older.

    ``labels`` seed a newly created project only. With ``holder`` (the annotator's name) the
    project's lock is taken first (storage.lock; released by ``close``): a project another
    instance holds raises ProjectLockedError naming the holder, one whose file or folder
    cannot be written raises ReadOnlyProjectError, and the file is not touched. Either can
    then be opened with ``read_only``: SQLite opens the file with mode=ro and every
    transaction raises ReadOnlyProjectError. Without ``holder`` no lock is taken or checked
    (scripts, tests and the read-only commands).
    """
    path = Path(path)
    if read_only:
        return _open_read_only(path)
    if holder is None:
        return _open_for_writing(path, create, labels)
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
    lock = lock_for_writing(path, holder, stale_after=stale_after)
    try:
        project = _open_for_writing(path, create, labels)
    except BaseException:
        lock.release()
        raise
    project.lock = lock
    return project


def _open_read_only(path: Path) -> Project:
    if not path.is_file() or path.stat().st_size == 0:
        raise ProjectError(f"{path}: no such project")
    uri = f"{path.resolve().as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    try:
        _check_is_project(conn, path)
        if refuse_newer(conn, path) < LATEST_VERSION:
            raise ProjectError(
                f"{path}: made by an older Tawsim; it must be upgraded, which needs write "
                "access, before it can be opened read-only"
            )
        project = Project(conn, path, read_only=True)
        project.search.ensure()  # uses the index if it is there; writes nothing
        return project
    except BaseException:
        conn.close()
        raise


def _open_for_writing(path: Path, create: bool, labels: Sequence[Label]) -> Project:
    is_new = not path.exists() or path.stat().st_size == 0
    if is_new and not create:
        if path.is_file():
            raise NotAProjectError(
                f"{path}: the file is empty (0 bytes), not a Tawsim project", path=path
            )
        raise ProjectError(f"{path}: no such project (create one with `tawsim init {path}`)")
    if not is_new and path.is_dir():
        raise NotAProjectError(f"{path}: is a folder, not a Tawsim project file", path=path)
    if is_new:
        path.parent.mkdir(parents=True, exist_ok=True)
        _create(path, labels)
    conn = _connect(path)
    try:
        _check_is_project(conn, path, create=create)
        # Before any PRAGMA below writes to the file: a newer project stays untouched.
        refuse_newer(conn, path)
        conn.execute("PRAGMA synchronous = FULL")  # each commit survives power loss
        # An existing file is upgraded in the journal mode it has, before WAL is switched on
        # below: a failed upgrade then leaves every byte of it as it was.
        upgrade(conn, path)
        # WAL keeps readers off the writer's back.
        conn.execute("PRAGMA journal_mode = WAL")
        project = Project(conn, path)
        project.search.ensure()
        return project
    except BaseException as error:
        conn.close()
        if is_new:  # a project that could not be set up completely is not left behind
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        elif isinstance(error, sqlite3.DatabaseError) and is_damage(error):
            raise NotAProjectError(
                f"{path}: the project file is damaged ({error}); restore a backup "
                f"(tawsim backups {path})",
                path=path,
            ) from error
        raise


def _create(path: Path, labels: Sequence[Label]) -> None:
    """Make a new project under a hidden name, then rename it into place whole.

    Made in place, a project killed while being created (tests/crash) was left without
    its application id (refused ever after as "not a Tawsim project"), without its labels,
    or empty. A leftover of such a kill is replaced by the next creation.
    """
    partial = path.with_name(f".{path.name}.new")
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    conn = _connect(partial)
    try:
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        upgrade(conn, None)
        project = Project(conn, partial)
        with project.transaction():
            conn.execute("INSERT INTO project_meta (key, value) VALUES ('created_at', ?)", (now(),))
            project.labels.replace_all(labels)
        conn.close()
        os.replace(partial, path)
    except BaseException:
        conn.close()
        for suffix in ("", "-journal"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
        raise


def _check_is_project(conn: sqlite3.Connection, path: Path, *, create: bool = False) -> None:
    _check_header(path)
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise NotAProjectError(
            f"{path}: not a Tawsim project, or the file is damaged ({error})",
            path=path,
        ) from error
    # An empty SQLite file becomes a project only when asked to (init), never by opening it.
    if app_id != APPLICATION_ID and (tables or not create):
        raise NotAProjectError(f"{path}: this SQLite file is not a Tawsim project", path=path)


def _check_header(path: Path) -> None:
    """Refuse a file that is no SQLite database or is shorter than its header says.

    SQLite itself notices a cut-off file only when it reads a missing page, which may be
    long after opening (or never, for pages rarely read). The size in the header is
    trusted only when SQLite marks it valid, and not while a -wal or -journal is beside
    the file: a crash during a checkpoint can leave the file short until it is replayed.
    """
    with path.open("rb") as stream:
        header = stream.read(100)
    if not header.startswith(SQLITE_MAGIC):
        raise NotAProjectError(
            f"{path}: not a Tawsim project, or the file is damaged (no SQLite header)",
            path=path,
        )
    if len(header) < 100:
        raise NotAProjectError(
            f"{path}: the project file is damaged (cut off in its header)", path=path
        )
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    size_is_valid = header[24:28] == header[92:96]
    pending = any(
        Path(f"{path}{suffix}").exists() and Path(f"{path}{suffix}").stat().st_size > 0
        for suffix in ("-wal", "-journal")
    )
    if size_is_valid and pages and not pending and path.stat().st_size < pages * page_size:
        raise NotAProjectError(
            f"{path}: the project file is damaged (cut off: {path.stat().st_size} bytes of "
            f"the {pages * page_size} its header announces)",
            path=path,
        )
