"""Highlights are formats set block by block as blocks are painted: a long article formats
only what is on screen, yet every highlight lands exactly on its characters once shown,
including after edits made while its block was off screen."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from PySide6.QtCore import Qt

from app.ui.commands import DeleteSpan, TagSpan, UpdateSpan
from tests.gui.helpers import painted_ranges

# 120 paragraphs; each has an emoji before its tagged word, so UTF-16 positions and code
# points drift apart further down the article.
WORD = "دمشق"
PARAGRAPH = "قال مراسلنا 📍 إن القصف طال " + WORD + " صباح اليوم وفق مصادر محلية متطابقة."
TEXT = "\n\n".join(f"{n} {PARAGRAPH}" for n in range(120))


def utf16(cp: int) -> int:
    return len(TEXT[:cp].encode("utf-16-le")) // 2


def word_starts() -> list[int]:
    starts, at = [], TEXT.find(WORD)
    while at >= 0:
        starts.append(at)
        at = TEXT.find(WORD, at + 1)
    return starts


@pytest.fixture
def long_window(tmp_path: Path, qtbot):  # type: ignore[no-untyped-def]
    from app.core.importing import import_paths
    from app.core.setup import init_project
    from app.ui import create_window
    from storage import Span

    source = tmp_path / "long.jsonl"
    source.write_text(json.dumps({"id": "long", "text": TEXT}, ensure_ascii=False) + "\n")
    path = tmp_path / "long.tawsim"
    with init_project(path) as project:
        import_paths(project, [source])
        for n, start in enumerate(word_starts()):
            end = start + len(WORD)
            span = Span(f"s{n:03}", 1, "alice", start, end, "LOCATION", TEXT[start:end])
            project.spans.create(span, by="alice")
    window = create_window(path, "alice")
    qtbot.addWidget(window)
    window.resize(1000, 600)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()


def expected(starts: list[int], color: str) -> list[tuple[int, int, str]]:
    return [(utf16(s), utf16(s + len(WORD)), color) for s in starts]


def scroll_to_end(view) -> None:  # type: ignore[no-untyped-def]
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    view.viewport().repaint()


def test_opening_formats_only_the_blocks_on_screen(long_window) -> None:
    view = long_window.article_view
    view.viewport().repaint()
    blocks = view.document().blockCount()
    formatted = view.painter._formatted
    assert 0 < len(formatted) < blocks // 4
    assert max(formatted) < blocks // 4  # the top of the article


def test_every_highlight_is_exact_once_its_block_is_shown(long_window) -> None:
    view = long_window.article_view
    color = long_window.session.label("LOCATION").color.lower()
    scroll_to_end(view)
    assert max(view.painter._formatted) == view.document().blockCount() - 1
    # painted_ranges brings every block up to date, as painting it would.
    assert painted_ranges(view) == expected(word_starts(), color)


def test_edits_off_screen_are_painted_when_scrolled_to(long_window) -> None:
    session, view = long_window.session, long_window.article_view
    colors = {label.id: label.color.lower() for label in session.labels}
    starts = word_starts()
    scroll_to_end(view)  # the last paragraphs get their formats…
    view.verticalScrollBar().setValue(0)
    view.viewport().repaint()  # …and go off screen
    last_block = view.document().blockCount() - 1
    assert last_block in view.painter._formatted
    # Edits the session makes without selecting (and so without scrolling to) the spans.
    session.apply_update("s119", label="ACTOR")
    session.apply_delete("s118")
    new_start = TEXT.rindex("مصادر")
    session.apply_create(session.new_span(new_start, new_start + len("مصادر"), "DATE"))
    assert view.verticalScrollBar().value() == 0
    assert last_block not in view.painter._current  # stale until shown
    scroll_to_end(view)
    assert last_block in view.painter._current
    tail = painted_ranges(view)[-3:]
    assert tail == [
        *expected([starts[117]], colors["LOCATION"]),
        *expected([starts[119]], colors["ACTOR"]),
        (utf16(new_start), utf16(new_start + len("مصادر")), colors["DATE"]),
    ]


def test_undone_edits_are_painted_back(long_window) -> None:
    session, view = long_window.session, long_window.article_view
    colors = {label.id: label.color.lower() for label in session.labels}
    starts = word_starts()
    session.undo_stack.push(UpdateSpan(session, session.span("s060"), label="ACTOR"))
    session.undo_stack.push(DeleteSpan(session, session.span("s119")))
    tagged = session.new_span(starts[0] - 4, starts[0] - 1, "DATE")
    session.undo_stack.push(TagSpan(session, tagged))
    painted = painted_ranges(view)
    assert (utf16(starts[60]), utf16(starts[60] + len(WORD)), colors["ACTOR"]) in painted
    assert len(painted) == len(starts)  # one deleted, one added
    while session.undo_stack.canUndo():
        session.undo_stack.undo()
    assert painted_ranges(view) == expected(starts, colors["LOCATION"])


def test_new_label_colours_repaint_the_highlights(long_window) -> None:
    view = long_window.article_view
    view.set_label_colors({"LOCATION": "#123456"})
    assert painted_ranges(view) == expected(word_starts(), "#123456")
    assert view.painter.color("LOCATION").name() == "#123456"
    assert Qt.LayoutDirection.RightToLeft == view.document().defaultTextOption().textDirection()
