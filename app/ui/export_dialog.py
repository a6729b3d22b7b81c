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
from app.ui.progress import progress_dialog
from storage import Project, ProjectError

EVERY_LAYER = "\x00every"
GOLD = "\x00gold"


class ExportDialog(QDialog):
    def __init__(self, project: Project, annotator: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export")
        self.project = project
        self.report: ExportReport | None = None
        self.error = ""  # why the export did not happen, when it did not

        self.format = QComboBox(objectName="exportFormat")
        for fmt in export_formats():
            self.format.addItem(fmt.title, fmt.name)
        self.layer = QComboBox(objectName="exportLayer")
        self.layer.addItem("Every layer", EVERY_LAYER)
        for person in project.annotators():
            if person.kind == "human":
                self.layer.addItem(f"Annotator: {person.name}", person.name)
            elif person.kind == "gold":
                self.layer.addItem(f"Gold standard ({person.name})", GOLD)
        mine = self.layer.findData(annotator)
        self.layer.setCurrentIndex(mine if mine >= 0 else 0)
        self.only_done = QCheckBox("Only documents marked done", objectName="exportOnlyDone")
        self.tab = QCheckBox("Separate token and tag with a TAB", objectName="exportTab")
        self.offsets = QComboBox(objectName="exportOffsets")
        self.offsets.addItem("UTF-16 units (what doccano counts)", "utf16")
        self.offsets.addItem("Code points", "codepoint")
        self.variant = QComboBox(objectName="exportVariant")
        self.variant.addItem('"label": [[start, end, label]]', "label")
        self.variant.addItem('"entities": [{…}]', "entities")
        self.destination = QLineEdit(objectName="exportDestination")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.destination, 1)
        where.addWidget(browse)

        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("Layer", self.layer)
        form.addRow("", self.only_done)
        form.addRow("CoNLL", self.tab)
        form.addRow("doccano offsets", self.offsets)
        form.addRow("doccano shape", self.variant)
        form.addRow("Save to", where)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
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
            name = QFileDialog.getSaveFileName(self, "Export into a new folder", "", "Folder (*)")[
                0
            ]
        else:
            ext = self.chosen_format().extension
            name = QFileDialog.getSaveFileName(
                self, "Export to", "", f"{self.chosen_format().title} (*{ext})"
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
        progress, report_progress = progress_dialog(self, "Exporting…", "Export")

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
            self.error = "Export cancelled: nothing was written."
            self.reject()
            return
        except (ProjectError, OSError) as error:
            progress.close()
            self.error = f"Export failed: {error}"
            self.reject()
            return
        progress.close()
        self.accept()


def report_lines(report: ExportReport, limit: int = 20) -> list[str]:
    lines = [report.summary()]
    lines += [f"left out: {m}" for m in report.omitted[:limit]]
    if len(report.omitted) > limit:
        lines.append(f"… and {len(report.omitted) - limit} more (see {report.report_path})")
    return lines
