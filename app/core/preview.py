"""What an import would do, found by reading and checking everything and writing nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.core.importing import (
    Importer,
    ImportReport,
    Progress,
    RecordRejected,
    collect_files,
    is_refusal,
    read_records,
)
from app.formats.records import SourceError, SourceNote
from storage import Project


@dataclass
class ImportPreview:
    files: dict[str, int] = field(default_factory=dict)  # format -> number of files
    documents: int = 0  # new documents
    duplicates: int = 0  # already in the project (their spans would be merged)
    spans_per_label: Counter[str] = field(default_factory=Counter)
    layers: Counter[str] = field(default_factory=Counter)  # annotator -> spans
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unknown_labels: set[str] = field(default_factory=set)
    cancelled: bool = False

    @property
    def spans(self) -> int:
        return sum(self.spans_per_label.values())


def preview_import(
    project: Project,
    paths: Sequence[str | Path],
    *,
    fmt: str = "auto",
    annotator: str | None = None,
    encoding: str | None = None,
    create_labels: bool = False,
    suggestions: bool = False,
    progress: Progress | None = None,
) -> ImportPreview:
    """Run every check the import runs, on every record, without touching the project."""
    files, notes = collect_files(paths, fmt)
    preview = ImportPreview(notes=list(notes))
    for source in files:
        preview.files[source.format] = preview.files.get(source.format, 0) + 1
    report = ImportReport()
    checker = Importer(
        project, report, annotator, create_labels=create_labels, suggestions=suggestions
    )
    seen: set[str] = set()
    total = max(1, len(files))
    done_files: set[Path] = set()
    for item in read_records(files, encoding):
        if isinstance(item, SourceError):
            preview.problems.append(str(item))
            continue
        if isinstance(item, SourceNote):
            preview.notes.append(str(item))
            continue
        try:
            plan = checker.plan(item)
        except RecordRejected as error:
            preview.problems.append(f"{error.location or item.location}: {error}")
            continue
        if plan.digest in seen or project.documents.id_by_sha256(plan.digest) is not None:
            preview.duplicates += 1
        else:
            preview.documents += 1
        seen.add(plan.digest)
        for span in plan.spans:
            preview.spans_per_label[span["label"]] += 1
            preview.layers[span["annotator"]] += 1
        done_files.add(Path(item.location.rsplit(":", 1)[0]))
        if progress is not None and not progress(min(len(done_files), total), total):
            preview.cancelled = True
            break
    preview.unknown_labels = report.unknown_labels
    preview.problems[:0] = [n for n in notes if is_refusal(n)]
    return preview
