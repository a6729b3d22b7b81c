"""The document list model stays lazy: rows come from SQLite a page at a time."""

from __future__ import annotations

from pathlib import Path

from app.core.setup import init_project
from app.ui.document_list import PAGE_SIZE, DocumentIdRole, DocumentListModel
from storage.clock import now
from storage.documents import NewDocument


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
