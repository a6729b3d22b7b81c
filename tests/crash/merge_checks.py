"""Annotators' work packages to merge, and a project's content to compare merges by."""

from __future__ import annotations

import hashlib
import random
import sqlite3
from pathlib import Path

from tests.crash.old_schema import user_tables

PACKAGE_ANNOTATORS = ("amal", "bilal", "salma")


def make_packages(base: Path, folder: Path, rng: random.Random) -> list[Path]:
    """Three annotators' packages of ``base``, each with spans and statuses of its own."""
    from app.team.packages import create_packages
    from storage import Span, open_project

    with open_project(base) as project:
        create_packages(project, list(PACKAGE_ANNOTATORS), folder, seed=3)
    paths = []
    for name in PACKAGE_ANNOTATORS:
        path = folder / f"{name}.tawsim"
        with open_project(path) as package:
            me = package.annotator(name).id
            ids = [row[0] for row in package.conn.execute("SELECT id, text FROM documents")]
            for document_id in rng.sample(ids, 12):
                document = package.documents.get(document_id)
                assert document is not None
                start = rng.randrange(len(document.text) - 12)
                end = start + rng.randint(3, 10)
                span = Span(
                    uuid=f"00000000-0000-4000-8000-{rng.randrange(16**12):012x}",
                    document_id=document_id,
                    annotator=name,
                    start=start,
                    end=end,
                    label=rng.choice(("ACTOR", "LOCATION", "DATE")),
                    text=document.text[start:end],
                )
                package.spans.create(span, by=name)
                package.status.set(document_id, me, "done", by=name)
        paths.append(path)
    return paths


def merged_state(project: Path) -> str:
    """A digest of every row of the project, leaving out timestamps, the project's own
    settings and the derived search index: equal digests, equal merges."""
    conn = sqlite3.connect(f"{project.resolve().as_uri()}?mode=ro", uri=True)
    digest = hashlib.sha256()
    try:
        for table in user_tables(conn):
            if table == "project_meta":
                continue
            columns = [
                f'"{row[1]}"'
                for row in conn.execute(f"PRAGMA table_info({table})")
                if row[1] != "at" and not row[1].endswith("_at")
            ]
            digest.update(table.encode())
            for row in conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY rowid"):
                digest.update(repr(row).encode())
    finally:
        conn.close()
    return digest.hexdigest()


def reported_merged(lines: list[str], packages: list[Path]) -> int:
    """How many files `tawsim merge` reported merged (it prints a summary after each)."""
    return sum(
        any(line.startswith((f"{path} (", f"{path}:")) for line in lines) for path in packages
    )
