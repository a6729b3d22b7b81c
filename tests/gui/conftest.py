"""GUI tests drive the real window offscreen and check the SQLite file afterwards."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ARTICLES = [
    {
        "id": "raqqa",
        "text": "قُتل ثلاثة عشر مدنياً بالرقة، فجر اليوم الأربعاء، وفق المرصد السوري.",
        "meta": {"title": "الرقة"},
    },
    {
        "id": "emoji",
        "text": "كتب أحد السكان: «📍 غزة الآن» وقال إن 😢 القصف طال حي الشيخ رضوان.",
        "meta": {"title": "غزة"},
    },
    {
        "id": "third",
        "text": "وصل وفد الأمم المتحدة إلى دير الزور أمس.",
        "meta": {"title": "دير الزور"},
    },
]


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings and the default project live in tmp_path, never in the user's home."""
    home = tmp_path / "home"
    monkeypatch.setenv("TAWSIM_HOME", str(home))
    return home


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    import json

    from app.core.importing import import_paths
    from app.core.setup import init_project

    source = tmp_path / "articles.jsonl"
    source.write_text(
        "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in ARTICLES), encoding="utf-8"
    )
    path = tmp_path / "project.tawsim"
    with init_project(path) as project:
        report = import_paths(project, [source])
    assert report.imported == len(ARTICLES)
    return path


@pytest.fixture
def window(project_path: Path, qtbot):  # type: ignore[no-untyped-def]
    from tests.gui.helpers import shown_window

    win = shown_window(project_path, qtbot)
    yield win
    win.close()


@pytest.fixture
def db(project_path: Path) -> Iterator[sqlite3.Connection]:
    """A second, independent connection: what is here was committed."""
    conn = sqlite3.connect(project_path)
    yield conn
    conn.close()
