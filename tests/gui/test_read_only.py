"""Read-only mode in the window: a project held elsewhere, a disk that fills up, a file that
cannot be written, and File → Save a copy as…."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from storage import open_project
from storage.lock import lock_path, read_holder
from tests.gui.conftest import ARTICLES
from tests.gui.helpers import shown_window, stored_spans

RAQQA = ARTICLES[0]["text"]
EDITING = ("import", "delete", "labels", "done_next", "skip")
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def held_by_bob(project_path: Path) -> Iterator[object]:
    """Another instance holding the project (its own lock file descriptor and flock)."""
    holder = open_project(project_path, holder="<b>bob</b>")  # markup must show literally
    yield holder
    holder.close()


def _tag(window, start: int, end: int, key: Qt.Key = Qt.Key.Key_1) -> None:  # type: ignore[no-untyped-def]
    """Select [start, end) and press a label key with Alt (exactly these characters)."""
    window.article_view.select_code_points(start, end)
    QTest.keyClick(window.article_view, key, ALT)


def _count(db: sqlite3.Connection, table: str) -> int:
    return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_a_project_held_elsewhere_opens_read_only_with_a_banner(
    project_path: Path, held_by_bob, qtbot, db: sqlite3.Connection
) -> None:
    window = shown_window(project_path, qtbot)
    banner = window.read_only.banner
    assert window.project.read_only and window.project.lock is None
    assert banner.isVisible()
    text = banner.text.text()
    assert text.startswith(f"Open read-only: held by <b>bob</b> on {os.uname().nodename} since ")
    assert text.endswith(" UTC")
    assert banner.text.textFormat() == Qt.TextFormat.PlainText
    assert not any(window.actions_by_name[name].isEnabled() for name in EDITING)
    assert not window.actions_by_name["undo"].isEnabled()
    banner.grab().save("/tmp/p5-read-only-banner.png")

    start = RAQQA.index("ثلاثة عشر")
    changes = _count(db, "changes")
    _tag(window, start, start + len("ثلاثة عشر"), Qt.Key.Key_3)
    assert stored_spans(db, "raqqa") == [] and _count(db, "changes") == changes
    assert window.session.undo_stack.count() == 0
    assert "Read-only (held by <b>bob</b>" in window.statusBar().currentMessage()
    assert window.article_view.selection_code_points() == (start, start + len("ثلاثة عشر"))
    # Reading goes on: other documents open.
    window.step_document(1)
    assert window.session.document.external_id == "emoji"


def test_try_again_takes_the_project_once_its_holder_has_closed_it(
    project_path: Path, held_by_bob, qtbot, db: sqlite3.Connection
) -> None:
    window = shown_window(project_path, qtbot)
    window.step_document(1)
    qtbot.mouseClick(window.read_only.banner.try_again, Qt.MouseButton.LeftButton)
    assert window.project.read_only and window.read_only.banner.isVisible()
    assert window.statusBar().currentMessage().startswith("Still read-only: held by <b>bob</b>")

    held_by_bob.close()
    qtbot.mouseClick(window.read_only.banner.try_again, Qt.MouseButton.LeftButton)
    assert not window.project.read_only and not window.read_only.banner.isVisible()
    assert read_holder(project_path).annotator == "alice"
    assert window.session.document.external_id == "emoji"  # where the reader was
    assert all(window.actions_by_name[name].isEnabled() for name in EDITING)
    text = window.session.document.text
    _tag(window, text.index("غزة"), text.index("غزة") + 3, Qt.Key.Key_2)
    assert stored_spans(db, "emoji") == [
        (text.index("غزة"), text.index("غزة") + 3, "LOCATION", "غزة")
    ]
    window.close()
    assert not lock_path(project_path).exists()


def test_disk_full_while_tagging_says_so_stores_nothing_and_a_copy_goes_on(
    window, project_path: Path, tmp_path: Path, qtbot, monkeypatch, db: sqlite3.Connection
) -> None:
    conn = window.project.conn
    # A real SQLITE_FULL: SQLite may not grow the file by a single page from here on, so
    # tagging goes on in the pages' free space until a page has to be added.
    conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
    done: list[tuple[int, int, str, str]] = []
    for start in range(len(RAQQA) - 1):
        _tag(window, start, start + 1)
        if window.read_only.active:
            failed = start
            break
        done.append((start, start + 1, "ACTOR", RAQQA[start]))
    else:
        pytest.fail("the disk never filled up")
    assert len(done) > 3  # the earlier tags were stored, then the disk filled up

    # Nothing of the failed action is stored, and nothing shows it as done.
    assert stored_spans(db, "raqqa") == done
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert window.session.undo_stack.count() == len(done)
    assert window.span_model.rowCount() == len(done)
    assert window.article_view.selection_code_points() == (failed, failed + 1)  # kept
    box = window.read_only.failure_box
    assert box is not None and box.isVisible()
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert str(project_path) in box.text() and "disk is full" in box.text()
    assert "Save a copy as" in box.text()
    assert window.read_only.banner.text.text() == "Open read-only: could not save: the disk is full"
    assert not window.actions_by_name["undo"].isEnabled()
    _tag(window, failed, failed + 1)  # refused up front now
    assert window.statusBar().currentMessage().startswith("Read-only (could not save")

    # Save a copy as… (from the message), then go on working in the copy.
    copy_path = tmp_path / "elsewhere" / "copy"
    copy_path.parent.mkdir()
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(copy_path), PROJECT_FILTER)
    )
    monkeypatch.setattr(QMessageBox, "exec", lambda self: QMessageBox.StandardButton.Yes)
    save = next(b for b in box.buttons() if b.text() == "Save a copy as…")
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    copy = copy_path.with_suffix(".tawsim")
    assert window.project.path == copy and not window.project.read_only
    assert not window.read_only.banner.isVisible()
    assert read_holder(copy).annotator == "alice"
    assert not lock_path(project_path).exists()  # the full one was let go
    assert window.session.document.external_id == "raqqa"
    _tag(window, failed, failed + 1)
    with sqlite3.connect(copy) as copied:
        assert stored_spans(copied, "raqqa") == [
            *done,
            (failed, failed + 1, "ACTOR", RAQQA[failed]),
        ]
    copied.close()
    assert stored_spans(db, "raqqa") == done  # the original is as it was


PROJECT_FILTER = "Tawsim projects (*.tawsim)"


def test_a_write_sqlite_refuses_mid_session_and_try_again(
    window, qtbot, db: sqlite3.Connection
) -> None:
    """The file became unwritable while open. Simulated on the window's own connection with
    PRAGMA query_only, which makes SQLite refuse writes exactly as on a read-only file
    (SQLITE_READONLY); a chmod cannot do it, as SQLite keeps its file open."""
    window.project.conn.execute("PRAGMA query_only = ON")
    _tag(window, 0, 3)
    assert stored_spans(db, "raqqa") == []
    box = window.read_only.failure_box
    assert box is not None and "read-only" in box.text()
    box.close()
    assert window.read_only.banner.text.text() == (
        "Open read-only: could not save: the file cannot be written (read-only)"
    )
    # Try again while it still cannot be written: the next edit fails the same way.
    window.read_only.try_again()
    assert not window.read_only.active
    _tag(window, 0, 3)
    assert window.read_only.active and stored_spans(db, "raqqa") == []
    window.project.conn.execute("PRAGMA query_only = OFF")
    qtbot.mouseClick(window.read_only.banner.try_again, Qt.MouseButton.LeftButton)
    _tag(window, 0, 3)
    assert stored_spans(db, "raqqa") == [(0, 3, "ACTOR", RAQQA[:3])]
    assert window.session.undo_stack.count() == 1


def test_a_read_only_file_opens_read_only(project_path: Path, qtbot) -> None:
    project_path.chmod(0o444)
    try:
        if os.access(project_path, os.W_OK):
            pytest.skip(
                "running as root: chmod does not stop root from writing; the refusal itself "
                "is covered by test_a_write_sqlite_refuses_mid_session_and_try_again"
            )
        window = shown_window(project_path, qtbot)
        assert window.project.read_only
        assert window.read_only.banner.text.text() == (
            "Open read-only: this file (or its folder) cannot be written"
        )
    finally:
        project_path.chmod(0o644)


def test_the_heartbeat_keeps_the_lock_fresh_and_notices_a_takeover(
    window, project_path: Path, qtbot
) -> None:
    first = read_holder(project_path).heartbeat
    window.read_only.heartbeat.setInterval(20)
    qtbot.waitUntil(lambda: read_holder(project_path).heartbeat > first, timeout=3000)
    # Another host judged the lock stale and took it over: stop writing at once.
    theirs = dict(json.loads(lock_path(project_path).read_text()), annotator="carol", token="t")
    replacement = project_path.with_name("replacement")
    replacement.write_text(json.dumps(theirs))
    os.replace(replacement, lock_path(project_path))
    qtbot.waitUntil(lambda: window.read_only.active, timeout=3000)
    assert window.read_only.banner.text.text().startswith("Open read-only: taken over by carol")
    window.close()
    assert read_holder(project_path).annotator == "carol"  # theirs is left alone
