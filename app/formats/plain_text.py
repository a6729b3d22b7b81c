"""Plain .txt files: one article per file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from app.formats.records import SourceError, SourceRecord, oversized_file
from app.text.canonical import DecodeError, decode

TITLE_LIMIT = 120


def read_txt(
    path: Path, external_id: str, encoding: str | None = None
) -> Iterator[SourceRecord | SourceError]:
    if (error := oversized_file(path)) is not None:
        yield error
        return
    data = path.read_bytes()
    try:
        text, used = decode(data, encoding)
    except DecodeError as error:
        yield SourceError(f"{path}", str(error), size=len(data))
        return
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    title = first_line if len(first_line) <= TITLE_LIMIT else first_line[:TITLE_LIMIT] + "…"
    yield SourceRecord(
        location=f"{path}",
        external_id=external_id,
        text=text,
        encoding=used,
        meta={"title": title.lstrip("\ufeff")},
        size=len(data),
    )
