"""The Arabic font shipped in resources/fonts, loaded once per application."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase

from app.paths import resources_dir

ARTICLE_FAMILY = "Noto Naskh Arabic"
ARTICLE_POINT_SIZE = 17
_loaded = False


def load_fonts() -> None:
    global _loaded
    if _loaded:
        return
    for path in sorted((resources_dir() / "fonts").glob("*.ttf")):
        QFontDatabase.addApplicationFont(str(path))
    _loaded = True


def article_font(point_size: int = ARTICLE_POINT_SIZE) -> QFont:
    load_fonts()
    font = QFont(ARTICLE_FAMILY, point_size)
    font.setStyleHint(QFont.StyleHint.Serif)
    return font
