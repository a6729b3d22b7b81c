"""Merge annotators' project files (their work packages) back into the project.

``merge_file(project, path)`` takes one file, whole or not at all (one transaction):

1. **Check, writing nothing.** The file must be a Tawsim project; each of its documents is
   matched to the project's by external id, and its text's sha256 (computed again) must
   be the project's. Any document whose text differs, whose text is already in the project
   under another id, or that holds a span outside its text, refuses the whole file, naming
   them (MergeRefused).
2. **Merge, in chunks of documents** (progress(done, total) -> False cancels and takes all
   of it back): documents new to the project are copied row for row; spans (by uuid),
   each layer's document status and comments are merged by the rule of app.team.resolve
   with the two change logs deciding who changed what (app.team.history). Labels the file
   uses that the project lacks are added and reported.
3. **Remember.** The file's change-log entries not merged before are appended to the
   project's (once: the project keeps, per file, how far its log has been taken), then a
   ``package.merge`` entry with the report. Merging the same file again writes nothing.

The file itself is only read.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from app.team import meta
from app.team.history import PackageHistory, ProjectHistory, SeqRanges
from app.team.merge_layers import LayerMerger
from app.team.report import MergeReport
from app.text.canonical import sha256
from storage import Label, Project, ProjectError
from storage.transfer import (
    append_changes,
    document_rows,
    insert_document_rows,
    last_change,
    marks,
    open_for_reading,
    read_meta,
)

# progress(done, total) -> False to cancel
Progress = Callable[[int, int], bool]
CHUNK = 500
_NAMED = 20  # documents named in a refusal, before "and N more"


class MergeRefused(ProjectError):
    """The file cannot be merged; nothing of it was written."""


class MergeCancelled(Exception):
    """The user cancelled; nothing of the file was written."""


def merge_file(
    project: Project, path: str | Path, *, progress: Progress | None = None
) -> MergeReport:
    """Merge one annotator's project file into ``project`` (module docstring)."""
    path = Path(path)
    if project.path is not None and path.exists() and path.resolve() == project.path.resolve():
        raise MergeRefused(f"{path}: is the project itself")
    conn = open_for_reading(path)
    try:
        # One read transaction: every query sees the same state of the file, even if the
        # annotator's app is writing to it meanwhile.
        conn.execute("BEGIN")
        source = PackageFile(conn, path)
        report = MergeReport(path=path, annotator=source.annotator)
        documents = _match_documents(project, source, report)
        with project.transaction():
            _Merge(project, source, documents, report).run(progress)
    finally:
        conn.close()
    return report


class PackageFile:
    """The file being merged, read through its own connection."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self.meta = read_meta(conn)
        self.annotator = self.meta.get(meta.PACKAGE_ANNOTATOR, "")
        # The package's own id; a project that is no package is known by its creation.
        self.identity = self.meta.get(meta.PACKAGE_ID) or (
            f"project:{self.meta.get('created_at', path.name)}"
        )
        self.by = f"merge:{self.annotator or path.stem}"

    def labels(self) -> list[Label]:
        rows = self.conn.execute(
            "SELECT id, name_ar, name_en, color, shortcut, attributes, sort_order FROM labels"
            " ORDER BY sort_order, id"
        )
        return [
            Label(id, name_ar, name_en, color, key, tuple(json.loads(attrs)), order)
            for id, name_ar, name_en, color, key, attrs, order in rows
        ]


def _match_documents(project: Project, source: PackageFile, report: MergeReport) -> dict[int, int]:
    """{file document id: project document id, or 0 for a document new to the project};
    MergeRefused naming every document that cannot be merged."""
    matched: dict[int, int] = {}
    problems: list[str] = []
    cursor = source.conn.execute("SELECT id, external_id, sha256, text FROM documents ORDER BY id")
    while rows := cursor.fetchmany(CHUNK):
        known = _by_external_id(project, [r[1] for r in rows])
        digests = {r[0]: sha256(r[3]) for r in rows}
        same_text = _by_sha256(project, list(digests.values()))
        for file_id, external_id, stored, _ in rows:
            digest = digests[file_id]
            if digest != stored:
                problems.append(f"{external_id} (its text does not match its own sha256)")
            elif external_id in known:
                project_id, project_digest = known[external_id]
                if project_digest != digest:
                    problems.append(f"{external_id} (its text differs from the project's: sha256)")
                matched[file_id] = project_id
            elif digest in same_text:
                other = same_text[digest]
                problems.append(f"{external_id} (its text is the project's document {other})")
            else:
                matched[file_id] = 0
    outside = source.conn.execute(
        "SELECT d.external_id, s.uuid FROM spans s JOIN documents d ON d.id = s.document_id"
        ' WHERE s."end" > d.length ORDER BY d.id'
    ).fetchall()
    problems += [f"{external_id} (span {uuid} runs past its text)" for external_id, uuid in outside]
    if problems:
        named = "; ".join(problems[:_NAMED])
        more = f"; and {len(problems) - _NAMED} more" if len(problems) > _NAMED else ""
        raise MergeRefused(
            f"{source.path}: not merged, nothing was written. Documents that cannot be merged"
            f" ({len(problems)}): {named}{more}"
        )
    report.documents = len(matched)
    return matched


def _by_external_id(project: Project, external_ids: list[str]) -> dict[str, tuple[int, str]]:
    """{external id: (id, sha256)} of the project's documents among ``external_ids``."""
    rows = project.conn.execute(
        "SELECT external_id, id, sha256 FROM documents"
        f" WHERE external_id IN ({marks(len(external_ids))})",
        external_ids,
    )
    return {external_id: (int(id), str(digest)) for external_id, id, digest in rows}


def _by_sha256(project: Project, digests: list[str]) -> dict[str, str]:
    """{sha256: external id} of the project's documents among ``digests``."""
    rows = project.conn.execute(
        f"SELECT sha256, external_id FROM documents WHERE sha256 IN ({marks(len(digests))})",
        digests,
    )
    return {str(digest): str(external_id) for digest, external_id in rows}


class _Merge:
    def __init__(
        self, project: Project, source: PackageFile, documents: dict[int, int], report: MergeReport
    ) -> None:
        self.project = project
        self.source = source
        self.documents = documents
        self.report = report
        self.key = meta.MERGED_PREFIX + source.identity
        stored = project.setting(self.key)
        self.mark = meta.MergeMark.decode(stored) if stored else self._first_mark()
        self.first = last_change(project.conn) + 1

    def _first_mark(self) -> meta.MergeMark:
        """Before a file's first merge: a package of this project counts the project's
        changes from its making; any other file from the project's beginning."""
        came_from = self.source.meta.get(meta.PACKAGE_SOURCE_ID, "")
        if came_from and came_from == self.project.setting(meta.PROJECT_ID):
            return meta.MergeMark(0, int(self.source.meta.get(meta.PACKAGE_SOURCE_SEQ, "0")))
        self.report.notes.append(
            "not a work package of this project: its documents were matched by external id"
            " and every span or status changed on both sides counts as a conflict"
        )
        return meta.MergeMark(0, 0)

    def _ignored(self) -> SeqRanges:
        """The project's entries that are no changes of its own (app.team.history)."""
        ranges: list[tuple[int, int]] = [(a, c) for a, _, c in self.mark.merges]
        for key, value in self.project.conn.execute(
            "SELECT key, value FROM project_meta WHERE key LIKE 'merged.%'"
        ):
            if key != self.key:
                ranges += [(b, c) for _, b, c in meta.MergeMark.decode(value).merges]
        return SeqRanges(ranges)

    def run(self, progress: Progress | None) -> None:
        source, report = self.source, self.report
        self._add_labels()
        layers = LayerMerger(
            self.project,
            source,
            self.documents,
            report,
            PackageHistory(source.conn, self.mark.package_seq),
            ProjectHistory(self.project.conn, self.mark.source_seq, self._ignored()),
        )
        file_ids = sorted(self.documents)
        for at in range(0, len(file_ids), CHUNK):
            part = file_ids[at : at + CHUNK]
            self._add_documents(part)
            layers.merge(part)
            if progress is not None and not progress(at + len(part), len(file_ids)):
                raise MergeCancelled(f"merge of {source.path} cancelled: nothing was written")
        layers.ids_settled()
        copies = self._copies(layers)
        report.changes = len(copies)
        if not report.changed:
            return  # a file merged before, unchanged since: not one row is written
        self.project.log_change(by=source.by, action="package.merge", after=report.as_log())
        first_copy = last_change(self.project.conn) + 1
        append_changes(self.project, copies)
        last = last_change(self.project.conn)
        mark = meta.MergeMark(
            package_seq=last_change(source.conn),
            source_seq=self.mark.source_seq,
            merges=(*self.mark.merges, (self.first, first_copy, last)),
        )
        self.project.set_setting(self.key, mark.encode(file=str(source.path)))

    def _add_labels(self) -> None:
        have = {label.id: label for label in self.project.labels.all()}
        for label in self.source.labels():
            if label.id not in have:
                self.project.labels.save(label, by=self.source.by)
                self.report.labels_added.append(label.id)
            elif have[label.id] != label:
                self.report.notes.append(
                    f"label {label.id} is defined differently in the file; the project's kept"
                )

    def _add_documents(self, file_ids: list[int]) -> None:
        new = [i for i in file_ids if not self.documents[i]]
        if not new:
            return
        rows = document_rows(self.source.conn, new)
        ids = insert_document_rows(self.project, rows, keep_ids=False)
        entries = []
        for file_id, project_id, row in zip(new, ids, rows, strict=True):
            self.documents[file_id] = project_id
            after = {"external_id": row[1], "sha256": row[8], "merged_from": str(self.source.path)}
            entries.append(
                (self.source.by, "document.import", project_id, None, None, json.dumps(after))
            )
        self.project.log_changes(entries)
        self.report.documents_added += len(new)

    def _copies(self, layers: LayerMerger) -> list[tuple[object, ...]]:
        """The file's entries after the last merge of it, ids translated to the project's."""
        rows = self.source.conn.execute(
            "SELECT at, annotator, action, document_id, span_uuid, before, after FROM changes"
            " WHERE seq > ? ORDER BY seq",
            (self.mark.package_seq,),
        )
        return [
            (
                at,
                annotator,
                action,
                None if document is None else self.documents.get(document),
                span,
                layers.translate(before),
                layers.translate(after),
            )
            for at, annotator, action, document, span, before, after in rows
        ]
