"""Write a file so that a reader never sees half of it: temp file, fsync, rename."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any, BinaryIO, TextIO, cast


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
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
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
    scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        yield scratch
        _fsync_tree(scratch)
        if target.exists():
            # os.replace cannot swap a non-empty folder: move the old one aside first.
            old = Path(
                tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent)
            )
            os.replace(target, old / "previous")
            os.replace(scratch, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(scratch, target)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise


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
