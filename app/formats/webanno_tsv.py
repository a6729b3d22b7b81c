"""Placeholder: being written (issue 3)."""

from __future__ import annotations

from app.formats.base import Format

FORMATS: tuple[Format, ...] = ()
