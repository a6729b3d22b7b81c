"""Tag, retag, delete, undo, redo and mark done in the real window, until killed.

``python -m tests.crash.child_tag PROJECT ANNOTATOR SEED`` opens the main window offscreen
and drives it with QTest key presses, as an annotator would. Around every action it
prints one line to stdout, flushed:

- ``DO {delta}`` before the key press: what the action will change (see tests.crash.layer);
- ``DONE {state}`` once the window shows it done: the open document's spans as the window
  holds them, and the status of the documents the action touched.

Everything the window reports as done has been committed (each command is one storage
transaction that commits before the window updates), so the parent can kill this process
at any moment and demand that every ``DONE`` is in the project file.
"""

from __future__ import annotations

import json
import random
import re
import sys
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.core.labels import label_keys
from app.ui import create_window
from app.ui.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
NO_MODIFIER = Qt.KeyboardModifier.NoModifier
# Whitespace-separated words, without the punctuation around them.
WORD = re.compile(r"[^\s،؛؟.,:«»\"()]+")
MAX_ACTIONS = 5000  # a child the parent forgot to kill still ends


def say(kind: str, payload: dict[str, Any]) -> None:
    print(f"{kind} {json.dumps(payload, ensure_ascii=False)}", flush=True)


@dataclass
class Step:
    """One entry of the window's undo stack, as this script expects it to behave."""

    forward: dict[str, Any]
    backward: dict[str, Any]


class Annotator:
    def __init__(self, window: MainWindow, seed: int) -> None:
        self.window = window
        self.view = window.article_view
        assert window.session is not None
        self.session = window.session
        self.rng = random.Random(seed)
        self.keys = {
            label.id: next(k for k in label_keys(label) if k.isdigit())
            for label in self.session.labels
        }
        self.history: list[Step] = []  # mirrors the undo stack
        self.index = 0  # the undo stack's index

    # -- state ----------------------------------------------------------------------------
    def document_id(self) -> int:
        assert self.session.document is not None
        return self.session.document.id

    def status(self, document_id: int) -> str:
        return self.session.project.status.get(document_id, self.session.annotator.id)

    def state(self, *touched: int) -> dict[str, Any]:
        document_id = self.document_id()
        spans = [[s.uuid, s.start, s.end, s.label] for s in self.session.spans]
        statuses = {str(d): self.status(d) for d in {document_id, *touched}}
        return {"doc": document_id, "spans": spans, "status": statuses}

    def press(self, key: Qt.Key, modifiers: Qt.KeyboardModifier = NO_MODIFIER) -> None:
        QTest.keyClick(self.view, key, modifiers)

    # -- actions --------------------------------------------------------------------------
    def act(self) -> None:
        roll = self.rng.random()
        if roll < 0.45:
            self.tag()
        elif roll < 0.57:
            self.retag()
        elif roll < 0.67:
            self.delete()
        elif roll < 0.8:
            self.undo()
        elif roll < 0.88:
            self.redo()
        elif roll < 0.93:
            self.mark_done()
        else:
            self.next_document()

    def _record(self, step: Step) -> None:
        del self.history[self.index :]
        self.history.append(step)
        self.index += 1

    def tag(self) -> None:
        assert self.session.document is not None
        text = self.session.document.text
        words = [(m.start(), m.end()) for m in WORD.finditer(text)]
        for _ in range(10):
            first = self.rng.randrange(len(words))
            last = min(len(words) - 1, first + self.rng.randrange(3))
            selected = (words[first][0], words[last][1])
            label = self.rng.choice(list(self.keys))
            exact = self.rng.random() < 0.5  # Alt+key: no snapping
            start, end = selected if exact else self.session.snapped(*selected, label)
            if start < end and self.session.duplicate_of(start, end, label) is None:
                break
        else:
            return
        document_id = self.document_id()
        say("DO", {"op": "add", "doc": document_id, "start": start, "end": end, "label": label})
        self.view.select_code_points(*selected)
        self.press(Qt.Key(Qt.Key.Key_0 + int(self.keys[label])), ALT if exact else NO_MODIFIER)
        span = self.session.span(self.session.selected_uuid)
        assert span is not None and (span.start, span.end, span.label) == (start, end, label)
        made = {"doc": document_id, "uuid": span.uuid, "start": start, "end": end, "label": label}
        self._record(Step({"op": "restore", **made}, {"op": "remove", **made}))
        say("DONE", self.state())

    def _select_some_span(self) -> bool:
        if not self.session.spans:
            return False
        for _ in range(self.rng.randint(1, 4)):
            self.press(Qt.Key.Key_Tab)
        return bool(self.session.selected_uuid)

    def retag(self) -> None:
        if not self._select_some_span():
            return
        span = self.session.span(self.session.selected_uuid)
        assert span is not None
        label = self.rng.choice([k for k in self.keys if k != span.label])
        where = {"doc": span.document_id, "uuid": span.uuid}
        say("DO", {"op": "relabel", **where, "label": label})
        self.press(Qt.Key(Qt.Key.Key_0 + int(self.keys[label])))
        after = self.session.span(span.uuid)
        assert after is not None and after.label == label
        self._record(
            Step(
                {"op": "relabel", **where, "label": label},
                {"op": "relabel", **where, "label": span.label},
            )
        )
        say("DONE", self.state())

    def delete(self) -> None:
        if not self._select_some_span():
            return
        span = self.session.span(self.session.selected_uuid)
        assert span is not None
        made = {
            "doc": span.document_id,
            "uuid": span.uuid,
            "start": span.start,
            "end": span.end,
            "label": span.label,
        }
        say("DO", {"op": "remove", **made})
        self.press(Qt.Key.Key_Delete)
        assert self.session.span(span.uuid) is None
        self._record(Step({"op": "remove", **made}, {"op": "restore", **made}))
        say("DONE", self.state())

    def undo(self) -> None:
        if self.index == 0:
            return
        step = self.history[self.index - 1]
        delta = self._refreshed(step, step.backward)
        say("DO", delta)
        self.press(Qt.Key.Key_Z, CTRL)
        self.index -= 1
        assert self.session.undo_stack.index() == self.index
        say("DONE", self.state(delta["doc"]))

    def redo(self) -> None:
        if self.index == len(self.history):
            return
        step = self.history[self.index]
        delta = self._refreshed(step, step.forward)
        say("DO", delta)
        self.press(Qt.Key.Key_Z, CTRL | SHIFT)
        self.index += 1
        assert self.session.undo_stack.index() == self.index
        say("DONE", self.state(delta["doc"]))

    def _refreshed(self, step: Step, delta: dict[str, Any]) -> dict[str, Any]:
        """A status change undoes to the status the document had when it was (re)done."""
        if delta["op"] == "status" and delta is step.forward:
            step.backward = {**step.backward, "status": self.status(delta["doc"])}
        return delta

    def mark_done(self) -> None:
        document_id = self.document_id()
        before = self.status(document_id)
        forward = {"op": "status", "doc": document_id, "status": "done"}
        say("DO", forward)
        self.press(Qt.Key.Key_Return, CTRL)
        assert self.status(document_id) == "done"
        self._record(Step(forward, {**forward, "status": before}))
        say("DONE", self.state(document_id))

    def next_document(self) -> None:
        say("DO", {"op": "none", "doc": self.document_id()})
        self.press(Qt.Key.Key_PageDown, CTRL)
        say("DONE", self.state())


def main(project: str, annotator: str, seed: int) -> int:
    window = create_window(project, annotator)
    window.resize(1000, 700)
    window.show()
    window.activateWindow()
    QApplication.processEvents()
    robot = Annotator(window, seed)
    say("READY", robot.state())
    for _ in range(MAX_ACTIONS):
        robot.act()
        QApplication.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
