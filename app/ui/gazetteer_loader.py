"""The project's gazetteer, built on a thread of its own so the window never waits for it.

Building it is one grouped query over every ACTOR/LOCATION span: 0.5–1 s on a project of a
million spans, nearly all of it inside SQLite, which lets go of Python's interpreter lock
while it works. So the query runs on a second, read-only connection (WAL: it neither waits
for the annotator's writes nor holds them up) in a plain thread, and the window keeps
painting and answering keys meanwhile. The names are then parsed on the thread with a
pause every few dozen, so the window's thread never waits long for the interpreter lock.
Names tagged while it runs are not in the snapshot the query reads; the overlay adds them
when the gazetteer arrives.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import time
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from storage import ProjectError, open_project

log = logging.getLogger(__name__)


class _Cancelled(Exception):
    pass


class GazetteerLoader(QObject):
    # (request, gazetteer): the number start() returned and the gazetteer it asked for;
    # received on the GUI thread (a queued connection: the emitting thread is another).
    loaded = Signal(int, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: threading.Thread | None = None
        self._connection: sqlite3.Connection | None = None
        self._cancelled = threading.Event()
        self._lock = threading.Lock()
        self._requests = 0

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, path: Path) -> int:
        """Build the gazetteer of the project file at ``path``, instead of any build under
        way; returns the request number ``loaded`` will carry."""
        self.cancel()
        self._requests += 1
        self._cancelled = threading.Event()
        self._thread = threading.Thread(
            target=self._build,
            args=(path, self._requests, self._cancelled),
            name="gazetteer",
            daemon=True,
        )
        self._thread.start()
        return self._requests

    def cancel(self, wait: bool = True) -> None:
        """Stop a build under way (its result is dropped); with ``wait``, until it ends."""
        thread = self._thread
        if thread is None:
            return
        self._cancelled.set()
        with self._lock:
            if self._connection is not None:
                self._connection.interrupt()  # the query stops at its next step
        if wait:
            thread.join()
        self._thread = None

    def _build(self, path: Path, request: int, cancelled: threading.Event) -> None:
        # Imported here, on the thread: the window's start-up does not load it.
        from app.assist.gazetteer import Gazetteer, name_counts

        try:
            project = open_project(path, read_only=True)
        except (ProjectError, sqlite3.Error) as error:
            log.warning("gazetteer not built: %s", error)
            return
        try:
            with self._lock:
                if cancelled.is_set():
                    return
                self._connection = project.conn
            counts = name_counts(project)
        except sqlite3.Error as error:  # interrupted, or the file went away meanwhile
            if not cancelled.is_set():
                log.warning("gazetteer not built: %s", error)
            return
        finally:
            with self._lock:
                self._connection = None
            project.close()

        def pause() -> None:
            if cancelled.is_set():
                raise _Cancelled
            time.sleep(0)  # hands the interpreter lock to the window's thread if it waits

        try:
            gazetteer = Gazetteer.from_counts(counts, pause)
        except _Cancelled:
            return
        if not cancelled.is_set():
            # RuntimeError: the window (and this object) were closed meanwhile.
            with contextlib.suppress(RuntimeError):
                self.loaded.emit(request, gazetteer)
