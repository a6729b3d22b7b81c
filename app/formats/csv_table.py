"""CSV/TSV with a ``text`` column (plus id, title, url, published, source when present)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from app.formats.records import SourceError, SourceRecord
from app.text.canonical import DecodeError, decode

# Article text easily exceeds csv's 128 KiB default field limit.
csv.field_size_limit(64 * 1024 * 1024)

KNOWN_COLUMNS = ("id", "title", "url", "published", "source")


def read_csv(path: Path, encoding: str | None = None) -> Iterator[SourceRecord | SourceError]:
    data = path.read_bytes()
    try:
        text, used = decode(data, encoding)
    except DecodeError as error:
        yield SourceError(f"{path}", str(error), size=len(data))
        return
    text = text.lstrip("\ufeff")
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [column.strip().lower() for column in next(reader)]
    except StopIteration:
        yield SourceError(f"{path}", "empty file", size=len(data))
        return
    except csv.Error as error:
        yield SourceError(f"{path}:1", f"malformed CSV header ({error})", size=len(data))
        return
    if "text" not in header:
        yield SourceError(f"{path}:1", f"no 'text' column (columns: {', '.join(header)})")
        return
    per_row = max(1, len(data) // max(1, text.count("\n")))
    row_number = 1
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            yield SourceError(f"{path}:{line}", f"malformed CSV ({error})", size=per_row)
            break
        row_number += 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield SourceError(
                f"{path}:{line}",
                f"{len(row)} cells where the header has {len(header)}",
                size=per_row,
            )
            continue
        values = dict(zip(header, row, strict=True))
        meta = {k: v for k, v in values.items() if k not in ("text", "id") and v != ""}
        yield SourceRecord(
            location=f"{path}:{line}",
            external_id=values.get("id", "").strip() or f"{path.stem}-{row_number - 1}",
            text=values["text"],
            encoding=used,
            meta=meta,
            size=per_row,
        )


def sniff_csv(path: Path, head: bytes) -> bool:
    """A first line that names a ``text`` column."""
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("utf-8", "replace")
    columns = [c.strip().strip('"').lower() for c in first.replace("\t", ",").split(",")]
    return "text" in columns
