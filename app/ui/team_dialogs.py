"""File → Create work packages… and Merge annotators' projects…: thin dialogs over app.team.

Both show what happened inside the dialog (plain text: file names and Arabic titles are
never markup), so nothing modal pops up over them; long runs show the progress dialog
with Cancel, and a cancelled run has written nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.team import packages
from app.team.merge import MergeCancelled, merge_file
from app.team.packages import PackageReport, PackagingCancelled, assign
from app.team.query import select_documents
from app.team.report import MergeReport
from app.ui.messages import merge_lines, package_lines, project_error
from app.ui.progress import progress_dialog
from storage import Project, ProjectError

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

CONFLICTS_SHOWN = 50


def _result_box(name: str) -> QPlainTextEdit:
    box = QPlainTextEdit(objectName=name)
    box.setReadOnly(True)
    box.setPlaceholderText(
        QCoreApplication.translate("TeamDialogs", "What happened will show here.")
    )
    return box


class PackageDialog(QDialog):
    """Annotators, overlap, documents, seed and folder; a live count of the deal."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("packageDialog")
        self.setWindowTitle(self.tr("Create work packages"))
        self.resize(620, 480)
        self.project = project
        self.report: PackageReport | None = None

        self.annotators = QLineEdit(objectName="packageAnnotators")
        self.annotators.setPlaceholderText(self.tr("amal, bilal, salma"))
        self.overlap = QSpinBox(objectName="packageOverlap")
        self.overlap.setRange(0, 100)
        self.overlap.setSuffix(" %")
        self.overlap.setValue(20)
        self.overlap.setToolTip(
            self.tr("Documents every annotator gets, so that agreement can be measured")
        )
        self.documents = QLineEdit(objectName="packageDocuments")
        self.documents.setPlaceholderText(
            self.tr("every document — or ids:1-200, status:done@amal, a title")
        )
        self.seed = QSpinBox(objectName="packageSeed")
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setToolTip(self.tr("The same seed deals the same documents to the same people"))
        self.with_spans = QCheckBox(
            self.tr("Include each annotator's spans already in the project"),
            objectName="packageSpans",
        )
        self.with_spans.setChecked(True)
        self.folder = QLineEdit(objectName="packageFolder")
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.folder, 1)
        where.addWidget(browse)
        self.deal = QLabel(objectName="packageDeal")
        self.result = _result_box("packageResult")

        form = QFormLayout()
        form.addRow(self.tr("Annotators"), self.annotators)
        form.addRow(self.tr("Shared by all"), self.overlap)
        form.addRow(self.tr("Documents"), self.documents)
        form.addRow(self.tr("Seed"), self.seed)
        form.addRow("", self.with_spans)
        form.addRow(self.tr("Folder"), where)
        form.addRow("", self.deal)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Close
        )
        self.create_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.create_button.setText(self.tr("Create packages"))
        self.buttons.accepted.connect(self.run)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.result, 1)
        layout.addWidget(self.buttons)

        self._chosen: list[int] | None = None
        self.documents.editingFinished.connect(self._query_changed)
        self.annotators.textChanged.connect(self._update_deal)
        self.overlap.valueChanged.connect(self._update_deal)
        self._query_changed()

    def names(self) -> list[str]:
        return [name.strip() for name in self.annotators.text().split(",") if name.strip()]

    def _browse(self) -> None:
        name = QFileDialog.getExistingDirectory(self, self.tr("Folder for the packages"))
        if name:
            self.folder.setText(name)

    def _query_changed(self) -> None:
        try:
            self._chosen = select_documents(self.project, self.documents.text())
        except ProjectError as error:
            self._chosen = None
            self.deal.setText(project_error(error))
            return
        self._update_deal()

    def _update_deal(self) -> None:
        """'N documents: S shared by all, then about E more each' for the current fields."""
        if self._chosen is None:
            return
        names = self.names()
        if not names:
            self.deal.setText(self.tr("{n} documents chosen").format(n=len(self._chosen)))
            return
        dealt = assign(self._chosen, names, overlap=self.overlap.value() / 100, seed=0)
        sizes = [len(ids) for ids in dealt.own.values()]
        each = str(min(sizes)) if min(sizes) == max(sizes) else f"{min(sizes)}–{max(sizes)}"
        self.deal.setText(
            self.tr(
                "{n} documents: {shared} shared by all, then {each} more for each of"
                " {annotators} annotators"
            ).format(
                n=len(self._chosen), shared=len(dealt.shared), each=each, annotators=len(names)
            )
        )

    def run(self) -> PackageReport | None:
        folder = self.folder.text().strip()
        if not folder:
            self._browse()
            folder = self.folder.text().strip()
            if not folder:
                return None
        progress, report_progress = progress_dialog(
            self, self.tr("Creating packages…"), self.tr("Work packages")
        )
        try:
            self.report = packages.create_packages(
                self.project,
                self.names(),
                folder,
                overlap=self.overlap.value() / 100,
                query=self.documents.text(),
                seed=self.seed.value(),
                with_spans=self.with_spans.isChecked(),
                progress=report_progress,
            )
        except PackagingCancelled as cancelled:
            self.result.setPlainText(str(cancelled))
            return None
        except (ProjectError, OSError) as error:
            reason = project_error(error) if isinstance(error, ProjectError) else str(error)
            self.result.setPlainText(
                self.tr("No packages were written: {reason}").format(reason=reason)
            )
            return None
        finally:
            progress.close()
        self.result.setPlainText("\n".join(package_lines(self.report)))
        self.create_button.setEnabled(False)  # done: a second click would find them there
        return self.report


class MergeDialog(QDialog):
    """A list of annotators' files, merged one by one; each file whole or not at all."""

    def __init__(
        self,
        project: Project,
        parent: QWidget | None = None,
        on_merged: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mergeDialog")
        self.setWindowTitle(self.tr("Merge annotators' projects"))
        self.resize(680, 520)
        self.project = project
        self.on_merged = on_merged
        self.reports: list[MergeReport] = []
        self.errors: list[str] = []

        self.files = QListWidget(objectName="mergeFiles")
        add = QPushButton(self.tr("Add files…"))
        add.clicked.connect(self._add_files)
        remove = QPushButton(self.tr("Remove"))
        remove.clicked.connect(self._remove)
        file_buttons = QHBoxLayout()
        file_buttons.addWidget(add)
        file_buttons.addWidget(remove)
        file_buttons.addStretch(1)
        self.result = _result_box("mergeResult")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Close
        )
        self.merge_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.merge_button.setText(self.tr("Merge"))
        self.buttons.accepted.connect(self.run)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(self.tr("Annotators' project files (each merges whole, or not at all):"))
        )
        layout.addWidget(self.files, 1)
        layout.addLayout(file_buttons)
        layout.addWidget(self.result, 2)
        layout.addWidget(self.buttons)
        self._files_changed()

    def add_paths(self, paths: list[Path]) -> None:
        present = {self.files.item(i).text() for i in range(self.files.count())}
        for path in paths:
            if str(path) not in present:
                self.files.addItem(str(path))
                present.add(str(path))
        self._files_changed()

    def paths(self) -> list[Path]:
        return [Path(self.files.item(i).text()) for i in range(self.files.count())]

    def _add_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self,
            self.tr("Annotators' projects"),
            "",
            self.tr("Tawsim projects (*.tawsim);;All files (*)"),
        )
        self.add_paths([Path(name) for name in names])

    def _remove(self) -> None:
        for item in self.files.selectedItems():
            self.files.takeItem(self.files.row(item))
        self._files_changed()

    def _files_changed(self) -> None:
        self.merge_button.setEnabled(self.files.count() > 0)

    def run(self) -> list[MergeReport]:
        lines: list[str] = []
        merged: list[MergeReport] = []
        for path in self.paths():
            progress, report_progress = progress_dialog(
                self, self.tr("Merging {name}…").format(name=path.name), self.tr("Merge")
            )
            try:
                report = merge_file(self.project, path, progress=report_progress)
            except (ProjectError, MergeCancelled, OSError) as error:
                self.errors.append(str(error))
                reason = project_error(error) if isinstance(error, ProjectError) else str(error)
                lines.append(self.tr("NOT MERGED: {reason}").format(reason=reason))
                continue
            finally:
                progress.close()
            merged.append(report)
            lines += merge_lines(report, limit=CONFLICTS_SHOWN)
        self.reports += merged
        self.result.setPlainText("\n".join(lines))
        if any(report.changed for report in merged) and self.on_merged is not None:
            self.on_merged()
        return merged


def refresh_after_merge(window: MainWindow) -> None:
    """Show the merged project: list, labels and the open article read again.

    The undo history is cleared: its commands remember spans as they were before the
    merge, and undoing one over merged work would go wrong (the merge is in the log).
    """
    session = window.session
    if session is None:
        return
    session.undo_stack.clear()
    session.reload_labels()
    window.list_model.reload()
    if session.document is not None:
        document_id = session.document.id
        session.document = None  # open_document skips the document already open
        window.show_document(document_id)


def create_packages(window: MainWindow) -> None:
    assert window.project is not None
    PackageDialog(window.project, window).exec()


def merge_projects(window: MainWindow) -> None:
    assert window.project is not None
    MergeDialog(window.project, window, on_merged=lambda: refresh_after_merge(window)).exec()
