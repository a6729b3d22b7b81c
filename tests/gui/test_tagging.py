"""Tag, retag, delete, undo and redo through real key and mouse events."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.gui.conftest import ARTICLES
from tests.gui.helpers import (
    click_char,
    double_click_word,
    painted_format_at,
    painted_ranges,
    select_with_keys,
    stored_spans,
)

RAQQA = ARTICLES[0]["text"]
EMOJI = ARTICLES[1]["text"]


def test_window_contract(window) -> None:
    assert window.findChild(type(window.article_view), "articleView") is window.article_view
    assert window.article_view.objectName() == "articleView"
    assert window.document_list.table.objectName() == "documentList"
    assert window.span_list.objectName() == "spanList"
    assert window.article_view.toPlainText() == RAQQA


def test_keyboard_selection_and_key_tags_a_span(window, db: sqlite3.Connection) -> None:
    view = window.article_view
    start = RAQQA.index("ثلاثة عشر")
    select_with_keys(view, start, start + len("ثلاثة عشر"))
    assert view.selection_code_points() == (start, start + len("ثلاثة عشر"))
    QTest.keyClick(view, Qt.Key.Key_3)
    assert stored_spans(db, "raqqa") == [
        (start, start + len("ثلاثة عشر"), "CASUALTY_COUNT", "ثلاثة عشر")
    ]
    assert window.span_model.rowCount() == 1


def test_double_click_snaps_and_drops_proclitic(window, db: sqlite3.Connection) -> None:
    view = window.article_view
    word = RAQQA.index("بالرقة")
    double_click_word(view, word + 2)
    QTest.keyClick(view, Qt.Key.Key_2)
    # Qt's double-click grabs 'بالرقة،': snapping drops the comma and the proclitic.
    start = RAQQA.index("الرقة")
    assert stored_spans(db, "raqqa") == [(start, start + 5, "LOCATION", "الرقة")]


def test_alt_key_tags_the_exact_characters(window, db: sqlite3.Connection) -> None:
    view = window.article_view
    word = RAQQA.index("بالرقة")
    select_with_keys(view, word, word + len("بالرقة،"))
    QTest.keyClick(view, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert stored_spans(db, "raqqa") == [(word, word + 7, "LOCATION", "بالرقة،")]


def test_letter_key_and_label_button_tag(window, db: sqlite3.Connection) -> None:
    view = window.article_view
    start = RAQQA.index("المرصد السوري")
    select_with_keys(view, start, start + len("المرصد السوري"))
    QTest.keyClick(view, Qt.Key.Key_A)
    date = RAQQA.index("فجر اليوم الأربعاء")
    select_with_keys(view, date, date + len("فجر اليوم الأربعاء"))
    QTest.mouseClick(window.label_bar.buttons["DATE"], Qt.MouseButton.LeftButton)
    labels = [row[2] for row in stored_spans(db, "raqqa")]
    assert labels == ["DATE", "ACTOR"]


def test_emoji_before_span_keeps_code_point_offsets(window, db: sqlite3.Connection) -> None:
    window.show_document(2)
    view = window.article_view
    start = EMOJI.index("حي الشيخ رضوان")
    end = start + len("حي الشيخ رضوان")
    select_with_keys(view, start, end)
    QTest.keyClick(view, Qt.Key.Key_2)
    assert stored_spans(db, "emoji") == [(start, end, "LOCATION", "حي الشيخ رضوان")]
    # The highlight sits on exactly those characters in Qt's UTF-16 positions.
    utf16_start = len(EMOJI[:start].encode("utf-16-le")) // 2
    painted = [(s, e) for s, e, _ in painted_ranges(view)]
    assert painted == [(utf16_start, utf16_start + end - start)]


def test_span_containing_an_emoji(window, db: sqlite3.Connection) -> None:
    window.show_document(2)
    view = window.article_view
    start = EMOJI.index("📍")
    end = EMOJI.index("الآن") + len("الآن")
    select_with_keys(view, start, end)
    assert view.selection_code_points() == (start, end)
    QTest.keyClick(view, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    assert stored_spans(db, "emoji") == [(start, end, "DATE", "📍 غزة الآن")]


def test_click_retag_delete_undo_redo(window, db: sqlite3.Connection) -> None:
    view = window.article_view
    start = RAQQA.index("المرصد السوري")
    end = start + len("المرصد السوري")
    select_with_keys(view, start, end)
    QTest.keyClick(view, Qt.Key.Key_2)
    assert stored_spans(db, "raqqa")[0][2] == "LOCATION"

    view.clear_selection()
    click_char(view, start + 3)
    assert window.session.selected_uuid
    QTest.keyClick(view, Qt.Key.Key_1)  # retag the selected span
    assert stored_spans(db, "raqqa") == [(start, end, "ACTOR", "المرصد السوري")]

    QTest.keyClick(view, Qt.Key.Key_Delete)
    assert stored_spans(db, "raqqa") == []

    QTest.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo delete
    assert stored_spans(db, "raqqa") == [(start, end, "ACTOR", "المرصد السوري")]
    QTest.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo retag
    assert stored_spans(db, "raqqa") == [(start, end, "LOCATION", "المرصد السوري")]
    QTest.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo tag
    assert stored_spans(db, "raqqa") == []
    redo = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    QTest.keyClick(view, Qt.Key.Key_Z, redo)
    QTest.keyClick(view, Qt.Key.Key_Z, redo)
    assert stored_spans(db, "raqqa") == [(start, end, "ACTOR", "المرصد السوري")]
    changes = db.execute("SELECT action FROM changes WHERE span_uuid IS NOT NULL").fetchall()
    assert [c[0] for c in changes] == [
        "span.create",
        "span.update",
        "span.delete",
        "span.create",
        "span.update",
        "span.delete",
        "span.create",
        "span.update",
    ]


def test_undo_after_switching_documents(window, db: sqlite3.Connection) -> None:
    view = window.article_view
    start = RAQQA.index("المرصد")
    select_with_keys(view, start, start + len("المرصد"))
    QTest.keyClick(view, Qt.Key.Key_1)
    table = window.document_list.table
    third_row = table.visualRect(window.list_model.index(2, 0)).center()
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=third_row)
    assert window.session.document.external_id == "third"
    QTest.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.session.document.external_id == "raqqa"  # undo shows what it undid
    assert stored_spans(db, "raqqa") == []


def test_overlapping_spans_stay_distinguishable(window, db: sqlite3.Connection) -> None:
    view = window.article_view
    outer = RAQQA.index("المرصد السوري")
    select_with_keys(view, outer, outer + len("المرصد السوري"))
    QTest.keyClick(view, Qt.Key.Key_1)
    select_with_keys(view, outer + len("المرصد "), outer + len("المرصد السوري"))
    QTest.keyClick(view, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert len(stored_spans(db, "raqqa")) == 2
    painted = painted_ranges(view)
    assert len({colour for _, _, colour in painted}) == 2  # outer colour and inner colour
    inner = painted_format_at(view, outer + len("المرصد ") + 2)  # no emoji: UTF-16 = code points
    assert inner is not None
    assert inner.underlineStyle() == inner.UnderlineStyle.WaveUnderline
    # Clicking the overlap twice reaches both spans.
    view.clear_selection()
    click_char(view, outer + len("المرصد ") + 2)
    first = window.session.selected_uuid
    click_char(view, outer + len("المرصد ") + 2)
    assert window.session.selected_uuid not in ("", first)


def test_mark_done_goes_to_next_unfinished(window, db: sqlite3.Connection) -> None:
    view = window.article_view
    QTest.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    status = db.execute(
        "SELECT st.status FROM document_status st JOIN documents d ON d.id = st.document_id"
        " WHERE d.external_id = 'raqqa'"
    ).fetchone()
    assert status == ("done",)
    assert window.session.document.external_id == "emoji"
    assert window.list_model.row_at(0).status == "done"
    skip = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    QTest.keyClick(view, Qt.Key.Key_Return, skip)
    assert window.session.document.external_id == "third"


def test_attributes_edit_in_the_span_list(window, db: sqlite3.Connection) -> None:
    view = window.article_view
    start = RAQQA.index("ثلاثة عشر")
    select_with_keys(view, start, start + len("ثلاثة عشر"))
    QTest.keyClick(view, Qt.Key.Key_3)
    # Tagging fills the normalized value from the text (issue 5); the edit below is the user's.
    filled = ('{"qualifier": "exact", "value": 13}',)
    assert db.execute("SELECT attrs FROM spans").fetchone() == filled
    index = window.span_model.index(0, 2)
    assert window.span_model.setData(index, "value=13; outcome=killed")
    row = db.execute("SELECT attrs FROM spans").fetchone()
    assert row == ('{"outcome": "killed", "value": 13}',)
    QTest.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert db.execute("SELECT attrs FROM spans").fetchone() == filled


def test_tab_steps_through_spans(window) -> None:
    view = window.article_view
    for word in ("ثلاثة عشر", "المرصد"):
        start = RAQQA.index(word)
        select_with_keys(view, start, start + len(word))
        QTest.keyClick(view, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Escape)
    assert window.session.selected_uuid == ""
    QTest.keyClick(view, Qt.Key.Key_Tab)
    assert window.session.span(window.session.selected_uuid).text == "ثلاثة عشر"
    QTest.keyClick(view, Qt.Key.Key_Tab)
    assert window.session.span(window.session.selected_uuid).text == "المرصد"
    QTest.keyClick(view, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert window.session.span(window.session.selected_uuid).text == "ثلاثة عشر"
    assert view.hasFocus()  # the keys stepped through the spans, not out of the view


def test_hover_shows_the_label(window) -> None:
    from PySide6.QtWidgets import QToolTip

    from tests.gui.helpers import point_at

    view = window.article_view
    start = RAQQA.index("المرصد")
    select_with_keys(view, start, start + len("المرصد"))
    QTest.keyClick(view, Qt.Key.Key_1)
    QTest.mouseMove(view.viewport(), point_at(view, start + 2))
    assert "ACTOR" in QToolTip.text()
    assert "Actor" in QToolTip.text()  # the English interface names labels in English


def test_zoom_keys_change_the_article_font(window) -> None:
    view = window.article_view
    before = view.font().pointSize()
    QTest.keyClick(view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert view.font().pointSize() == before + 1
    QTest.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert view.font().pointSize() == before
    assert window.settings.get("article_point_size") == before


def test_rtl_display_settings(window) -> None:
    view = window.article_view
    option = view.document().defaultTextOption()
    assert option.textDirection() == Qt.LayoutDirection.RightToLeft
    assert option.alignment() & Qt.AlignmentFlag.AlignRight
    assert view.font().family() == "Noto Naskh Arabic"


def test_span_whose_stored_text_differs_is_flagged_not_moved(project_path, qtbot) -> None:
    from app.ui import create_window
    from storage import Span, open_project

    start = RAQQA.index("المرصد")
    with open_project(project_path) as project:
        span = project.spans.create(
            Span("x", 1, "alice", start, start + 6, "ACTOR", "المرصد"), by="alice"
        )
        # Simulate damage from outside Tawsim: the stored string no longer matches.
        project.conn.execute("UPDATE spans SET text = 'غلط' WHERE uuid = ?", (span.uuid,))
    window = create_window(project_path, "alice")
    qtbot.addWidget(window)
    assert window.session.mismatched == {span.uuid}
    stored = window.session.spans[0]
    assert (stored.start, stored.end) == (start, start + 6)  # not moved
    index = window.span_model.index(0, 1)
    assert "differs" in window.span_model.data(index, Qt.ItemDataRole.ToolTipRole)
