"""Substring search over document titles and ids, through an FTS5 trigram index.

The document list filters on "the title or the id contains the needle". Scanning 100,000
titles for that costs 30 ms a keystroke; a trigram index answers needles of three or more
characters in 3 ms. It needs SQLite 3.34 or later built with FTS5, which not every Python
has, and a project file travels between machines (annotators' copies are merged), so the
index is an optional cache beside the schema, not part of it:

- :meth:`TitleSearch.ensure` (when a project is opened) creates it if this SQLite can,
  and indexes the documents it lacks;
- documents added through this connection are indexed in the same transaction;
- ``project_meta.search_indexed_to`` is the largest document id indexed, so documents
  added where FTS5 is missing are noticed, and indexed at the next open here;
- until then, and for needles shorter than three characters, the list scans the titles.

The index holds no text of its own (``content=''``): it maps trigrams (with positions) to
document ids. A page's candidates are checked against the document's title and id again;
a count trusts the phrase match, which is the substring match (see COUNT).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

TABLE = "document_search"
MIN_NEEDLE = 3  # the trigram tokenizer cannot look up anything shorter
_MARKER = "search_indexed_to"
_CREATE = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5(title, external_id, content='',"
    " tokenize='trigram case_sensitive 1')"
)
_INSERT = f"INSERT INTO {TABLE} (rowid, title, external_id) VALUES (?, ?, ?)"
# Rows of the list whose title or id contains the needle: candidates from the index, each
# checked again (parameters: the needle as an FTS phrase, then the needle twice).
CANDIDATES = (
    f"d.id IN (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH ?)"
    " AND (instr(d.title, ?) > 0 OR instr(d.external_id, ?) > 0)"
)

# How many documents hold the needle (parameter: the needle as an FTS phrase). A trigram
# phrase matches exactly the titles and ids holding it (SQLite: "a query or phrase token
# may match any sequence of characters within a row"), so only the document's existence is
# checked, in the narrowest index: a document deleted elsewhere leaves its entry here.
COUNT = (
    f"SELECT count(*) FROM {TABLE} s CROSS JOIN documents d INDEXED BY documents_count"
    f" ON d.id = s.rowid WHERE {TABLE} MATCH ?"
)


def phrase(needle: str) -> str:
    """``needle`` as an FTS5 phrase: quoted, so every character is taken literally."""
    return '"' + needle.replace('"', '""') + '"'


class TitleSearch:
    """The trigram index of one connection's project, when this SQLite can have one."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.ready = False  # the index exists and this connection keeps it up to date

    def ensure(self) -> bool:
        """Create the index if missing and index every document it lacks.

        Leaves the index alone (and the list scanning) when this SQLite has no trigram
        FTS5 or the project cannot be written just now.
        """
        conn = self._conn
        try:
            if not _supported(conn):
                return False
            exists = conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (TABLE,)).fetchone()
            if exists and self._indexed_to() == self._last_id():
                self.ready = True
                return True
            conn.execute("BEGIN IMMEDIATE")
            try:
                if not exists:
                    conn.execute(_CREATE)
                done = self._indexed_to()
                conn.execute(
                    f"INSERT INTO {TABLE} (rowid, title, external_id)"
                    " SELECT id, title, external_id FROM documents WHERE id > ?",
                    (done,),
                )
                self._set_indexed_to(self._last_id())
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.OperationalError:  # locked by another writer, or no FTS5 after all
            return False
        self.ready = True
        return True

    def current(self) -> bool:
        """Whether the index holds every document (another program may have added some)."""
        return self.ready and self._indexed_to() == self._last_id()

    def added(self, rows: Iterable[tuple[int, str, str]], first_id: int) -> None:
        """Index documents (id, title, external id) just stored, ids from ``first_id`` on;
        inside the caller's transaction, so they are indexed exactly if they are stored."""
        if not self.ready:
            return
        if self._indexed_to() != first_id - 1:  # documents came from elsewhere meanwhile
            self.ready = False
            return
        rows = list(rows)
        self._conn.executemany(_INSERT, rows)
        self._set_indexed_to(max(row[0] for row in rows) if rows else first_id - 1)

    def _indexed_to(self) -> int:
        row = self._conn.execute(
            "SELECT value FROM project_meta WHERE key = ?", (_MARKER,)
        ).fetchone()
        return 0 if row is None else int(row[0])

    def _set_indexed_to(self, document_id: int) -> None:
        self._conn.execute(
            "INSERT INTO project_meta (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (_MARKER, str(document_id)),
        )

    def _last_id(self) -> int:
        return int(self._conn.execute("SELECT coalesce(max(id), 0) FROM documents").fetchone()[0])


def _supported(conn: sqlite3.Connection) -> bool:
    """Whether this SQLite has FTS5 with the trigram tokenizer (3.34+)."""
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.tawsim_probe USING fts5(x, tokenize='trigram')")
    except sqlite3.OperationalError:
        return False
    conn.execute("DROP TABLE temp.tawsim_probe")
    return True
