"""The find bar (Ctrl+F): folded search with proclitics, exact code point offsets after
emoji, next/previous with wrap-around, hits painted on screen only, Esc closes."""

from __future__ import annotations

from pathlib import Path

import pytest

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from app.core.search import find_in_text
from app.ui.find_bar import CURRENT_HIT_COLOR, DEBOUNCE_MS, HIT_COLOR
from tests.gui.helpers import project_with_articles, shown_window

# Emoji (two UTF-16 units each) before every hit; 'وبدير' and 'ودير' carry proclitics,
# 'دَير' a fatha, and 'مدير الزور' is no hit at all.
SIEGE = "😢 قصف على دَير الزور. وبدير الزور قتلى، ودير الزور تحت الحصار. مدير الزور ليس هنا."
EXODUS = "📍 نزوح من دير الزور إلى الرقة، ولدير الزور حكاية."
QUERY = "دير الزور"


def _project(tmp_path: Path, articles: list[tuple[str, str]]) -> Path:
    return project_with_articles(tmp_path / "find.tawsim", articles)


def _window(path: Path, qtbot):  # type: ignore[no-untyped-def]
    return shown_window(path, qtbot)


@pytest.fixture
def window(tmp_path: Path, qtbot):  # type: ignore[no-untyped-def]
    win = _window(_project(tmp_path, [("siege", SIEGE), ("exodus", EXODUS)]), qtbot)
    yield win
    win.close()


def _type(widget: QWidget, text: str) -> None:
    """Real key events carrying Arabic characters (QTest.keyClicks only knows Latin keys)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            QApplication.sendEvent(widget, event)


def _qt_selected_text(window) -> str:  # type: ignore[no-untyped-def]
    # QTextCursor.selectedText turns paragraph breaks into U+2029; none in these hits.
    return window.article_view.textCursor().selectedText()


def test_ctrl_f_typing_finds_hits_with_proclitics_after_the_debounce(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    bar = window.find_bar
    assert bar.isHidden()
    find = window.actions_by_name["find"]
    assert find.shortcuts() == [QKeySequence("Ctrl+F")]
    find.trigger()
    assert bar.isVisible() and bar.query.hasFocus()
    _type(bar.query, QUERY)
    assert bar.query.text() == QUERY
    assert bar.hits == []  # debounced: nothing searched while typing
    qtbot.waitUntil(lambda: bar.hits != [], timeout=DEBOUNCE_MS * 10)
    expected = find_in_text(SIEGE, QUERY)
    assert bar.hits == expected and len(expected) == 3
    # Every hit covers the name only: the proclitics و and ب stay outside it.
    assert [SIEGE[s:e] for s, e in bar.hits] == ["دَير الزور", QUERY, QUERY]
    assert [SIEGE[s - 2 : s] for s, _ in bar.hits[1:]] == ["وب", " و"]
    assert bar.counter.text() == "1 / 3"


def test_the_current_hit_is_selected_exactly_after_an_emoji(window) -> None:  # type: ignore[no-untyped-def]
    bar = window.find_bar
    bar.open_bar(QUERY)
    view = window.article_view
    start, end = bar.hits[0]
    assert view.selection_code_points() == (start, end)
    # Qt's own view of the selection: UTF-16 positions shifted by the emoji's surrogate
    # pair, covering exactly the hit's characters.
    assert _qt_selected_text(window) == SIEGE[start:end]
    assert view.textCursor().selectionStart() == start + 1  # 😢 counts two units


def test_enter_f3_and_their_shift_variants_step_and_wrap(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    bar = window.find_bar
    bar.open_bar(QUERY)
    seen = []
    for _ in range(3):
        QTest.keyClick(bar.query, Qt.Key.Key_Return)
        seen.append(bar.counter.text())
    assert seen == ["2 / 3", "3 / 3", "1 / 3"]  # wraps past the end
    QTest.keyClick(bar.query, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert bar.counter.text() == "3 / 3"  # and back past the start
    # F3 and Shift+F3 are the window's Find next / previous (triggered here: offscreen,
    # which window is active, and so gets shortcuts, is the platform's guess).
    actions = window.actions_by_name
    assert actions["find_next"].shortcuts() == [QKeySequence("F3")]
    assert actions["find_previous"].shortcuts() == [QKeySequence("Shift+F3")]
    actions["find_next"].trigger()
    assert bar.counter.text() == "1 / 3"
    actions["find_previous"].trigger()
    assert bar.counter.text() == "3 / 3"
    start, end = bar.hits[2]
    assert window.article_view.selection_code_points() == (start, end)
    assert _qt_selected_text(window) == QUERY


def test_hits_are_painted_in_their_own_colours_and_esc_clears_them(window) -> None:  # type: ignore[no-untyped-def]
    bar = window.find_bar
    bar.open_bar(QUERY)
    view = window.article_view
    offsets = view.painter.offsets
    painted = {
        (s.cursor.selectionStart(), s.cursor.selectionEnd()): s.format.background().color().name()
        for s in view.extraSelections()
    }
    expected = {(offsets.to_utf16(s), offsets.to_utf16(e)) for s, e in bar.hits}
    assert set(painted) == expected
    current = (offsets.to_utf16(bar.hits[0][0]), offsets.to_utf16(bar.hits[0][1]))
    assert painted.pop(current) == CURRENT_HIT_COLOR.name()
    assert set(painted.values()) == {HIT_COLOR.name()}
    label_colours = {c.lower() for c in view.painter.colors} | {
        c.name() for c in view.painter.colors.values()
    }
    assert HIT_COLOR.name() not in label_colours and CURRENT_HIT_COLOR.name() not in label_colours
    QTest.keyClick(bar.query, Qt.Key.Key_Escape)
    assert bar.isHidden()
    assert view.extraSelections() == []
    assert view.hasFocus()


def test_another_document_is_searched_for_the_same_query(window) -> None:  # type: ignore[no-untyped-def]
    bar = window.find_bar
    bar.open_bar(QUERY)
    window.step_document(1)
    assert window.session.document.text == EXODUS
    assert bar.hits == find_in_text(EXODUS, QUERY)
    assert [EXODUS[s:e] for s, e in bar.hits] == [QUERY, QUERY]  # 'ولدير' → 'دير'
    assert window.article_view.selection_code_points() == bar.hits[0]
    assert bar.counter.text() == "1 / 2"


def test_no_hits_and_a_blank_query(window) -> None:  # type: ignore[no-untyped-def]
    bar = window.find_bar
    bar.open_bar("حلب")
    assert (bar.hits, bar.counter.text()) == ([], "No hits")
    bar.query.setText("   ")
    bar.search()
    assert (bar.hits, bar.counter.text()) == ([], "")
    bar.step(1)  # nothing to step to: no error, no selection
    assert window.article_view.extraSelections() == []


def test_a_selected_span_keeps_its_outline_beside_the_hits(window) -> None:  # type: ignore[no-untyped-def]
    bar = window.find_bar
    bar.open_bar(QUERY)
    view = window.article_view
    view.select_code_points(*bar.hits[1])
    QTest.keyClick(view, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)  # tag LOCATION
    span = window.session.span(window.session.selected_uuid)
    assert span is not None and (span.start, span.end) == bar.hits[1]
    bar._paint()
    # Three hits plus the outline of the selected span, which is drawn last (on top).
    selections = view.extraSelections()
    assert len(selections) == 4
    outline = selections[-1]
    assert outline.format.background().color() == view.painter.color("LOCATION").darker(135)


def test_a_long_article_paints_only_the_hits_on_screen(tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    paragraph = "😢 قصف على دير الزور وبدير الزور قتلى ودير الزور تحت الحصار. " * 6
    text = "\n".join([paragraph] * 600)  # ~200,000 characters, 10,800 hits
    window = _window(_project(tmp_path, [("long", text)]), qtbot)
    bar = window.find_bar
    bar.open_bar(QUERY)
    assert len(bar.hits) == 600 * 6 * 3
    painted = len(window.article_view.extraSelections())
    assert 0 < painted < 400  # the visible paragraphs' hits, not 10,800
    for _ in range(4):
        bar.step(-1)  # wraps to the end of the article: the last hits are on screen now
    start, end = bar.hits[-4]
    assert window.article_view.selection_code_points() == (start, end)
    offsets = window.article_view.painter.offsets
    painted_spans = {
        (s.cursor.selectionStart(), s.cursor.selectionEnd())
        for s in window.article_view.extraSelections()
    }
    assert (offsets.to_utf16(start), offsets.to_utf16(end)) in painted_spans
    window.close()
