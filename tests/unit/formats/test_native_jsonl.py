"""Native JSONL reading (located errors) and deterministic records."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from app.formats import native_jsonl
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


def _streamed_and_whole(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[str]]:
    """What read_jsonl gives when it reads ``path`` in blocks of 64 bytes, and what it gives
    when the file fits in one block (read and decided whole), as comparable strings."""

    def described(items: list[SourceRecord | SourceError]) -> list[str]:
        return [repr(item) for item in items]

    whole = described(read(path))
    monkeypatch.setattr(native_jsonl, "_BLOCK_BYTES", 64)
    return described(read(path)), whole


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
@pytest.mark.parametrize("last_newline", [True, False])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_reading_in_blocks_gives_what_reading_whole_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ending: str, last_newline: bool, bom: bytes
) -> None:
    long_text = "قصف مدفعي على ريف حلب الشمالي " * 20  # one line over several blocks
    lines = [
        json.dumps({"id": "a", "text": "غزة", "spans": []}, ensure_ascii=False),
        "",
        "{not json",
        json.dumps({"id": "b", "text": long_text}, ensure_ascii=False),
        "   ",
        json.dumps({"text": "بلا معرف 😀"}, ensure_ascii=False),
        json.dumps({"id": "c", "text": "x\u2028y"}, ensure_ascii=False),
    ]
    path = tmp_path / "blocks.jsonl"
    path.write_bytes(bom + ending.join(lines).encode() + (ending.encode() if last_newline else b""))
    streamed, whole = _streamed_and_whole(path, monkeypatch)
    assert streamed == whole  # records, messages, line numbers and sizes alike
    assert [item.split("(", 1)[0] for item in whole] == ["SourceRecord", "SourceError"] + [
        "SourceRecord"
    ] * 3


def test_damage_after_the_first_block_rejects_only_the_damaged_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = [
        json.dumps({"id": f"d{n}", "text": f"خبر رقم {n} عن حلب"}, ensure_ascii=False)
        for n in range(12)
    ]
    data = "\n".join(good).encode().replace(b'"d9", "text": "', b'"d9", "text": "\xd8')
    path = tmp_path / "late-damage.jsonl"
    path.write_bytes(data + b"\n")
    streamed, whole = _streamed_and_whole(path, monkeypatch)
    assert streamed == whole  # damaged UTF-8 either way: line 10 alone is named
    errors = [item for item in read(path) if isinstance(item, SourceError)]
    assert [error.location for error in errors] == [f"{path}:10"]
    assert "invalid UTF-8" in errors[0].message


@pytest.mark.parametrize(
    "data",
    [b"", b"\n\n", "\ufeff".encode("utf-16") + '{"text": "x"}\n'.encode("utf-16-le")],
)
def test_files_read_whole_are_read_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: bytes
) -> None:
    path = tmp_path / "other.jsonl"
    path.write_bytes(data)
    streamed, whole = _streamed_and_whole(path, monkeypatch)
    assert streamed == whole


@pytest.mark.parametrize(
    "lines",
    [
        ['{"id": "a", "text": "نص"}  \t\r'],  # JSON's own spaces after the object
        ['{"id": "a", "text": "نص"}\u2028', '{"id": "b", "text": "x"}\x0b'],  # not JSON's
        ['{"id": "a", "text": "x"} {"id": "b"}', '{"id": "c", "text": "x"},'],  # extra data
        ['{"id": "a", "text":', '"x"}'],  # one object over two lines: two malformed lines
        ['{"id": "a", "text": "x"', "}"],
        [' {"id": "a", "text": "x"}', '\t{"id": "b", "text": "x"}'],  # spaces before it
        ['{"id": "a", "text": "\\ud800", "n": NaN, "big": 1' + "0" * 5000 + "}"],
        ['{"id": "a", "text": "tab\tinside"}', '{"id": "b", "text": "x",}'],
        ["{" * 5000 + "}" * 5000],  # nested too deeply
    ],
)
def test_a_line_parsed_in_place_reads_as_that_line_alone(tmp_path: Path, lines: list[str]) -> None:
    """Lines are parsed where they lie in a block; each must read exactly as the line
    copied out and parsed alone (records, messages, line numbers and sizes)."""
    around = ['{"id": "before", "text": "قبل"}', *lines, '{"id": "after", "text": "بعد"}']
    path = tmp_path / "in-place.jsonl"
    path.write_bytes("\n".join(around).encode("utf-8", "surrogatepass") + b"\n")
    alone = native_jsonl._LineReader(path, "UTF-8")
    expected = [
        alone(number, line, len(line.encode("utf-8", "surrogatepass")) + 1)
        for number, line in enumerate("\n".join(around).split("\n"), start=1)
    ]
    assert [repr(item) for item in read(path)] == [repr(i) for i in expected if i is not None]
