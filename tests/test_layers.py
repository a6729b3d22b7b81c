"""The layer rule, checked at run time too: the Qt-free code never loads Qt."""

from __future__ import annotations

import ast
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


def _qt_imports(source: str) -> list[int]:
    """Lines importing Qt: an import statement, or import_module/__import__ of a constant
    name (a mention in a string or comment, e.g. looking at sys.modules, is not one)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if called in ("import_module", "__import__") and isinstance(first, ast.Constant):
                names = [str(first.value)]
        if any(name.split(".")[0] in ("PySide6", "shiboken6") for name in names):
            lines.append(node.lineno)
    return lines


def test_the_import_finder_sees_every_form() -> None:
    source = (
        "import PySide6\nfrom PySide6.QtCore import Qt\nimport os, shiboken6\n"
        "importlib.import_module('PySide6.QtGui')\n__import__('PySide6')\n"
        "x = 'PySide6' in sys.modules  # PySide6\nimport json\n"
    )
    assert _qt_imports(source) == [1, 2, 3, 4, 5]


def test_only_app_ui_imports_pyside() -> None:
    offenders = []
    for path in [*ROOT.joinpath("app").rglob("*.py"), *ROOT.joinpath("storage").rglob("*.py")]:
        if "ui" in path.relative_to(ROOT).parts[:2]:
            continue
        for line in _qt_imports(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(ROOT)}:{line}")
    assert offenders == []
