"""Suggestions in the article view: dashed underlines, accept, reject, accept all, toggle."""

from __future__ import annotations

import sqlite3
import time
from itertools import pairwise
from pathlib import Path

import pytest

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat
from PySide6.QtTest import QTest

from app.assist.suggest import suggest_document
from app.core.setup import init_project
from app.settings import SHOW_SUGGESTIONS, Settings
from app.ui.main_window import MainWindow
from app.ui.suggestions import PIECE, _on_screen_first, _pieces
from storage import Span
from storage.clock import now
from storage.documents import NewDocument
from storage.ids import new_id
from tests.gui.helpers import painted_formats

# An emoji first: UTF-16 offsets run one ahead of code points after it.
FIRST = "😢 قُتل ثلاثة عشر مدنياً بدير الزور فجر اليوم الأربعاء، وفق المرصد. واتصل شاهد بالمرصد."
SECOND = "وصل الوفد إلى دير الزور أمس."
# (text, label) the first article should suggest, in order
EXPECTED = [
    ("ثلاثة عشر", "CASUALTY_COUNT"),
    ("دير الزور", "LOCATION"),
    ("فجر اليوم الأربعاء", "DATE"),
]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "project.tawsim"
    with init_project(path) as project:
        with project.transaction():
            for external_id, text in (("first", FIRST), ("second", SECOND)):
                project.documents.add(
                    NewDocument(external_id, text, external_id * 32, published="2023-11-08"),
                    imported_at=now(),
                )
        # Another annotator's span teaches the gazetteer 'دير الزور'.
        start = SECOND.index("دير الزور")
        project.spans.create(
            Span(new_id(), 2, "nour", start, start + 9, "LOCATION", "دير الزور"), by="nour"
        )
    return path


def open_window(
    path: Path, qtbot, settings: Settings | None = None, settle: bool = True
) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(path, "alice", settings or Settings())
    qtbot.addWidget(window)
    window.resize(1100, 600)
    window.show()
    qtbot.waitExposed(window)
    window.show_document(1)
    if settle:  # suggestions are computed after the article is painted
        qtbot.waitUntil(lambda: not window.suggestions.busy, timeout=20_000)
    return window


@pytest.fixture
def window(path: Path, qtbot):  # type: ignore[no-untyped-def]
    win = open_window(path, qtbot)
    yield win
    win.close()


def shown(window: MainWindow) -> list[tuple[str, str]]:
    return [(FIRST[s.start : s.end], s.label) for s in window.suggestions.shown()]


def dashed(window: MainWindow) -> list[tuple[int, int, QTextCharFormat]]:
    """(code point start, end, format) of every dashed range painted, mapped back."""
    offsets = window.article_view.painter.offsets
    return [
        (offsets.to_code_point(s), offsets.to_code_point(e), fmt)
        for s, e, fmt in painted_formats(window.article_view)
        if fmt.underlineStyle() == QTextCharFormat.UnderlineStyle.DashUnderline
    ]


def stored(path: Path, annotator: str = "alice") -> list[tuple[str, str, str]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT s.text, s.label, s.attrs FROM spans s JOIN annotators a"
            " ON a.id = s.annotator_id WHERE a.name = ? ORDER BY s.start",
            (annotator,),
        ).fetchall()


def caret_into(window: MainWindow, text: str) -> None:
    view = window.article_view
    start = FIRST.index(text)
    view.select_code_points(start + 1, start + 1)
    view.setFocus()


def test_suggestions_are_dashed_underlines_in_the_label_colour_on_exact_characters(
    window: MainWindow,
) -> None:
    assert shown(window) == EXPECTED
    painter = window.article_view.painter
    ranges = dashed(window)
    assert [(FIRST[s:e], fmt.underlineColor().name()) for s, e, fmt in ranges] == [
        (text, painter.color(label).darker(140).name()) for text, label in EXPECTED
    ]
    for _s, _e, fmt in ranges:  # no background: nothing that looks like a span
        assert fmt.background().style() == Qt.BrushStyle.NoBrush
    # Not annotations: no span stored, none listed, none counted.
    assert stored(window.project.path) == []  # type: ignore[union-attr]
    assert window.span_model.rowCount() == 0 and len(window.session.spans) == 0  # type: ignore[union-attr]
    assert "0 spans" in window.status_text.text()


def test_accept_creates_the_span_with_attributes_and_undo_brings_it_back(
    window: MainWindow,
) -> None:
    caret_into(window, "ثلاثة عشر")
    QTest.keyClick(window.article_view, Qt.Key.Key_Return)
    [(text, label, attrs)] = stored(window.project.path)  # type: ignore[union-attr]
    assert (text, label) == ("ثلاثة عشر", "CASUALTY_COUNT")
    assert '"value": 13' in attrs and '"qualifier": "exact"' in attrs
    assert window.span_model.rowCount() == 1
    assert shown(window) == EXPECTED[1:]
    assert [FIRST[s:e] for s, e, _f in dashed(window)] == [t for t, _l in EXPECTED[1:]]
    window.undo_group.undo()
    assert stored(window.project.path) == []  # type: ignore[union-attr]
    assert shown(window) == EXPECTED
    assert [FIRST[s:e] for s, e, _f in dashed(window)] == [t for t, _l in EXPECTED]


def test_reject_persists_across_reopening_and_undo_unrejects(
    path: Path, window: MainWindow, qtbot
) -> None:  # type: ignore[no-untyped-def]
    caret_into(window, "فجر اليوم")
    QTest.keyClick(window.article_view, Qt.Key.Key_Delete, Qt.KeyboardModifier.ShiftModifier)
    assert shown(window) == EXPECTED[:2]
    window.undo_group.undo()
    assert shown(window) == EXPECTED
    window.undo_group.redo()
    window.show_document(2)
    window.show_document(1)
    qtbot.waitUntil(lambda: not window.suggestions.busy, timeout=20_000)
    assert shown(window) == EXPECTED[:2]
    window.close()
    again = open_window(path, qtbot)
    assert shown(again) == EXPECTED[:2]
    assert stored(path) == []  # a rejection is no span
    again.close()


def test_next_previous_and_accept_all_in_one_undo_step(window: MainWindow) -> None:
    view = window.article_view
    view.select_code_points(0, 0)
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_F9)
    assert view.selection_code_points() == (FIRST.index("ثلاثة"), FIRST.index(" مدنياً"))
    QTest.keyClick(view, Qt.Key.Key_F9)
    QTest.keyClick(view, Qt.Key.Key_F9, Qt.KeyboardModifier.ShiftModifier)
    assert view.selection_code_points() == (FIRST.index("ثلاثة"), FIRST.index(" مدنياً"))
    QTest.keyClick(view, Qt.Key.Key_F9, Qt.KeyboardModifier.ControlModifier)
    assert [(t, lab) for t, lab, _a in stored(window.project.path)] == EXPECTED  # type: ignore[union-attr]
    assert shown(window) == [] and window.span_model.rowCount() == 3
    stack = window.session.undo_stack  # type: ignore[union-attr]
    assert stack.count() == 1
    window.undo_group.undo()
    assert stored(window.project.path) == [] and shown(window) == EXPECTED  # type: ignore[union-attr]


def test_toggle_off_hides_them_and_is_remembered(path: Path, tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(tmp_path / "settings.json")
    window = open_window(path, qtbot, settings)
    toggle = window.actions_by_name["show_suggestions"]
    assert toggle.isChecked() and dashed(window)
    toggle.trigger()
    assert not toggle.isChecked() and dashed(window) == [] and shown(window) == []
    caret_into(window, "ثلاثة عشر")
    QTest.keyClick(window.article_view, Qt.Key.Key_Return)  # nothing to accept
    assert stored(path) == []
    window.close()
    assert Settings(tmp_path / "settings.json").get(SHOW_SUGGESTIONS) is False
    again = open_window(path, qtbot, Settings(tmp_path / "settings.json"))
    assert dashed(again) == [] and not again.actions_by_name["show_suggestions"].isChecked()
    again.actions_by_name["show_suggestions"].trigger()
    qtbot.waitUntil(lambda: not again.suggestions.busy, timeout=20_000)
    assert shown(again) == EXPECTED
    again.close()


def test_a_newly_tagged_name_is_suggested_elsewhere_at_once(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    start = FIRST.index("المرصد")
    window.article_view.select_code_points(start, start + len("المرصد"))
    QTest.keyClick(window.article_view, Qt.Key.Key_1)  # ACTOR
    second = FIRST.rindex("المرصد")  # in "بالمرصد": the proclitic stays outside
    # Looked for right after the tag is painted: the next turn of the event loop.
    qtbot.waitUntil(lambda: shown(window) == [*EXPECTED, ("المرصد", "ACTOR")], timeout=2000)
    assert (second, second + len("المرصد")) in [(s, e) for s, e, _f in dashed(window)]


def test_read_only_refuses_accept_and_reject(path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    from storage import open_project

    with open_project(path, holder="someone else"):
        window = open_window(path, qtbot)
        assert window.read_only.active
        caret_into(window, "ثلاثة عشر")
        QTest.keyClick(window.article_view, Qt.Key.Key_Return)
        QTest.keyClick(window.article_view, Qt.Key.Key_Delete, Qt.KeyboardModifier.ShiftModifier)
        assert shown(window) == EXPECTED
        window.close()
    assert stored(path) == []
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM suggestion_rejections").fetchone()[0] == 0


def test_a_long_article_is_computed_piece_by_piece_on_screen_first(tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "long.tawsim"
    text = ("😢 " + FIRST + "\n") * 2800  # about 200,000 characters
    with init_project(path) as project, project.transaction():
        project.documents.add(
            NewDocument("long", text, "l" * 64, published="2023-11-08"), imported_at=now()
        )
    began = time.perf_counter()
    window = open_window(path, qtbot, settle=False)
    opened = time.perf_counter() - began
    overlay = window.suggestions
    assert overlay.busy  # the article is shown before its suggestions are computed
    qtbot.waitUntil(lambda: not overlay.busy, timeout=60_000)
    assert len(overlay.shown()) == 2 * 2800  # the count and the date, each line
    # Piece by piece, the same as the whole article at once.
    assert overlay.found == suggest_document(text, "2023-11-08", overlay.gazetteer)
    print(f"opened in {opened:.3f} s, suggestions in {overlay.last_seconds:.3f} s")
    window.close()


# -- by the mouse: right-click menu and tooltip ---------------------------------------------


def right_click_and_choose(window: MainWindow, cp: int, wanted: str) -> list[str]:
    """Right-click the character at ``cp`` (a real context-menu event on the viewport),
    trigger the menu entry named ``wanted`` ("" for none) and return the menu's entries."""
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QContextMenuEvent
    from PySide6.QtWidgets import QApplication, QMenu

    from tests.gui.helpers import point_at

    view = window.article_view
    pos = point_at(view, cp)
    seen: list[str] = []

    def choose() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        seen.extend(a.text() for a in menu.actions() if not a.isSeparator())
        chosen = [a for a in menu.actions() if a.text() == wanted]
        menu.close()
        if chosen:
            chosen[0].trigger()

    QTimer.singleShot(50, choose)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, view.viewport().mapToGlobal(pos))
    QApplication.sendEvent(view.viewport(), event)
    return seen


def test_right_click_accepts_the_suggestion_under_the_mouse_not_at_the_caret(
    window: MainWindow,
) -> None:
    caret_into(window, "ثلاثة عشر")  # the caret is on another suggestion
    entries = right_click_and_choose(window, FIRST.index("دير الزور") + 2, "Accept suggestion")
    assert entries[:2] == ["Accept suggestion", "Reject suggestion"]
    [(text, label, _attrs)] = stored(window.project.path)  # type: ignore[union-attr]
    assert (text, label) == ("دير الزور", "LOCATION")
    assert shown(window) == [EXPECTED[0], EXPECTED[2]]
    window.undo_group.undo()  # one undoable step, like the key
    assert shown(window) == EXPECTED


def test_right_click_rejects_and_offers_nothing_off_a_suggestion(window: MainWindow) -> None:
    entries = right_click_and_choose(window, FIRST.index("فجر اليوم") + 1, "Reject suggestion")
    assert "Reject suggestion" in entries
    assert shown(window) == EXPECTED[:2] and stored(window.project.path) == []  # type: ignore[union-attr]
    plain = right_click_and_choose(window, FIRST.index("المرصد") + 2, "")
    assert plain and "Accept suggestion" not in plain and "Reject suggestion" not in plain


def test_hovering_a_suggestion_shows_label_source_value_and_keys(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QToolTip

    from tests.gui.helpers import point_at

    view = window.article_view
    QTest.mouseMove(view.viewport(), point_at(view, FIRST.index("ثلاثة عشر") + 3))
    assert QToolTip.isVisible()
    assert QToolTip.text().splitlines() == [
        "Suggestion: Casualty count (from the casualty-count rules)",
        "Value: 13",
        "Enter accepts · Shift+Delete rejects",
    ]
    QTest.mouseMove(view.viewport(), point_at(view, FIRST.index("دير الزور") + 3))
    assert QToolTip.text().splitlines()[0] == "Suggestion: Location (from the project's names)"
    QTest.mouseMove(view.viewport(), point_at(view, FIRST.index("المرصد") + 2))
    qtbot.waitUntil(lambda: not QToolTip.isVisible(), timeout=2000)  # hidden off it


def test_where_a_span_lies_its_tooltip_comes_first(window: MainWindow) -> None:
    from PySide6.QtWidgets import QToolTip

    from tests.gui.helpers import point_at

    caret_into(window, "ثلاثة عشر")
    QTest.keyClick(window.article_view, Qt.Key.Key_Return)  # now a span, no suggestion
    view = window.article_view
    QTest.mouseMove(view.viewport(), point_at(view, FIRST.index("ثلاثة عشر") + 3))
    assert QToolTip.text() == view.label_names["CASUALTY_COUNT"]


def test_pieces_cover_the_text_cut_after_sentences_and_the_screen_comes_first() -> None:
    text = ("قُتل 3.5 شخص. وأصيب ٢٠ آخرون\n" * 200) + "كلمة " * 600
    pieces = _pieces(text)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in pairwise(pieces))  # no gap, no overlap
    assert all(end - start <= PIECE for start, end in pieces)
    for _start, end in pieces[:-1]:
        assert text[end - 1] in "\n " and text[end - 2 : end] != "3."  # never inside "3.5"
    screen = (pieces[7][0] + 10, pieces[8][0] + 10)
    order = _on_screen_first(pieces, screen)[::-1]  # reversed for pop(): reading order here
    assert order[:2] == [pieces[7], pieces[8]]
    assert order[2:] == [p for p in pieces if p not in (pieces[7], pieces[8])]
