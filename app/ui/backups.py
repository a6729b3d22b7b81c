"""Automatic backups while a project is open: on opening it, then every N minutes of activity.

The timer lives here; the copying is storage.backups.take_backup, run on a worker thread:
a backup reads the whole file (seconds for a big corpus), which the window must not wait
for. It reads through its own SQLite connection, a snapshot of committed work, so the
window goes on writing meanwhile (WAL). "Activity" is a committed write: the timer backs up
only when the connection's change count moved since the last backup, and take_backup
itself skips a copy identical to the newest one. The policy (on open, N, K) is the user's
(app.settings). This module needs nothing but QtCore at start-up; the restore dialog
(app.ui.restore_dialog) loads when it is first needed.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot

from app.ui.messages import backup_failure, project_error
from storage import NotAProjectError, Project, ProjectError

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow
    from storage.backup_policy import BackupPolicy
    from storage.backups import Backup

# How long closing the window waits for a backup under way (a killed one leaves only a
# hidden partial file, cleared by a later backup).
CLOSE_WAIT_SECONDS = 60.0
# The backup "on open" starts this long after: the window's first paint (a start-up budget,
# DESIGN §8) does not share the disk and the CPUs with it.
OPEN_DELAY_MS = 3000


class BackupScheduler(QObject):
    finished = Signal(object)  # the Backup written, or None: nothing changed since the last
    failed = Signal(str, str, bool)  # project path, message, whether the project is damaged
    # The worker thread's reports: queued to this object's own (the window's) thread, where
    # they are announced as the two signals above.
    _worker_finished = Signal(object)
    _worker_failed = Signal(str, str, bool)

    def __init__(self, policy: BackupPolicy, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.policy = policy
        self.timer = QTimer(self)
        self.timer.setInterval(max(policy.every_minutes, 1) * 60_000)
        self.timer.timeout.connect(self.tick)
        self.open_timer = QTimer(self)
        self.open_timer.setSingleShot(True)
        self.open_timer.timeout.connect(self._back_up_opened)
        self._project: Project | None = None
        self._changes_at_backup = 0
        self._worker: threading.Thread | None = None
        self._worker_finished.connect(self._announce_finished)
        self._worker_failed.connect(self._announce_failed)

    @property
    def busy(self) -> bool:
        return self._worker is not None and self._worker.is_alive()

    def watch(self, project: Project) -> None:
        """``project`` was opened: back it up now if the policy says so, then on the timer.

        A project open read-only is someone else's to back up (or cannot be written)."""
        self.timer.stop()
        self.open_timer.stop()
        self._project = project
        self._changes_at_backup = project.conn.total_changes
        if project.path is None or project.read_only:
            return
        if self.policy.every_minutes:
            self.timer.start()
        if self.policy.on_open:
            self.open_timer.start(OPEN_DELAY_MS)

    def tick(self) -> None:
        """Back up if something was written since the last backup (the timer calls this)."""
        project = self._project
        if project is None or project.path is None or self.busy:
            return
        try:
            changes = project.conn.total_changes
        except sqlite3.ProgrammingError:  # closed meanwhile
            return
        if changes != self._changes_at_backup:
            self._changes_at_backup = changes
            self._start(project.path)

    def _back_up_opened(self) -> None:
        project = self._project
        if project is not None and project.path is not None:
            self._changes_at_backup = project.conn.total_changes
            self._start(project.path)

    def wait(self, timeout: float | None = CLOSE_WAIT_SECONDS) -> None:
        if self._worker is not None:
            self._worker.join(timeout)

    def stop(self) -> None:
        """No more backups of this project (it is being closed): waits for one under way."""
        self.timer.stop()
        self.open_timer.stop()
        self._project = None
        self.wait()

    def _start(self, path: Path) -> None:
        if self.busy:
            return
        keep = self.policy.keep
        self._worker = threading.Thread(
            target=self._run, args=(path, keep), name="tawsim-backup", daemon=True
        )
        self._worker.start()

    def _run(self, path: Path, keep: int) -> None:
        """On the worker thread; the signals reach the window on its own thread (queued)."""
        from storage.backups import take_backup  # loaded by the first backup, not at start-up

        try:
            backup = take_backup(path, keep=keep, if_changed=True)
        # The messages are put in the interface's language here (translate is thread-safe).
        except NotAProjectError as error:
            self._worker_failed.emit(str(path), project_error(error), True)
        except ProjectError as error:
            self._worker_failed.emit(str(path), project_error(error), False)
        except (OSError, sqlite3.Error) as error:
            self._worker_failed.emit(str(path), backup_failure(path, error), False)
        else:
            self._worker_finished.emit(backup)

    @Slot(object)
    def _announce_finished(self, backup: Backup | None) -> None:
        self.finished.emit(backup)

    @Slot(str, str, bool)
    def _announce_failed(self, path: str, message: str, damaged: bool) -> None:
        self.failed.emit(path, message, damaged)


def attach_backups(window: MainWindow) -> BackupScheduler:
    """The window's scheduler, with its reports shown in the window."""
    scheduler = BackupScheduler(window.settings.backup_policy(), window)

    def finished(backup: Backup | None) -> None:
        # A quiet note, which never hides a message that matters more (a restore's).
        if backup is not None and not window.statusBar().currentMessage():
            text = QCoreApplication.translate("Backups", "Backed up ({name})")
            window.statusBar().showMessage(text.format(name=backup.path.name), 4000)

    def failed(path: str, message: str, damaged: bool) -> None:
        if damaged and window.project is not None and str(window.project.path) == path:
            from app.ui.restore_dialog import recover_open_project

            recover_open_project(window, message)
        else:
            text = QCoreApplication.translate("Backups", "No backup was taken: {reason}")
            window.statusBar().showMessage(text.format(reason=message), 15000)

    scheduler.finished.connect(finished)
    scheduler.failed.connect(failed)
    return scheduler
