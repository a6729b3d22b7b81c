"""Plain .txt articles."""

from __future__ import annotations

from pathlib import Path

from app.formats.plain_text import TITLE_LIMIT, read_txt
from app.formats.records import SourceError, SourceRecord


def test_title_is_the_first_non_empty_line(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"\xef\xbb\xbf" + "\n  عنوان الخبر  \nالنص\n".encode())
    (record,) = read_txt(path, "folder/a")
    assert isinstance(record, SourceRecord)
    assert record.external_id == "folder/a"
    assert record.meta == {"title": "عنوان الخبر"}
    assert record.text == "\n  عنوان الخبر  \nالنص\n"
    assert record.encoding == "UTF-8 with BOM"


def test_long_title_is_cut(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("ك" * 500, encoding="utf-8")
    (record,) = read_txt(path, "long")
    assert isinstance(record, SourceRecord)
    assert record.meta["title"] == "ك" * TITLE_LIMIT + "…"


def test_undecodable_file_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    (error,) = read_txt(path, "empty")
    assert isinstance(error, SourceError)
    assert error.location == str(path)
    assert "empty" in error.message
