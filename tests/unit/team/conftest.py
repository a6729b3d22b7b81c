"""A lead's project for the team tests: Arabic articles (one with emoji), pre-annotations."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.labels import default_labels
from app.text.canonical import sha256
from storage import Project, open_project
from storage.clock import now
from storage.documents import NewDocument
from tests.unit.team.team_setup import PLACES, article, span_on


@pytest.fixture
def lead_path(tmp_path: Path) -> Path:
    """12 articles; alice's layer pre-annotated on the first three by the lead."""
    path = tmp_path / "lead.tawsim"
    with open_project(path, create=True, labels=default_labels()) as project:
        with project.transaction():
            for i in range(12):
                text = article(i)
                project.documents.add(
                    NewDocument(
                        external_id=f"art-{i:02d}",
                        text=text,
                        sha256=sha256(text),
                        title=f"عنوان {PLACES[i % len(PLACES)]}",
                        source="test",
                        meta={"n": i},
                        import_file="articles.jsonl",
                        import_encoding="utf-8",
                    ),
                    imported_at=now(),
                )
        for document_id in (1, 2, 3):
            span_on(project, document_id, "المرصد السوري", "ACTOR", "alice")
    return path


@pytest.fixture
def lead(lead_path: Path) -> Iterator[Project]:
    with open_project(lead_path) as project:
        yield project
