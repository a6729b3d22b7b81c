"""The label bar: one button per label, in its colour, with its keys."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from app.core.labels import label_keys
from app.ui.i18n import label_name
from app.ui.plain import button_text, tooltip
from storage import Label


class LabelBar(QWidget):
    labelClicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("labelBar")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(6, 4, 6, 4)
        self.buttons: dict[str, QPushButton] = {}

    def set_labels(self, labels: list[Label]) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.buttons.clear()
        hint = QLabel(self.tr("Tag:"))
        hint.setTextFormat(Qt.TextFormat.PlainText)
        self._layout.addWidget(hint)
        for label in labels:
            keys = " / ".join(label_keys(label))
            name = label_name(label)
            # Names are data: "&" is no shortcut marker and markup is shown as typed.
            button = QPushButton(button_text(f"{name}  [{keys}]" if keys else name))
            button.setToolTip(tooltip(f"{label.id} · {name}"))
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keep focus on the article
            button.setStyleSheet(
                f"QPushButton {{ background: {label.color}; color: #000;"
                " border: 1px solid rgba(0,0,0,60); border-radius: 4px; padding: 4px 10px; }"
            )
            button.clicked.connect(lambda _=False, lid=label.id: self.labelClicked.emit(lid))
            self._layout.addWidget(button)
            self.buttons[label.id] = button
        self._layout.addStretch(1)
