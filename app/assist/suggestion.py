"""What a recognizer proposes: a span that is not an annotation until someone accepts it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Suggestion:
    start: int  # code points over the document's text, end exclusive
    end: int
    label: str
    attrs: dict[str, Any] = field(default_factory=dict)
    source: str = ""  # which recognizer: "casualties", "dates", "gazetteer"
