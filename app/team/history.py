"""What each side's change log says happened since an annotator got their package.

The merge decides by these logs, not by comparing timestamps alone:

- the **package** side: the file's entries after the last merge of it (``package_seq``)
  are what the annotator did since then;
- the **project** side: the project's entries after the package was made
  (``source_seq``) are what changed here meanwhile, except entries that are not changes
  of the project's own: those the merges of this same file wrote (they applied the
  annotator's work, and the annotator never saw anything else), and the copies of other
  files' histories (those files' effects are the merge entries beside the copies).
"""

from __future__ import annotations

import bisect
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from storage.transfer import chunks, marks

SPAN_ACTIONS = ("span.create", "span.update", "span.delete")
STATUS_ACTION = "status.set"


class SeqRanges:
    """A set of inclusive seq ranges, asked by bisection."""

    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        merged: list[tuple[int, int]] = []
        for low, high in sorted(r for r in ranges if r[0] <= r[1]):
            if merged and low <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(high, merged[-1][1]))
            else:
                merged.append((low, high))
        self._lows = [low for low, _ in merged]
        self._highs = [high for _, high in merged]

    def __contains__(self, seq: object) -> bool:
        if not isinstance(seq, int):
            return False
        at = bisect.bisect_right(self._lows, seq) - 1
        return at >= 0 and seq <= self._highs[at]


@dataclass(frozen=True)
class Trace:
    """One side's latest relevant log entry about an item."""

    action: str
    at: str
    document_id: int | None = None


def _status_key(document_id: object, after: object) -> tuple[int, int] | None:
    """(document, annotator id) of a status.set entry, from its ``after`` JSON."""
    if document_id is None or after is None:
        return None
    values = json.loads(str(after))
    annotator = values.get("annotator_id") if isinstance(values, dict) else None
    return None if annotator is None else (int(str(document_id)), int(annotator))


class PackageHistory:
    """The file's entries after ``since``: spans and statuses the annotator touched."""

    def __init__(self, conn: sqlite3.Connection, since: int) -> None:
        self.spans: dict[str, Trace] = {}
        self.statuses: set[tuple[int, int]] = set()
        rows = conn.execute(
            "SELECT action, at, document_id, span_uuid, after FROM changes WHERE seq > ?"
            " ORDER BY seq",
            (since,),
        )
        for action, at, document_id, span_uuid, after in rows:
            if action in SPAN_ACTIONS and span_uuid:
                self.spans[span_uuid] = Trace(action, at, document_id)
            elif action == STATUS_ACTION:
                key = _status_key(document_id, after)
                if key is not None:
                    self.statuses.add(key)
        self._deleted: dict[int | None, list[str]] = {}
        for uuid, trace in self.spans.items():
            if trace.action == "span.delete":
                self._deleted.setdefault(trace.document_id, []).append(uuid)

    def deleted_in(self, document_ids: Iterable[int]) -> list[str]:
        """Spans whose latest entry is a deletion, on the given documents."""
        return [uuid for d in document_ids for uuid in self._deleted.get(d, [])]


class ProjectHistory:
    """The project's own entries after ``since``, without those in ``ignore``."""

    def __init__(self, conn: sqlite3.Connection, since: int, ignore: SeqRanges) -> None:
        self._conn = conn
        self._since = since
        self._ignore = ignore
        self.statuses: dict[tuple[int, int], str] = {}
        rows = conn.execute(
            "SELECT seq, at, document_id, after FROM changes WHERE seq > ? AND action = ?",
            (since, STATUS_ACTION),
        )
        for seq, at, document_id, after in rows:
            key = _status_key(document_id, after)
            if key is not None and seq not in ignore:
                self.statuses[key] = at

    def spans(self, uuids: Sequence[str]) -> dict[str, Trace]:
        """The latest relevant entry of each span among ``uuids`` that has one."""
        found: dict[str, tuple[int, Trace]] = {}
        for part in chunks(uuids):
            rows = self._conn.execute(
                "SELECT seq, span_uuid, action, at FROM changes"
                f" WHERE span_uuid IN ({marks(len(part))}) AND seq > ?",
                (*part, self._since),
            )
            for seq, uuid, action, at in rows:
                if action not in SPAN_ACTIONS or seq in self._ignore:
                    continue
                if uuid not in found or found[uuid][0] < seq:
                    found[uuid] = (seq, Trace(action, at))
        return {uuid: trace for uuid, (_, trace) in found.items()}
