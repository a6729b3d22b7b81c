"""The open document's layer: one annotator's spans, sorted, made into records on demand.

Opening a 200,000-character article with 5,000 spans must not build 5,000 records (that
alone took longer than laying out the text). The layer keeps the rows SQLite returns and
one sort key per span, and makes a Span record the first time one is read: the spans on
screen and in the visible rows of the span list. Qt-free.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from operator import itemgetter
from typing import overload

from storage import Span
from storage.spans import LayerRow

# (start, end, label, uuid): the order of the layer and of the span list, unique per span.
Key = tuple[int, int, str, str]


def order(span: Span) -> Key:
    return (span.start, span.end, span.label, span.uuid)


def _start(key: Key) -> int:
    return key[0]


_ROW_KEY = itemgetter(1, 2, 3, 0)  # LayerRow → Key


class SpanLayer(Sequence[Span]):
    """Spans sorted by :func:`order`, found by bisection or by uuid, never by a scan."""

    def __init__(self, rows: list[LayerRow], make: Callable[[LayerRow], Span]) -> None:
        self._make = make
        self._keys: list[Key] = list(map(_ROW_KEY, rows))
        self._keys.sort()  # rows come by start: only ties move
        # By uuid: the row as read, replaced by its record once made.
        self._records: dict[str, LayerRow | Span] = {r[0]: r for r in rows}
        # An upper bound on span length lets overlapping() bisect instead of scanning.
        self._longest = max([r[2] - r[1] for r in rows], default=0)

    def __len__(self) -> int:
        return len(self._keys)

    @overload
    def __getitem__(self, index: int) -> Span: ...

    @overload
    def __getitem__(self, index: slice) -> list[Span]: ...

    def __getitem__(self, index: int | slice) -> Span | list[Span]:
        if isinstance(index, slice):
            return [self._record(key[3]) for key in self._keys[index]]
        return self._record(self._keys[index][3])

    def __iter__(self) -> Iterator[Span]:
        return (self._record(key[3]) for key in self._keys)

    def _record(self, uuid: str) -> Span:
        found = self._records[uuid]
        if isinstance(found, Span):
            return found
        span = self._records[uuid] = self._make(found)
        return span

    # -- lookups --------------------------------------------------------------------------
    def get(self, uuid: str) -> Span | None:
        return self._record(uuid) if uuid in self._records else None

    def row_of(self, uuid: str) -> int | None:
        span = self.get(uuid)
        return None if span is None else bisect_left(self._keys, order(span))

    def insertion_row(self, span: Span) -> int:
        """Where ``span`` goes (or is)."""
        return bisect_left(self._keys, order(span))

    def overlapping(self, start: int, end: int) -> list[Span]:
        """Spans that overlap [start, end), in order."""
        keys = self._keys
        lo = bisect_left(keys, start - self._longest, key=_start)
        hi = bisect_left(keys, end, key=_start)
        return [self._record(key[3]) for key in keys[lo:hi] if key[1] > start]

    # -- changes --------------------------------------------------------------------------
    def insert(self, row: int, span: Span) -> None:
        self._keys.insert(row, order(span))
        self._records[span.uuid] = span
        self._longest = max(self._longest, span.end - span.start)

    def remove(self, row: int) -> None:
        key = self._keys.pop(row)
        del self._records[key[3]]


def differing(rows: list[LayerRow], text: str) -> set[str]:
    """uuids of the rows whose stored text is not ``text[start:end]``: checked on load."""
    return {r[0] for r in rows if text[r[1] : r[2]] != r[4]}
