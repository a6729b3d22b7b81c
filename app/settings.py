"""User settings (annotator name, recent projects, zoom) in a small JSON file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.formats.atomic import atomic_text_writer
from app.paths import config_dir

RECENT_LIMIT = 10


class Settings:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / "settings.json"
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
            self._values: dict[str, Any] = loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            self._values = {}

    def get(self, key: str, default: Any = None) -> Any:
        return self._values.get(key, default)

    def set(self, key: str, value: Any) -> None:
        self._values[key] = value
        self._save()

    def remember_project(self, path: str | Path) -> None:
        text = str(Path(path).resolve())
        recent = [p for p in self._values.get("recent", []) if p != text]
        self._values["recent"] = [text, *recent][:RECENT_LIMIT]
        self._values["last_project"] = text
        self._save()

    def recent_projects(self) -> list[str]:
        return [p for p in self._values.get("recent", []) if isinstance(p, str)]

    def _save(self) -> None:
        with atomic_text_writer(self.path) as stream:
            json.dump(self._values, stream, ensure_ascii=False, indent=2)
