"""The Qt user interface: the only package that imports PySide6.

Importing this package does not import Qt yet, so ``app.ui.launch`` can check the
display first and fail with a readable message instead of a Qt abort.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow


def create_window(
    project_path: str | Path, annotator: str, language: str | None = None
) -> MainWindow:
    """The main window on ``project_path`` for ``annotator``: not shown, no event loop.

    ``language`` ("ar", "en", "system") is installed first; None leaves the current one."""
    from app.ui.main_window import MainWindow, ensure_application

    app = ensure_application()
    if language is not None:
        from app.ui.i18n import install_language

        install_language(app, language)
    return MainWindow(Path(project_path), annotator)
