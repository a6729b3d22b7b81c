"""Every interface string has a finished Arabic translation (issue 5).

pyside6-lupdate extracts the strings of app/ui afresh into a temporary catalogue; each one
must be in translations/tawsim_ar.ts, translated and finished, with the same {placeholders}.
A string added without its translation fails here, named (run `make translations-update`,
then translate what it marks unfinished).
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CATALOGUE = REPO / "translations" / "tawsim_ar.ts"
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
ARABIC = re.compile(r"[\u0600-\u06ff]")

Messages = dict[tuple[str, str], tuple[str, str | None]]  # (context, source) → (text, type)


def read_catalogue(path: Path) -> Messages:
    messages: Messages = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            source = message.findtext("source", "")
            messages[(name, source)] = (translation.text or "", translation.get("type"))
    return messages


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Messages:
    """What the code marks for translation today."""
    target = tmp_path_factory.mktemp("lupdate") / "fresh.ts"
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    subprocess.run(
        [str(lupdate), "-extensions", "py", "-locations", "none", "app/ui", "-ts", str(target)],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    return read_catalogue(target)


def test_the_code_marks_the_interface_strings(extracted: Messages) -> None:
    # A sanity floor: the menus, dialogs and messages are several hundred strings.
    assert len(extracted) > 350
    assert ("Menus", "&File") in extracted


def test_every_string_has_a_finished_arabic_translation(extracted: Messages) -> None:
    ours = read_catalogue(CATALOGUE)
    problems = []
    for (context, source), _ in sorted(extracted.items()):
        text, kind = ours.get((context, source), ("", "unfinished"))
        if not text.strip() or kind in ("unfinished", "vanished", "obsolete"):
            problems.append(f"{context}: {source!r}")
    assert not problems, (
        "untranslated (run `make translations-update`, translate them in "
        "translations/tawsim_ar.ts):\n" + "\n".join(problems)
    )


def test_translations_keep_the_placeholders(extracted: Messages) -> None:
    ours = read_catalogue(CATALOGUE)
    problems = []
    for key in extracted:
        text, _ = ours.get(key, ("", None))
        if text and sorted(PLACEHOLDER.findall(key[1])) != sorted(PLACEHOLDER.findall(text)):
            problems.append(f"{key[0]}: {key[1]!r} → {text!r}")
    assert not problems, "placeholders differ:\n" + "\n".join(problems)


def test_translations_are_arabic_and_keep_at_most_one_shortcut_marker(
    extracted: Messages,
) -> None:
    ours = read_catalogue(CATALOGUE)
    problems = []
    for key in extracted:
        text, _ = ours.get(key, ("", None))
        source_letters = re.sub(r"[^A-Za-z]", "", PLACEHOLDER.sub("", key[1]))
        if source_letters and not ARABIC.search(text) and text != key[1]:
            problems.append(f"no Arabic: {key[1]!r} → {text!r}")
        if text.count("&") > max(1, key[1].count("&")):
            problems.append(f"several '&': {key[1]!r} → {text!r}")
        if "&" in key[1] and "&" not in text:
            problems.append(f"shortcut marker lost: {key[1]!r} → {text!r}")
    assert not problems, "\n".join(problems)
