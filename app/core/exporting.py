"""Export a project's layers in any registered format.

One code path for every format: choose the layers (one annotator, the gold layer, or
all), stream documents and their spans with two queries, hand them to the format's
writer, and report what the format could not hold — on screen and in a report file
beside the output. A format that cannot name annotators gets one output per layer.
A big project's JSONL and CoNLL outputs are written in parts by worker processes, one
range of documents each, with the same functions (:mod:`app.core.export_workers`).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import TextIO

from app.core import export_workers
from app.formats.atomic import atomic_directory, atomic_text_writer
from app.formats.base import ExportItem, ExportOptions, Format, Omissions
from app.formats.conll import LAYERED_WRITERS, SCHEMES, LayeredItem, write_layers
from app.formats.native_jsonl import write_jsonl_lines
from app.formats.registry import FORMATS, LAYER_MANIFEST
from storage import Annotator, Document, Project, ProjectError, Span
from storage.export_reads import spans_for_export

# progress(done, total) -> False to cancel
Progress = Callable[[int, int], bool]

ALL_LAYERS = None
# The order every writer is handed a document's spans in.
_BY_POSITION = attrgetter("start", "end", "label", "annotator")


class ExportCancelled(Exception):
    """Raised through the writer so that its temporary output is thrown away."""


@dataclass
class ExportReport:
    documents: int = 0
    spans: int = 0
    path: Path = Path()
    omitted: list[str] = field(default_factory=list)
    report_path: Path | None = None

    def summary(self) -> str:
        text = f"exported {self.documents} documents, {self.spans} spans to {self.path}"
        if self.omitted:
            text += f"; {len(self.omitted)} things the format cannot hold were left out"
            text += f" (listed in {self.report_path})"
        return text


@dataclass(frozen=True)
class SplitJob:
    """An export whose every output is the concatenation of its documents' chunks, in id
    order (JSONL; CoNLL and BIOES, one output per layer): it can be written in parts by
    ranges of documents, in worker processes (app.core.export_workers), and joined."""

    fmt: str
    layers: tuple[Annotator, ...]
    only_done: bool
    tab: bool


def export(
    project: Project,
    fmt: str,
    out: str | Path,
    *,
    annotator: str | None = ALL_LAYERS,
    gold: bool = False,
    only_done: bool = False,
    options: ExportOptions | None = None,
    progress: Progress | None = None,
) -> ExportReport:
    """Write the chosen layers of every (or every done) document to ``out``."""
    chosen = FORMATS.get(fmt)
    if chosen is None or chosen.write is None:
        raise ProjectError(f"cannot export to {fmt!r}")
    layers = _layers(project, annotator, gold)
    base = options or ExportOptions()
    base = ExportOptions(
        labels=tuple(project.labels.all()),
        tab=base.tab,
        offsets=base.offsets,
        variant=base.variant,
    )
    target = Path(out)
    report = ExportReport(path=target)
    omissions = Omissions()
    total = project.documents.count()
    job = _split_job(chosen, layers, only_done, base.tab)
    if job is not None and (chosen.multi_layer or len(layers) == 1):
        _write_split(project, job, [target], [omissions], report, progress, total)
    elif chosen.multi_layer or len(layers) <= 1:
        layer_name = layers[0].name if len(layers) == 1 else ""
        items = _items(project, layers, only_done, report, progress, total)
        chosen.write(items, target, _with_layer(base, layer_name), omissions)
    else:
        # One output per layer, inside a folder that appears complete or not at all.
        with atomic_directory(target) as scratch:
            names: dict[str, str] = {}
            layered = LAYERED_WRITERS.get(chosen.name)
            for index, layer in enumerate(layers if layered is None else ()):
                items = _items(
                    project,
                    [layer],
                    only_done,
                    report,
                    _scaled(progress, index, len(layers)),
                    total,
                )
                name = _unique(_safe_name(layer.name), names) + chosen.extension
                names[name] = layer.name
                chosen.write(items, scratch / name, _with_layer(base, layer.name), omissions)
            if layered is not None:
                # One pass over the documents for every layer; each layer's omissions are
                # listed after the previous layer's, as when the layers go one by one.
                outs = []
                for layer in layers:
                    name = _unique(_safe_name(layer.name), names) + chosen.extension
                    names[name] = layer.name
                    outs.append(scratch / name)
                per_layer = [Omissions() for _ in layers]
                if job is not None:
                    _write_split(project, job, outs, per_layer, report, progress, total)
                else:
                    rows = _layered_items(project, layers, only_done, report, progress, total)
                    layered(rows, outs, per_layer, base.tab)
                for omitted in per_layer:
                    omissions.items += omitted.items
            write_layer_manifest(scratch, chosen.name, names)
    report.omitted = omissions.items
    report.report_path = _write_omissions(target, chosen, omissions.items)
    return report


def _split_job(
    chosen: Format, layers: list[Annotator], only_done: bool, tab: bool
) -> SplitJob | None:
    """The job, when ``chosen`` writes its outputs as chunks per document."""
    if chosen.name == "jsonl" or (chosen.name in SCHEMES and layers):
        return SplitJob(chosen.name, tuple(layers), only_done, tab)
    return None


def _write_split(
    project: Project,
    job: SplitJob,
    outs: Sequence[Path],
    omissions: Sequence[Omissions],
    report: ExportReport,
    progress: Progress | None,
    total: int,
) -> None:
    """Write ``job``'s outputs atomically: here, or in parts by worker processes when the
    project is big enough for them to pay (the same bytes either way)."""
    workers = export_workers.worker_count(project, total)
    if workers > 1:
        export_workers.write_in_parts(
            project, job, outs, omissions, report, progress, total, workers
        )
        return
    with contextlib.ExitStack() as files:
        streams = [files.enter_context(atomic_text_writer(out)) for out in outs]
        write_part(project, job, streams, omissions, report, progress, total)


def write_part(
    project: Project,
    job: SplitJob,
    streams: Sequence[TextIO],
    omissions: Sequence[Omissions],
    report: ExportReport,
    progress: Progress | None,
    total: int,
    id_range: tuple[int, int] | None = None,
) -> list[int | None]:
    """The chunks of the documents in ``id_range`` (all by default) into ``streams``, one
    per output. Returns, per output, where in its omissions a note made once per output
    went (None: none), so that outputs joined from parts keep only the first part's."""
    layers = list(job.layers)
    if job.fmt in SCHEMES:
        rows = _layered_items(project, layers, job.only_done, report, progress, total, id_range)
        return write_layers(rows, streams, omissions, job.tab, SCHEMES[job.fmt])
    (stream,) = streams
    write_jsonl_lines(
        _items(project, layers, job.only_done, report, progress, total, id_range), stream
    )
    return [None]


def _with_layer(options: ExportOptions, layer: str) -> ExportOptions:
    return ExportOptions(
        labels=options.labels,
        tab=options.tab,
        offsets=options.offsets,
        variant=options.variant,
        layer=layer,
    )


def _layers(project: Project, annotator: str | None, gold: bool) -> list[Annotator]:
    every = project.annotators()
    if gold:
        chosen = [a for a in every if a.kind == "gold"]
        if not chosen:
            raise ProjectError("this project has no gold layer yet (adjudicate first)")
        return chosen
    if annotator is not None:
        chosen = [a for a in every if a.name == annotator]
        if not chosen:
            raise ProjectError(f"no annotator called {annotator!r} in this project")
        return chosen
    # Every layer, suggestions excluded (they are nobody's annotation).
    chosen = [a for a in every if a.kind != "suggestions"]
    return chosen


def _items(
    project: Project,
    layers: list[Annotator],
    only_done: bool,
    report: ExportReport,
    progress: Progress | None,
    total: int,
    id_range: tuple[int, int] | None = None,
) -> Iterator[ExportItem]:
    """Documents in id order (those in ``id_range``, or all), each with its spans of
    ``layers``: two streaming queries."""
    layer_ids = {a.id for a in layers}
    names = {a.id: a.name for a in layers}
    done = _done_layers(project, layer_ids) if only_done else None
    joined = _documents_with_spans(project, layers, id_range)
    for position, (document, mine) in enumerate(joined, start=1):
        if done is not None:
            finished = done.get(document.id, set())
            if not finished:
                continue
            finished_names = {names[i] for i in finished}
            mine = [s for s in mine if s.annotator in finished_names]
        mine.sort(key=_BY_POSITION)
        report.documents += 1
        report.spans += len(mine)
        yield ExportItem(document, mine)
        if progress is not None and not progress(position, total):
            raise ExportCancelled


def _documents_with_spans(
    project: Project, layers: list[Annotator], id_range: tuple[int, int] | None
) -> Iterator[tuple[Document, list[Span]]]:
    """Each document in id order (of ``id_range``, or all) with its spans of ``layers``,
    unsorted: the documents and the spans are two streaming queries, joined here."""
    spans = spans_for_export(project, layers, id_range)
    pending = next(spans, None)
    for document in project.documents.iterate(id_range=id_range):
        mine: list[Span] = []
        while pending is not None and pending[0] <= document.id:
            if pending[0] == document.id:
                mine = pending[1]
            pending = next(spans, None)
        yield document, mine


def _layered_items(
    project: Project,
    layers: list[Annotator],
    only_done: bool,
    report: ExportReport,
    progress: Progress | None,
    total: int,
    id_range: tuple[int, int] | None = None,
) -> Iterator[LayeredItem]:
    """Documents in id order (those in ``id_range``, or all), each with its spans of every
    layer in ``layers`` (None for a layer that leaves it out: not done), as :func:`_items`
    gives them one layer at a time."""
    done = _done_layers(project, {a.id for a in layers}) if only_done else None
    joined = _documents_with_spans(project, layers, id_range)
    for position, (document, mine) in enumerate(joined, start=1):
        # Sorted together then split: each layer's spans in the order _items gives them.
        mine.sort(key=_BY_POSITION)
        finished = done.get(document.id, set()) if done is not None else None
        per_layer: list[list[Span] | None] = []
        for layer in layers:
            if finished is not None and layer.id not in finished:
                per_layer.append(None)
                continue
            own = [s for s in mine if s.annotator == layer.name]
            report.documents += 1
            report.spans += len(own)
            per_layer.append(own)
        yield document, per_layer
        if progress is not None and not progress(position, total):
            raise ExportCancelled


def _done_layers(project: Project, layer_ids: set[int]) -> dict[int, set[int]]:
    done: dict[int, set[int]] = {}
    for document_id, annotator_id in project.conn.execute(
        "SELECT document_id, annotator_id FROM document_status WHERE status = 'done'"
    ):
        if annotator_id in layer_ids:
            done.setdefault(document_id, set()).add(annotator_id)
    return done


def _scaled(progress: Progress | None, index: int, count: int) -> Progress | None:
    if progress is None:
        return None
    report = progress

    def scaled(done: int, total: int) -> bool:
        return report(index * total + done, count * total)

    return scaled


def _unique(name: str, taken: dict[str, str]) -> str:
    stems = {Path(n).stem.lower() for n in taken}
    candidate, n = name, 2
    while candidate.lower() in stems:  # "Ali" and "ali" on a case-insensitive disk
        candidate, n = f"{name}-{n}", n + 1
    return candidate


def write_layer_manifest(folder: Path, fmt: str, names: dict[str, str]) -> None:
    """Which file or folder holds which annotator's layer, so the folder imports back
    into the same layers (file names are made safe and may differ from the names)."""
    with atomic_text_writer(folder / LAYER_MANIFEST) as stream:
        json.dump({"format": fmt, "layers": names}, stream, ensure_ascii=False, indent=1)
        stream.write("\n")


def _safe_name(name: str) -> str:
    """An annotator's name as a file name: no separators, no leading dot."""
    cleaned = "".join("_" if c in '/\\:*?"<>|\0' else c for c in name).strip().lstrip(".")
    return cleaned or "annotator"


def report_path_for(target: Path) -> Path:
    return target.with_name(target.name + ".omitted.txt")


def _write_omissions(target: Path, chosen: Format, items: list[str]) -> Path | None:
    """List what was left out beside the output; remove a stale list from an earlier run."""
    path = report_path_for(target)
    if not items:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        return None
    with atomic_text_writer(path) as stream:
        stream.write(f"# {chosen.title}: what this export could not hold, per document\n")
        stream.write("".join(f"{line}\n" for line in items))  # one write, not one per line
    return path


def export_jsonl(
    project: Project, out: str | Path, *, annotator: str | None = None
) -> ExportReport:
    """Every document with the spans of one layer (``annotator``) or of all layers."""
    return export(project, "jsonl", out, annotator=annotator)


__all__ = [
    "ExportCancelled",
    "ExportReport",
    "SplitJob",
    "export",
    "export_jsonl",
    "report_path_for",
    "write_part",
]
