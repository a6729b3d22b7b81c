"""`tawsim gui` without a usable display says why in one line instead of aborting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.ui import launch


def test_no_display_is_one_clear_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(QT_QPA_PLATFORM="", TAWSIM_HOME=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "app", "gui"],
        env=env,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "no display available" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_xcb_libraries_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    import ctypes.util  # launch imports it only when it looks for the X11 libraries

    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setattr(
        ctypes.util, "find_library", lambda name: None if "cursor" in name else name
    )
    problem = launch.display_problem()
    assert problem is not None and "sudo apt-get install libxcb-cursor0" in problem


def test_first_run_creates_the_default_project_with_samples(tmp_path: Path) -> None:
    from app.core.setup import ensure_default_project
    from storage import open_project

    path, report = ensure_default_project()
    assert report is not None and report.imported >= 6 and not report.rejected
    assert ensure_default_project() == (path, None)
    with open_project(path) as project:
        assert project.documents.count() == report.imported
        assert [label.id for label in project.labels.all()] == [
            "ACTOR",
            "LOCATION",
            "CASUALTY_COUNT",
            "DATE",
        ]
