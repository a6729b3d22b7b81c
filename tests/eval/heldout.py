"""Read the held-out sample (tests/fixtures/eval/heldout.txt) into documents and gold spans.

The markup is described at the top of the sample: '@@ ID PUBLISHED' starts an item, and
'[[LABEL:covered text|key=value,key=value]]' marks a gold span. Offsets are code points
over the text with the markup removed, so ``text[start:end]`` is exactly the marked text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "eval" / "heldout.txt"
_MARK = re.compile(r"\[\[(?P<label>[A-Z_]+):(?P<text>[^|\]]+)(?:\|(?P<attrs>[^\]]*))?\]\]")
# Counts are integers; a DATE value stays ISO text even when it is a bare year ('2014').
_INT_KEYS = frozenset({"value", "low", "high"})
_TEXT_VALUED = frozenset({"DATE"})


@dataclass(frozen=True)
class GoldSpan:
    start: int
    end: int
    label: str
    text: str
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Item:
    id: str
    published: str
    text: str
    spans: tuple[GoldSpan, ...]


class SampleError(ValueError):
    """Bad markup in the sample, naming the file and line."""


def parse_attrs(raw: str | None, where: str, label: str = "") -> dict[str, Any]:
    """'value=30,qualifier=approximate' → {'value': 30, 'qualifier': 'approximate'}."""
    numeric = _INT_KEYS if label not in _TEXT_VALUED else frozenset()
    attrs: dict[str, Any] = {}
    for part in (raw or "").split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep:
            raise SampleError(f"{where}: attribute without '=': {part!r}")
        key = key.strip()
        value = value.strip()
        attrs[key] = int(value) if key in numeric and value.isdigit() else value
    return attrs


def parse_item(item_id: str, published: str, marked: str, where: str) -> Item:
    """One item's marked text → plain text and gold spans with exact offsets."""
    text_parts: list[str] = []
    spans: list[GoldSpan] = []
    length, last = 0, 0
    for match in _MARK.finditer(marked):
        text_parts.append(marked[last : match.start()])
        length += match.start() - last
        covered = match["text"]
        attrs = parse_attrs(match["attrs"], where, match["label"])
        spans.append(GoldSpan(length, length + len(covered), match["label"], covered, attrs))
        text_parts.append(covered)
        length += len(covered)
        last = match.end()
    text_parts.append(marked[last:])
    text = "".join(text_parts)
    if "[[" in text or "]]" in text:
        raise SampleError(f"{where}: unclosed or malformed markup in item {item_id}")
    return Item(item_id, published, text, tuple(spans))


def parse_sample(source: str, name: str = "heldout.txt") -> list[Item]:
    """Every item of a sample file's contents, in file order."""
    items: list[Item] = []
    header: tuple[str, str, int] | None = None
    body: list[str] = []

    def finish() -> None:
        if header is not None:
            item_id, published, line = header
            marked = "\n".join(body).strip("\n")
            items.append(parse_item(item_id, published, marked, f"{name}:{line}"))

    for number, line in enumerate(source.splitlines(), start=1):
        if line.startswith("#"):
            continue
        if line.startswith("@@"):
            finish()
            fields = line[2:].split()
            if len(fields) != 2:
                raise SampleError(f"{name}:{number}: expected '@@ ID PUBLISHED', got {line!r}")
            header, body = (fields[0], fields[1], number), []
        elif header is not None:
            body.append(line)
        elif line.strip():
            raise SampleError(f"{name}:{number}: text before the first '@@' item header")
    finish()
    return items


def load_sample(path: Path = SAMPLE) -> list[Item]:
    return parse_sample(path.read_text(encoding="utf-8"), path.name)
