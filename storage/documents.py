"""Documents: canonical text stored once, listed a page at a time."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from storage import search
from storage.records import Document, DocumentRow

if TYPE_CHECKING:
    from storage.project import Project

_DOC_COLUMNS = (
    "id, external_id, text, sha256, title, source, url, published, meta,"
    " import_file, import_encoding, import_notes"
)

_INSERT_COLUMNS = (
    "external_id, title, source, url, published, text, length, sha256, meta, import_file,"
    " import_encoding, import_notes, imported_at"
)
_META_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)
# SQLite before 3.32 allows 999 parameters in one statement; stay under that.
_MAX_PARAMETERS = 900

# Status filters the document list understands; "unfinished" is what the annotator still owes.
STATUS_FILTERS = ("all", "new", "in_progress", "done", "skipped", "unfinished")


# Not frozen: five times cheaper to make (a big import makes one per document, twice).
@dataclass
class NewDocument:
    """A document about to be stored (its text already canonical)."""

    external_id: str
    text: str
    sha256: str
    title: str = ""
    source: str = ""
    url: str = ""
    published: str = ""
    meta: dict[str, Any] | None = None
    import_file: str = ""
    import_encoding: str = ""
    import_notes: str = ""


@dataclass(frozen=True)
class ListQuery:
    """What the document list asks for: one annotator's view, optionally filtered."""

    annotator_id: int
    status: str = "all"
    text: str = ""

    def where(self, indexed: bool = False) -> tuple[str, list[object]]:
        """The WHERE clause over ``d`` (documents) and ``st`` (this annotator's status);
        ``indexed``: find the title filter's candidates in the trigram index."""
        clauses: list[str] = []
        params: list[object] = []
        if self.status == "unfinished":
            clauses.append("coalesce(st.status, 'new') IN ('new', 'in_progress')")
        elif self.status != "all":
            clauses.append("coalesce(st.status, 'new') = ?")
            params.append(self.status)
        if self.needle and indexed:
            clauses.append(search.CANDIDATES)
            params += [search.phrase(self.needle), self.needle, self.needle]
        elif self.needle:
            clauses.append(_TEXT_MATCH)
            params += [self.needle, self.needle]
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    @property
    def needle(self) -> str:
        return self.text.strip()


# The title filter: a substring of the title or of the id.
_TEXT_MATCH = "(instr(d.title, ?) > 0 OR instr(d.external_id, ?) > 0)"
# A document list row: what the page's documents (``d``) need from the other tables.
_LIST_ROW = (
    "SELECT d.id, d.external_id, d.title, coalesce(st.status, 'new'),"
    " (SELECT count(*) FROM spans sp WHERE sp.document_id = d.id AND sp.annotator_id = ?),"
    " d.length FROM {documents} LEFT JOIN document_status st"
    " ON st.document_id = d.id AND st.annotator_id = ?"
)
# The list columns of documents, in list order: read from the narrow documents_list index.
_LIST_COLUMNS = "SELECT id, external_id, title, length FROM {documents}"
_DOCUMENTS = "documents AS d"
# The candidates of the trigram index are looked up in the narrow index, not the table.
_INDEXED_DOCUMENTS = "documents AS d INDEXED BY documents_list"


def _values(
    doc: NewDocument, imported_at: str, utf8: tuple[bytes, int] | None = None
) -> tuple[object, ...]:
    """A document's values in the order of _INSERT_COLUMNS; with ``utf8``, the text's
    UTF-8 bytes and its length in code points stand for the text (see add_many)."""
    meta = _META_JSON.encode(doc.meta) if doc.meta else "{}"
    text, length = (doc.text, len(doc.text)) if utf8 is None else utf8
    return (
        doc.external_id,
        doc.title,
        doc.source,
        doc.url,
        doc.published,
        text,
        length,
        doc.sha256,
        meta,
        doc.import_file,
        doc.import_encoding,
        doc.import_notes,
        imported_at,
    )


def _document(row: tuple[Any, ...]) -> Document:
    return Document(
        id=row[0],
        external_id=row[1],
        text=row[2],
        sha256=row[3],
        title=row[4],
        source=row[5],
        url=row[6],
        published=row[7],
        meta={} if row[8] == "{}" else json.loads(row[8]),
        import_file=row[9],
        import_encoding=row[10],
        import_notes=row[11],
    )


class DocumentStore:
    def __init__(self, project: Project) -> None:
        self._project = project
        # The text of the document last read (id, text), kept when read outside a
        # transaction: a committed document's text never changes and no document is ever
        # deleted, so it stays right while this connection is open (a restore replaces
        # the file only while nobody has it open). One read inside a transaction could be
        # of a document that is rolled back, and its id given to another.
        self._last_text: tuple[int, str] | None = None

    def add(self, doc: NewDocument, *, imported_at: str) -> int:
        """Insert one document; the caller holds the transaction (imports batch them)."""
        cursor = self._project.conn.execute(
            f"INSERT INTO documents ({_INSERT_COLUMNS}) VALUES ({', '.join('?' * 13)})",
            _values(doc, imported_at),
        )
        document_id = int(cursor.lastrowid or 0)
        self._project.search.added([(document_id, doc.title, doc.external_id)], document_id)
        return document_id

    def add_many(
        self,
        docs: Sequence[NewDocument],
        *,
        imported_at: str,
        utf8: Sequence[tuple[bytes, int]] | None = None,
    ) -> list[int]:
        """Insert documents with one statement; returns their ids, in order.

        The caller holds the transaction (and a savepoint, if a failure must take back
        all of them), so nobody else can take the ids handed out here: the next ones
        after the largest, the same SQLite would choose one row at a time.

        ``utf8`` gives, for each document, its text's UTF-8 bytes and its length in code
        points; the texts of ``docs`` are then not read. The bytes are stored as text as
        they are (CAST: the bytes SQLite would have made of the text), which spares an
        import that has them, from another process, decoding and encoding them again.
        """
        if not docs:
            return []
        conn = self._project.conn
        first = int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM documents").fetchone()[0])
        ids = list(range(first, first + len(docs)))
        if utf8 is None:
            rows = [(i, *_values(doc, imported_at)) for i, doc in zip(ids, docs, strict=True)]
        else:
            rows = [
                (i, *_values(doc, imported_at, text))
                for i, doc, text in zip(ids, docs, utf8, strict=True)
            ]
        marks = ["?"] * 14
        marks[6] = "CAST(? AS TEXT)"  # the text: a str is stored as it is, bytes as text
        conn.executemany(
            f"INSERT INTO documents (id, {_INSERT_COLUMNS}) VALUES ({', '.join(marks)})", rows
        )
        titles = [(i, doc.title, doc.external_id) for i, doc in zip(ids, docs, strict=True)]
        self._project.search.added(titles, first)
        return ids

    def ids_by_sha256(self, digests: Collection[str]) -> dict[str, int]:
        """{sha256: id} of the documents among ``digests`` that are already stored."""
        return self._ids_by("sha256", digests)

    def ids_by_external_ids(self, external_ids: Collection[str]) -> dict[str, int]:
        """{external id: id} of the documents among ``external_ids`` already stored."""
        return self._ids_by("external_id", external_ids)

    def _ids_by(self, column: str, keys: Collection[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        wanted = list(set(keys))
        for at in range(0, len(wanted), _MAX_PARAMETERS):
            part = wanted[at : at + _MAX_PARAMETERS]
            marks = ", ".join("?" * len(part))
            sql = f"SELECT {column}, id FROM documents WHERE {column} IN ({marks})"
            found.update(self._project.conn.execute(sql, part).fetchall())
        return found

    def get(self, document_id: int) -> Document | None:
        row = self._project.conn.execute(
            f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = ?", (document_id,)
        ).fetchone()
        if row is None:
            return None
        document = _document(row)
        self._keep_text(document.id, document.text)
        return document

    def text(self, document_id: int) -> str | None:
        """A document's text (None: no such document).

        The text last read is kept: every tag checks the span's text against the
        document's, and reading a 200,000-character text again from SQLite cost each tag
        in it 0.6 ms (its overflow pages no longer in SQLite's cache by then)."""
        last = self._last_text
        if last is not None and last[0] == document_id:
            return last[1]
        row = self._project.conn.execute(
            "SELECT text FROM documents WHERE id = ?", (document_id,)
        ).fetchone()
        if row is None:
            return None
        self._keep_text(document_id, row[0])
        return str(row[0])

    def _keep_text(self, document_id: int, text: str) -> None:
        if not self._project.conn.in_transaction:
            self._last_text = (document_id, text)

    def id_by_sha256(self, sha256: str) -> int | None:
        row = self._project.conn.execute(
            "SELECT id FROM documents WHERE sha256 = ?", (sha256,)
        ).fetchone()
        return None if row is None else int(row[0])

    def id_by_external_id(self, external_id: str) -> int | None:
        row = self._project.conn.execute(
            "SELECT id FROM documents WHERE external_id = ?", (external_id,)
        ).fetchone()
        return None if row is None else int(row[0])

    def count(self, query: ListQuery | None = None) -> int:
        """How many documents the list shows (all of them without a query).

        Never a scan of the table, whose rows hold the texts: count(*) walks the smallest
        index, status filters count the annotator's status rows, and a title filter asks
        the trigram index (storage.search) or else scans the narrow documents_list index.
        """
        conn = self._project.conn
        if query is None or (query.status == "all" and not query.needle):
            return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
        if not query.needle:
            return self._count_by_status(query.annotator_id, query.status)
        source, where, params = self._filter(query)
        if query.status == "all" and source == _INDEXED_DOCUMENTS:
            # The trigram index's phrase match is the substring match itself (exact case),
            # so its rows are counted without reading each title again: only that each is
            # a document still (2,455 matches of 100,000: 0.9 ms instead of 2.3 ms).
            row = conn.execute(search.COUNT, (search.phrase(query.needle),)).fetchone()
            return int(row[0])
        if query.status == "all":
            sql = f"SELECT count(*) FROM {source}{where}"
        else:
            sql = (
                f"SELECT count(*) FROM {source} LEFT JOIN document_status st"
                f" ON st.document_id = d.id AND st.annotator_id = ?{where}"
            )
            params = [query.annotator_id, *params]
        return int(conn.execute(sql, params).fetchone()[0])

    def _count_by_status(self, annotator_id: int, status: str) -> int:
        """Documents with ``status`` (or "unfinished") for one annotator, from the status
        rows alone: a document without a row is new."""
        conn = self._project.conn
        rows = conn.execute(
            "SELECT status, count(*) FROM document_status WHERE annotator_id = ? GROUP BY status",
            (annotator_id,),
        )
        per_status: dict[str, int] = dict(rows.fetchall())
        if status not in ("new", "unfinished"):
            return per_status.get(status, 0)
        total = int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
        owed = ("new", "in_progress") if status == "unfinished" else ("new",)
        return total - sum(n for name, n in per_status.items() if name not in owed)

    def page(self, query: ListQuery, offset: int, limit: int) -> list[DocumentRow]:
        """Rows ``offset .. offset+limit`` of the filtered list, in import order.

        Without a status filter the page's documents are picked first from the narrow
        documents_list index (straight by id when the ids have no gaps), and status and
        span count are looked up for those rows only.
        """
        source, where, params = self._filter(query)
        annotator = query.annotator_id
        if query.status != "all":
            sql = f"{_LIST_ROW.format(documents=source)}{where} ORDER BY d.id LIMIT ? OFFSET ?"
            args = [annotator, annotator, *params, limit, offset]
        else:
            start = None if where else self._id_at(offset)
            columns = _LIST_COLUMNS.format(documents=source)
            if start is not None:
                chosen = f"{columns} WHERE d.id >= ? ORDER BY d.id LIMIT ?"
                params, limits = [start], [limit]
            else:
                chosen = f"{columns}{where} ORDER BY d.id LIMIT ? OFFSET ?"
                limits = [limit, offset]
            # Placeholders in the order they appear: span count, chosen rows, status join.
            sql = f"{_LIST_ROW.format(documents=f'({chosen}) AS d')} ORDER BY d.id"
            args = [annotator, *params, *limits, annotator]
        rows = self._project.conn.execute(sql, args).fetchall()
        return [DocumentRow(*row) for row in rows]

    def _filter(self, query: ListQuery) -> tuple[str, str, list[object]]:
        """(documents source, WHERE clause, parameters) of a list query: a title filter
        of three or more characters is looked up in the trigram index when it is current
        (storage.search), otherwise the titles are scanned."""
        needle = query.needle
        indexed = len(needle) >= search.MIN_NEEDLE and self._project.search.current()
        where, params = query.where(indexed)
        return (_INDEXED_DOCUMENTS if indexed else _DOCUMENTS), where, params

    def _id_at(self, offset: int) -> int | None:
        """The id of the document at ``offset`` in id order, if the ids have no gaps (no
        document was ever deleted): then a page needs no OFFSET walk at all."""
        low, high, count = self._project.conn.execute(
            "SELECT (SELECT min(id) FROM documents), (SELECT max(id) FROM documents),"
            " (SELECT count(*) FROM documents)"
        ).fetchone()
        if low is None or high - low + 1 != count:
            return None
        return int(low) + offset

    def row(self, document_id: int, annotator_id: int) -> DocumentRow | None:
        row = self._project.conn.execute(
            "SELECT d.id, d.external_id, d.title, coalesce(st.status, 'new'),"
            " (SELECT count(*) FROM spans sp"
            "   WHERE sp.document_id = d.id AND sp.annotator_id = ?), d.length"
            " FROM documents d LEFT JOIN document_status st"
            " ON st.document_id = d.id AND st.annotator_id = ? WHERE d.id = ?",
            (annotator_id, annotator_id, document_id),
        ).fetchone()
        return None if row is None else DocumentRow(*row)

    def position(self, query: ListQuery, document_id: int) -> int | None:
        """Row index of a document in the filtered list (None when filtered out)."""
        source, where, params = self._filter(query)
        extra = " AND " if where else " WHERE "
        if query.status == "all":  # the narrow documents_list index suffices
            sql = f"SELECT count(*) FROM {source}{where}{extra}d.id < ?"
        else:
            sql = (
                f"SELECT count(*) FROM {source} LEFT JOIN document_status st"
                f" ON st.document_id = d.id AND st.annotator_id = ?{where}{extra}d.id < ?"
            )
            params = [query.annotator_id, *params]
        row = self._project.conn.execute(sql, [*params, document_id]).fetchone()
        index = int(row[0])
        # The row at that index is this document only if the filter keeps it.
        check = self.page(query, index, 1)
        return index if check and check[0].id == document_id else None

    def next_unfinished(self, annotator_id: int, after_id: int) -> int | None:
        """The next document (wrapping round) this annotator has not marked done or skipped."""
        sql = (
            "SELECT d.id FROM documents d LEFT JOIN document_status st"
            " ON st.document_id = d.id AND st.annotator_id = ?"
            " WHERE coalesce(st.status, 'new') IN ('new', 'in_progress') AND d.id {op} ?"
            " ORDER BY d.id LIMIT 1"
        )
        conn = self._project.conn
        for op, bound in ((">", after_id), (">", -1)):
            row = conn.execute(sql.format(op=op), (annotator_id, bound)).fetchone()
            if row is not None and row[0] != after_id:
                return int(row[0])
        return None

    def first_id(self) -> int | None:
        row = self._project.conn.execute("SELECT min(id) FROM documents").fetchone()
        return None if row[0] is None else int(row[0])

    def iterate(
        self, ids: Iterable[int] | None = None, *, id_range: tuple[int, int] | None = None
    ) -> Iterator[Document]:
        """Every document (or those in ``ids``, or with ``id_range[0] <= id <
        id_range[1]``) in id order, streamed by one query."""
        if ids is None:
            where = "" if id_range is None else "WHERE id >= ? AND id < ? "
            cursor = self._project.conn.execute(
                f"SELECT {_DOC_COLUMNS} FROM documents {where}ORDER BY id", id_range or ()
            )
            yield from map(_document, cursor)
            return
        for document_id in sorted(ids):
            document = self.get(document_id)
            if document is not None:
                yield document

    def ids(self) -> list[int]:
        return [r[0] for r in self._project.conn.execute("SELECT id FROM documents ORDER BY id")]
