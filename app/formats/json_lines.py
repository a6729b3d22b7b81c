"""One line of a JSON-lines file, parsed or named as the error it is."""

from __future__ import annotations

import json
from typing import Any

from app.formats.records import SourceError


def parse_line(location: str, line: str, size: int) -> Any | SourceError:
    """The JSON value on ``line``, or a SourceError at ``location`` (also for nesting so
    deep that the parser gives up)."""
    try:
        return json.loads(line)
    except (json.JSONDecodeError, RecursionError) as error:
        reason = "nested too deeply" if isinstance(error, RecursionError) else error.msg
        return SourceError(location, f"malformed JSON ({reason})", size=size)
