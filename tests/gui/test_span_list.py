"""The span list follows edits row by row (no reset), keeps its selection in step with the
session, and its delegate paints exactly what the standard delegate would."""

from __future__ import annotations

import pytest

from PySide6.QtCore import QModelIndex, QRect, Qt, qInstallMessageHandler
from PySide6.QtGui import QRegion
from PySide6.QtTest import QAbstractItemModelTester, QTest

from app.ui.cell_delegate import CachedCellDelegate
from app.ui.commands import DeleteSpan, UpdateSpan
from tests.gui.conftest import ARTICLES
from tests.gui.helpers import paints_like_the_standard_delegate, select_with_keys

RAQQA = ARTICLES[0]["text"]


def tag(window, word: str, key: Qt.Key = Qt.Key.Key_1) -> str:  # type: ignore[no-untyped-def]
    start = RAQQA.index(word)
    select_with_keys(window.article_view, start, start + len(word))
    QTest.keyClick(window.article_view, key, Qt.KeyboardModifier.AltModifier)
    return window.session.selected_uuid


class Events:
    def __init__(self, model) -> None:  # type: ignore[no-untyped-def]
        self.seen: list[tuple[str, int, int]] = []
        model.modelReset.connect(lambda: self.seen.append(("reset", -1, -1)))
        model.rowsInserted.connect(lambda _p, a, b: self.seen.append(("inserted", a, b)))
        model.rowsRemoved.connect(lambda _p, a, b: self.seen.append(("removed", a, b)))
        model.rowsMoved.connect(lambda _p, a, b, _d, row: self.seen.append(("moved", a, row)))


def selected_rows(window) -> list[int]:  # type: ignore[no-untyped-def]
    return [index.row() for index in window.span_list.selectionModel().selectedRows()]


def test_tagging_inserts_one_row_at_its_place_and_selects_it(window) -> None:
    tag(window, "المرصد السوري")
    tag(window, "ثلاثة عشر")
    events = Events(window.span_model)
    middle = tag(window, "فجر اليوم")  # between the two in reading order
    assert events.seen == [("inserted", 1, 1)]
    assert window.session.row_of(middle) == 1
    assert selected_rows(window) == [1]
    index = window.span_model.index(1, 1)
    assert window.span_model.data(index, Qt.ItemDataRole.DisplayRole) == "فجر اليوم"


def test_the_selected_span_is_the_selected_row_right_to_left(window) -> None:
    """In an Arabic (right-to-left) window too: QTableView.selectRow selected nothing."""
    window.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    first = tag(window, "ثلاثة عشر")
    tag(window, "المرصد السوري")
    assert selected_rows(window) == [1]
    window.session.select_span(first)
    assert selected_rows(window) == [0]
    assert window.span_list.currentIndex().row() == 0


def test_retag_that_changes_the_order_moves_the_row_with_its_selection(window) -> None:
    session = window.session
    first = tag(window, "المرصد", Qt.Key.Key_1)  # ACTOR
    second = tag(window, "المرصد", Qt.Key.Key_4)  # DATE: same characters, sorts after ACTOR
    assert [s.uuid for s in session.spans] == [first, second]
    session.select_span(first)
    events = Events(window.span_model)
    session.undo_stack.push(UpdateSpan(session, session.span(first), label="LOCATION"))
    assert events.seen == [("moved", 0, 2)]  # Qt names the row it goes before
    assert [s.uuid for s in session.spans] == [second, first]
    assert selected_rows(window) == [1]
    label = window.span_model.data(window.span_model.index(1, 0), Qt.ItemDataRole.DisplayRole)
    assert label == session.label("LOCATION").name_en  # the English interface


def test_deleting_the_selected_span_leaves_nothing_selected(window) -> None:
    session = window.session
    tag(window, "المرصد السوري")
    doomed = tag(window, "ثلاثة عشر")
    events = Events(window.span_model)
    session.undo_stack.push(DeleteSpan(session, session.span(doomed)))
    assert events.seen == [("removed", 0, 0)]
    # Qt moves the current row to the next one when it goes: that must not select it.
    assert session.selected_uuid == "" and selected_rows(window) == []
    session.undo_stack.undo()
    assert session.selected_uuid == doomed and selected_rows(window) == [0]


def test_the_model_stays_consistent_through_edits_and_undo(window) -> None:
    failures: list[str] = []

    def handler(_kind, _context, message: str) -> None:  # type: ignore[no-untyped-def]
        if "FAIL" in message:
            failures.append(message)

    previous = qInstallMessageHandler(handler)
    try:
        tester = QAbstractItemModelTester(  # noqa: F841 - checks while it lives
            window.span_model, QAbstractItemModelTester.FailureReportingMode.Warning
        )
        session = window.session
        uuids = [tag(window, w) for w in ("المرصد السوري", "ثلاثة عشر", "الرقة")]
        session.undo_stack.push(UpdateSpan(session, session.span(uuids[0]), label="DATE"))
        session.undo_stack.push(UpdateSpan(session, session.span(uuids[1]), attrs={"value": 1}))
        session.undo_stack.push(DeleteSpan(session, session.span(uuids[2])))
        while session.undo_stack.canUndo():
            session.undo_stack.undo()
        while session.undo_stack.canRedo():
            session.undo_stack.redo()
        window.show_document(2)
        window.show_document(1)
        assert len(session.spans) == 2
    finally:
        qInstallMessageHandler(previous)
    assert failures == []


@pytest.mark.parametrize(
    "direction", [Qt.LayoutDirection.LeftToRight, Qt.LayoutDirection.RightToLeft]
)
def test_span_delegate_paints_like_the_standard_delegate(window, qtbot, direction) -> None:
    """Pixel for pixel, in both layout directions: label colours, a selected row, a changed
    text colour, attributes, and a text too long for its column (elided)."""
    session = window.session
    long_text = RAQQA[: RAQQA.index("، وفق")]  # the sentence up to its last clause
    for word in ("المرصد السوري", "ثلاثة عشر", "الرقة", "فجر اليوم الأربعاء", long_text):
        tag(window, word, Qt.Key.Key_3)
    uuid = session.spans[1].uuid
    session.undo_stack.push(UpdateSpan(session, session.span(uuid), attrs={"value": 13}))
    session.mismatched = {session.spans[2].uuid}  # as if its stored text had been damaged
    window.span_model.labels_changed()
    session.select_span(session.spans[-1].uuid)  # selected: painted by the style
    view = window.span_list
    view.setLayoutDirection(direction)
    assert paints_like_the_standard_delegate(view, qtbot)
    # The long span's text really was cut to its column (the comparison covers elision).
    row = max(range(len(session.spans)), key=lambda i: len(session.spans[i].text))
    assert session.spans[row].text.startswith(long_text[:20])
    assert row != len(session.spans) - 1  # not selected: painted by our delegate
    cell = view.visualRect(window.span_model.index(row, 1))
    metrics = view.fontMetrics()
    assert metrics.horizontalAdvance(session.spans[row].text) > cell.width()


def test_invalid_indexes_have_no_data(window) -> None:
    tag(window, "المرصد")
    model = window.span_model
    assert model.data(QModelIndex(), Qt.ItemDataRole.DisplayRole) is None
    assert model.flags(QModelIndex()) == Qt.ItemFlag.NoItemFlags
    assert model.look(5) is None


class CountingDelegate(CachedCellDelegate):
    """The list's delegate, counting the cells Qt asks it to paint."""

    def __init__(self, view) -> None:  # type: ignore[no-untyped-def]
        super().__init__(view.delegate._alignments, view)
        self.cells: list[tuple[int, int]] = []

    def paint(self, painter, option, index) -> None:  # type: ignore[no-untyped-def]
        self.cells.append((index.row(), index.column()))
        super().paint(painter, option, index)


def tag_many(window) -> None:  # type: ignore[no-untyped-def]
    for word in ("قُتل", "ثلاثة عشر", "مدنياً", "الرقة", "فجر اليوم الأربعاء", "المرصد السوري"):
        tag(window, word, Qt.Key.Key_3)


def test_the_list_paints_its_plain_rows_itself(window, qtbot) -> None:
    """Qt's delegate calls (one into Python per cell) are left for the rows the style
    paints: here only the selected row."""
    tag_many(window)
    view = window.span_list
    qtbot.waitUntil(lambda: view.itemDelegate() is view.delegate)
    counting = view.delegate = CountingDelegate(view)
    view.setItemDelegate(counting)
    window.session.select_span(window.session.spans[2].uuid)
    view.viewport().repaint()
    assert counting.cells and {row for row, _ in counting.cells} == {2}
    assert paints_like_the_standard_delegate(view, qtbot)
    # The current row without a selection, in a focused list: the style draws its focus.
    view.selectionModel().clearSelection()
    window.activateWindow()
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    assert view.currentIndex().row() == 2
    assert paints_like_the_standard_delegate(view, qtbot)
    counting.cells.clear()
    view.setAlternatingRowColors(True)  # not copied by the table's own painting: Qt paints
    view.viewport().repaint()
    assert {row for row, _ in counting.cells} == set(range(len(window.session.spans)))


@pytest.mark.parametrize(
    "direction", [Qt.LayoutDirection.LeftToRight, Qt.LayoutDirection.RightToLeft]
)
def test_a_partial_repaint_paints_like_the_standard_delegate(window, qtbot, direction) -> None:
    """A region that cuts rows in half and holds the selected row between plain ones: the
    table paints the plain rows, Qt the selected one, and the seams are invisible."""
    tag_many(window)
    view = window.span_list
    view.setLayoutDirection(direction)
    window.session.select_span(window.session.spans[2].uuid)
    top = view.rowViewportPosition(1) + view.rowHeight(1) // 2
    region = QRegion(QRect(0, top, view.viewport().width(), 3 * view.rowHeight(1)))
    region += QRegion(QRect(10, 0, 40, view.viewport().height()))  # a column's strip
    assert paints_like_the_standard_delegate(view, qtbot, region)
    assert paints_like_the_standard_delegate(view, qtbot)
