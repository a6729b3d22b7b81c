"""Review and adjudication: three annotators' layers stacked over gold, the open
disagreements, and accept / reject / edit / status through real keys, checked in SQLite."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from uuid import uuid4

import pytest

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.agreement import adjudication
from app.text.offsets import Utf16Map
from app.ui.review import open_review
from app.ui.review.layers_view import ReviewView, top_position
from app.ui.review.window import ReviewWindow
from storage import Project, ProjectError, Span
from tests.gui.conftest import ARTICLES
from tests.gui.helpers import click_char, painted_ranges, point_at

RAQQA = ARTICLES[0]["text"]
EMOJI = ARTICLES[1]["text"]
COLORS = {"ACTOR": "#ef9a9a", "LOCATION": "#90caf9", "CASUALTY_COUNT": "#ffcc80", "DATE": "#a5d6a7"}
FIXTURE = Path(__file__).parents[1] / "fixtures" / "team" / "sample_annotated.jsonl"

# (annotator, document, words, label): words found with str.find, never counted by hand.
# Raqqa: all agree on the count; amal and salma take 'الرقة', bilal keeps the proclitic
# ('بالرقة', a boundary); salma misses the date; bilal calls the observatory a LOCATION.
LAYERS = [
    ("amal", RAQQA, "ثلاثة عشر", "CASUALTY_COUNT"),
    ("bilal", RAQQA, "ثلاثة عشر", "CASUALTY_COUNT"),
    ("salma", RAQQA, "ثلاثة عشر", "CASUALTY_COUNT"),
    ("amal", RAQQA, "الرقة", "LOCATION"),
    ("bilal", RAQQA, "بالرقة", "LOCATION"),
    ("salma", RAQQA, "الرقة", "LOCATION"),
    ("amal", RAQQA, "فجر اليوم الأربعاء", "DATE"),
    ("bilal", RAQQA, "فجر اليوم الأربعاء", "DATE"),
    ("amal", RAQQA, "المرصد السوري", "ACTOR"),
    ("bilal", RAQQA, "المرصد السوري", "LOCATION"),
    ("salma", RAQQA, "المرصد السوري", "ACTOR"),
    # Emoji before and between the spans: Qt's positions differ from code points here.
    ("amal", EMOJI, "غزة", "LOCATION"),
    ("bilal", EMOJI, "حي الشيخ رضوان", "LOCATION"),
    ("salma", EMOJI, "غزة", "LOCATION"),
    ("salma", EMOJI, "السكان", "ACTOR"),
]
NAMES = ["amal", "bilal", "salma"]


def extent(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def annotate(project: Project) -> None:
    documents = {a["text"]: project.documents.id_by_external_id(a["id"]) for a in ARTICLES}
    for annotator, text, words, label in LAYERS:
        start, end = extent(text, words)
        span = Span(str(uuid4()), documents[text], annotator, start, end, label, text="")
        project.spans.create(span, by=annotator)


@pytest.fixture
def review(window, qtbot) -> ReviewWindow:  # type: ignore[no-untyped-def]
    annotate(window.project)
    raqqa = window.project.documents.id_by_external_id("raqqa")
    rv = open_review(window, raqqa)
    rv.resize(1300, 850)
    qtbot.waitExposed(rv)
    return rv


def gold_rows(db: sqlite3.Connection) -> list[tuple[int, int, str, str]]:
    return db.execute(
        'SELECT s.start, s."end", s.label, s.text FROM spans s'
        " JOIN annotators a ON a.id = s.annotator_id WHERE a.name = 'gold'"
        ' ORDER BY s.start, s."end", s.label'
    ).fetchall()


def rejection_rows(db: sqlite3.Connection) -> list[tuple[int, int, str]]:
    return db.execute(
        'SELECT start, "end", label FROM gold_rejections ORDER BY start, "end", label'
    ).fetchall()


def kinds_and_texts(rv: ReviewWindow) -> list[tuple[str, str]]:
    model = rv.model
    return [
        (model.data(model.index(r, 0)), model.data(model.index(r, 1)))
        for r in range(model.rowCount())
    ]


def test_open_review_stacks_each_layer_at_its_characters(window, qtbot) -> None:
    annotate(window.project)
    document_id = window.project.documents.id_by_external_id("emoji")
    rv = open_review(window, document_id, NAMES)
    qtbot.waitExposed(rv)
    assert rv.isWindow() and rv.names == NAMES
    assert [p.title.text() for p in rv.panels] == NAMES
    assert rv.panels[0].title.textFormat() == Qt.TextFormat.PlainText
    offsets = Utf16Map(EMOJI)
    for name, panel in zip(NAMES, rv.panels, strict=True):
        assert panel.view.toPlainText() == EMOJI and panel.view.isReadOnly()
        expected = sorted(
            (offsets.to_utf16(s), offsets.to_utf16(e), COLORS[label])
            for who, text, words, label in LAYERS
            if who == name and text == EMOJI
            for s, e in [extent(EMOJI, words)]
        )
        assert painted_ranges(panel.view) == expected, name
    assert painted_ranges(rv.gold_view) == []  # gold is empty so far
    # The same window comes back for another document of the same annotators.
    assert open_review(window, window.project.documents.id_by_external_id("raqqa")) is rv


def test_the_list_holds_every_open_disagreement_in_plain_text(review: ReviewWindow) -> None:
    assert kinds_and_texts(review) == [
        ("boundary", "بالرقة"),
        ("missing", "فجر اليوم الأربعاء"),
        ("label", "المرصد السوري"),
    ]
    model = review.model
    versions = [[model.data(model.index(r, c)) for c in (2, 3, 4)] for r in range(3)]
    assert versions == [
        # The English interface names labels in English; the text is shown where it differs.
        ["Location: الرقة", "Location", "Location: الرقة"],
        ["Date", "Date", "—"],
        ["Actor", "Location", "Actor"],
    ]
    assert model.headerData(2, Qt.Orientation.Horizontal) == "1 · amal"
    assert review.items_title.text() == "Open disagreements: 3"


def test_keys_step_through_items_and_every_view_shows_the_extent(review, qtbot) -> None:
    items = review.items
    items.setFocus()
    assert items.currentIndex().row() == 0  # the first item is shown on opening
    QTest.keyClick(items, Qt.Key.Key_N)
    assert items.currentIndex().row() == 1
    date = extent(RAQQA, "فجر اليوم الأربعاء")
    assert review.gold_view.selection_code_points() == date  # a label key would tag it
    for view in review.views():
        assert view.extent == date
        # The outline is drawn around exactly those characters.
        rects = view.extent_rects()
        for cp in (date[0], date[1] - 1):
            assert any(rect.contains(point_at(view, cp)) for rect in rects)
        assert not any(rect.contains(point_at(view, date[1] + 1)) for rect in rects)
    QTest.keyClick(items, Qt.Key.Key_N)
    QTest.keyClick(items, Qt.Key.Key_N)  # wraps round
    assert items.currentIndex().row() == 0
    QTest.keyClick(items, Qt.Key.Key_N, Qt.KeyboardModifier.ShiftModifier)
    assert items.currentIndex().row() == 2
    # F8 / Shift+F8 work from anywhere in the window, the gold view included.
    review.activateWindow()
    qtbot.waitUntil(review.isActiveWindow)
    review.gold_view.setFocus()
    QTest.keyClick(review.gold_view, Qt.Key.Key_F8)
    assert items.currentIndex().row() == 0
    QTest.keyClick(review.gold_view, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
    assert items.currentIndex().row() == 2


def test_accept_copies_a_version_into_gold_and_undo_takes_it_back(
    review: ReviewWindow, db: sqlite3.Connection
) -> None:
    review.items.setFocus()
    QTest.keyClick(review.items, Qt.Key.Key_2)  # bilal's version of the first item
    start, end = extent(RAQQA, "بالرقة")
    assert gold_rows(db) == [(start, end, "LOCATION", "بالرقة")]
    assert [kind for kind, _ in kinds_and_texts(review)] == ["missing", "label"]
    assert review.items.currentIndex().row() == 0  # on to the next item
    assert painted_ranges(review.gold_view) == [(start, end, COLORS["LOCATION"])]
    assert review.bar.status_box.currentData() == "in_progress"  # the first gold span
    assert review.actions_by_name["undo"].text() == "&Undo Accept bilal's version"
    review.actions_by_name["undo"].trigger()
    assert gold_rows(db) == []
    assert len(kinds_and_texts(review)) == 3
    assert painted_ranges(review.gold_view) == []
    assert review.bar.status_box.currentData() == "new"
    review.actions_by_name["redo"].trigger()
    assert gold_rows(db) == [(start, end, "LOCATION", "بالرقة")]


def test_window_keys_accept_reject_and_undo_from_the_gold_view(review, db, qtbot) -> None:
    review.activateWindow()
    qtbot.waitUntil(review.isActiveWindow)
    view = review.gold_view
    view.setFocus()
    ctrl = Qt.KeyboardModifier.ControlModifier
    QTest.keyClick(view, Qt.Key.Key_2, ctrl)  # bilal's 'بالرقة'
    assert [row[3] for row in gold_rows(db)] == ["بالرقة"]
    QTest.keyClick(view, Qt.Key.Key_Delete, ctrl)  # reject the date (now the current item)
    assert rejection_rows(db) == [(*extent(RAQQA, "فجر اليوم الأربعاء"), "DATE")]
    QTest.keyClick(view, Qt.Key.Key_Z, ctrl)
    assert rejection_rows(db) == []
    QTest.keyClick(view, Qt.Key.Key_Z, ctrl)
    assert gold_rows(db) == []
    QTest.keyClick(view, Qt.Key.Key_Z, ctrl | Qt.KeyboardModifier.ShiftModifier)  # redo
    assert [row[3] for row in gold_rows(db)] == ["بالرقة"]


def test_reject_settles_the_item_for_good(review: ReviewWindow, db: sqlite3.Connection) -> None:
    review.select_item(2)  # the label confusion on 'المرصد السوري'
    review.items.setFocus()
    QTest.keyClick(review.items, Qt.Key.Key_R)
    start, end = extent(RAQQA, "المرصد السوري")
    assert rejection_rows(db) == [(start, end, "ACTOR"), (start, end, "LOCATION")]
    assert [text for _, text in kinds_and_texts(review)] == ["بالرقة", "فجر اليوم الأربعاء"]
    assert gold_rows(db) == []
    document_id = review.document_id
    assert document_id is not None
    # Committed: the fixture's other connection (db) saw it; a fresh reading agrees.
    assert [
        (c.start, c.end)
        for c in adjudication.open_items(review.project, document_id, NAMES, "gold")
    ] == [extent(RAQQA, "بالرقة"), extent(RAQQA, "فجر اليوم الأربعاء")]
    review.actions_by_name["undo"].trigger()
    assert rejection_rows(db) == []
    assert len(kinds_and_texts(review)) == 3


def test_accepting_no_span_rejects_the_others(review: ReviewWindow, db) -> None:
    review.select_item(1)  # the date salma did not tag
    review.accept(3)
    start, end = extent(RAQQA, "فجر اليوم الأربعاء")
    assert rejection_rows(db) == [(start, end, "DATE")]
    assert gold_rows(db) == []
    assert len(kinds_and_texts(review)) == 2


def test_accept_all_agreed_is_one_undoable_step(review: ReviewWindow, db) -> None:
    count = extent(RAQQA, "ثلاثة عشر")
    review.accept_agreed()  # quorum 3 of 3: only the count
    assert gold_rows(db) == [(*count, "CASUALTY_COUNT", "ثلاثة عشر")]
    review.actions_by_name["undo"].trigger()
    assert gold_rows(db) == []
    review.bar.quorum.setValue(2)
    QTest.keyClick(
        review,
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert [row[3] for row in gold_rows(db)] == [
        "ثلاثة عشر",
        "الرقة",
        "فجر اليوم الأربعاء",
        "المرصد السوري",
    ]
    assert kinds_and_texts(review) == []  # every item had a majority
    review.actions_by_name["undo"].trigger()
    assert gold_rows(db) == []
    assert len(kinds_and_texts(review)) == 3


def test_tagging_in_the_gold_view_edits_gold(review: ReviewWindow, db) -> None:
    review.select_item(2)  # the extent is selected in the gold view
    view = review.gold_view
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_1)  # ACTOR, as in the annotation window
    start, end = extent(RAQQA, "المرصد السوري")
    assert gold_rows(db) == [(start, end, "ACTOR", "المرصد السوري")]
    assert len(kinds_and_texts(review)) == 2
    QTest.keyClick(view, Qt.Key.Key_2)  # retag the selected gold span
    assert gold_rows(db) == [(start, end, "LOCATION", "المرصد السوري")]
    QTest.keyClick(view, Qt.Key.Key_Delete)
    assert gold_rows(db) == []
    assert len(kinds_and_texts(review)) == 3


def test_done_is_stored_and_moves_to_the_next_document(review, db, qtbot) -> None:
    raqqa = review.document_id
    review.activateWindow()
    qtbot.waitUntil(review.isActiveWindow)
    QTest.keyClick(review.items, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    status = db.execute(
        "SELECT d.status FROM document_status d JOIN annotators a ON a.id = d.annotator_id"
        " WHERE a.name = 'gold' AND d.document_id = ?",
        (raqqa,),
    ).fetchone()
    assert status == ("done",)
    emoji = review.project.documents.id_by_external_id("emoji")
    assert review.document_id == emoji  # the next one with open items
    assert review.panels[0].view.toPlainText() == EMOJI
    assert review.bar.queue_text.text() == "· 1 of 1 documents to adjudicate"
    review.actions_by_name["undo"].trigger()  # brings the document back, status new
    assert review.document_id == raqqa
    assert review.bar.status_box.currentData() == "new"


def test_status_box_sets_the_adjudication_status(review: ReviewWindow) -> None:
    box = review.bar.status_box
    box.setCurrentIndex(box.findData("in_progress"))
    box.activated.emit(box.currentIndex())  # what choosing it with the mouse sends
    document_id = review.document_id
    assert document_id is not None
    assert adjudication.adjudication_status(review.project, document_id) == "in_progress"


def test_nothing_is_changed_while_the_project_is_read_only(window, review, db) -> None:
    window.read_only.enter("held by amal on lab-3")
    review.items.setFocus()
    QTest.keyClick(review.items, Qt.Key.Key_2)
    QTest.keyClick(review.items, Qt.Key.Key_R)
    review.accept_agreed()
    assert gold_rows(db) == [] and rejection_rows(db) == []
    assert review.statusBar().currentMessage() == (
        "Read-only (held by amal on lab-3): nothing was changed."
    )
    assert not review.session.undo_stack.count()


def test_team_menu_opens_review_on_the_current_document(window, qtbot) -> None:
    annotate(window.project)
    action = window.actions_by_name["review"]
    assert action.shortcut().toString() == "Ctrl+R"
    action.trigger()
    rv = window.findChild(ReviewWindow)
    assert rv is not None and rv.document_id == window.session.document.id
    assert rv.names == NAMES  # every annotator who tagged: not alice, the lead


def test_unknown_annotator_is_refused_by_name(window) -> None:
    annotate(window.project)
    with pytest.raises(ProjectError, match="nobody"):
        open_review(window, 1, ["amal", "nobody"])


def test_sample_fixture_views_scroll_together(tmp_path: Path, qtbot) -> None:
    from app.core.importing import import_paths
    from app.core.setup import init_project
    from app.ui import create_window

    path = tmp_path / "sample.tawsim"
    with init_project(path) as project:
        assert import_paths(project, [FIXTURE]).imported == 8
    win = create_window(path, "lead")
    qtbot.addWidget(win)
    win.show()
    document_id = win.project.documents.id_by_external_id("sample-01")
    rv = open_review(win, document_id)
    rv.resize(1300, 850)
    qtbot.waitExposed(rv)
    assert rv.names == ["amal", "bilal", "salma"]

    def open_items() -> list[tuple[int, int]]:
        found = adjudication.open_items(rv.project, document_id, rv.names, "gold")
        return [(c.start, c.end) for c in found]

    # The window aligns the layers once and refreshes only gold: the same items as the
    # adjudication module's, after automatic gold, a reject and an accept.
    assert [(c.start, c.end) for c in rv.model.items] == open_items() != []
    rv.bar.quorum.setValue(2)
    rv.accept_agreed()
    rv.reject()
    rv.accept(2)
    assert [(c.start, c.end) for c in rv.model.items] == open_items()
    source = rv.panels[1].view
    bar = source.verticalScrollBar()
    assert bar.maximum() > 3  # long enough to scroll
    bar.setValue(bar.maximum() // 2)
    top = top_position(source)
    for view in rv.views():
        assert isinstance(view, ReviewView)
        # Each view's top line holds the same text position (their lines break alike).
        assert top_position(view) == top
    win.close()  # closes the project: the review window goes with it
    assert not rv.isVisible()


def test_clicking_a_span_in_a_layer_selects_its_disagreement(review: ReviewWindow) -> None:
    amal = review.panels[0].view
    click_char(amal, RAQQA.index("المرصد السوري") + 2)
    assert review.items.currentIndex().row() == 2
    assert review.gold_view.selection_code_points() == extent(RAQQA, "المرصد السوري")
