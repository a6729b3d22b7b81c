"""The agreement dashboard on a real project with three annotators, offscreen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from app.agreement.render import COLUMNS
from app.agreement.study import AgreementReport, compute_agreement
from app.reports.agreement_html import UNDEFINED_NOTE
from app.reports.palette import agreement_color
from app.ui.agreement_dashboard import (
    AgreementDashboard,
    DocumentIdRole,
    ValueRole,
    open_dashboard,
)
from storage import Project, Span, open_project

# Which annotator tags what, by the words themselves (offsets come from str.find).
TAGS = {
    "raqqa": {
        "alice": [("ثلاثة عشر", "CASUALTY_COUNT"), ("الرقة", "LOCATION"),
                  ("فجر اليوم الأربعاء", "DATE"), ("المرصد السوري", "ACTOR")],
        "bob": [("ثلاثة عشر مدنياً", "CASUALTY_COUNT"), ("بالرقة", "LOCATION"),
                ("المرصد السوري", "ACTOR")],
        "carol": [("ثلاثة عشر", "CASUALTY_COUNT"), ("الرقة", "ACTOR"),
                  ("اليوم الأربعاء", "DATE"), ("المرصد السوري", "ACTOR")],
    },
    "third": {
        "alice": [("الأمم المتحدة", "ACTOR"), ("دير الزور", "LOCATION"), ("أمس", "DATE")],
        "bob": [("الأمم المتحدة", "ACTOR"), ("دير الزور", "LOCATION"), ("أمس", "DATE")],
        "carol": [("وفد الأمم المتحدة", "ACTOR"), ("دير الزور", "LOCATION")],
    },
}  # fmt: skip


@pytest.fixture
def team_path(project_path: Path) -> Path:
    with open_project(project_path) as project:
        for external_id, layers in TAGS.items():
            document_id = project.documents.id_by_external_id(external_id)
            assert document_id is not None
            text = project.documents.get(document_id).text  # type: ignore[union-attr]
            for name, tags in layers.items():
                for n, (words, label) in enumerate(tags):
                    start = text.find(words)
                    assert start >= 0, words
                    span = Span(f"{external_id}-{name}-{n}", document_id, name, start,
                                start + len(words), label, words)  # fmt: skip
                    project.spans.create(span, by=name)
        project.annotator("gold", kind="gold")
    return project_path


@pytest.fixture
def team(team_path: Path) -> Iterator[Project]:
    with open_project(team_path) as project:
        yield project


@pytest.fixture
def dashboard(team: Project, qtbot) -> AgreementDashboard:  # type: ignore[no-untyped-def]
    view = AgreementDashboard(team)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    assert view.compute() is not None
    return view


def expected(team: Project, names: list[str] | None = None) -> AgreementReport:
    return compute_agreement(team, names)


def test_numbers_shown_equal_the_report(dashboard: AgreementDashboard, team: Project) -> None:
    assert dashboard.chosen_annotators() == ["alice", "bob", "carol"]  # humans, not gold
    report = expected(team)
    model = dashboard.measures.model()
    assert model.rowCount() == len(COLUMNS) and model.columnCount() == 1 + len(report.per_label)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["overall", "Actor\n(ACTOR)", "Location\n(LOCATION)",
                       "Casualty count\n(CASUALTY_COUNT)", "Date\n(DATE)"]  # fmt: skip
    labels = ["", "ACTOR", "LOCATION", "CASUALTY_COUNT", "DATE"]
    for row, (key, title) in enumerate(COLUMNS):
        assert model.headerData(row, Qt.Orientation.Vertical) == title
        for column, label in enumerate(labels):
            scores = report.per_label[label] if label else report.overall
            value = scores.as_dict()[key]
            index = model.index(row, column)
            assert index.data(ValueRole) == value
            assert index.data() == ("—" if value is None else f"{value:.3f}")
            assert index.data(Qt.ItemDataRole.BackgroundRole).name() == agreement_color(value)
    assert "alice, bob, carol · 2 documents" in dashboard.summary.text()


def test_heatmap_cells_and_measure_choice(dashboard: AgreementDashboard, team: Project) -> None:
    report = expected(team)
    dashboard.tabs.setCurrentIndex(1)
    model = dashboard.heatmap.model()
    assert (model.rowCount(), model.columnCount()) == (3, 3)
    names = report.annotators
    for key in ("f1_exact", "f1_overlap", "cohen_kappa"):
        dashboard.measure_choice.setCurrentIndex(dashboard.measure_choice.findData(key))
        cells = {}
        for row in range(3):
            for column in range(3):
                cells[(names[row], names[column])] = model.index(row, column).data(ValueRole)
        for pair in report.pairs:
            assert cells[(pair.a, pair.b)] == cells[(pair.b, pair.a)] == getattr(pair, key)
        assert all(cells[(n, n)] is None and model.index(i, i).data() is None
                   for i, n in enumerate(names))  # fmt: skip
    assert model.headerData(2, Qt.Orientation.Horizontal) == "carol"
    # The view paints what the model holds (a real grab, not only the model).
    image = dashboard.heatmap.grab().toImage()
    rect = dashboard.heatmap.visualRect(model.index(0, 1))
    corner = dashboard.heatmap.viewport().mapTo(dashboard.heatmap, rect.topLeft())
    fill = image.pixelColor(corner + QPoint(3, 3)).name()
    assert fill == model.index(0, 1).data(Qt.ItemDataRole.BackgroundRole).name()


def test_confusion_for_a_chosen_pair(dashboard: AgreementDashboard, team: Project) -> None:
    report = expected(team)
    dashboard.tabs.setCurrentIndex(2)
    choice = dashboard.pair_choice
    assert [choice.itemText(i) for i in range(choice.count())] == [
        "alice – bob", "alice – carol", "bob – carol"]  # fmt: skip
    choice.setCurrentIndex(1)
    model = dashboard.confusion.model()
    order = ["ACTOR", "LOCATION", "CASUALTY_COUNT", "DATE", "O"]
    assert model.rowCount() == model.columnCount() == len(order)
    pair = report.pairs[1]
    for row, a in enumerate(order):
        for column, b in enumerate(order):
            assert model.index(row, column).data(ValueRole) == pair.confusion.get((a, b), 0)
    # carol tagged الرقة as an ACTOR where alice saw a LOCATION.
    assert model.index(order.index("LOCATION"), order.index("ACTOR")).data() == "1"
    assert model.headerData(4, Qt.Orientation.Vertical) == "O (none)"


def test_undefined_is_a_dash_with_the_reason(team: Project, qtbot) -> None:  # type: ignore[no-untyped-def]
    third = team.documents.id_by_external_id("emoji")
    assert third is not None
    for name in ("dave", "erin"):  # both looked at the article and found nothing to tag
        team.status.set(third, team.annotator(name).id, "done", by=name)
    view = AgreementDashboard(team)
    qtbot.addWidget(view)
    for row in range(view.annotator_list.count()):
        item = view.annotator_list.item(row)
        checked = item.text() in ("dave", "erin")
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
    report = view.compute()
    assert report is not None and report.annotators == ["dave", "erin"]
    cell = view.measures.model().index(0, 0)
    assert cell.data() == "—" and cell.data(ValueRole) is None
    assert cell.data(Qt.ItemDataRole.ToolTipRole) == UNDEFINED_NOTE
    assert view.heatmap.model().index(0, 1).data() == "—"


def test_fewer_than_two_annotators_is_said_not_crashed(dashboard: AgreementDashboard) -> None:
    for row in range(1, dashboard.annotator_list.count()):
        dashboard.annotator_list.item(row).setCheckState(Qt.CheckState.Unchecked)
    assert dashboard.chosen_annotators() == ["alice"]
    assert dashboard.compute() is None
    assert "at least two annotators" in dashboard.summary.text()


def test_documents_sorted_and_double_click_opens_review(team_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    from app.ui import create_window

    window = create_window(team_path, "alice")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.actions_by_name["agreement"].trigger()  # Team → Agreement…
    dashboard = window.findChild(AgreementDashboard)
    assert dashboard is not None and dashboard.isVisible() and dashboard.report is not None
    report = dashboard.report
    view = dashboard.documents
    dashboard.tabs.setCurrentIndex(3)
    qtbot.waitExposed(view)
    model = view.model()
    ids = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert ids == [d.external_id for d in report.per_document]
    unmatched = [model.index(r, 2).data(ValueRole) for r in range(model.rowCount())]
    assert unmatched == sorted(unmatched, reverse=True) and unmatched[0] > 0
    assert model.index(0, 1).data() in ("الرقة", "دير الزور")  # the title, as plain text
    target = report.per_document[-1]
    rect = view.visualRect(model.index(model.rowCount() - 1, 0))
    with qtbot.waitSignal(dashboard.documentActivated) as signal:
        # QTest's double-click sends only the second press (as DblClick): the first click,
        # as a hand makes it, comes before it.
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert signal.args == [target.document_id]
    assert model.index(model.rowCount() - 1, 0).data(DocumentIdRole) == target.document_id
    from app.ui.review.window import ReviewWindow

    review = window.findChild(ReviewWindow)
    assert review is not None and review.isVisible()
    assert review.document_id == target.document_id and review.names == report.annotators
    window.close()


def test_layout_mirrors_right_to_left(dashboard: AgreementDashboard, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dashboard.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    dashboard.resize(900, 500)
    qtbot.wait(10)
    names_x = dashboard.annotator_list.mapTo(dashboard, QPoint(0, 0)).x()
    tabs_x = dashboard.tabs.mapTo(dashboard, QPoint(0, 0)).x()
    assert names_x > tabs_x  # the annotators' list moved to the right-hand side
    assert dashboard.grab().save(str(tmp_path / "dashboard-rtl.png"))


def test_open_dashboard_computes_for_the_open_project(team_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    from app.ui import create_window

    window = create_window(team_path, "alice")
    qtbot.addWidget(window)
    shown = open_dashboard(window)
    assert shown is not None and shown.report is not None
    assert shown.report.as_json() == compute_agreement(window.project).as_json()  # type: ignore[arg-type]
    window.close()


def test_save_report_writes_the_html_file(
    dashboard: AgreementDashboard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "mailed" / "agreement.html"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *args, **kw: (str(target), ""))
    )
    assert dashboard.save_report() == target
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "alice" in page and "فاعل" in page


def test_the_sample_articles_three_annotators(tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    from app.core.importing import import_paths
    from app.core.setup import init_project

    sample = Path(__file__).resolve().parents[1] / "fixtures" / "team" / "sample_annotated.jsonl"
    with init_project(tmp_path / "sample.tawsim") as project:
        assert not import_paths(project, [sample]).rejected
        view = AgreementDashboard(project)
        qtbot.addWidget(view)
        report = view.compute()
        assert report is not None and report.annotators == ["amal", "bilal", "salma"]
        assert report.documents == 8 and view.documents.model().rowCount() == 8
        cell = view.measures.model().index(0, 0)  # F1 exact, overall
        assert cell.data(ValueRole) == compute_agreement(project).overall.f1_exact


def test_cancel_in_the_progress_window_stops_the_study(
    dashboard: AgreementDashboard, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.ui.agreement_dashboard as module

    real = module.progress_dialog

    def cancelled_at_once(*args, **kwargs):  # type: ignore[no-untyped-def]
        dialog, report = real(*args, **kwargs)
        dialog.cancel()  # what the Cancel button does
        return dialog, report

    monkeypatch.setattr(module, "progress_dialog", cancelled_at_once)
    assert dashboard.compute() is None
    assert "cancelled" in dashboard.summary.text()
    monkeypatch.setattr(module, "progress_dialog", real)
    assert dashboard.compute() is not None
