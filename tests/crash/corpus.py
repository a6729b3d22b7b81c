"""Small deterministic inputs for the kill test, built with the benchmark's generator."""

from __future__ import annotations

import glob
import json
import random
import shutil
from pathlib import Path
from typing import Any

from tests.bench.generate import ANNOTATORS, Generator

SEED = 20240607


def records(count: int, *, seed: int = SEED) -> list[dict[str, Any]]:
    """``count`` native JSONL records: short Arabic articles with 2-6 spans by alice or bob."""
    generator = Generator(seed)
    rng = random.Random(seed + 1)
    out = []
    for index in range(count):
        article = generator.article(rng.randint(150, 400), rng.randint(2, 6))
        spans = [
            {
                "start": s["start"],
                "end": s["end"],
                "label": s["label"],
                "annotator": ANNOTATORS[rng.random() < 0.3],
                "text": article.text[s["start"] : s["end"]],
            }
            for s in article.spans
        ]
        out.append(
            {
                "id": f"doc-{index:05d}",
                "text": article.text,
                "meta": {"title": f"خبر {index}"},
                "spans": spans,
            }
        )
    return out


def write_jsonl(path: Path, items: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for item in items:
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    return path


def write_brat_folder(folder: Path, items: list[dict[str, Any]]) -> Path:
    """One brat .txt + .ann pair per record (code point offsets), every span alice's."""
    folder.mkdir(parents=True, exist_ok=True)
    for item in items:
        (folder / f"{item['id']}.txt").write_text(item["text"], encoding="utf-8", newline="")
        lines = [
            f"T{n}\t{s['label']} {s['start']} {s['end']}\t{s['text']}\n"
            for n, s in enumerate(item["spans"], start=1)
        ]
        (folder / f"{item['id']}.ann").write_text("".join(lines), encoding="utf-8", newline="")
    return folder


def remove_project(path: Path) -> None:
    """The project file, its SQLite companions, its lock, backups and upgrade copies."""
    for entry in path.parent.glob(f"{glob.escape(path.name)}*"):
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    for entry in path.parent.glob(f".{glob.escape(path.name)}*"):  # hidden partial copies
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def fresh_copy(template: Path, project: Path) -> None:
    remove_project(project)
    shutil.copyfile(template, project)
