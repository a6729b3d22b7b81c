"""Project creation, including the default project the app opens on first run."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.labels import default_labels
from app.paths import default_project_path, resources_dir
from storage import Label, Project, open_project

if TYPE_CHECKING:
    from app.core.importing import ImportReport


def sample_articles() -> Path:
    return resources_dir() / "samples" / "articles.jsonl"


def init_project(path: str | Path, labels: Sequence[Label] | None = None) -> Project:
    return open_project(path, create=True, labels=default_labels() if labels is None else labels)


def ensure_default_project() -> tuple[Path, ImportReport | None]:
    """The user's default project, created and filled with the samples on first run."""
    path = default_project_path()
    if path.exists() and path.stat().st_size > 0:
        return path, None
    # Imported here: the importer brings every format reader, which a start-up on an
    # existing project does not need.
    from app.core.importing import import_paths

    with init_project(path) as project:
        report = import_paths(project, [sample_articles()], fmt="jsonl")
    return path, report
