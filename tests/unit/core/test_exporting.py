"""Native JSONL export: per layer or all layers, written atomically."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from app.core.exporting import ExportCancelled, export, export_jsonl, report_path_for
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


# --- the generic exporter: layers, done documents, gold, cancelling, omissions -------------


def test_every_layer_of_a_one_layer_format_is_a_folder_of_layers(
    filled: Project, tmp_path: Path
) -> None:
    out = tmp_path / "by-layer"
    report = export(filled, "doccano", out)
    assert sorted(p.name for p in out.iterdir()) == [
        "alice.jsonl",
        "bob.jsonl",
        "tawsim-layers.json",
    ]
    alice = read_lines(out / "alice.jsonl")
    assert [len(r["label"]) for r in alice] == [2, 0]
    assert report.documents == 4 and report.spans == 4  # two layers x two documents
    assert not list(tmp_path.glob(".by-layer*"))  # no scratch folder left behind


def test_only_done_documents_and_only_their_finished_layers(
    filled: Project, tmp_path: Path
) -> None:
    alice = filled.annotator("alice")
    a1 = filled.documents.id_by_external_id("a1")
    assert a1 is not None
    filled.status.set(a1, alice.id, "done", by="alice")
    out = tmp_path / "done.jsonl"
    report = export(filled, "jsonl", out, only_done=True)
    (record,) = read_lines(out)
    assert record["id"] == "a1"
    assert {s["annotator"] for s in record["spans"]} == {"alice"}  # bob has not finished
    assert report.documents == 1 and report.spans == 2


def test_gold_needs_a_gold_layer(filled: Project, tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no gold layer"):
        export(filled, "jsonl", tmp_path / "gold.jsonl", gold=True)
    filled.annotator("gold", "gold")
    report = export(filled, "jsonl", tmp_path / "gold.jsonl", gold=True)
    assert report.spans == 0 and report.documents == 2


def test_a_cancelled_export_leaves_nothing(filled: Project, tmp_path: Path) -> None:
    out = tmp_path / "cancelled.jsonl"
    with pytest.raises(ExportCancelled):
        export(filled, "jsonl", out, progress=lambda done, total: False)
    assert not out.exists()
    folder = tmp_path / "cancelled-folder"
    with pytest.raises(ExportCancelled):
        export(filled, "doccano", folder, progress=lambda done, total: done < 2)
    assert not folder.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_stale_omission_list_is_removed(filled: Project, tmp_path: Path) -> None:
    out = tmp_path / "plain.jsonl"
    report_path_for(out).write_text("old\n", encoding="utf-8")
    assert export(filled, "jsonl", out).omitted == []
    assert not report_path_for(out).exists()


def test_what_a_format_cannot_hold_is_listed_beside_the_output(
    filled: Project, tmp_path: Path
) -> None:
    out = tmp_path / "bio.conll"
    report = export(filled, "conll", out, annotator="bob")  # bob's two spans do not overlap
    assert not [line for line in report.omitted if "overlap" in line]
    source = tmp_path / "overlap.jsonl"
    text = "قصف على مدينة حلب الشرقية"
    source.write_text(
        json.dumps(
            {
                "id": "ov",
                "text": text,
                "spans": [
                    {"start": 8, "end": 17, "label": "LOCATION", "annotator": "bob"},
                    {"start": 14, "end": 25, "label": "LOCATION", "annotator": "bob"},
                ],
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    assert import_paths(filled, [source]).rejected == []
    report = export(filled, "conll", out, annotator="bob")
    (dropped,) = [line for line in report.omitted if "overlap" in line]
    assert dropped.startswith("ov: ")
    listed = report_path_for(out).read_text(encoding="utf-8")
    assert dropped in listed
    assert "left out" in report.summary()


def test_a_folder_of_layers_imports_back_into_the_same_layers(
    filled: Project, tmp_path: Path
) -> None:
    from app.core.labels import default_labels
    from storage import open_project

    out = tmp_path / "layers"
    export(filled, "doccano", out)
    assert (out / "tawsim-layers.json").exists()
    with open_project(tmp_path / "back.tawsim", create=True, labels=default_labels()) as back:
        report = import_paths(back, [out])
        assert report.rejected == [] and report.duplicates == 2  # same texts, second layer
        for name in ("alice", "bob"):
            got = sorted((s.start, s.end, s.label) for s in _layer(back, name))
            assert got == sorted((s.start, s.end, s.label) for s in _layer(filled, name))


def _layer(project: Project, name: str) -> list[Any]:
    return [s for d in project.documents.ids() for s in project.spans.for_document(d, name)]


@pytest.mark.parametrize("fmt", ["conll", "bioes"])
@pytest.mark.parametrize("only_done", [False, True])
def test_one_pass_over_every_layer_writes_what_each_layer_alone_writes(
    filled: Project, tmp_path: Path, fmt: str, only_done: bool
) -> None:
    # bob's layer of a1 is done, alice's is not: with only_done each layer keeps its own
    a1 = filled.documents.id_by_external_id("a1")
    assert a1 is not None
    filled.status.set(a1, filled.annotator("bob").id, "done", by="bob")
    folder = tmp_path / "layers"
    seen: list[tuple[int, int]] = []
    report = export(
        filled,
        fmt,
        folder,
        only_done=only_done,
        progress=lambda done, total: seen.append((done, total)) is None,
    )
    assert seen[-1] == (2, 2)
    listed: list[str] = []
    documents = spans = 0
    for name in ("alice", "bob"):
        alone = tmp_path / f"{name}-alone"
        one = export(filled, fmt, alone, annotator=name, only_done=only_done)
        written = (folder / f"{name}.{fmt}").read_bytes()
        assert written == alone.read_bytes()
        listed += one.omitted
        documents, spans = documents + one.documents, spans + one.spans
    assert report.omitted == listed  # alice's omissions, then bob's
    assert (report.documents, report.spans) == (documents, spans)
    assert documents == (1 if only_done else 4)


def test_a_cancelled_one_pass_export_leaves_no_layer(filled: Project, tmp_path: Path) -> None:
    folder = tmp_path / "cancelled-conll"
    with pytest.raises(ExportCancelled):
        export(filled, "conll", folder, progress=lambda done, total: done < 2)
    assert not folder.exists()
    assert not report_path_for(folder).exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
