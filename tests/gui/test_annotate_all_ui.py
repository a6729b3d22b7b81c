"""Annotate all occurrences from the window: the preview counts what the plan holds, OK
applies it as one undoable command, undo deletes exactly the created spans, redo brings the
same ones back, tagged places are left alone, and read-only mode refuses it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox

from app.core.annotate_all import plan_annotate_all
from app.ui.annotate_all_dialog import AnnotateAllDialog
from storage import open_project
from tests.gui.helpers import project_with_articles, shown_window

SIEGE = "😢 قصف على دَير الزور. وبدير الزور قتلى، ودير الزور تحت الحصار. مدير الزور ليس هنا."
EXODUS = "📍 نزوح من دير الزور إلى الرقة، ولدير الزور حكاية."
QUIET = "لا شيء هنا عن المدينة."
NAME = "دير الزور"
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def path(tmp_path: Path) -> Path:
    articles = [("siege", SIEGE), ("quiet", QUIET), ("exodus", EXODUS)]
    return project_with_articles(tmp_path / "annotate.tawsim", articles)


@pytest.fixture
def window(path: Path, qtbot):  # type: ignore[no-untyped-def]
    win = shown_window(path, qtbot)
    yield win
    win.close()


@pytest.fixture
def db(path: Path) -> Iterator[sqlite3.Connection]:
    """A second, independent connection: what it reads was committed."""
    conn = sqlite3.connect(path)
    yield conn
    conn.close()


def _spans(db: sqlite3.Connection) -> list[tuple[str, str, int, int, str, str]]:
    return db.execute(
        'SELECT s.uuid, d.external_id, s.start, s."end", s.label, s.text FROM spans s'
        " JOIN documents d ON d.id = s.document_id ORDER BY d.id, s.start"
    ).fetchall()


def _tag(window, start: int, end: int, key: Qt.Key) -> None:  # type: ignore[no-untyped-def]
    """Select exactly [start, end) and press a label key with Alt (no snapping)."""
    window.article_view.select_code_points(start, end)
    QTest.keyClick(window.article_view, key, ALT)


def _open_preview(window) -> AnnotateAllDialog:  # type: ignore[no-untyped-def]
    action = window.actions_by_name["annotate_all"]
    assert QKeySequence("Ctrl+Shift+A") in action.shortcuts()
    action.trigger()
    dialog = window.findChild(AnnotateAllDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def _ok(dialog: AnnotateAllDialog) -> None:
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def test_preview_counts_the_plan_and_ok_tags_them_in_one_undoable_step(
    window,  # type: ignore[no-untyped-def]
    db: sqlite3.Connection,
    path: Path,
) -> None:
    start = SIEGE.index("دَير")
    _tag(window, start, start + len("دَير الزور"), Qt.Key.Key_2)  # LOCATION, selected
    dialog = _open_preview(window)
    with open_project(path, read_only=True) as project:
        source = project.spans.for_document(window.session.document.id, "alice")[0]
        plan = plan_annotate_all(project, "alice", source, "document")
    assert plan.total == 2
    assert dialog.plan.occurrences == plan.occurrences
    assert dialog.summary.text() == (
        "2 new occurrences will be tagged; 1 already tagged are left alone."
    )
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).text() == "Tag 2"
    steps = window.session.undo_stack.count()
    _ok(dialog)
    assert window.session.undo_stack.count() == steps + 1
    stored = _spans(db)
    assert [(s[1], s[4], s[5]) for s in stored] == [("siege", "LOCATION", "دَير الزور")] + [
        ("siege", "LOCATION", NAME)
    ] * 2
    assert [(s[2], s[3]) for s in stored[1:]] == [(o.start, o.end) for o in plan.occurrences]
    # The view followed: the span list holds the three, the status line counts them.
    assert window.span_model.rowCount() == 3
    assert "3 spans" in window.status_text.text()
    created = stored[1:]

    window.actions_by_name["undo"].trigger()
    assert [s[0] for s in _spans(db)] == [stored[0][0]]  # exactly the created ones went
    assert window.span_model.rowCount() == 1

    window.actions_by_name["redo"].trigger()
    assert _spans(db) == stored  # the very same spans: uuids, places, labels
    assert created == _spans(db)[1:]
    assert window.span_model.rowCount() == 3
    changes = db.execute(
        "SELECT action, count(*) FROM changes WHERE action LIKE 'span.%' GROUP BY action"
    ).fetchall()
    assert dict(changes) == {"span.create": 5, "span.delete": 2}


def test_occurrences_already_tagged_are_left_alone(window, db: sqlite3.Connection) -> None:  # type: ignore[no-untyped-def]
    second = SIEGE.index(NAME, SIEGE.index("وبدير"))
    _tag(window, second, second + len(NAME), Qt.Key.Key_1)  # ACTOR, by the annotator's choice
    actor = _spans(db)[0]
    first = SIEGE.index("دَير")
    _tag(window, first, first + len("دَير الزور"), Qt.Key.Key_2)
    dialog = _open_preview(window)
    assert dialog.plan.total == 1
    assert "1 new occurrences will be tagged; 2 already tagged" in dialog.summary.text()
    _ok(dialog)
    stored = _spans(db)
    assert actor in stored  # untouched: same uuid, place, label
    assert sorted(s[4] for s in stored) == ["ACTOR", "LOCATION", "LOCATION"]
    third = SIEGE.index(NAME, SIEGE.index("ودير"))
    assert (third, third + len(NAME)) in [(s[2], s[3]) for s in stored]


def test_the_whole_corpus_scope_lists_documents_and_undoes_everywhere(
    window,  # type: ignore[no-untyped-def]
    db: sqlite3.Connection,
) -> None:
    first = SIEGE.index("دَير")
    _tag(window, first, first + len("دَير الزور"), Qt.Key.Key_2)
    dialog = _open_preview(window)
    assert dialog.documents.isHidden()
    dialog.whole_corpus.click()
    assert dialog.plan.scope == "corpus" and dialog.plan.total == 4
    listed = [dialog.documents.item(i).text() for i in range(dialog.documents.count())]
    assert listed == ["\u2068siege\u2069: 2", "\u2068exodus\u2069: 2"]  # titles isolated
    assert dialog.summary.text().startswith("4 new occurrences will be tagged")
    _ok(dialog)
    assert [(s[1], s[5]) for s in _spans(db)[1:]] == [("siege", NAME)] * 2 + [("exodus", NAME)] * 2
    assert window.session.document.external_id == "siege"  # the reader stays where they were
    window.actions_by_name["undo"].trigger()
    assert [s[1] for s in _spans(db)] == ["siege"]
    window.actions_by_name["redo"].trigger()
    assert len(_spans(db)) == 5


def test_without_a_span_nothing_opens(window, db: sqlite3.Connection) -> None:  # type: ignore[no-untyped-def]
    window.actions_by_name["annotate_all"].trigger()
    assert window.findChild(AnnotateAllDialog) is None
    assert "Select a span first" in window.statusBar().currentMessage()
    assert _spans(db) == []


def test_the_span_under_the_caret_is_the_source(window) -> None:  # type: ignore[no-untyped-def]
    first = SIEGE.index("دَير")
    _tag(window, first, first + len("دَير الزور"), Qt.Key.Key_2)
    window.select_span("")
    window.article_view.select_code_points(first + 2, first + 2)  # caret inside the span
    dialog = _open_preview(window)
    assert dialog.span.text == "دَير الزور" and dialog.plan.total == 2


def test_read_only_refuses_it(path: Path, qtbot, db: sqlite3.Connection) -> None:  # type: ignore[no-untyped-def]
    from app.ui import create_window
    from storage import Span

    with open_project(path) as project:  # a span to start from, stored beforehand
        start = SIEGE.index("دَير")
        project.spans.create(
            Span("a-1", 1, "alice", start, start + 10, "LOCATION", SIEGE[start : start + 10]),
            by="alice",
        )
    holder = open_project(path, holder="bob")  # another instance holds the project
    try:
        window = create_window(path, "alice")
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        assert window.read_only.active
        window.select_span("a-1")
        action = window.actions_by_name["annotate_all"]
        assert not action.isEnabled()  # an editing action, off while another instance holds it
        action.trigger()
        assert window.findChild(AnnotateAllDialog) is None
        # Should it be reached another way (a stale shortcut), the window still refuses.
        window.annotate_all()
        assert window.findChild(AnnotateAllDialog) is None
        assert "nothing was changed" in window.statusBar().currentMessage()
        assert len(_spans(db)) == 1
        window.close()
    finally:
        holder.close()
