"""What readers hand to the importer: raw records and located errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
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
