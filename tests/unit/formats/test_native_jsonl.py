"""Native JSONL reading (located errors) and deterministic records."""

from __future__ import annotations

import io
import json
from pathlib import Path

from app.formats.native_jsonl import document_record, read_jsonl, write_record
from app.formats.records import SourceError, SourceRecord
from storage import Document, Span


def read(path: Path) -> list[SourceRecord | SourceError]:
    return list(read_jsonl(path))


def test_records_and_located_errors(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"id": "a", "text": "غزة", "meta": {"title": "ت"}}, ensure_ascii=False),
        "",
        "{not json",
        json.dumps([1, 2]),
        json.dumps({"id": "b"}),
        json.dumps({"id": "c", "text": "x", "meta": []}),
        json.dumps({"id": "d", "text": "x", "spans": {}}),
        json.dumps({"id": True, "text": "x"}),
        json.dumps({"id": "", "text": "x"}),
        json.dumps({"id": 7, "text": "رقم"}, ensure_ascii=False),
        json.dumps({"text": "بلا معرف"}, ensure_ascii=False),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = read(path)
    good = [i for i in items if isinstance(i, SourceRecord)]
    bad = [i for i in items if isinstance(i, SourceError)]
    assert [(r.external_id, r.text) for r in good] == [
        ("a", "غزة"),
        ("7", "رقم"),
        ("in-11", "بلا معرف"),
    ]
    assert good[0].meta == {"title": "ت"}
    assert good[0].location == f"{path}:1"
    assert good[0].encoding == "UTF-8"
    assert [e.location for e in bad] == [f"{path}:{n}" for n in (3, 4, 5, 6, 7, 8, 9)]
    assert "malformed JSON" in bad[0].message
    assert "object" in bad[1].message
    assert '"text"' in bad[2].message
    assert '"meta"' in bad[3].message
    assert '"spans"' in bad[4].message
    assert '"id"' in bad[5].message and '"id"' in bad[6].message
    assert str(bad[0]).startswith(f"{path}:3: ")


def test_crlf_file_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "crlf.jsonl"
    body = "\r\n".join(json.dumps({"id": str(n), "text": f"نص {n}"}) for n in range(3))
    path.write_bytes(b"\xef\xbb\xbf" + body.encode() + b"\r\n")
    items = read(path)
    assert [(i.external_id, i.text) for i in items if isinstance(i, SourceRecord)] == [
        ("0", "نص 0"),
        ("1", "نص 1"),
        ("2", "نص 2"),
    ]


def test_line_separator_inside_a_string_does_not_split_the_line(tmp_path: Path) -> None:
    text = "سطر\u2028سطر\u2029و\u0085"
    stream = io.StringIO()
    write_record(stream, {"id": "x", "text": text})
    assert stream.getvalue().count("\n") == 1
    path = tmp_path / "sep.jsonl"
    path.write_text(stream.getvalue(), encoding="utf-8")
    (record,) = read(path)
    assert isinstance(record, SourceRecord)
    assert record.text == text


def test_unreadable_file_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "bin.jsonl"
    path.write_bytes(b"\x00\x01\x02" * 50)
    (error,) = read(path)
    assert isinstance(error, SourceError)
    assert error.location == str(path)
    assert "binary" in error.message


def test_document_record_is_deterministic() -> None:
    doc = Document(
        id=1,
        external_id="art-1",
        text="قصف على حلب ودمشق",
        sha256="x",
        title="عنوان",
        url="http://example.org/a",
        meta={"z": 1, "a": 2},
    )
    spans = [
        Span("u2", 1, "bob", 8, 11, "LOCATION", "حلب", {"b": 1, "a": 2}),
        Span("u1", 1, "alice", 12, 17, "LOCATION", "ودمشق"),
        Span("u3", 1, "alice", 8, 11, "LOCATION", "حلب"),
    ]
    record = document_record(doc, spans)
    assert record == document_record(doc, list(reversed(spans)))
    assert list(record["meta"]) == ["a", "title", "url", "z"]
    assert [(s["annotator"], s["start"]) for s in record["spans"]] == [
        ("alice", 8),
        ("alice", 12),
        ("bob", 8),
    ]
    assert list(record["spans"][2]["attrs"]) == ["a", "b"]
    assert set(record["spans"][0]) == {"start", "end", "label", "annotator", "text", "attrs"}


def test_damaged_utf8_line_is_rejected_and_the_other_lines_kept(tmp_path) -> None:
    from app.formats.native_jsonl import read_jsonl
    from app.formats.records import SourceError, SourceRecord

    good = '{"id": "a", "text": "قصف على حلب"}\n'.encode()
    bad = '{"id": "b", "text": "غزة"}\n'.encode()[:-4] + b'\xd8"}\n'
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(good + bad + good.replace(b'"a"', b'"c"'))
    items = list(read_jsonl(path))
    assert [type(i) for i in items] == [SourceRecord, SourceError, SourceRecord]
    assert items[1].location == f"{path}:2" and "invalid UTF-8" in items[1].message
