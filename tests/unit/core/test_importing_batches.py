"""Import writes runs of ordinary records together: the same result as one at a time."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest

from app.core import importing
from app.core.importing import Importer, RecordRejected, _Plan, import_paths
from app.core.labels import default_labels
from app.formats.records import SourceRecord
from app.text.canonical import canonicalize, check_text, sha256
from storage import Project, open_project
from storage.documents import ListQuery
from tests.unit.conftest import WriteJsonl

RAQQA = "قتل ثلاثة مدنيين بالرقة، وفق المرصد السوري."


def record(
    i: int, text: str | None = None, *, rid: str | None = None, **extra: Any
) -> dict[str, Any]:
    body = text if text is not None else f"الخبر رقم {i}: {RAQQA}"
    spans = []
    for needle, label, who in (("الرقة", "LOCATION", "alice"), ("المرصد", "ACTOR", "bob")):
        if needle in body:
            start = body.index(needle)
            spans.append(
                {"start": start, "end": start + len(needle), "label": label, "annotator": who}
            )
    return {"id": rid or f"n{i}", "text": body, "spans": spans, **extra}


def mixed_records() -> list[dict[str, Any]]:
    """New documents with a duplicate, an id clash, bad records and notes among them."""
    records = [record(i) for i in range(12)]
    records[3] = record(3, "\ufeff" + record(1)["text"])  # record 1's text again: a duplicate
    records[5] = record(5, rid="n2")  # record 2's id with other text: rejected
    records[7] = {"id": "bad", "text": "نص", "spans": [{"start": 0, "end": 9, "label": "DATE"}]}
    records[8] = record(8, f"سطر أول\r\nالرقة {RAQQA}")  # CRLF: a note, offsets mapped
    records[9] = record(9, f"{RAQQA} جديد")
    records[9]["spans"].append(dict(records[9]["spans"][0]))  # the same span twice
    records[10] = record(10, f"عاجل: {RAQQA}")
    records[10]["spans"][0]["attrs"] = {"value": 3, "note": "تقدير"}
    return records


def snapshot(project: Project) -> dict[str, Any]:
    """Everything an import stores, minus ids and clocks."""
    conn = project.conn
    return {
        "documents": conn.execute(
            "SELECT id, external_id, title, text, sha256, meta, import_file, import_notes"
            " FROM documents ORDER BY id"
        ).fetchall(),
        "spans": conn.execute(
            'SELECT s.document_id, a.name, a.kind, s.start, s."end", s.label, s.text, s.attrs'
            " FROM spans s JOIN annotators a ON a.id = s.annotator_id"
            ' ORDER BY s.document_id, a.name, s.start, s."end", s.label'
        ).fetchall(),
        "annotators": conn.execute("SELECT id, name, kind FROM annotators ORDER BY id").fetchall(),
        "changes": conn.execute(
            "SELECT annotator, action, document_id, after FROM changes"
            " WHERE action = 'document.import' ORDER BY seq"
        ).fetchall(),
    }


def one_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Send every record through the per-record SAVEPOINT path, as before batching."""
    monkeypatch.setattr(Importer, "_ordinary", lambda self, plan, digests, ids: False)


@pytest.mark.parametrize("chunk", [1, 4, 500])
def test_batched_import_stores_what_one_at_a_time_does(
    tmp_path: Path,
    write_jsonl: WriteJsonl,
    monkeypatch: pytest.MonkeyPatch,
    chunk: int,
) -> None:
    monkeypatch.setattr(importing, "CHUNK", chunk)
    path = write_jsonl(tmp_path / "in.jsonl", mixed_records())
    results = []
    written_together: list[int] = []
    write_many = Importer._write_many

    def spy(self: Importer, plans: list[Any]) -> list[int]:
        written_together.append(len(plans))
        return write_many(self, plans)

    for name, batched in (("batched", True), ("single", False)):
        with monkeypatch.context() as patch:
            if batched:
                patch.setattr(Importer, "_write_many", spy)
            else:
                one_at_a_time(patch)
            with open_project(
                tmp_path / f"{name}.tawsim", create=True, labels=default_labels()
            ) as project:
                report = import_paths(project, [path])
                results.append((report, snapshot(project)))
    (batched_report, batched_rows), (single_report, single_rows) = results
    # One at a time: the first (it creates the annotators), the duplicate, the id clash and
    # the record after it (a rejection forgets the annotators it knew); the rest together.
    assert sum(written_together) == 7
    assert batched_report == single_report
    assert batched_rows == single_rows
    assert (batched_report.imported, batched_report.duplicates) == (9, 1)
    assert [m.split(": ", 1)[0] for m in batched_report.rejected] == [f"{path}:6", f"{path}:8"]
    assert any("LF" in note for note in batched_report.notes)


def test_a_record_sqlite_refuses_inside_a_batch_is_rejected_alone(
    project: Project, tmp_path: Path, write_jsonl: WriteJsonl
) -> None:
    records = [record(i) for i in range(8)]
    failing = "قصف بوم على المرصد"
    records[5] = record(5, failing)
    path = write_jsonl(tmp_path / "in.jsonl", records)
    # Written after the records before it in the same batch: SQLite refuses the whole
    # statement, the batch is taken back and redone one record at a time.
    project.conn.execute(
        "CREATE TEMP TRIGGER refuse_boom BEFORE INSERT ON spans WHEN NEW.document_id ="
        " (SELECT id FROM documents WHERE text LIKE '%بوم%')"
        " BEGIN SELECT RAISE(ABORT, 'disk says no'); END"
    )
    report = import_paths(project, [path])
    (message,) = report.rejected
    assert message.startswith(f"{path}:6: cannot store") and "disk says no" in message
    assert (report.imported, report.spans) == (7, 14)
    assert project.documents.id_by_external_id("n5") is None
    assert project.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 7
    logged = project.conn.execute("SELECT count(*) FROM changes WHERE action = 'document.import'")
    assert logged.fetchone()[0] == 7
    assert project.integrity_ok()


def test_cancel_in_the_middle_of_a_chunk_keeps_the_records_read(
    project: Project, tmp_path: Path, write_jsonl: WriteJsonl
) -> None:
    path = write_jsonl(tmp_path / "in.jsonl", [record(i) for i in range(20)])
    calls = 0

    def progress(done: int, total: int) -> bool:
        nonlocal calls
        calls += 1
        return calls < 7

    report = import_paths(project, [path], progress=progress)
    assert report.cancelled and report.imported == 7
    assert project.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 7
    assert project.conn.execute("SELECT count(*) FROM spans").fetchone()[0] == 14


def test_imported_span_ids_follow_the_order_of_creation(
    project: Project, tmp_path: Path, write_jsonl: WriteJsonl
) -> None:
    path = write_jsonl(tmp_path / "in.jsonl", [record(i) for i in range(30)])
    import_paths(project, [path])
    ids = [row[0] for row in project.conn.execute("SELECT uuid FROM spans ORDER BY rowid")]
    assert len(ids) == 60 and ids == sorted(ids) and len(set(ids)) == 60
    assert all(uuid.UUID(i).version == 7 for i in ids)


@pytest.mark.parametrize(
    "text",
    ["", " \n\t", "قبل\x00بعد", "\ud83d وحيد", RAQQA, "سطر\r\nسطر", "\ufeff" + RAQQA, "ﺍﻟﺮﻗﺔ"],
)
def test_plan_checks_and_hashes_as_check_text_and_sha256_do(project: Project, text: str) -> None:
    record = SourceRecord(location="x:1", external_id="x", text=text, encoding="UTF-8")
    importer = Importer(project, importing.ImportReport(), "alice")
    problem = check_text(text)
    if problem:
        with pytest.raises(RecordRejected, match=re.escape(problem)):
            importer.plan(record)
    else:
        plan = importer.plan(record)
        assert isinstance(plan, _Plan)
        assert plan.digest == sha256(canonicalize(text).text)


def test_the_title_search_follows_what_the_import_kept(
    project: Project, tmp_path: Path, write_jsonl: WriteJsonl
) -> None:
    records = [record(i) for i in range(6)]
    records[4] = record(4, "قصف بوم على المرصد")
    records[4]["meta"] = {"title": "عنوان مرفوض"}
    records[2]["meta"] = {"title": "عنوان مقبول"}
    path = write_jsonl(tmp_path / "in.jsonl", records)
    project.conn.execute(
        "CREATE TEMP TRIGGER refuse_boom BEFORE INSERT ON spans WHEN NEW.text = 'المرصد'"
        " AND NEW.document_id = (SELECT id FROM documents WHERE text LIKE '%بوم%')"
        " BEGIN SELECT RAISE(ABORT, 'disk says no'); END"
    )
    report = import_paths(project, [path])
    assert report.imported == 5 and len(report.rejected) == 1
    assert project.search.current()
    alice = project.annotator("alice").id
    assert project.documents.count(ListQuery(alice, text="عنوان مرفوض")) == 0
    assert project.documents.count(ListQuery(alice, text="عنوان مقبول")) == 1
