"""The import dialog previews before writing; the export dialog writes what it says."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from PySide6.QtWidgets import QDialogButtonBox

from app.ui.export_dialog import EVERY_LAYER, ExportDialog
from app.ui.import_dialog import ImportDialog
from storage import Span


def _ok(dialog) -> None:  # type: ignore[no-untyped-def]
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def _source(tmp_path: Path) -> Path:
    text = "قصفت طائرات مسيّرة مدينة كركوك 😢 صباح الأحد."
    start = text.index("كركوك")
    records = [
        {
            "id": "kirkuk",
            "text": text,
            "spans": [
                {"start": start, "end": start + 5, "label": "LOCATION"},
                {"start": 0, "end": 4, "label": "WEAPON"},
            ],
        },
        {
            "id": "plain",
            "text": "عاد الهدوء إلى المدينة.",
            "spans": [{"start": 0, "end": 3, "label": "ACTOR"}],
        },
    ]
    source = tmp_path / "incoming.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in records] + ["{broken"]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return source


def test_preview_writes_nothing_and_names_every_problem(
    window, tmp_path: Path, db: sqlite3.Connection
) -> None:
    source = _source(tmp_path)
    before = db.execute("SELECT count(*) FROM changes").fetchone()
    dialog = ImportDialog(window.project, "alice", [source], window)
    assert not dialog.import_button.isEnabled()  # nothing is imported unseen
    preview = dialog.run_preview()
    assert preview is not None
    assert (preview.documents, preview.spans) == (1, 1)  # kirkuk is rejected: unknown label
    assert preview.unknown_labels == {"WEAPON"}
    shown = dialog.summary.toPlainText()
    assert "WEAPON" in shown and f"{source}:1" in shown and f"{source}:3" in shown
    assert dialog.import_button.isEnabled()
    assert db.execute("SELECT count(*) FROM changes").fetchone() == before
    assert db.execute("SELECT count(*) FROM documents").fetchone() == (3,)


def test_changing_an_option_asks_for_a_new_preview_then_imports(
    window, tmp_path: Path, db: sqlite3.Connection
) -> None:
    dialog = ImportDialog(window.project, "alice", [_source(tmp_path)], window)
    dialog.run_preview()
    dialog.create_labels.setChecked(True)
    assert not dialog.import_button.isEnabled()
    preview = dialog.run_preview()
    assert preview is not None and (preview.documents, preview.spans) == (2, 3)
    _ok(dialog)
    assert dialog.report is not None and dialog.report.imported == 2
    assert dialog.report.created_labels == ["WEAPON"]
    rows = db.execute(
        "SELECT d.external_id, s.label, s.text FROM spans s JOIN documents d"
        " ON d.id = s.document_id ORDER BY d.external_id, s.start"
    ).fetchall()
    assert rows == [
        ("kirkuk", "WEAPON", "قصفت"),
        ("kirkuk", "LOCATION", "كركوك"),
        ("plain", "ACTOR", "عاد"),
    ]


def test_export_dialog_writes_the_chosen_format_and_layer(window, tmp_path: Path) -> None:
    document = window.project.documents.get(window.project.documents.first_id())
    start = document.text.index("الرقة")
    span = Span("s-1", document.id, "alice", start, start + 5, "LOCATION", "")
    window.project.spans.create(span, by="alice")
    dialog = ExportDialog(window.project, "alice", window)
    dialog.format.setCurrentIndex(dialog.format.findData("doccano"))
    assert dialog.offsets.isEnabled() and not dialog.tab.isEnabled()
    assert dialog.layer.currentData() == "alice"
    out = tmp_path / "export" / "gold.jsonl"
    dialog.destination.setText(str(out))
    _ok(dialog)
    assert dialog.error == "" and dialog.report is not None
    assert dialog.report.documents == 3 and dialog.report.spans == 1
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    labelled = [r for r in lines if r.get("label")]
    assert len(labelled) == 1 and labelled[0]["label"][0][2] == "LOCATION"


def test_every_layer_of_a_single_layer_format_becomes_a_folder(window, tmp_path: Path) -> None:
    dialog = ExportDialog(window.project, "alice", window)
    dialog.format.setCurrentIndex(dialog.format.findData("conll"))
    dialog.layer.setCurrentIndex(dialog.layer.findData(EVERY_LAYER))
    dialog.destination.setText(str(tmp_path / "all.conll"))
    dialog._format_changed()
    assert dialog.destination.text().endswith("/all")  # a folder, one file per layer
