"""Annotate all occurrences: tag every other place a span's text occurs, in one action.

Occurrences are found as :mod:`app.core.search` finds them (folded, proclitics optional,
whole words), so tagging 'دير الزور' offers 'بدير الزور' (the hit covering 'دير الزور') and
'دَير الزور'. A place is left out when this annotator already has a span overlapping it,
whatever its label: the annotator decided something there and the bulk action must not
pile a second span on it. That also makes the action idempotent: a second run finds
nothing left to tag.

The plan is computed first (the UI shows the count per document as a preview), then
applied in one transaction; the created spans are returned so the undo command can delete
exactly them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any, Literal

from app.core.search import compile_query
from app.text.folding import fold
from storage import Project, Span
from storage.ids import new_ids

Scope = Literal["document", "corpus"]


@dataclass(frozen=True)
class Occurrence:
    document_id: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class AnnotateAllPlan:
    """What "annotate all" would create: the occurrences, with the label and attrs to use."""

    annotator: str
    label: str
    attrs: dict[str, Any]
    query: str
    scope: Scope
    occurrences: tuple[Occurrence, ...] = ()
    per_document: dict[int, int] = field(default_factory=dict)  # for the preview

    @property
    def total(self) -> int:
        return len(self.occurrences)


class _Layer:
    """One annotator's spans in one document, asked "does anything overlap [a, b)?"."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [s for s, _ in ordered]
        # furthest[i]: the largest end among the i spans starting first.
        self._furthest = [0, *accumulate((e for _, e in ordered), max)]

    def overlaps(self, start: int, end: int) -> bool:
        before_end = bisect_left(self._starts, end)  # spans that start before ``end``
        return self._furthest[before_end] > start


def _layer(project: Project, document_id: int, annotator: str) -> _Layer:
    rows = project.conn.execute(
        'SELECT s.start, s."end" FROM spans s JOIN annotators a ON a.id = s.annotator_id'
        " WHERE s.document_id = ? AND a.name = ?",
        (document_id, annotator),
    )
    return _Layer([(int(s), int(e)) for s, e in rows])


def plan_annotate_all(
    project: Project, annotator: str, span: Span, scope: Scope = "document"
) -> AnnotateAllPlan:
    """Every untagged occurrence of ``span``'s text, in its document or the whole corpus."""
    if scope not in ("document", "corpus"):
        raise ValueError(f"scope must be 'document' or 'corpus', not {scope!r}")
    query = compile_query(span.text)
    occurrences: list[Occurrence] = []
    if query is not None:
        if scope == "document":
            rows = project.conn.execute(
                "SELECT id, text FROM documents WHERE id = ?", (span.document_id,)
            )
        else:
            rows = project.conn.execute("SELECT id, text FROM documents ORDER BY id")
        for document_id, text in rows:
            if not query.may_occur(text):
                continue  # most documents: nothing folded, no spans read
            folded = fold(text)
            layer = _layer(project, document_id, annotator)
            for hit_start, hit_end in query.hits(folded.text):
                start, end = folded.original_span(hit_start, hit_end)
                if not layer.overlaps(start, end):
                    occurrences.append(Occurrence(document_id, start, end, text[start:end]))
    counts = Counter(o.document_id for o in occurrences)
    return AnnotateAllPlan(
        annotator=annotator,
        label=span.label,
        attrs=dict(span.attrs),
        query=span.text,
        scope=scope,
        occurrences=tuple(occurrences),
        per_document=dict(sorted(counts.items())),
    )


def apply_annotate_all(
    project: Project, annotator: str, plan: AnnotateAllPlan, by: str
) -> list[Span]:
    """Create the planned spans in one transaction, each logged as a ``span.create``.

    Places tagged since the plan was made (or by applying the same plan twice) are skipped.
    """
    created: list[Span] = []
    layers: dict[int, _Layer] = {}
    with project.transaction():
        ids = iter(new_ids(plan.total))
        for occurrence in plan.occurrences:
            document_id = occurrence.document_id
            if document_id not in layers:
                layers[document_id] = _layer(project, document_id, annotator)
            if layers[document_id].overlaps(occurrence.start, occurrence.end):
                continue
            span = Span(
                uuid=next(ids),
                document_id=document_id,
                annotator=annotator,
                start=occurrence.start,
                end=occurrence.end,
                label=plan.label,
                text=occurrence.text,
                attrs=dict(plan.attrs),
            )
            created.append(project.spans.create(span, by=by))
    return created


def undo_annotate_all(project: Project, spans: Sequence[Span], by: str) -> int:
    """Delete exactly the spans an ``apply_annotate_all`` created, in one transaction.

    A span already deleted meanwhile is skipped; returns how many were deleted.
    """
    deleted = 0
    with project.transaction():
        for span in spans:
            if project.spans.get(span.uuid) is not None:
                project.spans.delete(span.uuid, by=by)
                deleted += 1
    return deleted


def restore_annotate_all(project: Project, spans: Sequence[Span], by: str) -> list[Span]:
    """Bring back, in one transaction, the spans an ``undo_annotate_all`` deleted.

    Each comes back exactly as it was (same uuid and timestamps), so a redo after an undo
    restores the very spans the first apply made; one still present is skipped.
    """
    restored: list[Span] = []
    with project.transaction():
        for span in spans:
            if project.spans.get(span.uuid) is None:
                restored.append(project.spans.create(span, by=by))
    return restored


__all__ = [
    "AnnotateAllPlan",
    "Occurrence",
    "Scope",
    "apply_annotate_all",
    "plan_annotate_all",
    "restore_annotate_all",
    "undo_annotate_all",
]
