"""Write a file so that a reader never sees half of it: temp file, fsync, rename.

A writer that is killed leaves its temporary behind: ``.<name>.<random>.tmp`` beside the
target (a file, or a folder for :func:`atomic_directory`), hidden and clearly temporary.
Each writer holds an advisory lock on its temporary while it lives, and every new write
of the same target first removes the temporaries nobody holds, so the leftovers of a
killed export (a partial copy of 50,000 documents can be large) go with the next export.
"""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any, BinaryIO, TextIO, cast

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no locks, so leftovers are kept
    fcntl = None  # type: ignore[assignment]

TEMP_SUFFIX = ".tmp"
# A previous output folder moved aside for its replacement: "<its scratch folder>.old".
OLD_SUFFIX = ".tmp.old"


@contextmanager
def atomic_text_writer(path: str | Path) -> Iterator[TextIO]:
    """Yield a text stream; on success the file appears at ``path`` complete, else not at all."""
    with _atomic_file(path, binary=False) as stream:
        yield cast(TextIO, stream)


@contextmanager
def atomic_binary_writer(path: str | Path) -> Iterator[BinaryIO]:
    """Like :func:`atomic_text_writer`, for bytes (spaCy's DocBin)."""
    with _atomic_file(path, binary=True) as stream:
        yield cast(BinaryIO, stream)


@contextmanager
def _atomic_file(path: str | Path, *, binary: bool) -> Iterator[IO[Any]]:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(target)
    fd, temp_name, lock = _claimed(lambda: _new_temp_file(target))
    try:
        stream = (
            os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        )
        with stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_name, target)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    finally:
        _release(lock)


@contextmanager
def atomic_directory(path: str | Path) -> Iterator[Path]:
    """Yield an empty scratch folder; on success it replaces ``path`` whole, else vanishes.

    A reader sees the old folder (or none) until the rename, then the complete new one:
    an export directory is complete or absent. An existing *file* at ``path`` is refused.
    """
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise FileExistsError(f"{target} exists and is not a folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(target)
    _, scratch_name, lock = _claimed(lambda: _new_temp_folder(target))
    scratch = Path(scratch_name)
    try:
        yield scratch
        _fsync_tree(scratch)
        if target.exists():
            # os.replace cannot swap a non-empty folder: move the old one aside first. A kill
            # between the two renames leaves no output (and both folders as leftovers).
            old = Path(scratch_name + ".old")
            os.replace(target, old)
            try:
                os.replace(scratch, target)
            except BaseException:
                os.replace(old, target)  # put the previous output back
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(scratch, target)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    finally:
        _release(lock)


def _new_temp_file(target: Path) -> tuple[int, str]:
    return tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent)


def _new_temp_folder(target: Path) -> tuple[int, str]:
    name = tempfile.mkdtemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent)
    return -1, name


def _claimed(make: Callable[[], tuple[int, str]]) -> tuple[int, str, int]:
    """A new temporary (fd or -1, name) and an fd holding its lock until closed.

    Between creating the temporary and locking it, another writer's sweep could take it
    for a leftover and remove it: then the name no longer leads to what we locked, and we
    make another.
    """
    while True:
        fd, name = make()
        if fcntl is None:  # pragma: no cover - Windows
            return fd, name, -1
        lock = os.open(name, os.O_RDONLY)
        if _try_lock(lock):
            with suppress(OSError):
                if os.stat(name).st_ino == os.fstat(lock).st_ino:
                    return fd, name, lock
        os.close(lock)
        if fd >= 0:
            os.close(fd)


def _release(lock: int) -> None:
    if lock >= 0:
        os.close(lock)


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def remove_leftovers(target: Path) -> list[Path]:
    """Remove the temporaries of ``target`` that no living writer holds; returns them."""
    if fcntl is None:  # pragma: no cover - Windows
        return []
    removed = []
    pattern = f".{glob.escape(target.name)}.*"
    for entry in target.parent.glob(pattern):
        name = entry.name
        if name.endswith(OLD_SUFFIX):
            # The previous output of a writer that had finished its folder: a leftover
            # once that writer's scratch folder is gone or nobody holds it.
            scratch = entry.with_name(name[: -len(".old")])
            if scratch.exists() and not _unheld(scratch):
                continue
        elif not name.endswith(TEMP_SUFFIX) or not _unheld(entry):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            with suppress(FileNotFoundError):
                entry.unlink()
        removed.append(entry)
    return removed


def _unheld(entry: Path) -> bool:
    """Whether nobody holds ``entry``'s lock (its writer is gone)."""
    try:
        fd = os.open(entry, os.O_RDONLY)
    except OSError:
        return False
    try:
        return _try_lock(fd)  # released by the close below
    finally:
        os.close(fd)


def _fsync_tree(folder: Path) -> None:
    """Make the scratch folder's files durable before the rename publishes them."""
    if hasattr(os, "sync"):
        # One sync for the whole tree: an fsync per file costs ~3 ms, minutes for a
        # 50,000-document folder export.
        os.sync()
        return
    for item in sorted(folder.rglob("*")):  # pragma: no cover - Windows
        if item.is_file():
            with open(item, "rb") as stream:
                os.fsync(stream.fileno())
