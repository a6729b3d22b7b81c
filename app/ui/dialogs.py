"""The window's dialogs: projects, import with progress, export, labels, help."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QMenu,
    QMessageBox,
    QWidget,
)

from app import __version__
from app.ui.label_editor import LabelEditor
from app.ui.messages import import_lines, project_error
from app.ui.progress import progress_dialog
from storage import NotAProjectError, ProjectError

if TYPE_CHECKING:
    from app.core.importing import ImportReport
    from app.ui.main_window import MainWindow


def project_filter() -> str:
    return QCoreApplication.translate("Dialogs", "Tawsim projects (*.tawsim);;All files (*)")


def import_filter() -> str:
    return QCoreApplication.translate(
        "Dialogs",
        "All files (*);;Articles (*.txt *.jsonl *.csv *.tsv *.conll *.ann *.json *.xmi)",
    )


def _message(parent: QWidget, title: str, text: str, *, error: bool = False) -> None:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning if error else QMessageBox.Icon.Information)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)  # file names and errors are never markup
    box.setText(text)
    box.exec()


def ask_annotator(parent: QWidget | None, suggestion: str = "") -> str | None:
    name, ok = QInputDialog.getText(
        parent,
        QCoreApplication.translate("Dialogs", "Who is annotating?"),
        QCoreApplication.translate("Dialogs", "Your name (each span is saved under it):"),
        text=suggestion,
    )
    return name.strip() if ok and name.strip() else None


def new_project(window: MainWindow) -> None:
    name, _ = QFileDialog.getSaveFileName(
        window, QCoreApplication.translate("Dialogs", "New project"), "", project_filter()
    )
    if name:
        path = Path(name) if name.endswith(".tawsim") else Path(name + ".tawsim")
        _open(window, path)


def open_project(window: MainWindow) -> None:
    name, _ = QFileDialog.getOpenFileName(
        window, QCoreApplication.translate("Dialogs", "Open project"), "", project_filter()
    )
    if name:
        _open(window, Path(name))


def _open(window: MainWindow, path: Path) -> None:
    assert window.session is not None
    try:
        window.open_project(path, window.session.annotator.name)
    except NotAProjectError as error:  # damaged or not a project: offer its latest backup
        from app.ui.restore_dialog import recover_damaged

        recover_damaged(window, path, project_error(error), window.session.annotator.name)
    except ProjectError as error:
        _message(
            window,
            QCoreApplication.translate("Dialogs", "Cannot open project"),
            project_error(error),
            error=True,
        )


def restore_backup(window: MainWindow) -> None:
    from app.ui.restore_dialog import choose_and_restore

    choose_and_restore(window)


def fill_recent_menu(window: MainWindow, menu: QMenu) -> None:
    menu.clear()
    for path in window.settings.recent_projects():
        action = menu.addAction(path)
        action.triggered.connect(lambda _=False, p=path: _open(window, Path(p)))
    if menu.isEmpty():
        menu.addAction(QCoreApplication.translate("Dialogs", "(none yet)")).setEnabled(False)


def import_files(window: MainWindow) -> None:
    names, _ = QFileDialog.getOpenFileNames(
        window, QCoreApplication.translate("Dialogs", "Import"), "", import_filter()
    )
    if names:
        open_import_dialog(window, [Path(n) for n in names])


def import_folder(window: MainWindow) -> None:
    name = QFileDialog.getExistingDirectory(
        window, QCoreApplication.translate("Dialogs", "Import a folder")
    )
    if name:
        open_import_dialog(window, [Path(name)])


def open_import_dialog(window: MainWindow, paths: list[Path]) -> ImportReport | None:
    """Preview what ``paths`` hold, then import them if the user agrees."""
    from app.ui.import_dialog import ImportDialog  # the format readers load on first use

    assert window.project is not None and window.session is not None
    dialog = ImportDialog(window.project, window.session.annotator.name, paths, window)
    dialog.run_preview()
    if dialog.exec() != ImportDialog.DialogCode.Accepted or dialog.report is None:
        return None
    after_import(window, dialog.report)
    return dialog.report


def run_import(window: MainWindow, paths: list[Path]) -> ImportReport | None:
    """Import without a preview (drag and drop, tests): progress with Cancel, then a summary."""
    from app.core.importing import import_paths

    assert window.project is not None and window.session is not None
    progress, report_progress = progress_dialog(
        window,
        QCoreApplication.translate("Dialogs", "Importing…"),
        QCoreApplication.translate("Dialogs", "Import"),
    )

    report = import_paths(
        window.project,
        paths,
        annotator=window.session.annotator.name,
        progress=report_progress,
    )
    progress.close()
    after_import(window, report)
    return report


def after_import(window: MainWindow, report: ImportReport) -> None:
    assert window.project is not None and window.session is not None
    window.list_model.reload()
    if report.created_labels:
        window.session.reload_labels()
    if window.session.document is None:
        first = window.project.documents.first_id()
        if first is not None:
            window.show_document(first)
    title = QCoreApplication.translate("Dialogs", "Import")
    _message(window, title, "\n".join(import_lines(report)), error=bool(report.rejected))


def export_dialog(window: MainWindow) -> None:
    from app.ui.export_dialog import ExportDialog, report_lines

    assert window.project is not None and window.session is not None
    dialog = ExportDialog(window.project, window.session.annotator.name, window)
    accepted = dialog.exec() == ExportDialog.DialogCode.Accepted
    if dialog.error:
        _message(window, QCoreApplication.translate("Dialogs", "Export"), dialog.error, error=True)
    elif accepted and dialog.report is not None:
        title = QCoreApplication.translate("Dialogs", "Export")
        _message(window, title, "\n".join(report_lines(dialog.report)))


def save_copy_as(window: MainWindow) -> None:
    """Copy the open project to a chosen file (another disk when this one is full), then
    offer to go on working in the copy."""
    assert window.project is not None and window.session is not None
    name, _ = QFileDialog.getSaveFileName(
        window, QCoreApplication.translate("Dialogs", "Save a copy as"), "", project_filter()
    )
    if not name:
        return
    target = Path(name) if name.endswith(".tawsim") else Path(name + ".tawsim")
    try:
        window.project.copy_to(target)
    except ProjectError as error:
        title = QCoreApplication.translate("Dialogs", "Save a copy")
        _message(window, title, project_error(error), error=True)
        return
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
    text = QCoreApplication.translate(
        "Dialogs", "Saved a copy to {path}.\n\nGo on working in the copy?"
    ).format(path=target)
    title = QCoreApplication.translate("Dialogs", "Save a copy")
    ask = QMessageBox(QMessageBox.Icon.Question, title, text, buttons, window)
    ask.setTextFormat(Qt.TextFormat.PlainText)  # a file name is never markup
    if ask.exec() == QMessageBox.StandardButton.Yes:
        document = window.session.document
        _open(window, target)
        if document is not None:
            window.show_document(document.id)


def edit_labels(window: MainWindow) -> None:
    assert window.session is not None
    editor = LabelEditor(window.session.project, window.session.annotator.name, window)
    editor.exec()
    window.session.reload_labels()


def toggle_proclitics(window: MainWindow) -> None:
    assert window.project is not None
    action = window.actions_by_name["proclitics"]
    window.project.set_setting("strip_proclitics", "1" if action.isChecked() else "0")


def zoom(window: MainWindow, step: int) -> None:
    view = window.article_view
    if step > 0:
        view.zoomIn(1)
    else:
        view.zoomOut(1)
    window.settings.set("article_point_size", view.font().pointSize())


def show_help(window: MainWindow) -> None:
    lines = [
        QCoreApplication.translate("Dialogs", "Tagging (in the article):"),
        QCoreApplication.translate(
            "Dialogs", "  select text with the mouse or Shift+arrows, then press a label key"
        ),
        QCoreApplication.translate(
            "Dialogs", "  1–4 or the label's letter: tag the selection (snapped to whole words)"
        ),
        QCoreApplication.translate(
            "Dialogs", "  Alt + label key: tag exactly the selected characters"
        ),
        QCoreApplication.translate(
            "Dialogs",
            "  click a highlight: select that span (click again to reach an overlapped one)",
        ),
        QCoreApplication.translate("Dialogs", "  Tab / Shift+Tab: next / previous span"),
        QCoreApplication.translate("Dialogs", "  a label key with a span selected: retag it"),
        QCoreApplication.translate(
            "Dialogs", "  Delete: delete the selected span · F2: edit its attributes"
        ),
        "",
        QCoreApplication.translate(
            "Dialogs",
            "Review window (Team → Review and adjudicate…; F1 there lists all its keys):",
        ),
        QCoreApplication.translate(
            "Dialogs",
            "  F8 / Shift+F8: next / previous disagreement · Ctrl+1…9: accept that version",
        ),
        QCoreApplication.translate(
            "Dialogs", "  Ctrl+Delete: reject · Ctrl+Return: adjudication done, next document"
        ),
        "",
    ]
    for name, action in window.actions_by_name.items():
        keys = ", ".join(k.toString() for k in action.shortcuts())
        if keys and name not in ("delete",):
            lines.append(f"  {keys}: {action.text().replace('&', '')}")
    title = QCoreApplication.translate("Dialogs", "Keyboard shortcuts")
    _message(window, title, "\n".join(lines))


def show_about(window: MainWindow) -> None:
    _message(
        window,
        QCoreApplication.translate("Dialogs", "About Tawsim"),
        QCoreApplication.translate(
            "Dialogs",
            "Tawsim {version} — offline annotation of Arabic news.\nEvery action is saved"
            " the moment you make it.",
        ).format(version=__version__),
    )
