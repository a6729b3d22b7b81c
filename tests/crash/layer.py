"""One annotator's layer as the tagging child reports it, and as the project file holds it.

The child announces each action as a delta before it (``DO``) and the window's view of the
open document after it (``DONE``). :class:`Expected` replays that log: what the window
showed as done must match what the deltas predict, and after the kill the project must
hold exactly the last state shown as done, or that state plus the one action in flight.

Deltas (all name their document ``doc``):
- ``add`` start, end, label: a new span (its uuid is not known beforehand);
- ``restore`` / ``remove`` uuid, start, end, label: a span back (same uuid) / gone;
- ``relabel`` uuid, label;
- ``status`` status: the document's status for this annotator;
- ``none``: no change (moving to another document).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

WRITES = frozenset({"add", "restore", "remove", "relabel", "status"})
SpanKey = tuple[int, int, int, str]  # document, start, end, label


@dataclass
class Layer:
    spans: dict[str, SpanKey] = field(default_factory=dict)  # uuid -> key
    status: dict[int, str] = field(default_factory=dict)  # documents not 'new'

    def copy(self) -> Layer:
        return Layer(dict(self.spans), dict(self.status))

    def status_of(self, document_id: int) -> str:
        return self.status.get(document_id, "new")

    def set_status(self, document_id: int, status: str) -> None:
        if status == "new":
            self.status.pop(document_id, None)
        else:
            self.status[document_id] = status

    def document(self, document_id: int) -> dict[str, SpanKey]:
        return {u: k for u, k in self.spans.items() if k[0] == document_id}


def read_layer(conn: sqlite3.Connection, annotator: str) -> Layer:
    row = conn.execute("SELECT id FROM annotators WHERE name = ?", (annotator,)).fetchone()
    if row is None:
        return Layer()
    spans = {
        uuid: (doc, start, end, label)
        for uuid, doc, start, end, label in conn.execute(
            'SELECT uuid, document_id, start, "end", label FROM spans WHERE annotator_id = ?',
            (row[0],),
        )
    }
    status = dict(
        conn.execute(
            "SELECT document_id, status FROM document_status"
            " WHERE annotator_id = ? AND status != 'new'",
            (row[0],),
        ).fetchall()
    )
    return Layer(spans, status)


def apply(layer: Layer, delta: dict[str, Any], new_uuid: str | None = None) -> Layer:
    """``layer`` after ``delta``; an ``add`` gets ``new_uuid`` (the one the store chose)."""
    after = layer.copy()
    op, doc = delta["op"], delta["doc"]
    if op in ("add", "restore"):
        uuid = delta.get("uuid", new_uuid)
        assert uuid is not None, "an added span needs its uuid"
        assert uuid not in after.spans, f"span {uuid} added twice"
        after.spans[uuid] = (doc, delta["start"], delta["end"], delta["label"])
        if after.status_of(doc) == "new":  # a first span moves a document to in progress
            after.set_status(doc, "in_progress")
    elif op == "remove":
        assert after.spans.pop(delta["uuid"], None) is not None, f"no span {delta['uuid']}"
    elif op == "relabel":
        d, start, end, _ = after.spans[delta["uuid"]]
        after.spans[delta["uuid"]] = (d, start, end, delta["label"])
    elif op == "status":
        after.set_status(doc, delta["status"])
    else:
        assert op == "none", op
    return after


def added_uuid(before: Layer, after: Layer, delta: dict[str, Any]) -> str | None:
    """The uuid of the span ``delta`` (an ``add``) made, if ``after`` has exactly it."""
    new = set(after.spans) - set(before.spans)
    if len(new) != 1:
        return None
    uuid = new.pop()
    wanted = (delta["doc"], delta["start"], delta["end"], delta["label"])
    return uuid if after.spans[uuid] == wanted else None


@dataclass
class Expected:
    """Replays a tagging child's output against the layer it started from."""

    layer: Layer
    pending: dict[str, Any] | None = None
    writes_done: int = 0
    created: list[str] = field(default_factory=list)  # uuids of spans tagged in this run

    def feed(self, line: str) -> None:
        kind, _, payload = line.partition(" ")
        if kind not in ("DO", "DONE", "READY"):
            return
        data = json.loads(payload)
        if kind == "READY":
            self._check_shown(self.layer, data)
        elif kind == "DO":
            assert self.pending is None, "DO without DONE"
            self.pending = data
        else:
            assert self.pending is not None, "DONE without DO"
            delta = self.pending
            shown = {uuid: (data["doc"], s, e, label) for uuid, s, e, label in data["spans"]}
            new_uuid = None
            if delta["op"] == "add":
                candidates = set(shown) - set(self.layer.spans)
                assert len(candidates) == 1, f"{delta} showed {len(candidates)} new spans"
                new_uuid = candidates.pop()
                self.created.append(new_uuid)
            after = apply(self.layer, delta, new_uuid)
            self._check_shown(after, data)
            self.layer = after
            self.pending = None
            self.writes_done += delta["op"] in WRITES

    @staticmethod
    def _check_shown(layer: Layer, data: dict[str, Any]) -> None:
        """The window showed what the deltas predict (spans of the open document, statuses)."""
        shown = {uuid: (data["doc"], s, e, label) for uuid, s, e, label in data["spans"]}
        assert shown == layer.document(data["doc"]), f"window shows {shown}"
        for doc, status in data["status"].items():
            assert layer.status_of(int(doc)) == status, f"document {doc} shows {status}"

    def check_stored(self, stored: Layer) -> Layer:
        """The project holds the last state shown as done, or that plus the pending action.

        Returns the stored layer (the expectation for the next child)."""
        if stored == self.layer:
            return stored
        delta = self.pending
        assert delta is not None, self._difference(stored, "no action was in flight")
        uuid = added_uuid(self.layer, stored, delta) if delta["op"] == "add" else None
        applies = delta["op"] != "add" or uuid is not None
        if applies and stored == apply(self.layer, delta, uuid):
            return stored
        raise AssertionError(self._difference(stored, f"in flight: {delta}"))

    def _difference(self, stored: Layer, note: str) -> str:
        lost = {u: k for u, k in self.layer.spans.items() if stored.spans.get(u) != k}
        extra = {u: k for u, k in stored.spans.items() if self.layer.spans.get(u) != k}
        statuses = {
            d: (self.layer.status_of(d), stored.status_of(d))
            for d in set(self.layer.status) | set(stored.status)
            if self.layer.status_of(d) != stored.status_of(d)
        }
        return (
            f"the project differs from what the window showed as done ({note}): "
            f"missing or changed {lost}, unexpected {extra}, statuses (shown, stored) {statuses}"
        )
