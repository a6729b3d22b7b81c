"""Suggestions in the article view: computed when a document opens, painted with a dashed
underline in the label's colour, never annotations until accepted.

The open document's suggestions (app.assist.suggest: casualty counts, dates and the
project's gazetteer, merged so that they never overlap) are kept here, with the
annotator's rejections. Which are *shown* is decided when asked: a suggestion is hidden
while a span of the annotator overlaps it or while it is rejected, so accepting (a normal
span, through TagSpan), undoing that, rejecting and un-rejecting need no bookkeeping here
beyond the rejected set; the article view repaints only the characters that changed.

Long articles are computed a few paragraphs at a time between events, those on screen
first (the casualty recognizer reads ~130,000 characters a second, so a 200,000-character
article takes over a second): the article and its spans paint at once, tagging goes on,
and the dashed lines fill in. A worker thread would hold the interpreter lock against the
painting (opening took 4-10 times longer); slices of a few milliseconds do not.
The gazetteer is built once per project from every layer and grows as the annotator tags
ACTOR and LOCATION spans: a new name is looked for at once in the open document.
"""

from __future__ import annotations

import re
import time
from bisect import bisect_right
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QTextCursor, QUndoCommand
from PySide6.QtWidgets import QMenu

from app.settings import SHOW_SUGGESTIONS
from app.ui.commands import TagSpan
from app.ui.gazetteer_loader import GazetteerLoader
from app.ui.highlights import no_suggestions
from app.ui.i18n import label_name
from app.ui.messages import data
from storage import Span
from storage.suggestion_rejections import SuggestionRejectionStore

if TYPE_CHECKING:
    from app.assist.gazetteer import Gazetteer, PreparedText
    from app.assist.suggest import Key
    from app.assist.suggestion import Suggestion
    from app.ui.main_window import MainWindow
    from app.ui.session import AnnotationSession

# Up to this many characters suggestions are computed at once (a few tens of ms); longer
# articles piece by piece, at most SLICE_SECONDS between two events.
COMPUTE_AT_ONCE = 8_000
PIECE = 1_000  # characters (about 8 ms of work), cut after a line or sentence end
SLICE_SECONDS = 0.006
# Menu actions whose shortcuts work only while the article view has the focus: Return
# must keep working in the find bar and in dialogs.
VIEW_ACTIONS = ("accept_suggestion", "reject_suggestion", "next_suggestion", "previous_suggestion")
# The keys the Suggestions menu gives them (app.ui.menus), named in the tooltip.
ACCEPT_KEY, REJECT_KEY = "Enter", "Shift+Delete"


class SuggestionOverlay(QObject):
    changed = Signal()  # the open document's suggestions were (re)computed

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.view = window.article_view
        self.enabled = window.settings.get(SHOW_SUGGESTIONS, True) is not False
        self.session: AnnotationSession | None = None
        self.gazetteer: Gazetteer | None = None
        self.found: list[Suggestion] = []  # the open document's, sorted, never overlapping
        self._starts: list[int] = []
        self.rejected: set[Key] = set()
        self.document_id: int | None = None
        self.last_seconds = 0.0  # how long the open document's suggestions took
        self._generation = 0
        # The open article folded and cut into words (generation, text): a name just tagged
        # is looked for in it at once, without folding 200,000 characters again per tag.
        self._prepared: tuple[int, PreparedText] | None = None
        self._pending: list[tuple[int, int]] = []  # pieces still to compute, next one last
        self._scheduled = False  # a computation waits for the article to be painted
        self._began = 0.0
        # The gazetteer is built on a thread (app.ui.gazetteer_loader); names tagged
        # meanwhile are added when it arrives.
        self._loader = GazetteerLoader(self)
        self._loader.loaded.connect(self._on_gazetteer)
        self._gazetteer_request = 0  # the build awaited, 0 for none
        self._tagged_meanwhile: list[tuple[str, str]] = []
        self.view.textShown.connect(self.document_shown)
        self.view.context_menu_hooks.append(self._add_menu_actions)
        self.view.hover_text = self.tooltip_at

    # -- wiring -----------------------------------------------------------------------------
    def attach(self, session: AnnotationSession) -> None:
        """A project was opened: its gazetteer is built when first needed."""
        self._loader.cancel()
        self.session = session
        self.gazetteer = None
        self._gazetteer_request = 0
        self._tagged_meanwhile = []
        self.found, self._starts, self.rejected = [], [], set()
        self.document_id = None
        session.spanRowsChanged.connect(self._on_rows_changed)

    def bind_actions(self, actions: dict[str, QAction]) -> None:
        """Give the view the keys of the Suggestions menu (see VIEW_ACTIONS)."""
        for name in VIEW_ACTIONS:
            action = actions.get(name)
            if action is not None:
                action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
                self.view.addAction(action)
        toggle = actions.get("show_suggestions")
        if toggle is not None:
            toggle.setCheckable(True)
            toggle.setChecked(self.enabled)

    # -- computing --------------------------------------------------------------------------
    def document_shown(self) -> None:
        """The view shows another article (or the same one again): compute its suggestions."""
        session = self.session
        self._generation += 1
        self.found, self._starts = [], []
        self.view.painter.suggestions = self.shown_between if self.enabled else no_suggestions
        if session is None or session.document is None:
            self.document_id = None
            return
        document = session.document
        self.document_id = document.id
        store = SuggestionRejectionStore(session.project)
        self.rejected = store.keys(document.id, session.annotator.id)
        if not self.enabled:
            return
        # After the article is painted: the window (and the keys) never wait for them.
        generation = self._generation
        self._scheduled = True
        self.view.after_next_paint(lambda: self._compute(generation))

    @property
    def busy(self) -> bool:
        """The open article's suggestions are still being computed."""
        return self._scheduled or bool(self._pending) or bool(self._gazetteer_request)

    def _compute(self, generation: int) -> None:
        self._scheduled = False
        session = self.session
        if generation != self._generation or session is None or session.document is None:
            return  # another article is open by now
        if self.gazetteer is None:
            path = session.project.path
            if path is not None:  # built on a thread: _on_gazetteer comes back here
                if not self._gazetteer_request:
                    self._gazetteer_request = self._loader.start(path)
                return
            from app.assist.gazetteer import Gazetteer  # after the first paint, as below

            self.gazetteer = Gazetteer.from_project(session.project)
        gazetteer = self.gazetteer
        # Loaded here, after the first paint: its recognizers' tables take ~20 ms to build.
        from app.assist.suggest import suggest_document

        text, published = session.document.text, session.document.published
        self._began = time.perf_counter()
        if len(text) <= COMPUTE_AT_ONCE:
            self._pending = []
            self._show(generation, suggest_document(text, published, gazetteer))
            self.last_seconds = time.perf_counter() - self._began
            return
        self._pending = _on_screen_first(_pieces(text), self.view.visible_code_points())
        QTimer.singleShot(0, self, lambda: self._compute_slice(generation))

    def _on_gazetteer(self, request: int, gazetteer: Gazetteer) -> None:
        if request != self._gazetteer_request:
            return  # asked for by a project no longer open
        self._gazetteer_request = 0
        for text, label in self._tagged_meanwhile:
            gazetteer.add(text, label)
        self._tagged_meanwhile = []
        self.gazetteer = gazetteer
        if self.enabled and self.session is not None and self.session.document is not None:
            self._compute(self._generation)

    def _compute_slice(self, generation: int) -> None:
        """Compute pieces of the open article for a few milliseconds, paint what they
        found, and come back after the events that arrived meanwhile."""
        session = self.session
        if generation != self._generation or session is None or session.document is None:
            return  # another article is open by now
        from app.assist.suggest import merge_into, suggest_document

        text, published = session.document.text, session.document.published
        deadline = time.perf_counter() + SLICE_SECONDS
        found: list[Suggestion] = []
        while self._pending and time.perf_counter() < deadline:
            start, end = self._pending.pop()
            for s in suggest_document(text[start:end], published, self.gazetteer):
                found.append(replace(s, start=s.start + start, end=s.end + start))
        if found:
            self.found = merge_into(self.found, found)
            self._starts = [s.start for s in self.found]
            for suggestion in found:
                self.view.repaint_range(suggestion.start, suggestion.end)
        if self._pending:
            QTimer.singleShot(0, self, lambda: self._compute_slice(generation))
        else:
            self.last_seconds = time.perf_counter() - self._began
            self.changed.emit()

    def _show(self, generation: int, found: list[Suggestion]) -> None:
        if generation != self._generation:
            return  # computed for a document no longer open
        self.found = found
        self._starts = [s.start for s in found]
        if found:
            self.view.repaint_range(found[0].start, found[-1].end)
        self.changed.emit()

    def _on_rows_changed(self, old_row: int, new_row: int) -> None:
        """A span was added: a new ACTOR/LOCATION name joins the gazetteer and is looked
        for in the open document right after the tag is painted (not inside the keystroke
        the tag budget measures: DESIGN §8)."""
        session = self.session
        if session is None or old_row != -1 or new_row < 0:
            return
        if self.gazetteer is None and not self._gazetteer_request:
            return  # none yet, none coming (suggestions off): no gazetteer to load in a key
        from app.assist.gazetteer import LABELS as NAME_LABELS  # loaded by now (_compute)

        span = session.spans[new_row]
        if span.label not in NAME_LABELS:
            return
        if self.gazetteer is None:  # being built: not in the snapshot being read
            self._tagged_meanwhile.append((span.text, span.label))
            return
        known = len(self.gazetteer)
        self.gazetteer.add(span.text, span.label)
        if len(self.gazetteer) == known or session.document is None or not self.enabled:
            return
        generation, name = self._generation, (span.text, span.label)
        QTimer.singleShot(0, self, lambda: self._look_for(generation, name))

    def _look_for(self, generation: int, name: tuple[str, str]) -> None:
        session = self.session
        if generation != self._generation or session is None or session.document is None:
            return  # another article is open by now
        from app.assist.gazetteer import build_gazetteer, find_names, prepare
        from app.assist.suggest import merge_into

        text = session.document.text
        if self._prepared is None or self._prepared[0] != generation:
            self._prepared = (generation, prepare(text))
        hits = find_names(text, build_gazetteer([name]), self._prepared[1])
        if hits:
            self.found = merge_into(self.found, hits)
            self._starts = [s.start for s in self.found]
            for hit in hits:
                self.view.repaint_range(hit.start, hit.end)

    # -- what is shown ----------------------------------------------------------------------
    def is_shown(self, suggestion: Suggestion) -> bool:
        session = self.session
        if session is None or (suggestion.start, suggestion.end, suggestion.label) in self.rejected:
            return False
        return not session.overlapping(suggestion.start, suggestion.end)

    def shown_between(self, start: int, end: int) -> list[Suggestion]:
        """The shown suggestions overlapping [start, end): what the painter asks for."""
        row = max(0, bisect_right(self._starts, start) - 1)
        result = []
        while row < len(self.found) and self.found[row].start < end:
            suggestion = self.found[row]
            if suggestion.end > start and self.is_shown(suggestion):
                result.append(suggestion)
            row += 1
        return result

    def shown(self) -> list[Suggestion]:
        return [s for s in self.found if self.is_shown(s)] if self.enabled else []

    def current(self) -> Suggestion | None:
        """The shown suggestion under the selection, or at the caret (or just before it)."""
        if not self.enabled:
            return None
        selection = self.view.selection_code_points()
        if selection is not None:
            hits = self.shown_between(*selection)
            return hits[0] if hits else None
        offsets = self.view.painter.offsets
        caret = offsets.to_code_point(min(self.view.textCursor().position(), offsets.length_utf16))
        near = self.shown_between(max(0, caret - 1), caret + 1)
        inside = [s for s in near if s.start <= caret < s.end]
        return (inside or near or [None])[0]

    def at(self, cp: int) -> Suggestion | None:
        """The shown suggestion covering code point ``cp`` (or the one just before it, as
        for spans: the mouse may sit on a character's trailing edge)."""
        if not self.enabled:
            return None
        near = self.shown_between(max(0, cp - 1), cp + 1)
        inside = [s for s in near if s.start <= cp < s.end]
        before = [s for s in near if s.start <= cp - 1 < s.end]
        return (inside or before or [None])[0]

    # -- by the mouse -----------------------------------------------------------------------
    def tooltip_at(self, cp: int) -> str:
        """Plain text for the suggestion under the mouse: label, source, value, keys."""
        suggestion = self.at(cp)
        if suggestion is None:
            return ""
        lines = [
            self.tr("Suggestion: {label} (from {source})").format(
                label=self._label_name(suggestion.label), source=self._source_name(suggestion)
            )
        ]
        value = suggestion.attrs.get("value")
        if value is not None:
            low, high = suggestion.attrs.get("low"), suggestion.attrs.get("high")
            if low is not None and high is not None and low != high:
                lines.append(
                    self.tr("Value: {value} (from {low} to {high})").format(
                        value=data(value), low=data(low), high=data(high)
                    )
                )
            else:
                lines.append(self.tr("Value: {value}").format(value=data(value)))
        lines.append(
            self.tr("{accept} accepts · {reject} rejects").format(
                accept=data(ACCEPT_KEY), reject=data(REJECT_KEY)
            )
        )
        return "\n".join(lines)

    def _label_name(self, label_id: str) -> str:
        labels = self.session.labels if self.session is not None else []
        label = next((label for label in labels if label.id == label_id), None)
        return label_name(label) if label is not None else label_id

    def _source_name(self, suggestion: Suggestion) -> str:
        names = {
            "gazetteer": self.tr("the project's names"),
            "casualties": self.tr("the casualty-count rules"),
            "dates": self.tr("the date rules"),
        }
        return names.get(suggestion.source, suggestion.source)

    def _add_menu_actions(self, menu: QMenu, cp: int) -> None:
        """Accept / Reject at the top of the right-click menu when it opens on a suggestion:
        they act on the suggestion under the mouse, wherever the caret is."""
        suggestion = self.at(cp)
        if suggestion is None:
            return
        first = menu.actions()[0] if menu.actions() else None
        accept = QAction(self.tr("Accept suggestion"), menu)
        accept.triggered.connect(lambda _checked=False: self.accept_suggestion(suggestion))
        reject = QAction(self.tr("Reject suggestion"), menu)
        reject.triggered.connect(lambda _checked=False: self.reject_suggestion(suggestion))
        for action, key in ((accept, ACCEPT_KEY), (reject, REJECT_KEY)):
            # Shown beside the text only: the menu's own keys must not fire it.
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        menu.insertActions(first, [accept, reject])  # type: ignore[arg-type]
        menu.insertSeparator(first) if first is not None else None

    # -- actions ----------------------------------------------------------------------------
    def toggle(self) -> None:
        """Suggestions → Show suggestions: follows the (checkable) action's state."""
        action = self.window.actions_by_name.get("show_suggestions")
        self.set_enabled(action.isChecked() if action is not None else not self.enabled)

    def set_enabled(self, enabled: bool) -> None:
        self.enabled = enabled
        self.window.settings.set(SHOW_SUGGESTIONS, enabled)
        self.document_shown()  # computes (or drops) the open document's suggestions
        if not enabled:
            self.view.repaint_range(0, self.view.painter.offsets.length)

    def accept(self) -> None:
        suggestion = self._current_or_say()
        if suggestion is not None:
            self.accept_suggestion(suggestion)

    def accept_suggestion(self, suggestion: Suggestion) -> None:
        session = self.session
        if session is None:
            return
        command = TagSpan(session, self._span(suggestion))
        command.setText(self.tr("Accept suggestion"))
        if self.window.read_only.push(command):
            self.view.clear_selection()

    def reject(self) -> None:
        suggestion = self._current_or_say()
        if suggestion is not None:
            self.reject_suggestion(suggestion)

    def reject_suggestion(self, suggestion: Suggestion) -> None:
        if self.session is None or self.document_id is None:
            return
        self.window.read_only.push(RejectSuggestion(self, self.document_id, suggestion))

    def accept_all(self) -> None:
        session = self.session
        shown = self.shown()
        if session is None or session.document is None or not shown:
            self._say(self.tr("No suggestions to accept in this document."))
            return
        text = self.tr("Accept {count} suggestions").format(count=len(shown))
        tags = [TagSpan(session, self._span(suggestion)) for suggestion in shown]
        self.window.read_only.push(AcceptAll(session, text, tags))

    def step(self, step: int) -> None:
        """Select the next (+1) or previous (-1) shown suggestion, wrapping around."""
        shown = self.shown()
        if not shown:
            self._say(self.tr("No suggestions in this document."))
            return
        offsets = self.view.painter.offsets
        cursor = self.view.textCursor()
        here = offsets.to_code_point(min(cursor.selectionStart(), offsets.length_utf16))
        if step > 0:
            target = next((s for s in shown if s.start > here), shown[0])
        else:
            target = next((s for s in reversed(shown) if s.start < here), shown[-1])
        caret = QTextCursor(self.view.document())
        caret.setPosition(offsets.to_utf16(target.start))
        self.view.painter.format_block(caret.block())  # before the view lays it out
        self.view.select_code_points(target.start, target.end)
        self.view.ensureCursorVisible()

    def _span(self, suggestion: Suggestion) -> Span:
        assert self.session is not None
        span = self.session.new_span(suggestion.start, suggestion.end, suggestion.label)
        return replace(span, attrs=dict(suggestion.attrs))

    def _current_or_say(self) -> Suggestion | None:
        suggestion = self.current()
        if suggestion is None:
            self._say(self.tr("No suggestion at the caret: F9 goes to the next one."))
        return suggestion

    def _say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 5000)

    def close(self) -> None:
        self._generation += 1  # pieces still pending are dropped
        self._pending = []
        self._scheduled = False
        self._loader.cancel()
        self._gazetteer_request = 0


class AcceptAll(QUndoCommand):
    """Accepting every suggestion of a document: one undo step, one transaction."""

    def __init__(self, session: AnnotationSession, text: str, tags: list[TagSpan]) -> None:
        super().__init__(text)
        self.session = session
        self.tags = tags

    def redo(self) -> None:
        with self.session.project.transaction():
            for tag in self.tags:
                tag.redo()

    def undo(self) -> None:
        with self.session.project.transaction():
            for tag in reversed(self.tags):
                tag.undo()


class RejectSuggestion(QUndoCommand):
    """Rejecting a suggestion, stored so it does not come back; undo takes it back."""

    def __init__(self, overlay: SuggestionOverlay, document_id: int, suggestion: Suggestion):
        super().__init__(QCoreApplication.translate("SuggestionOverlay", "Reject suggestion"))
        self.overlay = overlay
        self.document_id = document_id
        self.suggestion = suggestion

    def redo(self) -> None:
        self._store(reject=True)

    def undo(self) -> None:
        self._store(reject=False)

    def _store(self, *, reject: bool) -> None:
        overlay, s = self.overlay, self.suggestion
        session = overlay.session
        assert session is not None
        session.open_document(self.document_id)  # shows the document the step was made in
        store = SuggestionRejectionStore(session.project)
        key = (self.document_id, session.annotator.id, s.start, s.end, s.label)
        by = session.annotator.name
        if reject:
            store.add(*key, by=by)
            overlay.rejected.add((s.start, s.end, s.label))
        else:
            store.remove(*key, by=by)
            overlay.rejected.discard((s.start, s.end, s.label))
        overlay.view.repaint_range(s.start, s.end)


# A line end, or sentence punctuation followed by a space (not the point of "3.5").
_PIECE_END = re.compile(r"\n|[.!?؟]\s+")


def _pieces(text: str) -> list[tuple[int, int]]:
    """[start, end) pieces of about PIECE characters covering ``text``, each cut after a
    line or sentence end where there is one (a suggestion never crosses those), else
    after a space."""
    pieces: list[tuple[int, int]] = []
    start = 0
    while start < len(text):
        end = min(start + PIECE, len(text))
        if end < len(text):
            window = text[start:end]
            cuts = [m.end() for m in _PIECE_END.finditer(window)]
            cut = cuts[-1] if cuts else window.rfind(" ") + 1
            if cut > 0:
                end = start + cut
        pieces.append((start, end))
        start = end
    return pieces


def _on_screen_first(
    pieces: list[tuple[int, int]], screen: tuple[int, int]
) -> list[tuple[int, int]]:
    """The pieces in the order to compute them, reversed for pop(): those overlapping the
    visible characters first, then the rest in reading order."""
    first, last = screen
    visible = [p for p in pieces if p[0] < last and p[1] > first]
    rest = [p for p in pieces if not (p[0] < last and p[1] > first)]
    return [*visible, *rest][::-1]
