"""UI benchmarks on the real main window, offscreen, in this process.

Each measures what the user waits for, with real key events (QTest) on the real widgets,
the real session and the real SQLite project, and forces the repaint inside the timing.
"""

from __future__ import annotations

import cProfile
import random
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.ui import create_window
from app.ui.main_window import MainWindow
from storage import Span
from tests.bench.common import (
    BENCH_ANNOTATOR,
    LIST_ANNOTATOR,
    SEED,
    Cache,
    Result,
    Sizes,
    median,
    summary,
)
from tests.bench.qt import PaintProbe, application, dispose, pump, settle, wait_until

Log = Callable[[str], None]
WARM_UP = 3
FILTER_NEEDLE = "حلب"  # a city in about one title in forty
WORD = re.compile(r"\w+")


@contextmanager
def profiled(profile_dir: Path | None, name: str) -> Iterator[None]:
    if profile_dir is None:
        yield
        return
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        profiler.dump_stats(profile_dir / f"{name}.prof")


def _open_window(path: Path, annotator: str) -> MainWindow:
    window = create_window(path, annotator)
    window.resize(1280, 800)
    probe = PaintProbe(window.article_view.viewport())
    window.show()
    wait_until(lambda: probe.painted)
    pump()
    return window


# -- 1. tag a span ----------------------------------------------------------------------------
def _tag_ranges(text: str, spans: list[Span], count: int, rng: random.Random) -> list[Any]:
    """``count`` selections of 1–3 whole words, spread over the text, not yet ACTOR spans."""
    words = [(m.start(), m.end()) for m in WORD.finditer(text)]
    taken = {(s.start, s.end) for s in spans if s.label == "ACTOR"}
    chosen: list[tuple[int, int]] = []
    while len(chosen) < count:
        first = rng.randrange(len(words) - 3)
        start, end = words[first][0], words[first + rng.randint(0, 2)][1]
        if "\n" in text[start:end] or (start, end) in taken:
            continue
        taken.add((start, end))
        chosen.append((start, end))
    return chosen


def _tag_once(window: MainWindow, start: int, end: int) -> float:
    """Alt+1 on an exact selection: stored in SQLite and repainted. Undone afterwards."""
    view = window.article_view
    session = window.session
    assert session is not None
    view.select_code_points(start, end)
    pump()
    before = len(session.spans)
    began = time.perf_counter()
    QTest.keyClick(view, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    view.viewport().repaint()
    elapsed = time.perf_counter() - began
    stored = session.project.spans.get(session.selected_uuid)
    if stored is None or (stored.start, stored.end, stored.label) != (start, end, "ACTOR"):
        raise RuntimeError(f"tag [{start}, {end}) was not stored as ACTOR: {stored}")
    if len(session.spans) != before + 1:
        raise RuntimeError("the session did not gain the new span")
    session.undo_stack.undo()  # keep the layer as it was (not timed)
    pump()
    return elapsed


def bench_tag(
    cache: Cache, sizes: Sizes, scratch: Path, log: Log, profile_dir: Path | None
) -> list[Result]:
    """Tags alternate between two windows, one showing the small article and one the big,
    so that a slow spell of the machine hits both sides alike."""
    application()
    log(f"tag: {sizes.tags} tags per side (Alt+1 → SQLite → repaint)…")
    # One project copy per window: two connections writing to one file would make each
    # commit invalidate the other connection's page cache, slowing both sides.
    paths = {
        side: cache.scratch_copy(cache.article_project(), scratch / f"tag-{side}")
        for side in ("baseline", "value")
    }
    windows = {side: _open_window(path, BENCH_ANNOTATOR) for side, path in paths.items()}
    rng = random.Random(SEED)
    times: dict[str, list[float]] = {"baseline": [], "value": []}
    info: dict[str, Any] = {}
    ranges: dict[str, list[tuple[int, int]]] = {}
    for side, name in (("baseline", "small"), ("value", "big")):
        window = windows[side]
        assert window.project is not None and window.session is not None
        document_id = window.project.documents.id_by_external_id(name)
        assert document_id is not None
        window.show_document(document_id)
        pump()
        session = window.session
        assert session.document is not None
        info[name] = {"characters": len(session.document.text), "spans": len(session.spans)}
        ranges[side] = _tag_ranges(session.document.text, session.spans, WARM_UP + sizes.tags, rng)
    for i in range(WARM_UP + sizes.tags):
        for side, window in windows.items():
            start, end = ranges[side][i]
            elapsed = _tag_once(window, start, end)
            if i >= WARM_UP:
                times[side].append(elapsed)
    big = windows["value"]
    assert big.session is not None and big.session.document is not None
    if profile_dir is not None:
        extra = _tag_ranges(big.session.document.text, big.session.spans, 10, rng)
        with profiled(profile_dir, "tag_span"):
            for start, end in extra:
                _tag_once(big, start, end)
    for side, name in (("baseline", "small"), ("value", "big")):
        layer = windows[side].session
        assert layer is not None
        info[name]["spans_after"] = len(layer.spans)
        dispose(windows[side])
    created = 0
    for path in paths.values():
        conn = sqlite3.connect(path)  # a second connection: the tags were committed
        query = "SELECT count(*) FROM changes WHERE action = 'span.create'"
        created += int(conn.execute(query).fetchone()[0])
        conn.close()
    return [
        Result(
            "tag_span",
            "tag a span (key → SQLite → repaint)",
            "s",
            median(times["value"]),
            median(times["baseline"]),
            2.0,
            budget_value=0.016,
            value_label=(
                f"median of {len(times['value'])} tags, {info['big']['characters']:,}-char "
                f"article with {info['big']['spans']:,} spans"
            ),
            baseline_label=(
                f"median of {len(times['baseline'])} tags, "
                f"{info['small']['characters']:,}-char article, no spans"
            ),
            details={
                "value_runs": summary(times["value"]),
                "baseline_runs": summary(times["baseline"]),
                "documents": info,
                "span_creates_committed": created,
                "order": "alternating: one tag in each article in turn, two windows",
            },
        )
    ]


# -- 2. open a document -------------------------------------------------------------------
def bench_open_document(
    cache: Cache, sizes: Sizes, scratch: Path, log: Log, profile_dir: Path | None
) -> list[Result]:
    application()
    path = cache.scratch_copy(cache.article_project(), scratch / "open")
    log("open document: the big article with its spans vs the same text, empty layer…")
    windows = {
        "value": _open_window(path, BENCH_ANNOTATOR),
        "baseline": _open_window(path, "empty"),
    }
    project = windows["value"].project
    assert project is not None
    big, small = (project.documents.id_by_external_id(n) for n in ("big", "small"))
    assert big is not None and small is not None
    times: dict[str, list[float]] = {"value": [], "baseline": []}
    settled: dict[str, list[float]] = {"value": [], "baseline": []}
    spans: dict[str, int] = {}
    for rep in range(1 + sizes.reps):
        for side, window in windows.items():
            window.show_document(small)
            pump()
            began = time.perf_counter()
            window.show_document(big)
            window.article_view.viewport().repaint()
            elapsed = time.perf_counter() - began
            pump()
            whole = time.perf_counter() - began
            assert window.session is not None
            spans[side] = len(window.session.spans)
            if rep:  # the first round warms up
                times[side].append(elapsed)
                settled[side].append(whole)
    if profile_dir is not None:
        window = windows["value"]
        with profiled(profile_dir, "open_document"):
            for _ in range(3):
                window.show_document(small)
                window.show_document(big)
                window.article_view.viewport().repaint()
    for window in windows.values():
        dispose(window)
    if spans["value"] != sizes.article_spans or spans["baseline"] != 0:
        raise RuntimeError(f"unexpected layers: {spans}")
    return [
        Result(
            "open_document",
            "open a document (text + highlights painted)",
            "s",
            median(times["value"]),
            median(times["baseline"]),
            3.0,
            value_label=f"big article with its {spans['value']:,} spans",
            baseline_label="the same article, an annotator with no spans",
            details={
                "value_runs": summary(times["value"]),
                "baseline_runs": summary(times["baseline"]),
                "value_until_idle": summary(settled["value"]),
                "baseline_until_idle": summary(settled["baseline"]),
            },
        )
    ]


# -- 3. open a project and show its document list ------------------------------------------
def _open_project_once(path: Path) -> float:
    began = time.perf_counter()
    window = create_window(path, LIST_ANNOTATOR)
    probe = PaintProbe(window.document_list.table.viewport())
    window.show()
    wait_until(lambda: probe.painted)
    elapsed = time.perf_counter() - began
    dispose(window)
    return elapsed


def bench_open_project(
    cache: Cache, sizes: Sizes, scratch: Path, log: Log, profile_dir: Path | None
) -> list[Result]:
    application()
    paths = {
        "value": cache.corpus_project(sizes.list_docs),
        "baseline": cache.corpus_project(sizes.list_small_docs),
    }
    log(f"open project: {sizes.list_docs:,} vs {sizes.list_small_docs} documents…")
    times: dict[str, list[float]] = {"value": [], "baseline": []}
    for rep in range(1 + sizes.reps):
        for side, path in paths.items():
            elapsed = _open_project_once(path)
            if rep:
                times[side].append(elapsed)
    if profile_dir is not None:
        with profiled(profile_dir, "open_project"):
            for _ in range(3):
                _open_project_once(paths["value"])
    return [
        Result(
            "open_project",
            "open project + first paint of the list",
            "s",
            median(times["value"]),
            median(times["baseline"]),
            1.3,
            value_label=f"create_window + show, {sizes.list_docs:,} documents",
            baseline_label=f"create_window + show, {sizes.list_small_docs} documents",
            details={
                "value_runs": summary(times["value"]),
                "baseline_runs": summary(times["baseline"]),
            },
        )
    ]


# -- 4. scroll and filter the document list -----------------------------------------------
def _list_steps(window: MainWindow) -> dict[str, Callable[[], None]]:
    """Each step is an action and then every event it sets off, until none is left
    (settle): the filtered or scrolled list as the user sees it, laid out and painted as
    often as Qt paints it. (A repaint() forced right after the action painted the rows
    before the view's posted layout, and the paints after that went untimed.)"""
    widget = window.document_list
    table = widget.table
    # The 200 ms typing debounce is deliberate latency, the same on both sides: removed so
    # that the filter's own cost is what is measured.
    widget._debounce.setInterval(0)

    def scroll(to_end: bool) -> None:
        table.scrollToBottom() if to_end else table.scrollToTop()
        settle()

    def text_filter(text: str) -> None:
        widget.text_filter.setText(text)
        wait_until(lambda: not widget._debounce.isActive())
        settle()

    def status_filter(status: str) -> None:
        widget.status_filter.setCurrentIndex(widget.status_filter.findData(status))
        settle()

    return {
        "scroll_to_end": lambda: scroll(True),
        "scroll_to_top": lambda: scroll(False),
        "text_filter": lambda: text_filter(FILTER_NEEDLE),
        "text_filter_cleared": lambda: text_filter(""),
        "status_filter_unfinished": lambda: status_filter("unfinished"),
        "status_filter_cleared": lambda: status_filter("all"),
    }


def bench_list(
    cache: Cache, sizes: Sizes, scratch: Path, log: Log, profile_dir: Path | None
) -> list[Result]:
    application()
    paths = {
        "value": cache.corpus_project(sizes.list_docs),
        "baseline": cache.corpus_project(sizes.list_small_docs),
    }
    log("document list: scroll to the end and back, text filter, status filter…")
    totals: dict[str, list[float]] = {"value": [], "baseline": []}
    steps: dict[str, dict[str, list[float]]] = {"value": {}, "baseline": {}}
    matched: dict[str, int] = {}
    # Both windows open, the sides taking turns rep by rep: a slow spell of the VM (the
    # same steps took 4.5 and 7.7 ms minutes apart) hits both sides, not one.
    windows = {side: _open_window(path, LIST_ANNOTATOR) for side, path in paths.items()}
    actions_of = {side: _list_steps(window) for side, window in windows.items()}
    for rep in range(1 + sizes.reps):
        for side, actions in actions_of.items():
            total = 0.0
            for name, action in actions.items():
                began = time.perf_counter()
                action()
                elapsed = time.perf_counter() - began
                pump()
                total += elapsed
                if rep:
                    steps[side].setdefault(name, []).append(elapsed)
                if name == "text_filter":
                    matched[side] = windows[side].list_model.rowCount()
            if rep:
                totals[side].append(total)
    if profile_dir is not None:
        with profiled(profile_dir, "list_scroll_filter"):
            for action in actions_of["value"].values():
                action()
    for window in windows.values():
        dispose(window)
    return [
        Result(
            "list_scroll_filter",
            "scroll + filter the document list",
            "s",
            median(totals["value"]),
            median(totals["baseline"]),
            1.5,
            value_label=f"{sizes.list_docs:,} documents: end, top, text filter, status filter",
            baseline_label=f"{sizes.list_small_docs} documents, the same steps",
            details={
                "steps_median_s": {
                    side: {name: median(values) for name, values in per_side.items()}
                    for side, per_side in steps.items()
                },
                "text_filter_rows": matched,
                "value_runs": summary(totals["value"]),
                "baseline_runs": summary(totals["baseline"]),
            },
        )
    ]
