"""CSV and TSV tables with a text column."""

from __future__ import annotations

from pathlib import Path

from app.formats.csv_table import read_csv
from app.formats.records import SourceError, SourceRecord


def split(path: Path) -> tuple[list[SourceRecord], list[SourceError]]:
    items = list(read_csv(path))
    return (
        [i for i in items if isinstance(i, SourceRecord)],
        [i for i in items if isinstance(i, SourceError)],
    )


def test_columns_become_id_text_and_meta(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    path.write_text(
        "ID,Title,Text,URL,Published,Source,Extra\n"
        'n1,حلب,"قصف على حلب، وقال ""المرصد"" إن\nالضحايا 5",http://a,2024-01-02,وكالة,x\n'
        ",,نص بلا معرف,,,,\n"
        ",,,,,,\n",
        encoding="utf-8",
    )
    records, errors = split(path)
    assert errors == []
    first, second = records
    assert first.external_id == "n1"
    assert first.text == 'قصف على حلب، وقال "المرصد" إن\nالضحايا 5'
    assert first.meta == {
        "title": "حلب",
        "url": "http://a",
        "published": "2024-01-02",
        "source": "وكالة",
        "extra": "x",
    }
    assert first.location == f"{path}:2"
    assert second.external_id == "news-2"
    assert second.location == f"{path}:4"  # the quoted field above spans two lines
    assert second.meta == {}


def test_tsv(tmp_path: Path) -> None:
    path = tmp_path / "news.tsv"
    path.write_text("id\ttext\nt1\tقصف, على حلب\n", encoding="utf-8")
    records, errors = split(path)
    assert errors == []
    assert [(r.external_id, r.text) for r in records] == [("t1", "قصف, على حلب")]


def test_without_text_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("id,body\n1,نص\n", encoding="utf-8")
    records, errors = split(path)
    assert records == []
    (error,) = errors
    assert error.location == f"{path}:1"
    assert "no 'text' column" in error.message


def test_row_with_wrong_cell_count_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("id,text\na,نص أول\nb,نص,زائد\nc,نص ثالث\n", encoding="utf-8")
    records, errors = split(path)
    assert [r.external_id for r in records] == ["a", "c"]
    (error,) = errors
    assert error.location == f"{path}:3"
    assert "3 cells" in error.message


def test_empty_and_legacy_encoded_tables(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    _, errors = split(empty)
    assert len(errors) == 1
    assert "empty" in errors[0].message
    legacy = tmp_path / "legacy.csv"
    sentence = "قالت الشرطة إن الحادث وقع صباح يوم الاثنين في شارع رئيسي."
    legacy.write_bytes(f"id,text\nx,{sentence}\n".encode("cp1256"))
    (record,), errors = split(legacy)
    assert errors == []
    assert record.text == sentence
    assert record.encoding == "Windows-1256"
