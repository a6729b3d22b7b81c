"""Putting a backup back: File → Restore a backup…, and the offer made for a damaged project.

Both go through storage.backups.restore_backup, which verifies the backup, backs up what
the project holds first (or, for a damaged file, copies its bytes aside: a damaged file is
never deleted) and replaces the file whole. The window's own hold on the project (its
connection and lock) is let go just for the copy, and the restored project is reopened.
Loaded when first needed (app.ui.backups keeps start-up to QtCore).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.messages import project_error
from app.ui.plain import tooltip
from storage import ProjectError
from storage.backups import (
    BEFORE_RESTORE,
    BEFORE_UPGRADE,
    Backup,
    RestoreResult,
    list_backups,
    restore_backup,
    verify_backup,
)

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

# What _ask_recovery returns (and the English button texts); the buttons show them translated.
RESTORE_OVER = "Restore over the damaged file"
RESTORE_TO_NEW = "Restore to a new file…"


def when(backup: Backup) -> str:
    """The time a backup was taken, in the user's time zone."""
    return backup.taken_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def age_text(backup: Backup, now: datetime | None = None) -> str:
    """How long ago, roughly: "just now", "12 min ago", "3 h ago", "5 days ago"."""
    seconds = ((now or datetime.now(UTC)) - backup.taken_at).total_seconds()
    if seconds < 60:
        return QCoreApplication.translate("RestoreDialog", "just now")
    if seconds < 3600:
        return QCoreApplication.translate("RestoreDialog", "{n} min ago").format(
            n=f"{seconds // 60:.0f}"
        )
    if seconds < 2 * 86400:
        return QCoreApplication.translate("RestoreDialog", "{n} h ago").format(
            n=f"{seconds // 3600:.0f}"
        )
    return QCoreApplication.translate("RestoreDialog", "{n} days ago").format(
        n=f"{seconds // 86400:.0f}"
    )


def size_text(size: int) -> str:
    if size < 1024:
        return QCoreApplication.translate("RestoreDialog", "{n} bytes").format(n=size)
    units = (
        QCoreApplication.translate("RestoreDialog", "{n} KB"),
        QCoreApplication.translate("RestoreDialog", "{n} MB"),
    )
    value = size / 1024
    for unit in units:
        if value < 1024:
            return unit.format(n=f"{value:.1f}")
        value /= 1024
    return QCoreApplication.translate("RestoreDialog", "{n} GB").format(n=f"{value:.1f}")


def kind_text(backup: Backup) -> str:
    """The backup's kind in the interface's words (storage describes it in English)."""
    if backup.kind == BEFORE_RESTORE:
        return QCoreApplication.translate("RestoreDialog", "taken before a restore")
    if backup.kind == BEFORE_UPGRADE:
        return QCoreApplication.translate("RestoreDialog", "taken before a schema upgrade")
    return QCoreApplication.translate("RestoreDialog", "automatic")


class RestoreDialog(QDialog):
    """The project's backups, newest first: when, how big, which kind."""

    def __init__(self, project: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Restore a backup"))
        self.resize(620, 380)
        self.backups = list_backups(project)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Backups of {name}, newest first. Restoring one puts it in place of the "
                "project; what the project holds now is backed up first, so you can come back "
                "to it from this list."
            ).format(name=project.name)
            if self.backups
            else self.tr(
                "{name} has no backups yet. One is taken when a project is "
                "opened and every few minutes while you work."
            ).format(name=project.name)
        )
        intro.setTextFormat(Qt.TextFormat.PlainText)  # file names are never markup
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(len(self.backups), 3)
        self.table.setHorizontalHeaderLabels([self.tr("Taken"), self.tr("Size"), self.tr("Kind")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        for row, backup in enumerate(self.backups):
            taken = f"{when(backup)} ({age_text(backup)})"
            cells = (taken, size_text(backup.size), kind_text(backup))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(tooltip(str(backup.path)))  # a folder may hold "<"
                if column == 1:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        self.table.setVisible(bool(self.backups))
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = buttons.addButton(
            self.tr("Restore…"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.accept())
        if self.backups:
            self.table.setCurrentCell(0, 0)  # not selectRow, which misses right to left
        self._selection_changed()

    @property
    def chosen(self) -> Backup | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        self.restore_button.setEnabled(self.chosen is not None)


def choose_and_restore(window: MainWindow) -> RestoreResult | None:
    """File → Restore a backup…: pick one, confirm, restore, reopen."""
    project = window.project
    if project is None or project.path is None or window.session is None:
        return None
    path = project.path
    dialog = RestoreDialog(path, window)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen is None:
        return None
    backup = dialog.chosen
    question = QCoreApplication.translate(
        "RestoreDialog",
        "Put the backup of {when} in place of {name}?\n\n"
        "Work done since then leaves the project. What it holds now is backed up first, so "
        "you can restore it again from File → Restore a backup….",
    ).format(when=when(backup), name=path.name)
    if not _confirm(
        window, QCoreApplication.translate("RestoreDialog", "Restore a backup"), question
    ):
        return None
    return restore_into_window(window, backup, path, window.session.annotator.name)


def restore_into_window(
    window: MainWindow, backup: Backup, target: Path, annotator: str
) -> RestoreResult | None:
    """Restore ``backup`` to ``target`` and open it in ``window``.

    If the window has ``target`` open, it lets go of it for the copy (its backups stop, its
    connection and lock close) and reopens what is there afterwards, restored or not.
    """
    current = window.project.path if window.project is not None else None
    holding = current is not None and current.resolve() == target.resolve()
    if holding:
        window.backups.stop()
        assert window.project is not None
        window.project.close()
        window.project = None
    try:
        result = restore_backup(backup.path, target, by=annotator)
    except ProjectError as error:
        if holding:  # reopened before the message: the window must never show a closed project
            window.open_project(target, annotator)
        _show(
            window,
            QCoreApplication.translate("RestoreDialog", "Restore a backup"),
            project_error(error),
            error=True,
        )
        return None
    window.open_project(target, annotator)
    lines = [
        QCoreApplication.translate(
            "RestoreDialog", "Restored {name} from the backup of {when}."
        ).format(name=target.name, when=when(backup))
    ]
    if result.previous is not None:
        lines.append(
            QCoreApplication.translate(
                "RestoreDialog", "What it held before was backed up as {name}."
            ).format(name=result.previous.path.name)
        )
    if result.damaged_copy is not None:
        lines.append(
            QCoreApplication.translate(
                "RestoreDialog", "The damaged file was kept as {path}."
            ).format(path=result.damaged_copy)
        )
    window.statusBar().showMessage(" ".join(lines), 15000)
    return result


def recover_damaged(window: MainWindow, path: Path, message: str, annotator: str) -> bool:
    """``path`` is damaged (or not a project): offer its latest good backup.

    True when a backup was restored (over it or to a new file) and is open in the window;
    False when there is none or the user declines (what was wrong has then been shown)."""
    candidates = list_backups(path)
    good = _newest_good(candidates)
    if good is None:
        reason = (
            QCoreApplication.translate("RestoreDialog", "None of its backups can be restored.")
            if candidates
            else QCoreApplication.translate("RestoreDialog", "It has no backups.")
        )
        title = QCoreApplication.translate("RestoreDialog", "Cannot open project")
        _show(window, title, f"{message}\n\n{reason}", error=True)
        return False
    choice = _ask_recovery(window, message, good)
    if choice == RESTORE_OVER:
        target = path
    elif choice == RESTORE_TO_NEW:
        name, _ = QFileDialog.getSaveFileName(
            window,
            QCoreApplication.translate("RestoreDialog", "Restore to a new file"),
            str(path.with_name(f"{path.name.removesuffix('.tawsim')}-restored.tawsim")),
            QCoreApplication.translate("RestoreDialog", "Tawsim projects (*.tawsim)"),
        )
        if not name:
            return False
        target = Path(name) if name.endswith(".tawsim") else Path(name + ".tawsim")
    else:
        return False
    return restore_into_window(window, good, target, annotator) is not None


def recover_open_project(window: MainWindow, message: str) -> bool:
    """The open project turned out damaged (its backup found it): offer a backup."""
    if window.project is None or window.project.path is None or window.session is None:
        return False
    note = QCoreApplication.translate(
        "RestoreDialog", "(Found while backing it up: part of the open project is unreadable.)"
    )
    found = f"{message}\n\n{note}"
    return recover_damaged(window, window.project.path, found, window.session.annotator.name)


def _newest_good(backups: list[Backup]) -> Backup | None:
    for backup in backups:
        try:
            verify_backup(backup.path)
        except ProjectError:
            continue
        return backup
    return None


def _ask_recovery(parent: QWidget, message: str, backup: Backup) -> str:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(QCoreApplication.translate("RestoreDialog", "The project is damaged"))
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(
        QCoreApplication.translate(
            "RestoreDialog",
            "{message}\n\nThe latest good backup is from {when} ({size}, {kind}). Restore it?\n"
            "Either way the damaged file is kept: restoring over it copies it aside first.",
        ).format(
            message=message, when=when(backup), size=size_text(backup.size), kind=kind_text(backup)
        )
    )
    over = box.addButton(
        QCoreApplication.translate("RestoreDialog", "Restore over the damaged file"),
        QMessageBox.ButtonRole.AcceptRole,
    )
    to_new = box.addButton(
        QCoreApplication.translate("RestoreDialog", "Restore to a new file…"),
        QMessageBox.ButtonRole.ActionRole,
    )
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    clicked = box.clickedButton()
    return {over: RESTORE_OVER, to_new: RESTORE_TO_NEW}.get(clicked, "") if clicked else ""


def _confirm(parent: QWidget, title: str, text: str) -> bool:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def _show(parent: QWidget, title: str, text: str, *, error: bool = False) -> None:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning if error else QMessageBox.Icon.Information)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    box.exec()
