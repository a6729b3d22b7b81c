"""When automatic backups are taken (storage.backups takes them).

A module of its own: the window reads the policy when it opens a project, and loads the
backup code itself only when the first backup is due.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BackupPolicy:
    """When automatic backups are taken; the user's settings (app.settings) hold it."""

    on_open: bool = True
    every_minutes: int = 10  # of activity (committed writes); 0: no timed backups
    keep: int = 10  # automatic backups kept; older ones are deleted
