"""Import: keep the good records, name the bad ones by file and line, leave no trace of them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.importing import _canonical, import_paths
from app.text.canonical import canonicalize
from storage import Project

WriteJsonl = Callable[[Path, Iterable[dict[str, Any]]], Path]

RAQQA = "قتل ثلاثة مدنيين بالرقة، وفق المرصد السوري."
GAZA = "كتب أحد السكان: «📍 غزة الآن» وقال إن 😢 القصف طال حي الشيخ رضوان."


def counts(project: Project) -> dict[str, int]:
    return {
        table: project.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("documents", "spans", "annotators", "changes")
    }


def span_at(text: str, needle: str, label: str = "LOCATION", **extra: Any) -> dict[str, Any]:
    start = text.index(needle)
    return {"start": start, "end": start + len(needle), "label": label, "text": needle, **extra}


def stored_spans(project: Project, external_id: str) -> list[tuple[str, int, int, str, str]]:
    doc_id = project.documents.id_by_external_id(external_id)
    assert doc_id is not None
    return [
        (s.annotator, s.start, s.end, s.label, s.text) for s in project.spans.for_document(doc_id)
    ]


def document(project: Project, external_id: str):  # type: ignore[no-untyped-def]
    doc_id = project.documents.id_by_external_id(external_id)
    assert doc_id is not None
    doc = project.documents.get(doc_id)
    assert doc is not None
    return doc


# -- plain text ----------------------------------------------------------------------------------


def test_txt_folder_ids_from_relative_paths(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    (folder / "syria").mkdir(parents=True)
    (folder / "a.txt").write_text("عنوان أول\n\n" + RAQQA, encoding="utf-8")
    (folder / "syria" / "b.txt").write_bytes(("حلب اليوم\r\n" + RAQQA + "\r\n").encode("cp1256"))
    (folder / "notes.md").write_text("ignored", encoding="utf-8")
    report = import_paths(project, [folder])
    assert (report.imported, report.duplicates, report.rejected) == (2, 0, [])
    assert any("notes.md" in note and "skipped" in note for note in report.notes)
    a, b = document(project, "a"), document(project, "syria/b")
    assert a.title == "عنوان أول"
    assert a.text == "عنوان أول\n\n" + RAQQA
    assert a.import_encoding == "UTF-8"
    assert a.import_file == str(folder / "a.txt")
    assert b.title == "حلب اليوم"
    assert b.text == "حلب اليوم\n" + RAQQA + "\n"  # CRLF became LF
    assert b.import_encoding == "Windows-1256"
    assert "LF" in b.import_notes
    logged = project.conn.execute("SELECT count(*) FROM changes WHERE action = 'document.import'")
    assert logged.fetchone()[0] == 2


def test_single_txt_file_id_is_its_stem(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "خبر.txt"
    path.write_text(RAQQA, encoding="utf-8")
    assert import_paths(project, [path]).imported == 1
    assert document(project, "خبر").text == RAQQA


def test_forced_encoding(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "short.txt"
    path.write_bytes("سلام عليكم".encode("iso8859_6"))
    report = import_paths(project, [path], encoding="iso8859_6")
    assert report.imported == 1
    assert document(project, "short").text == "سلام عليكم"


# -- native JSONL ----------------------------------------------------------------------------


def test_jsonl_with_spans_and_annotators(
    project: Project, tmp_path: Path, write_jsonl: WriteJsonl
) -> None:
    path = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {
                "id": "raqqa",
                "text": RAQQA,
                "meta": {"title": "الرقة", "url": "http://x/1", "agency": "وكالة"},
                "spans": [
                    span_at(RAQQA, "الرقة", annotator="alice", attrs={"canonical": "الرقة"}),
                    span_at(RAQQA, "المرصد السوري", "ACTOR"),  # takes annotator=...
                ],
            },
            {"id": "gaza", "text": GAZA, "spans": [span_at(GAZA, "غزة", annotator=" bob ")]},
        ],
    )
    report = import_paths(project, [path], annotator="carol")
    assert (report.imported, report.spans, report.rejected) == (2, 3, [])
    raqqa = document(project, "raqqa")
    assert (raqqa.title, raqqa.url, raqqa.meta) == ("الرقة", "http://x/1", {"agency": "وكالة"})
    assert raqqa.import_file == f"{path}:1"
    start = RAQQA.index("الرقة")
    assert stored_spans(project, "raqqa") == [
        ("alice", start, start + 5, "LOCATION", "الرقة"),
        ("carol", RAQQA.index("المرصد"), RAQQA.index("المرصد") + 13, "ACTOR", "المرصد السوري"),
    ]
    gaza_start = GAZA.index("غزة")  # code points: the emoji before it counts once
    assert stored_spans(project, "gaza") == [("bob", gaza_start, gaza_start + 3, "LOCATION", "غزة")]
    (alice_span,) = project.spans.for_document(raqqa.id, "alice")
    assert alice_span.attrs == {"canonical": "الرقة"}


def test_span_without_text_field_is_accepted(
    project: Project, tmp_path: Path, write_jsonl: WriteJsonl
) -> None:
    path = write_jsonl(
        tmp_path / "in.jsonl",
        [{"id": "x", "text": RAQQA, "spans": [{"start": 0, "end": 3, "label": "DATE"}]}],
    )
    report = import_paths(project, [path], annotator="alice")
    assert report.rejected == []
    assert stored_spans(project, "x") == [("alice", 0, 3, "DATE", RAQQA[:3])]


def test_crlf_text_span_offsets_are_mapped(
    project: Project, tmp_path: Path, write_jsonl: WriteJsonl
) -> None:
    raw = "\ufeffعاجل\r\nقصف على حلب\r\rودمشق 😢 اليوم\r\n"
    canonical = "عاجل\nقصف على حلب\n\nودمشق 😢 اليوم\n"
    path = write_jsonl(
        tmp_path / "crlf.jsonl",
        [
            {
                "id": "crlf",
                "text": raw,
                "spans": [
                    span_at(raw, "حلب", annotator="a"),
                    span_at(raw, "دمشق", annotator="a"),
                    span_at(raw, "اليوم", "DATE", annotator="a"),
                    span_at(raw, "حلب\r\rودمشق", annotator="b"),
                    span_at(raw, "عاجل\r\n", "DATE", annotator="b"),
                ],
            }
        ],
    )
    report = import_paths(project, [path])
    assert report.rejected == []
    doc = document(project, "crlf")
    assert doc.text == canonical
    spans = stored_spans(project, "crlf")
    for _, start, end, _, text in spans:
        assert canonical[start:end] == text
    assert [text for *_, text in spans] == ["حلب", "دمشق", "اليوم", "عاجل\n", "حلب\n\nودمشق"]
    assert spans[0][1:3] == (canonical.index("حلب"), canonical.index("حلب") + 3)
    assert spans[2][1] == canonical.index("اليوم")


def test_presentation_forms_repaired_with_a_note(
    project: Project, tmp_path: Path, write_jsonl: WriteJsonl
) -> None:
    raqqa_forms = "\ufe8d\ufedf\ufeae\ufed7\ufe94"  # الرقة, as a reshaped PDF holds it
    raw = f"قال \ufefb إن القصف طال {raqqa_forms} أمس"
    path = write_jsonl(
        tmp_path / "pdf.jsonl",
        [{"id": "pdf", "text": raw, "spans": [span_at(raw, raqqa_forms, annotator="a")]}],
    )
    report = import_paths(project, [path])
    assert report.rejected == []
    assert any(n.startswith(f"{path}:1: ") and "presentation-form" in n for n in report.notes)
    doc = document(project, "pdf")
    assert doc.text == "قال لا إن القصف طال الرقة أمس"
    assert "presentation-form" in doc.import_notes
    start = doc.text.index("الرقة")
    assert stored_spans(project, "pdf") == [("a", start, start + 5, "LOCATION", "الرقة")]


# -- CSV / TSV --------------------------------------------------------------------------------


def test_csv_and_tsv_columns(project: Project, tmp_path: Path) -> None:
    csv_path = tmp_path / "table.csv"
    csv_path.write_text(
        "id,title,text,url,published,section\n"
        f'c1,الرقة,"{RAQQA}",http://x/c1,2024-03-05,سياسة\n'
        f",,{GAZA.replace(',', '،')},,,\n",
        encoding="utf-8",
    )
    tsv_path = tmp_path / "table.tsv"
    tsv_path.write_text("text\tid\tsource\nحلب, دمشق\tt1\tوكالة\n", encoding="utf-8")
    report = import_paths(project, [csv_path, tsv_path])
    assert (report.imported, report.rejected) == (3, [])
    c1 = document(project, "c1")
    assert (c1.title, c1.url, c1.published, c1.meta) == (
        "الرقة",
        "http://x/c1",
        "2024-03-05",
        {"section": "سياسة"},
    )
    assert c1.text == RAQQA
    assert document(project, "table-2").text == GAZA.replace(",", "،")
    t1 = document(project, "t1")
    assert (t1.text, t1.source) == ("حلب, دمشق", "وكالة")


# -- duplicates ---------------------------------------------------------------------------------


def test_same_file_twice_changes_nothing(
    project: Project, tmp_path: Path, write_jsonl: WriteJsonl
) -> None:
    path = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {"id": "r", "text": RAQQA, "spans": [span_at(RAQQA, "الرقة", annotator="a")]},
            {"id": "g", "text": GAZA},
        ],
    )
    first = import_paths(project, [path])
    assert (first.imported, first.spans) == (2, 1)
    before = counts(project)
    second = import_paths(project, [path])
    assert (second.imported, second.duplicates, second.spans, second.rejected) == (0, 2, 0, [])
    assert sum("duplicate" in note for note in second.notes) == 2
    assert counts(project) == before


def test_duplicate_text_under_another_id_adds_only_new_spans(
    project: Project, tmp_path: Path, write_jsonl: WriteJsonl
) -> None:
    write_jsonl(
        tmp_path / "one.jsonl",
        [{"id": "r", "text": RAQQA, "spans": [span_at(RAQQA, "الرقة", annotator="a")]}],
    )
    write_jsonl(
        tmp_path / "two.jsonl",
        [
            {
                "id": "copy",
                "text": "\ufeff" + RAQQA,  # the same text once canonical
                "spans": [
                    span_at("\ufeff" + RAQQA, "الرقة", annotator="a"),
                    span_at("\ufeff" + RAQQA, "المرصد", "ACTOR", annotator="b"),
                ],
            }
        ],
    )
    report = import_paths(project, [tmp_path / "one.jsonl", tmp_path / "two.jsonl"])
    assert (report.imported, report.duplicates, report.spans) == (1, 1, 2)
    assert project.documents.id_by_external_id("copy") is None
    assert [s[0] for s in stored_spans(project, "r")] == ["a", "b"]


def test_same_id_with_other_text_is_rejected(
    project: Project, tmp_path: Path, write_jsonl: WriteJsonl
) -> None:
    path = write_jsonl(
        tmp_path / "ids.jsonl", [{"id": "same", "text": RAQQA}, {"id": "same", "text": GAZA}]
    )
    report = import_paths(project, [path])
    assert report.imported == 1
    (message,) = report.rejected
    assert message.startswith(f"{path}:2: ")
    assert "already used" in message
    assert document(project, "same").text == RAQQA


# -- bad input ----------------------------------------------------------------------------------

BAD_RECORDS: list[tuple[str, dict[str, Any] | str, str]] = [
    ("malformed JSON", '{"id": "m", "text": "نص",', "malformed JSON"),
    (
        "span out of range",
        {"id": "o", "text": "نص قصير", "spans": [{"start": 2, "end": 99, "label": "DATE"}]},
        "out of range",
    ),
    (
        "reversed span",
        {"id": "r", "text": "نص قصير", "spans": [{"start": 5, "end": 2, "label": "DATE"}]},
        "reversed",
    ),
    (
        "span text disagrees",
        {
            "id": "t",
            "text": "قصف على حلب",
            "spans": [span_at("قصف على حلب", "حلب") | {"text": "دمشق"}],
        },
        "disagrees",
    ),
    (
        "unknown label",
        {"id": "u", "text": "قصف على حلب", "spans": [span_at("قصف على حلب", "حلب", "PLACE")]},
        "unknown label 'PLACE'",
    ),
    (
        "label that is not a string",
        {"id": "l", "text": "قصف على حلب", "spans": [span_at("قصف على حلب", "حلب", ["X"])]},  # type: ignore[arg-type]
        "unknown label",
    ),
    (
        "missing annotator",
        {"id": "n", "text": "قصف على حلب", "spans": [span_at("قصف على حلب", "حلب")]},
        "no annotator",
    ),
    (
        "non-integer offsets",
        {"id": "i", "text": "قصف على حلب", "spans": [{"start": True, "end": 3, "label": "DATE"}]},
        "integers",
    ),
    (
        "attrs not an object",
        {
            "id": "a",
            "text": "قصف على حلب",
            "spans": [span_at("قصف على حلب", "حلب", attrs=[1], annotator="x")],
        },
        "attrs",
    ),
    ("empty text", {"id": "e", "text": " \n "}, "empty"),
    ("lone surrogate", '{"id": "s", "text": "\\ud83d bad"}', "surrogate"),
]


@pytest.mark.parametrize(
    ("bad", "reason"), [(b, r) for _, b, r in BAD_RECORDS], ids=[n for n, _, _ in BAD_RECORDS]
)
def test_bad_record_is_rejected_and_the_rest_imported(
    project: Project, tmp_path: Path, bad: dict[str, Any] | str, reason: str
) -> None:
    good_before = {
        "id": "before",
        "text": RAQQA,
        "spans": [span_at(RAQQA, "الرقة", annotator="ann-good")],
    }
    good_after = {
        "id": "after",
        "text": GAZA,
        "spans": [span_at(GAZA, "غزة", annotator="ann-good")],
    }
    if isinstance(bad, dict) and bad.get("spans"):
        # A valid first span whose annotator must not outlive the rejected record.
        ghost = {"start": 0, "end": 1, "label": "DATE", "annotator": "ghost"}
        bad = {**bad, "spans": [ghost, *bad["spans"]]}
    lines = [
        json.dumps(good_before, ensure_ascii=False),
        bad if isinstance(bad, str) else json.dumps(bad, ensure_ascii=False),
        json.dumps(good_after, ensure_ascii=False),
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_paths(project, [path])
    assert len(report.rejected) == 1, report.rejected
    assert report.rejected[0].startswith(f"{path}:2: ")
    assert reason in report.rejected[0]
    assert (report.imported, report.spans) == (2, 2)
    assert counts(project)["documents"] == 2
    assert counts(project)["spans"] == 2
    assert [a.name for a in project.annotators()] == ["ann-good"]
    assert project.documents.id_by_external_id("before") is not None
    assert project.documents.id_by_external_id("after") is not None


def test_whole_file_problems_name_the_file(
    project: Project, tmp_path: Path, write_jsonl: WriteJsonl
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    (folder / "b-empty.txt").write_bytes(b"")
    (folder / "c-blank.txt").write_text(" \n\n", encoding="utf-8")
    damaged = "سطر أول من الخبر\nسطر ثان من الخبر\nسطر ثالث".encode()
    (folder / "d-damaged.txt").write_bytes(damaged[:-1])
    (folder / "e-notext.csv").write_text("id,body\n1,نص\n", encoding="utf-8")
    write_jsonl(folder / "f-good.jsonl", [{"id": "good", "text": RAQQA}])
    (folder / "g-good.txt").write_text(GAZA, encoding="utf-8")
    report = import_paths(project, [folder, tmp_path / "missing.txt"])
    assert report.imported == 2
    assert counts(project)["documents"] == 2
    rejected = sorted(report.rejected)
    assert len(rejected) == 6, rejected
    binary, empty, blank, damaged_msg, notext, missing = rejected
    assert binary.startswith(str(folder / "a-binary.txt")) and "binary" in binary
    assert empty.startswith(str(folder / "b-empty.txt")) and "empty" in empty
    assert blank.startswith(str(folder / "c-blank.txt")) and "empty" in blank
    assert damaged_msg.startswith(str(folder / "d-damaged.txt")) and "line 3" in damaged_msg
    assert notext.startswith(f"{folder / 'e-notext.csv'}:1: ") and "text" in notext
    assert missing.startswith(str(tmp_path / "missing.txt")) and "no such file" in missing


def test_unknown_format_of_a_single_file(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "article.docx"
    path.write_bytes(b"PK")
    report = import_paths(project, [path])
    assert report.imported == 0
    assert len(report.rejected) == 1
    assert "unknown format" in report.rejected[0]


def test_format_option_overrides_the_extension(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "article.dat"
    path.write_text(RAQQA, encoding="utf-8")
    assert import_paths(project, [path], fmt="txt").imported == 1


# -- progress and cancel -------------------------------------------------------------------------


def _many(tmp_path: Path, write_jsonl: WriteJsonl, n: int = 10) -> Path:
    records = []
    for i in range(n):
        text = f"الخبر رقم {i}: {RAQQA}"
        records.append(
            {
                "id": f"n{i}",
                "text": text,
                "spans": [
                    span_at(text, "الرقة", annotator="a"),
                    span_at(text, "المرصد", "ACTOR", annotator="b"),
                ],
            }
        )
    return write_jsonl(tmp_path / "many.jsonl", records)


def test_progress_reaches_the_total(
    project: Project, tmp_path: Path, write_jsonl: WriteJsonl
) -> None:
    path = _many(tmp_path, write_jsonl)
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        seen.append((done, total))
        return True

    report = import_paths(project, [path], progress=progress)
    assert report.imported == 10
    assert len(seen) == 10
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert seen[-1] == (path.stat().st_size, path.stat().st_size)


def test_cancel_keeps_whole_records_only(
    project: Project, tmp_path: Path, write_jsonl: WriteJsonl
) -> None:
    path = _many(tmp_path, write_jsonl)
    calls = 0

    def progress(done: int, total: int) -> bool:
        nonlocal calls
        calls += 1
        return calls < 3

    report = import_paths(project, [path], progress=progress)
    assert report.cancelled
    assert "cancelled" in report.summary()
    assert report.imported == 3
    assert counts(project)["documents"] == 3
    assert counts(project)["spans"] == 6  # every kept document with all its spans
    for doc_id in project.documents.ids():
        assert len(project.spans.for_document(doc_id)) == 2
    assert project.integrity_ok()
    # Importing again finishes the job without doubling anything.
    rest = import_paths(project, [path])
    assert (rest.imported, rest.duplicates, rest.spans) == (7, 3, 14)
    assert counts(project)["spans"] == 20


def test_summary_line(project: Project, tmp_path: Path, write_jsonl: WriteJsonl) -> None:
    path = write_jsonl(
        tmp_path / "s.jsonl",
        [{"id": "a", "text": RAQQA, "spans": [span_at(RAQQA, "الرقة", annotator="x")]}],
    )
    report = import_paths(project, [path])
    assert report.summary() == "imported 1 documents (1 spans), 0 duplicates, 0 rejected"


def test_record_failing_while_stored_leaves_no_trace(
    project: Project, tmp_path: Path, write_jsonl: WriteJsonl
) -> None:
    # A real SQLite trigger makes storing one record's spans fail after its document row
    # was written: the savepoint must take the document (and new annotator) back out.
    project.conn.execute(
        "CREATE TEMP TRIGGER refuse_boom BEFORE INSERT ON spans WHEN NEW.text = 'بوم'"
        " BEGIN SELECT RAISE(ABORT, 'disk says no'); END"
    )
    boom = "صوت بوم قوي"
    path = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {"id": "ok-1", "text": RAQQA, "spans": [span_at(RAQQA, "الرقة", annotator="a")]},
            {"id": "boom", "text": boom, "spans": [span_at(boom, "بوم", "ACTOR", annotator="z")]},
            {"id": "ok-2", "text": GAZA, "spans": [span_at(GAZA, "غزة", annotator="a")]},
        ],
    )
    report = import_paths(project, [path])
    assert report.imported == 2
    (message,) = report.rejected
    assert message.startswith(f"{path}:2: cannot store")
    assert "disk says no" in message
    assert project.documents.id_by_external_id("boom") is None
    assert counts(project)["documents"] == 2
    assert counts(project)["spans"] == 2
    assert [a.name for a in project.annotators()] == ["a"]
    assert stored_spans(project, "ok-2")[0][0] == "a"  # the cached annotator id is still valid


# Characters canonicalization changes, and their neighbours that it keeps (U+FFFD, U+F8FF,
# U+FE50 and U+FEFF inside a text also start with the byte EF in UTF-8).
_NEAR_CANONICAL = "\r\n\ufeff\ufb50\ufdff\ufe70\ufefe\ufefc\ufffd\uf8ff\ufe50ابة 😀a"


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet=st.sampled_from(_NEAR_CANONICAL) | st.characters(), max_size=40))
def test_the_byte_shortcut_canonicalizes_as_canonicalize_does(text: str) -> None:
    try:
        encoded: bytes | None = text.encode("utf-8")
    except UnicodeEncodeError:
        encoded = None  # a lone surrogate
    assert _canonical(text, encoded) == canonicalize(text)
