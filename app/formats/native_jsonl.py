"""Native JSONL: one document per line, lossless; the reference for every round trip.

Shape (a stable contract; extend it, never change it)::

    {"id": str, "text": str, "meta": {...},
     "spans": [{"start": int, "end": int, "label": str, "annotator": str,
                "text": str, "attrs": {...}}]}

Offsets are Python code points over ``text``, end exclusive.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from operator import attrgetter
from pathlib import Path
from typing import Any, TextIO

from app.formats.atomic import atomic_text_writer
from app.formats.base import ExportItem, ExportOptions, Omissions
from app.formats.json_lines import lines_that_decode, parse_line, split_lines
from app.formats.records import SourceError, SourceRecord
from app.text.canonical import ENCODING_NAMES, DecodeError, decode
from storage import Document, Span

DOCUMENT_FIELDS = ("title", "source", "url", "published")


def read_jsonl(path: Path, encoding: str | None = None) -> Iterator[SourceRecord | SourceError]:
    data = path.read_bytes()
    try:
        text, used = decode(data, encoding)
    except DecodeError as error:
        if encoding or b"\x00" in data or not data.strip():
            yield SourceError(f"{path}", str(error), size=len(data))
            return
        # Damaged UTF-8: keep every line that decodes, name the ones that do not.
        yield from _read_lines_separately(path, data)
        return
    sizes = _utf8_line_sizes(data) if used in _UTF8 else iter(())
    for number, line in enumerate(split_lines(text.lstrip("\ufeff")), start=1):
        yield from _read_line(path, number, line, used, next(sizes, None))


# Decoded as UTF-8, a file's lines are its byte lines: their sizes need no re-encoding.
_UTF8 = (ENCODING_NAMES["utf_8"], ENCODING_NAMES["utf_8_sig"])


def _utf8_line_sizes(data: bytes) -> Iterator[int]:
    """The size in bytes of each line of ``data``, its newline included."""
    start = 0
    while (end := data.find(b"\n", start)) >= 0:
        yield end - start + 1
        start = end + 1
    yield len(data) - start + 1


def _read_lines_separately(path: Path, data: bytes) -> Iterator[SourceRecord | SourceError]:
    for item in lines_that_decode(path, data):
        if isinstance(item, SourceError):
            yield item
        else:
            yield from _read_line(path, item[0], item[1], "UTF-8")


def _read_line(
    path: Path, number: int, line: str, used: str, size: int | None = None
) -> Iterator[SourceRecord | SourceError]:
    if not line.strip():
        return
    if size is None:
        size = len(line.encode("utf-8", "surrogatepass")) + 1  # bytes, like the total
    location = f"{path}:{number}"
    obj = parse_line(location, line, size)
    if isinstance(obj, SourceError):
        yield obj
        return
    yield _record(obj, location, f"{path.stem}-{number}", used, size)


def _record(
    obj: Any, location: str, default_id: str, encoding: str, size: int
) -> SourceRecord | SourceError:
    if not isinstance(obj, dict):
        return SourceError(location, "a line must hold a JSON object", size=size)
    text = obj.get("text")
    if not isinstance(text, str):
        return SourceError(location, 'no "text" string in the record', size=size)
    meta = obj.get("meta", {})
    if not isinstance(meta, dict):
        return SourceError(location, '"meta" must be an object', size=size)
    spans = obj.get("spans", [])
    if not isinstance(spans, list):
        return SourceError(location, '"spans" must be a list', size=size)
    raw_id = obj.get("id", default_id)
    if not isinstance(raw_id, str | int) or isinstance(raw_id, bool) or str(raw_id) == "":
        return SourceError(location, '"id" must be a non-empty string', size=size)
    return SourceRecord(
        location=location,
        external_id=str(raw_id),
        text=text,
        encoding=encoding,
        meta=meta,
        spans=spans,
        size=size,
    )


def document_record(document: Document, spans: Iterable[Span]) -> dict[str, Any]:
    """The JSONL object for one document; deterministic so that exports compare equal."""
    meta = dict(document.meta)
    for name in DOCUMENT_FIELDS:
        value = getattr(document, name)
        if value:
            meta[name] = value
    ordered = sorted(spans, key=_SPAN_ORDER)
    return {
        "id": document.external_id,
        "text": document.text,
        "meta": dict(sorted(meta.items())),
        "spans": [
            {
                "start": span.start,
                "end": span.end,
                "label": span.label,
                "annotator": span.annotator,
                "text": span.text,
                "attrs": dict(sorted(span.attrs.items())) if span.attrs else {},
            }
            for span in ordered
        ],
    }


_SPAN_ORDER = attrgetter("annotator", "start", "end", "label", "uuid")


# ensure_ascii=False keeps Arabic readable. A raw U+2028 inside a string is valid JSON
# and the reader splits on "\n" only, so it cannot break a line. One encoder for every
# record: json.dumps with an option builds a new one per call (same output either way).
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode
_CHUNK_CHARACTERS = 1 << 20


def write_record(stream: TextIO, record: dict[str, Any]) -> None:
    stream.write(_ENCODE(record))
    stream.write("\n")


def write_jsonl(
    items: Iterable[ExportItem], out: Path, options: ExportOptions, omissions: Omissions
) -> None:
    """Every document with all the spans it was given, losslessly."""
    with atomic_text_writer(out) as stream:
        # Lines gathered into chunks of about a megabyte: one write per chunk.
        chunk: list[str] = []
        buffered = 0
        for item in items:
            line = _ENCODE(document_record(item.document, item.spans))
            chunk.append(line)
            buffered += len(line)
            if buffered >= _CHUNK_CHARACTERS:
                chunk.append("")  # the newline after the last line
                stream.write("\n".join(chunk))
                chunk.clear()
                buffered = 0
        if chunk:
            chunk.append("")
            stream.write("\n".join(chunk))


def sniff_jsonl(path: Path, head: bytes) -> bool:
    first = _first_object(head)
    return first is not None and (
        "spans" in first or ("text" in first and "label" not in first and "entities" not in first)
    )


def _first_object(head: bytes) -> dict[str, Any] | None:
    """The first line of ``head`` as a JSON object, if it is one (a cut line is not)."""
    line = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    try:
        obj = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None
    return obj if isinstance(obj, dict) else None
