"""The review window's top bar: the document, where it stands in the queue, its
adjudication status, "accept all agreed" with its quorum, and moving between documents."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QWidget

from app.ui.i18n import status_name

# Adjudication statuses (the gold layer's document status) the status box offers.
STATUSES = ("new", "in_progress", "done")


class ReviewBar(QWidget):
    statusChosen = Signal(str)
    acceptAgreedClicked = Signal()
    documentStepRequested = Signal(int)  # +1 next, -1 previous document to adjudicate

    def __init__(self, annotators: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # a title is never markup
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.queue_text = QLabel()
        self.queue_text.setTextFormat(Qt.TextFormat.PlainText)
        self.status_box = QComboBox()
        self.status_box.setObjectName("adjudicationStatus")
        for status in STATUSES:
            self.status_box.addItem(status_name(status), status)
        self.status_box.activated.connect(
            lambda index: self.statusChosen.emit(str(self.status_box.itemData(index)))
        )
        self.quorum = QSpinBox()
        self.quorum.setRange(1, max(1, annotators))
        self.quorum.setValue(max(1, annotators))
        self.quorum.setPrefix(self.tr("quorum "))
        self.quorum.setSuffix(self.tr(" of {n}").format(n=annotators))
        accept = QPushButton(self.tr("Accept all agreed"))
        accept.clicked.connect(self.acceptAgreedClicked)
        previous = QPushButton(self.tr("◀ Previous to adjudicate"))
        previous.clicked.connect(lambda: self.documentStepRequested.emit(-1))
        following = QPushButton(self.tr("Next to adjudicate ▶"))
        following.clicked.connect(lambda: self.documentStepRequested.emit(1))
        for button in (accept, previous, following):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay where the user is
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        row.addWidget(self.title)
        row.addWidget(self.queue_text)
        row.addStretch(1)
        row.addWidget(QLabel(self.tr("Adjudication:")))
        row.addWidget(self.status_box)
        row.addSpacing(16)
        row.addWidget(self.quorum)
        row.addWidget(accept)
        row.addSpacing(16)
        row.addWidget(previous)
        row.addWidget(following)

    def show_status(self, status: str) -> None:
        blocked = self.status_box.blockSignals(True)
        self.status_box.setCurrentIndex(max(0, self.status_box.findData(status)))
        self.status_box.blockSignals(blocked)

    def status(self) -> str:
        return str(self.status_box.currentData())
