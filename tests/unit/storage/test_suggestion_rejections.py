"""Rejected suggestions: stored, logged, undone, kept by copies, backups and upgrades."""

from __future__ import annotations

import shutil
from pathlib import Path

from app.core.labels import default_labels
from storage import Project, open_project
from storage.backups import take_backup
from storage.clock import now
from storage.documents import NewDocument
from storage.suggestion_rejections import SuggestionRejection, SuggestionRejectionStore

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "schema"
TEXT = "قُتل ثلاثة عشر مدنياً بدير الزور."


def new_project(path: Path) -> tuple[Project, int, int]:
    project = open_project(path, create=True, labels=default_labels())
    with project.transaction():
        doc = project.documents.add(NewDocument("d1", TEXT, "x" * 64), imported_at=now())
    return project, doc, project.annotator("mona").id


def actions(project: Project) -> list[str]:
    rows = project.conn.execute("SELECT action FROM changes ORDER BY seq")
    return [row[0] for row in rows]


def test_reject_and_unreject_are_logged_once_each(tmp_path: Path) -> None:
    project, doc, mona = new_project(tmp_path / "p.tawsim")
    store = SuggestionRejectionStore(project)
    with project:
        assert store.add(doc, mona, 5, 14, "CASUALTY_COUNT", by="mona")
        assert not store.add(doc, mona, 5, 14, "CASUALTY_COUNT", by="mona")  # already there
        assert store.keys(doc, mona) == {(5, 14, "CASUALTY_COUNT")}
        assert store.keys(doc, mona + 1) == set()  # another layer sees its own
        [rejection] = store.for_layer(mona)
        assert rejection == SuggestionRejection(
            doc, mona, 5, 14, "CASUALTY_COUNT", rejection.created_at
        )
        assert rejection.created_at
        assert store.remove(doc, mona, 5, 14, "CASUALTY_COUNT", by="mona")
        assert not store.remove(doc, mona, 5, 14, "CASUALTY_COUNT", by="mona")
        assert store.keys(doc, mona) == set()
        assert actions(project) == ["suggestion.reject", "suggestion.unreject"]


def test_rejections_survive_reopening_copies_and_backups(tmp_path: Path) -> None:
    path = tmp_path / "p.tawsim"
    project, doc, mona = new_project(path)
    with project:
        SuggestionRejectionStore(project).add(doc, mona, 22, 31, "LOCATION", by="mona")
        project.copy_to(tmp_path / "copy.tawsim")
    backup = take_backup(path, keep=3)
    assert backup is not None
    for copy in (path, tmp_path / "copy.tawsim", backup.path):
        with open_project(copy) as reopened:
            assert SuggestionRejectionStore(reopened).keys(doc, mona) == {(22, 31, "LOCATION")}


def test_a_version_3_project_gets_the_table_on_opening(tmp_path: Path) -> None:
    path = tmp_path / "old.tawsim"
    shutil.copyfile(FIXTURES / "v3.tawsim", path)
    with open_project(path) as project:
        store = SuggestionRejectionStore(project)
        assert store.keys(1, 1) == set()
        assert store.add(1, 1, 0, 4, "CASUALTY_COUNT", by="alice")
        assert store.keys(1, 1) == {(0, 4, "CASUALTY_COUNT")}
