"""Export dialog: format, layer, only done documents, destination; progress with Cancel."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.exporting import ExportCancelled, ExportReport, export
from app.formats.base import ExportOptions, Format
from app.formats.registry import FORMATS, export_formats
from app.ui.messages import export_lines, project_error
from app.ui.progress import progress_dialog
from storage import Project, ProjectError

EVERY_LAYER = "\x00every"
GOLD = "\x00gold"


class ExportDialog(QDialog):
    def __init__(self, project: Project, annotator: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(self.tr("Export"))
        self.project = project
        self.report: ExportReport | None = None
        self.error = ""  # why the export did not happen, when it did not

        self.format = QComboBox(objectName="exportFormat")
        for fmt in export_formats():
            self.format.addItem(fmt.title, fmt.name)
        self.layer = QComboBox(objectName="exportLayer")
        self.layer.addItem(self.tr("Every layer"), EVERY_LAYER)
        for person in project.annotators():
            if person.kind == "human":
                self.layer.addItem(
                    self.tr("Annotator: {name}").format(name=person.name), person.name
                )
            elif person.kind == "gold":
                self.layer.addItem(self.tr("Gold standard ({name})").format(name=person.name), GOLD)
        mine = self.layer.findData(annotator)
        self.layer.setCurrentIndex(mine if mine >= 0 else 0)
        self.only_done = QCheckBox(
            self.tr("Only documents marked done"), objectName="exportOnlyDone"
        )
        self.tab = QCheckBox(self.tr("Separate token and tag with a TAB"), objectName="exportTab")
        self.offsets = QComboBox(objectName="exportOffsets")
        self.offsets.addItem(self.tr("UTF-16 units (what doccano counts)"), "utf16")
        self.offsets.addItem(self.tr("Code points"), "codepoint")
        self.variant = QComboBox(objectName="exportVariant")
        self.variant.addItem('"label": [[start, end, label]]', "label")
        self.variant.addItem('"entities": [{…}]', "entities")
        self.destination = QLineEdit(objectName="exportDestination")
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.destination, 1)
        where.addWidget(browse)

        form = QFormLayout()
        form.addRow(self.tr("Format"), self.format)
        form.addRow(self.tr("Layer"), self.layer)
        form.addRow("", self.only_done)
        form.addRow("CoNLL", self.tab)
        form.addRow(self.tr("doccano offsets"), self.offsets)
        form.addRow(self.tr("doccano shape"), self.variant)
        form.addRow(self.tr("Save to"), where)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Export"))
        buttons.accepted.connect(self._export)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.format.currentIndexChanged.connect(self._format_changed)
        self.layer.currentIndexChanged.connect(self._format_changed)
        self._format_changed()

    def chosen_format(self) -> Format:
        return FORMATS[str(self.format.currentData())]

    def writes_folder(self) -> bool:
        fmt = self.chosen_format()
        several = self.layer.currentData() == EVERY_LAYER and not fmt.multi_layer
        return fmt.folder or several

    def _format_changed(self) -> None:
        name = self.chosen_format().name
        self.tab.setEnabled(name in ("conll", "bioes"))
        self.offsets.setEnabled(name == "doccano")
        self.variant.setEnabled(name == "doccano")
        text = self.destination.text().strip()
        if text:
            self.destination.setText(self._suggested(Path(text)).as_posix())

    def _suggested(self, path: Path) -> Path:
        """The destination's name with the suffix the chosen format writes."""
        if self.writes_folder():
            return path.with_suffix("") if path.suffix else path
        return path.with_suffix(self.chosen_format().extension)

    def _browse(self) -> None:
        if self.writes_folder():
            title, folders = self.tr("Export into a new folder"), self.tr("Folder (*)")
            name = QFileDialog.getSaveFileName(self, title, "", folders)[0]
        else:
            ext = self.chosen_format().extension
            name = QFileDialog.getSaveFileName(
                self, self.tr("Export to"), "", f"{self.chosen_format().title} (*{ext})"
            )[0]
        if name:
            self.destination.setText(self._suggested(Path(name)).as_posix())

    def options(self) -> ExportOptions:
        return ExportOptions(
            tab=self.tab.isChecked(),
            offsets=str(self.offsets.currentData()),
            variant=str(self.variant.currentData()),
        )

    def _export(self) -> None:
        text = self.destination.text().strip()
        if not text:
            self._browse()
            text = self.destination.text().strip()
            if not text:
                return
        layer = self.layer.currentData()
        progress, report_progress = progress_dialog(self, self.tr("Exporting…"), self.tr("Export"))

        try:
            self.report = export(
                self.project,
                self.chosen_format().name,
                Path(text),
                annotator=None if layer in (EVERY_LAYER, GOLD) else str(layer),
                gold=layer == GOLD,
                only_done=self.only_done.isChecked(),
                options=self.options(),
                progress=report_progress,
            )
        except ExportCancelled:
            progress.close()
            self.error = self.tr("Export cancelled: nothing was written.")
            self.reject()
            return
        except (ProjectError, OSError) as error:
            progress.close()
            reason = project_error(error) if isinstance(error, ProjectError) else str(error)
            self.error = self.tr("Export failed: {reason}").format(reason=reason)
            self.reject()
            return
        progress.close()
        self.accept()


def report_lines(report: ExportReport, limit: int = 20) -> list[str]:
    """What the export wrote and left out, in the interface's language (app.ui.messages)."""
    return export_lines(report, limit)
