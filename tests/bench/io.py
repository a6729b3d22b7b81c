"""Import and export through the real CLI (`python -m app import/export`, a subprocess,
as a user runs it) against bare `sqlite3.executemany` / `json.dumps` baselines."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from storage import Label, open_project
from storage.ids import new_id
from tests.bench.common import REPO, Cache, Result, Sizes, child_env, median, summary

Log = Callable[[str], None]

# The bare tables of the import baseline: the project's columns, a primary key, nothing else.
BARE_SCHEMA = (
    "CREATE TABLE documents (id INTEGER PRIMARY KEY, external_id TEXT, title TEXT,"
    " source TEXT, url TEXT, published TEXT, text TEXT, length INTEGER, sha256 TEXT,"
    " meta TEXT, import_file TEXT, import_encoding TEXT, import_notes TEXT, imported_at TEXT)",
    "CREATE TABLE spans (uuid TEXT PRIMARY KEY, document_id INTEGER, annotator_id INTEGER,"
    ' start INTEGER, "end" INTEGER, label TEXT, text TEXT, attrs TEXT, created_at TEXT,'
    " updated_at TEXT)",
)


def run_cli(args: list[str], profile: Path | None = None) -> tuple[float, str]:
    """Time `python -m app ARGS` from launch to exit; returns (seconds, stdout)."""
    command = [sys.executable]
    if profile is not None:
        command += ["-m", "cProfile", "-o", str(profile)]
    command += ["-m", "app", *args]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, env=child_env(), capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"tawsim {args[0]} failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed, done.stdout


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _bare_rows(corpus: Path) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The rows the importer stores for ``corpus``, built in memory (not timed)."""
    documents: list[tuple[Any, ...]] = []
    spans: list[tuple[Any, ...]] = []
    annotators: dict[str, int] = {}
    stamp = "2024-01-01T00:00:00.000000+00:00"
    with corpus.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            record = json.loads(line)
            text = record["text"]
            meta = dict(record.get("meta", {}))
            fields = [str(meta.pop(k, "")) for k in ("title", "source", "url", "published")]
            documents.append(
                (
                    record["id"],
                    *fields,
                    text,
                    len(text),
                    hashlib.sha256(text.encode("utf-8")).hexdigest(),
                    json.dumps(meta, ensure_ascii=False, sort_keys=True),
                    f"{corpus}:{number}",
                    "UTF-8",
                    "",
                    stamp,
                )
            )
            for span in record["spans"]:
                annotator = annotators.setdefault(span["annotator"], len(annotators) + 1)
                spans.append(
                    (
                        # The kind of id the importer stores (time-ordered, storage.ids):
                        # random uuid4s here made the baseline pay for random inserts
                        # into the uuid index that the import no longer pays (6 s -> 14 s).
                        new_id(),
                        number,
                        annotator,
                        span["start"],
                        span["end"],
                        span["label"],
                        span["text"],
                        json.dumps(span.get("attrs", {}), ensure_ascii=False, sort_keys=True),
                        stamp,
                        stamp,
                    )
                )
    return documents, spans


def _bare_import(
    path: Path, documents: list[tuple[Any, ...]], spans: list[tuple[Any, ...]]
) -> float:
    _remove_database(path)
    start = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    for statement in BARE_SCHEMA:
        conn.execute(statement)
    conn.execute("BEGIN")
    conn.executemany(f"INSERT INTO documents VALUES (NULL{', ?' * 13})", documents)
    conn.executemany(f"INSERT INTO spans VALUES (?{', ?' * 9})", spans)
    conn.execute("COMMIT")
    conn.close()
    return time.perf_counter() - start


def _schema_floor(
    path: Path,
    documents: list[tuple[Any, ...]],
    spans: list[tuple[Any, ...]],
    annotators: int,
) -> float:
    """The SQL an import cannot avoid: the same rows, plus one change-log row a document,
    into the project's real schema (its unique and list indexes, foreign keys, the title
    index) in one transaction. Not the budget's baseline: the floor under any importer
    with this schema, reported beside it (issue 6 asks to show a budget that cannot hold).
    """
    _remove_database(path)
    labels = [Label(id=label) for label in sorted({row[5] for row in spans})]
    open_project(path, create=True, labels=labels).close()
    stamp = "2024-01-01T00:00:00.000000+00:00"
    start = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO annotators (id, name, kind, created_at) VALUES (?, ?, 'human', ?)",
        [(i, f"annotator-{i}", stamp) for i in range(1, annotators + 1)],
    )
    conn.executemany(
        "INSERT INTO documents (id, external_id, title, source, url, published, text, length,"
        f" sha256, meta, import_file, import_encoding, import_notes, imported_at) VALUES (NULL"
        f"{', ?' * 13})",
        documents,
    )
    conn.executemany(f"INSERT INTO spans VALUES (?{', ?' * 9})", spans)
    conn.executemany(
        "INSERT INTO changes (at, annotator, action, document_id, after)"
        " VALUES (?, 'import', 'document.import', ?, ?)",
        [(stamp, i, '{"external_id": "x"}') for i in range(1, len(documents) + 1)],
    )
    conn.execute("COMMIT")
    conn.close()
    return time.perf_counter() - start


def _parse_floor(corpus: Path) -> float:
    """Reading and decoding the corpus file alone (every line through json.loads)."""
    start = time.perf_counter()
    with corpus.open(encoding="utf-8") as lines:
        for line in lines:
            json.loads(line)
    return time.perf_counter() - start


def _counts(path: Path) -> tuple[int, int]:
    conn = sqlite3.connect(path)
    try:
        docs = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        spans = conn.execute("SELECT count(*) FROM spans").fetchone()[0]
    finally:
        conn.close()
    return int(docs), int(spans)


def bench_import(
    cache: Cache, sizes: Sizes, scratch: Path, log: Log, profile_dir: Path | None
) -> list[Result]:
    n = sizes.import_docs
    corpus = cache.corpus(n)
    totals = cache.corpus_totals(n)
    # The baseline's rows, built in memory once (not timed).
    documents, span_rows = _bare_rows(corpus)
    runs: dict[str, list[float]] = {"value": [], "baseline": []}
    output = ""
    project_bytes = bare_bytes = 0
    docs = spans = 0
    # Each side runs io_reps times, interleaved, and the medians are compared: one run of
    # each, seconds apart on a shared VM, put the ratio ±25% off in either direction.
    for rep in range(sizes.io_reps):
        target = scratch / f"import-{n}-{rep}.tawsim"
        _remove_database(target)
        log(
            f"import {rep + 1}/{sizes.io_reps}: `python -m app import` of {n:,} documents, "
            f"{totals['spans']:,} spans…"
        )
        elapsed, output = run_cli(["import", str(target), str(corpus), "--format", "jsonl"])
        runs["value"].append(elapsed)
        docs, spans = _counts(target)
        if (docs, spans) != (totals["documents"], totals["spans"]):
            raise RuntimeError(f"import stored {docs} documents, {spans} spans; expected {totals}")
        project_bytes = target.stat().st_size
        # The project just built is exactly what the cache wants: keep it instead of
        # importing the same corpus again for the list and memory benchmarks.
        if rep > 0 or not cache.adopt(cache.corpus_project_name(n), target):
            _remove_database(target)

        log("import baseline: sqlite3.executemany of the same rows into bare tables…")
        bare = scratch / "bare-import.sqlite"
        runs["baseline"].append(_bare_import(bare, documents, span_rows))
        bare_bytes = bare.stat().st_size
        _remove_database(bare)
    elapsed, baseline = median(runs["value"]), median(runs["baseline"])

    log("import floors: the same rows into the real schema; json.loads of the file…")
    floor = scratch / "schema-floor.tawsim"
    annotator_count = max((row[2] for row in span_rows), default=0)
    schema_floor = _schema_floor(floor, documents, span_rows, annotator_count)
    _remove_database(floor)
    del documents, span_rows
    parse_floor = _parse_floor(corpus)

    profile_note = ""
    if profile_dir is not None:  # a second, profiled import (not timed) into a fresh file
        profile = profile_dir / "import_jsonl.prof"
        again = scratch / "import-profiled.tawsim"
        log("import: profiling a second run…")
        run_cli(["import", str(again), str(corpus), "--format", "jsonl"], profile)
        _remove_database(again)
        profile_note = str(profile)
    result = Result(
        "import_jsonl",
        "import JSONL (documents + spans)",
        "s",
        elapsed,
        baseline,
        2.0,
        value_label=f"`python -m app import` subprocess, {n:,} docs / {totals['spans']:,} spans",
        baseline_label="sqlite3.executemany of the same rows into bare tables (WAL, FULL)",
        details={
            "documents": docs,
            "spans": spans,
            "corpus_bytes": totals["bytes"],
            "corpus_characters": totals["characters"],
            "documents_per_second": docs / elapsed,
            "spans_per_second": spans / elapsed,
            "project_bytes": project_bytes,
            "bare_bytes": bare_bytes,
            "baseline_transactions": 1,
            # What no importer with this schema can go below (see _schema_floor).
            "floor_real_schema_s": schema_floor,
            "floor_real_schema_ratio": schema_floor / baseline,
            "floor_json_parse_s": parse_floor,
            "floor_json_parse_ratio": parse_floor / baseline,
            "cli_summary": output.strip().splitlines()[-1] if output.strip() else "",
            "profile": profile_note,
            "value_runs": summary(runs["value"]),
            "baseline_runs": summary(runs["baseline"]),
        },
    )
    return [result]


def _dump_records(records: list[dict[str, Any]], path: Path) -> float:
    """The export baseline: the records, already in memory, json.dumps'd to the same disk
    with the same flush + fsync the exporter does before its rename."""
    start = time.perf_counter()
    with path.open("w", encoding="utf-8", newline="\n") as stream:
        for record in records:
            stream.write(json.dumps(record, ensure_ascii=False))
            stream.write("\n")
        stream.flush()
        os.fsync(stream.fileno())
    elapsed = time.perf_counter() - start
    path.unlink()
    return elapsed


def bench_export(
    cache: Cache, sizes: Sizes, scratch: Path, log: Log, profile_dir: Path | None
) -> list[Result]:
    n = sizes.export_docs
    project = cache.corpus_project(n)
    out = scratch / "export.jsonl"
    folder = scratch / "export-conll"
    runs: dict[str, list[float]] = {"jsonl": [], "conll": [], "baseline": []}
    records: list[dict[str, Any]] = []
    size = conll_bytes = 0
    output = ""
    # Interleaved runs of the three, medians compared (see bench_import).
    for rep in range(sizes.io_reps):
        log(f"export {rep + 1}/{sizes.io_reps}: `python -m app export` of {n:,} documents…")
        elapsed, _ = run_cli(["export", str(project), "--out", str(out)])
        runs["jsonl"].append(elapsed)
        size = out.stat().st_size
        if not records:  # the baseline's records: what the export wrote (not timed)
            with out.open(encoding="utf-8") as lines:
                records = [json.loads(line) for line in lines]
        out.unlink()
        runs["baseline"].append(_dump_records(records, scratch / "export-baseline.jsonl"))

        log(f"export {rep + 1}/{sizes.io_reps}: `python -m app export --format conll`…")
        conll_elapsed, output = run_cli(
            ["export", str(project), "--format", "conll", "--out", str(folder)]
        )
        runs["conll"].append(conll_elapsed)
        conll_bytes = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        shutil.rmtree(folder)
        for stale in scratch.glob("export-conll*.omitted.txt"):
            stale.unlink()
    spans = sum(len(r["spans"]) for r in records)
    documents = len(records)
    del records
    elapsed, conll_elapsed, baseline = (
        median(runs["jsonl"]),
        median(runs["conll"]),
        median(runs["baseline"]),
    )

    profile_note = ""
    if profile_dir is not None:
        profile = profile_dir / "export_jsonl.prof"
        log("export: profiling a second run…")
        run_cli(["export", str(project), "--out", str(out)], profile)
        out.unlink()
        profile_note = str(profile)
    jsonl = Result(
        "export_jsonl",
        "export JSONL",
        "s",
        elapsed,
        baseline,
        2.0,
        value_label=f"`python -m app export` subprocess, {n:,} docs / {spans:,} spans",
        baseline_label="json.dumps of the same records in memory, written + fsync'd",
        details={
            "documents": documents,
            "spans": spans,
            "bytes": size,
            "documents_per_second": n / elapsed,
            "profile": profile_note,
            "value_runs": summary(runs["jsonl"]),
            "baseline_runs": summary(runs["baseline"]),
        },
    )
    conll = Result(
        "export_conll",
        "export CoNLL",
        "s",
        conll_elapsed,
        baseline,
        4.0,
        value_label=(
            f"`python -m app export --format conll` subprocess (BIO, one file per layer, "
            f"tokenized), {n:,} docs / {spans:,} spans"
        ),
        baseline_label="json.dumps of the same records in memory, written + fsync'd",
        details={
            "documents": documents,
            "spans": spans,
            "bytes": conll_bytes,
            "cli_summary": output.strip().splitlines()[-1] if output.strip() else "",
            "value_runs": summary(runs["conll"]),
            "baseline_runs": summary(runs["baseline"]),
        },
    )
    return [jsonl, conll]
