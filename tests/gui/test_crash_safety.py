"""Kill the app right after a tag: the span must be in the project when it reopens."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from storage import open_project

SCRIPT = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from app.ui import create_window

    window = create_window(sys.argv[1], "alice")
    window.show()
    view = window.article_view
    text = window.session.document.text
    start = text.index("ثلاثة عشر")
    view.select_code_points(start, start + len("ثلاثة عشر"))
    QTest.keyClick(view, Qt.Key.Key_3)
    print("TAGGED", flush=True)
    # Keep the app alive and busy: the kill must find nothing left to flush.
    while True:
        QTest.qWait(50)
    """
)


def test_sigkill_right_after_a_tag_keeps_the_span(project_path: Path, tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TAWSIM_HOME": str(tmp_path / "h")}
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(project_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.strip() == "TAGGED"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL
    with open_project(project_path) as project:
        assert project.integrity_ok()
        spans = project.spans.for_document(1, "alice")
        assert [(s.label, s.text) for s in spans] == [("CASUALTY_COUNT", "ثلاثة عشر")]
    conn = sqlite3.connect(project_path)
    assert conn.execute("SELECT count(*) FROM changes WHERE action = 'span.create'").fetchone()
    conn.close()
