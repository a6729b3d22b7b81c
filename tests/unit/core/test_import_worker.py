"""A big import is read and checked in a worker process: the same result as in-process,
in chunks by count and by size, cancellable, and a failing worker is a clear error."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import types
import uuid
from contextlib import closing
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

import pytest

from app.core import import_worker, importing
from app.core.importing import RecordChecker, import_paths
from app.core.labels import default_labels
from storage import Project, ProjectError, open_project, staging
from tests.unit.conftest import WriteJsonl
from tests.unit.core.test_importing_batches import mixed_records, record

REPO = Path(__file__).resolve().parents[3]


def dump(project: Project) -> dict[str, list[tuple[Any, ...]]]:
    """Every table an import writes, in full, minus the span ids and the clocks."""
    conn = project.conn
    queries = {
        "documents": "SELECT id, external_id, title, source, url, published, text, length,"
        " sha256, meta, import_file, import_encoding, import_notes FROM documents ORDER BY id",
        "spans": 'SELECT document_id, annotator_id, start, "end", label, text, attrs FROM spans'
        ' ORDER BY document_id, annotator_id, start, "end", label',
        "changes": "SELECT seq, annotator, action, document_id, span_uuid, before, after"
        " FROM changes ORDER BY seq",
        "annotators": "SELECT id, name, kind FROM annotators ORDER BY id",
        "labels": "SELECT * FROM labels ORDER BY id",
    }
    return {table: conn.execute(sql).fetchall() for table, sql in queries.items()}


def hostile_records() -> list[Any]:
    """mixed_records, and what else the checks and the rare paths see."""
    records: list[Any] = mixed_records()
    records.append(record(20, "عاجل: قصف في حلب"))  # no spans
    unknown = record(21)
    unknown["spans"].append({**unknown["spans"][0], "label": "WEAPON"})  # created, or refused
    records.append(unknown)
    bad_label = record(22)
    bad_label["spans"].append({**bad_label["spans"][0], "label": "bad label"})
    records.append(bad_label)
    suggested = record(23)
    for span in suggested["spans"]:
        span.update(annotator="model", kind="suggestions", attrs={"score": 0.5})
    records.append(suggested)
    records.append("[1, 2]")  # a line that is not an object
    records.append(record(24, "ﻻ بد من الرقة"))  # presentation forms: repaired, a note
    # Ids the change log must quote: a quote, a backslash, controls, Arabic, an emoji.
    records.append(record(25, rid='"quoted" \\ tab\t nl\n \x01 \x7f الرقة 😀'))
    return records


def write_lines(path: Path, records: list[Any]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n{broken\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "options", [{}, {"create_labels": True}, {"annotator": "zed", "suggestions": True}]
)
def test_the_worker_stores_exactly_what_the_importer_does_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, options: dict[str, Any]
) -> None:
    # Small chunks and batches: records cross batch and chunk boundaries everywhere.
    monkeypatch.setattr(importing, "CHUNK", 4)
    monkeypatch.setattr(import_worker, "BATCH_RECORDS", 3)
    source = write_lines(tmp_path / "in.jsonl", hostile_records())
    results = []
    for worker in (False, True):
        path = tmp_path / f"worker-{worker}.tawsim"
        with open_project(path, create=True, labels=default_labels()) as project:
            first = import_paths(project, [source], worker=worker, **options)
            again = import_paths(project, [source], worker=worker, **options)  # duplicates
            results.append((first, again, dump(project)))
    (first, again, stored), (first_w, again_w, stored_w) = results
    assert (first_w, again_w) == (first, again)
    assert stored_w == stored
    assert first.rejected and first.notes and first.imported > 10
    assert again.duplicates == first.imported + first.duplicates
    assert multiprocessing.active_children() == []


def test_chunks_end_at_a_count_or_a_size_of_input(
    tmp_path: Path, write_jsonl: WriteJsonl, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [record(i) for i in range(20)]
    source = write_jsonl(tmp_path / "in.jsonl", records)
    sizes = [len(line) for line in source.read_bytes().splitlines(keepends=True)]
    monkeypatch.setattr(importing, "CHUNK", 7)
    monkeypatch.setattr(importing, "CHUNK_BYTES", sum(sizes[:3]))  # about every 3 records
    expected: list[int] = []  # records per chunk: up to the one that reaches the size
    count = size = 0
    for taken in sizes:
        count, size = count + 1, size + taken
        if count >= 7 or size >= sum(sizes[:3]):
            expected.append(count)
            count = size = 0
    expected += [count] if count else []
    for worker in (False, True):
        path = tmp_path / f"{worker}.tawsim"
        with open_project(path, create=True, labels=default_labels()) as project:
            stored: list[int] = []
            project.conn.set_trace_callback(
                lambda sql, p=project, s=stored: (
                    s.append(p.documents.count()) if sql == "COMMIT" else None
                )
            )
            report = import_paths(project, [source], worker=worker)
            project.conn.set_trace_callback(None)
        assert report.imported == 20
        assert [b - a for a, b in zip([0, *stored], stored, strict=False)] == expected
    assert max(expected) <= 4 < 7 and len(expected) >= 5


def test_cancelling_keeps_whole_records_and_stops_the_worker(
    project: Project, tmp_path: Path, write_jsonl: WriteJsonl, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "CHUNK", 5)
    source = write_jsonl(tmp_path / "in.jsonl", [record(i) for i in range(30)])
    calls: list[int] = []
    workers: list[int] = []

    def progress(done: int, total: int) -> bool:
        calls.append(done)
        workers.extend(child.pid or 0 for child in multiprocessing.active_children())
        return len(calls) < 12

    report = import_paths(project, [source], worker=True, progress=progress)
    assert report.cancelled and report.imported == 12 == project.documents.count()
    assert workers, "the records were not checked in a worker"
    assert multiprocessing.active_children() == []


def test_the_worker_is_used_for_inputs_larger_than_worker_bytes(
    project: Project, tmp_path: Path, write_jsonl: WriteJsonl, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [record(i) for i in range(3)])
    seen: list[bool] = []

    def progress(done: int, total: int) -> bool:
        seen.append(bool(multiprocessing.active_children()))
        return True

    import_paths(project, [source], progress=progress)
    monkeypatch.setattr(importing, "WORKER_BYTES", source.stat().st_size - 1)
    import_paths(project, [source], progress=progress)  # all duplicates now
    assert seen == [False] * 3 + [True] * 3


def test_a_worker_that_fails_is_a_clear_error_and_keeps_finished_chunks(
    project: Project, tmp_path: Path, write_jsonl: WriteJsonl, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "CHUNK", 4)
    monkeypatch.setattr(import_worker, "BATCH_RECORDS", 2)
    source = write_jsonl(tmp_path / "in.jsonl", [record(i) for i in range(10)])
    entry = RecordChecker.entry

    def failing(self: RecordChecker, item: Any) -> Any:
        if getattr(item, "external_id", "") == "n9":
            raise RuntimeError("reader bug at n9")
        return entry(self, item)

    monkeypatch.setattr(RecordChecker, "entry", failing)  # a fault in the worker only
    # The fault is patched into this process: only a forked worker inherits it (with Qt
    # loaded by other tests the importer would otherwise spawn a fresh interpreter).
    monkeypatch.setattr(import_worker, "start_context", lambda: multiprocessing.get_context("fork"))
    with pytest.raises(ProjectError, match=r"reader process failed(.|\n)*reader bug at n9"):
        import_paths(project, [source], worker=True)
    assert project.documents.count() == 8  # two whole chunks; the third is not stored
    assert multiprocessing.active_children() == []


def test_a_worker_that_dies_is_a_clear_error(
    project: Project, tmp_path: Path, write_jsonl: WriteJsonl, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "CHUNK", 3)
    monkeypatch.setattr(import_worker, "BATCH_RECORDS", 1)
    monkeypatch.setattr(import_worker, "QUEUED_BATCHES", 1)
    # More than the pipe and the queue hold: the worker is still reading when killed.
    long = "، ".join(["قتل ثلاثة مدنيين بالرقة"] * 2000)
    source = write_jsonl(tmp_path / "in.jsonl", [record(i, f"{i} {long}") for i in range(40)])
    calls = 0

    def progress(done: int, total: int) -> bool:
        nonlocal calls
        calls += 1
        if calls == 4:  # the first chunk is stored; the worker is still reading
            for child in multiprocessing.active_children():
                os.kill(child.pid or 0, signal.SIGKILL)
        return True

    with pytest.raises(ProjectError, match=r"reader process ended unexpectedly \(exit code -9\)"):
        import_paths(project, [source], worker=True, progress=progress)
    assert project.documents.count() % 3 == 0 and 3 <= project.documents.count() < 40
    assert multiprocessing.active_children() == []


_KILLED_IMPORT = """
import sys, time
from pathlib import Path
from app.core import importing
from app.core.setup import init_project
importing.CHUNK = 4
def progress(done, total):
    progress.calls += 1
    if progress.calls == 9:  # two chunks stored: wait here to be killed
        print("STORED", flush=True)
        time.sleep(60)
    return True
progress.calls = 0
with init_project(Path(sys.argv[1])) as project:
    importing.import_paths(project, [sys.argv[2]], worker=True, progress=progress)
"""


def test_a_killed_import_keeps_its_chunks_and_its_worker_lets_go_of_the_project(
    tmp_path: Path, write_jsonl: WriteJsonl
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [record(i) for i in range(30)])
    target = tmp_path / "killed.tawsim"
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED_IMPORT, str(target), str(source)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "STORED"
    child.kill()
    child.wait()
    deadline = time.monotonic() + 10
    while True:  # the worker notices at its next send, and ends
        try:
            with open_project(target, holder="test") as project:
                assert project.documents.count() == 8
                assert project.spans.count() == 16  # the copied chunks, whole
                assert project.integrity_ok()
            break
        except ProjectError:
            assert time.monotonic() < deadline, "the worker still holds the project"
            time.sleep(0.1)
    # Its scratch file too: the worker deletes it when it finds the importer gone.
    scratch = Path(tempfile.gettempdir()).glob(f"tawsim-import-{child.pid}-*")
    while any(scratch):
        assert time.monotonic() < deadline, "the killed import's scratch file is still there"
        time.sleep(0.1)
        scratch = Path(tempfile.gettempdir()).glob(f"tawsim-import-{child.pid}-*")


@pytest.mark.parametrize(
    "attrs",
    [
        {"value": 13, "qualifier": "exact"},
        {"ar": "ثلاثة عشر", "nested": {"b": [1, 2.5, None, True], "a": "«x»"}},
        {"z": float("inf"), "a": '\u2028\x00"\\', "m": {"y": 1, "x": -0.0}},
    ],
)
def test_the_bulk_attrs_encoder_writes_what_encode_attrs_does(attrs: dict[str, Any]) -> None:
    from storage.spans import bulk_attrs_encoder, encode_attrs

    assert bulk_attrs_encoder()(attrs) == encode_attrs(attrs)


def test_a_worker_is_forked_only_from_a_process_of_one_thread_without_qt(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delitem(sys.modules, "PySide6", raising=False)
    assert import_worker.start_context().get_start_method() == "fork"
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert import_worker.start_context().get_start_method() == "spawn"
    finally:
        release.set()
        other.join()
    monkeypatch.setitem(sys.modules, "PySide6", types.ModuleType("PySide6"))
    assert import_worker.start_context().get_start_method() == "spawn"


@pytest.mark.parametrize("read_only", [True, False])
def test_staged_records_are_copied_and_a_refused_one_is_rejected_alone(
    project: Project,
    tmp_path: Path,
    write_jsonl: WriteJsonl,
    monkeypatch: pytest.MonkeyPatch,
    read_only: bool,
) -> None:
    """The worker stages spans in a scratch file (storage.staging) and the writer copies
    runs of them by SQL; when SQLite refuses a row of a run, the run is taken back and its
    records are read back from the scratch file and stored one at a time."""
    monkeypatch.setattr(import_worker, "BATCH_RECORDS", 3)  # runs span several batches
    # Attached read-only (where SQLite reads URIs), or read-write (where it does not).
    monkeypatch.setattr(staging, "READ_ONLY_ATTACH", read_only and staging.READ_ONLY_ATTACH)
    copied: list[tuple[int, int]] = []
    copy = staging.copy_spans

    def counting(*args: Any, **kwargs: Any) -> None:
        copied.append(args[1])
        copy(*args, **kwargs)

    monkeypatch.setattr(staging, "copy_spans", counting)
    scratch: list[Path] = []
    create = staging.create
    monkeypatch.setattr(staging, "create", lambda path: (scratch.append(path), create(path)))
    records = [record(i) for i in range(8)]
    records[5] = record(5, "قصف بوم على المرصد")
    path = write_jsonl(tmp_path / "in.jsonl", records)
    project.conn.execute(
        "CREATE TEMP TRIGGER refuse_boom BEFORE INSERT ON spans WHEN NEW.document_id ="
        " (SELECT id FROM documents WHERE text LIKE '%بوم%')"
        " BEGIN SELECT RAISE(ABORT, 'disk says no'); END"
    )
    report = import_paths(project, [path], worker=True)
    (message,) = report.rejected
    assert message.startswith(f"{path}:6: cannot store") and "disk says no" in message
    assert (report.imported, report.spans) == (7, 14)
    # The first record goes alone (it creates the annotators); the rest are one run, which
    # SQLite refuses: then each is read back from the scratch file. A run is (first span
    # id, end span id, document id) for each of its records: n5 has one span, the rest two.
    assert copied == [
        [(3, 5, 2), (5, 7, 3), (7, 9, 4), (9, 11, 5), (11, 12, 6), (12, 14, 7), (14, 16, 8)]
    ]
    stored = project.conn.execute("SELECT external_id, text FROM documents ORDER BY id")
    assert [row[0] for row in stored] == [f"n{i}" for i in range(8) if i != 5]
    logged = project.conn.execute(
        "SELECT document_id, after FROM changes WHERE action = 'document.import' ORDER BY seq"
    ).fetchall()
    assert [json.loads(after)["spans"] for _, after in logged] == [2] * 7
    assert project.integrity_ok()
    # Span ids made in SQL as storage.ids makes them: UUID 7 strings, in insertion order.
    made = [row[0] for row in project.conn.execute("SELECT uuid FROM spans ORDER BY rowid")]
    assert made == sorted(made) and len(set(made)) == 14
    assert all(str(uuid.UUID(text)) == text and uuid.UUID(text).version == 7 for text in made)
    (path,) = scratch
    assert not path.parent.exists()  # the scratch file is deleted, with its folder


def test_documents_without_spans_keep_a_chunk_on_the_bulk_path(
    project: Project, tmp_path: Path, write_jsonl: WriteJsonl, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A document without spans has an empty run of staged spans: it must not make SQLite
    refuse the copy (two empty runs once shared a key), which put every record of the
    chunk through the one-at-a-time path: all of a corpus imported without annotations."""
    alone: list[str] = []
    one = importing.Importer._import_one

    def counting(self: importing.Importer, plan: Any) -> None:
        alone.append(plan.external_id)
        one(self, plan)

    monkeypatch.setattr(importing.Importer, "_import_one", counting)
    records = [record(i, None if i % 3 == 0 else f"خبر بلا وسوم {i}") for i in range(12)]
    report = import_paths(project, [write_jsonl(tmp_path / "in.jsonl", records)], worker=True)
    assert (report.imported, report.spans, report.rejected) == (12, 8, [])
    assert alone == ["n0"]  # it creates the annotators; the rest go in one run
    logged = project.conn.execute(
        "SELECT after FROM changes WHERE action = 'document.import' ORDER BY seq"
    ).fetchall()
    assert [json.loads(after)["spans"] for (after,) in logged] == [
        2 if i % 3 == 0 else 0 for i in range(12)
    ]


def test_sqlite_quotes_json_strings_as_python_does_where_the_probe_says_so() -> None:
    """The change log's entries of a staged import are made by SQLite's json_quote when
    a probe finds it writes strings as json.dumps does: then it does for every character."""
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    with closing(sqlite3.connect(":memory:")) as conn:
        try:
            quoted = conn.execute("SELECT json_quote(?)", (every,)).fetchone()[0]
        except sqlite3.Error:
            quoted = None
    assert staging.quotes_like_python() == (quoted == encode_basestring(every))


def test_the_change_log_is_the_same_where_sqlite_quotes_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_lines(tmp_path / "in.jsonl", hostile_records())
    logs = []
    for quotes in (True, False):
        monkeypatch.setattr(staging, "quotes_like_python", lambda quotes=quotes: quotes)
        with open_project(tmp_path / f"{quotes}.tawsim", create=True, labels=default_labels()) as p:
            import_paths(p, [source], worker=True)
            logs.append(dump(p)["changes"])
    assert logs[0] == logs[1] and len(logs[0]) > 10


@pytest.mark.parametrize("worker", [False, True])
def test_a_span_naming_a_missing_label_stops_the_import_and_keeps_finished_chunks(
    project: Project,
    tmp_path: Path,
    write_jsonl: WriteJsonl,
    monkeypatch: pytest.MonkeyPatch,
    worker: bool,
) -> None:
    """Foreign keys are off during an import (Project.bulk_writes): each chunk's spans are
    checked before it commits. A checker that let an unknown label through (a bug, made
    here) stops the import with a clear error instead of storing a dangling span."""
    monkeypatch.setattr(importing, "CHUNK", 4)
    records = [record(i) for i in range(10)]
    for span in records[6]["spans"]:
        span["label"] = "WEAPON"
    made = importing.Importer.__init__

    def careless(self: importing.Importer, *args: Any, **kwargs: Any) -> None:
        made(self, *args, **kwargs)
        self.checker.labels.add("WEAPON")  # believed to exist

    monkeypatch.setattr(importing.Importer, "__init__", careless)
    path = write_jsonl(tmp_path / "in.jsonl", records)
    with pytest.raises(ProjectError, match=r"'WEAPON'.*not in the project"):
        import_paths(project, [path], worker=worker)
    stored = [row[0] for row in project.conn.execute("SELECT external_id FROM documents")]
    assert stored == [f"n{i}" for i in range(4)]  # the first chunk; none of the second
    assert project.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert project.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
