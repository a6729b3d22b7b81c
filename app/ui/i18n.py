"""The interface language: our translator, Qt's own, the layout direction, label names.

Strings are marked with ``self.tr`` (PySide6 looks the context up along the class's MRO, so
the class where the call is written, which is lupdate's context, is found) or with
``QCoreApplication.translate(CONTEXT, …)`` outside QObject subclasses. The compiled
catalogue ``tawsim_ar.qm`` is built by ``make`` (pyside6-lrelease) into resources/i18n/,
which ships in the wheel as app/resources/i18n/. Without it the interface stays English,
with a warning in the log: a missing translation must never keep the app from starting.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, QTimer, QTranslator
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication
from PySide6.QtWidgets import QMenu

from app.paths import resources_dir
from app.settings import Settings, resolve_language
from storage import Label

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

log = logging.getLogger(__name__)

CATALOGUE = "tawsim_ar.qm"
# The translators installed now; kept referenced (Qt does not own them) and removable.
_installed: list[QTranslator] = []
_language = "en"


def catalogue_path() -> Path:
    return resources_dir() / "i18n" / CATALOGUE


def system_is_arabic() -> bool:
    """Whether the system's language for messages is Arabic."""
    if sys.platform in ("win32", "darwin"):  # the system is asked: only Qt knows how
        from PySide6.QtCore import QLocale

        return QLocale.system().language() == QLocale.Language.Arabic
    # Elsewhere Qt reads the environment, as here: LC_ALL, then LC_MESSAGES, then LANG.
    # Asking QLocale would build its Python type with ~800 enum values first: ~10 ms of
    # every start-up, before the window shows.
    return _is_arabic_locale(os.environ)


def _is_arabic_locale(environment: Mapping[str, str]) -> bool:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environment.get(name, "")
        if value:  # "ar", "ar_EG", "ar_SA.UTF-8", "ar_SY@latin"
            language = value.split(".")[0].split("@")[0].split("_")[0]
            return language.lower() == "ar"
    return False


def current_language() -> str:
    """ "ar" or "en": the language the interface was last set to."""
    return _language


def install_language(app: QCoreApplication, language: str) -> str:
    """Put the interface in ``language`` ("ar", "en" or "system"); returns "ar" or "en".

    Arabic loads our catalogue and Qt's own (standard buttons such as OK and Cancel) and
    mirrors the layout right to left. Widgets built before this call keep their texts."""
    global _language
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    wanted = resolve_language(language, system_is_arabic())
    _language = "en"
    if wanted == "ar":
        ours = QTranslator(app)
        if ours.load(str(catalogue_path())):
            app.installTranslator(ours)
            _installed.append(ours)
            _language = "ar"
            from PySide6.QtCore import QLibraryInfo  # only now: its type costs ~1 ms

            qt_own = QTranslator(app)
            qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            if qt_own.load("qtbase_ar", qt_folder):
                app.installTranslator(qt_own)
                _installed.append(qt_own)
        else:
            log.warning(
                "no Arabic translation at %s (run `make` to build it): the interface stays"
                " in English",
                catalogue_path(),
            )
    if isinstance(app, QGuiApplication):
        rtl = _language == "ar"
        QGuiApplication.setLayoutDirection(
            Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
        )
    return _language


def label_name(label: Label) -> str:
    """A label's name for the interface: Arabic in the Arabic interface, else English."""
    if _language == "ar":
        return label.name_ar or label.name_en or label.id
    return label.name_en or label.name_ar or label.id


def status_name(status: str) -> str:
    """A document status ("new", "in_progress", "done", "skipped") in the interface's words."""
    names = {
        "new": QCoreApplication.translate("Status", "new"),
        "in_progress": QCoreApplication.translate("Status", "in progress"),
        "done": QCoreApplication.translate("Status", "done"),
        "skipped": QCoreApplication.translate("Status", "skipped"),
    }
    return names.get(status, status.replace("_", " "))


def switch_language(window: MainWindow, choice: str) -> MainWindow:
    """Store ``choice`` and rebuild the main window in it, on the same project, annotator
    and document (every edit is already committed, so nothing is lost). Returns the new
    window; the old one is closed, which releases the project for the new one."""
    from app.ui.main_window import MainWindow

    window.settings.set("language", choice)
    app = QCoreApplication.instance()
    assert app is not None
    install_language(app, choice)
    project = window.project
    session = window.session
    if project is None or project.path is None or session is None:
        return window
    path, annotator, settings = Path(project.path), session.annotator.name, window.settings
    document = session.document.id if session.document is not None else None
    geometry = window.saveGeometry()
    window.close()
    rebuilt = MainWindow(path, annotator, settings)
    rebuilt.restoreGeometry(geometry)
    if document is not None:
        rebuilt.show_document(document)
    _windows.append(rebuilt)  # the old window's owner (a script, a test) never saw this one
    rebuilt.show()
    return rebuilt


_windows: list[MainWindow] = []


def language_menu(window: MainWindow, parent: QMenu) -> dict[str, QAction]:
    """View → Language: Arabic, English, or the system's; the choice is stored and the
    window rebuilt in it at once."""
    menu = parent.addMenu(QCoreApplication.translate("Menus", "&Language"))
    group = QActionGroup(menu)
    group.setExclusive(True)
    chosen = window.settings.language_choice()
    actions: dict[str, QAction] = {}
    for choice, text in (
        ("ar", QCoreApplication.translate("Menus", "&Arabic")),
        ("en", QCoreApplication.translate("Menus", "&English")),
        ("system", QCoreApplication.translate("Menus", "&System language")),
    ):
        action = QAction(window)  # as app.ui.menus: no QIcon before the first paint
        action.setText(text)
        action.setCheckable(True)
        action.setChecked(choice == chosen)
        group.addAction(action)
        menu.addAction(action)
        # After the slot returns: the window that owns the action is closed by the switch.
        action.triggered.connect(
            lambda _checked=False, c=choice: QTimer.singleShot(
                0, lambda: switch_language(window, c)
            )
        )
        actions[f"language_{choice}"] = action
    return actions


def apply_setting(app: QCoreApplication, settings: Settings, override: str | None) -> str:
    """Install the language given on the command line, else the one in the settings."""
    return install_language(app, override or settings.language_choice())
