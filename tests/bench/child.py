"""Entry points run in fresh child processes: `python -m tests.bench.child MODE [ARGS]`.

Each prints one JSON object as its last line of output.

- ``startup-app``: what `tawsim gui --annotator bench` does, with a probe that reports
  ``time.monotonic()`` once the main window's first paint has finished.
- ``startup-bare``: a bare QApplication + QMainWindow, probed the same way.
- ``startup-floor``: a minimal window of the same kind as the app's, in plain PySide and
  sqlite3 (no app code): what any such window costs over the bare one. Reported, not
  budgeted, like the import floors.
- ``memory PROJECT ANNOTATOR``: open the project's window, wait for the document list to
  paint, report peak RSS (VmHWM; see _status_kb).

CLOCK_MONOTONIC is system-wide on Linux, so the parent subtracts its own launch time.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import Any


def _report(payload: dict[str, Any]) -> None:
    print(json.dumps(payload), flush=True)


_probes: list[Any] = []  # keeps the probe alive


def _install_probe(window: Any) -> None:
    """Report the end of the window's first paint cycle, then quit."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from tests.bench.qt import PaintProbe

    def finish() -> None:
        _report({"painted_at": time.monotonic()})
        QApplication.quit()

    # On the window itself: Qt paints a window before its children, so its first paint
    # event starts the cycle, and the zero timer fires once the whole cycle (every widget
    # of the window) is done. Not application-wide: a Python event filter there runs for
    # every event of every object (and makes PySide build a Python type for each kind of
    # event it sees), which cost the app's side ~30 ms the real start-up does not pay,
    # and the bare window's side ~5 ms.
    probe = PaintProbe(window, lambda: QTimer.singleShot(0, finish))
    _probes.append(probe)


def startup_app() -> int:
    from app.cli import main
    from app.ui import startup
    from app.ui.main_window import MainWindow

    class ProbedWindow(MainWindow):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            _install_probe(self)  # before startup.run shows the window

    startup.MainWindow = ProbedWindow  # type: ignore[attr-defined]
    return main(["gui", "--annotator", "bench"])


def startup_bare() -> int:
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1280, 800)
    _install_probe(window)
    window.show()
    return app.exec()


def startup_floor() -> int:
    """The kinds of thing the app's first window needs, and nothing of the app: the Qt
    namespace (its enums), the Arabic font, an SQLite project read for a list and an
    article, two tables with a model, a right-to-left plain text view, a menu bar of 40
    actions and a status bar."""
    import os
    import sqlite3

    from PySide6.QtCore import QAbstractTableModel, Qt
    from PySide6.QtGui import QAction, QFont, QFontDatabase
    from PySide6.QtWidgets import (
        QApplication,
        QMainWindow,
        QPlainTextEdit,
        QSplitter,
        QTableView,
    )

    app = QApplication(sys.argv[:1])
    fonts = Path(__file__).resolve().parents[2] / "resources" / "fonts"
    QFontDatabase.addApplicationFont(str(fonts / "NotoNaskhArabic-Regular.ttf"))
    project = Path(os.environ["TAWSIM_HOME"]) / "data" / "default.tawsim"
    conn = sqlite3.connect(project)
    rows = conn.execute("SELECT id, title FROM documents ORDER BY id LIMIT 50").fetchall()
    text = conn.execute("SELECT text FROM documents ORDER BY id LIMIT 1").fetchone()[0]
    conn.close()

    class Rows(QAbstractTableModel):
        def rowCount(self, parent: Any = None) -> int:
            return len(rows)

        def columnCount(self, parent: Any = None) -> int:
            return 2

        def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
            if role == Qt.ItemDataRole.DisplayRole:
                return str(rows[index.row()][index.column()])
            return None

    window = QMainWindow()
    window.resize(1280, 800)
    menu = window.menuBar().addMenu("File")
    for number in range(40):
        menu.addAction(QAction(f"Action {number}", window))
    article = QPlainTextEdit()
    article.setReadOnly(True)
    article.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    article.setFont(QFont("Noto Naskh Arabic", 17))
    article.setPlainText(text)
    splitter = QSplitter(Qt.Orientation.Horizontal)
    models = [Rows(), Rows()]  # referenced here: a view does not own its model
    for model in models:
        table = QTableView()
        table.setModel(model)
        splitter.addWidget(table)
    splitter.insertWidget(1, article)
    window.setCentralWidget(splitter)
    window.statusBar().showMessage(rows[0][1] if rows else "")
    _install_probe(window)
    window.show()
    return app.exec()


def _status_kb(field: str) -> int:
    """A figure from /proc/self/status, in kB.

    Peak RSS is VmHWM, the high-water mark of this process's own memory. ru_maxrss is
    not usable here: Linux carries the parent's high-water mark across fork + exec, so a
    child of a big benchmark process reports the parent's peak instead of its own.
    """
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def memory(project: str, annotator: str) -> int:
    from app.ui import create_window
    from tests.bench.qt import PaintProbe, application, pump, wait_until

    application()
    window = create_window(Path(project), annotator)
    window.resize(1280, 800)
    probe = PaintProbe(window.document_list.table.viewport())
    window.show()
    wait_until(lambda: probe.painted)
    pump()
    _report(
        {
            "peak_rss_mb": _status_kb("VmHWM") / 1024,
            "rss_mb": _status_kb("VmRSS") / 1024,
            "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "rows": window.list_model.rowCount(),
        }
    )
    return 0


def main(argv: list[str]) -> int:
    mode, *args = argv
    if mode == "startup-app":
        return startup_app()
    if mode == "startup-bare":
        return startup_bare()
    if mode == "startup-floor":
        return startup_floor()
    if mode == "memory":
        return memory(*args)
    raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
