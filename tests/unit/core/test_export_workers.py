"""A big export written in parts by worker processes: byte for byte the in-process export
(outputs, omissions, counts), with progress, cancellable, and a failing worker is a clear
error, never a hang."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import export_workers
from app.core.exporting import ExportCancelled, ExportReport, export, report_path_for
from app.core.importing import import_paths
from app.core.labels import default_labels
from app.formats.base import ExportOptions
from app.formats.conll_fast import FastText
from storage import Project, ProjectError, Span, open_project
from tests.bench.generate import Generator
from tests.unit.formats.test_conll_fast import documents

DOCUMENTS = 240
LAYERS = ("alice", "bob", "carol")
REPO = Path(__file__).resolve().parents[3]
TAB = ExportOptions(tab=True)


def corpus() -> list[dict[str, Any]]:
    """Generated news with three layers; what CoNLL cannot hold here and there (overlaps,
    attributes, an emoji, a rare script), and document fields only from document 100 on,
    so that the once-per-file note comes from a part other than the first."""
    generator = Generator(11)
    records = []
    for index in range(DOCUMENTS):
        record = generator.corpus_record(index, 6)
        if index < 100:
            record["meta"] = {}
        if index % 7 == 3:
            record["text"] = "😢 " + record["text"]  # shifts every span: fix them below
            for span in record["spans"]:
                span["start"] += 2
                span["end"] += 2
        if index % 11 == 5:
            record["text"] += " Дамаск\u0300 。"
        for number, span in enumerate(record["spans"]):
            span["annotator"] = LAYERS[(index + number) % 3]
        if index % 5 == 0 and record["spans"]:  # an overlap in one layer
            first = dict(record["spans"][0])
            first["end"] = min(len(record["text"]), first["end"] + 4)
            first["text"] = record["text"][first["start"] : first["end"]]
            record["spans"].append(first)
        records.append(record)
    return records


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    source = folder / "corpus.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) + "\n" for r in corpus()]
    source.write_text("".join(lines), encoding="utf-8", newline="\n")
    path = folder / "corpus.tawsim"
    with open_project(path, create=True, labels=default_labels()) as project:
        report = import_paths(project, [source])
        assert report.rejected == [] and report.imported == DOCUMENTS
        ids = project.documents.ids()
        people = {a.name: a.id for a in project.annotators()}
        for number, document_id in enumerate(ids):
            if number % 3:  # alice finished two in three, bob one in two, carol none
                project.status.set(document_id, people["alice"], "done", by="alice")
            if number % 2:
                project.status.set(document_id, people["bob"], "done", by="bob")
    return path


@pytest.fixture
def big(corpus_file: Path, tmp_path: Path) -> Iterator[Project]:
    copy = tmp_path / "big.tawsim"
    copy.write_bytes(corpus_file.read_bytes())
    with open_project(copy) as project:
        yield project


@pytest.fixture
def workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three workers for a project of a few hundred documents, reporting every document.

    Forked, as from the command line: pytest-qt has loaded Qt into this process, for which
    the workers would be spawned (that path has a test of its own)."""
    monkeypatch.setattr(export_workers, "THRESHOLD", 50)
    monkeypatch.setattr(export_workers, "REPORT_EVERY", 1)
    monkeypatch.setenv(export_workers.WORKERS_VARIABLE, "3")
    monkeypatch.setattr(
        export_workers, "start_context", lambda: multiprocessing.get_context("fork")
    )


def snapshot(out: Path) -> dict[str, bytes]:
    """Every file an export wrote: the output (a file or a folder) and its omissions."""
    files = [out] if out.is_file() else sorted(out.iterdir())
    written = {p.name: p.read_bytes() for p in files}
    omitted = report_path_for(out)
    if omitted.exists():
        written[omitted.name] = omitted.read_bytes()
    return written


def run(
    project: Project, out: Path, count: str, fmt: str, **options: Any
) -> tuple[dict[str, bytes], ExportReport, list[tuple[int, int]]]:
    os.environ[export_workers.WORKERS_VARIABLE] = count  # restored by the fixture
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        calls.append((done, total))
        return True

    report = export(project, fmt, out, progress=progress, **options)
    return snapshot(out), report, calls


CASES = [
    ("jsonl", {}),
    ("jsonl", {"annotator": "bob"}),
    ("conll", {}),
    ("bioes", {"only_done": True}),
    ("conll", {"annotator": "alice", "only_done": True}),
]


@pytest.mark.usefixtures("workers")
@pytest.mark.parametrize(("fmt", "options"), CASES)
def test_parts_join_into_the_same_bytes(
    big: Project, tmp_path: Path, fmt: str, options: dict[str, Any]
) -> None:
    name = "out" + (f".{fmt}" if fmt == "jsonl" or "annotator" in options else "-layers")
    serial, report, calls = run(big, tmp_path / "serial" / name, "1", fmt, **options)
    parallel, report_w, calls_w = run(big, tmp_path / "parts" / name, "3", fmt, **options)
    assert parallel == serial
    assert report_w.omitted == report.omitted
    assert (report_w.documents, report_w.spans) == (report.documents, report.spans)
    assert report.documents > 0 and report.spans > 0
    if fmt != "jsonl":
        assert report.omitted, "the corpus holds what CoNLL cannot"
        # Fields from document 100 on, in the second part and the third: once per file.
        notes = [line for line in report.omitted if "document fields" in line]
        files = [name for name in serial if name.endswith((".conll", ".bioes"))]
        assert 1 <= len(notes) <= len(files)
        assert all(line.startswith(("bench-0000100:", "bench-0000101:")) for line in notes)
    # Serial progress comes per document, the workers' as they report: to the same end.
    assert calls[-1] == calls_w[-1] and calls_w[-1][0] == calls_w[-1][1] == DOCUMENTS
    assert [done for done, _ in calls_w] == sorted(done for done, _ in calls_w)
    assert len(calls) == DOCUMENTS and len(calls_w) > 1
    assert multiprocessing.active_children() == []
    # No parts left: beside the output, only what the in-process export leaves.
    assert sorted(os.listdir(tmp_path / "parts")) == sorted(os.listdir(tmp_path / "serial"))


def test_ranges_shrink_as_they_are_handed_out_down_to_a_small_last_one() -> None:
    for workers in (1, 2, 3, 4, 16):
        shares = export_workers.range_shares(workers)
        assert sum(shares) == pytest.approx(1)
        assert shares[:-1] == sorted(shares[:-1], reverse=True)
        assert shares[0] == pytest.approx(export_workers.SHARE_OF_WHAT_IS_LEFT / workers)
        # The last one takes what is left: between half and one and a half the smallest.
        smallest = export_workers.SMALLEST_SHARE / workers
        assert shares[-2] == pytest.approx(smallest)
        assert smallest / 2 <= shares[-1] <= 1.5 * smallest
        assert len(shares) < 10 * workers + 10  # a few more parts than workers, not thousands


def test_ranges_cover_every_document_in_order_with_their_share_of_text(big: Project) -> None:
    ranges = export_workers.id_ranges(big, [1 / 3] * 3)
    ids = big.documents.ids()
    assert ranges[0][0][0] == ids[0]
    assert [end for (_, end), _ in ranges][-1] == ids[-1] + 1
    assert all(ranges[i][0][1] == ranges[i + 1][0][0] for i in range(len(ranges) - 1))
    assert sum(count for _, count in ranges) == len(ids)
    sizes = [
        big.conn.execute(
            "SELECT sum(length) FROM documents WHERE id >= ? AND id < ?", id_range
        ).fetchone()[0]
        for id_range, _ in ranges
    ]
    assert len(sizes) == 3 and max(sizes) < 1.1 * min(sizes)
    halves = export_workers.id_ranges(big, [0.75, 0.25])
    assert [count for _, count in halves] == [
        pytest.approx(0.75 * len(ids), rel=0.1),
        pytest.approx(0.25 * len(ids), rel=0.3),
    ]


@pytest.mark.usefixtures("workers")
def test_cancelling_kills_the_workers_and_leaves_nothing(big: Project, tmp_path: Path) -> None:
    out = tmp_path / "out" / "all.jsonl"
    seen: list[int] = []

    def cancel(done: int, total: int) -> bool:
        seen.append(done)
        return False

    with pytest.raises(ExportCancelled):
        export(big, "jsonl", out, progress=cancel)
    assert len(seen) == 1 and seen[0] < DOCUMENTS  # cancelled at the first report
    assert multiprocessing.active_children() == []
    assert list(out.parent.iterdir()) == []  # neither output nor parts


@pytest.mark.usefixtures("workers")
def test_a_worker_that_fails_is_an_error_naming_its_documents(big: Project, tmp_path: Path) -> None:
    assert big.path is not None
    big.path.rename(big.path.with_name("moved.tawsim"))  # the workers cannot open it
    out = tmp_path / "out" / "conll"
    with pytest.raises(ProjectError, match=r"worker for documents \d+ to \d+ failed") as error:
        export(big, "conll", out)
    assert "no such project" in str(error.value)
    assert multiprocessing.active_children() == []
    assert list(out.parent.iterdir()) == []


@pytest.mark.usefixtures("workers")
def test_a_worker_that_dies_is_an_error_not_a_hang(big: Project, tmp_path: Path) -> None:
    out = tmp_path / "out" / "layers"

    def kill(done: int, total: int) -> bool:
        for child in multiprocessing.active_children():
            os.kill(child.pid or 0, signal.SIGKILL)
        return True

    with pytest.raises(ProjectError, match=r"ended unexpectedly \(exit code -9\)"):
        export(big, "conll", out, progress=kill)
    assert multiprocessing.active_children() == []
    assert list(out.parent.iterdir()) == []


def test_workers_spawned_from_the_gui_write_the_same(
    big: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Qt is loaded here, as in the GUI: the workers start as fresh interpreters ('spawn'),
    the job and the pipes cross to them, and they write the same bytes."""
    monkeypatch.setattr(export_workers, "THRESHOLD", 50)
    monkeypatch.setenv(export_workers.WORKERS_VARIABLE, "1")
    assert "PySide6" in sys.modules
    assert export_workers.start_context().get_start_method() == "spawn"
    serial, _, _ = run(big, tmp_path / "serial" / "layers", "1", "bioes", options=TAB)
    spawned, _, calls = run(big, tmp_path / "spawned" / "layers", "2", "bioes", options=TAB)
    assert spawned == serial
    assert calls[-1] == (DOCUMENTS, DOCUMENTS)
    assert multiprocessing.active_children() == []


# The parent of the workers, killed by its first progress report: the workers are busy.
_KILLED_EXPORT = """
import os, signal, sys
from app.core import export_workers
from app.core.exporting import export
from storage import open_project
export_workers.THRESHOLD = 50
export_workers.REPORT_EVERY = 1

def progress(done, total):
    import multiprocessing
    print(" ".join(str(c.pid) for c in multiprocessing.active_children()), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)

with open_project(sys.argv[1]) as project:
    export(project, "conll", sys.argv[2], progress=progress)
"""


def _ended(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")  # a zombie
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_workers_end_with_their_parent_and_the_next_export_sweeps_their_parts(
    big: Project, tmp_path: Path
) -> None:
    assert big.path is not None
    out = tmp_path / "out" / "layers"
    child = subprocess.run(
        [sys.executable, "-c", _KILLED_EXPORT, str(big.path), str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO), export_workers.WORKERS_VARIABLE: "3"},
        timeout=60,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    pids = [int(pid) for pid in child.stdout.split()]
    assert len(pids) == 3
    deadline = time.monotonic() + 10
    while not all(_ended(pid) for pid in pids):  # each notices at its next report
        assert time.monotonic() < deadline, "a worker outlived its parent"
        time.sleep(0.05)
    assert not out.exists() and list(out.parent.iterdir())  # leftovers, clearly temporary
    export(big, "conll", out)  # in this process: below the threshold
    assert sorted(p.name for p in out.parent.iterdir()) == ["layers", "layers.omitted.txt"]


@pytest.mark.usefixtures("workers")
@pytest.mark.parametrize("value", ["0", "two", "-1"])
def test_a_bad_worker_count_is_named(big: Project, tmp_path: Path, value: str) -> None:
    os.environ[export_workers.WORKERS_VARIABLE] = value
    with pytest.raises(ProjectError, match=export_workers.WORKERS_VARIABLE):
        export(big, "jsonl", tmp_path / "out.jsonl")
    assert not (tmp_path / "out.jsonl").exists()


def test_small_or_uncommitted_exports_stay_in_process(
    big: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(export_workers.WORKERS_VARIABLE, "3")
    assert export_workers.worker_count(big, DOCUMENTS) == 1  # below THRESHOLD
    monkeypatch.setattr(export_workers, "THRESHOLD", 50)
    assert export_workers.worker_count(big, DOCUMENTS) == 3
    with big.transaction():  # what workers could not see yet
        assert export_workers.worker_count(big, DOCUMENTS) == 1
    monkeypatch.delenv(export_workers.WORKERS_VARIABLE)
    assert export_workers.worker_count(big, DOCUMENTS) == min(os.cpu_count() or 1, 4)


@given(st.lists(documents(), min_size=2, max_size=3), st.sampled_from(["bio", "bioes"]))
@settings(max_examples=50, deadline=None)
def test_layers_sharing_a_text_write_what_each_writes_alone(
    layers: list[tuple[str, list[Span]]], scheme: str
) -> None:
    """One text's segments serve every layer: cut at the edges of every layer's spans that
    border whitespace, and by a layer alone where its span edge falls inside a word (in its
    own copy: the layers after it still see the shared segments)."""
    text = layers[0][0]
    spans = [
        [replace(s, annotator=f"l{n}") for s in found if s.end <= len(text)]
        for n, (_, found) in enumerate(layers)
    ]
    shared = FastText(text, " ", spans)
    together = [shared.lines(layer, scheme) for layer in spans]
    alone = [FastText(text, " ", [layer]).lines(layer, scheme) for layer in spans]
    told_nothing = FastText(text, " ")
    assert [told_nothing.lines(layer, scheme) for layer in spans] == alone
    assert together == alone
