"""Edit the project's label set: names, colour, keys, attributes; add new labels."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.labels import PALETTE
from storage import Label, Project, ProjectError

COLUMNS = ("Id", "Arabic name", "English name", "Colour", "Keys", "Attributes")  # in English
ID, NAME_AR, NAME_EN, COLOR, KEYS, ATTRIBUTES = range(len(COLUMNS))


class LabelEditor(QDialog):
    def __init__(self, project: Project, by: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Labels"))
        self.resize(760, 320)
        self.project = project
        self.by = by
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Id"),
                self.tr("Arabic name"),
                self.tr("English name"),
                self.tr("Colour"),
                self.tr("Keys"),
                self.tr("Attributes"),
            ]
        )
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.cellDoubleClicked.connect(self._pick_color)
        for label in project.labels.all():
            self._add_row(label, existing=True)
        add = QPushButton(self.tr("Add label"))
        add.clicked.connect(self._new_label)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(add)
        layout.addWidget(buttons)

    def _add_row(self, label: Label, *, existing: bool) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        values = (
            label.id,
            label.name_ar,
            label.name_en,
            label.color,
            label.key,
            ", ".join(label.attributes),
        )
        for column, value in enumerate(values):
            item = QTableWidgetItem(value)
            if column == ID and existing:  # spans refer to the id: it never changes
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            if column == COLOR:
                item.setBackground(QColor(value))
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                item.setToolTip(self.tr("Double-click to choose a colour"))
            self.table.setItem(row, column, item)

    def _new_label(self) -> None:
        n = self.table.rowCount()
        self._add_row(
            Label(id=f"LABEL_{n + 1}", color=PALETTE[n % len(PALETTE)], key=str(n + 1)),
            existing=False,
        )

    def _pick_color(self, row: int, column: int) -> None:
        if column != COLOR:
            return
        item = self.table.item(row, COLOR)
        assert item is not None
        chosen = QColorDialog.getColor(QColor(item.text()), self, self.tr("Label colour"))
        if chosen.isValid():
            item.setText(chosen.name())
            item.setBackground(chosen)

    def labels(self) -> list[Label]:
        result = []
        for row in range(self.table.rowCount()):

            def cell(column: int, row: int = row) -> str:
                item = self.table.item(row, column)
                return item.text().strip() if item is not None else ""

            attributes = tuple(a.strip() for a in cell(ATTRIBUTES).split(",") if a.strip())
            result.append(
                Label(
                    id=cell(ID),
                    name_ar=cell(NAME_AR),
                    name_en=cell(NAME_EN),
                    color=cell(COLOR),
                    key=cell(KEYS),
                    attributes=attributes,
                    order=row,
                )
            )
        return result

    def _save(self) -> None:
        labels = self.labels()
        ids = [label.id for label in labels]
        if len(set(ids)) != len(ids):
            QMessageBox.warning(self, self.tr("Labels"), self.tr("Two labels have the same id."))
            return
        try:
            with self.project.transaction():
                for label in labels:
                    self.project.labels.save(label, by=self.by)
        except ProjectError as error:
            box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Labels"), str(error), parent=self)
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.exec()
            return
        self.accept()
