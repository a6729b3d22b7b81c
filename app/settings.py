"""User settings (annotator name, recent projects, zoom, backups) in a small JSON file.

The backup policy is the user's, not the project's: how often to copy and how many copies
to keep depend on this machine's disk, and a project file travels between machines.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.formats.atomic import atomic_text_writer
from app.paths import config_dir

if TYPE_CHECKING:
    from storage.backup_policy import BackupPolicy

RECENT_LIMIT = 10
# settings.json keys of the backup policy (storage.backup_policy.BackupPolicy has the defaults)
BACKUP_ON_OPEN = "backup_on_open"  # true / false
BACKUP_EVERY_MINUTES = "backup_every_minutes"  # of activity; 0: no timed backups
BACKUP_KEEP = "backup_keep"  # automatic backups kept, at least 1
SHOW_SUGGESTIONS = "show_suggestions"  # true / false: suggestions in the article view
# The interface language: "ar", "en", or "system" (Arabic when the system locale is Arabic)
LANGUAGE = "language"
LANGUAGE_CHOICES = ("ar", "en", "system")


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

    def backup_policy(self) -> BackupPolicy:
        """The policy these settings give; a missing or nonsensical value takes the default."""
        from storage.backup_policy import BackupPolicy

        default = BackupPolicy()
        on_open = self._values.get(BACKUP_ON_OPEN, default.on_open)
        every = self._values.get(BACKUP_EVERY_MINUTES, default.every_minutes)
        keep = self._values.get(BACKUP_KEEP, default.keep)
        return BackupPolicy(
            on_open=on_open if isinstance(on_open, bool) else default.on_open,
            every_minutes=every if _is_count(every) else default.every_minutes,
            keep=keep if _is_count(keep) and keep >= 1 else default.keep,
        )

    def language_choice(self) -> str:
        """The stored interface language choice; anything unknown counts as "system"."""
        value = self._values.get(LANGUAGE, "system")
        return value if value in LANGUAGE_CHOICES else "system"

    def _save(self) -> None:
        with atomic_text_writer(self.path) as stream:
            json.dump(self._values, stream, ensure_ascii=False, indent=2)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def resolve_language(choice: str, system_is_arabic: bool) -> str:
    """ "ar" or "en" for a choice of ``LANGUAGE_CHOICES`` ("system" follows the locale)."""
    if choice in ("ar", "en"):
        return choice
    return "ar" if system_is_arabic else "en"
