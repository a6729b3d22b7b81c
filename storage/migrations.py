"""Forward-only numbered schema migrations, tracked in ``PRAGMA user_version``.

A migration is a list of SQL statements that takes the schema from version N-1 to N.
Never edit a migration that has shipped: add the next number instead, and run
tests/fixtures/schema/make_fixtures.py, which writes a project of the previous version
(tests/unit/storage/test_upgrades.py fails until it exists) so the upgrade stays tested.
All the steps of an upgrade run in one transaction (see :func:`upgrade`).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from storage.errors import NewerProjectError, ProjectError

MIGRATIONS: dict[int, list[str]] = {
    1: [
        """CREATE TABLE project_meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )""",
        """CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            external_id TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            url TEXT NOT NULL DEFAULT '',
            published TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL,
            length INTEGER NOT NULL,
            sha256 TEXT NOT NULL UNIQUE,
            meta TEXT NOT NULL DEFAULT '{}',
            import_file TEXT NOT NULL DEFAULT '',
            import_encoding TEXT NOT NULL DEFAULT '',
            import_notes TEXT NOT NULL DEFAULT '',
            imported_at TEXT NOT NULL
        )""",
        """CREATE TABLE labels (
            id TEXT PRIMARY KEY,
            name_ar TEXT NOT NULL DEFAULT '',
            name_en TEXT NOT NULL DEFAULT '',
            color TEXT NOT NULL,
            shortcut TEXT NOT NULL DEFAULT '',
            attributes TEXT NOT NULL DEFAULT '[]',
            sort_order INTEGER NOT NULL DEFAULT 0
        )""",
        """CREATE TABLE annotators (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL DEFAULT 'human' CHECK (kind IN ('human', 'gold', 'suggestions')),
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE spans (
            uuid TEXT PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator_id INTEGER NOT NULL REFERENCES annotators(id),
            start INTEGER NOT NULL CHECK (start >= 0),
            "end" INTEGER NOT NULL,
            label TEXT NOT NULL REFERENCES labels(id) ON UPDATE CASCADE,
            text TEXT NOT NULL,
            attrs TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK ("end" > start)
        )""",
        "CREATE INDEX spans_by_document ON spans(document_id, annotator_id, start)",
        """CREATE TABLE document_status (
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator_id INTEGER NOT NULL REFERENCES annotators(id),
            status TEXT NOT NULL CHECK (status IN ('new', 'in_progress', 'done', 'skipped')),
            updated_at TEXT NOT NULL,
            PRIMARY KEY (document_id, annotator_id)
        )""",
        "CREATE INDEX status_by_annotator ON document_status(annotator_id, status)",
        """CREATE TABLE comments (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator_id INTEGER NOT NULL REFERENCES annotators(id),
            span_uuid TEXT,
            body TEXT NOT NULL,
            created_at TEXT NOT NULL
        )""",
        # The change log is append-only: merging and auditing replay it, so rows never change.
        """CREATE TABLE changes (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            annotator TEXT NOT NULL,
            action TEXT NOT NULL,
            document_id INTEGER,
            span_uuid TEXT,
            before TEXT,
            after TEXT
        )""",
        "CREATE INDEX changes_by_span ON changes(span_uuid)",
        """CREATE TRIGGER changes_no_update BEFORE UPDATE ON changes
           BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END""",
        """CREATE TRIGGER changes_no_delete BEFORE DELETE ON changes
           BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END""",
    ],
    # Version 2: indexes only, for the document list on 100,000 documents (DESIGN §8).
    # (The trigram index of titles is optional derived data, not schema: storage.search.)
    2: [
        # What the list shows, in list order. A page, a deep OFFSET or a title filter
        # reads this narrow index (about 60 bytes a document) instead of the table, whose
        # rows hold the texts: 100 ms became 3-30 ms at 100,000 documents.
        "CREATE INDEX documents_list ON documents(id, title, external_id, length)",
        # The smallest index of the table, which count(*) walks: 2 ms became 0.02 ms. On
        # the id, so that an import only ever adds to its end.
        "CREATE INDEX documents_count ON documents(id)",
    ],
    # Version 3: the adjudicator's rejections (storage.rejections). A rejected version
    # (start, end, label) of a document no longer shows as open in review, and automatic
    # gold never adds it. Keyed by the gold layer, so two adjudicators' golds stay apart.
    # No reference to labels: a label set replaced later must not fail on an old rejection.
    3: [
        """CREATE TABLE gold_rejections (
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator_id INTEGER NOT NULL REFERENCES annotators(id),
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            label TEXT NOT NULL,
            by TEXT NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (document_id, annotator_id, start, "end", label)
        )""",
    ],
    # Version 4: suggestions an annotator rejected (storage.suggestion_rejections), so a
    # rejected suggestion does not come back when the document is opened again. Keyed by
    # the annotator's layer; like gold_rejections, no reference to labels.
    4: [
        """CREATE TABLE suggestion_rejections (
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator_id INTEGER NOT NULL REFERENCES annotators(id),
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            label TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (document_id, annotator_id, start, "end", label)
        )""",
    ],
}

LATEST_VERSION = max(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


class UpgradeFailedError(ProjectError):
    """A schema upgrade failed and was rolled back: the project is as it was."""


def backup_before_upgrade(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    """Copy the project with SQLite's online backup API before touching its schema.

    The copy, ``<name>.v<version>-<stamp>.bak`` beside the project, is written whole and
    checked or not at all (a damaged project is not upgraded); storage.backups lists it
    among the project's backups and never prunes it.
    """
    from storage.backups import stamp, write_copy  # storage.backups imports this module

    target = path.with_name(f"{path.name}.v{version}-{stamp()}.bak")
    write_copy(conn, target, origin=path)
    return target


def refuse_newer(conn: sqlite3.Connection, path: Path | None) -> int:
    """The schema version, or NewerProjectError when this Tawsim is too old for it."""
    current = schema_version(conn)
    if current > LATEST_VERSION:
        raise NewerProjectError(
            f"{path}: this project was written by a newer Tawsim (schema {current}, this "
            f"version knows up to {LATEST_VERSION}). Update Tawsim to open it; the file "
            "was not changed.",
            path=path,
            found=current,
            known=LATEST_VERSION,
        )
    return current


def upgrade(conn: sqlite3.Connection, path: Path | None) -> list[int]:
    """Bring the schema to LATEST_VERSION; returns the versions applied.

    Every step and the user_version bump run in one transaction: an upgrade happens whole
    or not at all, and a failed one leaves the file as it was (UpgradeFailedError, which
    names the copy taken before). So a migration must be SQL that works in a transaction:
    no VACUUM, and no PRAGMA journal_mode or foreign_keys, which do nothing inside one.
    """
    current = refuse_newer(conn, path)
    if current == LATEST_VERSION:
        return []
    backup = None
    if current > 0 and path is not None:
        backup = backup_before_upgrade(conn, path, current)
    versions = list(range(current + 1, LATEST_VERSION + 1))
    step = versions[0]
    conn.execute("BEGIN IMMEDIATE")
    try:
        for step in versions:
            for statement in MIGRATIONS[step]:
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION}")
        conn.execute("COMMIT")
    except BaseException as error:
        if conn.in_transaction:  # a failed COMMIT may have rolled back already
            conn.execute("ROLLBACK")
        if not isinstance(error, Exception):
            raise
        copy = f"; a copy taken before the upgrade is {backup}" if backup else ""
        raise UpgradeFailedError(
            f"{path}: the upgrade from schema {current} to {LATEST_VERSION} failed in step "
            f"{step} ({error}). Nothing was changed: the project is as it was{copy}."
        ) from error
    return versions
