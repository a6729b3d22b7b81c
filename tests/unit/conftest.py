"""Fixtures for the Qt-free unit tests: real project files in tmp_path, never mocks."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from app.core.labels import default_labels
from storage import Project, open_project
from storage.clock import now
from storage.documents import NewDocument

WriteJsonl = Callable[[Path, Iterable[dict[str, Any]]], Path]
AddDocument = Callable[..., int]


@pytest.fixture
def tawsim_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Data and settings in tmp_path, never in the real user's folders."""
    home = tmp_path / "home"
    monkeypatch.setenv("TAWSIM_HOME", str(home))
    return home


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    """A fresh project file with the default labels (ACTOR, LOCATION, CASUALTY_COUNT, DATE)."""
    with open_project(tmp_path / "test.tawsim", create=True, labels=default_labels()) as opened:
        yield opened


@pytest.fixture
def add_document(project: Project) -> AddDocument:
    """Store a canonical document directly through the storage layer; returns its id."""
    from app.text.canonical import sha256

    def add(text: str, external_id: str | None = None, title: str = "") -> int:
        with project.transaction():
            return project.documents.add(
                NewDocument(
                    external_id=external_id or f"doc-{sha256(text)[:8]}",
                    text=text,
                    sha256=sha256(text),
                    title=title,
                ),
                imported_at=now(),
            )

    return add


@pytest.fixture
def write_jsonl() -> WriteJsonl:
    """Write dicts as a native JSONL file (UTF-8, one object a line)."""

    def write(path: Path, records: Iterable[dict[str, Any]]) -> Path:
        lines = [json.dumps(r, ensure_ascii=False) + "\n" for r in records]
        path.write_text("".join(lines), encoding="utf-8", newline="\n")
        return path

    return write
