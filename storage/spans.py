"""Spans: every create, retag, attribute edit and delete is one transaction plus a log entry."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, replace
from itertools import groupby
from json.encoder import encode_basestring
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from storage.clock import now
from storage.errors import ProjectError
from storage.records import Annotator, Span

if TYPE_CHECKING:
    from storage.project import Project

_SELECT = (
    'SELECT s.uuid, s.document_id, a.name, s.start, s."end", s.label, s.text, s.attrs,'
    " s.created_at, s.updated_at FROM spans s JOIN annotators a ON a.id = s.annotator_id"
)

_LAYER = (
    'SELECT uuid, start, "end", label, text FROM spans'
    " WHERE document_id = ? AND annotator_id = ? ORDER BY start"
)
_LAYER_REST = "SELECT attrs, created_at, updated_at FROM spans WHERE uuid = ?"
# A row of SpanStore.layer_rows: uuid, start, end, label, text.
LayerRow = tuple[str, int, int, str, str]


def _span(row: tuple[Any, ...]) -> Span:
    return Span(
        uuid=row[0],
        document_id=row[1],
        annotator=row[2],
        start=row[3],
        end=row[4],
        label=row[5],
        text=row[6],
        attrs=json.loads(row[7]),
        created_at=row[8],
        updated_at=row[9],
    )


# The columns of a stored span, in the order :meth:`SpanStore.add_rows` takes them.
SPAN_COLUMNS = (
    'uuid, document_id, annotator_id, start, "end", label, text, attrs, created_at, updated_at'
)
_INSERT = f"INSERT INTO spans ({SPAN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
_ATTRS = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def encode_attrs(attrs: dict[str, Any]) -> str:
    """Attributes as stored: sorted keys, Arabic kept readable ("{}" when there are none)."""
    return _ATTRS.encode(attrs) if attrs else "{}"


@functools.cache  # made once: an import asks for it once a record
def bulk_attrs_encoder() -> Callable[[dict[str, Any]], str]:
    """:func:`encode_attrs` for a bulk import, without the per-call set-up of
    ``JSONEncoder.encode`` (half its time on a small dict): the same C encoder, made once.
    It skips the check for circular values, which data parsed from a file cannot have;
    the text is the same. Attrs must not be empty (those are stored as "{}")."""
    make: Callable[..., Callable[[object, int], Iterable[str]]] | None
    make = getattr(json.encoder, "c_make_encoder", None)  # not in the json stubs
    if make is None:  # a Python without the json C accelerator
        return _ATTRS.encode
    # (markers, default, encoder, indent, separators, sort_keys, skipkeys, allow_nan): as _ATTRS
    encoder = make(None, _ATTRS.default, encode_basestring, None, ": ", ", ", True, False, True)
    join = "".join

    def encode(attrs: dict[str, Any]) -> str:
        return join(encoder(attrs, 0))

    return encode


_new = object.__new__


def span_payload(span: Span) -> dict[str, Any]:
    """The span as the change log records it."""
    return asdict(span)


def span_row(span: Span, annotator_id: int) -> tuple[object, ...]:
    """``span`` as a row :meth:`SpanStore.add_rows` takes (SPAN_COLUMNS order), stored in
    the layer of ``annotator_id``."""
    return (
        span.uuid,
        span.document_id,
        annotator_id,
        span.start,
        span.end,
        span.label,
        span.text,
        encode_attrs(span.attrs),
        span.created_at,
        span.updated_at,
    )


# The first span after a row whose label, annotator or document is missing (see
# SpanStore.check_references): the small tables are read once, not once a span.
_DANGLING = (
    "SELECT label, annotator_id, document_id FROM spans WHERE rowid > ? AND ("
    " label NOT IN (SELECT id FROM labels) OR annotator_id NOT IN (SELECT id FROM annotators)"
    " OR document_id NOT BETWEEN 1 AND (SELECT coalesce(max(id), 0) FROM documents)) LIMIT 1"
)


class SpanStore:
    def __init__(self, project: Project) -> None:
        self._project = project

    def for_document(self, document_id: int, annotator: str | None = None) -> list[Span]:
        if annotator is None:
            rows = self._project.conn.execute(
                f'{_SELECT} WHERE s.document_id = ? ORDER BY a.name, s.start, s."end", s.label',
                (document_id,),
            ).fetchall()
        else:
            rows = self._project.conn.execute(
                f"{_SELECT} WHERE s.document_id = ? AND a.name = ?"
                ' ORDER BY s.start, s."end", s.label',
                (document_id, annotator),
            ).fetchall()
        return [_span(r) for r in rows]

    def layer_rows(self, document_id: int, annotator_id: int) -> list[LayerRow]:
        """One annotator's spans on one document as plain rows, ordered by start (ties in
        any order): what the annotation window needs of every span to sort, place and check
        it when it opens an article with thousands of them. One query on the
        ``spans_by_document`` index, no join, no sort step; :meth:`layer_span` makes the
        record of a row when one is shown."""
        return self._project.conn.execute(_LAYER, (document_id, annotator_id)).fetchall()

    def layer_span(self, row: LayerRow, document_id: int, annotator: str) -> Span:
        """The record of a :meth:`layer_rows` row (its attributes and timestamps are read
        now, by uuid: three columns fewer for every span at opening, a third of its cost)."""
        uuid, start, end, label, text = row
        rest = self._project.conn.execute(_LAYER_REST, (uuid,)).fetchone()
        if rest is None:
            raise ProjectError(f"no span {uuid}")
        attrs, created_at, updated_at = rest
        return Span(
            uuid,
            document_id,
            annotator,
            start,
            end,
            label,
            text,
            {} if attrs == "{}" else json.loads(attrs),
            created_at,
            updated_at,
        )

    def iterate(self, annotator_ids: Iterable[int] | None = None) -> Iterator[Span]:
        """Every span (of the given layers) ordered by document, then position: one query,
        so an export merges it with :meth:`DocumentStore.iterate` instead of asking per
        document."""
        where = ""
        params: tuple[int, ...] = ()
        if annotator_ids is not None:
            params = tuple(annotator_ids)
            where = f" WHERE s.annotator_id IN ({', '.join('?' * len(params))})"
        cursor = self._project.conn.execute(
            f'{_SELECT}{where} ORDER BY s.document_id, a.name, s.start, s."end", s.label', params
        )
        yield from map(_span, cursor)

    def by_document(self, layers: Iterable[Annotator]) -> Iterator[tuple[int, list[Span]]]:
        """(document id, its spans of ``layers``) for every document that has any, in id
        order; the spans of a document come in no particular order.

        For exports, which sort each document's spans their own way: one query down the
        ``spans_by_document`` index with neither a join nor a sort step, annotator names
        filled in from ``layers``, empty attributes not run through the JSON decoder.
        """
        names = {layer.id: layer.name for layer in layers}
        if not names:
            return
        marks = ", ".join("?" * len(names))
        cursor = self._project.conn.execute(
            f"SELECT {SPAN_COLUMNS} FROM spans WHERE annotator_id IN ({marks})"
            " ORDER BY document_id",
            tuple(names),
        )
        loads = json.loads
        for document_id, rows in groupby(cursor, itemgetter(1)):
            spans: list[Span] = []
            for uuid, _, annotator_id, start, end, label, text, attrs, created, updated in rows:
                # Span(...) without its frozen __init__, which sets each field through
                # object.__setattr__: a third of an export's time. Same fields, same values.
                span = _new(Span)
                fields = span.__dict__
                fields["uuid"] = uuid
                fields["document_id"] = document_id
                fields["annotator"] = names[annotator_id]
                fields["start"] = start
                fields["end"] = end
                fields["label"] = label
                fields["text"] = text
                fields["attrs"] = {} if attrs == "{}" else loads(attrs)
                fields["created_at"] = created
                fields["updated_at"] = updated
                spans.append(span)
            yield document_id, spans

    def add_rows(self, rows: Iterable[tuple[object, ...]]) -> None:
        """Insert spans given as rows in SPAN_COLUMNS order (attrs already encoded), with one
        statement. For bulk imports: the caller holds the transaction, has checked every
        row and logs the change; ids should come from :func:`storage.ids.new_ids`."""
        self._project.conn.executemany(_INSERT, rows)

    def last_row(self) -> int:
        """The newest span's row number: spans stored later have larger ones."""
        return int(
            self._project.conn.execute("SELECT coalesce(max(rowid), 0) FROM spans").fetchone()[0]
        )

    def check_references(self, since: int) -> None:
        """Raise ProjectError if a span stored after row ``since`` (:meth:`last_row`) names
        a label or annotator the project lacks, or a document beyond its last: what the
        foreign keys check row by row, for a writer that turned them off
        (Project.bulk_writes). The caller's transaction then stores none of it.

        Documents are checked against the largest id only: a writer stores spans of the
        documents it has just stored or looked up, and a lookup per span cost as much as
        the foreign key it stands for."""
        row = self._project.conn.execute(_DANGLING, (since,)).fetchone()
        if row is not None:
            label, annotator_id, document_id = row
            raise ProjectError(
                f"a span to store names label {label!r}, annotator {annotator_id} and"
                f" document {document_id}, and one of them is not in the project:"
                " nothing of this transaction was stored"
            )

    def get(self, uuid: str) -> Span | None:
        row = self._project.conn.execute(f"{_SELECT} WHERE s.uuid = ?", (uuid,)).fetchone()
        return None if row is None else _span(row)

    def count(self, annotator: str | None = None) -> int:
        if annotator is None:
            return int(self._project.conn.execute("SELECT count(*) FROM spans").fetchone()[0])
        row = self._project.conn.execute(
            "SELECT count(*) FROM spans s JOIN annotators a ON a.id = s.annotator_id"
            " WHERE a.name = ?",
            (annotator,),
        ).fetchone()
        return int(row[0])

    def covered_text(self, document_id: int, start: int, end: int) -> str:
        """``text[start:end]`` of a document, checked against its length."""
        text = self._project.documents.text(document_id)
        if text is None:
            raise ProjectError(f"no document with id {document_id}")
        if not 0 <= start < end <= len(text):
            raise ProjectError(
                f"span [{start}, {end}) is outside document {document_id} (length {len(text)})"
            )
        return text[start:end]

    def create(self, span: Span, *, by: str) -> Span:
        """Store a new span (or bring back a deleted one with the same uuid)."""
        with self._project.transaction() as conn:
            covered = self.covered_text(span.document_id, span.start, span.end)
            if span.text and span.text != covered:
                raise ProjectError(
                    f"span text {span.text!r} differs from the document's {covered!r}"
                )
            annotator = self._project.annotator(span.annotator)
            stamp = now()
            stored = replace(
                span,
                text=covered,
                created_at=span.created_at or stamp,
                updated_at=span.updated_at or stamp,
            )
            conn.execute(
                'INSERT INTO spans (uuid, document_id, annotator_id, start, "end", label, text,'
                " attrs, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    stored.uuid,
                    stored.document_id,
                    annotator.id,
                    stored.start,
                    stored.end,
                    stored.label,
                    stored.text,
                    json.dumps(stored.attrs, ensure_ascii=False, sort_keys=True),
                    stored.created_at,
                    stored.updated_at,
                ),
            )
            self._project.log_change(
                by=by,
                action="span.create",
                document_id=stored.document_id,
                span_uuid=stored.uuid,
                after=span_payload(stored),
            )
            self._project.status.touch(stored.document_id, annotator.id, by=by)
        return stored

    def update(
        self,
        uuid: str,
        *,
        by: str,
        label: str | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> Span:
        """Retag a span and/or replace its attributes."""
        with self._project.transaction() as conn:
            before = self.get(uuid)
            if before is None:
                raise ProjectError(f"no span {uuid}")
            after = replace(
                before,
                label=before.label if label is None else label,
                attrs=before.attrs if attrs is None else dict(attrs),
                updated_at=now(),
            )
            conn.execute(
                "UPDATE spans SET label = ?, attrs = ?, updated_at = ? WHERE uuid = ?",
                (
                    after.label,
                    json.dumps(after.attrs, ensure_ascii=False, sort_keys=True),
                    after.updated_at,
                    uuid,
                ),
            )
            self._project.log_change(
                by=by,
                action="span.update",
                document_id=after.document_id,
                span_uuid=uuid,
                before=span_payload(before),
                after=span_payload(after),
            )
        return after

    def delete(self, uuid: str, *, by: str) -> Span:
        with self._project.transaction() as conn:
            before = self.get(uuid)
            if before is None:
                raise ProjectError(f"no span {uuid}")
            conn.execute("DELETE FROM spans WHERE uuid = ?", (uuid,))
            self._project.log_change(
                by=by,
                action="span.delete",
                document_id=before.document_id,
                span_uuid=uuid,
                before=span_payload(before),
            )
        return before
