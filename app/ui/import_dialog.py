"""Import dialog: sources, format, layer; a preview of what will happen before any write."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.importing import ImportReport, import_paths
from app.core.preview import ImportPreview, preview_import
from app.formats.registry import import_formats
from app.ui.messages import located, project_error
from app.ui.progress import progress_dialog
from storage import Project, ProjectError

PROBLEMS_SHOWN = 50


class ImportDialog(QDialog):
    def __init__(
        self,
        project: Project,
        annotator: str,
        paths: Sequence[Path] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.setWindowTitle(self.tr("Import"))
        self.resize(640, 520)
        self.project = project
        self.report: ImportReport | None = None
        self.preview: ImportPreview | None = None
        self.error = ""

        self.sources = QListWidget(objectName="importSources")
        add_files = QPushButton(self.tr("Add files…"))
        add_files.clicked.connect(self._add_files)
        add_folder = QPushButton(self.tr("Add a folder…"))
        add_folder.clicked.connect(self._add_folder)
        remove = QPushButton(self.tr("Remove"))
        remove.clicked.connect(self._remove)
        source_buttons = QHBoxLayout()
        for button in (add_files, add_folder, remove):
            source_buttons.addWidget(button)
        source_buttons.addStretch(1)

        self.format = QComboBox(objectName="importFormat")
        self.format.addItem(self.tr("Recognize each file's format"), "auto")
        for fmt in import_formats():
            self.format.addItem(fmt.title, fmt.name)
        self.annotator = QLineEdit(annotator, objectName="importAnnotator")
        self.annotator.setToolTip(
            self.tr("Layer for spans whose file does not name their annotator")
        )
        self.create_labels = QCheckBox(
            self.tr("Create labels this project does not have"), objectName="importCreateLabels"
        )
        self.suggestions = QCheckBox(
            self.tr("Import spans as suggestions (to accept or reject)"),
            objectName="importSuggestions",
        )
        form = QFormLayout()
        form.addRow(self.tr("Format"), self.format)
        form.addRow(self.tr("Annotator"), self.annotator)
        form.addRow("", self.create_labels)
        form.addRow("", self.suggestions)

        self.summary = QPlainTextEdit(objectName="importPreview")
        self.summary.setReadOnly(True)  # plain text: file names and content are never markup
        self.summary.setPlaceholderText(
            self.tr("Add files, then Preview to see what will be imported.")
        )
        self.preview_button = QPushButton(self.tr("Preview"), objectName="importPreviewButton")
        self.preview_button.clicked.connect(self.run_preview)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText(self.tr("Import"))
        self.buttons.addButton(self.preview_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.accepted.connect(self.run_import)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.sources, 1)
        layout.addLayout(source_buttons)
        layout.addLayout(form)
        layout.addWidget(self.summary, 2)
        layout.addWidget(self.buttons)

        for widget in (self.format, self.create_labels, self.suggestions):
            signal = widget.currentIndexChanged if widget is self.format else widget.toggled
            signal.connect(self._settings_changed)
        self.annotator.textEdited.connect(self._settings_changed)
        for path in paths:
            self.sources.addItem(str(path))
        self._settings_changed()

    # --- sources -------------------------------------------------------------------------

    def paths(self) -> list[Path]:
        return [Path(self.sources.item(i).text()) for i in range(self.sources.count())]

    def add_paths(self, paths: Sequence[Path]) -> None:
        known = {str(p) for p in self.paths()}
        for path in paths:
            if str(path) not in known:
                self.sources.addItem(str(path))
        self._settings_changed()

    def _add_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Import files"), "", self.tr("All files (*)")
        )
        self.add_paths([Path(n) for n in names])

    def _add_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(self, self.tr("Import a folder"))
        if name:
            self.add_paths([Path(name)])

    def _remove(self) -> None:
        for item in self.sources.selectedItems():
            self.sources.takeItem(self.sources.row(item))
        self._settings_changed()

    def _settings_changed(self) -> None:
        """Any change makes the preview stale: Import waits for a fresh one."""
        self.preview = None
        self.import_button.setEnabled(False)
        self.preview_button.setEnabled(bool(self.paths()))
        if self.summary.toPlainText():
            self.summary.setPlainText(self.tr("Settings changed: Preview again before importing."))

    def _options(self) -> dict[str, Any]:
        return {
            "fmt": str(self.format.currentData()),
            "annotator": self.annotator.text().strip() or None,
            "create_labels": self.create_labels.isChecked(),
            "suggestions": self.suggestions.isChecked(),
        }

    # --- preview and import --------------------------------------------------------------

    def run_preview(self) -> ImportPreview | None:
        progress, report = self._progress(self.tr("Checking…"))
        try:
            preview = preview_import(self.project, self.paths(), progress=report, **self._options())
        except ProjectError as error:
            progress.close()
            reason = project_error(error)
            self.summary.setPlainText(self.tr("Cannot import: {reason}").format(reason=reason))
            return None
        progress.close()
        self.preview = preview
        self.summary.setPlainText("\n".join(preview_lines(preview)))
        self.import_button.setEnabled(
            not preview.cancelled and preview.documents + preview.spans > 0
        )
        return preview

    def run_import(self) -> None:
        if self.preview is None:
            return
        progress, report = self._progress(self.tr("Importing…"))
        try:
            self.report = import_paths(
                self.project, self.paths(), progress=report, **self._options()
            )
        except ProjectError as error:
            self.error = project_error(error)
        progress.close()
        self.accept()

    def _progress(self, text: str) -> tuple[QProgressDialog, Callable[[int, int], bool]]:
        return progress_dialog(self, text, self.windowTitle())


def preview_lines(preview: ImportPreview) -> list[str]:
    files = ", ".join(f"{count} {name}" for name, count in sorted(preview.files.items()))
    none = QCoreApplication.translate("ImportDialog", "none found")
    lines = [
        QCoreApplication.translate("ImportDialog", "Files: {files}").format(files=files or none),
        QCoreApplication.translate("ImportDialog", "New documents: {n}").format(
            n=preview.documents
        ),
        QCoreApplication.translate(
            "ImportDialog", "Already in the project (spans merged): {n}"
        ).format(n=preview.duplicates),
        QCoreApplication.translate("ImportDialog", "Spans: {n}").format(n=preview.spans),
    ]
    for label, count in sorted(preview.spans_per_label.items()):
        lines.append(f"    {label}: {count}")
    if preview.layers:
        layers = ", ".join(f"{name} ({count})" for name, count in sorted(preview.layers.items()))
        lines.append(
            QCoreApplication.translate("ImportDialog", "Layers: {layers}").format(layers=layers)
        )
    if preview.unknown_labels:
        names = ", ".join(sorted(preview.unknown_labels))
        lines.append(
            QCoreApplication.translate(
                "ImportDialog", "Unknown labels: {names} (tick “Create labels” to add them)"
            ).format(names=names)
        )
    if preview.cancelled:
        lines.append(
            QCoreApplication.translate(
                "ImportDialog", "Preview cancelled: the figures above cover only part of the input."
            )
        )
    lines.append(
        QCoreApplication.translate("ImportDialog", "Problems: {n}").format(n=len(preview.problems))
    )
    lines += [f"    {located(p)}" for p in preview.problems[:PROBLEMS_SHOWN]]
    if len(preview.problems) > PROBLEMS_SHOWN:
        more = len(preview.problems) - PROBLEMS_SHOWN
        lines.append(
            "    " + QCoreApplication.translate("ImportDialog", "… and {n} more").format(n=more)
        )
    # Problems and notes come from the Qt-free readers: located in the interface's language,
    # the reason itself as the reader wrote it.
    lines += [
        QCoreApplication.translate("ImportDialog", "Note: {note}").format(note=located(n))
        for n in preview.notes[:PROBLEMS_SHOWN]
    ]
    return lines
