"""Native JSONL export: per layer or all layers, written atomically."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from app.core.exporting import export_jsonl
from app.core.importing import import_paths
from storage import Project, ProjectError

WriteJsonl = Callable[[Path, Iterable[dict[str, Any]]], Path]

TEXT = "😢 قتل ثلاثة مدنيين بالرقة، وفق المرصد السوري يوم الأربعاء."


def span(needle: str, label: str, annotator: str, **attrs: Any) -> dict[str, Any]:
    start = TEXT.index(needle)
    return {
        "start": start,
        "end": start + len(needle),
        "label": label,
        "text": needle,
        "annotator": annotator,
        "attrs": attrs,
    }


@pytest.fixture
def filled(project: Project, tmp_path: Path, write_jsonl: WriteJsonl) -> Project:
    source = write_jsonl(
        tmp_path / "source.jsonl",
        [
            {
                "id": "a1",
                "text": TEXT,
                "meta": {"title": "الرقة", "agency": "وكالة"},
                "spans": [
                    span("الرقة", "LOCATION", "alice", canonical="الرقة"),
                    span("المرصد السوري", "ACTOR", "bob"),
                    span("الأربعاء", "DATE", "alice"),
                    span("الرقة", "LOCATION", "bob"),
                ],
            },
            {"id": "a2", "text": "خبر بلا وسوم."},
        ],
    )
    report = import_paths(project, [source])
    assert report.rejected == []
    return project


def read_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_all_layers(filled: Project, tmp_path: Path) -> None:
    out = tmp_path / "out" / "all.jsonl"
    report = export_jsonl(filled, out)
    assert (report.documents, report.spans, report.path) == (2, 4, out)
    first, second = read_lines(out)
    assert first["id"] == "a1"
    assert first["text"] == TEXT
    assert first["meta"] == {"agency": "وكالة", "title": "الرقة"}
    assert [(s["annotator"], s["label"]) for s in first["spans"]] == [
        ("alice", "LOCATION"),
        ("alice", "DATE"),
        ("bob", "LOCATION"),
        ("bob", "ACTOR"),
    ]
    assert first["spans"][0]["attrs"] == {"canonical": "الرقة"}
    for s in first["spans"]:
        assert TEXT[s["start"] : s["end"]] == s["text"]
    assert second == {"id": "a2", "text": "خبر بلا وسوم.", "meta": {}, "spans": []}
    # Arabic is written as is, not as \u escapes.
    assert "الرقة" in out.read_text(encoding="utf-8")
    assert sorted(p.name for p in out.parent.iterdir()) == ["all.jsonl"]


def test_one_annotator(filled: Project, tmp_path: Path) -> None:
    out = tmp_path / "alice.jsonl"
    report = export_jsonl(filled, out, annotator="alice")
    assert (report.documents, report.spans) == (2, 2)
    first, second = read_lines(out)
    assert {s["annotator"] for s in first["spans"]} == {"alice"}
    assert [s["text"] for s in first["spans"]] == ["الرقة", "الأربعاء"]
    assert second["spans"] == []


def test_unknown_annotator_writes_nothing(filled: Project, tmp_path: Path) -> None:
    out = tmp_path / "nobody.jsonl"
    with pytest.raises(ProjectError, match="no annotator called 'carol'"):
        export_jsonl(filled, out, annotator="carol")
    assert list(tmp_path.glob("*nobody*")) == []


def test_failed_export_keeps_the_previous_file(filled: Project, tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    export_jsonl(filled, out)
    before = out.read_bytes()
    filled.close()  # a closed project fails in the middle of the export
    with pytest.raises(Exception, match="closed"):
        export_jsonl(filled, out)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.glob("*all.jsonl*")] == ["all.jsonl"]


def test_export_of_an_empty_project(project: Project, tmp_path: Path) -> None:
    out = tmp_path / "empty.jsonl"
    report = export_jsonl(project, out)
    assert (report.documents, report.spans) == (0, 0)
    assert out.read_bytes() == b""


def test_export_is_deterministic(filled: Project, tmp_path: Path) -> None:
    export_jsonl(filled, tmp_path / "one.jsonl")
    export_jsonl(filled, tmp_path / "two.jsonl")
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()
