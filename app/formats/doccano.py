"""doccano JSONL (sequence labeling and relation extraction), export and import.

One document per line, in one of doccano's two span shapes::

    {"id": ..., "text": str, "label": [[start, end, "LABEL"], ...], <meta keys>}
    {"id": ..., "text": str, "entities": [{"id": n, "label": "LABEL", "start_offset": s,
     "end_offset": e}, ...], "relations": [...], <meta keys>}

**Offsets count UTF-16 units** by default, both ways: doccano's annotation screen runs in
the browser, whose string indices count UTF-16 units, so after an emoji every offset
differs by one from Python's code points. Export writes code points instead with
``--offsets codepoint`` and then marks every line ``"offset_unit": "codepoint"`` so that
Tawsim reads it back exactly. A file does not otherwise say which unit it used, and the CLI
has no import switch for it: import reads UTF-16 units unless a line carries that marker.
A span whose UTF-16 reading splits a surrogate pair or runs past the text, while its code
point reading is valid, rejects its record with a message saying so (the file was most
likely written by a Python tool counting code points).

Metadata travels the way doccano moves it: doccano turns every extra key of an imported
line into metadata and writes metadata back as top-level keys. Export writes the
document's meta (and title, source, url, published) as top-level keys; the few that would
collide with doccano's own keys go inside a ``"meta"`` object. Import takes every extra
key as meta and merges a ``"meta"`` object (doccano's own test files use one) into it.

Import also accepts ``"labels"`` (older doccano), ``"column_data"``/``"column_label"``
(the placeholder column names of doccano's upload example), entities given as triples or
objects, and pretty-printed objects spread over several lines (doccano's export example).
Relations are not spans: they are skipped as annotations and kept verbatim in the
document's meta as ``doccano_relations`` (their ``from_id``/``to_id`` name the file's
entity ids). Exact duplicate spans (doccano's overlapping example) are stored once.

What doccano cannot hold: span attributes. The ``entities`` variant writes them as an
``"attrs"`` key of each entity (doccano ignores unknown keys there; Tawsim reads them back);
the ``label`` variant's triples have no room, so each document whose spans had attributes
is reported as an omission.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from app.formats.atomic import atomic_text_writer
from app.formats.base import ExportItem, ExportOptions, Format, Omissions
from app.formats.json_lines import lines_that_decode, parse_line, split_lines
from app.formats.native_jsonl import DOCUMENT_FIELDS
from app.formats.records import MAX_RECORD_BYTES, SourceError, SourceRecord
from app.text.canonical import DecodeError, decode
from app.text.offsets import Utf16Map
from storage import Document, Span

UNITS = ("utf16", "codepoint")
VARIANTS = ("label", "entities")
UNIT_KEY = "offset_unit"
TEXT_KEYS = ("text", "column_data")
SPAN_KEYS = ("label", "labels", "entities", "column_label")
RELATIONS_META = "doccano_relations"
# Keys a reader gives a meaning of its own: a meta key with one of these names is nested
# inside "meta" on export ("spans" too, or the file would sniff as our native JSONL).
RESERVED = frozenset({"id", "meta", "relations", "spans", UNIT_KEY, *TEXT_KEYS, *SPAN_KEYS})
UNIT_NAMES = {"utf16": "UTF-16 units", "codepoint": "code points"}


# --- export -------------------------------------------------------------------------------


def write_doccano(
    items: Iterable[ExportItem], out: Path, options: ExportOptions, omissions: Omissions
) -> None:
    """One doccano line per document, offsets in ``options.offsets`` units."""
    if options.offsets not in UNITS:
        raise ValueError(f"doccano offsets must be one of {UNITS}, not {options.offsets!r}")
    if options.variant not in VARIANTS:
        raise ValueError(f"doccano variant must be one of {VARIANTS}, not {options.variant!r}")
    with atomic_text_writer(out) as stream:
        for item in items:
            record = document_line(item.document, item.spans, options.offsets, options.variant)
            # ensure_ascii=False keeps Arabic readable; the reader splits on "\n" only, and
            # json.dumps escapes every "\n" inside strings, so a line is a record.
            stream.write(json.dumps(record, ensure_ascii=False))
            stream.write("\n")
            attributed = sum(1 for span in item.spans if span.attrs)
            if attributed and options.variant == "label":
                omissions.add(
                    item.document,
                    f"attributes of {attributed} span(s) left out (doccano's [start, end, "
                    "label] triples cannot hold them; the entities variant can)",
                )


def document_line(
    document: Document, spans: list[Span], unit: str = "utf16", variant: str = "label"
) -> dict[str, Any]:
    """The doccano object for one document (deterministic: exports compare equal)."""
    offsets = _offset_function(document.text, unit)
    record: dict[str, Any] = {"id": document.external_id, "text": document.text}
    if variant == "entities":
        record["entities"] = [_entity(n, span, offsets) for n, span in enumerate(spans)]
        record["relations"] = []
    else:
        record["label"] = [[offsets(s.start), offsets(s.end), s.label] for s in spans]
    if unit == "codepoint":
        record[UNIT_KEY] = unit
    flat, nested = _split_meta(document)
    record.update(flat)
    if nested:
        record["meta"] = nested
    return record


def _offset_function(text: str, unit: str) -> Callable[[int], int]:
    if unit == "codepoint":
        return lambda cp: cp
    return Utf16Map(text).to_utf16


def _entity(number: int, span: Span, offsets: Callable[[int], int]) -> dict[str, Any]:
    entity: dict[str, Any] = {
        "id": number,
        "label": span.label,
        "start_offset": offsets(span.start),
        "end_offset": offsets(span.end),
    }
    if span.attrs:
        entity["attrs"] = dict(sorted(span.attrs.items()))
    return entity


def _split_meta(document: Document) -> tuple[dict[str, Any], dict[str, Any]]:
    """(top-level keys doccano keeps as metadata, keys that must nest inside "meta")."""
    meta = dict(document.meta)
    for name in DOCUMENT_FIELDS:
        value = getattr(document, name)
        if value:
            meta[name] = value
    flat = {k: v for k, v in sorted(meta.items()) if k not in RESERVED}
    nested = {k: v for k, v in sorted(meta.items()) if k in RESERVED}
    return flat, nested


# --- import -------------------------------------------------------------------------------


def read_doccano(
    path: Path, encoding: str | None, name: str
) -> Iterator[SourceRecord | SourceError]:
    """Every document of a doccano JSONL file; offsets are read as UTF-16 units."""
    data = path.read_bytes()
    try:
        text, used = decode(data, encoding)
    except DecodeError as error:
        if encoding or b"\x00" in data or not data.strip():
            yield SourceError(f"{path}", str(error), size=len(data))
            return
        # Damaged UTF-8: keep every line that decodes, name the ones that do not.
        for item in lines_that_decode(path, data):
            if isinstance(item, SourceError):
                yield item
            else:
                yield from _read_line(path, name, item[0], item[1], "UTF-8")
        return
    del data  # the text is all we need: a big file is not held twice
    text = text.lstrip("\ufeff")  # a BOM left by an explicit --encoding utf-8
    if _spread_over_lines(text):
        yield from _read_spread(path, name, text, used)
        return
    for number, line in enumerate(split_lines(text), start=1):
        yield from _read_line(path, name, number, line, used)


def _read_line(
    path: Path, name: str, number: int, line: str, used: str
) -> Iterator[SourceRecord | SourceError]:
    if not line.strip():
        return
    size = len(line.encode("utf-8", "surrogatepass")) + 1
    location = f"{path}:{number}"
    obj = parse_line(location, line, size)
    if isinstance(obj, SourceError):
        yield obj
        return
    yield _record(obj, location, f"{name}-{number}", used, size)


def _spread_over_lines(text: str) -> bool:
    """True when the first object is pretty-printed over several lines (and parses).

    A broken first line is not that: line-by-line reading names it and keeps the rest.
    """
    position = _skip_space(text, 0)
    if not text.startswith("{", position):
        return False
    first_line = text.find("\n", position)
    if first_line < 0 or first_line - position > MAX_RECORD_BYTES // 4:
        return False  # one line, or a first line so long that reading by lines must judge it
    try:
        _, end = json.JSONDecoder().raw_decode(text, position)
    except (ValueError, RecursionError):  # ValueError: malformed, or a 4,301-digit number
        return False
    return "\n" in text[position:end]


def _read_spread(
    path: Path, name: str, text: str, used: str
) -> Iterator[SourceRecord | SourceError]:
    """Pretty-printed objects one after another; a broken one ends the file (no resync)."""
    decoder = json.JSONDecoder()
    position = _skip_space(text, 0)
    while position < len(text):
        number = text.count("\n", 0, position) + 1
        location = f"{path}:{number}"
        try:
            obj, end = decoder.raw_decode(text, position)
        except (ValueError, RecursionError) as error:
            rest = len(text[position:].encode("utf-8", "surrogatepass"))
            if isinstance(error, json.JSONDecodeError):
                reason = f"{error.msg} at line {error.lineno}"
            elif isinstance(error, RecursionError):
                reason = "nested too deeply"
            else:  # an integer of more than 4,300 digits (sys.get_int_max_str_digits)
                reason = "a number too long to read"
            yield SourceError(location, f"malformed JSON ({reason}); rest not read", size=rest)
            return
        size = len(text[position:end].encode("utf-8", "surrogatepass"))
        yield _record(obj, location, f"{name}-{number}", used, size)
        position = _skip_space(text, end)


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _record(
    obj: Any, location: str, default_id: str, encoding: str, size: int
) -> SourceRecord | SourceError:
    if not isinstance(obj, dict):
        return SourceError(location, "a line must hold a JSON object", size=size)
    text_key = next((key for key in TEXT_KEYS if key in obj), "text")
    text = obj.get(text_key)
    if not isinstance(text, str):
        return SourceError(location, 'no "text" string in the record', size=size)
    raw_id = obj.get("id", default_id)
    if not isinstance(raw_id, str | int) or isinstance(raw_id, bool) or str(raw_id) == "":
        return SourceError(location, '"id" must be a non-empty string or integer', size=size)
    unit = obj.get(UNIT_KEY, "utf16")
    if unit not in UNITS:
        return SourceError(location, f'"{UNIT_KEY}" must be "utf16" or "codepoint"', size=size)
    try:
        spans = _spans(obj, text, unit)
    except ValueError as error:
        return SourceError(location, str(error), size=size)
    return SourceRecord(
        location=location,
        external_id=str(raw_id),
        text=text,
        encoding=encoding,
        meta=_meta(obj, text_key),
        spans=spans,
        size=size,
    )


def _meta(obj: dict[str, Any], text_key: str) -> dict[str, Any]:
    """Every key doccano would keep as metadata, with a "meta" object merged in."""
    taken = {text_key, "id", "meta", "relations", UNIT_KEY, *SPAN_KEYS}
    meta = {key: value for key, value in obj.items() if key not in taken}
    nested = obj.get("meta")
    if isinstance(nested, dict):
        meta.update(nested)
    elif "meta" in obj:
        meta["meta"] = nested
    relations = obj.get("relations")
    if relations:  # not spans: kept, not imported as annotations
        meta[RELATIONS_META] = relations
    return meta


def _spans(obj: dict[str, Any], text: str, unit: str) -> list[dict[str, Any]]:
    """Span dicts in code points over ``text``; ValueError names the first bad span."""
    triples: list[tuple[int, int, str, dict[str, Any]]] = []
    for key in SPAN_KEYS:
        if key not in obj:
            continue
        value = obj[key]
        if not isinstance(value, list):
            raise ValueError(f'"{key}" must be a list of [start, end, label]')
        for item in value:
            triples.append(_triple(item, len(triples) + 1))
    converter = _Converter(text, unit)
    return [converter.span(triple, n) for n, triple in enumerate(triples, start=1)]


def _triple(item: Any, number: int) -> tuple[int, int, str, dict[str, Any]]:
    """(start, end, label, attrs) from ``[s, e, L]`` or an entity object, in file units."""
    attrs: Any = {}
    if isinstance(item, list) and len(item) == 3:
        start, end, label = item
    elif isinstance(item, dict) and {"start_offset", "end_offset", "label"} <= item.keys():
        start, end, label = item["start_offset"], item["end_offset"], item["label"]
        attrs = item.get("attrs", {})
    else:
        shown = json.dumps(item, ensure_ascii=False)[:80]
        raise ValueError(f"span {number}: expected [start, end, label], got {shown}")
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in (start, end)):
        raise ValueError(f"span {number}: offsets must be integers, got {start!r}, {end!r}")
    if not isinstance(label, str) or not label:
        raise ValueError(f"span {number}: the label must be a non-empty string, got {label!r}")
    if not isinstance(attrs, dict):
        raise ValueError(f'span {number}: "attrs" must be an object')
    return start, end, label, attrs


class _Converter:
    """File offsets (UTF-16 units or code points) to code points, with the reason if bad."""

    def __init__(self, text: str, unit: str) -> None:
        self.text = text
        self.unit = unit
        self.map = Utf16Map(text)
        self.length = self.map.length_utf16 if unit == "utf16" else len(text)

    def span(self, triple: tuple[int, int, str, dict[str, Any]], number: int) -> dict[str, Any]:
        start, end, label, attrs = triple
        where = f"span {number} [{start}, {end}, {label!r}]"
        if start >= end:
            raise ValueError(f"{where}: reversed or empty (start must be below end)")
        if start < 0 or end > self.length:
            raise ValueError(
                f"{where}: outside the text ({self.length} {UNIT_NAMES[self.unit]})"
                + self._code_point_hint(start, end)
            )
        if self.unit == "utf16":
            start, end = self._from_utf16(where, start, end)
        span: dict[str, Any] = {"start": start, "end": end, "label": label}
        if attrs:
            span["attrs"] = attrs
        return span

    def _from_utf16(self, where: str, start: int, end: int) -> tuple[int, int]:
        for offset in (start, end):
            cp = self.map.to_code_point(offset)
            if cp != self.map.to_code_point(offset, round_up=True):
                raise ValueError(
                    f"{where}: UTF-16 offset {offset} falls inside {self.text[cp]!r}"
                    + self._code_point_hint(start, end)
                )
        return self.map.to_code_point(start), self.map.to_code_point(end)

    def _code_point_hint(self, start: int, end: int) -> str:
        """Why a UTF-16 misfit is probably a file written in code points."""
        if self.unit != "utf16" or not 0 <= start < end <= len(self.text):
            return ""
        return (
            f"; read as code points it covers {self.text[start:end]!r}: the file seems to "
            "count code points, not UTF-16 units as doccano does (re-export it in UTF-16 "
            f'units, or add "{UNIT_KEY}": "codepoint" to its lines)'
        )


# --- sniffing -----------------------------------------------------------------------------


def sniff_doccano(path: Path, head: bytes) -> bool:
    """A first object with a text and doccano spans, and no native "spans" key."""
    first = _first_object(head)
    if first is None or "spans" in first:
        return False
    if not any(isinstance(first.get(key), str) for key in TEXT_KEYS):
        return False
    return any(key in first and _looks_like_spans(first[key]) for key in SPAN_KEYS)


def _looks_like_spans(value: Any) -> bool:
    if not isinstance(value, list):
        return False
    for item in value:
        if isinstance(item, dict):
            if not {"start_offset", "end_offset", "label"} <= item.keys():
                return False
        elif not (isinstance(item, list) and len(item) == 3 and isinstance(item[2], str)):
            return False
    return True


def _first_object(head: bytes) -> dict[str, Any] | None:
    """The first JSON value of ``head`` (one line or pretty-printed), if it is an object."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head[: len(head) // 2 * 2].decode("utf-16", errors="replace")
    else:
        text = head.decode("utf-8", errors="replace")
    text = text.lstrip("\ufeff \t\r\n")
    try:
        obj, _ = json.JSONDecoder().raw_decode(text)
    except (ValueError, RecursionError):
        return None
    return obj if isinstance(obj, dict) else None


FORMATS: tuple[Format, ...] = (
    Format(
        "doccano",
        "doccano JSONL (sequence labeling)",
        ".jsonl",
        write_doccano,
        read_doccano,
        sniff_doccano,
        suffixes=(".jsonl",),
    ),
)
