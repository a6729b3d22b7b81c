"""Guards against a broken Qt binding release (see the pin in pyproject.toml)."""

from __future__ import annotations

import sys

from PySide6.QtGui import QTextCursor, QTextDocument


def test_void_calls_do_not_leak_references_to_none(qapp) -> None:
    document = QTextDocument()
    document.setPlainText("x" * 100)
    cursor = QTextCursor(document)
    before = sys.getrefcount(None)
    for _ in range(5000):
        cursor.setPosition(5)
    # PySide6 6.12.0 lost one reference per call (5000 here); Python 3.11 then aborts.
    assert sys.getrefcount(None) > before - 100
