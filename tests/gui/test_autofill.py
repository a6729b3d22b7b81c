"""Normalized values are filled in as a span is tagged, follow its boundaries and label, and
an edit in the span list is never overwritten; undo restores the attributes exactly."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.ui.commands import UpdateSpan
from tests.gui.helpers import select_with_keys

TEXT = "قُتل أكثر من 20 مدنياً في غارة على إدلب أمس، وأصيب نحو 30 آخرون."
WRONG_WEEKDAY = "وقع الهجوم يوم الخميس 8 نوفمبر 2023 على أطراف المدينة."
PUBLISHED = "2023-11-08"  # a Wednesday


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    from app.core.importing import import_paths
    from app.core.setup import init_project

    articles = [
        {"id": "idlib", "text": TEXT, "meta": {"title": "إدلب", "published": PUBLISHED}},
        {"id": "weekday", "text": WRONG_WEEKDAY, "meta": {"published": PUBLISHED}},
    ]
    source = tmp_path / "articles.jsonl"
    source.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), "utf-8")
    path = tmp_path / "project.tawsim"
    with init_project(path) as project:
        assert import_paths(project, [source]).imported == 2
    return path


@pytest.fixture
def db(project_path: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(project_path)
    yield conn
    conn.close()


def stored_attrs(db: sqlite3.Connection, span_uuid: str) -> dict[str, Any]:
    row = db.execute("SELECT attrs FROM spans WHERE uuid = ?", (span_uuid,)).fetchone()
    return dict(json.loads(row[0]))


def tag(window, words: str, key: Qt.Key) -> str:  # type: ignore[no-untyped-def]
    text = window.session.document.text
    start = text.index(words)
    select_with_keys(window.article_view, start, start + len(words))
    QTest.keyClick(window.article_view, key, Qt.KeyboardModifier.AltModifier)  # exact
    return str(window.session.selected_uuid)


def open_external(window, external_id: str) -> None:  # type: ignore[no-untyped-def]
    project = window.session.project
    row = project.conn.execute("SELECT id FROM documents WHERE external_id = ?", (external_id,))
    window.session.open_document(row.fetchone()[0])


def test_tagging_fills_casualty_count_and_date_values(window, db) -> None:
    counted = tag(window, "أكثر من 20", Qt.Key.Key_3)
    assert stored_attrs(db, counted) == {"value": 20, "qualifier": "at_least"}
    approx = tag(window, "نحو 30", Qt.Key.Key_3)
    assert stored_attrs(db, approx) == {"value": 30, "qualifier": "approximate"}
    yesterday = tag(window, "أمس", Qt.Key.Key_4)
    assert stored_attrs(db, yesterday) == {"value": "2023-11-07", "precision": "day"}
    window.session.undo_stack.undo()
    assert db.execute("SELECT COUNT(*) FROM spans WHERE uuid = ?", (yesterday,)).fetchone() == (0,)


def test_an_edited_value_survives_widening_and_undo_restores_it(window, db) -> None:
    session, model = window.session, window.span_model
    span_uuid = tag(window, "20", Qt.Key.Key_3)
    assert stored_attrs(db, span_uuid) == {"value": 20, "qualifier": "exact"}

    # The user corrects the value in the span list's attributes column.
    index = model.index(model.row_of(span_uuid), 2)
    assert model.setData(index, "value=22; qualifier=exact", Qt.ItemDataRole.EditRole)
    assert stored_attrs(db, span_uuid) == {"value": 22, "qualifier": "exact"}

    # Widening to 'أكثر من 20' recomputes the untouched qualifier, keeps the edited value.
    before = session.span(span_uuid)
    start = TEXT.index("أكثر من 20")
    session.undo_stack.push(UpdateSpan(session, before, bounds=(start, start + 10)))
    widened = session.span(span_uuid)
    assert (widened.start, widened.text) == (start, "أكثر من 20")
    assert stored_attrs(db, span_uuid) == {"value": 22, "qualifier": "at_least"}
    stored = db.execute('SELECT start, "end", text FROM spans WHERE uuid = ?', (span_uuid,))
    assert stored.fetchone() == (start, start + 10, "أكثر من 20")

    session.undo_stack.undo()  # the widening
    assert stored_attrs(db, span_uuid) == {"value": 22, "qualifier": "exact"}
    assert session.span(span_uuid).text == "20"
    session.undo_stack.undo()  # the edit
    assert stored_attrs(db, span_uuid) == {"value": 20, "qualifier": "exact"}
    session.undo_stack.redo()
    session.undo_stack.redo()
    assert stored_attrs(db, span_uuid) == {"value": 22, "qualifier": "at_least"}


def test_retag_drops_untouched_values_and_keeps_edited_ones(window, db) -> None:
    session = window.session
    span_uuid = tag(window, "نحو 30", Qt.Key.Key_3)
    session.undo_stack.push(
        UpdateSpan(
            session, session.span(span_uuid), attrs={"value": 31, "qualifier": "approximate"}
        )
    )
    session.undo_stack.push(UpdateSpan(session, session.span(span_uuid), label="LOCATION"))
    assert stored_attrs(db, span_uuid) == {"value": 31}
    session.undo_stack.undo()
    assert stored_attrs(db, span_uuid) == {"value": 31, "qualifier": "approximate"}


def test_a_contradicting_weekday_is_shown_in_the_span_list(window, db, qtbot) -> None:
    open_external(window, "weekday")
    span_uuid = tag(window, "الخميس 8 نوفمبر 2023", Qt.Key.Key_4)
    attrs = stored_attrs(db, span_uuid)
    assert attrs["value"] == "2023-11-08"
    assert "Thursday" in attrs["warning"] and "Wednesday" in attrs["warning"]
    model = window.span_model
    index = model.index(model.row_of(span_uuid), 0)
    shown = model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert shown.startswith("Check this value:") and attrs["warning"] in shown
    window.grab().save("/tmp/autofill-weekday.png")
