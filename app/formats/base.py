"""The contract every format module keeps with the exporter and the importer.

A format module offers up to three functions, registered in :mod:`app.formats.registry`:

``write(items, out, options, omissions) -> None``
    Writes every :class:`ExportItem` to ``out`` (a file, or a folder for per-document
    formats), atomically (see :mod:`app.formats.atomic`). Anything the format cannot hold
    is reported through ``omissions`` — never dropped silently. Unless the format carries
    annotators itself (``multi_layer``), the items hold spans of one layer only.

``read(path, encoding, name) -> Iterator[SourceRecord | SourceError | SourceNote]``
    Yields one record per document. ``name`` is the file's path relative to the import
    folder without its suffix: the document id for formats that hold one document per
    file and no id of their own. Span dicts carry ``start``/``end`` in Python code
    points over the record's ``text`` (readers convert UTF-16 or token offsets themselves),
    ``label``, and optionally ``text``, ``attrs``, ``annotator``, ``kind``
    (``"suggestions"`` for predictions) and ``location`` (``"file:line"`` where the span is
    written, for formats that spread a document over many lines: the importer's message
    names that line). The importer validates everything else.
    A :class:`SourceNote` tells the report about something skipped on purpose (relations,
    cancelled annotations): a note, not a rejection.

``sniff(path, head) -> bool``
    True when the first bytes ``head`` of ``path`` look like this format (``--format auto``
    recognizes content, not only extensions).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from app.formats.records import SourceError, SourceNote, SourceRecord
from storage import Document, Label, Span


@dataclass(frozen=True)
class ExportItem:
    """One document and the spans to write with it, sorted by (start, end, label)."""

    document: Document
    spans: list[Span]


@dataclass(frozen=True)
class ExportOptions:
    labels: tuple[Label, ...] = ()
    tab: bool = False  # CoNLL: "token<TAB>tag" instead of "token tag"
    offsets: str = "utf16"  # doccano: "utf16" (what the browser counts) or "codepoint"
    variant: str = "label"  # doccano: "label" ([[s, e, L]]) or "entities" (objects)
    layer: str = ""  # the annotator whose spans these are ("" when several)


@dataclass
class Omissions:
    """What a format could not hold, named per document."""

    items: list[str] = field(default_factory=list)

    def add(self, document: Document, message: str) -> None:
        self.items.append(f"{document.external_id}: {message}")

    def __len__(self) -> int:
        return len(self.items)


Writer = Callable[[Iterable[ExportItem], Path, ExportOptions, Omissions], None]
Reader = Callable[[Path, "str | None", str], Iterator[SourceRecord | SourceError | SourceNote]]
Sniffer = Callable[[Path, bytes], bool]


@dataclass(frozen=True)
class Format:
    name: str
    title: str  # shown in dialogs
    extension: str  # of the file written, or "" for a folder
    write: Writer | None = None
    read: Reader | None = None
    sniff: Sniffer | None = None
    multi_layer: bool = False  # the format names each span's annotator itself
    folder: bool = False  # writes a folder (one or more files per document)
    extra: str = ""  # optional dependency group needed ("spacy")
    suffixes: tuple[str, ...] = ()  # file suffixes that mean this format when sniffing fails

    @property
    def can_export(self) -> bool:
        return self.write is not None

    @property
    def can_import(self) -> bool:
        return self.read is not None
