"""Reports and errors of the Qt-free layers in the interface's language (issue 5): built in
app.ui.messages from the data the report or exception carries, in Arabic in the Arabic
interface and, in the English one, word for word the English the CLI prints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.ui import dialogs
from app.ui.import_dialog import ImportDialog
from app.ui.main_window import MainWindow
from app.ui.messages import project_error
from storage import ProjectLockedError, open_project
from tests.gui.test_i18n import (  # noqa: F401 (fixtures: the catalogue, English afterwards)
    ANNOTATOR,
    LATIN_WORD,
    arabic_catalogue,
    english_afterwards,
    open_window,
)

GOOD = '{"id": "new-1", "text": "انفجار في كركوك"}\n'
BAD = "{broken\n"  # line 2: not JSON


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "more.jsonl"
    path.write_text(GOOD + BAD, encoding="utf-8")
    return path


def import_through_the_dialog(
    window: MainWindow, source: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, str]:
    """Preview and import ``source`` with the real dialog; (preview text, final message)."""
    shown: list[str] = []
    monkeypatch.setattr(
        dialogs, "_message", lambda parent, title, text, error=False: shown.append(text)
    )
    assert window.project is not None
    dialog = ImportDialog(window.project, ANNOTATOR, [source], window)
    dialog.run_preview()
    preview = dialog.summary.toPlainText()
    dialog.run_import()
    assert dialog.report is not None and dialog.report.imported == 1
    dialogs.after_import(window, dialog.report)
    [message] = shown
    return preview, message


def latin_words(text: str, *allowed: str) -> set[str]:
    for fragment in allowed:
        text = text.replace(fragment, "")
    return set(LATIN_WORD.findall(text))


def test_the_arabic_import_summary_names_the_file_and_line(
    project_path: Path, source: Path, qtbot, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    window = open_window(project_path, "ar", qtbot)
    preview, message = import_through_the_dialog(window, source, monkeypatch)
    where = f"الملف \u2068{source}\u2069، السطر 2: "  # the path isolated: it reads whole
    assert where in preview
    assert message.startswith("انتهى الاستيراد: المستندات المستوردة 1 (وسومها 0)")
    assert "والمرفوضة 1" in message
    [rejected] = [line for line in message.splitlines() if where in line]
    assert rejected.startswith("مرفوض: ")
    # Only the file's path and the reader's technical reason (after the prefix) are Latin.
    reason = rejected.split(where, 1)[1]
    assert reason.startswith("\u2068malformed JSON") and reason.endswith("\u2069")
    assert latin_words(message, str(source), reason) == set()
    window.close()


def test_the_english_interface_keeps_the_english_it_always_showed(
    project_path: Path, source: Path, qtbot, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    window = open_window(project_path, "en", qtbot)
    _preview, message = import_through_the_dialog(window, source, monkeypatch)
    assert window.project.documents.count() == 4  # type: ignore[union-attr]  # 3 + new-1
    lines = message.splitlines()
    assert lines[0] == "Import finished: imported 1 documents (0 spans), 0 duplicates, 1 rejected"
    assert re.fullmatch(rf"rejected: {re.escape(str(source))}:2: malformed JSON .*", lines[1])
    window.close()


def test_a_locked_project_names_its_holder_in_an_arabic_sentence(project_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    holder = open_project(project_path, holder="سلمى")
    try:
        with pytest.raises(ProjectLockedError) as caught:
            open_project(project_path, holder=ANNOTATOR)
        english = project_error(caught.value)
        assert english == str(caught.value)  # the English interface: storage's own words
        window = open_window(project_path, "ar", qtbot)  # opens read-only: held by سلمى
        arabic = project_error(caught.value)
        assert arabic.startswith(f"المشروع \u2068{project_path}\u2069 يستخدمه \u2068سلمى\u2069 على")
        assert arabic.endswith("(بالتوقيت العالمي). افتحه للقراءة فقط، أو حاول لاحقًا.")
        banner = window.read_only.banner.text.text()
        assert banner.startswith("مفتوح للقراءة فقط: ") and "سلمى\u2069 على الجهاز " in banner
        host = caught.value.holder.host  # type: ignore[union-attr]
        assert latin_words(arabic, str(project_path), host) == set()
        assert latin_words(banner, host) == set()
        window.close()
    finally:
        holder.close()
