"""The review window's menus and shortcuts (its F1 lists them from here).

The shortcuts belong to the review window alone: Ctrl+Return there marks the
*adjudication* done, while in the annotation window it marks the annotator's work done.
Inside the gold view the plain keys 1–4 and letters tag as usual, which is why accepting a
version is Ctrl+1…9 anywhere (and plain 1…9 in the disagreement list).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox

if TYPE_CHECKING:
    from app.ui.review.window import ReviewWindow


def list_keys() -> list[str]:
    """Keys that only the disagreement list understands (no action carries them)."""
    return [
        QCoreApplication.translate("ReviewMenus", "In the disagreement list:"),
        QCoreApplication.translate("ReviewMenus", "  N / Shift+N: next / previous disagreement"),
        QCoreApplication.translate("ReviewMenus", "  1…9: accept that annotator's version"),
        QCoreApplication.translate("ReviewMenus", "  R or Delete: reject the proposed versions"),
        QCoreApplication.translate(
            "ReviewMenus",
            "In the gold view: select text and press a label key (1–4 or its letter) to tag;"
            " Delete removes the selected gold span.",
        ),
        QCoreApplication.translate(
            "ReviewMenus", "Clicking a span in an annotator's view selects its disagreement."
        ),
        "",
    ]


def build_review_menus(window: ReviewWindow) -> dict[str, QAction]:
    actions: dict[str, QAction] = {}
    bar = window.menuBar()
    menus = {
        name: bar.addMenu(title)
        for name, title in (
            ("edit", QCoreApplication.translate("ReviewMenus", "&Edit")),
            ("review", QCoreApplication.translate("ReviewMenus", "&Review")),
            ("help", QCoreApplication.translate("ReviewMenus", "&Help")),
        )
    }

    def add(menu: str, name: str, text: str, slot: Callable[[], object], *keys: str) -> QAction:
        action = QAction(text, window)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.triggered.connect(lambda _checked=False: slot())
        menus[menu].addAction(action)
        actions[name] = action
        return action

    stack = window.session.undo_stack
    undo = stack.createUndoAction(window, QCoreApplication.translate("ReviewMenus", "&Undo"))
    undo.setShortcuts([QKeySequence("Ctrl+Z")])
    redo = stack.createRedoAction(window, QCoreApplication.translate("ReviewMenus", "&Redo"))
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    menus["edit"].addActions([undo, redo])
    actions["undo"], actions["redo"] = undo, redo

    add(
        "review",
        "next_item",
        QCoreApplication.translate("ReviewMenus", "&Next disagreement"),
        lambda: window.step_item(1),
        "F8",
    )
    add(
        "review",
        "previous_item",
        QCoreApplication.translate("ReviewMenus", "&Previous disagreement"),
        lambda: window.step_item(-1),
        "Shift+F8",
    )
    menus["review"].addSeparator()
    for number, name in enumerate(window.names[:9], start=1):
        add(
            "review",
            f"accept_{number}",
            QCoreApplication.translate("ReviewMenus", "Accept {name}'s version").format(name=name),
            lambda number=number: window.accept(number),  # type: ignore[misc]
            f"Ctrl+{number}",
        )
    add(
        "review",
        "reject",
        QCoreApplication.translate("ReviewMenus", "&Reject the proposed versions"),
        window.reject,
        "Ctrl+Delete",
    )
    add(
        "review",
        "accept_agreed",
        QCoreApplication.translate("ReviewMenus", "Accept all &agreed (quorum)"),
        window.accept_agreed,
        "Ctrl+Shift+A",
    )
    menus["review"].addSeparator()
    add(
        "review",
        "done_next",
        QCoreApplication.translate("ReviewMenus", "Adjudication &done, next document"),
        window.done_and_next,
        "Ctrl+Return",
        "Ctrl+Enter",
    )
    add(
        "review",
        "next_document",
        QCoreApplication.translate("ReviewMenus", "Next document to adjudicate"),
        lambda: window.step_document(1),
        "Ctrl+PgDown",
    )
    add(
        "review",
        "previous_document",
        QCoreApplication.translate("ReviewMenus", "Previous document to adjudicate"),
        lambda: window.step_document(-1),
        "Ctrl+PgUp",
    )
    menus["review"].addSeparator()
    close = QCoreApplication.translate("ReviewMenus", "&Close review")
    add("review", "close", close, window.close, "Ctrl+W")
    keys = QCoreApplication.translate("ReviewMenus", "Review &keys")
    add("help", "shortcuts", keys, lambda: show_review_help(window), "F1")
    return actions


def review_help_text(window: ReviewWindow) -> str:
    lines = list_keys()
    for action in window.actions_by_name.values():
        keys = ", ".join(k.toString() for k in action.shortcuts())
        if keys:
            lines.append(f"  {keys}: {action.text().replace('&', '')}")
    return "\n".join(lines)


def show_review_help(window: ReviewWindow) -> None:
    box = QMessageBox(window)
    box.setWindowTitle(QCoreApplication.translate("ReviewMenus", "Review keys"))
    box.setTextFormat(Qt.TextFormat.PlainText)  # annotator names are never markup
    box.setText(review_help_text(window))
    box.exec()
