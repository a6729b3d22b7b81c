"""The document list model stays lazy: rows come from SQLite a page at a time; its
delegate paints exactly what the standard delegate would."""

from __future__ import annotations

from pathlib import Path

import pytest

from PySide6.QtCore import Qt

from app.core.setup import init_project
from app.ui.document_list import PAGE_SIZE, DocumentIdRole, DocumentListModel
from storage.clock import now
from storage.documents import NewDocument
from tests.gui.helpers import paints_like_the_standard_delegate, shown_window


def _big_project(path: Path, n: int):  # type: ignore[no-untyped-def]
    project = init_project(path)
    with project.transaction():
        for i in range(n):
            text = f"خبر رقم {i} عن قصف في حلب"
            project.documents.add(
                NewDocument(external_id=f"d{i}", text=text, sha256=f"{i:064x}", title=f"عنوان {i}"),
                imported_at=now(),
            )
    return project


def test_model_fetches_only_the_pages_it_shows(tmp_path: Path, qtbot) -> None:
    project = _big_project(tmp_path / "big.tawsim", 5000)
    annotator = project.annotator("alice")
    model = DocumentListModel(project, annotator.id)
    assert model.rowCount() == 5000
    assert model._pages == {}
    index = model.index(4321, 0)
    assert model.data(index) == "عنوان 4321"
    assert model.data(index, DocumentIdRole) == 4322
    assert list(model._pages) == [4321 // PAGE_SIZE]
    model.set_filter("all", "عنوان 432")
    assert model.rowCount() == 11  # 432 and 4320..4329
    project.status.set(4322, annotator.id, "done", by="alice")
    model.set_filter("done", "")
    assert model.rowCount() == 1
    assert model.data(model.index(0, 1)) == "done"
    project.close()


def test_list_filters_from_the_widget(window, qtbot) -> None:
    widget = window.document_list
    widget.text_filter.setText("غزة")  # QTest cannot type non-ASCII keys
    qtbot.waitUntil(lambda: window.list_model.rowCount() == 1, timeout=2000)
    widget.status_filter.setCurrentIndex(widget.status_filter.findData("done"))
    assert window.list_model.rowCount() == 0


@pytest.mark.parametrize(
    "direction", [Qt.LayoutDirection.LeftToRight, Qt.LayoutDirection.RightToLeft]
)
def test_document_delegate_paints_like_the_standard_delegate(
    tmp_path: Path, qtbot, direction
) -> None:
    """Pixel for pixel, in both layout directions: Arabic and Latin titles, a title too long
    for its column (elided), one with a line break, an id where the title is empty, each
    status with its colour, span counts, and a selected row (the style's paint)."""
    path = tmp_path / "list.tawsim"
    project = _big_project(path, 40)
    titles = {
        1: "",
        2: "A Latin title",
        3: "عنوان طويل جدا " * 30,
        4: "سطر أول\nسطر ثان",
    }
    for document_id, title in titles.items():
        project.conn.execute("UPDATE documents SET title = ? WHERE id = ?", (title, document_id))
    annotator = project.annotator("alice")
    for document_id, status in ((5, "done"), (6, "skipped"), (7, "in_progress"), (8, "new")):
        project.status.set(document_id, annotator.id, status, by="alice")
    project.close()
    window = shown_window(path, qtbot)
    view = window.document_list.table
    window.document_list.select_document(9)
    view.setLayoutDirection(direction)
    assert paints_like_the_standard_delegate(view, qtbot)
    model = window.list_model
    # What the comparison covered: the long title was cut, the colours and ids were shown.
    cell = view.visualRect(model.index(2, 0))
    assert view.fontMetrics().horizontalAdvance(titles[3]) > cell.width()
    assert model.data(model.index(0, 0)) == "d0"
    assert model.data(model.index(4, 1), Qt.ItemDataRole.ForegroundRole) is not None
    assert view.selectionModel().selectedRows()[0].row() == 8
