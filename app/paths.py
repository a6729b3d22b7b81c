"""Where things live: shipped resources, the user's data and settings."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "Tawsim"


def resources_dir() -> Path:
    """The shipped resources: the repo's resources/ (source or editable install) or the
    copy packaged as app/resources in a wheel."""
    in_checkout = Path(__file__).resolve().parent.parent / "resources"
    if in_checkout.is_dir():
        return in_checkout
    return Path(__file__).resolve().parent / "resources"


def _home_override() -> Path | None:
    # TAWSIM_HOME puts data and settings in one folder: tests and portable installs use it.
    value = os.environ.get("TAWSIM_HOME")
    return Path(value) if value else None


def data_dir() -> Path:
    home = _home_override()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    home = _home_override()
    if home:
        return home / "config"
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def default_project_path() -> Path:
    return data_dir() / "default.tawsim"
