"""Project creation and the default project of a first run."""

from __future__ import annotations

from pathlib import Path

from app.core.setup import ensure_default_project, init_project, sample_articles
from app.paths import config_dir, data_dir, default_project_path
from storage import Label, open_project


def test_paths_follow_tawsim_home(tawsim_home: Path) -> None:
    assert data_dir() == tawsim_home / "data"
    assert config_dir() == tawsim_home / "config"
    assert default_project_path() == tawsim_home / "data" / "default.tawsim"


def test_default_project_is_made_once_with_the_samples(tawsim_home: Path) -> None:
    path, report = ensure_default_project()
    assert path == tawsim_home / "data" / "default.tawsim"
    assert report is not None
    assert report.rejected == []
    samples = [line for line in sample_articles().read_text(encoding="utf-8").splitlines() if line]
    assert report.imported == len(samples)
    before = path.read_bytes()
    again, second = ensure_default_project()
    assert (again, second) == (path, None)
    with open_project(path) as project:
        assert project.documents.count() == len(samples)
        assert [label.id for label in project.labels.all()][:2] == ["ACTOR", "LOCATION"]
    assert len(before) > 0


def test_init_project_with_default_or_given_labels(tmp_path: Path) -> None:
    with init_project(tmp_path / "a.tawsim") as project:
        assert len(project.labels.all()) == 4
    with init_project(tmp_path / "b.tawsim", [Label("ONLY", color="#000000")]) as project:
        assert [label.id for label in project.labels.all()] == ["ONLY"]
    with init_project(tmp_path / "c.tawsim", []) as project:
        assert project.labels.all() == []
