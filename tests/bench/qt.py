"""Qt helpers for the UI benchmarks and their child processes (the only Qt in bench/)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from PySide6.QtCore import (
    QAbstractEventDispatcher,
    QCoreApplication,
    QEvent,
    QEventLoop,
    QMessageLogContext,
    QObject,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication, QWidget

# The offscreen platform says this on every window shown; it is noise in the output.
_QUIET = ("This plugin does not support propagateSizeHints()",)
_handler_installed = False


def _message_handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    if message not in _QUIET:
        print(message, file=sys.stderr)


def application() -> QApplication:
    """The app's own QApplication set-up (fonts included), created once."""
    global _handler_installed
    from app.ui.main_window import ensure_application

    if not _handler_installed:
        qInstallMessageHandler(_message_handler)
        _handler_installed = True
    return ensure_application()


def pump(app: QApplication | None = None) -> None:
    """Deliver everything pending, including deferred deletes."""
    app = app or application()
    app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents)


def wait_until(done: Callable[[], bool], timeout: float = 30.0) -> None:
    """Deliver events until ``done()``, looking after each pass. (With a maximum time,
    processEvents goes on delivering for up to that long while events keep coming, a line
    edit's fading clear button say: up to 5 ms more in a step, on both sides alike.)"""
    app = application()
    deadline = time.perf_counter() + timeout
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError("the window did not paint in time")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents)


def settle() -> None:
    """Deliver events until a pass finds none: everything an action set off, each paint
    included (a view lays its rows out in a posted event after a reset, then paints again;
    a scroll bar that comes or goes resizes the view and paints it once more)."""
    dispatcher = QAbstractEventDispatcher.instance()
    while dispatcher.processEvents(QEventLoop.ProcessEventsFlag.AllEvents):
        pass


class PaintProbe(QObject):
    """Notices the first paint event a widget receives (installed as its event filter)."""

    def __init__(self, widget: QWidget, on_paint: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.painted = False
        self._on_paint = on_paint
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self.painted:
            self.painted = True
            if self._on_paint is not None:
                self._on_paint()
        return False


def dispose(widget: QWidget) -> None:
    widget.close()
    widget.deleteLater()
    pump()
