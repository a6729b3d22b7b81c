"""Application start-up: QApplication, the annotator's name, the project to open."""

from __future__ import annotations

import sys
from pathlib import Path

from app.core.setup import ensure_default_project
from app.settings import Settings
from app.ui.i18n import apply_setting
from app.ui.main_window import MainWindow, ensure_application


def _default_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name (containers, some Windows set-ups)
        return ""


def run(project: Path | None, annotator: str | None, language: str | None = None) -> int:
    app = ensure_application()
    app.setApplicationName("Tawsim")
    settings = Settings()
    apply_setting(app, settings, language)  # before any widget: texts are set when built
    if project is None:
        last = settings.get("last_project")
        project = Path(last) if last and Path(last).exists() else ensure_default_project()[0]
    name = annotator or settings.get("annotator")
    if not name:
        from app.ui.dialogs import ask_annotator  # loads the dialogs, rarely needed here

        name = ask_annotator(None, _default_user())
        if not name:
            print("tawsim: no annotator name given; nothing opened", file=sys.stderr)
            return 1
    window = MainWindow(project, name, settings)
    window.show()
    return app.exec()
