"""Import documents (and their spans) into a project, keeping the good and naming the bad.

Each record is checked completely before anything is written, then stored inside a
SAVEPOINT, so a bad record never leaves a trace. Records are committed in chunks: a
cancelled or killed import keeps every chunk it finished and nothing of the one it was in.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from app.formats.csv_table import read_csv
from app.formats.native_jsonl import DOCUMENT_FIELDS, read_jsonl
from app.formats.plain_text import read_txt
from app.formats.records import SourceError, SourceRecord
from app.text.canonical import Canonical, canonicalize, check_text, sha256
from storage import Project
from storage.clock import now
from storage.documents import NewDocument

FORMATS = ("auto", "txt", "jsonl", "csv")
EXTENSIONS = {".txt": "txt", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".tsv": "csv"}
CHUNK = 500

# progress(done, total) -> False to cancel
Progress = Callable[[int, int], bool]


@dataclass
class ImportReport:
    imported: int = 0
    duplicates: int = 0
    spans: int = 0
    rejected: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cancelled: bool = False

    def summary(self) -> str:
        text = (
            f"imported {self.imported} documents ({self.spans} spans), "
            f"{self.duplicates} duplicates, {len(self.rejected)} rejected"
        )
        return text + (" — cancelled" if self.cancelled else "")


class RecordRejected(Exception):
    pass


@dataclass(frozen=True)
class _Plan:
    """A validated record, ready to write."""

    record: SourceRecord
    canonical: Canonical
    digest: str
    spans: list[dict[str, Any]]


def collect_files(
    paths: Sequence[str | Path], fmt: str
) -> tuple[list[tuple[Path, str, Path]], list[str]]:
    """(file, format, root) for every importable file under ``paths``; plus skip notes."""
    found: list[tuple[Path, str, Path]] = []
    notes: list[str] = []
    for given in paths:
        root = Path(given)
        if root.is_dir():
            # os.walk does not follow symlinked folders, so a link loop cannot trap us.
            for folder, dirs, files in os.walk(root):
                dirs.sort()
                for name in sorted(files):
                    path = Path(folder) / name
                    kind = fmt if fmt != "auto" else EXTENSIONS.get(path.suffix.lower())
                    if kind is None:
                        notes.append(f"{path}: skipped (not .txt, .jsonl or .csv)")
                    else:
                        found.append((path, kind, root))
        elif root.is_file():
            kind = fmt if fmt != "auto" else EXTENSIONS.get(root.suffix.lower())
            if kind is None:
                notes.append(f"{root}: unknown format (use --format txt|jsonl|csv)")
            else:
                found.append((root, kind, root.parent))
        else:
            notes.append(f"{root}: no such file or folder")
    return found, notes


def read_records(
    files: Iterable[tuple[Path, str, Path]], encoding: str | None = None
) -> Iterator[SourceRecord | SourceError]:
    for path, kind, root in files:
        try:
            if kind == "txt":
                external_id = path.relative_to(root).with_suffix("").as_posix()
                yield from read_txt(path, external_id, encoding)
            elif kind == "jsonl":
                yield from read_jsonl(path, encoding)
            else:
                yield from read_csv(path, encoding)
        except OSError as error:
            yield SourceError(str(path), f"cannot read ({error.strerror or error})")


def import_paths(
    project: Project,
    paths: Sequence[str | Path],
    *,
    fmt: str = "auto",
    annotator: str | None = None,
    encoding: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    files, notes = collect_files(paths, fmt)
    report = ImportReport(notes=list(notes))
    missing = [n for n in notes if n.endswith("no such file or folder") or "unknown format" in n]
    report.rejected.extend(missing)
    total = sum(_size(path) for path, _, _ in files)
    Importer(project, report, annotator).run(read_records(files, encoding), total, progress)
    return report


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


class Importer:
    def __init__(self, project: Project, report: ImportReport, annotator: str | None) -> None:
        self.project = project
        self.report = report
        self.annotator = annotator
        self.labels = {label.id for label in project.labels.all()}
        self._annotator_ids: dict[str, int] = {}

    def run(
        self,
        records: Iterable[SourceRecord | SourceError],
        total: int = 0,
        progress: Progress | None = None,
    ) -> None:
        done = 0
        iterator = iter(records)
        while chunk := list(islice(iterator, CHUNK)):
            with self.project.transaction():
                for item in chunk:
                    if isinstance(item, SourceError):
                        self.report.rejected.append(str(item))
                    else:
                        self._import_one(item)
                    done += item.size
                    # Cancelling keeps what is done: each record is whole or absent.
                    if progress is not None and not progress(min(done, total), total):
                        self.report.cancelled = True
                        return

    def _import_one(self, record: SourceRecord) -> None:
        try:
            plan = self._plan(record)
        except RecordRejected as error:
            self.report.rejected.append(f"{record.location}: {error}")
            return
        conn = self.project.conn
        conn.execute("SAVEPOINT record")
        try:
            self._write(plan)
        except Exception as error:
            conn.execute("ROLLBACK TO record")
            conn.execute("RELEASE record")
            self._annotator_ids.clear()  # ids created inside the savepoint are gone
            reason = str(error) if isinstance(error, RecordRejected) else f"cannot store ({error})"
            self.report.rejected.append(f"{record.location}: {reason}")
            return
        conn.execute("RELEASE record")

    def _plan(self, record: SourceRecord) -> _Plan:
        problem = check_text(record.text)
        if problem:
            raise RecordRejected(problem)
        canonical = canonicalize(record.text)
        spans = [self._span(record, canonical, i, raw) for i, raw in enumerate(record.spans)]
        return _Plan(record, canonical, sha256(canonical.text), spans)

    def _span(
        self, record: SourceRecord, canonical: Canonical, index: int, raw: Any
    ) -> dict[str, Any]:
        where = f"span {index + 1}"
        if not isinstance(raw, dict):
            raise RecordRejected(f"{where}: must be an object")
        start, end = raw.get("start"), raw.get("end")
        if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool):
            raise RecordRejected(f"{where}: start and end must be integers")
        if not 0 <= start < end <= len(record.text):
            problem = "reversed or empty" if start >= end else "out of range"
            raise RecordRejected(
                f"{where}: [{start}, {end}) is {problem} (text length {len(record.text)})"
            )
        label = raw.get("label")
        if not isinstance(label, str) or label not in self.labels:
            raise RecordRejected(f"{where}: unknown label {label!r}")
        given = raw.get("text")
        if given is not None and given != record.text[start:end]:
            raise RecordRejected(
                f"{where}: text {given!r} disagrees with the document's "
                f"{record.text[start:end]!r} at [{start}, {end})"
            )
        annotator = raw.get("annotator") or self.annotator
        if not isinstance(annotator, str) or not annotator.strip():
            raise RecordRejected(f"{where}: no annotator (give one with --annotator)")
        attrs = raw.get("attrs", {})
        if not isinstance(attrs, dict):
            raise RecordRejected(f"{where}: attrs must be an object")
        c_start, c_end = canonical.map_offset(start), canonical.map_offset(end)
        if c_start >= c_end:
            raise RecordRejected(f"{where}: covers only a removed character")
        return {
            "start": c_start,
            "end": c_end,
            "label": label,
            "annotator": annotator.strip(),
            "text": canonical.text[c_start:c_end],
            "attrs": attrs,
        }

    def _write(self, plan: _Plan) -> None:
        project = self.project
        record = plan.record
        existing = project.documents.id_by_sha256(plan.digest)
        if existing is not None:
            self.report.duplicates += 1
            self.report.notes.append(f"{record.location}: duplicate of a document already here")
            self.report.spans += self._add_spans(existing, plan.spans, only_new=True)
            return
        if project.documents.id_by_external_id(record.external_id) is not None:
            raise RecordRejected(
                f"id {record.external_id!r} is already used by a document with other text"
            )
        meta = {k: v for k, v in record.meta.items() if k not in DOCUMENT_FIELDS}
        fields = {k: _text_field(record.meta.get(k)) for k in DOCUMENT_FIELDS}
        notes = list(plan.canonical.notes)
        for note in notes:
            self.report.notes.append(f"{record.location}: {note}")
        document_id = project.documents.add(
            NewDocument(
                external_id=record.external_id,
                text=plan.canonical.text,
                sha256=plan.digest,
                meta=meta,
                import_file=record.location,
                import_encoding=record.encoding,
                import_notes="; ".join(notes),
                **fields,
            ),
            imported_at=now(),
        )
        added = self._add_spans(document_id, plan.spans, only_new=False)
        project.log_change(
            by=self.annotator or "import",
            action="document.import",
            document_id=document_id,
            after={"external_id": record.external_id, "sha256": plan.digest, "spans": added},
        )
        self.report.imported += 1
        self.report.spans += added

    def _add_spans(self, document_id: int, spans: list[dict[str, Any]], *, only_new: bool) -> int:
        if not spans:
            return 0
        conn = self.project.conn
        existing: set[tuple[str, int, int, str]] = set()
        if only_new:
            existing = {
                (s.annotator, s.start, s.end, s.label)
                for s in self.project.spans.for_document(document_id)
            }
        stamp = now()
        rows = []
        for span in spans:
            key = (span["annotator"], span["start"], span["end"], span["label"])
            if key in existing:
                continue
            existing.add(key)
            annotator_id = self._annotator_id(span["annotator"])
            rows.append(
                (
                    str(uuid.uuid4()),
                    document_id,
                    annotator_id,
                    span["start"],
                    span["end"],
                    span["label"],
                    span["text"],
                    json.dumps(span["attrs"], ensure_ascii=False, sort_keys=True),
                    stamp,
                    stamp,
                )
            )
        conn.executemany(
            'INSERT INTO spans (uuid, document_id, annotator_id, start, "end", label, text,'
            " attrs, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        return len(rows)

    def _annotator_id(self, name: str) -> int:
        if name not in self._annotator_ids:
            self._annotator_ids[name] = self.project.annotator(name).id
        return self._annotator_ids[name]


def _text_field(value: Any) -> str:
    return "" if value is None else str(value)
