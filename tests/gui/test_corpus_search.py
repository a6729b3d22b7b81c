"""Corpus search (Ctrl+Shift+F): the documents holding a query with their hit counts, as
app.core.search.search_corpus counts them; Cancel; double-click opens the document with
the find bar on its first hit."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QProgressDialog

from app.core.search import find_in_text, search_corpus
from app.ui.corpus_search import CorpusSearch, DocumentIdRole, open_corpus_search
from storage import open_project
from tests.gui.helpers import project_with_articles, shown_window

SIEGE = "😢 قصف على دَير الزور. وبدير الزور قتلى، ودير الزور تحت الحصار. مدير الزور ليس هنا."
EXODUS = "📍 نزوح من دير الزور إلى الرقة، ولدير الزور حكاية."
QUIET = "لا شيء هنا عن المدينة."
QUERY = "دير الزور"


def _project(tmp_path: Path, articles: list[tuple[str, str]]) -> Path:
    return project_with_articles(tmp_path / "corpus.tawsim", articles)


def _window(path: Path, qtbot):  # type: ignore[no-untyped-def]
    return shown_window(path, qtbot)


def _rows(dialog: CorpusSearch) -> list[tuple[int, str, str, int]]:
    proxy = dialog.proxy
    return [
        (
            int(proxy.index(row, 0).data(DocumentIdRole)),
            str(proxy.index(row, 1).data()),
            str(proxy.index(row, 0).data()),
            int(proxy.index(row, 2).data()),
        )
        for row in range(proxy.rowCount())
    ]


def test_the_table_lists_what_search_corpus_counts(tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    path = _project(tmp_path, [("siege", SIEGE), ("quiet", QUIET), ("exodus", EXODUS)])
    window = _window(path, qtbot)
    action = window.actions_by_name["search_corpus"]
    assert QKeySequence("Ctrl+Shift+F") in action.shortcuts()
    action.trigger()  # (offscreen, which window is active is the platform's guess)
    dialog = window.findChild(CorpusSearch, "corpusSearch")
    assert dialog is not None and dialog.isVisible()
    dialog.query.setText(QUERY)
    QTest.keyClick(dialog.query, Qt.Key.Key_Return)
    with open_project(path, read_only=True) as project:
        expected = search_corpus(project, QUERY)
    assert _rows(dialog) == expected
    assert [(external_id, hits) for _, external_id, _, hits in expected] == [
        ("siege", 3),
        ("exodus", 2),
    ]
    assert dialog.summary.text() == "5 hits in 2 documents"
    dialog.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)  # by hit count
    assert [row[3] for row in _rows(dialog)] == [2, 3]
    window.close()


def test_double_click_opens_the_document_on_its_first_hit(tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    path = _project(tmp_path, [("siege", SIEGE), ("quiet", QUIET), ("exodus", EXODUS)])
    window = _window(path, qtbot)
    dialog = open_corpus_search(window, QUERY)
    qtbot.waitExposed(dialog)
    row = next(
        r for r in range(dialog.proxy.rowCount()) if dialog.proxy.index(r, 1).data() == "exodus"
    )
    rect = dialog.table.visualRect(dialog.proxy.index(row, 0))
    # A press first, as a real double-click has: the view acts on the row it was pressed on.
    QTest.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.mouseDClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    session = window.session
    assert session.document.external_id == "exodus"
    bar = window.find_bar
    assert bar.isVisible() and bar.query.text() == QUERY
    first = find_in_text(EXODUS, QUERY)[0]
    assert window.article_view.selection_code_points() == first
    assert window.article_view.textCursor().selectedText() == QUERY
    assert bar.counter.text() == "1 / 2"
    window.close()


def test_the_find_bar_hands_its_query_to_the_corpus_search(tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = _window(_project(tmp_path, [("siege", SIEGE), ("exodus", EXODUS)]), qtbot)
    window.find_bar.open_bar(QUERY)
    QTest.mouseClick(window.find_bar.corpus_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(CorpusSearch, "corpusSearch")
    assert dialog is not None and dialog.query.text() == QUERY
    assert [row[1] for row in _rows(dialog)] == ["siege", "exodus"]
    window.close()


def test_cancel_stops_a_long_search_and_says_so(tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    filler = [(f"doc{n:04d}", f"خبر رقم {n} عن دير الزور.") for n in range(600)]
    window = _window(_project(tmp_path, filler), qtbot)
    dialog = open_corpus_search(window)
    dialog.query.setText(QUERY)
    reports: list[str] = []

    def cancel() -> None:  # runs in the first progress report's processEvents
        progress = dialog.findChild(QProgressDialog)
        assert progress is not None
        reports.append(progress.labelText())
        progress.cancel()

    QTimer.singleShot(0, cancel)
    dialog.run()
    assert reports == ["Searching…"]
    assert dialog.summary.text() == "Search cancelled."
    assert dialog.model.rowCount(QModelIndex()) == 0
    QApplication.processEvents()
    dialog.run()  # not cancelled this time: every document
    assert len(_rows(dialog)) == 600
    window.close()
