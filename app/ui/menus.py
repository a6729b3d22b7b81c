"""Menus, actions and their shortcuts (the help dialog lists them from here)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

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
        action = QAction(text, window)
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
            ("file", "&File"),
            ("edit", "&Edit"),
            ("document", "&Document"),
            ("view", "&View"),
            ("team", "&Team"),
            ("help", "&Help"),
        )
    }

    add("file", "new", "&New project…", lambda: dialogs().new_project(window), "Ctrl+N")
    add("file", "open", "&Open project…", lambda: dialogs().open_project(window), "Ctrl+O")
    recent = menus["file"].addMenu("Open &recent")
    recent.aboutToShow.connect(lambda: dialogs().fill_recent_menu(window, recent))
    menus["file"].addSeparator()
    add("file", "import", "&Import files…", lambda: dialogs().import_files(window), "Ctrl+I")
    add("file", "import_folder", "Import a &folder…", lambda: dialogs().import_folder(window))
    add("file", "export", "&Export…", lambda: dialogs().export_dialog(window), "Ctrl+E")
    add("file", "packages", "Create &work packages…", lambda: team().create_packages(window))
    add("file", "merge", "&Merge annotators' projects…", lambda: team().merge_projects(window))
    add("file", "save_copy", "Save a &copy as…", lambda: dialogs().save_copy_as(window))
    add("file", "restore_backup", "Restore a &backup…", lambda: dialogs().restore_backup(window))
    menus["file"].addSeparator()
    add("file", "quit", "&Quit", window.close, "Ctrl+Q")

    undo = window.undo_group.createUndoAction(window, "&Undo")
    undo.setShortcuts([QKeySequence("Ctrl+Z")])
    redo = window.undo_group.createRedoAction(window, "&Redo")
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    menus["edit"].addActions([undo, redo])
    actions["undo"], actions["redo"] = undo, redo
    menus["edit"].addSeparator()
    add("edit", "delete", "&Delete span", window.delete_selected_span, "Delete")
    add("edit", "attributes", "Edit span &attributes", window.edit_selected_attributes, "F2")
    add("edit", "labels", "&Labels…", lambda: dialogs().edit_labels(window), "Ctrl+L")
    proclitics = add(
        "edit",
        "proclitics",
        "Leave out &proclitics (و ف ب ل ك) from names",
        lambda: dialogs().toggle_proclitics(window),
    )
    proclitics.setCheckable(True)

    add(
        "document",
        "done_next",
        "Mark &done and go to next",
        lambda: window.mark("done"),
        "Ctrl+Return",
        "Ctrl+Enter",
    )
    add(
        "document",
        "skip",
        "&Skip and go to next",
        lambda: window.mark("skipped"),
        "Ctrl+Shift+Return",
        "Ctrl+Shift+Enter",
    )
    add(
        "document",
        "in_progress",
        "Mark &in progress",
        lambda: window.mark("in_progress", advance=False),
    )
    add("document", "next", "&Next document", lambda: window.step_document(1), "Ctrl+PgDown")
    add("document", "previous", "&Previous document", lambda: window.step_document(-1), "Ctrl+PgUp")
    add("document", "next_unfinished", "Next &unfinished", window.go_to_next_unfinished, "Ctrl+U")

    add("view", "zoom_in", "Zoom &in", lambda: dialogs().zoom(window, 1), "Ctrl++", "Ctrl+=")
    add("view", "zoom_out", "Zoom &out", lambda: dialogs().zoom(window, -1), "Ctrl+-")
    add(
        "view",
        "focus_list",
        "Go to document &list",
        lambda: window.document_list.table.setFocus(),
        "Ctrl+1",
    )
    add("view", "focus_article", "Go to &article", lambda: window.article_view.setFocus(), "Ctrl+2")
    add("view", "focus_spans", "Go to &span list", lambda: window.span_list.setFocus(), "Ctrl+3")

    add("team", "agreement", "&Agreement…", lambda: dashboard().open_dashboard(window))
    add("team", "review", "&Review and adjudicate…", lambda: review().open_for(window), "Ctrl+R")

    add("help", "shortcuts", "&Keyboard shortcuts", lambda: dialogs().show_help(window), "F1")
    add("help", "about", "&About Tawsim", lambda: dialogs().show_about(window))
    return actions
