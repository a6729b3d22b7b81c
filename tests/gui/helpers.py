"""Real mouse and keyboard input on the article view, addressed in code points."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCharFormat, QTextCursor
from PySide6.QtTest import QTest

from app.ui.article_view import ArticleView


def point_at(view: ArticleView, cp: int) -> QPoint:
    """Viewport point in the middle of the character at code point ``cp``."""
    offsets = view.painter.offsets
    cursor = QTextCursor(view.document())
    cursor.setPosition(offsets.to_utf16(cp))
    left = view.cursorRect(cursor)
    cursor.setPosition(offsets.to_utf16(cp + 1))
    right = view.cursorRect(cursor)
    x = (left.center().x() + right.center().x()) // 2
    return QPoint(x, left.center().y())


def click_char(view: ArticleView, cp: int) -> None:
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_at(view, cp))


def double_click_word(view: ArticleView, cp: int) -> None:
    QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_at(view, cp))


def select_with_keys(view: ArticleView, start: int, end: int) -> None:
    """Caret at ``start``, then real Shift+Left presses up to ``end``.

    In a right-to-left paragraph Qt's logical cursor style moves Left *forward* in the
    text, which is exactly what an Arabic reader expects.
    """
    offsets = view.painter.offsets
    cursor = view.textCursor()
    cursor.setPosition(offsets.to_utf16(start))
    view.setTextCursor(cursor)
    view.setFocus()
    for _ in range(end - start):
        QTest.keyClick(view, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)


def stored_spans(db: sqlite3.Connection, external_id: str) -> list[tuple[int, int, str, str]]:
    return db.execute(
        'SELECT s.start, s."end", s.label, s.text FROM spans s'
        " JOIN documents d ON d.id = s.document_id WHERE d.external_id = ?"
        ' ORDER BY s.start, s."end", s.label',
        (external_id,),
    ).fetchall()


def painted_formats(view: ArticleView) -> list[tuple[int, int, QTextCharFormat]]:
    """(start, end, format) of every highlight as the view paints it, in UTF-16 units.

    Highlights are the blocks' layout formats, set as blocks are painted: paint first."""
    view.viewport().repaint()
    result = []
    block = view.document().begin()
    while block.isValid():
        view.painter.format_block(block)  # a no-op for the blocks just painted
        for fmt_range in block.layout().formats():
            start = block.position() + fmt_range.start
            result.append((start, start + fmt_range.length, QTextCharFormat(fmt_range.format)))
        block = block.next()
    return result


def painted_ranges(view: ArticleView) -> list[tuple[int, int, str]]:
    """(start, end, background colour) of every highlighted stretch, in UTF-16 units."""
    return [
        (start, end, fmt.background().color().name())
        for start, end, fmt in painted_formats(view)
        if fmt.background().style() != Qt.BrushStyle.NoBrush
    ]


def painted_format_at(view: ArticleView, u16: int) -> QTextCharFormat | None:
    return next((f for s, e, f in painted_formats(view) if s <= u16 < e), None)


def project_with_articles(path: Path, articles: list[tuple[str, str]]) -> Path:
    """A project at ``path`` holding ``(id, text)`` articles (titled by their id), imported
    through the real importer from a JSONL file beside it."""
    from app.core.importing import import_paths
    from app.core.setup import init_project

    source = path.with_name(f"{path.stem}-articles.jsonl")
    records = [{"id": doc_id, "text": text, "meta": {"title": doc_id}} for doc_id, text in articles]
    source.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    with init_project(path) as project:
        report = import_paths(project, [source])
    assert report.imported == len(articles)
    return path


def shown_window(path: Path, qtbot: Any) -> Any:
    """The main window on ``path`` for alice, shown and exposed (qtbot closes it)."""
    from app.ui import create_window

    window = create_window(path, "alice")
    qtbot.addWidget(window)
    window.resize(1200, 700)
    window.show()
    qtbot.waitExposed(window)
    return window


def paints_like_the_standard_delegate(view: Any, qtbot: Any, region: Any = None) -> bool:
    """Whether a LookTable paints its viewport (or ``region`` of it, alone) exactly as
    QTableView does with the standard delegate (it really paints: from texts it shaped,
    not through the style)."""
    from PySide6.QtWidgets import QStyledItemDelegate

    from app.ui.cell_delegate import CachedCellDelegate

    # The standard delegate paints a list's first paint; the cached one every paint after.
    qtbot.waitUntil(lambda: isinstance(view.itemDelegate(), CachedCellDelegate))
    ours = view.itemDelegate()
    painted = _painted(view.viewport(), region)
    assert ours._texts  # painted from shaped texts (not through the style)
    view.setItemDelegate(QStyledItemDelegate(view))
    qtbot.wait(10)
    standard = _painted(view.viewport(), region)
    view.setItemDelegate(ours)
    return bool(painted == standard)


def _painted(widget: Any, region: Any) -> Any:
    """``widget`` painted whole, or only ``region`` of it (one paint event for that region,
    over a magenta that would show through anything left unpainted)."""
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QColor, QImage

    if region is None:
        return widget.grab().toImage()
    image = QImage(widget.size(), QImage.Format.Format_ARGB32)
    image.fill(QColor("magenta"))
    widget.render(image, QPoint(), region)
    return image
