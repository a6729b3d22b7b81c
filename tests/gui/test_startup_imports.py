"""Start-up imports only what the first painted window needs: the format registry (every
reader and writer and their libraries), the importer, the exporter, the dialogs and the
backup code load when a command, a menu or the first backup asks for them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOT_AT_START_UP = (
    "app.formats.registry",
    "app.core.importing",
    "app.core.exporting",
    "app.ui.dialogs",
    "app.ui.import_dialog",
    "app.ui.export_dialog",
    "app.ui.label_editor",
    "charset_normalizer",
    "cassis",
    "ctypes.util",
    "storage.backups",  # the first backup is 3 s after the window opens
)

CHILD = """
import sys
from pathlib import Path
from app.cli import _parse
from app.ui.startup import MainWindow, ensure_application

args = _parse(["gui", sys.argv[1], "--annotator", "alice"])
app = ensure_application()
window = MainWindow(Path(args.project), args.annotator)
window.show()
app.processEvents()
window.article_view.viewport().repaint()
assert window.session.document is not None
print(sorted(m for m in sys.modules if m in set(sys.argv[2].split(","))))
"""


def test_the_window_shows_without_the_formats_importer_or_dialogs(project_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TAWSIM_HOME": str(project_path.parent)}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(project_path), ",".join(NOT_AT_START_UP)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout.strip().splitlines()[-1].replace("'", '"')) == []


def test_other_commands_still_parse_with_their_format_choices() -> None:
    from app.cli import _parse

    args = _parse(["export", "p.tawsim", "--format", "conll", "--out", "x"])
    assert (args.command, args.format) == ("export", "conll")
    gui = _parse(["gui", "p.tawsim", "--annotator", "layla"])
    assert (gui.command, gui.project, gui.annotator) == ("gui", "p.tawsim", "layla")
    assert _parse([]).command == "gui"
