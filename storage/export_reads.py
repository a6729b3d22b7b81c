"""The spans an export reads: every document's spans of some layers, as fast as SQLite
hands them over.

:meth:`storage.spans.SpanStore.by_document` serves any caller; an export reads every
span of a project once and writes neither timestamps nor anything else it does not hold,
so this reader leaves out what no format writes and decodes each distinct attribute
string once (a corpus holds a few thousand distinct ones among hundreds of thousands).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from storage.records import Annotator, Span

if TYPE_CHECKING:
    from storage.project import Project

# No created_at / updated_at: no export format writes them (they stay "").
_COLUMNS = 'uuid, document_id, annotator_id, start, "end", label, text, attrs'
# Attribute values that a shallow copy of a cached dict cannot share by mistake.
_SCALARS = (str, int, float, bool, type(None))
# Distinct attribute strings remembered (a bound: a corpus of free-text values stays small).
_CACHE_LIMIT = 8192

_new = object.__new__


class _Attributes:
    """Decodes stored attribute JSON (not "{}"), each distinct string once; every caller
    gets its own dict (spans are records that their users may copy and change)."""

    def __init__(self) -> None:
        self._decoded: dict[str, dict[str, Any]] = {}

    def __call__(self, stored: str) -> dict[str, Any]:
        cached = self._decoded.get(stored)
        if cached is not None:
            return dict(cached)
        value: dict[str, Any] = json.loads(stored)
        if len(self._decoded) < _CACHE_LIMIT and all(
            isinstance(v, _SCALARS) for v in value.values()
        ):
            self._decoded[stored] = dict(value)
        return value


def spans_for_export(
    project: Project, layers: Iterable[Annotator], id_range: tuple[int, int] | None = None
) -> Iterator[tuple[int, list[Span]]]:
    """(document id, its spans of ``layers``) for every document that has any (or every
    one with ``id_range[0] <= id < id_range[1]``), in id order; a document's spans in no
    particular order, without timestamps.

    One query down the ``spans_by_document`` index, with neither a join nor a sort step;
    annotator names come from ``layers``.
    """
    names = {layer.id: layer.name for layer in layers}
    if not names:
        return
    marks = ", ".join("?" * len(names))
    within = "" if id_range is None else " AND document_id >= ? AND document_id < ?"
    cursor = project.conn.execute(
        f"SELECT {_COLUMNS} FROM spans WHERE annotator_id IN ({marks}){within}"
        " ORDER BY document_id",
        (*names, *(id_range or ())),
    )
    attributes = _Attributes()
    for document_id, rows in groupby(cursor, itemgetter(1)):
        spans: list[Span] = []
        for uuid, _, annotator_id, start, end, label, text, attrs in rows:
            # Span(...) without its frozen __init__, which sets each field through
            # object.__setattr__ (see SpanStore.by_document). Same fields, same types.
            span = _new(Span)
            fields = span.__dict__
            fields["uuid"] = uuid
            fields["document_id"] = document_id
            fields["annotator"] = names[annotator_id]
            fields["start"] = start
            fields["end"] = end
            fields["label"] = label
            fields["text"] = text
            fields["attrs"] = {} if attrs == "{}" else attributes(attrs)  # most have none
            fields["created_at"] = ""
            fields["updated_at"] = ""
            spans.append(span)
        yield document_id, spans
