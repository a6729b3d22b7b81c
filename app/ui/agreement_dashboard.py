"""Team → Agreement…: the agreement numbers, a pairwise heatmap, the confusion matrix and
the documents with most disagreement, for the annotators the lead ticks.

The Qt models here are thin adapters over ``AgreementReport`` (app.agreement.study); the
colours come from app.reports.palette, the same scale as the HTML report. Everything
shown is plain text in item views: names and titles are never markup.
"""

from __future__ import annotations

import importlib.util
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.agreement.render import COLUMNS
from app.agreement.study import AgreementCancelled, AgreementReport, compute_agreement
from app.reports.agreement_html import PAIR_MEASURES
from app.reports.palette import agreement_color, count_color, text_color
from app.ui.i18n import label_name
from app.ui.plain import tooltip
from app.ui.progress import progress_dialog
from storage import Label, Project, ProjectError

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

ValueRole = Qt.ItemDataRole.UserRole + 1  # the exact number behind a cell (None: undefined)
DocumentIdRole = Qt.ItemDataRole.UserRole + 2
OUTSIDE = "O"
Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
VCENTER = Qt.AlignmentFlag.AlignVCenter


def measure_title(key: str) -> str:
    """A measure's name in the interface's language (the reports keep English ones)."""
    titles = {
        "f1_exact": QCoreApplication.translate("AgreementDashboard", "F1 exact"),
        "f1_overlap": QCoreApplication.translate("AgreementDashboard", "F1 overlap"),
        "cohen_kappa": QCoreApplication.translate("AgreementDashboard", "Cohen κ"),
        "fleiss_kappa": QCoreApplication.translate("AgreementDashboard", "Fleiss κ"),
        "alpha_nominal": QCoreApplication.translate("AgreementDashboard", "α nominal"),
        "alpha_unitizing": QCoreApplication.translate("AgreementDashboard", "α_u"),
    }
    return titles.get(key, key)


def pair_measure_title(key: str) -> str:
    titles = {
        "f1_exact": QCoreApplication.translate("AgreementDashboard", "F1, exact match"),
        "f1_overlap": QCoreApplication.translate("AgreementDashboard", "F1, overlap match"),
        "cohen_kappa": QCoreApplication.translate("AgreementDashboard", "Cohen κ (tokens)"),
    }
    return titles.get(key, key)


def undefined_note() -> str:
    return QCoreApplication.translate(
        "AgreementDashboard",
        "— undefined: there is nothing for the measure to compare. F1 has no spans from "
        "either annotator; κ and α see only one category on every token (chance agreement "
        "is then total and the formula divides by zero); Fleiss' κ and α_u also need "
        "documents worked on by every chosen annotator. An undefined measure is shown as "
        "such, never as 0 or 1, which would claim complete disagreement or perfect agreement.",
    )


def shown(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def label_title(labels: dict[str, Label], label_id: str, separator: str = " ") -> str:
    """The display name and the id: "فاعل (ACTOR)", or on two lines for a column."""
    label = labels.get(label_id)
    if label_id == OUTSIDE:
        return f"O{separator}" + QCoreApplication.translate("AgreementDashboard", "(none)")
    name = label_name(label) if label else ""
    return f"{name}{separator}({label_id})" if name and name != label_id else label_id


def swatch(color: str) -> QIcon:
    """A label's colour as a small square beside its name in a header."""
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


def is_right_to_left(text: str) -> bool:
    """What dir="auto" decides: the direction of the first strong character."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def ordered_labels(labels: dict[str, Label], ids: Sequence[str] | set[str]) -> list[str]:
    known = sorted((labels[i] for i in ids if i in labels), key=lambda lb: (lb.order, lb.id))
    return [label.id for label in known] + sorted(set(ids) - set(labels))


def _value_data(value: float | None, role: int) -> Any:
    """What a cell holding an agreement value answers for ``role``."""
    if role == Qt.ItemDataRole.DisplayRole:
        return shown(value)
    if role == ValueRole:
        return value
    if role == Qt.ItemDataRole.BackgroundRole:
        return QColor(agreement_color(value))
    if role == Qt.ItemDataRole.ForegroundRole:
        return QColor(text_color(agreement_color(value)))
    if role == Qt.ItemDataRole.TextAlignmentRole:
        return Qt.AlignmentFlag.AlignTrailing | Qt.AlignmentFlag.AlignVCenter
    if role == Qt.ItemDataRole.ToolTipRole:
        return undefined_note() if value is None else f"{value:.4f}"
    return None


class MeasuresModel(QAbstractTableModel):
    """Rows: the six measures. Columns: overall, then each label in the label bar's order."""

    def __init__(self, report: AgreementReport, labels: dict[str, Label]) -> None:
        super().__init__()
        self.report, self.labels = report, labels
        self.columns = ["", *ordered_labels(labels, set(report.per_label))]

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def value(self, row: int, column: int) -> float | None:
        label = self.columns[column]
        scores = self.report.per_label[label] if label else self.report.overall
        return scores.as_dict()[COLUMNS[row][0]]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return _value_data(self.value(index.row(), index.column()), role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            return (
                measure_title(COLUMNS[section][0]) if role == Qt.ItemDataRole.DisplayRole else None
            )
        label_id = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return label_title(self.labels, label_id, "\n") if label_id else self.tr("overall")
        if role == Qt.ItemDataRole.DecorationRole and label_id in self.labels:
            return swatch(self.labels[label_id].color)
        return None


class HeatmapModel(QAbstractTableModel):
    """Annotator × annotator, one pairwise measure at a time; the diagonal stays empty."""

    def __init__(self, report: AgreementReport) -> None:
        super().__init__()
        self.report = report
        self.measure = PAIR_MEASURES[0][0]
        index = {name: i for i, name in enumerate(report.annotators)}
        self.pairs = {}
        for pair in report.pairs:
            self.pairs[(index[pair.a], index[pair.b])] = pair
            self.pairs[(index[pair.b], index[pair.a])] = pair

    def set_measure(self, measure: str) -> None:
        self.measure = measure
        self.dataChanged.emit(
            self.index(0, 0), self.index(self.rowCount() - 1, self.rowCount() - 1)
        )

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.report.annotators)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return self.rowCount(parent)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        pair = self.pairs.get((index.row(), index.column()))
        if pair is None:  # an annotator with herself
            return QColor("#ffffff") if role == Qt.ItemDataRole.BackgroundRole else None
        value = getattr(pair, self.measure)
        if role == Qt.ItemDataRole.ToolTipRole:
            # Annotator names are data: shown literally, never as markup.
            return tooltip(
                self.tr("{a} – {b}: {value} over {n} documents").format(
                    a=pair.a, b=pair.b, value=shown(value), n=pair.documents
                )
            )
        return _value_data(value, role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return self.report.annotators[section] if role == Qt.ItemDataRole.DisplayRole else None


class ConfusionModel(QAbstractTableModel):
    """Token counts for one pair: rows are the first annotator's labels, columns the
    second's, ``O`` (no label) last."""

    def __init__(self, report: AgreementReport, labels: dict[str, Label]) -> None:
        super().__init__()
        self.report, self.labels = report, labels
        self.pair_index = 0
        self.order: list[str] = []
        self.set_pair(0)

    def set_pair(self, pair_index: int) -> None:
        self.beginResetModel()
        self.pair_index = pair_index
        counts = self.report.pairs[pair_index].confusion if self.report.pairs else {}
        present = {label for key in counts for label in key} - {OUTSIDE}
        self.order = [*ordered_labels(self.labels, set(self.report.per_label) | present), OUTSIDE]
        self.largest = max(counts.values(), default=0)
        self.endResetModel()

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() or not self.report.pairs else len(self.order)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return self.rowCount(parent)

    def count(self, row: int, column: int) -> int:
        confusion = self.report.pairs[self.pair_index].confusion
        return confusion.get((self.order[row], self.order[column]), 0)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        count = self.count(index.row(), index.column())
        if role in (Qt.ItemDataRole.DisplayRole, ValueRole):
            return count if role == ValueRole else str(count)
        if role == Qt.ItemDataRole.BackgroundRole:
            return QColor(count_color(count, self.largest))
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(text_color(count_color(count, self.largest)))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignTrailing | Qt.AlignmentFlag.AlignVCenter
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        label_id = self.order[section]
        if role == Qt.ItemDataRole.DisplayRole:
            wide = orientation == Qt.Orientation.Vertical
            return label_title(self.labels, label_id, " " if wide else "\n")
        if role == Qt.ItemDataRole.DecorationRole and label_id in self.labels:
            return swatch(self.labels[label_id].color)
        return None


DOCUMENT_COLUMNS = (
    ("document", None),
    ("title", None),
    ("unmatched spans", None),
    ("F1 exact", "f1_exact"),
    ("F1 overlap", "f1_overlap"),
    ("Cohen κ", "cohen_kappa"),
    ("α_u", "alpha_unitizing"),
)


class DocumentsModel(QAbstractTableModel):
    """The in-scope documents, most disagreement first (the report's order). Titles are
    read when a row is first shown: a large project's ten thousand titles are never all
    needed."""

    def __init__(self, report: AgreementReport, project: Project) -> None:
        super().__init__()
        self.rows, self.project = report.per_document, project
        self._titles: dict[int, str] = {}

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(DOCUMENT_COLUMNS)

    def title(self, document_id: int) -> str:
        if document_id not in self._titles:
            document = self.project.documents.get(document_id)
            self._titles[document_id] = document.title if document is not None else ""
        return self._titles[document_id]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.rows[index.row()]
        column = index.column()
        if role == DocumentIdRole:
            return row.document_id
        measure = DOCUMENT_COLUMNS[column][1]
        if measure is not None:
            return _value_data(row.scores.as_dict()[measure], role)
        if column == 2 and role in (ValueRole, Qt.ItemDataRole.TextAlignmentRole):
            if role == ValueRole:
                return row.disagreements
            return Qt.AlignmentFlag.AlignTrailing | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return row.external_id
            return self.title(row.document_id) if column == 1 else str(row.disagreements)
        if role == ValueRole:
            return row.external_id if column == 0 else self.title(row.document_id)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 1:
            # An Arabic title reads from the right edge whatever the window's direction.
            if is_right_to_left(self.title(row.document_id)):
                return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignAbsolute | VCENTER
            return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignAbsolute | VCENTER
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(self.tr("annotators: {names}").format(names=", ".join(row.annotators)))
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            titles = (
                self.tr("document"),
                self.tr("title"),
                self.tr("unmatched spans"),
                measure_title("f1_exact"),
                measure_title("f1_overlap"),
                measure_title("cohen_kappa"),
                measure_title("alpha_unitizing"),
            )
            return titles[section]
        return None


def _table(model: Any | None = None) -> QTableView:
    view = QTableView()
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    if model is not None:
        view.setModel(model)
    return view


class AgreementDashboard(QDialog):
    """Computes agreement for the ticked annotators and shows it in four tabs."""

    documentActivated = Signal(int)  # a document id, double-clicked in the Documents tab

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Agreement"))
        self.resize(980, 620)
        self.project = project
        self.labels = {label.id: label for label in project.labels.all()}
        self.report: AgreementReport | None = None
        self.annotator_list = QListWidget()
        for annotator in project.annotators():
            if annotator.kind in ("human", "gold"):
                item = QListWidgetItem(annotator.name)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                human = annotator.kind == "human"
                item.setCheckState(Qt.CheckState.Checked if human else Qt.CheckState.Unchecked)
                self.annotator_list.addItem(item)
        self.compute_button = QPushButton(self.tr("&Compute"))
        self.compute_button.clicked.connect(self.compute)
        self.save_button = QPushButton(self.tr("&Save report…"))
        self.save_button.clicked.connect(self.save_report)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.measures = _table()
        self.heatmap = _table()
        self.measure_choice = QComboBox()
        for key, _title in PAIR_MEASURES:
            self.measure_choice.addItem(pair_measure_title(key), key)
        self.measure_choice.currentIndexChanged.connect(self._on_measure_chosen)
        self.confusion = _table()
        self.pair_choice = QComboBox()
        self.pair_choice.currentIndexChanged.connect(self._on_pair_chosen)
        self.documents = _table()
        self.documents.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # No sort column until the lead clicks a header: the report's order (most
        # disagreement first) is the one wanted.
        self.documents.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.documents.setSortingEnabled(True)
        # Column widths from the first rows only: each row shown reads a title from the file.
        self.documents.horizontalHeader().setResizeContentsPrecision(100)
        self.documents.doubleClicked.connect(self._on_document_double_clicked)
        self.tabs = QTabWidget()
        self._build_layout()

    def _build_layout(self) -> None:
        side = QWidget()
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(QLabel(self.tr("Annotators")))
        column.addWidget(self.annotator_list, 1)
        column.addWidget(self.compute_button)
        column.addWidget(self.save_button)
        self.tabs.addTab(self.measures, self.tr("Measures"))
        self.tabs.addTab(_with_choice(self.measure_choice, self.heatmap), self.tr("Pairs"))
        self.tabs.addTab(_with_choice(self.pair_choice, self.confusion), self.tr("Confusion"))
        self.tabs.addTab(self.documents, self.tr("Documents"))
        main = QWidget()
        right = QVBoxLayout(main)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.summary)
        right.addWidget(self.tabs, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(side)
        splitter.addWidget(main)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([180, 800])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def chosen_annotators(self) -> list[str]:
        items = (self.annotator_list.item(row) for row in range(self.annotator_list.count()))
        return [item.text() for item in items if item.checkState() == Qt.CheckState.Checked]

    def compute(self) -> AgreementReport | None:
        dialog, report_progress = progress_dialog(
            self, self.tr("Computing agreement…"), self.tr("Agreement")
        )
        try:
            report = compute_agreement(
                self.project, self.chosen_annotators(), progress=report_progress
            )
        except AgreementCancelled:
            self.summary.setText(self.tr("Agreement not computed: cancelled."))
            return None
        except ProjectError as error:
            self.summary.setText(self.tr("Cannot compute agreement: {reason}").format(reason=error))
            return None
        finally:
            dialog.close()
            dialog.deleteLater()
        self.show_report(report)
        return report

    def show_report(self, report: AgreementReport) -> None:
        self.report = report
        self.summary.setText(
            self.tr(
                "{annotators} · {n} documents worked on by at least two of them · — means"
                " undefined (nothing to compare), never 0 or 1"
            ).format(annotators=", ".join(report.annotators), n=report.documents)
        )
        self.measures_model = MeasuresModel(report, self.labels)
        self.measures.setModel(self.measures_model)
        self.heatmap_model = HeatmapModel(report)
        self.heatmap_model.set_measure(str(self.measure_choice.currentData()))
        self.heatmap.setModel(self.heatmap_model)
        self.confusion_model = ConfusionModel(report, self.labels)
        self.confusion.setModel(self.confusion_model)
        blocked = self.pair_choice.blockSignals(True)
        self.pair_choice.clear()
        self.pair_choice.addItems([f"{pair.a} – {pair.b}" for pair in report.pairs])
        self.pair_choice.blockSignals(blocked)
        self.documents_model = DocumentsModel(report, self.project)
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.documents_model)
        proxy.setSortRole(ValueRole)
        self.documents.setModel(proxy)
        for view in (self.measures, self.heatmap, self.confusion, self.documents):
            view.resizeColumnsToContents()
        self.documents.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

    def _on_measure_chosen(self, _row: int) -> None:
        if self.report is not None:
            self.heatmap_model.set_measure(str(self.measure_choice.currentData()))

    def _on_pair_chosen(self, row: int) -> None:
        if self.report is not None and row >= 0:
            self.confusion_model.set_pair(row)
            self.confusion.resizeColumnsToContents()

    def _on_document_double_clicked(self, index: QModelIndex) -> None:
        self.documentActivated.emit(int(index.data(DocumentIdRole)))

    def save_report(self) -> Path | None:
        from app.reports.agreement_html import write_agreement_report

        if self.report is None:
            return None
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save agreement report"), "agreement.html", self.tr("HTML (*.html)")
        )
        if not name:
            return None
        try:
            return write_agreement_report(self.project, self.report, name)
        except OSError as error:
            _warn(
                self,
                self.tr("Save report"),
                self.tr("Cannot write {name}: {reason}").format(name=name, reason=error),
            )
            return None


def _with_choice(choice: QComboBox, view: QTableView) -> QWidget:
    page = QWidget()
    column = QVBoxLayout(page)
    row = QHBoxLayout()
    row.addWidget(choice)
    row.addStretch(1)
    column.addLayout(row)
    column.addWidget(view, 1)
    return page


def _warn(parent: QWidget, title: str, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


def open_in_review(window: MainWindow, document_id: int, annotators: list[str]) -> str:
    """Show the document side by side in review (app.ui.review), or, if this build has no
    review window, in the main window. Returns where it went: "review" or "main"."""
    if importlib.util.find_spec("app.ui.review") is not None:
        from app.ui.review import open_review

        try:
            open_review(window, document_id, annotators)
        except ProjectError as error:
            _warn(window, QCoreApplication.translate("AgreementDashboard", "Review"), str(error))
        return "review"
    window.show_document(document_id)
    window.raise_()
    window.activateWindow()
    return "main"


def open_dashboard(window: MainWindow) -> AgreementDashboard | None:
    """Team → Agreement…: a window beside the main one (double-clicks open review)."""
    if window.project is None:
        return None
    dashboard = AgreementDashboard(window.project, window)
    dashboard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def on_document(document_id: int) -> None:
        report = dashboard.report
        open_in_review(window, document_id, report.annotators if report else [])

    dashboard.documentActivated.connect(on_document)
    dashboard.show()
    dashboard.compute()
    return dashboard
