"""What readers hand to the importer: raw records and located errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The most input one record (a document and its annotations) may take: 64 MiB. That is 150
# times the longest article the performance budget plans for (200,000 characters, about
# 400 kB), with room for an INCEpTION XMI file full of tokens and lemmas. Anything bigger is
# not an article (a database dump, a binary, a hostile file): it is refused before it is
# parsed, so that it cannot exhaust memory or freeze the article view.
MAX_RECORD_BYTES = 64 * 1024 * 1024


# Not frozen: a frozen dataclass sets each field through object.__setattr__, five times
# the cost of a plain one, and a big import makes 100,000 of each record below.
@dataclass
class SourceRecord:
    """One document as a file holds it, before canonicalization.

    ``spans`` are the file's own dicts (offsets into ``text`` as given); the importer
    validates and maps them.
    """

    location: str  # "file:line" for messages
    external_id: str
    text: str
    encoding: str
    meta: dict[str, Any] = field(default_factory=dict)
    spans: list[Any] = field(default_factory=list)
    size: int = 0  # bytes of input this record consumed, for progress


@dataclass(frozen=True)
class SourceError:
    """Input that could not be read as a record; ``location`` names file and line."""

    location: str
    message: str
    size: int = 0

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass(frozen=True)
class SourceNote:
    """Something a reader skipped or changed on purpose (not an error): it goes into the
    import report's notes, and the records around it are imported as usual."""

    location: str
    message: str
    size: int = 0

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


def too_large(size: int) -> str:
    """The message for input of ``size`` bytes that is over :data:`MAX_RECORD_BYTES`."""
    return f"{size / 2**20:.0f} MB, over the {MAX_RECORD_BYTES >> 20} MB limit for one document"


def oversized_file(path: Path) -> SourceError | None:
    """An error for a one-document file over the limit, found before it is read."""
    try:
        size = path.stat().st_size
    except OSError:
        return None  # reading it will say what is wrong
    if size <= MAX_RECORD_BYTES:
        return None
    return SourceError(str(path), f"the file is {too_large(size)}; not read", size=size)


def leads_elsewhere(path: Path) -> bool:
    """True when ``path`` is a link to a file outside its own folder (or a broken or looping
    link): a file read beside another (brat's text, a type system, an index) is read only
    where it lies, never through a link to somewhere else (``../../etc/passwd``)."""
    if not path.is_symlink():
        return False
    try:
        return path.resolve(strict=True).parent != path.parent.resolve(strict=True)
    except (OSError, RuntimeError):  # broken, or a loop
        return True


LINK_REFUSED = "not read: a link that leads out of its folder (or nowhere)"
