"""The layer rule, checked at run time too: the Qt-free code never loads Qt."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_core_and_cli_import_without_qt() -> None:
    code = (
        "import sys, app.cli, app.core.importing, app.core.exporting, app.text.snapping,"
        " app.ui, app.ui.launch, storage;"
        " loaded = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))];"
        " print(loaded)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_only_app_ui_imports_pyside() -> None:
    offenders = []
    for path in [*ROOT.joinpath("app").rglob("*.py"), *ROOT.joinpath("storage").rglob("*.py")]:
        if "ui" in path.relative_to(ROOT).parts[:2]:
            continue
        if "PySide6" in path.read_text(encoding="utf-8"):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
