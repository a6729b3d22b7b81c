"""The interface in Arabic (issue 5): no English left in what the user sees, a mirrored
layout, and a language switch from the View menu that rebuilds the window in place."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QTabWidget,
    QWidget,
)

from app.core.setup import init_project
from app.settings import Settings
from app.ui import i18n
from app.ui.main_window import MainWindow
from storage import Span
from tests.gui.conftest import ARTICLES

REPO = Path(__file__).resolve().parents[2]
ANNOTATOR = "ليلى"  # an Arabic name: names are data, and data is not under test here
SECOND = "سلمى"

# Latin that may stay in the Arabic interface: key names, the product's file suffix,
# format and measure names, technical units, the BIO "O" tag and label ids.
ALLOWED_WORDS = {
    *("Ctrl", "Shift", "Alt", "Tab", "Delete", "Return", "Enter", "Esc", "PgUp", "PgDown"),
    *("N", "R", "Z", "F1", "F2", "F3", "F8", "F"),
    *("doccano", "CoNLL", "UTF", "TAB", "HTML", "O", "κ"),
    *("ACTOR", "LOCATION", "CASUALTY_COUNT", "DATE"),
}
# Whole fragments: file patterns, query syntax, JSON shapes of the doccano variants.
ALLOWED_FRAGMENTS = (
    r"[\w/.-]*\.(tawsim|html)\b",  # file names and paths are data: project.tawsim, /tmp/…
    r"\*\.[a-z]+\b",  # *.txt in file filters
    r"\bF\d+\b",  # function keys
    r"\b[A-Z]\b",  # single-letter keys: a label's letter, Ctrl+Q
    r"\bDel\b",  # Qt's own name for the Delete key in a shortcut
    r"α_u",  # Krippendorff's unitizing alpha, as the literature writes it
    r"ids:1-200",
    r"status:done@",
    r"\"label\": \[\[start, end, label\]\]",
    r"\"entities\": \[\{…\}\]",
    r"gold",  # the gold layer's name, as the project calls it
)
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


@pytest.fixture(scope="module", autouse=True)
def arabic_catalogue() -> None:
    """The compiled catalogue, built as `make` would if this run came without make."""
    qm = i18n.catalogue_path()
    source = REPO / "translations" / "tawsim_ar.ts"
    if not qm.exists() or qm.stat().st_mtime < source.stat().st_mtime:
        qm.parent.mkdir(parents=True, exist_ok=True)
        lrelease = Path(sys.executable).with_name("pyside6-lrelease")
        subprocess.run([str(lrelease), str(source), "-qm", str(qm)], check=True)


@pytest.fixture(autouse=True)
def english_afterwards(qapp: QApplication) -> Iterator[None]:
    yield
    i18n.install_language(qapp, "en")  # the other GUI tests expect the English interface


@pytest.fixture
def arabic_project(tmp_path: Path) -> Path:
    """The conftest articles, with spans by two annotators so review has work to show."""
    import json

    from app.core.importing import import_paths

    source = tmp_path / "articles.jsonl"
    source.write_text(
        "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in ARTICLES), encoding="utf-8"
    )
    path = tmp_path / "project.tawsim"
    with init_project(path) as project:
        import_paths(project, [source])
        document = project.documents.first_id()
        assert document is not None
        text = project.documents.get(document).text  # type: ignore[union-attr]
        start = text.index("بالرقة") + 1
        for name, end in ((ANNOTATOR, start + 5), (SECOND, start + 5), (SECOND, start + 4)):
            label = "LOCATION" if end == start + 5 else "ACTOR"
            span = Span(str(uuid4()), document, name, start, end, label, text[start:end])
            project.spans.create(span, by=name)
    return path


def open_window(path: Path, language: str, qtbot) -> MainWindow:  # type: ignore[no-untyped-def]
    app = QApplication.instance()
    assert app is not None
    i18n.install_language(app, language)
    window = MainWindow(path, ANNOTATOR, Settings())
    qtbot.addWidget(window)
    window.resize(1200, 700)
    window.show()
    qtbot.waitExposed(window)
    return window


def menu_texts(menu: QMenu, where: str) -> Iterator[tuple[str, str]]:
    yield where, menu.title()
    for action in menu.actions():
        yield f"{where} → action", action.text()
        if action.menu() is not None:
            sub = action.menu()
            assert isinstance(sub, QMenu)
            sub.aboutToShow.emit()  # fills "Open recent"
            yield from menu_texts(sub, f"{where} → {action.text()}")


def visible_texts(top: QWidget) -> Iterator[tuple[str, str]]:
    """Every string the widget tree can show: titles, texts, tooltips, placeholders, items,
    tab names, header titles, menus and actions."""
    name = type(top).__name__
    yield f"{name} title", top.windowTitle()
    for widget in [top, *top.findChildren(QWidget)]:
        where = f"{name}/{type(widget).__name__}:{widget.objectName()}"
        yield f"{where} tooltip", widget.toolTip()
        if isinstance(widget, QLabel | QAbstractButton):
            yield where, widget.text()
        elif isinstance(widget, QGroupBox):
            yield where, widget.title()
        if isinstance(widget, QLineEdit | QPlainTextEdit):
            yield f"{where} placeholder", widget.placeholderText()
        if isinstance(widget, QComboBox):
            for index in range(widget.count()):
                yield f"{where} item", widget.itemText(index)
        if isinstance(widget, QSpinBox):
            yield f"{where} prefix", widget.prefix()
            yield f"{where} suffix", widget.suffix()
        if isinstance(widget, QTabWidget):
            for index in range(widget.count()):
                yield f"{where} tab", widget.tabText(index)
        if isinstance(widget, QHeaderView) and widget.model() is not None:
            for section in range(widget.count()):
                title = widget.model().headerData(section, widget.orientation())
                yield f"{where} header", str(title or "")
        if isinstance(widget, QMenu):
            yield from menu_texts(widget, where)
        for action in widget.actions():
            if isinstance(action, QAction) and action.menu() is None:
                yield f"{where} action", action.text()


def offenders(texts: Iterator[tuple[str, str]], extra_words: set[str]) -> list[str]:
    found = []
    for where, text in texts:
        cleaned = text
        for fragment in ALLOWED_FRAGMENTS:
            cleaned = re.sub(fragment, "", cleaned)
        latin = set(LATIN_WORD.findall(cleaned)) - ALLOWED_WORDS - extra_words
        if latin:
            found.append(f"{where}: {text!r} ({', '.join(sorted(latin))})")
    return sorted(set(found))


def format_words() -> set[str]:
    """Format names are product names (CoNLL, brat, JSONL…): they stay as they are."""
    from app.formats.registry import FORMATS

    return {w for f in FORMATS.values() for w in LATIN_WORD.findall(f"{f.name} {f.title}")}


def reachable_dialogs(window: MainWindow, path: Path, monkeypatch) -> list[QWidget]:  # type: ignore[no-untyped-def]
    """Every dialog the menus open, built without exec (message boxes are caught)."""
    from app.ui import dialogs
    from app.ui.agreement_dashboard import AgreementDashboard
    from app.ui.annotate_all_dialog import AnnotateAllDialog
    from app.ui.corpus_search import CorpusSearch
    from app.ui.export_dialog import ExportDialog
    from app.ui.import_dialog import ImportDialog
    from app.ui.label_editor import LabelEditor
    from app.ui.restore_dialog import RestoreDialog
    from app.ui.review import open_review
    from app.ui.team_dialogs import MergeDialog, PackageDialog

    project, session = window.project, window.session
    assert project is not None and session is not None and session.document is not None
    boxes: list[QWidget] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: boxes.append(box) or 0)
    dialogs.show_help(window)
    dialogs.show_about(window)
    sample = path.parent / "articles.jsonl"
    importer = ImportDialog(project, ANNOTATOR, [sample], window)
    importer.run_preview()
    dashboard = AgreementDashboard(project, window)
    dashboard.compute()
    span = session.spans[0] if session.spans else None
    built: list[QWidget] = [
        importer,
        ExportDialog(project, ANNOTATOR, window),
        LabelEditor(project, ANNOTATOR, window),
        PackageDialog(project, window),
        MergeDialog(project, window),
        dashboard,
        RestoreDialog(path, window),
        CorpusSearch(window),
        open_review(window, session.document.id),
    ]
    if span is not None:
        built.append(AnnotateAllDialog(session, span, window))
    return built + boxes


def test_the_arabic_interface_shows_no_english(arabic_project, qtbot, monkeypatch) -> None:
    window = open_window(arabic_project, "ar", qtbot)
    assert i18n.current_language() == "ar"
    texts = list(visible_texts(window))
    for action in window.menuBar().actions():
        assert action.menu() is not None
        texts += list(menu_texts(action.menu(), "menu bar"))  # type: ignore[arg-type]
    for dialog in reachable_dialogs(window, arabic_project, monkeypatch):
        texts += list(visible_texts(dialog))
    assert len(texts) > 400  # the walk reached the dialogs, not just the window
    bad = offenders(iter(texts), format_words())
    assert not bad, "English in the Arabic interface:\n" + "\n".join(bad)
    # Spot checks that the words are really ours, not just any non-Latin text.
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles[:2] == ["&ملف", "&تحرير"]
    assert window.label_bar.buttons["ACTOR"].text().startswith("فاعل")


def test_layout_direction_follows_the_language(arabic_project, qtbot) -> None:
    window = open_window(arabic_project, "ar", qtbot)
    assert QGuiApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert window.layoutDirection() == Qt.LayoutDirection.RightToLeft
    window.close()
    window = open_window(arabic_project, "en", qtbot)
    assert QGuiApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert window.menuBar().actions()[0].text() == "&File"
    assert window.label_bar.buttons["ACTOR"].text().startswith("Actor")
    # The article reads right to left in both interfaces.
    option = window.article_view.document().defaultTextOption()
    assert option.textDirection() == Qt.LayoutDirection.RightToLeft


def test_the_language_menu_rebuilds_the_window_in_place(arabic_project, qtbot) -> None:
    window = open_window(arabic_project, "en", qtbot)
    assert window.session is not None
    third = window.project.documents.id_by_external_id("third")  # type: ignore[union-attr]
    assert third is not None
    window.show_document(third)
    arabic = window.actions_by_name["language_ar"]
    assert arabic.isCheckable() and not arabic.isChecked()
    arabic.trigger()
    qtbot.waitUntil(lambda: bool(i18n._windows) and i18n._windows[-1].isVisible())
    rebuilt = i18n._windows.pop()
    qtbot.addWidget(rebuilt)
    assert not window.isVisible()
    assert Settings().get("language") == "ar"
    assert rebuilt.menuBar().actions()[0].text() == "&ملف"
    assert rebuilt.windowTitle() == "توسيم — project.tawsim"
    assert rebuilt.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert rebuilt.session is not None and rebuilt.session.document is not None
    assert rebuilt.session.document.id == third  # the same document, the same annotator
    assert rebuilt.session.annotator.name == ANNOTATOR
    assert rebuilt.actions_by_name["language_ar"].isChecked()
    assert rebuilt.project is not None and not rebuilt.project.read_only  # lock released


def test_a_missing_catalogue_leaves_english_and_a_warning(
    qapp, monkeypatch, tmp_path, caplog
) -> None:
    monkeypatch.setattr(i18n, "catalogue_path", lambda: tmp_path / "absent.qm")
    with caplog.at_level("WARNING"):
        assert i18n.install_language(qapp, "ar") == "en"
    assert "no Arabic translation" in caplog.text
    assert QGuiApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert QCoreApplication.translate("Menus", "&File") == "&File"


def test_label_names_follow_the_language(qapp) -> None:
    from storage import Label

    actor = Label("ACTOR", name_ar="فاعل", name_en="Actor")
    only_arabic = Label("LOCATION", name_ar="مكان")
    i18n.install_language(qapp, "ar")
    assert (i18n.label_name(actor), i18n.label_name(only_arabic)) == ("فاعل", "مكان")
    i18n.install_language(qapp, "en")
    assert (i18n.label_name(actor), i18n.label_name(only_arabic)) == ("Actor", "مكان")


LOCALE_CASES = [
    {"LANG": "ar_EG.UTF-8"},
    {"LANG": "en_US.UTF-8"},
    {"LANG": "ar_SA.UTF-8", "LC_MESSAGES": "en_GB.UTF-8"},
    {"LANG": "en_US.UTF-8", "LC_MESSAGES": "ar_SY.UTF-8"},
    {"LANG": "en_US.UTF-8", "LC_ALL": "ar_IQ.UTF-8"},
    {"LC_ALL": "C"},
    {"LANG": "ar"},
    {},
]
_ASK_BOTH = """
import json, os
from PySide6.QtCore import QLocale
from app.ui.i18n import system_is_arabic
print(json.dumps([QLocale.system().language() == QLocale.Language.Arabic, system_is_arabic()]))
"""


@pytest.mark.parametrize(
    "variables", LOCALE_CASES, ids=lambda v: ",".join(map("=".join, v.items()))
)
def test_the_system_language_is_read_as_qt_reads_it(variables: dict[str, str]) -> None:
    """On Linux the language is read from the environment without building QLocale's
    type (~10 ms of start-up): the answer must be the one Qt gives in that environment."""
    if sys.platform in ("win32", "darwin"):
        pytest.skip("asks QLocale itself there")
    env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES")}
    env.update(variables, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", _ASK_BOTH],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    qt_says, we_say = json.loads(done.stdout.strip().splitlines()[-1])
    assert we_say == qt_says
