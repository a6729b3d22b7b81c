"""A modal progress dialog with Cancel, and the callback the Qt-free code reports through."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

STEPS = 1000


def progress_dialog(
    parent: QWidget, text: str, title: str
) -> tuple[QProgressDialog, Callable[[int, int], bool]]:
    """The dialog (shown after 300 ms) and ``report(done, total) -> keep going?``."""
    cancel = QCoreApplication.translate("Progress", "Cancel")
    dialog = QProgressDialog(text, cancel, 0, STEPS, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)

    def report(done: int, total: int) -> bool:
        dialog.setValue(int(STEPS * done / total) if total else 0)
        QApplication.processEvents()
        return not dialog.wasCanceled()

    return dialog, report
