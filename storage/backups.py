"""Rolling backups of a project file, and putting one back (DESIGN §4 and §9).

Where they live: a folder beside the project, ``<name>.backups/``, holding one
self-contained SQLite file per backup (rollback-journal mode, no ``-wal`` beside it)::

    project.tawsim.backups/project-20250301T101500.123456Z.tawsim                  automatic
    project.tawsim.backups/project-20250301T111500.000000Z.before-restore.tawsim  kept

Automatic backups (on open, every N minutes of activity, before an import or a merge) are
rolled: the newest K are kept. A backup taken before a restore is never pruned, since it
is what undoes the restore; nor is the copy taken before a schema upgrade, which
storage.migrations writes beside the project (``project.tawsim.v1-<stamp>.bak``).

Every backup is written with SQLite's online backup API from a connection of its own (so
it is a snapshot of committed work, taken while the app goes on writing), into a hidden
``.partial`` name, checked with ``PRAGMA quick_check``, synced, and only then renamed into
place: a half-written or damaged copy never looks like a backup, and a damaged project
never pushes a good backup out.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage.errors import NewerProjectError, NotAProjectError, ProjectError, ProjectLockedError
from storage.lock import ProjectLock
from storage.migrations import LATEST_VERSION
from storage.project import APPLICATION_ID, is_damage

SUFFIX = ".tawsim"
BEFORE_RESTORE = "before-restore"
BEFORE_UPGRADE = "before-upgrade"
_STAMP = "%Y%m%dT%H%M%S.%fZ"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{6}\.\d{6}Z)(?:\.(?P<kind>[a-z-]+))?\.tawsim$")
# storage.migrations' copies beside the project: <name>.v<version>-<stamp>.bak
_UPGRADE_NAME = re.compile(
    r"^(?P<name>.+)\.v(?P<version>\d+)-(?P<stamp>\d{8}T\d{6}(\.\d{6}Z)?)\.bak$"
)
_STALE_PARTIAL = timedelta(hours=1)


class BackupError(ProjectError):
    """A backup could not be written (disk full, no permission); the project is unharmed."""


@dataclass(frozen=True)
class Backup:
    path: Path
    taken_at: datetime  # UTC
    size: int  # bytes
    kind: str = ""  # "" automatic, BEFORE_RESTORE, BEFORE_UPGRADE

    @property
    def description(self) -> str:
        if self.kind == BEFORE_RESTORE:
            return "taken before a restore"
        if self.kind == BEFORE_UPGRADE:
            return "taken before a schema upgrade"
        return "automatic"


@dataclass(frozen=True)
class RestoreResult:
    project: Path
    restored_from: Path
    previous: Backup | None  # what the project held before: restore it to undo
    damaged_copy: Path | None  # the damaged file as it was, kept beside the project


def backups_dir(project: Path) -> Path:
    return project.with_name(project.name + ".backups")


def stamp(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).astimezone(UTC).strftime(_STAMP)


def _parse_stamp(text: str) -> datetime:
    fmt = _STAMP if text.endswith("Z") else "%Y%m%dT%H%M%S"
    return datetime.strptime(text, fmt).replace(tzinfo=UTC)


def list_backups(project: Path) -> list[Backup]:
    """Every backup of ``project``, newest first."""
    project = Path(project)
    found: list[Backup] = []
    folder = backups_dir(project)
    for path in folder.iterdir() if folder.is_dir() else ():
        match = _NAME.match(path.name)
        if match and path.is_file():
            when = _parse_stamp(match["stamp"])
            found.append(Backup(path, when, path.stat().st_size, match["kind"] or ""))
    for path in project.parent.glob(f"{glob_escape(project.name)}.v*-*.bak"):
        upgrade = _UPGRADE_NAME.match(path.name)
        if upgrade and upgrade["name"] == project.name and path.is_file():
            when = _parse_stamp(upgrade["stamp"])
            found.append(Backup(path, when, path.stat().st_size, BEFORE_UPGRADE))
    return sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True)


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def take_backup(
    project: Path, *, keep: int, kind: str = "", if_changed: bool = False
) -> Backup | None:
    """Back up the committed state of ``project``; roll automatic backups down to ``keep``.

    With ``if_changed``, nothing is written (None is returned) when the newest backup holds
    the same content. Raises NotAProjectError when the project is damaged (the copy fails
    its check; no backup is replaced by it) and BackupError when the copy cannot be written.
    """
    project = Path(project)
    if not project.is_file():
        raise ProjectError(f"{project}: no such project")
    folder = backups_dir(project)
    source = _connect(project)
    try:
        _check_ours(source, project)
        if if_changed and _same_as_newest(project, source):
            return None
        try:
            folder.mkdir(exist_ok=True)
        except OSError as error:
            raise BackupError(
                f"{folder}: cannot make the backups folder ({error})", path=folder
            ) from error
        _remove_stale_partials(folder)
        target, taken_at = _free_name(folder, project, kind)
        write_copy(source, target, origin=project)
    finally:
        source.close()
    if not kind:
        prune(project, keep)
    return Backup(target, taken_at, target.stat().st_size, kind)


def _same_as_newest(project: Path, source: sqlite3.Connection) -> bool:
    newest = next((b for b in list_backups(project) if b.kind != BEFORE_UPGRADE), None)
    if newest is None:
        return False
    try:
        marker = content_marker(source)
    except sqlite3.DatabaseError as error:
        if is_damage(error):
            raise NotAProjectError(
                f"{project}: the project file is damaged ({error})", path=project
            ) from error
        raise BackupError(
            f"{project}: cannot be read for a backup ({error})", path=project
        ) from error
    return _marker_of_file(newest.path) == marker


def prune(project: Path, keep: int) -> list[Path]:
    """Delete automatic backups beyond the newest ``keep``; returns the deleted paths."""
    automatic = [b for b in list_backups(project) if not b.kind]
    deleted = [b.path for b in automatic[max(keep, 1) :]]
    for path in deleted:
        path.unlink(missing_ok=True)
    return deleted


def write_copy(source: sqlite3.Connection, target: Path, *, origin: Path) -> None:
    """Copy the database of ``source`` to ``target``, whole and checked, or not at all.

    ``origin`` names the source in messages.
    """
    partial = target.with_name(f".{target.name}.partial")
    try:
        dest = sqlite3.connect(partial, isolation_level=None)
        try:
            source.backup(dest)
            # The copy keeps the source's WAL flag; a backup is one file, nothing beside it.
            dest.execute("PRAGMA journal_mode = DELETE")
            check = dest.execute("PRAGMA quick_check").fetchall()
        finally:
            dest.close()
        if check != [("ok",)]:
            problems = "; ".join(str(row[0]) for row in check[:3])
            raise NotAProjectError(
                f"{origin}: the project file is damaged ({problems})", path=origin
            )
        _fsync(partial)
        os.replace(partial, target)
        _fsync_dir(target.parent)
    except sqlite3.DatabaseError as error:
        partial.unlink(missing_ok=True)
        if is_damage(error):
            raise NotAProjectError(
                f"{origin}: the project file is damaged ({error})", path=origin
            ) from error
        raise BackupError(
            f"{target}: the backup could not be written ({error})", path=target
        ) from error
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise BackupError(
            f"{target}: the backup could not be written ({error})", path=target
        ) from error
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def content_marker(conn: sqlite3.Connection) -> str:
    """A fingerprint that changes whenever the project's content does, cheap to compute.

    Rows added or deleted change a table's count or largest rowid; every edit of a span,
    a status or a label adds a row to the append-only change log; settings and labels,
    which can change without a log entry, are small enough to hash whole.
    """
    parts: list[object] = [
        conn.execute("PRAGMA user_version").fetchone()[0],
        # The schema itself (not PRAGMA schema_version: a backup's copy counts afresh).
        conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall(),
    ]
    tables = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name"
    ).fetchall()
    for (name,) in tables:
        quoted = '"' + name.replace('"', '""') + '"'
        try:
            counts = conn.execute(f"SELECT count(*), max(rowid) FROM {quoted}").fetchone()
            parts.append([name, *counts])
        except sqlite3.OperationalError:  # a WITHOUT ROWID table: its count will do
            parts.append([name, conn.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0]])
    for small in ("project_meta", "labels"):
        if any(name == small for (name,) in tables):
            parts.append(conn.execute(f"SELECT * FROM {small} ORDER BY 1").fetchall())
    import hashlib  # here: the window shows before any backup is compared

    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


# -- restoring ----------------------------------------------------------------------------


def verify_backup(backup: Path) -> int:
    """Check that ``backup`` is a whole Tawsim project this version can open; its schema."""
    backup = Path(backup)
    if not backup.is_file():
        raise ProjectError(f"{backup}: no such backup")
    try:
        conn = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise NotAProjectError(
            f"{backup}: cannot be read as a backup ({error})", path=backup
        ) from error
    try:
        _check_ours(conn, backup)
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > LATEST_VERSION:
            raise NewerProjectError(
                f"{backup}: this backup was written by a newer Tawsim (schema {version}); "
                "update Tawsim to restore it"
            )
        check = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as error:
        raise NotAProjectError(f"{backup}: the backup is damaged ({error})", path=backup) from error
    finally:
        conn.close()
    if check != [("ok",)]:
        problems = "; ".join(str(row[0]) for row in check[:3])
        raise NotAProjectError(f"{backup}: the backup is damaged ({problems})", path=backup)
    return version


def restore_backup(backup: Path, project: Path, *, by: str = "tawsim restore") -> RestoreResult:
    """Put ``backup`` in place of ``project`` (which may be missing, healthy or damaged).

    The backup is verified first; what the project held is backed up (a healthy project,
    kind BEFORE_RESTORE) or copied aside byte for byte (a damaged or foreign file), so a
    restore can itself be undone. Refused with ProjectLockedError while another program
    has the project open (its lock, storage.lock, is held meanwhile in the name of ``by``).
    The copy appears at ``project`` whole or not at all.
    """
    backup, project = Path(backup), Path(project)
    if project.exists() and backup.exists() and project.samefile(backup):
        raise ProjectError(f"{backup}: a project cannot be restored from itself")
    if project.is_dir():
        raise ProjectError(f"{project}: is a folder, not a project file")
    verify_backup(backup)
    lock = ProjectLock.acquire(project, by)
    try:
        return _restore(backup, project)
    finally:
        lock.release()


def _restore(backup: Path, project: Path) -> RestoreResult:
    previous: Backup | None = None
    damaged: Path | None = None
    if project.exists() and project.stat().st_size > 0:
        if _healthy(project):
            previous = _back_up_before_restore(project)
        else:
            damaged = _copy_aside(project)
    # A -wal left beside would be replayed onto the restored file: what it held is in the
    # backup or the copy aside by now.
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{project}{suffix}").unlink(missing_ok=True)
    source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
    try:
        write_copy(source, project, origin=backup)
    finally:
        source.close()
    return RestoreResult(project, backup, previous, damaged)


def _healthy(project: Path) -> bool:
    """Whether ``project`` is a whole Tawsim project (a full read: restores are rare)."""
    conn = _connect(project)
    try:
        _check_ours(conn, project)
        return bool(conn.execute("PRAGMA quick_check").fetchall() == [("ok",)])
    except (NotAProjectError, sqlite3.DatabaseError):
        return False
    finally:
        conn.close()


def _back_up_before_restore(project: Path) -> Backup:
    conn = _connect(project)
    try:
        # Leaving WAL mode needs the only connection: this refuses while another program
        # has the project open, and folds the -wal into the file before it is replaced.
        try:
            conn.execute("PRAGMA journal_mode = DELETE")
        except sqlite3.OperationalError as error:
            raise ProjectLockedError(
                f"{project}: the project is open in another program; close it there, then "
                f"restore ({error})"
            ) from error
    finally:
        conn.close()
    saved = take_backup(project, keep=0, kind=BEFORE_RESTORE)
    assert saved is not None  # only if_changed skips
    return saved


def _copy_aside(project: Path) -> Path:
    """Copy a damaged project (and its -wal or -journal) beside it; the copy's path."""
    aside = project.with_name(f"{project.name}.damaged-{stamp()}")
    for suffix in ("", "-wal", "-journal"):
        source = Path(f"{project}{suffix}")
        if source.exists():
            target = Path(f"{aside}{suffix}")
            partial = target.with_name(f".{target.name}.partial")
            shutil.copyfile(source, partial)
            _fsync(partial)
            os.replace(partial, target)
    _fsync_dir(project.parent)
    return aside


# -- helpers ------------------------------------------------------------------------------


def _connect(path: Path) -> sqlite3.Connection:
    # No busy wait: a backup or a restore that would have to wait for a writer says so.
    return sqlite3.connect(path, isolation_level=None, timeout=0, check_same_thread=False)


def _check_ours(conn: sqlite3.Connection, path: Path) -> None:
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise NotAProjectError(
            f"{path}: not a Tawsim project, or the file is damaged ({error})"
        ) from error
    if app_id != APPLICATION_ID:
        raise NotAProjectError(f"{path}: not a Tawsim project", path=path)


def _marker_of_file(path: Path) -> str | None:
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return content_marker(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return None  # an unreadable backup matches nothing: a fresh one is taken


def _free_name(folder: Path, project: Path, kind: str) -> tuple[Path, datetime]:
    moment = datetime.now(UTC)
    stem = project.name.removesuffix(SUFFIX)
    while True:
        name = f"{stem}-{stamp(moment)}{'.' + kind if kind else ''}{SUFFIX}"
        if not (folder / name).exists():
            return folder / name, moment
        moment += timedelta(microseconds=1)


def _remove_stale_partials(folder: Path) -> None:
    """Partial copies left by a backup that was killed (a live one is younger)."""
    limit = time.time() - _STALE_PARTIAL.total_seconds()
    for partial in folder.glob(".*.partial"):
        try:
            if partial.stat().st_mtime < limit:
                partial.unlink()
        except OSError:
            pass


def _fsync(path: Path) -> None:
    with path.open("rb") as stream:
        os.fsync(stream.fileno())


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable; folders cannot be opened for this on Windows."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
