"""Label sets: the default four (DESIGN §5) and LABELS.json files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.paths import resources_dir
from storage import Label, ProjectError

# Colours for labels a file gives without one: distinct, light enough to read text over.
PALETTE = ("#ef9a9a", "#90caf9", "#ffcc80", "#a5d6a7", "#ce93d8", "#80cbc4", "#fff59d", "#bcaaa4")


def label_from_json(entry: Any, order: int, where: str) -> Label:
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
        raise ProjectError(f'{where}: each label needs an "id" string')
    keys = entry.get("keys", entry.get("key", str(order + 1) if order < 9 else ""))
    if isinstance(keys, list):
        keys = " ".join(str(k) for k in keys)
    attributes = entry.get("attributes", [])
    if not isinstance(attributes, list) or not all(isinstance(a, str) for a in attributes):
        raise ProjectError(f'{where}: "attributes" must be a list of names')
    return Label(
        id=entry["id"],
        name_ar=str(entry.get("name", entry.get("name_ar", ""))),
        name_en=str(entry.get("name_en", "")),
        color=str(entry.get("color", PALETTE[order % len(PALETTE)])),
        key=str(keys),
        attributes=tuple(attributes),
        order=order,
    )


def load_labels(path: str | Path) -> list[Label]:
    path = Path(path)
    try:
        entries = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as error:
        raise ProjectError(f"{path}: cannot read labels ({error})") from error
    except json.JSONDecodeError as error:
        raise ProjectError(f"{path}:{error.lineno}: malformed JSON ({error.msg})") from error
    except (ValueError, RecursionError) as error:  # a 4,301-digit number, or deep nesting
        problem = (
            "nested too deeply"
            if isinstance(error, RecursionError)
            else "a number too long to read"
        )
        raise ProjectError(f"{path}: malformed JSON ({problem})") from error
    if not isinstance(entries, list) or not entries:
        raise ProjectError(f"{path}: expected a non-empty JSON list of labels")
    labels = [label_from_json(e, i, f"{path}: label {i + 1}") for i, e in enumerate(entries)]
    ids = [label.id for label in labels]
    if len(set(ids)) != len(ids):
        raise ProjectError(f"{path}: duplicate label ids")
    return labels


def default_labels() -> list[Label]:
    return load_labels(resources_dir() / "labels.json")


def label_keys(label: Label) -> tuple[str, ...]:
    """The keys that tag with this label ("1 A" → ("1", "A"))."""
    return tuple(part.upper() for part in label.key.split())
