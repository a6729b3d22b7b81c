"""Backups in the window: taken on open and after activity, restored from File → Restore a
backup…, and offered when a project turns out damaged (app.ui.backups, restore_dialog)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QFileDialog, QMessageBox, QWidget

from app.settings import Settings
from app.ui import backups as scheduling
from app.ui import dialogs
from app.ui.main_window import MainWindow
from app.ui.restore_dialog import RESTORE_OVER, RESTORE_TO_NEW, RestoreDialog
from storage import NotAProjectError
from storage.backups import BEFORE_RESTORE, list_backups, take_backup
from storage.lock import ProjectLock

_timers: list[QTimer] = []  # alive until they fire


@pytest.fixture(autouse=True)
def backup_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The backup on open starts at once here, not seconds after the first paint."""
    monkeypatch.setattr(scheduling, "OPEN_DELAY_MS", 0)


def on_next_modal(kind: type[QWidget], action: Callable[[QWidget], None]) -> None:
    """When a modal ``kind`` next shows, do ``action`` to it (as a user would)."""
    timer = QTimer()
    timer.setInterval(10)

    def poll() -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, kind) and modal.isVisible():
            timer.stop()
            action(modal)

    timer.timeout.connect(poll)
    timer.start()
    _timers.append(timer)


def click(text: str) -> Callable[[QWidget], None]:
    def press(modal: QWidget) -> None:
        buttons = [b for b in modal.findChildren(QAbstractButton) if b.isVisible()]
        button = next(b for b in buttons if b.text().replace("&", "") == text)
        button.click()

    return press


def spans_in(path: Path) -> list[str]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return [row[0] for row in conn.execute("SELECT text FROM spans ORDER BY start")]
    finally:
        conn.close()


def tag_thirteen(window: MainWindow) -> None:
    view = window.article_view
    text = window.session.document.text
    start = text.index("ثلاثة عشر")
    view.select_code_points(start, start + len("ثلاثة عشر"))
    QTest.keyClick(view, Qt.Key.Key_3)


def backups_settled(window: MainWindow, path: Path, count: int) -> Callable[[], bool]:
    return lambda: not window.backups.busy and len(list_backups(path)) == count


def test_opening_backs_up_and_the_timer_only_after_activity(window, project_path, qtbot) -> None:
    qtbot.waitUntil(backups_settled(window, project_path, 1))
    assert window.backups.timer.isActive()
    assert window.backups.timer.interval() == 10 * 60_000  # the default policy

    window.backups.tick()  # nothing written since: no backup
    assert not window.backups.busy
    assert len(list_backups(project_path)) == 1

    tag_thirteen(window)
    window.backups.tick()
    qtbot.waitUntil(backups_settled(window, project_path, 2))
    assert spans_in(list_backups(project_path)[0].path) == ["ثلاثة عشر"]
    assert spans_in(list_backups(project_path)[1].path) == []


def test_the_policy_comes_from_the_settings(project_path: Path, tmp_path: Path, qtbot) -> None:
    settings = Settings(tmp_path / "settings.json")
    settings.set("backup_on_open", False)
    settings.set("backup_every_minutes", 0)
    window = MainWindow(project_path, "alice", settings)
    qtbot.addWidget(window)
    assert not window.backups.busy and not window.backups.timer.isActive()
    assert list_backups(project_path) == []
    settings.set("backup_every_minutes", 3)
    settings.set("backup_keep", 2)
    policy = Settings(tmp_path / "settings.json").backup_policy()
    assert (policy.on_open, policy.every_minutes, policy.keep) == (False, 3, 2)
    window.close()


def test_restore_a_backup_from_the_file_menu(window, project_path, qtbot) -> None:
    qtbot.waitUntil(backups_settled(window, project_path, 1))
    before_tag = list_backups(project_path)[0]
    tag_thirteen(window)
    assert spans_in(project_path) == ["ثلاثة عشر"]
    shots: list[Path] = []

    def choose_and_restore(dialog: QWidget) -> None:
        assert isinstance(dialog, RestoreDialog)
        table = dialog.table
        assert table.rowCount() == 1
        assert table.item(0, 2).text() == "automatic"
        assert table.item(0, 1).text().endswith("KB")
        dialog.grab().save("/tmp/p6-restore-dialog.png")
        shots.append(Path("/tmp/p6-restore-dialog.png"))
        table.selectRow(0)
        on_next_modal(QMessageBox, click("Yes"))
        click("Restore…")(dialog)

    on_next_modal(RestoreDialog, choose_and_restore)
    window.actions_by_name["restore_backup"].trigger()

    assert shots
    assert spans_in(project_path) == []  # the project is the backup again
    assert window.project is not None and window.project.path == project_path
    assert len(window.session.spans) == 0
    assert "Restored project.tawsim" in window.statusBar().currentMessage()
    undo = [b for b in list_backups(project_path) if b.kind == BEFORE_RESTORE]
    assert len(undo) == 1 and spans_in(undo[0].path) == ["ثلاثة عشر"]
    assert before_tag.path.exists()
    # The reopened project is editable and backed up as before.
    tag_thirteen(window)
    assert spans_in(project_path) == ["ثلاثة عشر"]


def test_a_declined_restore_changes_nothing(window, project_path, qtbot) -> None:
    qtbot.waitUntil(backups_settled(window, project_path, 1))
    tag_thirteen(window)

    def choose(dialog: QWidget) -> None:
        on_next_modal(QMessageBox, click("No"))
        click("Restore…")(dialog)

    on_next_modal(RestoreDialog, choose)
    window.actions_by_name["restore_backup"].trigger()
    assert spans_in(project_path) == ["ثلاثة عشر"]
    assert [b.kind for b in list_backups(project_path)] == [""]


def damage(path: Path) -> bytes:
    broken = path.read_bytes()[:8192]  # cut off: it will not open
    path.write_bytes(broken)
    return broken


def test_a_damaged_project_at_start_up_is_restored_over(project_path, qtbot) -> None:
    backup = take_backup(project_path, keep=10)
    assert backup is not None
    broken = damage(project_path)

    def answer(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        assert "damaged" in box.text() and "latest good backup" in box.text()
        assert box.textFormat() == Qt.TextFormat.PlainText
        box.grab().save("/tmp/p6-damaged-offer.png")
        click(RESTORE_OVER)(box)

    on_next_modal(QMessageBox, answer)
    window = MainWindow(project_path, "alice")
    qtbot.addWidget(window)
    assert window.project is not None and window.project.path == project_path
    assert window.session.document is not None and "ثلاثة عشر" in window.session.document.text
    kept = list(project_path.parent.glob("project.tawsim.damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == broken
    assert "damaged file was kept" in window.statusBar().currentMessage()
    window.close()


def test_a_damaged_project_without_backups_is_a_clear_refusal(project_path, qtbot) -> None:
    broken = damage(project_path)
    shown: list[str] = []

    def answer(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        shown.append(box.text())
        click("OK")(box)

    on_next_modal(QMessageBox, answer)
    with pytest.raises(NotAProjectError, match="damaged"):
        MainWindow(project_path, "alice")
    assert shown and "It has no backups." in shown[0] and str(project_path) in shown[0]
    assert project_path.read_bytes() == broken


def test_opening_a_damaged_file_offers_a_new_file_and_keeps_it(
    window, project_path, tmp_path, qtbot, monkeypatch
) -> None:
    other = tmp_path / "other.tawsim"
    other.write_bytes(project_path.read_bytes())
    take_backup(other, keep=10)
    broken = damage(other)
    target = tmp_path / "recovered.tawsim"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    on_next_modal(QMessageBox, click(RESTORE_TO_NEW))
    dialogs._open(window, other)
    assert window.project.path == target
    assert other.read_bytes() == broken  # the damaged file stays where it was, as it was
    assert window.list_model.rowCount() == 3


def test_damage_found_by_the_open_backup_is_offered_too(project_path, qtbot) -> None:
    good = take_backup(project_path, keep=10)
    assert good is not None
    data = bytearray(project_path.read_bytes())
    pages = len(data) // 4096
    data[(pages - 2) * 4096 : (pages - 1) * 4096] = b"\xa5" * 4096  # a page it does not read
    project_path.write_bytes(bytes(data))
    offers: list[str] = []

    def answer(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        offers.append(box.text())
        click(RESTORE_OVER)(box)

    on_next_modal(QMessageBox, answer)
    window = MainWindow(project_path, "alice")  # opens: the damage is found in the background
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: bool(offers) and not window.backups.busy, timeout=10_000)
    qtbot.waitUntil(lambda: "Restored" in window.statusBar().currentMessage())
    assert "Found while backing it up" in offers[0]
    assert window.project.integrity_ok()
    assert [b.path for b in list_backups(project_path) if not b.kind][-1] == good.path
    window.close()


def test_the_open_backup_waits_for_the_first_paint(project_path, qtbot, monkeypatch) -> None:
    monkeypatch.setattr(scheduling, "OPEN_DELAY_MS", 300)
    window = MainWindow(project_path, "alice")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.backups.open_timer.isActive() and list_backups(project_path) == []
    qtbot.waitUntil(backups_settled(window, project_path, 1))
    window.close()


def test_a_project_open_read_only_is_left_to_its_holder(project_path, qtbot) -> None:
    holder = ProjectLock.acquire(project_path, "bob")
    try:
        window = MainWindow(project_path, "alice")
        qtbot.addWidget(window)
        assert window.project.read_only
        assert not window.backups.open_timer.isActive() and not window.backups.timer.isActive()
        qtbot.wait(50)
        assert list_backups(project_path) == []
        window.close()
    finally:
        holder.release()


def test_the_restore_dialog_offers_the_newest_backup_right_to_left(project_path, qtbot) -> None:
    """Chosen from the start, in an Arabic (right-to-left) window too (QTableView.selectRow
    selected nothing there)."""
    take_backup(project_path, keep=5)
    QApplication.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    try:
        dialog = RestoreDialog(project_path)
        qtbot.addWidget(dialog)
        assert dialog.isRightToLeft()
        assert dialog.chosen == list_backups(project_path)[0]
        assert dialog.restore_button.isEnabled()
    finally:
        QApplication.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
