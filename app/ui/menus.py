"""Menus, actions and their shortcuts (the help dialog lists them from here)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QKeySequence

from app.ui.i18n import language_menu

if TYPE_CHECKING:
    from types import ModuleType

    from app.ui.main_window import MainWindow


def dialogs() -> ModuleType:
    """app.ui.dialogs, imported when a menu first opens one: the dialogs and the Qt classes
    they use are not needed to show the window, and each Qt class costs start-up time."""
    from app.ui import dialogs as module

    return module


def dashboard() -> ModuleType:
    """app.ui.agreement_dashboard, imported when Team → Agreement… first opens it."""
    from app.ui import agreement_dashboard as module

    return module


def review() -> ModuleType:
    """app.ui.review, imported when Team → Review and adjudicate… first opens it."""
    from app.ui import review as module

    return module


def team() -> ModuleType:
    """app.ui.team_dialogs, imported when File → Create work packages… or Merge… opens."""
    from app.ui import team_dialogs as module

    return module


def build_menus(window: MainWindow) -> dict[str, QAction]:
    actions: dict[str, QAction] = {}

    def add(
        menu_name: str, name: str, text: str, slot: Callable[[], object], *keys: str
    ) -> QAction:
        action = QAction(window)  # not QAction(text, …): its overloads take PySide
        action.setText(text)  # through QIcon's hundred-name enum (~2 ms of start-up)
        if keys:
            action.setShortcuts([QKeySequence(k) for k in keys])
        action.triggered.connect(lambda _checked=False: slot())
        menus[menu_name].addAction(action)
        actions[name] = action
        return action

    bar = window.menuBar()
    menus = {
        name: bar.addMenu(title)
        for name, title in (
            ("file", QCoreApplication.translate("Menus", "&File")),
            ("edit", QCoreApplication.translate("Menus", "&Edit")),
            ("document", QCoreApplication.translate("Menus", "&Document")),
            ("view", QCoreApplication.translate("Menus", "&View")),
            ("team", QCoreApplication.translate("Menus", "&Team")),
            ("suggestions", QCoreApplication.translate("Menus", "S&uggestions")),
            ("help", QCoreApplication.translate("Menus", "&Help")),
        )
    }

    new = QCoreApplication.translate("Menus", "&New project…")
    add("file", "new", new, lambda: dialogs().new_project(window), "Ctrl+N")
    open_ = QCoreApplication.translate("Menus", "&Open project…")
    add("file", "open", open_, lambda: dialogs().open_project(window), "Ctrl+O")
    recent = menus["file"].addMenu(QCoreApplication.translate("Menus", "Open &recent"))
    recent.aboutToShow.connect(lambda: dialogs().fill_recent_menu(window, recent))
    menus["file"].addSeparator()
    text = QCoreApplication.translate("Menus", "&Import files…")
    add("file", "import", text, lambda: dialogs().import_files(window), "Ctrl+I")
    text = QCoreApplication.translate("Menus", "Import a &folder…")
    add("file", "import_folder", text, lambda: dialogs().import_folder(window))
    text = QCoreApplication.translate("Menus", "&Export…")
    add("file", "export", text, lambda: dialogs().export_dialog(window), "Ctrl+E")
    text = QCoreApplication.translate("Menus", "Create &work packages…")
    add("file", "packages", text, lambda: team().create_packages(window))
    text = QCoreApplication.translate("Menus", "&Merge annotators' projects…")
    add("file", "merge", text, lambda: team().merge_projects(window))
    text = QCoreApplication.translate("Menus", "Save a &copy as…")
    add("file", "save_copy", text, lambda: dialogs().save_copy_as(window))
    text = QCoreApplication.translate("Menus", "Restore a &backup…")
    add("file", "restore_backup", text, lambda: dialogs().restore_backup(window))
    menus["file"].addSeparator()
    add("file", "quit", QCoreApplication.translate("Menus", "&Quit"), window.close, "Ctrl+Q")

    undo = window.undo_group.createUndoAction(window, QCoreApplication.translate("Menus", "&Undo"))
    undo.setShortcuts([QKeySequence("Ctrl+Z")])
    redo = window.undo_group.createRedoAction(window, QCoreApplication.translate("Menus", "&Redo"))
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    menus["edit"].addActions([undo, redo])
    actions["undo"], actions["redo"] = undo, redo
    menus["edit"].addSeparator()
    text = QCoreApplication.translate("Menus", "&Delete span")
    add("edit", "delete", text, window.delete_selected_span, "Delete")
    text = QCoreApplication.translate("Menus", "Edit span &attributes")
    add("edit", "attributes", text, window.edit_selected_attributes, "F2")
    text = QCoreApplication.translate("Menus", "&Labels…")
    add("edit", "labels", text, lambda: dialogs().edit_labels(window), "Ctrl+L")
    menus["edit"].addSeparator()
    add(
        "edit",
        "find",
        QCoreApplication.translate("Menus", "&Find in article…"),
        window.find_bar.open_bar,
        "Ctrl+F",
    )
    add(
        "edit",
        "find_next",
        QCoreApplication.translate("Menus", "Find &next"),
        lambda: window.find_bar.step(1),
        "F3",
    )
    add(
        "edit",
        "find_previous",
        QCoreApplication.translate("Menus", "Find pre&vious"),
        lambda: window.find_bar.step(-1),
        "Shift+F3",
    )
    add(
        "edit",
        "search_corpus",
        QCoreApplication.translate("Menus", "&Search corpus…"),
        window.search_corpus,
        "Ctrl+Shift+F",
    )
    add(
        "edit",
        "annotate_all",
        QCoreApplication.translate("Menus", "Annotate all &occurrences…"),
        window.annotate_all,
        "Ctrl+Shift+A",
    )
    window.article_view.context_actions.append(actions["annotate_all"])
    menus["edit"].addSeparator()
    proclitics = add(
        "edit",
        "proclitics",
        QCoreApplication.translate("Menus", "Leave out &proclitics (و ف ب ل ك) from names"),
        lambda: dialogs().toggle_proclitics(window),
    )
    proclitics.setCheckable(True)

    add(
        "document",
        "done_next",
        QCoreApplication.translate("Menus", "Mark &done and go to next"),
        lambda: window.mark("done"),
        "Ctrl+Return",
        "Ctrl+Enter",
    )
    add(
        "document",
        "skip",
        QCoreApplication.translate("Menus", "&Skip and go to next"),
        lambda: window.mark("skipped"),
        "Ctrl+Shift+Return",
        "Ctrl+Shift+Enter",
    )
    add(
        "document",
        "in_progress",
        QCoreApplication.translate("Menus", "Mark &in progress"),
        lambda: window.mark("in_progress", advance=False),
    )
    text = QCoreApplication.translate("Menus", "&Next document")
    add("document", "next", text, lambda: window.step_document(1), "Ctrl+PgDown")
    text = QCoreApplication.translate("Menus", "&Previous document")
    add("document", "previous", text, lambda: window.step_document(-1), "Ctrl+PgUp")
    text = QCoreApplication.translate("Menus", "Next &unfinished")
    add("document", "next_unfinished", text, window.go_to_next_unfinished, "Ctrl+U")

    text = QCoreApplication.translate("Menus", "Zoom &in")
    add("view", "zoom_in", text, lambda: dialogs().zoom(window, 1), "Ctrl++", "Ctrl+=")
    text = QCoreApplication.translate("Menus", "Zoom &out")
    add("view", "zoom_out", text, lambda: dialogs().zoom(window, -1), "Ctrl+-")
    add(
        "view",
        "focus_list",
        QCoreApplication.translate("Menus", "Go to document &list"),
        lambda: window.document_list.table.setFocus(),
        "Ctrl+1",
    )
    text = QCoreApplication.translate("Menus", "Go to &article")
    add("view", "focus_article", text, lambda: window.article_view.setFocus(), "Ctrl+2")
    text = QCoreApplication.translate("Menus", "Go to &span list")
    add("view", "focus_spans", text, lambda: window.span_list.setFocus(), "Ctrl+3")
    menus["view"].addSeparator()
    actions.update(language_menu(window, menus["view"]))

    text = QCoreApplication.translate("Menus", "&Agreement…")
    add("team", "agreement", text, lambda: dashboard().open_dashboard(window))
    text = QCoreApplication.translate("Menus", "&Review and adjudicate…")
    add("team", "review", text, lambda: review().open_for(window), "Ctrl+R")

    # Suggestions (app.ui.suggestions): the keys work while the article has the focus.
    sug = "suggestions"
    text = QCoreApplication.translate("Menus", "&Show suggestions")
    add(sug, "show_suggestions", text, lambda: window.suggestions.toggle())
    text = QCoreApplication.translate("Menus", "&Accept suggestion")
    add(sug, "accept_suggestion", text, lambda: window.suggestions.accept(), "Return", "Enter")
    text = QCoreApplication.translate("Menus", "&Reject suggestion")
    add(sug, "reject_suggestion", text, lambda: window.suggestions.reject(), "Shift+Delete")
    text = QCoreApplication.translate("Menus", "&Next suggestion")
    add(sug, "next_suggestion", text, lambda: window.suggestions.step(1), "F9")
    text = QCoreApplication.translate("Menus", "&Previous suggestion")
    add(sug, "previous_suggestion", text, lambda: window.suggestions.step(-1), "Shift+F9")
    text = QCoreApplication.translate("Menus", "Accept a&ll in this document")
    add(sug, "accept_all_suggestions", text, lambda: window.suggestions.accept_all(), "Ctrl+F9")

    text = QCoreApplication.translate("Menus", "&Keyboard shortcuts")
    add("help", "shortcuts", text, lambda: dialogs().show_help(window), "F1")
    text = QCoreApplication.translate("Menus", "&About Tawsim")
    add("help", "about", text, lambda: dialogs().show_about(window))
    return actions
