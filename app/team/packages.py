"""Work packages: one project file per annotator, cut from the lead's project.

The chosen documents are shuffled with the seed; the first ``overlap`` fraction of them
(rounded to the nearest whole document) goes to every annotator, so that agreement can be
measured on it, and the rest is dealt out in turn, so shares differ by one document at
most. The same project, annotators, query and seed always give the same packages.

A package is an ordinary project (it opens in the normal app): the project's label set
and annotating settings (CARRIED_SETTINGS), its documents as exact copies of their rows
(same ids, external ids, text, sha256 and provenance: nothing is canonicalized again)
and, unless told otherwise, what the project
already holds in the annotator's own layer on those documents (pre-annotated spans with
their uuids and timestamps, document statuses, comments), so the annotator starts from
it and the merge recognizes it. Other layers stay home. ``project_meta`` says whose
package it is and where it came from (app.team.meta); the project logs each package.

Every package is written to a temporary name and renamed into place only when all of
them are complete, so a failure or a cancel leaves no package behind; an existing file
is never overwritten (it may hold an annotator's work).
"""

from __future__ import annotations

import json
import math
import os
import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.team import meta
from app.team.query import select_documents
from storage import Project, ProjectError, open_project
from storage.clock import now
from storage.spans import SPAN_COLUMNS
from storage.transfer import chunks, document_rows, insert_document_rows, last_change, marks

# progress(done, total) -> False to cancel
Progress = Callable[[int, int], bool]
SUFFIX = ".tawsim"
CHUNK = 500
# Project settings an annotator works under, carried into packages as the lead set them
# (a whitelist: other project_meta keys are bookkeeping of the lead's file).
CARRIED_SETTINGS = ("strip_proclitics",)
# Characters no file name may hold on some system an annotator might use.
_UNSAFE = set('/\\:*?"<>|')


class PackagingCancelled(Exception):
    """The user cancelled: no package was written."""


@dataclass(frozen=True)
class Assignment:
    """Who gets which documents: ``shared`` go to everyone, ``own`` to one each."""

    shared: tuple[int, ...]
    own: dict[str, tuple[int, ...]]

    def documents_of(self, annotator: str) -> list[int]:
        return sorted(self.shared + self.own[annotator])


def assign(
    document_ids: Sequence[int], annotators: Sequence[str], *, overlap: float, seed: int
) -> Assignment:
    """Deal ``document_ids`` out to ``annotators`` (see the module docstring)."""
    if not 0.0 <= overlap <= 1.0:
        raise ProjectError(f"overlap must be between 0 and 1, not {overlap}")
    if not annotators:
        raise ProjectError("name at least one annotator")
    shuffled = sorted(document_ids)
    random.Random(seed).shuffle(shuffled)
    shared_count = math.floor(overlap * len(shuffled) + 0.5)
    rest = shuffled[shared_count:]
    own = {name: tuple(sorted(rest[i :: len(annotators)])) for i, name in enumerate(annotators)}
    return Assignment(tuple(sorted(shuffled[:shared_count])), own)


@dataclass(frozen=True)
class PackageInfo:
    annotator: str
    path: Path
    documents: int
    spans: int


@dataclass
class PackageReport:
    selected: int = 0
    shared: int = 0
    packages: list[PackageInfo] = field(default_factory=list)

    def lines(self) -> list[str]:
        lines = [
            f"{self.selected} documents, {self.shared} of them shared by every annotator"
            f" ({len(self.packages)} packages)"
        ]
        for package in self.packages:
            lines.append(
                f"{package.annotator}: {package.documents} documents, {package.spans}"
                f" pre-annotated spans -> {package.path}"
            )
        return lines

    def summary(self) -> str:
        return "\n".join(self.lines())


def check_annotator_names(project: Project, names: Sequence[str]) -> list[str]:
    """The names, stripped; ProjectError if one cannot name a person or a file."""
    cleaned = [name.strip() for name in names]
    kinds = {a.name: a.kind for a in project.annotators()}
    seen: set[str] = set()
    for name in cleaned:
        if not name:
            raise ProjectError("an annotator's name is empty")
        if name.startswith(".") or any(c in _UNSAFE or not c.isprintable() for c in name):
            raise ProjectError(
                f'{name!r} cannot be a file name: leave out / \\ : * ? " < > | and a leading .'
            )
        if name.casefold() in seen:  # alice.tawsim and Alice.tawsim are one file on many disks
            raise ProjectError(f"annotator {name!r} is named twice")
        if kinds.get(name, "human") != "human":
            raise ProjectError(f"{name!r} is the project's {kinds[name]} layer, not an annotator")
        seen.add(name.casefold())
    return cleaned


def create_packages(
    project: Project,
    annotators: Sequence[str],
    out_dir: str | Path,
    *,
    overlap: float = 0.2,
    query: str = "",
    seed: int = 0,
    with_spans: bool = True,
    by: str = "lead",
    progress: Progress | None = None,
) -> PackageReport:
    """Write ``out_dir/<annotator>.tawsim`` for every annotator (module docstring)."""
    names = check_annotator_names(project, annotators)
    chosen = select_documents(project, query)
    if not chosen:
        raise ProjectError("the documents query chose no documents: no packages written")
    assignment = assign(chosen, names, overlap=overlap, seed=seed)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ProjectError(f"{out}: is a file; packages go into a folder")
    targets = {name: out / f"{name}{SUFFIX}" for name in names}
    taken = [str(path) for path in targets.values() if path.exists()]
    if taken:
        raise ProjectError(
            f"{', '.join(taken)}: already there (it may hold an annotator's work); choose"
            " another folder or move it away. No package was written."
        )
    out.mkdir(parents=True, exist_ok=True)
    source = _Source(project, overlap=overlap, query=query, seed=seed)
    report = PackageReport(selected=len(chosen), shared=len(assignment.shared))
    total = sum(len(assignment.documents_of(name)) for name in names)
    partial: dict[str, Path] = {}
    done = 0
    try:
        for name in names:
            documents = assignment.documents_of(name)
            partial[name] = out / f".{name}{SUFFIX}.partial"
            spans = source.write(partial[name], name, documents, with_spans, progress, done, total)
            done += len(documents)
            report.packages.append(PackageInfo(name, targets[name], len(documents), spans))
        for name, path in partial.items():
            os.replace(path, targets[name])
    finally:
        for path in partial.values():
            _remove(path)
    _log(project, report, source, by)
    return report


class _Source:
    """The lead's project as packages are cut from it."""

    def __init__(self, project: Project, *, overlap: float, query: str, seed: int) -> None:
        self.project = project
        self.layers = {a.name: a.id for a in project.annotators()}
        self.package_ids: dict[str, str] = {}
        carried = {key: project.setting(key) for key in CARRIED_SETTINGS if project.setting(key)}
        self.meta = {
            **carried,
            meta.PACKAGE_SOURCE_ID: meta.project_id(project),
            meta.PACKAGE_SOURCE_PATH: str(project.path.resolve()) if project.path else "",
            meta.PACKAGE_SOURCE_SEQ: str(last_change(project.conn)),
            meta.PACKAGE_CREATED_AT: now(),
            meta.PACKAGE_SEED: str(seed),
            meta.PACKAGE_OVERLAP: str(overlap),
            meta.PACKAGE_QUERY: query,
        }

    def write(
        self,
        path: Path,
        annotator: str,
        documents: list[int],
        with_spans: bool,
        progress: Progress | None,
        done: int,
        total: int,
    ) -> int:
        """Write one package to ``path``; returns how many spans went with it."""
        _remove(path)
        package_id = str(uuid.uuid4())
        self.package_ids[annotator] = package_id
        values = {**self.meta, meta.PACKAGE_ID: package_id, meta.PACKAGE_ANNOTATOR: annotator}
        layer = self.layers.get(annotator) if with_spans else None
        spans = 0
        with open_project(path, create=True, labels=self.project.labels.all()) as package:
            with package.transaction() as conn:
                conn.executemany(
                    "INSERT INTO project_meta (key, value) VALUES (?, ?)", sorted(values.items())
                )
                target = package.annotator(annotator).id
                for part in chunks(documents, CHUNK):
                    ids = [int(str(i)) for i in part]
                    insert_document_rows(
                        package, document_rows(self.project.conn, ids), keep_ids=True
                    )
                    if layer is not None:
                        spans += self._copy_layer(package, ids, layer, target)
                    done += len(ids)
                    if progress is not None and not progress(done, total):
                        raise PackagingCancelled("packaging cancelled: no package was written")
            package.search.ensure()  # index the titles, which kept their (gappy) ids
        return spans

    def _copy_layer(self, package: Project, ids: list[int], layer: int, target: int) -> int:
        """Copy the annotator's spans, statuses and comments on ``ids``; returns the spans."""
        source, conn = self.project.conn, package.conn
        where = f"annotator_id = ? AND document_id IN ({marks(len(ids))})"
        rows = source.execute(f"SELECT {SPAN_COLUMNS} FROM spans WHERE {where}", (layer, *ids))
        spans = [(r[0], r[1], target, *r[3:]) for r in rows]
        conn.executemany(f"INSERT INTO spans ({SPAN_COLUMNS}) VALUES ({marks(10)})", spans)
        statuses = source.execute(
            f"SELECT document_id, status, updated_at FROM document_status WHERE {where}",
            (layer, *ids),
        )
        conn.executemany(
            "INSERT INTO document_status (document_id, annotator_id, status, updated_at)"
            " VALUES (?, ?, ?, ?)",
            [(d, target, status, at) for d, status, at in statuses],
        )
        comments = source.execute(
            f"SELECT document_id, span_uuid, body, created_at FROM comments WHERE {where}"
            " ORDER BY id",
            (layer, *ids),
        )
        conn.executemany(
            "INSERT INTO comments (document_id, annotator_id, span_uuid, body, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [(d, target, span, body, at) for d, span, body, at in comments],
        )
        return len(spans)


def _log(project: Project, report: PackageReport, source: _Source, by: str) -> None:
    """One change-log entry per package in the lead's project."""
    entries = []
    for package in report.packages:
        after = {
            "annotator": package.annotator,
            "package_id": source.package_ids[package.annotator],
            "file": str(package.path),
            "documents": package.documents,
            "shared": report.shared,
            "spans": package.spans,
            "seed": source.meta[meta.PACKAGE_SEED],
            "overlap": source.meta[meta.PACKAGE_OVERLAP],
            "query": source.meta[meta.PACKAGE_QUERY],
        }
        entries.append(
            (by, "package.create", None, None, None, json.dumps(after, ensure_ascii=False))
        )
    with project.transaction():
        project.log_changes(entries)


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
