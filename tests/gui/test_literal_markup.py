"""Article text, titles, ids, label and annotator names that look like HTML or Qt rich text
are shown literally everywhere: the article view, the lists, tooltips, the status bar, the
label bar and editor, message boxes and the import/export dialogs.

Views and line edits are plain text by nature; labels and message boxes must say PlainText;
tooltips (which Qt renders as rich text whenever ``Qt.mightBeRichText`` says so) must come
through ``app.ui.plain.tooltip``. Each check compares what the user would read with the
raw string.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from PySide6 import QtGui
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox, QToolTip

from app.agreement.study import compute_agreement
from app.core.importing import ImportReport, import_paths
from app.core.labels import default_labels
from app.core.setup import init_project
from app.ui import dialogs
from app.ui.agreement_dashboard import DocumentsModel, HeatmapModel
from app.ui.export_dialog import ExportDialog
from app.ui.import_dialog import ImportDialog
from app.ui.label_editor import NAME_AR, NAME_EN, LabelEditor
from app.ui.plain import tooltip
from app.ui.span_list import ATTRIBUTES_COLUMN, TEXT_COLUMN
from tests.gui.helpers import point_at

BOLD = "<b>bold</b>"
IMAGE = "<img src=x onerror=1>"
LINK = '<a href="http://x">x</a>'
FONT = "<font color=red>أحمر</font>"
TEXT = f"قال {BOLD} و{IMAGE} ثم {LINK} و{FONT} و&lt;هنا&gt; & انتهى."
TITLE = f"{LINK} عنوان"
EXTERNAL_ID = f"{BOLD}-1"
ANNOTATOR = f"{IMAGE} علي"
ACTOR_AR, ACTOR_EN = BOLD, f"{FONT} & co"
LOCATION_AR = f"A&B {LINK}"
ATTRIBUTE = "<i>canonical</i>"


def shown(tip: str) -> str:
    """What a tooltip shows: Qt renders it as rich text exactly when it might be some."""
    if not QtGui.Qt.mightBeRichText(tip):
        return tip
    document = QTextDocument()
    document.setHtml(tip)
    return document.toPlainText()


@pytest.fixture
def markup_project(tmp_path: Path) -> Path:
    labels = default_labels()
    labels[0] = replace(labels[0], name_ar=ACTOR_AR, name_en=ACTOR_EN, attributes=(ATTRIBUTE,))
    labels[1] = replace(labels[1], name_ar=LOCATION_AR, name_en=LOCATION_AR)
    start = TEXT.index(BOLD)
    record = {
        "id": EXTERNAL_ID,
        "text": TEXT,
        "meta": {"title": TITLE},
        "spans": [
            {"start": start, "end": start + len(BOLD), "label": "ACTOR", "annotator": ANNOTATOR},
            {"start": 0, "end": 3, "label": "LOCATION", "annotator": "bob"},
        ],
    }
    source = tmp_path / "markup.jsonl"
    source.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    path = tmp_path / "markup.tawsim"
    with init_project(path, labels=labels) as project:
        report = import_paths(project, [source])
        assert report.rejected == [] and report.imported == 1
    return path


@pytest.fixture
def markup_window(markup_project: Path, qtbot):  # type: ignore[no-untyped-def]
    from app.ui import create_window

    win = create_window(markup_project, ANNOTATOR)
    qtbot.addWidget(win)
    win.resize(1200, 700)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()


def test_tooltip_helper_keeps_plain_text_and_escapes_markup() -> None:
    assert tooltip("Double-click to choose a colour") == "Double-click to choose a colour"
    for raw in (BOLD, IMAGE, LINK, FONT, TEXT, "a < b > c", "x &lt; y", f"line\n{BOLD}\n  end"):
        assert shown(tooltip(raw)) == raw


def test_article_view_shows_the_text_as_typed(markup_window) -> None:
    view = markup_window.article_view
    assert view.toPlainText() == TEXT
    assert view.document().toPlainText() == TEXT


def test_article_view_tooltip_names_labels_literally(markup_window, qtbot) -> None:
    view = markup_window.article_view
    point = point_at(view, TEXT.index(BOLD) + 2)
    QTest.mouseMove(view.viewport(), point)
    qtbot.waitUntil(lambda: QToolTip.isVisible(), timeout=2000)
    assert shown(QToolTip.text()) == f"{ACTOR_EN} (ACTOR)"  # the English interface
    QTest.mouseMove(view.viewport(), QPoint(1, 1))


def test_document_list_and_its_tooltip(markup_window) -> None:
    model = markup_window.list_model
    index = model.index(0, 0)
    assert model.data(index) == TITLE
    assert shown(model.data(index, Qt.ItemDataRole.ToolTipRole)) == (
        f"{EXTERNAL_ID} · {len(TEXT)} characters"
    )


def test_span_list_texts_and_tooltips(markup_window, markup_project: Path) -> None:
    model = markup_window.span_model
    assert model.rowCount() == 1  # the annotator's own layer
    assert model.data(model.index(0, 0)) == ACTOR_EN  # the English interface
    assert model.data(model.index(0, TEXT_COLUMN)) == BOLD
    tip = model.data(model.index(0, ATTRIBUTES_COLUMN), Qt.ItemDataRole.ToolTipRole)
    assert shown(tip) == f"key=value; key=value  (attributes of ACTOR: {ATTRIBUTE})"


def test_mismatch_tooltip_quotes_both_texts_literally(markup_project: Path, qtbot) -> None:
    from app.ui import create_window

    with sqlite3.connect(markup_project) as conn:
        conn.execute("UPDATE spans SET text = ? WHERE label = 'ACTOR'", (FONT,))
    conn.close()
    window = create_window(markup_project, ANNOTATOR)
    qtbot.addWidget(window)
    model = window.span_model
    tip = model.data(model.index(0, TEXT_COLUMN), Qt.ItemDataRole.ToolTipRole)
    assert shown(tip) == f"Stored text {FONT!r} differs from the document's {BOLD!r}"
    window.close()


def test_status_bar_and_its_labels(markup_window) -> None:
    status = markup_window.status_text
    assert status.textFormat() == Qt.TextFormat.PlainText
    assert status.text().startswith(f"{TITLE} · ")
    annotator = markup_window.annotator_text
    assert annotator.textFormat() == Qt.TextFormat.PlainText
    assert annotator.text() == f"Annotator: {ANNOTATOR}"
    markup_window.session.message.emit(f"{BOLD} {IMAGE}")
    assert markup_window.statusBar().currentMessage() == f"{BOLD} {IMAGE}"


def test_label_bar_buttons_and_tooltips(markup_window) -> None:
    buttons = markup_window.label_bar.buttons
    actor, location = buttons["ACTOR"], buttons["LOCATION"]
    # "&&" is how a button shows one "&" (a single one would mark a keyboard shortcut).
    assert actor.text().replace("&&", "&") == f"{ACTOR_EN}  [1 / A]"  # English interface
    assert location.text().replace("&&", "&") == f"{LOCATION_AR}  [2 / L]"
    assert "&&" in location.text()
    assert shown(actor.toolTip()) == f"ACTOR · {ACTOR_EN}"


def test_label_editor_cells(markup_window) -> None:
    editor = LabelEditor(markup_window.project, ANNOTATOR, markup_window)
    assert editor.table.item(0, NAME_AR).text() == ACTOR_AR
    assert editor.table.item(0, NAME_EN).text() == ACTOR_EN
    assert editor.table.item(1, NAME_AR).text() == LOCATION_AR
    editor.close()


def test_message_boxes_show_project_data_as_plain_text(markup_window, monkeypatch) -> None:
    boxes: list[QMessageBox] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: boxes.append(box) or 0)
    report = ImportReport(rejected=[f"/data/{BOLD}.jsonl:3: unknown label {IMAGE!r}"])
    dialogs.after_import(markup_window, report)
    (box,) = boxes
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert box.text().endswith(f"rejected: /data/{BOLD}.jsonl:3: unknown label {IMAGE!r}")


def test_import_preview_and_export_layers(markup_window, tmp_path: Path) -> None:
    source = tmp_path / f"{IMAGE}.jsonl"  # a file name may hold markup too (not "/")
    source.write_text('{"id": "n", "text": "قصف", "spans": [{"start": 0, "end": 3, '
                      f'"label": "{IMAGE}"}}]}}\n', encoding="utf-8")  # fmt: skip
    dialog = ImportDialog(markup_window.project, ANNOTATOR, [source], markup_window)
    assert dialog.sources.item(0).text() == str(source)
    dialog.run_preview()
    shown_summary = dialog.summary.toPlainText()
    assert f"{source}:1: span 1: unknown label {IMAGE!r}" in shown_summary
    dialog.close()
    export = ExportDialog(markup_window.project, ANNOTATOR, markup_window)
    items = [export.layer.itemText(i) for i in range(export.layer.count())]
    assert f"Annotator: {ANNOTATOR}" in items
    export.close()


def test_agreement_dashboard_tooltips(markup_window) -> None:
    report = compute_agreement(markup_window.project, [ANNOTATOR, "bob"])
    heatmap = HeatmapModel(report)
    tip = heatmap.data(heatmap.index(0, 1), Qt.ItemDataRole.ToolTipRole)
    assert shown(tip).startswith(f"{report.pairs[0].a} – {report.pairs[0].b}: ")
    assert ANNOTATOR in shown(tip)
    documents = DocumentsModel(report, markup_window.project)
    tip = documents.data(documents.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert ANNOTATOR in shown(tip) and shown(tip).startswith("annotators: ")
