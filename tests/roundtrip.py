"""Shared round-trip machinery for the format tests: Arabic documents, real projects.

Every format test builds a real project from generated documents, exports it through
the real exporter, imports the output into a second, fresh project through the real
importer, and compares what the two projects hold.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from app.core.exporting import ExportReport, export
from app.core.importing import ImportReport, import_paths
from app.core.labels import default_labels
from app.formats.base import ExportOptions
from storage import open_project

LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهويةءأإآى"
HARAKAT = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652"
LABELS = ("ACTOR", "LOCATION", "CASUALTY_COUNT", "DATE")
EMOJI = ("😢", "📍", "👍🏽", "\U0001d400")

word = st.one_of(
    st.text(alphabet=LETTERS, min_size=1, max_size=6),
    st.builds(
        lambda a, m, b: a + m + b,
        st.sampled_from(LETTERS),
        st.sampled_from(HARAKAT),
        st.text(alphabet=LETTERS, max_size=3),
    ),
    st.sampled_from(EMOJI),
    st.text(alphabet="0123456789", min_size=1, max_size=3),
    st.sampled_from(["٢٠٢٤", "١٥", "abc", "Gaza"]),
)
gap = st.sampled_from([" ", " ", " ", "، ", " «", "» ", ". ", "\n", "؟ "])


@dataclass(frozen=True)
class Doc:
    id: str
    text: str
    spans: tuple[tuple[int, int, str], ...] = ()  # (start, end, label), code points
    attrs: tuple[dict[str, Any], ...] = field(default=())


@st.composite
def documents(
    draw: st.DrawFn,
    *,
    overlaps: bool = True,
    on_words: bool = False,
    newlines: bool = True,
    max_docs: int = 3,
) -> list[Doc]:
    """Arabic documents (harakat, emoji before and inside spans, digits, punctuation).

    ``on_words``: spans start and end at word edges (for token formats); otherwise any
    code point boundary. ``overlaps=False`` makes spans disjoint.
    """
    docs = []
    for n in range(draw(st.integers(1, max_docs))):
        pieces: list[str] = []
        edges: list[tuple[int, int]] = []  # word [start, end) in code points
        position = 0
        for index in range(draw(st.integers(1, 14))):
            if index:
                separator = draw(gap) if newlines else draw(gap.filter(lambda g: "\n" not in g))
                pieces.append(separator)
                position += len(separator)
            token = draw(word)
            pieces.append(token)
            edges.append((position, position + len(token)))
            position += len(token)
        text = "".join(pieces)
        spans: list[tuple[int, int, str]] = []
        for _ in range(draw(st.integers(0, 4))):
            if on_words:
                first = draw(st.integers(0, len(edges) - 1))
                last = draw(st.integers(first, min(first + 2, len(edges) - 1)))
                start, end = edges[first][0], edges[last][1]
            else:
                start = draw(st.integers(0, len(text) - 1))
                end = draw(st.integers(start + 1, min(len(text), start + 12)))
                # Never split a surrogate-free code point sequence like 👍🏽 from its modifier:
                # a span may start or end between them, which every format must carry.
            label = draw(st.sampled_from(LABELS))
            if not overlaps and any(start < e and s < end for s, e, _ in spans):
                continue
            if (start, end, label) in spans:
                continue
            spans.append((start, end, label))
        if any(doc.text == text for doc in docs):
            # Equal texts are one document to the importer: keep every text distinct
            # (appended at the end, so no offset moves).
            text += f" {n}"
        docs.append(Doc(f"doc-{n}", text, tuple(sorted(spans))))
    return docs


def make_project(folder: Path, docs: list[Doc], annotator: str = "alice") -> Path:
    """A real project file holding ``docs`` with their spans in ``annotator``'s layer."""
    path = folder / "source.tawsim"
    source = folder / "source.jsonl"
    lines = []
    for doc in docs:
        spans = [
            {"start": s, "end": e, "label": label, "annotator": annotator}
            for s, e, label in doc.spans
        ]
        lines.append(
            json.dumps({"id": doc.id, "text": doc.text, "spans": spans}, ensure_ascii=False)
        )
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with open_project(path, create=True, labels=default_labels()) as project:
        project.annotator(annotator)  # the layer exists even when it holds no span
        report = import_paths(project, [source])
        assert report.rejected == [], report.rejected
    return path


@dataclass
class RoundTrip:
    exported: ExportReport
    imported: ImportReport
    out: Path
    project: Path


def export_then_import(
    source: Path,
    fmt: str,
    folder: Path,
    *,
    options: ExportOptions | None = None,
    annotator: str | None = "alice",
    import_format: str | None = None,
    import_annotator: str | None = "alice",
    out_name: str = "out",
) -> RoundTrip:
    """Export ``source`` as ``fmt`` and import the result into a new project."""
    out = folder / out_name
    with open_project(source) as project:
        exported = export(project, fmt, out, annotator=annotator, options=options)
    target = folder / f"{out_name}.tawsim"
    with open_project(target, create=True, labels=default_labels()) as project:
        imported = import_paths(
            project, [out], fmt=import_format or fmt, annotator=import_annotator
        )
    return RoundTrip(exported, imported, out, target)


def spans_by_text(path: Path, annotator: str | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """Each document's text -> its spans as sorted (start, end, label, covered text)."""
    result: dict[str, list[tuple[Any, ...]]] = {}
    with open_project(path) as project:
        for document in project.documents.iterate():
            spans = project.spans.for_document(document.id, annotator)
            result[document.text] = sorted((s.start, s.end, s.label, s.text) for s in spans)
    return result


def expected_spans(docs: list[Doc]) -> dict[str, list[tuple[Any, ...]]]:
    """What ``spans_by_text`` should return for a project made from ``docs``."""
    return {
        doc.text: sorted((s, e, label, doc.text[s:e]) for s, e, label in doc.spans) for doc in docs
    }
