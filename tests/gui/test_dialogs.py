"""Dialogs that write to the project: labels and import."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.ui import dialogs
from app.ui.label_editor import COLOR, NAME_EN, LabelEditor


def test_label_editor_renames_recolours_and_adds(window, db: sqlite3.Connection) -> None:
    editor = LabelEditor(window.project, "alice", window)
    editor.table.item(0, NAME_EN).setText("Perpetrator")
    editor.table.item(0, COLOR).setText("#123456")
    editor._new_label()
    editor._save()
    window.session.reload_labels()
    rows = db.execute("SELECT id, name_en, color FROM labels ORDER BY sort_order").fetchall()
    assert rows[0] == ("ACTOR", "Perpetrator", "#123456")
    assert rows[-1][0] == "LABEL_5"
    assert "LABEL_5" in window.label_bar.buttons


def test_label_editor_rejects_a_bad_id(window, monkeypatch: pytest.MonkeyPatch, db) -> None:
    shown: list[str] = []
    monkeypatch.setattr(
        "app.ui.label_editor.QMessageBox.exec", lambda box: shown.append(box.text())
    )
    editor = LabelEditor(window.project, "alice", window)
    editor._new_label()
    editor.table.item(4, 0).setText("BAD ID")
    editor._save()
    assert shown and "no spaces" in shown[0]
    assert db.execute("SELECT count(*) FROM labels").fetchone() == (4,)


def test_import_dialog_keeps_good_records(window, tmp_path: Path, monkeypatch, db) -> None:
    messages: list[str] = []
    monkeypatch.setattr(
        dialogs, "_message", lambda parent, title, text, error=False: messages.append(text)
    )
    source = tmp_path / "more.jsonl"
    source.write_text('{"id": "new-1", "text": "انفجار في كركوك"}\n{broken\n', encoding="utf-8")
    report = dialogs.run_import(window, [source])
    assert report is not None and report.imported == 1 and len(report.rejected) == 1
    assert f"{source}:2" in messages[0]
    assert window.list_model.rowCount() == 4
    assert db.execute("SELECT count(*) FROM documents").fetchone() == (4,)
