"""Typed errors the storage layer raises; callers show their message as is."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storage.lock import LockHolder


class ProjectError(Exception):
    """Anything wrong with a project file; the message is meant for the user.

    ``path``, when known, is the file at fault: the interface builds its own sentence
    around it (in the interface's language) while ``str()`` stays the English message."""

    def __init__(self, message: str, *, path: object = None) -> None:
        super().__init__(message)
        self.path = path


class NotAProjectError(ProjectError):
    """The file exists but is not a Tawsim project (or is damaged)."""


class NewerProjectError(ProjectError):
    """The project was written by a newer Tawsim; opening it could damage it.
    ``found`` is its schema version, ``known`` the newest this Tawsim reads (0 if unsaid)."""

    def __init__(self, message: str, *, path: object = None, found: int = 0, known: int = 0):
        super().__init__(message, path=path)
        self.found = found
        self.known = known


class ProjectLockedError(ProjectError):
    """Another writer holds the project; ``holder`` says who (None if it cannot be read)."""

    def __init__(
        self, message: str, *, holder: LockHolder | None = None, path: object = None
    ) -> None:
        super().__init__(message, path=path)
        self.holder = holder


class ReadOnlyProjectError(ProjectError):
    """The project is open read-only (or cannot be written at all): nothing was changed."""


class WriteFailedError(ProjectError, sqlite3.OperationalError):
    """SQLite could not write the project (disk full, I/O error, read-only file); the
    transaction was rolled back. Still an OperationalError, for code that catches those."""

    cause = ""  # for the user: "the disk is full", …
    sqlite_errorname = ""  # the SQLite code behind ``cause`` ("SQLITE_FULL", …)


# SQLite's result codes for a write the file system refused, and what to tell the user.
_WRITE_CAUSES = {
    "SQLITE_FULL": "the disk is full",
    "SQLITE_IOERR": "the disk reported an error",
    "SQLITE_READONLY": "the file cannot be written (read-only)",
    "SQLITE_CANTOPEN": "a file beside the project cannot be created",
}


def write_failure(error: BaseException, path: object) -> WriteFailedError | None:
    """``error`` as a WriteFailedError naming ``path`` and the cause, when it is a write the
    file system refused (disk full, I/O error, read-only file); None for anything else."""
    if not isinstance(error, sqlite3.OperationalError) or isinstance(error, WriteFailedError):
        return None
    name = getattr(error, "sqlite_errorname", "") or ""
    cause = next((text for code, text in _WRITE_CAUSES.items() if name.startswith(code)), None)
    if cause is None:
        return None
    failure = WriteFailedError(
        f"{path}: could not save: {cause} ({error}). Nothing of this action was stored.",
        path=path,
    )
    failure.cause = cause
    failure.sqlite_errorname = name
    failure.sqlite_errorcode = getattr(error, "sqlite_errorcode", 0)
    return failure
