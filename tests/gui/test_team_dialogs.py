"""File → Create work packages… and Merge annotators' projects…, driven offscreen."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from PySide6.QtWidgets import QDialog

from app.ui import create_window, team_dialogs
from app.ui.commands import TagSpan
from app.ui.team_dialogs import MergeDialog, PackageDialog
from storage import Label, Span, open_project

UUID = "0f9e8d7c-0000-4000-8000-000000000001"


def _package(window, tmp_path: Path) -> PackageDialog:  # type: ignore[no-untyped-def]
    dialog = PackageDialog(window.project, window)
    dialog.annotators.setText("amal, bilal")
    dialog.overlap.setValue(34)
    dialog.folder.setText(str(tmp_path / "packages"))
    return dialog


def test_the_dialog_counts_the_deal_and_writes_the_packages(window, tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = _package(window, tmp_path)
    qtbot.addWidget(dialog)
    assert (
        dialog.deal.text() == "3 documents: 1 shared by all, then 1 more for each of 2 annotators"
    )
    dialog.documents.setText("status:done@nobody")
    dialog.documents.editingFinished.emit()
    assert "no annotator 'nobody'" in dialog.deal.text()
    dialog.documents.setText("")
    dialog.documents.editingFinished.emit()
    dialog.show()
    dialog.grab().save(str(Path("/tmp") / "p1-team-package.png"))
    report = dialog.run()
    assert report is not None
    assert [p.path.name for p in report.packages] == ["amal.tawsim", "bilal.tawsim"]
    assert "amal: 2 documents" in dialog.result.toPlainText()
    assert not dialog.create_button.isEnabled()
    # A second go into the same folder is refused and says so, writing nothing.
    again = _package(window, tmp_path)
    qtbot.addWidget(again)
    assert again.run() is None
    assert "already there" in again.result.toPlainText()


def test_a_package_opens_in_the_normal_window_as_its_annotator(
    window, tmp_path: Path, qtbot
) -> None:  # type: ignore[no-untyped-def]
    report = _package(window, tmp_path).run()
    assert report is not None
    amal = create_window(report.packages[0].path, "amal")
    qtbot.addWidget(amal)
    amal.show()
    qtbot.waitExposed(amal)
    assert amal.session.annotator.name == "amal"
    assert amal.list_model.rowCount() == 2
    assert amal.session.document is not None  # the first unfinished article is open
    assert amal.article_view.toPlainText() == amal.session.document.text
    amal.close()


def test_merging_brings_the_work_back_and_refreshes_the_window(
    window, tmp_path: Path, qtbot, db: sqlite3.Connection
) -> None:  # type: ignore[no-untyped-def]
    report = _package(window, tmp_path).run()
    assert report is not None
    amal_path, bilal_path = (p.path for p in report.packages)
    with open_project(amal_path) as amal:
        document_id = amal.documents.ids()[0]
        text = amal.documents.get(document_id).text  # type: ignore[union-attr]
        amal.labels.save(Label("ORG", name_ar="منظمة", color="#00897b", order=9), by="amal")
        amal.spans.create(Span(UUID, document_id, "amal", 0, 4, "ORG", text[:4]), by="amal")
    junk = tmp_path / "junk.tawsim"
    junk.write_text("not a project", encoding="utf-8")

    dialog = MergeDialog(
        window.project, window, on_merged=lambda: team_dialogs.refresh_after_merge(window)
    )
    qtbot.addWidget(dialog)
    assert not dialog.merge_button.isEnabled()
    dialog.add_paths([amal_path, bilal_path, junk, amal_path])
    assert dialog.files.count() == 3
    window.show_document(document_id)
    session = window.session
    session.undo_stack.push(TagSpan(session, session.new_span(0, 4, "ACTOR")))
    assert "ORG" not in [label.id for label in session.labels]
    merged = dialog.run()
    assert [r.spans_added for r in merged] == [1, 0]
    shown = dialog.result.toPlainText()
    assert "amal.tawsim (amal)" in shown and "spans 1 added" in shown
    assert "bilal.tawsim (bilal): nothing new to merge" in shown
    assert f"NOT MERGED: {junk}" in shown
    dialog.show()
    dialog.grab().save("/tmp/p1-team-merge.png")
    stored = db.execute(
        "SELECT a.name FROM spans s JOIN annotators a ON a.id = s.annotator_id WHERE s.uuid = ?",
        (UUID,),
    ).fetchall()
    assert stored == [("amal",)]
    # The window shows the project as it is now: the label the package brought is on the
    # label bar, the open article was read again, and the undo history (which knew the
    # project before the merge) starts afresh.
    assert "ORG" in [label.id for label in session.labels]
    assert session.document is not None and session.document.id == document_id
    assert session.undo_stack.count() == 0


def test_the_file_menu_offers_both(window, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    opened: list[str] = []
    monkeypatch.setattr(QDialog, "exec", lambda self: opened.append(self.objectName()) or 0)
    window.actions_by_name["packages"].trigger()
    window.actions_by_name["merge"].trigger()
    assert opened == ["packageDialog", "mergeDialog"]
    texts = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    assert "Create &work packages…" in texts and "&Merge annotators' projects…" in texts
