"""Helpers of the team tests: the lead's articles, spans through the storage API, dumps."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from storage import Project, Span

PLACES = ["حلب", "دير الزور", "الرقة", "إدلب", "غزة", "الموصل", "بغداد", "درعا", "حمص", "صنعاء"]


def article(i: int) -> str:
    place = PLACES[i % len(PLACES)]
    extra = " 📍" if i % 4 == 1 else ""  # code points and UTF-16 units part ways here
    return f"خبر {i}:{extra} قُتل {i + 2} مدنيين في {place} فجر اليوم، وفق المرصد السوري."


def span_on(project: Project, document_id: int, word: str, label: str, annotator: str) -> Span:
    """A span over the first ``word`` of a document, stored through the storage API."""
    from uuid import uuid4

    document = project.documents.get(document_id)
    assert document is not None
    start = document.text.index(word)
    return project.spans.create(
        Span(str(uuid4()), document_id, annotator, start, start + len(word), label, word),
        by=annotator,
    )


def tick() -> None:
    """Let the millisecond clock move on, so that 'later' is later."""
    time.sleep(0.003)


def dump(path: Path) -> list[str]:
    """Every row of every table, as SQL: what 'nothing changed' means."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def layer(path: Path, annotator: str) -> list[tuple[object, ...]]:
    """One layer's spans in a file, by external id: comparable across files."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            'SELECT s.uuid, d.external_id, s.start, s."end", s.label, s.text, s.attrs,'
            " s.created_at, s.updated_at FROM spans s JOIN documents d ON d.id = s.document_id"
            " JOIN annotators a ON a.id = s.annotator_id WHERE a.name = ? ORDER BY s.uuid",
            (annotator,),
        ).fetchall()
    finally:
        conn.close()


def statuses(path: Path, annotator: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT d.external_id, st.status, st.updated_at FROM document_status st"
            " JOIN documents d ON d.id = st.document_id"
            " JOIN annotators a ON a.id = st.annotator_id WHERE a.name = ? ORDER BY 1",
            (annotator,),
        ).fetchall()
    finally:
        conn.close()
