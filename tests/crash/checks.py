"""What every kill must leave: a project that opens, whole, and no half-written file."""

from __future__ import annotations

import json
import re
from pathlib import Path

from storage import Project, open_project


def open_checked(path: Path) -> Project:
    """Open the project the way the app does and check SQLite's own consistency checks."""
    project = open_project(path)
    try:
        assert project.integrity_ok(), f"{path}: PRAGMA integrity_check is not ok"
        broken = project.conn.execute("PRAGMA foreign_key_check").fetchall()
        assert not broken, f"{path}: rows pointing nowhere {broken[:5]}"
    except BaseException:
        project.close()
        raise
    return project


def temp_pattern(name: str) -> re.Pattern[str]:
    """The names app.formats.atomic gives its temporary files and folders for ``name``."""
    return re.compile(rf"\.{re.escape(name)}\..+\.(tmp|tmp\.old|old)$")


def strays(folder: Path, allowed: set[str]) -> list[str]:
    """Entries of ``folder`` that are neither allowed nor clearly temporary."""
    temps = [temp_pattern(name) for name in allowed]
    return sorted(
        entry.name
        for entry in folder.iterdir()
        if entry.name not in allowed and not any(t.match(entry.name) for t in temps)
    )


def temporaries(folder: Path, names: set[str]) -> list[str]:
    if not folder.exists():
        return []
    temps = [temp_pattern(name) for name in names]
    return sorted(e.name for e in folder.iterdir() if any(t.match(e.name) for t in temps))


def check_settings(home: Path) -> None:
    """The settings file the window writes at start-up is absent or whole JSON."""
    settings = home / "config" / "settings.json"
    if settings.exists():
        json.loads(settings.read_text(encoding="utf-8"))
    leftovers = strays(settings.parent, {"settings.json"}) if settings.parent.exists() else []
    assert not leftovers, f"unexpected files beside the settings: {leftovers}"
