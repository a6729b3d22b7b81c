"""The gazetteer is built on a thread with a connection of its own: the window paints and
answers while it loads, names tagged meanwhile are not lost, closing never waits long."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.assist import gazetteer as gazetteer_module
from app.assist.gazetteer import Gazetteer
from app.ui.gazetteer_loader import GazetteerLoader
from app.ui.main_window import MainWindow
from app.ui.suggestions import SuggestionOverlay
from storage import open_project
from tests.gui.test_suggestions_view import FIRST, SECOND, open_window, path  # noqa: F401


def names(gazetteer: Gazetteer) -> set[tuple[str, str]]:
    return set(gazetteer.names().items())  # (folded name, label): these fold to themselves


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Holds the loader's query until the test opens the gate (the real query then runs)."""
    opened = threading.Event()
    real = gazetteer_module.name_counts

    def held(project, annotators=None):  # type: ignore[no-untyped-def]
        assert opened.wait(30), "the test never opened the gate"
        return real(project, annotators)

    # The loader imports it from the gazetteer module when it builds (not at start-up).
    monkeypatch.setattr(gazetteer_module, "name_counts", held)
    return opened


def waiting_window(project_path: Path, qtbot) -> tuple[MainWindow, SuggestionOverlay]:  # type: ignore[no-untyped-def]
    """A window on the first article whose gazetteer is being built (held by the gate)."""
    window = open_window(project_path, qtbot, settle=False)
    overlay = window.suggestions
    qtbot.waitUntil(lambda: bool(overlay._gazetteer_request), timeout=20_000)
    return window, overlay


def test_the_loader_builds_what_the_project_holds(path: Path, qtbot) -> None:  # noqa: F811
    loader = GazetteerLoader()
    with qtbot.waitSignal(loader.loaded, timeout=20_000) as signal:
        request = loader.start(path)
    got_request, built = signal.args
    assert got_request == request
    with open_project(path, read_only=True) as project:
        assert names(built) == names(Gazetteer.from_project(project)) == {("دير الزور", "LOCATION")}
    qtbot.waitUntil(lambda: not loader.running, timeout=5000)  # the thread ends after it


def test_a_cancelled_build_sends_nothing(path: Path, qtbot, gate: threading.Event) -> None:  # noqa: F811
    loader = GazetteerLoader()
    received: list[object] = []
    loader.loaded.connect(lambda *args: received.append(args))
    loader.start(path)
    thread = loader._thread
    assert thread is not None and loader.running
    loader.cancel(wait=False)  # while the query is held
    gate.set()
    thread.join(30)
    assert not thread.is_alive() and not loader.running
    qtbot.wait(50)  # a result queued by the thread would be delivered now
    assert received == []


def test_the_window_paints_before_the_gazetteer_arrives_and_keeps_names_tagged_meanwhile(
    path: Path,  # noqa: F811
    qtbot,
    gate: threading.Event,
) -> None:
    window, overlay = waiting_window(path, qtbot)
    assert overlay.busy and overlay.gazetteer is None
    # Tag a new name while the query is held: it is not in the snapshot being read.
    start = FIRST.index("المرصد")
    window.article_view.select_code_points(start, start + len("المرصد"))
    QTest.keyClick(window.article_view, Qt.Key.Key_1)  # ACTOR
    assert overlay.gazetteer is None  # the tag did not wait for the gazetteer
    gate.set()
    qtbot.waitUntil(lambda: not overlay.busy, timeout=20_000)
    assert overlay.gazetteer is not None
    assert names(overlay.gazetteer) == {("المرصد", "ACTOR"), ("دير الزور", "LOCATION")}
    # The name learned meanwhile is suggested where it repeats untagged ("بالمرصد").
    later = FIRST.rindex("المرصد")
    assert (later, later + len("المرصد"), "ACTOR") in [
        (s.start, s.end, s.label) for s in overlay.shown()
    ]
    window.close()


def test_closing_the_window_while_it_loads_stops_the_thread(
    path: Path,  # noqa: F811
    qtbot,
    gate: threading.Event,
) -> None:
    window, overlay = waiting_window(path, qtbot)
    loader = overlay._loader
    assert loader.running
    gate.set()
    window.close()
    assert not loader.running
    assert not overlay.busy


def test_the_second_article_reuses_the_gazetteer(path: Path, qtbot) -> None:  # noqa: F811
    window: MainWindow = open_window(path, qtbot)
    first = window.suggestions.gazetteer
    window.show_document(2)
    qtbot.waitUntil(lambda: not window.suggestions.busy, timeout=20_000)
    assert window.suggestions.gazetteer is first
    assert SECOND  # the second article holds the tagged name itself: nothing to suggest
    window.close()
