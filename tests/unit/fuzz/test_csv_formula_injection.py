"""CSV export neutralizes cells a spreadsheet would run as formulas; the text round-trips.

A cell that starts with = + - @ TAB or CR gets a leading apostrophe (OWASP), which makes it
text in Excel and LibreOffice. Each row of our export says so (``formula_escape=yes``), and
the reader takes the apostrophe off again there only: texts, ids and titles come back
exactly. WebAnno TSV is not a spreadsheet format and is written as it always was.
"""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.exporting import export
from app.core.importing import import_paths
from app.core.labels import default_labels
from app.formats.csv_table import neutralize_cell, restore_cell
from storage import Project, open_project

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DOCUMENTS: list[dict[str, Any]] = [
    {
        "id": "=cmd|' /C calc'!A0",
        "text": '=HYPERLINK("http://x","انقر")',
        "meta": {"title": "@SUM(1)"},
    },
    {"id": "plus", "text": "+966 رقم هاتف", "meta": {"title": "-عاجل"}},
    {"id": "tab", "text": "\tنص يبدأ بمسافة جدولة", "meta": {"title": "\tعنوان"}},
    {"id": "quoted", "text": "'=1 كتبها أحدهم هكذا", "meta": {"title": "''-2"}},
    {"id": "plain", "text": "قتل ثلاثة مدنيين بالرقة", "meta": {"title": "الرقة", "url": "-x"}},
    {"id": "@home", "text": "نص\n=في السطر الثاني لا يهم", "meta": {"published": "+2024"}},
]


def make_project(folder: Path, documents: list[dict[str, Any]]) -> Path:
    source = folder / "source.jsonl"
    source.write_text(
        "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in documents), encoding="utf-8"
    )
    path = folder / "source.tawsim"
    with open_project(path, create=True, labels=default_labels()) as project:
        report = import_paths(project, [source])
        assert report.rejected == [] and report.imported == len(documents), report
    return path


def documents_of(project: Project) -> dict[str, tuple[str, str, str, str, str]]:
    return {
        d.external_id: (d.text, d.title, d.url, d.published, d.source)
        for d in project.documents.iterate()
    }


def export_and_reimport(folder: Path, documents: list[dict[str, Any]]) -> tuple[Path, Path]:
    source = make_project(folder, documents)
    out = folder / "out.csv"
    with open_project(source) as project:
        export(project, "csv", out)
    target = folder / "back.tawsim"
    with open_project(target, create=True, labels=default_labels()) as project:
        report = import_paths(project, [out])
        assert report.rejected == [], report.rejected
    return source, target


def test_exported_cells_carry_the_apostrophe(tmp_path: Path) -> None:
    make_project(tmp_path, DOCUMENTS)
    with open_project(tmp_path / "source.tawsim") as project:
        export(project, "csv", tmp_path / "out.csv")
    with open(tmp_path / "out.csv", encoding="utf-8", newline="") as stream:
        header, *rows = list(csv.reader(stream))
    assert header == ["id", "title", "source", "url", "published", "text", "formula_escape"]
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert by_id["'=cmd|' /C calc'!A0"]["text"] == '\'=HYPERLINK("http://x","انقر")'
    assert by_id["'=cmd|' /C calc'!A0"]["title"] == "'@SUM(1)"
    assert by_id["plus"]["text"] == "'+966 رقم هاتف"
    assert by_id["plus"]["title"] == "'-عاجل"
    assert by_id["tab"]["text"] == "'\tنص يبدأ بمسافة جدولة"
    # Already an apostrophe before a formula character: one more, so reading takes one off.
    assert by_id["quoted"]["text"] == "''=1 كتبها أحدهم هكذا"
    assert by_id["quoted"]["title"] == "'''-2"
    assert by_id["plain"]["text"] == "قتل ثلاثة مدنيين بالرقة"  # nothing to neutralize
    assert by_id["plain"]["url"] == "'-x"
    assert by_id["'@home"]["text"] == "نص\n=في السطر الثاني لا يهم"  # only the cell's start
    assert by_id["'@home"]["published"] == "'+2024"
    assert {row["formula_escape"] for row in by_id.values()} == {"yes"}
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_START), cell


def test_reimport_gives_back_the_exact_texts(tmp_path: Path) -> None:
    source, target = export_and_reimport(tmp_path, DOCUMENTS)
    with open_project(source) as before, open_project(target) as after:
        assert documents_of(after) == documents_of(before)
        assert [d.meta for d in after.documents.iterate()] == [{}] * len(DOCUMENTS)


def test_spans_are_reported_not_dropped_silently(tmp_path: Path) -> None:
    documents = [{**DOCUMENTS[4], "spans": [{"start": 17, "end": 23, "label": "LOCATION"}]}]
    for document in documents:
        document["spans"][0]["annotator"] = "alice"
    make_project(tmp_path, documents)
    with open_project(tmp_path / "source.tawsim") as project:
        report = export(project, "csv", tmp_path / "out.csv")
    assert report.omitted == ["plain: 1 spans not written (a table of texts)"]


def test_a_foreign_table_keeps_its_apostrophes(tmp_path: Path) -> None:
    """Without our row marker nothing is taken off: someone else's text is theirs."""
    path = tmp_path / "theirs.csv"
    path.write_text("id,text\nq,'=1 كما هي\n", encoding="utf-8")
    with open_project(tmp_path / "p.tawsim", create=True, labels=default_labels()) as project:
        import_paths(project, [path])
        assert [d.text for d in project.documents.iterate()] == ["'=1 كما هي"]


def test_webanno_tsv_is_not_a_spreadsheet_and_is_not_altered(tmp_path: Path) -> None:
    documents = [
        {
            "id": "w",
            "text": "=HYPERLINK(1) قصف",
            "spans": [{"start": 0, "end": 1, "label": "ACTOR", "annotator": "alice"}],
        }
    ]
    make_project(tmp_path, documents)
    with open_project(tmp_path / "source.tawsim") as project:
        export(project, "webanno", tmp_path / "tsv", annotator="alice")
    content = (tmp_path / "tsv" / "w.tsv").read_text(encoding="utf-8")
    assert "#Text==HYPERLINK(1) قصف\n" in content
    assert "\t0-1\t=\tACTOR" in content and "'" not in content


cell = st.text(alphabet="=+-@'\t\rقصف 1aA\"\n,", max_size=8)


@given(st.lists(cell, max_size=6))
@settings(max_examples=200, deadline=None, database=None)
def test_neutralize_then_restore_is_exact(cells: list[str]) -> None:
    for value in cells:
        escaped = neutralize_cell(value)
        assert restore_cell(escaped) == value
        assert not escaped.startswith(FORMULA_START)


article = st.text(alphabet="=+-@'\t قصف على حلب،\n1", min_size=1, max_size=24).filter(
    lambda t: t.strip() != ""
)


@given(
    st.lists(
        st.tuples(article, st.text(alphabet="=+-@' عنوان", max_size=6)), min_size=1, max_size=4
    )
)
@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
def test_any_text_round_trips_through_the_table(pairs: list[tuple[str, str]]) -> None:
    documents: list[dict[str, Any]] = []
    for number, (text, title) in enumerate(pairs):
        if any(d["text"] == text for d in documents):
            continue  # one text is one document
        documents.append({"id": f"{'=-+@'[number % 4]}{number}", "text": text})
        documents[-1]["meta"] = {"title": title} if title.strip() else {}
    with tempfile.TemporaryDirectory(prefix="tawsim-csv-") as scratch:
        source, target = export_and_reimport(Path(scratch), documents)
        with open_project(source) as before, open_project(target) as after:
            assert documents_of(after) == documents_of(before)
