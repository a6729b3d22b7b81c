"""Render the README screenshot: the real window, a sample article tagged with all labels.

Run: make screenshot (or: python -m app.ui.readme_screenshot OUT.png --language ar)
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

os.environ.setdefault("TAWSIM_HOME", tempfile.mkdtemp(prefix="tawsim-shot-"))

from app.core.setup import ensure_default_project
from app.ui import create_window

TAGS = [  # (text, key) in the first sample article
    ("دير الزور", "2"),
    ("ثلاثة عشر", "3"),
    ("23", "3"),
    ("فجر اليوم الأربعاء", "4"),
    ("قوات سوريا الديمقراطية", "1"),
    ("بدير الزور", "2"),
    ("الدفاع المدني", "1"),
]


def main(out: str, language: str = "en") -> None:
    path, _ = ensure_default_project()
    window = create_window(path, "layla", language)
    window.resize(1360, 820)
    window.show()
    view = window.article_view
    text = window.session.document.text
    cursor = 0
    for phrase, key in TAGS:
        start = text.index(phrase, cursor if phrase != "بدير الزور" else 0)
        view.select_code_points(start, start + len(phrase))
        QTest.keyClick(view, getattr(Qt.Key, f"Key_{key}"))
    window.session.select_span(window.session.spans[2].uuid)
    # Suggestions come after the article is painted, their gazetteer from a thread.
    deadline = time.monotonic() + 30
    while window.suggestions.busy and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.01)
    QApplication.processEvents()
    window.grab().save(out)
    print(f"wrote {out}")


if __name__ == "__main__":
    arguments = argparse.ArgumentParser(description="Render the README screenshot.")
    arguments.add_argument("out", nargs="?", default="docs/screenshot.png")
    arguments.add_argument("--language", choices=("ar", "en"), default="en")
    options = arguments.parse_args()
    main(options.out, options.language)
