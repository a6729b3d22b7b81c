"""LABELS.json files and the default label set."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.core.labels import PALETTE, default_labels, label_keys, load_labels
from storage import Label, ProjectError


def write(path: Path, entries: object) -> Path:
    path.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    return path


def test_default_labels() -> None:
    labels = default_labels()
    assert [label.id for label in labels] == ["ACTOR", "LOCATION", "CASUALTY_COUNT", "DATE"]
    assert [label.order for label in labels] == [0, 1, 2, 3]
    assert labels[0].name_ar == "فاعل"
    assert label_keys(labels[0]) == ("1", "A")


def test_only_ids_get_colours_and_number_keys(tmp_path: Path) -> None:
    labels = load_labels(write(tmp_path / "L.json", [{"id": f"L{n}"} for n in range(10)]))
    assert [label.color for label in labels[:3]] == list(PALETTE[:3])
    assert labels[8].color == PALETTE[0]  # the palette wraps
    assert [label.key for label in labels] == [str(n) for n in range(1, 10)] + [""]
    assert labels[0].display_name == "L0"


def test_full_entry(tmp_path: Path) -> None:
    entry = {
        "id": "WEAPON",
        "name": "سلاح",
        "name_en": "Weapon",
        "color": "#123456",
        "keys": ["5", "w"],
        "attributes": ["type"],
    }
    (label,) = load_labels(write(tmp_path / "L.json", [entry]))
    assert label == Label("WEAPON", "سلاح", "Weapon", "#123456", "5 w", ("type",), 0)
    assert label_keys(label) == ("5", "W")


def test_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "L.json"
    path.write_bytes(b"\xef\xbb\xbf" + b'[{"id": "A"}]')
    assert [label.id for label in load_labels(path)] == ["A"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[\n{"id": "A"},\n{oops}\n]', ":3: malformed JSON"),
        ("{}", "non-empty JSON list"),
        ("[]", "non-empty JSON list"),
        ('[{"name": "x"}]', 'label 1: each label needs an "id"'),
        ('[{"id": "A"}, {"id": "A"}]', "duplicate label ids"),
        ('[{"id": "A", "attributes": "x"}]', '"attributes" must be a list'),
        (
            '[{"id": "A", "order": ' + "9" * 5000 + "}]",
            "malformed JSON (a number too long to read)",
        ),
        ("[" * 100_000 + "]" * 100_000, "malformed JSON (nested too deeply)"),
    ],
)
def test_bad_label_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "L.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ProjectError, match=re.escape(message)) as caught:
        load_labels(path)
    assert str(path) in str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="cannot read labels"):
        load_labels(tmp_path / "missing.json")
