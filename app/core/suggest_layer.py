"""`tawsim suggest`: every document's suggestions written as a layer, to measure them.

The layer (default ``suggestions``, annotator kind "suggestions") is replaced whole: in
each chunk of documents one transaction deletes the layer's earlier spans there and writes
the new ones, every deletion and creation logged in the change log as ``span.delete`` /
``span.create`` like any edit. A cancelled or killed run leaves every chunk either as it
was or fully replaced. Running it twice gives the same spans (new uuids).

The gazetteer comes from every *other* layer's ACTOR/LOCATION spans: the layer's own
earlier output never feeds back into it. A human or gold layer of the same name is refused,
never overwritten.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.assist.gazetteer import Gazetteer
from app.assist.suggest import ALL_SOURCES, GAZETTEER, suggest_document
from storage.clock import now
from storage.errors import ProjectError
from storage.ids import new_ids
from storage.project import ChangeEntry
from storage.records import Annotator, Span
from storage.spans import span_payload, span_row

if TYPE_CHECKING:
    from storage import Project

Progress = Callable[[int, int], bool]  # progress(done, total) -> False to cancel
DEFAULT_LAYER = "suggestions"
KIND = "suggestions"
CHUNK = 200  # documents per transaction

_SPAN_SELECT = (
    'SELECT uuid, document_id, start, "end", label, text, attrs, created_at, updated_at'
    " FROM spans WHERE annotator_id = ? AND document_id IN ({marks})"
)


@dataclass
class SuggestReport:
    layer: str
    documents: int = 0
    written: int = 0
    replaced: int = 0  # earlier spans of the layer deleted
    cancelled: bool = False
    by_source: Counter[str] = field(default_factory=Counter)
    by_label: Counter[str] = field(default_factory=Counter)

    def lines(self) -> list[str]:
        state = "cancelled after" if self.cancelled else "done:"
        lines = [
            f"suggest {state} {self.documents} documents, {self.written} suggestions written"
            f" to layer {self.layer!r} ({self.replaced} earlier ones replaced)"
        ]
        lines += [f"  {source}: {count}" for source, count in sorted(self.by_source.items())]
        lines += [f"  {label}: {count}" for label, count in sorted(self.by_label.items())]
        return lines


def write_suggestion_layer(
    project: Project,
    layer: str = DEFAULT_LAYER,
    sources: Collection[str] = ALL_SOURCES,
    progress: Progress | None = None,
    by: str | None = None,
) -> SuggestReport:
    """Replace ``layer`` with the suggestions of every document (see module doc)."""
    unknown = set(sources) - set(ALL_SOURCES)
    if unknown:
        raise ProjectError(f"unknown suggestion sources: {', '.join(sorted(unknown))}")
    target = _target_layer(project, layer)
    others = [a.name for a in project.annotators() if a.id != target.id]
    gazetteer = Gazetteer.from_project(project, others) if GAZETTEER in sources else None
    author = by or target.name
    report = SuggestReport(layer=target.name)
    ids = project.documents.ids()
    total = len(ids)
    if progress is not None and not progress(0, total):
        report.cancelled = True
        return report
    for chunk in _chunks(ids, CHUNK):
        with project.transaction():
            entries: list[ChangeEntry] = []
            report.replaced += _delete_layer(
                project, target.id, target.name, chunk, author, entries
            )
            rows = []
            stamp = now()
            for document in project.documents.iterate(chunk):
                found = suggest_document(document.text, document.published, gazetteer, sources)
                uuids = iter(new_ids(len(found)))
                for suggestion in found:
                    span = Span(
                        uuid=next(uuids),
                        document_id=document.id,
                        annotator=target.name,
                        start=suggestion.start,
                        end=suggestion.end,
                        label=suggestion.label,
                        text=document.text[suggestion.start : suggestion.end],
                        attrs=dict(suggestion.attrs),
                        created_at=stamp,
                        updated_at=stamp,
                    )
                    rows.append(span_row(span, target.id))
                    entries.append(_entry(author, "span.create", span, after=True))
                    report.by_source[suggestion.source] += 1
                    report.by_label[suggestion.label] += 1
                report.written += len(found)
            project.spans.add_rows(rows)
            project.log_changes(entries)
        report.documents += len(chunk)
        if progress is not None and not progress(report.documents, total):
            report.cancelled = report.documents < total
            break
    return report


def _target_layer(project: Project, name: str) -> Annotator:
    name = name.strip()
    if not name:
        raise ProjectError("the suggestions layer needs a name")
    existing = next((a for a in project.annotators() if a.name == name), None)
    if existing is not None and existing.kind != KIND:
        raise ProjectError(
            f"{project.path}: layer {name!r} is a {existing.kind} layer, not a suggestions"
            " layer; choose another name with --layer (nothing was changed)"
        )
    return existing or project.annotator(name, kind=KIND)


def _delete_layer(
    project: Project,
    annotator_id: int,
    annotator: str,
    document_ids: Sequence[int],
    by: str,
    entries: list[ChangeEntry],
) -> int:
    """Delete the layer's spans in these documents, logging each; returns how many."""
    marks = ", ".join("?" * len(document_ids))
    rows = project.conn.execute(
        _SPAN_SELECT.format(marks=marks), (annotator_id, *document_ids)
    ).fetchall()
    for uuid, document_id, start, end, label, text, attrs, created, updated in rows:
        attrs_dict = json.loads(attrs)
        span = Span(
            uuid, document_id, annotator, start, end, label, text, attrs_dict, created, updated
        )
        entries.append(_entry(by, "span.delete", span, after=False))
    project.conn.execute(
        f"DELETE FROM spans WHERE annotator_id = ? AND document_id IN ({marks})",
        (annotator_id, *document_ids),
    )
    return len(rows)


def _entry(by: str, action: str, span: Span, *, after: bool) -> ChangeEntry:
    payload = json.dumps(span_payload(span), ensure_ascii=False)
    before, logged_after = (None, payload) if after else (payload, None)
    return (by, action, span.document_id, span.uuid, before, logged_after)


def _chunks(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for first in range(0, len(ids), size):
        yield ids[first : first + size]


__all__ = ["DEFAULT_LAYER", "SuggestReport", "write_suggestion_layer"]
