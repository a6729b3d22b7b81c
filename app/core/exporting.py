"""Export a project's layers as native JSONL (other formats join in app.formats)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.formats.atomic import atomic_text_writer
from app.formats.native_jsonl import document_record, write_record
from storage import Project, ProjectError


@dataclass(frozen=True)
class ExportReport:
    documents: int
    spans: int
    path: Path


def export_jsonl(
    project: Project, out: str | Path, *, annotator: str | None = None
) -> ExportReport:
    """Every document with the spans of one layer (``annotator``) or of all layers."""
    if annotator is not None and annotator not in {a.name for a in project.annotators()}:
        raise ProjectError(f"no annotator called {annotator!r} in this project")
    documents = spans = 0
    with atomic_text_writer(out) as stream:
        for document_id in project.documents.ids():
            document = project.documents.get(document_id)
            if document is None:  # pragma: no cover - ids() just listed it
                continue
            layer = project.spans.for_document(document_id, annotator)
            write_record(stream, document_record(document, layer))
            documents += 1
            spans += len(layer)
    return ExportReport(documents=documents, spans=spans, path=Path(out))
