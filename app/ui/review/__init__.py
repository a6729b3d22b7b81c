"""Review and adjudication: every annotator's layer of one document stacked over the gold
layer, the open disagreements, and the adjudicator's undoable actions.

``open_review`` is the one entry point (the Team menu and the agreement dashboard call
it); the window and Qt's widgets load on first use.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow
    from app.ui.review.window import ReviewWindow


def open_review(
    window: MainWindow, document_id: int, annotators: Sequence[str] | None = None
) -> ReviewWindow:
    """Show ``document_id`` in the review window of ``window``'s project, opening it if
    need be. ``annotators`` are the layers to compare (default: every human annotator who
    has tagged anything). Raises storage.ProjectError for an unknown document or name."""
    from app.ui.review.window import ReviewWindow

    assert window.project is not None
    names = None if annotators is None else list(annotators)
    review = window.findChild(ReviewWindow)
    if review is not None and (
        review.project is not window.project or (names is not None and names != review.names)
    ):
        review.close()
        review.setParent(None)  # out of findChild's reach before it is deleted
        review.deleteLater()
        review = None
    if review is None:
        point_size = window.article_view.font().pointSize()
        review = ReviewWindow(
            window.project,
            names,
            point_size=point_size,
            read_only=window.read_only,
            parent=window,
        )
        review.follow(window)
    review.show_document(document_id)
    review.show()
    review.raise_()
    review.activateWindow()
    return review


def open_for(window: MainWindow) -> ReviewWindow | None:
    """Team → Review and adjudicate: the main window's document, or a message saying why
    not (no document open, no annotator has tagged anything, a name that is not a layer)."""
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QMessageBox

    from storage import ProjectError

    session = window.session
    try:
        if session is None or session.document is None:
            raise ProjectError(
                QCoreApplication.translate(
                    "Review", "Open a document first: review shows one document at a time."
                )
            )
        return open_review(window, session.document.id)
    except ProjectError as error:
        box = QMessageBox(window)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(QCoreApplication.translate("Review", "Review and adjudicate"))
        box.setTextFormat(Qt.TextFormat.PlainText)  # names and errors are never markup
        box.setText(str(error))
        box.open()  # not exec(): the message needs no answer
        return None
