"""CSV/TSV with a ``text`` column (plus id, title, url, published, source when present).

Export writes one row per document (``id, title, source, url, published, text``) for
spreadsheets, so it defends against formula injection (OWASP "CSV injection"): a cell that
starts with ``= + - @`` TAB or CR would run as a formula when the file is opened in Excel or
LibreOffice, and gets a leading apostrophe, which makes it text there. The text column is
sacred and must round-trip exactly, so every row also carries ``formula_escape=yes``; in such
a row the reader takes exactly one apostrophe off each cell that holds apostrophes followed by
a formula character. A cell that already looked like that (``'=1``) got one more apostrophe
on the way out, so the mapping is exact both ways; rows without the marker (someone else's
file, or rows typed in by hand) are read as they are.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from app.formats.atomic import atomic_text_writer
from app.formats.base import ExportItem, ExportOptions, Omissions
from app.formats.records import MAX_RECORD_BYTES, SourceError, SourceRecord, too_large
from app.text.canonical import DecodeError, decode

# Article text easily exceeds csv's 128 KiB default field limit.
csv.field_size_limit(64 * 1024 * 1024)

KNOWN_COLUMNS = ("id", "title", "url", "published", "source")
EXPORT_COLUMNS = ("id", "title", "source", "url", "published", "text")
# The row marker that says "formula cells in this row carry an added apostrophe".
ESCAPE_COLUMN = "formula_escape"
ESCAPED = "yes"
_LINE_END = re.compile("\r\n|\r|\n")
# What makes a spreadsheet read a cell as a formula (OWASP's list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def read_csv(path: Path, encoding: str | None = None) -> Iterator[SourceRecord | SourceError]:
    data = path.read_bytes()
    size = len(data)
    try:
        text, used = decode(data, encoding)
    except DecodeError as error:
        yield SourceError(f"{path}", str(error), size=size)
        return
    del data  # the text is all we need: a big file is not held twice
    text = text.lstrip("\ufeff")
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.reader(_lines(text), delimiter=delimiter)
    try:
        header = [column.strip().lower() for column in next(reader)]
    except StopIteration:
        yield SourceError(f"{path}", "empty file", size=size)
        return
    except (csv.Error, _LineTooLong) as error:
        yield SourceError(f"{path}:1", f"malformed CSV header ({error})", size=size)
        return
    if "text" not in header:
        yield SourceError(f"{path}:1", f"no 'text' column (columns: {', '.join(header)})")
        return
    per_row = max(1, size // max(1, text.count("\n")))
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
        except _LineTooLong as error:
            where = f"{path}:{reader.line_num + 1}"
            yield SourceError(where, f"the line is {error}; the rest of the file was not read")
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
        if values.pop(ESCAPE_COLUMN, "") == ESCAPED:
            values = {k: restore_cell(v) for k, v in values.items()}
        meta = {k: v for k, v in values.items() if k not in ("text", "id") and v != ""}
        yield SourceRecord(
            location=f"{path}:{line}",
            external_id=values.get("id", "").strip() or f"{path.stem}-{row_number - 1}",
            text=values["text"],
            encoding=used,
            meta=meta,
            size=per_row,
        )


class _LineTooLong(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(too_large(size))
        self.size = size


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their ends, as ``io.StringIO(text, newline="")`` gives them,
    one at a time: a StringIO would hold a copy of the whole text at four bytes a character.

    A line over the size limit for one document raises :class:`_LineTooLong` before the
    csv module copies it into a field (at four bytes a character again)."""
    start = 0
    for end in _LINE_END.finditer(text):
        yield _checked(text[start : end.end()])
        start = end.end()
    if start < len(text):
        yield _checked(text[start:])


def _checked(line: str) -> str:
    # Only a line of over a quarter of the limit in characters can be over it in UTF-8.
    if len(line) > MAX_RECORD_BYTES // 4:
        size = len(line.encode("utf-8", "surrogatepass"))
        if size > MAX_RECORD_BYTES:
            raise _LineTooLong(size)
    return line


def _formula_like(cell: str) -> bool:
    """Apostrophes (maybe none) and then a character that starts a formula."""
    return cell.lstrip("'").startswith(FORMULA_START)


def neutralize_cell(cell: str) -> str:
    """``cell`` as a spreadsheet shows it as text: one apostrophe before a formula."""
    return "'" + cell if _formula_like(cell) else cell


def restore_cell(cell: str) -> str:
    """The inverse of :func:`neutralize_cell`, for a row our writer marked."""
    return cell[1:] if cell.startswith("'") and _formula_like(cell) else cell


def write_csv(
    items: Iterable[ExportItem], out: Path, options: ExportOptions, omissions: Omissions
) -> None:
    """One row per document; spans and other metadata are not table cells (reported)."""
    with atomic_text_writer(out) as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow((*EXPORT_COLUMNS, ESCAPE_COLUMN))
        for item in items:
            document = item.document
            cells = [getattr(document, "external_id" if c == "id" else c) for c in EXPORT_COLUMNS]
            writer.writerow([*(neutralize_cell(str(cell)) for cell in cells), ESCAPED])
            if item.spans:
                omissions.add(document, f"{len(item.spans)} spans not written (a table of texts)")
            if document.meta:
                names = ", ".join(sorted(document.meta))
                omissions.add(document, f"metadata not written: {names}")


def sniff_csv(path: Path, head: bytes) -> bool:
    """A first line that names a ``text`` column."""
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("utf-8", "replace")
    columns = [c.strip().strip('"').lower() for c in first.replace("\t", ",").split(",")]
    return "text" in columns
