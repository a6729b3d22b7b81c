"""Plain records for the domain. Every layer above storage speaks in these."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DOCUMENT_STATUSES = ("new", "in_progress", "done", "skipped")


@dataclass(frozen=True)
class Label:
    id: str
    name_ar: str = ""
    name_en: str = ""
    color: str = "#9e9e9e"
    key: str = ""
    attributes: tuple[str, ...] = ()
    order: int = 0

    @property
    def display_name(self) -> str:
        return self.name_ar or self.name_en or self.id


@dataclass(frozen=True)
class Annotator:
    id: int
    name: str
    kind: str = "human"  # human | gold | suggestions


@dataclass(frozen=True)
class Document:
    id: int
    external_id: str
    text: str
    sha256: str
    title: str = ""
    source: str = ""
    url: str = ""
    published: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    import_file: str = ""
    import_encoding: str = ""
    import_notes: str = ""


@dataclass(frozen=True)
class DocumentRow:
    """What the document list shows: no text, so a page of rows stays small."""

    id: int
    external_id: str
    title: str
    status: str
    span_count: int
    length: int


@dataclass(frozen=True)
class Span:
    """A tagged stretch [start, end) of a document's text, in Python code points."""

    uuid: str
    document_id: int
    annotator: str
    start: int
    end: int
    label: str
    text: str
    attrs: dict[str, Any] = field(default_factory=dict)
    created_at: str = ""
    updated_at: str = ""


@dataclass(frozen=True)
class Change:
    seq: int
    at: str
    annotator: str
    action: str
    document_id: int | None
    span_uuid: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
