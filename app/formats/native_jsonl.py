"""Native JSONL: one document per line, lossless; the reference for every round trip.

Shape (a stable contract; extend it, never change it)::

    {"id": str, "text": str, "meta": {...},
     "spans": [{"start": int, "end": int, "label": str, "annotator": str,
                "text": str, "attrs": {...}}]}

Offsets are Python code points over ``text``, end exclusive.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Generator, Iterable, Iterator
from operator import attrgetter
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from app.formats.atomic import atomic_text_writer
from app.formats.base import ExportItem, ExportOptions, Omissions
from app.formats.json_lines import lines_that_decode, parse_line, split_lines
from app.formats.records import MAX_RECORD_BYTES, SourceError, SourceRecord
from app.text.canonical import ENCODING_NAMES, DecodeError, decode
from storage import Document, Span

DOCUMENT_FIELDS = ("title", "source", "url", "published")


def read_jsonl(path: Path, encoding: str | None = None) -> Iterator[SourceRecord | SourceError]:
    """The records of ``path``, one per line. A UTF-8 file is read a block of lines at a
    time, so that the first record comes at once and the file is never held whole (an
    import writes while the rest is read); any other file is read and decoded whole."""
    with open(path, "rb") as stream:
        head = _read_block(stream)
        decoded = None if encoding else _utf8_head(head)
        if decoded is None:
            yield from _read_whole(path, head + stream.read(), encoding)
            return
        text, used = decoded
        number = yield from _read_block_lines(path, 1, text.lstrip("\ufeff"), head, used)
        while block := _read_block(stream):
            try:
                text = block.decode("utf-8")
            except UnicodeDecodeError:
                # Damaged after a first block that was good UTF-8: the file is UTF-8, so
                # every line that decodes is kept and each one that does not is named.
                yield from _read_lines_separately(path, block + stream.read(), number)
                return
            number = yield from _read_block_lines(path, number, text, block, used)


# A block of a streamed file: this many bytes, cut after its last newline (a newline byte
# never falls inside a UTF-8 sequence). A file that fits in the first block is decided
# exactly as when it is read whole (see decode); one that fails later is damaged UTF-8.
_BLOCK_BYTES = 8 * 1024 * 1024


def _read_block(stream: BinaryIO) -> bytes:
    """The next whole lines of ``stream`` (the file's last line may lack its newline)."""
    parts: list[bytes] = []
    while piece := stream.read(_BLOCK_BYTES):
        if len(piece) < _BLOCK_BYTES:  # the end of the file: all of it
            parts.append(piece)
            break
        cut = piece.rfind(b"\n") + 1
        if cut:
            if cut < len(piece):  # the part after the last newline waits for the next block
                stream.seek(cut - len(piece), 1)
            parts.append(piece[:cut])
            break
        parts.append(piece)  # a line longer than a block: read on to its end
    return b"".join(parts)


def _utf8_head(head: bytes) -> tuple[str, str] | None:
    """The first block decoded, with the encoding's name, when :func:`decode` reads it as
    UTF-8 (with or without BOM); None for anything else (empty, UTF-16, binary, legacy
    or damaged), which is read whole and decided on the whole file."""
    if not head.strip() or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    try:
        head.decode("utf-8")
        text, used = decode(head)  # the same checks as for a whole file (binary, BOM)
    except (UnicodeDecodeError, DecodeError):
        return None
    return (text, used) if used in _UTF8 else None


def _read_block_lines(
    path: Path, number: int, text: str, block: bytes, used: str
) -> Generator[SourceRecord | SourceError, None, int]:
    """The records of one block's lines, numbered from ``number``; returns the next one.

    A block is a few megabytes, parsed where it lies: each line's JSON is read at its
    offset in the block (:meth:`_LineReader.at`), so that no line is copied out of it
    (splitting a block into lines copied every character once more: a tenth of reading).
    """
    read = _LineReader(path, used)
    sizes = _utf8_line_sizes(block)
    start, stop = 0, len(text)
    # The piece after the block's last newline is a line only where the block does not
    # end with one (the file's last line, without its newline).
    last = stop if not block.endswith(b"\n") else stop - 1
    find = text.find
    while start <= last:
        end = find("\n", start)
        if end < 0:
            end = stop
        item = read.at(number, text, start, end, next(sizes))
        if item is not None:
            yield item
        number += 1
        start = end + 1
    return number


def _read_whole(
    path: Path, data: bytes, encoding: str | None
) -> Iterator[SourceRecord | SourceError]:
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
    read = _LineReader(path, used)
    for number, line in enumerate(split_lines(text.lstrip("\ufeff")), start=1):
        item = read(number, line, next(sizes, None))
        if item is not None:
            yield item


# Decoded as UTF-8, a file's lines are its byte lines: their sizes need no re-encoding.
_UTF8 = (ENCODING_NAMES["utf_8"], ENCODING_NAMES["utf_8_sig"])


def _utf8_line_sizes(data: bytes) -> Iterator[int]:
    """The size in bytes of each line of ``data``, its newline included."""
    start = 0
    while (end := data.find(b"\n", start)) >= 0:
        yield end - start + 1
        start = end + 1
    yield len(data) - start + 1


def _read_lines_separately(
    path: Path, data: bytes, first_number: int = 1
) -> Iterator[SourceRecord | SourceError]:
    """Damaged UTF-8 (its lines from ``first_number`` on): each line that decodes is
    read, each one that does not is named."""
    if first_number == 1:
        items: Iterable[tuple[int, str] | SourceError] = lines_that_decode(path, data)
    else:
        items = _later_lines(path, data, first_number)
    read = _LineReader(path, "UTF-8")
    for item in items:
        if isinstance(item, SourceError):
            yield item
        elif (record := read(*item)) is not None:
            yield record


def _later_lines(
    path: Path, data: bytes, first_number: int
) -> Iterator[tuple[int, str] | SourceError]:
    """lines_that_decode for lines after the first block (no BOM there): the same lines,
    numbers and messages."""
    for number, raw in enumerate(data.split(b"\n"), start=first_number):
        try:
            yield number, raw.decode("utf-8")
        except UnicodeDecodeError as error:
            reason = f"invalid UTF-8 byte 0x{raw[error.start]:02x} at column {error.start + 1}"
            yield SourceError(f"{path}:{number}", reason, size=len(raw) + 1)


# json.loads's own scanner (the C one where Python has it), called at an offset into a
# block: loads() would need each line as a string of its own.
_SCAN: Callable[[str, int], tuple[Any, int]]
_SCAN = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # (not in the stubs)


class _LineReader:
    """Reads the lines of one file: what they share is worked out once, not per line."""

    def __init__(self, path: Path, used: str) -> None:
        self.name, self.stem, self.used = str(path), path.stem, used

    def __call__(
        self, number: int, line: str, size: int | None = None
    ) -> SourceRecord | SourceError | None:
        """The record on line ``number`` (None for a blank line)."""
        if not line.strip():
            return None
        if size is None:
            size = len(line.encode("utf-8", "surrogatepass")) + 1  # bytes, like the total
        obj = parse_line(f"{self.name}:{number}", line, size)
        if isinstance(obj, SourceError):
            return obj
        return self._record(obj, number, size)

    def at(
        self, number: int, text: str, start: int, end: int, size: int
    ) -> SourceRecord | SourceError | None:
        """The record on line ``number``, ``text[start:end]``: what :meth:`__call__` reads
        from that line. A line that is one JSON object, nothing around it but the spaces
        JSON allows, is parsed in place; any other line (blank, malformed, too large, an
        object running on past its line) is copied out and read as before, so that every
        message is the same."""
        if size <= MAX_RECORD_BYTES and text.startswith("{", start, end):
            try:
                obj, after = _SCAN(text, start)
            except (StopIteration, ValueError, RecursionError):
                pass  # malformed: __call__ names what is wrong
            else:
                # JSON's whitespace is " \t\n\r", and no newline is inside the line.
                if after <= end and not text[after:end].strip(" \t\r"):
                    return self._record(obj, number, size)
        return self(number, text[start:end], size)

    def _record(self, obj: Any, number: int, size: int) -> SourceRecord | SourceError:
        """The record of line ``number``'s parsed JSON (or what is wrong with it)."""
        location = f"{self.name}:{number}"
        return _record(obj, location, f"{self.stem}-{number}", self.used, size)


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
    if not isinstance(raw_id, (str, int)) or isinstance(raw_id, bool) or str(raw_id) == "":
        return SourceError(location, '"id" must be a non-empty string', size=size)
    # Positional, in SourceRecord's order: keywords cost three times as much, per record.
    return SourceRecord(location, str(raw_id), text, encoding, meta, spans, size)


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
        write_jsonl_lines(items, stream)


def write_jsonl_lines(items: Iterable[ExportItem], stream: TextIO) -> None:
    """The lines of ``items`` into ``stream``: a file is the concatenation of the lines of
    its documents, so that parts of a file can be written apart (app.core.export_workers)."""
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
    except (ValueError, RecursionError):  # bad UTF-8 or JSON, or a 4,301-digit number
        return None
    return obj if isinstance(obj, dict) else None
