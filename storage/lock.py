"""One writer per project: a lock file beside it that says who holds it.

``corpus.tawsim`` is held through ``corpus.tawsim.lock``, a small JSON file (annotator,
host, pid, since, heartbeat) that every instance on a shared folder sees:

- it is created with ``O_CREAT | O_EXCL``, so of two instances racing for it one wins;
- where the OS has advisory locks (``fcntl.flock``), the holder keeps one on the file for as
  long as the project is open. The OS drops it when the process dies, however it dies, so a
  lock left by a crash on this host is recognizably stale: its flock can be taken;
- a holder on another host (a shared folder) may not see our flocks, nor we its own: its lock
  is stale when its ``heartbeat`` is older than ``stale_after``. The application refreshes the
  heartbeat every few minutes while the project is open (:meth:`ProjectLock.heartbeat`);
- on Windows (no fcntl) a lock of this host is stale when its pid no longer runs.

A stale lock is never deleted: the file is replaced atomically by ours while we hold the
stale file's flock, so two instances cannot both clear it on one host. A lock is removed on
release only if it is still ours.

Who takes it (``open_project(..., holder=...)``): the window, always; the commands that write
a project for long (``tawsim import``; merge and adjudicate should too). Commands that only
read (export, agreement) take none: WAL gives them a consistent snapshot beside a writer.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage.clock import now
from storage.errors import ProjectLockedError, ReadOnlyProjectError

if sys.platform != "win32":
    import fcntl

LOCK_SUFFIX = ".lock"
# A holder on another host that has not refreshed its heartbeat for this long has gone.
STALE_AFTER = timedelta(minutes=30)
# How often the application refreshes the heartbeat (well inside STALE_AFTER).
HEARTBEAT_EVERY = timedelta(minutes=5)
# An empty or half-written lock file is being written by its creator for this long at most.
_BEING_WRITTEN = timedelta(seconds=10)
_BINARY = getattr(os, "O_BINARY", 0)  # Windows opens files as text unless told
_CREATE = os.O_CREAT | os.O_EXCL | os.O_RDWR | _BINARY


@dataclass(frozen=True)
class LockHolder:
    """Who holds a project: what the second instance is told."""

    annotator: str
    host: str
    pid: int
    since: str  # ISO 8601 UTC
    heartbeat: str  # ISO 8601 UTC, refreshed while the project is open
    token: str = ""  # tells this holder's file from a later one of the same pid

    @classmethod
    def me(cls, annotator: str) -> LockHolder:
        stamp = now()
        return cls(annotator, _host_name(), os.getpid(), stamp, stamp, os.urandom(8).hex())

    def describe(self) -> str:
        """Who, where, since when: "alice on lab-pc-3 since 2024-03-05 09:12 UTC"."""
        return f"{self.annotator} on {self.host} since {_readable(self.since)}"

    def to_bytes(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> LockHolder | None:
        """The holder a lock file names, or None while it is empty or half-written."""
        try:
            raw = json.loads(data.decode("utf-8"))
            return cls(
                annotator=str(raw["annotator"]),
                host=str(raw["host"]),
                pid=int(raw["pid"]),
                since=str(raw["since"]),
                heartbeat=str(raw.get("heartbeat", raw["since"])),
                token=str(raw.get("token", "")),
            )
        except (ValueError, KeyError, TypeError):
            return None


def lock_path(project_path: Path) -> Path:
    return project_path.with_name(project_path.name + LOCK_SUFFIX)


def read_holder(project_path: Path) -> LockHolder | None:
    """Who the project's lock file names (live or stale), or None when there is none."""
    return _read_lock_file(lock_path(project_path))


def _read_lock_file(path: Path) -> LockHolder | None:
    try:
        return LockHolder.from_bytes(path.read_bytes())
    except OSError:
        return None


class ProjectLock:
    """A held lock: the open lock file (with its flock where there is one)."""

    def __init__(self, path: Path, holder: LockHolder, fd: int) -> None:
        self.path = path
        self.holder = holder
        self._fd: int | None = fd

    @classmethod
    def acquire(
        cls, project_path: Path, annotator: str, *, stale_after: timedelta = STALE_AFTER
    ) -> ProjectLock:
        """Take the project's lock, clearing a stale one; ProjectLockedError when it is held."""
        path = lock_path(project_path)
        me = LockHolder.me(annotator)
        for _attempt in range(5):
            try:
                fd = os.open(path, _CREATE, 0o644)
            except FileExistsError:
                taken = _take_over_if_stale(path, me, stale_after)
                if taken is not None:
                    return taken
                continue  # the lock went away meanwhile: try to create it again
            except OSError as error:
                raise _cannot_write(project_path, error) from error
            # The flock first: a reader that finds the file still empty sees it held.
            _flock(fd)
            _write_in_place(fd, me)
            return cls(path, me, fd)
        raise ProjectLockedError(
            f"{project_path}: other instances are opening it right now; try again",
            holder=read_holder(project_path),
            path=project_path,
        )

    @property
    def held(self) -> bool:
        return self._fd is not None

    def still_ours(self) -> bool:
        """Whether the lock file at ``path`` is still the one we hold."""
        if self._fd is None:
            return False
        try:
            return _same_file(self._fd, self.path)
        except OSError:
            return False

    def heartbeat(self) -> bool:
        """Refresh the heartbeat; False when the lock is no longer ours (another host judged
        it stale and took it over), and the project must then not be written any more."""
        if self._fd is None or not self.still_ours():
            return False
        self.holder = replace(self.holder, heartbeat=now())
        # In place, on our own file: if another instance replaced it a moment ago, this
        # writes to our orphaned copy and never over theirs.
        _write_in_place(self._fd, self.holder)
        return self.still_ours()

    def release(self) -> None:
        """Remove the lock file if it is still ours, and drop the flock."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        ours = False
        try:
            ours = _same_file(fd, self.path)
            if ours and sys.platform != "win32":
                self.path.unlink()  # while still holding the flock: nobody judges it meanwhile
        except OSError:
            pass  # the folder went away or became read-only: the flock still goes below
        finally:
            os.close(fd)
        if ours and sys.platform == "win32":  # an open file cannot be removed there
            self.path.unlink(missing_ok=True)


def _take_over_if_stale(path: Path, me: LockHolder, stale_after: timedelta) -> ProjectLock | None:
    """Replace a stale lock by ours; ProjectLockedError for a live one; None if it vanished."""
    try:
        fd = os.open(path, os.O_RDWR | _BINARY)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise _cannot_write(path, error) from error
    try:
        flock_free = _try_flock(fd)
        if not _same_file(fd, path):  # replaced between our open and our flock: look again
            return None
        holder = LockHolder.from_bytes(_read_all(fd))
        written = datetime.fromtimestamp(os.fstat(fd).st_mtime, UTC)
        if not _is_stale(holder, written, flock_free, stale_after):
            raise ProjectLockedError(
                _held_message(path, holder), holder=holder, path=_project_of(path)
            )
        if sys.platform == "win32":  # an open file cannot be replaced there (and has no flock)
            os.close(fd)
            fd = -1
        # We hold the stale file's flock: on this host nobody else can judge it stale now.
        try:
            lock = ProjectLock(path, me, _replace_with(path, me))
        except OSError as error:  # its holder has it open after all (Windows, shared folders)
            raise ProjectLockedError(
                _held_message(path, holder), holder=holder, path=_project_of(path)
            ) from error
    finally:
        if fd >= 0:
            os.close(fd)
    if not lock.still_ours():  # another host cleared it at the same moment, and won
        lock.release()
        current = _read_lock_file(path)
        raise ProjectLockedError(
            _held_message(path, current), holder=current, path=_project_of(path)
        )
    return lock


def _is_stale(
    holder: LockHolder | None, written: datetime, flock_free: bool | None, stale_after: timedelta
) -> bool:
    if flock_free is False:
        return False  # its holder is alive and holds the flock
    age = datetime.now(UTC) - written
    if holder is None:  # empty or torn: being written, unless it has been so for long
        return age > (_BEING_WRITTEN if flock_free else stale_after)
    if holder.host == _host_name():
        return True if flock_free else not _pid_alive(holder.pid)
    try:
        beat = datetime.fromisoformat(holder.heartbeat)
    except ValueError:
        beat = written
    return datetime.now(UTC) - beat > stale_after


def _project_of(lock_file: Path) -> Path:
    return lock_file.with_name(lock_file.name[: -len(LOCK_SUFFIX)])


def _held_message(path: Path, holder: LockHolder | None) -> str:
    project = _project_of(path)
    who = holder.describe() if holder else "another instance that is opening it right now"
    return f"{project}: in use by {who}"


def _readable(stamp: str) -> str:
    try:
        return datetime.fromisoformat(stamp).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return stamp


def _cannot_write(path: Path, error: OSError) -> ReadOnlyProjectError:
    return ReadOnlyProjectError(
        f"{path}: cannot write beside the project ({error.strerror or error}), "
        "so it can only be opened read-only"
    )


def _write_in_place(fd: int, holder: LockHolder) -> None:
    data = holder.to_bytes()
    os.lseek(fd, 0, os.SEEK_SET)  # not pwrite: Windows has none
    os.write(fd, data)
    os.ftruncate(fd, len(data))
    os.fsync(fd)


def _read_all(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    return os.read(fd, 1 << 16)


def _replace_with(path: Path, holder: LockHolder) -> int:
    """Atomically put a new lock file (already flocked) where ``path`` is."""
    temporary = path.with_name(f"{path.name}.{holder.token}.tmp")
    fd = os.open(temporary, _CREATE, 0o644)
    try:
        _flock(fd)
        _write_in_place(fd, holder)
        os.replace(temporary, path)
    except BaseException:
        os.close(fd)
        temporary.unlink(missing_ok=True)
        raise
    return fd


def _host_name() -> str:
    # Not socket.gethostname(): importing socket (and secrets) cost start-up 10 ms.
    if sys.platform != "win32":
        return os.uname().nodename
    import socket

    return socket.gethostname()


def _same_file(fd: int, path: Path) -> bool:
    try:
        here = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (here.st_dev, here.st_ino) == (mine.st_dev, mine.st_ino)


if sys.platform != "win32":

    def _flock(fd: int) -> None:
        if not _try_flock(fd):
            raise ProjectLockedError("the lock file is held by another instance")

    def _try_flock(fd: int) -> bool | None:
        """True when we got the flock, False when another holds it, None: no flocks here."""
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        except OSError:  # a file system without flocks: judge by pid and heartbeat
            return None
        return True

    def _pid_alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True  # someone else's process
        return True

else:

    def _flock(fd: int) -> None:
        """No flocks on Windows: an open file there cannot be replaced, which is enough."""

    def _try_flock(fd: int) -> bool | None:
        return None

    def _pid_alive(pid: int) -> bool:
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE


def lock_for_writing(
    project_path: Path, annotator: str, *, stale_after: timedelta = STALE_AFTER
) -> ProjectLock:
    """The lock of a project about to be opened for writing, after checking that its file
    can be written at all (ReadOnlyProjectError otherwise, before anything is touched)."""
    if project_path.exists() and not os.access(project_path, os.W_OK):
        raise ReadOnlyProjectError(
            f"{project_path}: the file is read-only (no permission to write it), "
            "so it can only be opened read-only",
            path=project_path,
        )
    return ProjectLock.acquire(project_path, annotator, stale_after=stale_after)


def command_holder(command: str) -> str:
    """The holder a writing command names in the lock: "layla (tawsim import)"."""
    import getpass  # only the commands that write need it

    try:
        user = getpass.getuser()
    except Exception:  # no login name (containers, some Windows set-ups)
        user = "someone"
    return f"{user} (tawsim {command})"
