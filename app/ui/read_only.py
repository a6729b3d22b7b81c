"""Read-only mode: a project another instance holds, or one the disk stopped accepting.

The window opens a project with its lock (storage.lock). When someone else holds it, or
its file cannot be written, the project is opened read-only instead, and a banner says why
("Open read-only: held by alice on lab-3 since 2024-03-05 09:12 UTC") with a Try again
button. Every edit goes through :meth:`ReadOnlyMode.push`: while read-only it does nothing
and says why in the status bar; otherwise it runs the undo command guarded, so a write the
disk refuses (full, I/O error, read-only file) is rolled back by storage, never shows as
done (the command leaves the undo stack), and switches the window to read-only with a
message that offers File → Save a copy as….
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton

from app.ui.messages import holder_text, project_error, write_cause
from storage import Project, ProjectError, ProjectLockedError, open_project
from storage.errors import ReadOnlyProjectError, WriteFailedError
from storage.lock import HEARTBEAT_EVERY, STALE_AFTER, read_holder

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox

    from app.ui.main_window import MainWindow

# Menu actions that change the project: disabled while read-only. (Undo and redo follow
# the undo group, which is given no active stack meanwhile.)
EDITING_ACTIONS = (
    "import",
    "import_folder",
    "delete",
    "attributes",
    "labels",
    "proclitics",
    "done_next",
    "skip",
    "in_progress",
    "review",
    "annotate_all",
    "accept_suggestion",
    "reject_suggestion",
    "accept_all_suggestions",
)
# A command that fails with one of these was not done; storage rolled it back.
EDIT_FAILURES = (WriteFailedError, ReadOnlyProjectError, sqlite3.OperationalError)


def open_for_annotation(
    path: Path, annotator: str, stale_after: timedelta = STALE_AFTER
) -> tuple[Project, str]:
    """The project with its lock and "", or opened read-only with the reason why."""
    if not path.exists():
        from app.core.setup import init_project

        init_project(path).close()
    try:
        return open_project(path, holder=annotator, stale_after=stale_after), ""
    except ProjectLockedError as error:
        holder = error.holder
        reason = (
            QCoreApplication.translate("ReadOnlyMode", "held by {holder}").format(
                holder=holder_text(holder)
            )
            if holder
            else QCoreApplication.translate("ReadOnlyMode", "in use by another instance")
        )
    except ReadOnlyProjectError:
        reason = QCoreApplication.translate(
            "ReadOnlyMode", "this file (or its folder) cannot be written"
        )
    return open_project(path, read_only=True), reason


class GuardedEdit(QUndoCommand):
    """Runs an edit command; if its write fails it is made obsolete, which takes it off the
    undo stack (Qt drops obsolete commands in push, undo and redo), and is reported."""

    def __init__(self, inner: QUndoCommand, failed: Callable[[Exception], None]) -> None:
        super().__init__(inner.text())
        self._inner = inner
        self._failed = failed

    def redo(self) -> None:
        self._run(self._inner.redo)

    def undo(self) -> None:
        self._run(self._inner.undo)

    def _run(self, step: Callable[[], None]) -> None:
        try:
            step()
        except EDIT_FAILURES as error:
            self.setObsolete(True)
            self._failed(error)


class ReadOnlyBanner(QFrame):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("readOnlyBanner")
        self.setStyleSheet(
            "#readOnlyBanner { background: #fff3c4; border-bottom: 1px solid #d9b600; }"
        )
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        self.text = QLabel()
        self.text.setTextFormat(Qt.TextFormat.PlainText)  # holder names are never markup
        self.text.setWordWrap(True)
        self.try_again = QPushButton(self.tr("Try again"))
        self.save_copy = QPushButton(self.tr("Save a copy as…"))
        row.addWidget(self.text, 1)
        row.addWidget(self.save_copy)
        row.addWidget(self.try_again)
        self.hide()


class ReadOnlyMode(QObject):
    """The window's read-only state, its banner, and the lock's heartbeat."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.reason = ""  # why the window is read-only; "" while editing
        self.failure_box: QMessageBox | None = None
        self._pending: list[Exception] | None = None  # failures of the edit being pushed
        self.banner = ReadOnlyBanner()
        self.banner.try_again.clicked.connect(self.try_again)
        self.banner.save_copy.clicked.connect(self._save_copy)
        minutes = window.settings.get("lock_heartbeat_minutes")
        every = timedelta(minutes=minutes) if isinstance(minutes, int | float) else HEARTBEAT_EVERY
        self.heartbeat = QTimer(self)
        self.heartbeat.setInterval(max(1000, int(every.total_seconds() * 1000)))
        self.heartbeat.timeout.connect(self._beat)

    @property
    def active(self) -> bool:
        return bool(self.reason)

    def stale_after(self) -> timedelta:
        minutes = self.window.settings.get("lock_stale_minutes")
        return timedelta(minutes=minutes) if isinstance(minutes, int | float) else STALE_AFTER

    # -- opening ----------------------------------------------------------------------------
    def open(self, path: Path, annotator: str) -> tuple[Project, str]:
        current = self.window.project
        if current is not None and current.lock is not None and _same(current.path, path):
            current.close()  # our own lock would refuse us
        return open_for_annotation(path, annotator, self.stale_after())

    def project_opened(self, project: Project, reason: str) -> None:
        if reason:
            self.enter(reason)
        else:
            self.leave()
        if project.lock is not None:
            self.heartbeat.start()
        else:
            self.heartbeat.stop()

    # -- the state --------------------------------------------------------------------------
    def enter(self, reason: str) -> None:
        self.reason = reason
        self.banner.text.setText(self.tr("Open read-only: {reason}").format(reason=reason))
        self.banner.show()
        self._set_editing(False)

    def leave(self) -> None:
        self.reason = ""
        self.banner.hide()
        self._set_editing(True)

    def _set_editing(self, enabled: bool) -> None:
        window = self.window
        for name in EDITING_ACTIONS:
            action = window.actions_by_name.get(name)
            if action is not None:
                action.setEnabled(enabled)
        session = window.session
        window.undo_group.setActiveStack(session.undo_stack if enabled and session else None)

    def try_again(self) -> None:
        """Take the lock again (a held project is reopened), or, after a failed write, allow
        edits again: if the disk is still full the next one says so."""
        window = self.window
        project, session = window.project, window.session
        if project is None or session is None or project.path is None:
            return
        if not project.read_only:
            self.leave()
            window.statusBar().showMessage(self.tr("Editing again."), 5000)
            return
        document = session.document.id if session.document is not None else None
        window.open_project(project.path, session.annotator.name)
        if document is not None:
            window.show_document(document)
        if self.active:
            window.statusBar().showMessage(
                self.tr("Still read-only: {reason}.").format(reason=self.reason), 8000
            )
        else:
            window.statusBar().showMessage(
                self.tr("The project is yours again: editing is on."), 8000
            )

    # -- edits ------------------------------------------------------------------------------
    def push(self, command: QUndoCommand) -> bool:
        """Run ``command`` on the session's undo stack; True if it was done and stored."""
        window = self.window
        if self.active or window.session is None:
            window.statusBar().showMessage(
                self.tr("Read-only ({reason}): nothing was changed.").format(reason=self.reason),
                8000,
            )
            return False
        self._pending = []
        try:
            window.session.undo_stack.push(GuardedEdit(command, self._edit_failed))
        finally:
            failures, self._pending = self._pending, None
        for error in failures:
            self.write_failed(error)
        return not failures

    def _edit_failed(self, error: Exception) -> None:
        if self._pending is not None:  # in push: reported once push is over
            self._pending.append(error)
        else:  # undo or redo from the menu: reported once the undo stack is done
            QTimer.singleShot(0, lambda: self.write_failed(error))

    def write_failed(self, error: Exception) -> None:
        """A write was refused and rolled back: say so, stop editing, offer a copy."""
        if isinstance(error, WriteFailedError):
            self.enter(self.tr("could not save: {cause}").format(cause=write_cause(error)))
        elif isinstance(error, ReadOnlyProjectError):
            self.enter(self.tr("the project cannot be written"))
        path = self.window.project.path if self.window.project else None
        if isinstance(error, ProjectError) and error.path is not None:
            text = project_error(error)  # in the interface's language
        else:  # SQLite's own words: name the project if they do not
            text = str(error) if str(path) in str(error) else f"{path}: {error}"
        from PySide6.QtWidgets import QMessageBox  # not needed to show the window

        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Could not save"))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            self.tr(
                "{text}\n\nEverything done before it is safe in the project. To go on "
                "working, save a copy elsewhere (another disk) with File → Save a copy as…."
            ).format(text=text)
        )
        copy = box.addButton(self.tr("Save a copy as…"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        copy.clicked.connect(self._save_copy)
        self.failure_box = box
        box.open()  # not exec(): this runs inside the undo stack's push

    def _save_copy(self) -> None:
        from app.ui.dialogs import save_copy_as

        save_copy_as(self.window)

    def _beat(self) -> None:
        project = self.window.project
        if project is None or project.lock is None:
            return
        try:
            ours = project.lock.heartbeat()
        except OSError:
            return  # a full disk: the flock still holds it on this host
        if not ours and not self.active:
            holder = read_holder(project.path) if project.path else None
            who = holder.describe() if holder else self.tr("another instance")
            self.enter(self.tr("taken over by {holder}").format(holder=who))


def _same(first: Path | None, second: Path) -> bool:
    return first is not None and first.resolve() == second.resolve()
