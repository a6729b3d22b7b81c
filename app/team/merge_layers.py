"""The layers of one chunk of documents merged: spans by uuid, statuses, comments.

Every change the merge makes in the project is logged like an edit there (``span.create``,
``span.update``, ``span.delete``, ``status.set``, by ``merge:<annotator>``); every
conflict adds a ``merge.conflict`` entry holding the losing version (``before``) and the
winning one (``after``), so the log keeps what did not win.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from app.team.history import PackageHistory, ProjectHistory, Trace
from app.team.report import Conflict, MergeReport
from app.team.resolve import Outcome, Side, resolve
from storage import Project
from storage.project import ChangeEntry
from storage.spans import SPAN_COLUMNS, encode_attrs
from storage.transfer import chunks, marks

if TYPE_CHECKING:
    from app.team.merge import PackageFile

# A span row in SPAN_COLUMNS order: uuid, document_id, annotator_id, start, end, label,
# text, attrs, created_at, updated_at.
Row = tuple[Any, ...]
_UPDATE = (
    'UPDATE spans SET document_id = ?, annotator_id = ?, start = ?, "end" = ?, label = ?,'
    " text = ?, attrs = ?, created_at = ?, updated_at = ? WHERE uuid = ?"
)


def _stored(row: Row | None) -> tuple[Any, ...] | None:
    """A span as stored, but for its timestamps (and uuid)."""
    return None if row is None else row[1:8]


def _content(row: Row | None) -> tuple[Any, ...] | None:
    """What makes two versions of a span the same: all but its timestamps (attributes
    compared as data, whatever spacing or key order their JSON had)."""
    if row is None:
        return None
    attrs = row[7]
    return (*row[1:7], attrs if attrs == "{}" else encode_attrs(json.loads(attrs)))


class LayerMerger:
    def __init__(
        self,
        project: Project,
        source: PackageFile,
        documents: dict[int, int],
        report: MergeReport,
        package_log: PackageHistory,
        project_log: ProjectHistory,
    ) -> None:
        self.project = project
        self.source = source
        self.documents = documents  # file document id -> project document id
        self.report = report
        self.package_log = package_log
        self.project_log = project_log
        self.names = {a.id: a.name for a in project.annotators()}
        # file annotator id -> project annotator id, each layer made here if it is new
        self.layers: dict[int, int] = {}
        for file_id, name, kind in source.conn.execute("SELECT id, name, kind FROM annotators"):
            made = project.annotator(name, kind)
            if made.kind != kind:
                report.notes.append(f"{name} is a {kind} layer in the file, {made.kind} here")
            self.layers[file_id] = made.id
            self.names[made.id] = made.name
        self.external_ids: dict[int, str] = {}
        self.entries: list[ChangeEntry] = []
        # Whether the file's ids are the project's (a package: documents keep their ids),
        # known once every document is in the project (set by the caller).
        self._same_ids = False
        # A chunk's span writes, made together: (uuid,), rows, and _UPDATE parameters.
        self._deleted: list[tuple[str]] = []
        self._added: list[Row] = []
        self._updated: list[Row] = []

    def merge(self, file_ids: list[int]) -> None:
        """Merge the layers on the file's documents ``file_ids`` (already in the project)."""
        self.external_ids = dict(
            self.project.conn.execute(
                f"SELECT id, external_id FROM documents WHERE id IN ({marks(len(file_ids))})",
                [self.documents[i] for i in file_ids],
            ).fetchall()
        )
        self.entries = []
        self._spans(file_ids)
        self._statuses(file_ids)
        self._comments(file_ids)
        self.project.log_changes(self.entries)

    def ids_settled(self) -> None:
        """Every document of the file is in the project: note whether ids need changing."""
        self._same_ids = all(k == v for k, v in self.documents.items()) and all(
            k == v for k, v in self.layers.items()
        )

    def translate(self, payload: str | None) -> str | None:
        """A copied log entry's JSON with the file's document and annotator ids made the
        project's, so the project's log speaks of its own rows throughout."""
        if payload is None or self._same_ids or '_id"' not in payload:
            return payload
        values = json.loads(payload)
        if not isinstance(values, dict):
            return payload
        if isinstance(values.get("document_id"), int):
            values["document_id"] = self.documents.get(values["document_id"])
        if isinstance(values.get("annotator_id"), int):
            values["annotator_id"] = self.layers.get(values["annotator_id"])
        return json.dumps(values, ensure_ascii=False)

    # -- spans ----------------------------------------------------------------------------
    def _spans(self, file_ids: list[int]) -> None:
        rows = self.source.conn.execute(
            f"SELECT {SPAN_COLUMNS} FROM spans WHERE document_id IN ({marks(len(file_ids))})",
            file_ids,
        )
        theirs: dict[str, Row | None] = {row[0]: self._mapped(row) for row in rows}
        for uuid in self.package_log.deleted_in(file_ids):
            theirs.setdefault(uuid, None)
        here: dict[str, Row] = {}
        for part in chunks(list(theirs)):
            rows = self.project.conn.execute(
                f"SELECT {SPAN_COLUMNS} FROM spans WHERE uuid IN ({marks(len(part))})", part
            )
            here.update((row[0], row) for row in rows)
        # Most spans are the same on both sides (timestamps aside): they need no history.
        differing = [
            uuid for uuid, row in theirs.items() if _stored(row) != _stored(here.get(uuid))
        ]
        traces = self.project_log.spans(differing)
        for uuid in differing:
            self._span(uuid, theirs[uuid], here.get(uuid), traces.get(uuid))
        conn = self.project.conn
        conn.executemany("DELETE FROM spans WHERE uuid = ?", self._deleted)
        conn.executemany(f"INSERT INTO spans ({SPAN_COLUMNS}) VALUES ({marks(10)})", self._added)
        conn.executemany(_UPDATE, self._updated)
        self._deleted, self._added, self._updated = [], [], []

    def _mapped(self, row: Row) -> Row:
        """A file's span row with the project's document and annotator ids."""
        return (row[0], self.documents[row[1]], self.layers[row[2]], *row[3:])

    def _span(self, uuid: str, theirs: Row | None, ours: Row | None, trace: Trace | None) -> None:
        file_trace = self.package_log.spans.get(uuid)
        package = Side(
            _content(theirs),
            changed=file_trace is not None,
            at=theirs[9] if theirs else (file_trace.at if file_trace else ""),
        )
        project = Side(
            _content(ours),
            changed=trace is not None,
            at=ours[9] if ours else (trace.at if trace else ""),
        )
        outcome = resolve(package, project)
        if outcome.takes:
            self._apply(uuid, theirs, ours)
        if outcome.conflict:
            self._span_conflict(outcome, theirs, ours, package.at, project.at)

    def _apply(self, uuid: str, theirs: Row | None, ours: Row | None) -> None:
        """Queue the package's version (written once per chunk) and log it."""
        by = self.source.by
        if theirs is None:
            assert ours is not None
            self._deleted.append((uuid,))
            before = self._payload(ours)
            self.entries.append((by, "span.delete", ours[1], uuid, before, None))
            self.report.spans_deleted += 1
        elif ours is None:
            self._added.append(theirs)
            after = self._payload(theirs)
            self.entries.append((by, "span.create", theirs[1], uuid, None, after))
            self.report.spans_added += 1
        else:
            self._updated.append((*theirs[1:], uuid))
            before, after = self._payload(ours), self._payload(theirs)
            self.entries.append((by, "span.update", theirs[1], uuid, before, after))
            self.report.spans_updated += 1

    def _payload(self, row: Row) -> str:
        """The span as the change log records it (storage.spans.span_payload's fields)."""
        payload = {
            "uuid": row[0],
            "document_id": row[1],
            "annotator": self.names[row[2]],
            "start": row[3],
            "end": row[4],
            "label": row[5],
            "text": row[6],
            "attrs": {} if row[7] == "{}" else json.loads(row[7]),
            "created_at": row[8],
            "updated_at": row[9],
        }
        return json.dumps(payload, ensure_ascii=False)

    def _span_conflict(
        self, outcome: Outcome, theirs: Row | None, ours: Row | None, file_at: str, here_at: str
    ) -> None:
        shown = theirs or ours
        assert shown is not None
        if theirs is not None and ours is not None:
            how = "was edited in both"
        elif theirs is None:
            how = "was deleted in the package and edited in the project"
        else:
            how = "was edited in the package and deleted in the project"
        taken = outcome is Outcome.CONFLICT_TAKE
        self.report.conflicts.append(
            Conflict(
                document=self.external_ids.get(shown[1], str(shown[1])),
                item=f"span {shown[5]} «{shown[6]}» ({shown[0]})",
                how=how,
                winner="package" if taken else "project",
                package_at=file_at,
                project_at=here_at,
            )
        )
        package = {"side": "package", "at": file_at, "span": self._loads(theirs)}
        project = {"side": "project", "at": here_at, "span": self._loads(ours)}
        loser, winner = (project, package) if taken else (package, project)
        self.entries.append(
            (
                self.source.by,
                "merge.conflict",
                shown[1],
                shown[0],
                json.dumps(loser, ensure_ascii=False),
                json.dumps(winner, ensure_ascii=False),
            )
        )

    def _loads(self, row: Row | None) -> object:
        return None if row is None else json.loads(self._payload(row))

    # -- statuses -------------------------------------------------------------------------
    def _statuses(self, file_ids: list[int]) -> None:
        theirs = self.source.conn.execute(
            "SELECT document_id, annotator_id, status, updated_at FROM document_status"
            f" WHERE document_id IN ({marks(len(file_ids))})",
            file_ids,
        ).fetchall()
        project_ids = [self.documents[i] for i in file_ids]
        ours = {
            (document, annotator): (status, at)
            for document, annotator, status, at in self.project.conn.execute(
                "SELECT document_id, annotator_id, status, updated_at FROM document_status"
                f" WHERE document_id IN ({marks(len(project_ids))})",
                project_ids,
            )
        }
        for file_document, file_layer, status, at in theirs:
            key = (self.documents[file_document], self.layers[file_layer])
            here_status, here_at = ours.get(key, (None, self.project_log.statuses.get(key, "")))
            package = Side(status, (file_document, file_layer) in self.package_log.statuses, at)
            project = Side(here_status, key in self.project_log.statuses, here_at)
            outcome = resolve(package, project)
            if outcome.takes:
                self._set_status(key, status, at, here_status)
            if outcome.conflict:
                self._status_conflict(key, outcome, package, project)

    def _set_status(self, key: tuple[int, int], status: str, at: str, before: str | None) -> None:
        document, layer = key
        self.project.conn.execute(
            "INSERT INTO document_status (document_id, annotator_id, status, updated_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT(document_id, annotator_id)"
            " DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at",
            (document, layer, status, at),
        )
        self.entries.append(
            (
                self.source.by,
                "status.set",
                document,
                None,
                json.dumps({"status": before or "new"}),
                json.dumps({"status": status, "annotator_id": layer}),
            )
        )
        self.report.statuses += 1

    def _status_conflict(
        self, key: tuple[int, int], outcome: Outcome, package: Side[str], project: Side[str]
    ) -> None:
        document, layer = key
        taken = outcome is Outcome.CONFLICT_TAKE
        self.report.conflicts.append(
            Conflict(
                document=self.external_ids.get(document, str(document)),
                item=f"{self.names[layer]}'s status ({package.version} / {project.version})",
                how="was set in both",
                winner="package" if taken else "project",
                package_at=package.at,
                project_at=project.at,
            )
        )
        sides = [
            {"side": "package", "at": package.at, "status": package.version},
            {"side": "project", "at": project.at, "status": project.version},
        ]
        loser, winner = sides[::-1] if taken else sides
        self.entries.append(
            (
                self.source.by,
                "merge.conflict",
                document,
                None,
                json.dumps({**loser, "annotator_id": layer}),
                json.dumps({**winner, "annotator_id": layer}),
            )
        )

    # -- comments -------------------------------------------------------------------------
    def _comments(self, file_ids: list[int]) -> None:
        """Comments are never edited: a comment the project lacks is added."""
        columns = "document_id, annotator_id, span_uuid, body, created_at"
        theirs = [
            (self.documents[document], self.layers[layer], span, body, at)
            for document, layer, span, body, at in self.source.conn.execute(
                f"SELECT {columns} FROM comments WHERE document_id IN ({marks(len(file_ids))})"
                " ORDER BY id",
                file_ids,
            )
        ]
        if not theirs:
            return
        project_ids = sorted({row[0] for row in theirs})
        ours = set(
            self.project.conn.execute(
                f"SELECT {columns} FROM comments WHERE document_id IN ({marks(len(project_ids))})",
                project_ids,
            )
        )
        new = [row for row in theirs if row not in ours]
        self.project.conn.executemany(f"INSERT INTO comments ({columns}) VALUES ({marks(5)})", new)
        self.report.comments += len(new)
