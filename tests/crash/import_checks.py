"""What a killed import may leave: whole chunks of the input, in order, nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.crash import checks
from tests.crash.harness import ChildRun


def as_annotator(items: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    """The records as imported from a folder with ``--annotator name``."""
    return [{**i, "spans": [{**s, "annotator": name} for s in i["spans"]]} for i in items]


def reported_committed(run: ChildRun) -> int:
    """Records the child reported committed (the CLI reports them only when it ends)."""
    counts = [int(line.split()[1]) for line in run.lines if line.startswith("COMMITTED")]
    return max(counts, default=0)


def check_import(project: Path, items: list[dict[str, Any]], chunk: int, run: ChildRun) -> int:
    """The project holds the first k records of ``items``, k a whole number of chunks (or
    all of them) and at least what was reported committed, each document with every span
    of its record and one change-log entry. Returns k."""
    with checks.open_checked(project) as opened:
        conn = opened.conn
        stored = conn.execute("SELECT id, external_id, text FROM documents ORDER BY id").fetchall()
        count = len(stored)
        reported = reported_committed(run)
        assert count >= reported, f"{reported} records were reported committed, {count} stored"
        if run.clean_exit():
            assert count == len(items), f"the import ended, but only {count} documents are here"
        assert count % chunk == 0 or count == len(items), (
            f"{count} documents: not a whole number of chunks of {chunk}"
        )
        assert [(e, t) for _, e, t in stored] == [(i["id"], i["text"]) for i in items[:count]], (
            "the documents are not the first records of the input"
        )
        spans: dict[str, list[tuple[object, ...]]] = {e: [] for _, e, _ in stored}
        for row in conn.execute(
            'SELECT d.external_id, a.name, s.start, s."end", s.label, s.text FROM spans s'
            " JOIN documents d ON d.id = s.document_id JOIN annotators a ON a.id = s.annotator_id"
        ):
            spans[row[0]].append(row[1:])
        for item in items[:count]:
            wanted = sorted(
                (s["annotator"], s["start"], s["end"], s["label"], s["text"]) for s in item["spans"]
            )
            assert sorted(spans[item["id"]]) == wanted, f"document {item['id']}: spans differ"
        logged = [
            row[0]
            for row in conn.execute(
                "SELECT document_id FROM changes WHERE action = 'document.import' ORDER BY seq"
            )
        ]
        assert logged == [i for i, _, _ in stored], "not one document.import entry per document"
    return count
