"""A project file's full contents, and the check that an import left nothing but what its
report says it imported.

The dump covers every table (so tables added later are covered too) except SQLite's own
bookkeeping and the full-text index, which is derived from the documents table.
"""

from __future__ import annotations

import hashlib
import json
import re
import signal
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from app.core.importing import ImportReport, collect_files, read_records
from app.formats.records import SourceError, SourceNote

Rows = list[tuple[object, ...]]
Dump = dict[str, Rows]

DERIVED = re.compile(r"sqlite_.*|document_search.*")
# project_meta keys that follow the documents table (how far the search index has got).
DERIVED_META = frozenset({"search_indexed_to"})


def dump(path: Path) -> Dump:
    """Every row of every table, sorted, through a connection of its own (what is here was
    committed)."""
    conn = sqlite3.connect(path)
    try:
        names = [
            name
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not DERIVED.fullmatch(name)
        ]
        result: Dump = {}
        for name in sorted(names):
            cursor = conn.execute(f'SELECT * FROM "{name}"')
            columns = [d[0] for d in cursor.description]
            rows = [tuple(zip(columns, row, strict=True)) for row in cursor]
            if name == "project_meta":
                rows = [row for row in rows if _column(row, "key") not in DERIVED_META]
            result[name] = sorted(rows, key=repr)
        return result
    finally:
        conn.close()


def _column(row: tuple[object, ...], name: str) -> object:
    return next(value for column, value in row if column == name)  # type: ignore[misc]


def _without(rows: Rows, drop: list[tuple[object, ...]]) -> Rows:
    remaining = list(rows)
    for row in drop:
        remaining.remove(row)
    return remaining


def check_only_reported_changes(before: Dump, after: Dump, report: ImportReport) -> None:
    """``after`` is ``before`` plus exactly what ``report`` says was imported; and what was
    imported is sound (canonical text and its hash, spans inside it with their text)."""
    new = {table: _without(rows, before.get(table, [])) for table, rows in after.items()}
    documents = new.pop("documents", [])
    assert len(documents) == report.imported, (documents, report)
    texts = {}
    for row in documents:
        text = _column(row, "text")
        assert isinstance(text, str) and text.strip(), row
        assert "\r" not in text and "\x00" not in text and not text.startswith("\ufeff")
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        assert _column(row, "sha256") == digest
        assert _column(row, "length") == len(text)
        texts[_column(row, "id")] = text
    spans = new.pop("spans", [])
    assert len(spans) == report.spans, (len(spans), report)
    used_annotators = set()
    for row in spans:
        document_id = _column(row, "document_id")
        assert document_id in texts, "a span was added to a document that was already there"
        text = texts[document_id]
        start, end = _column(row, "start"), _column(row, "end")
        assert isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)
        assert _column(row, "text") == text[start:end]
        json.loads(str(_column(row, "attrs")))
        used_annotators.add(_column(row, "annotator_id"))
    annotators = new.pop("annotators", [])
    # An annotator no stored span uses was created for a record that was then rejected.
    assert {_column(row, "id") for row in annotators} == used_annotators, annotators
    labels = new.pop("labels", [])
    assert sorted(_column(row, "id") for row in labels) == sorted(report.created_labels)
    changes = new.pop("changes", [])
    imports = [row for row in changes if _column(row, "action") == "document.import"]
    assert sorted(_column(row, "document_id") for row in imports) == sorted(texts)
    label_saves = [row for row in changes if _column(row, "action") == "label.save"]
    assert len(label_saves) == len(report.created_labels)
    assert len(changes) == len(imports) + len(label_saves), changes
    for table, rows in new.items():
        assert rows == [], f"the import changed table {table}: {rows[:3]}"
    for table, rows in before.items():
        assert table in after and all(row in after[table] for row in rows), table


def count_inputs(paths: list[Path], fmt: str, **options: str | None) -> tuple[int, int]:
    """(records, errors) the readers yield for ``paths``: each record must end up imported,
    a duplicate or rejected, and each error rejected — nothing vanishes."""
    files, _ = collect_files(paths, fmt)
    records = errors = 0
    for item in read_records(files, options.get("encoding")):
        if isinstance(item, SourceError):
            errors += 1
        elif not isinstance(item, SourceNote):
            records += 1
    return records, errors


class Hang(Exception):
    """An import that ran past its time limit."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the code inside after ``seconds`` (a hang fails instead of blocking)."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
