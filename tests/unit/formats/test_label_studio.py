"""Label Studio JSON: round trips, the real Label Studio example files, bad input.

label-studio-sdk is not installed, so our output is checked against the structure of
Label Studio's own example files (tests/fixtures/interop/label_studio, see SOURCE.txt).
"""

from __future__ import annotations

import json
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import pytest
from defusedxml import ElementTree as SafeET
from hypothesis import HealthCheck, assume, given, settings

from app.core.exporting import export
from app.core.importing import detect_format, import_paths
from app.core.labels import default_labels
from app.formats.label_studio import (
    annotator_name,
    config_path,
    decode_value,
    encode_value,
    read_label_studio,
    sniff_label_studio,
)
from app.formats.records import SourceNote, SourceRecord
from storage import Project, open_project
from tests.roundtrip import (
    Doc,
    documents,
    expected_spans,
    export_then_import,
    make_project,
    spans_by_text,
)

FIXTURES = Path(__file__).parents[2] / "fixtures" / "interop" / "label_studio"
PEER_TASKS = FIXTURES / "named_entity_tasks.json"
PEER_ANNOTATIONS = FIXTURES / "named_entity_annotations_1.json"
PEER_CONFIG = FIXTURES / "named_entity_config.xml"

FAST = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def u16_slice(text: str, start: int, end: int) -> str:
    """What a browser's ``text.slice(start, end)`` gives: UTF-16 units, independently."""
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


def write_native(path: Path, records: list[dict[str, Any]]) -> Path:
    lines = [json.dumps(r, ensure_ascii=False) + "\n" for r in records]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def project_from(folder: Path, records: list[dict[str, Any]]) -> Path:
    """A real project holding native JSONL ``records`` (spans name their annotators)."""
    path = folder / "layers.tawsim"
    with open_project(path, create=True, labels=default_labels()) as project:
        report = import_paths(project, [write_native(folder / "layers.jsonl", records)])
        assert report.rejected == [], report.rejected
    return path


def spans_with_attrs(path: Path) -> set[tuple[Any, ...]]:
    with open_project(path) as project:
        return {
            (d.external_id, s.annotator, s.start, s.end, s.label, s.text, json.dumps(s.attrs))
            for d in project.documents.iterate()
            for s in project.spans.for_document(d.id)
        }


def contents(project: Project) -> dict[str, list[tuple[Any, ...]]]:
    return {
        d.external_id: sorted(
            (s.annotator, s.start, s.end, s.label, s.text) for s in project.spans.for_document(d.id)
        )
        for d in project.documents.iterate()
    }


# ---------------------------------------------------------------- round trips


@FAST
@given(documents(overlaps=True))
def test_round_trip_keeps_every_span_with_utf16_offsets(docs: list[Doc]) -> None:
    assume(len({doc.text for doc in docs}) == len(docs))
    with TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = make_project(folder, docs)
        rt = export_then_import(source, "labelstudio", folder, import_annotator=None)
        assert rt.imported.rejected == []
        assert rt.exported.omitted == []
        # The annotator comes back from completed_by, not from --annotator.
        assert spans_by_text(rt.project, "alice") == expected_spans(docs)
        for task in json.loads(rt.out.read_text(encoding="utf-8")):
            text = task["data"]["text"]
            for annotation in task["annotations"]:
                assert annotation["completed_by"] == {"email": "alice"}
                for region in annotation["result"]:
                    value = region["value"]
                    assert u16_slice(text, value["start"], value["end"]) == value["text"]


def test_two_layers_and_attributes_round_trip(tmp_path: Path) -> None:
    text = "قُتل ١٥ شخصاً 😢 في «حلب» يوم ٢٠٢٤"
    attrs = {"value": 15, "outcome": "killed", "raw": "15", "label": "x", "attr:y": [1, None]}
    records = [
        {
            "id": "art-1",
            "text": text,
            "meta": {"title": "عنوان", "url": "http://example.org/1", "desk": "حلب"},
            "spans": [
                {"start": 5, "end": 7, "label": "CASUALTY_COUNT", "annotator": "alice"},
                {"start": 5, "end": 13, "label": "CASUALTY_COUNT", "annotator": "bob"},
                {"start": 20, "end": 23, "label": "LOCATION", "annotator": "alice"},
                {"start": 14, "end": 24, "label": "LOCATION", "annotator": "bob", "attrs": attrs},
            ],
        },
        {"id": "art-2", "text": "نص بلا وسوم"},
    ]
    source = project_from(tmp_path, records)
    rt = export_then_import(source, "labelstudio", tmp_path, annotator=None, import_annotator=None)
    assert rt.imported.rejected == [] and rt.exported.omitted == []
    assert spans_with_attrs(rt.project) == spans_with_attrs(source)
    first, second = json.loads(rt.out.read_text(encoding="utf-8"))
    assert [a["completed_by"]["email"] for a in first["annotations"]] == ["alice", "bob"]
    assert first["data"]["doc_id"] == "art-1"
    assert first["data"]["meta"] == {"desk": "حلب", "title": "عنوان", "url": "http://example.org/1"}
    assert second["annotations"] == []
    with open_project(rt.project) as project:
        document = project.documents.iterate().__next__()
        assert (document.title, document.url, document.meta) == (
            "عنوان",
            "http://example.org/1",
            {"desk": "حلب"},
        )
    # The region that starts with the emoji: code points 14..24 are UTF-16 units 14..25.
    located = [
        r["value"] for a in first["annotations"] for r in a["result"] if r["type"] == "labels"
    ]
    assert {"start": 14, "end": 25, "text": text[14:24], "labels": ["LOCATION"]} in located
    assert {"start": 21, "end": 24, "text": "حلب", "labels": ["LOCATION"]} in located


def test_attribute_values_survive_the_textarea() -> None:
    for value in ("حلب", "15", 15, '"quoted"', "", " 7", [1, "a"], {"k": None}, True, None, 2.5):
        assert decode_value(encode_value(value)) == value
    assert encode_value("عشرات") == "عشرات"  # what an annotator would type stays plain


def test_output_has_the_structure_of_label_studio_files(tmp_path: Path) -> None:
    docs = [Doc("d", "قصف 📍 على دير الزور", ((10, 19, "LOCATION"),))]
    rt = export_then_import(make_project(tmp_path, docs), "labelstudio", tmp_path)
    (task,) = json.loads(rt.out.read_text(encoding="utf-8"))
    peer_task = json.loads(PEER_TASKS.read_text(encoding="utf-8"))[0]
    peer_annotated = json.loads(PEER_ANNOTATIONS.read_text(encoding="utf-8"))
    peer_region = peer_annotated["annotations"][0]["result"][0]
    assert type(task["id"]) is type(peer_annotated["id"])
    for key in ("data", "predictions"):
        assert type(task[key]) is type(peer_task[key])
    assert type(task["annotations"]) is type(peer_annotated["annotations"])
    assert isinstance(task["data"]["text"], str)
    (annotation,) = task["annotations"]
    (region,) = annotation["result"]
    for key in ("id", "from_name", "to_name", "type", "value"):
        assert type(region[key]) is type(peer_region[key]), key
    assert region["type"] == peer_region["type"] == "labels"
    assert set(region["value"]) == set(peer_region["value"])
    for key, peer_value in peer_region["value"].items():
        assert type(region["value"][key]) is type(peer_value), key
    assert region["value"] == {"start": 11, "end": 20, "text": "دير الزور", "labels": ["LOCATION"]}


def test_labeling_config_beside_the_json(tmp_path: Path) -> None:
    source = make_project(tmp_path, [Doc("d", "في حلب", ((3, 6, "LOCATION"),))])
    out = tmp_path / "ls" / "export.json"
    with open_project(source) as project:
        export(project, "labelstudio", out)
    assert sorted(p.name for p in out.parent.iterdir()) == ["export.config.xml", "export.json"]
    ours = SafeET.parse(config_path(out)).getroot()
    peer = SafeET.parse(PEER_CONFIG).getroot()
    assert ours.tag == peer.tag == "View"
    (labels,) = ours.findall("Labels")
    (text,) = ours.findall("Text")
    (peer_labels,) = peer.findall("Labels")
    assert set(labels.attrib) == set(peer_labels.attrib) == {"name", "toName"}
    assert labels.get("toName") == text.get("name") and text.get("value") == "$text"
    assert [(x.get("value"), x.get("background")) for x in labels.findall("Label")] == [
        ("ACTOR", "#ef9a9a"),
        ("LOCATION", "#90caf9"),
        ("CASUALTY_COUNT", "#ffcc80"),
        ("DATE", "#a5d6a7"),
    ]
    areas = ours.findall("TextArea")
    names = ["canonical", "value", "low", "high", "outcome", "qualifier", "precision"]
    assert [a.get("name") for a in areas] == names
    assert all(a.get("perRegion") == "true" and a.get("toName") == "text" for a in areas)
    # Importing the whole folder skips the config instead of rejecting it.
    assert sniff_label_studio(config_path(out), config_path(out).read_bytes())
    with open_project(tmp_path / "again.tawsim", create=True, labels=default_labels()) as target:
        report = import_paths(target, [out.parent], fmt="labelstudio")
        assert report.rejected == [] and report.imported == 1 and report.spans == 1


# ---------------------------------------------------------------- Label Studio's own files


def test_real_label_studio_files_import_as_meant(tmp_path: Path) -> None:
    assert detect_format(PEER_TASKS) == "labelstudio"
    assert detect_format(PEER_ANNOTATIONS) == "labelstudio"
    meant = (343, 354, "Date", "February 22")
    with open_project(tmp_path / "p.tawsim", create=True, labels=default_labels()) as project:
        report = import_paths(project, [PEER_TASKS], create_labels=True)
        assert report.rejected == [] and report.created_labels == ["Date"]
        assert report.imported == 1 and report.spans == 1
        (document,) = project.documents.iterate()
        assert document.text.startswith("Showers continued throughout the week")
        assert document.text[343:354] == "February 22"
        assert contents(project) == {"named_entity_tasks-1": [("model 1", *meant)]}
        kinds = {a.name: a.kind for a in project.annotators()}
        assert kinds["model 1"] == "suggestions"
        # The annotated copy of the same article: the same document gains alice's region.
        report = import_paths(project, [PEER_ANNOTATIONS], annotator="alice", create_labels=True)
        assert report.rejected == [] and report.duplicates == 1 and report.spans == 1
        assert contents(project) == {
            "named_entity_tasks-1": [("alice", *meant), ("model 1", *meant)]
        }


def test_single_task_object_keeps_its_id_in_meta(tmp_path: Path) -> None:
    (record,) = list(read_label_studio(PEER_ANNOTATIONS, None, "ner/1"))
    assert isinstance(record, SourceRecord)
    assert record.external_id == "ner/1-1"
    assert record.meta == {"label_studio_id": 1}
    assert record.location == f"{PEER_ANNOTATIONS}:1"
    assert record.spans == [
        {"start": 343, "end": 354, "label": "Date", "text": "February 22", "attrs": {}}
    ]


# ---------------------------------------------------------------- other inputs


def region(start: int, end: int, text: str, label: str = "ACTOR") -> dict[str, Any]:
    value = {"start": start, "end": end, "text": text, "labels": [label]}
    return {"id": "r1", "from_name": "ner", "to_name": "text", "type": "labels", "value": value}


def test_jsonl_of_tasks_completed_by_forms_and_skipped_results(tmp_path: Path) -> None:
    text = "😢 قصف على حلب"  # the emoji is two UTF-16 units
    tasks = [
        {
            "data": {"text": text, "title": "t"},
            "annotations": [
                {"completed_by": 7, "result": [region(7, 14, "على حلب")]},
                {"completed_by": {"email": "a@x.org", "id": 3}, "result": [region(3, 6, "قصف")]},
                {"completed_by": {"first_name": "Sam", "last_name": "K"}, "result": []},
                {"completed_by": {"id": 9}, "result": [region(12, 14, "لب")]},
                {"was_cancelled": True, "result": [region(0, 2, "😢")]},
                {
                    "result": [
                        region(12, 14, "لب", "LOCATION"),
                        {
                            "id": "r1",
                            "from_name": "canonical",
                            "type": "textarea",
                            "value": {"start": 12, "end": 14, "text": ["حلب"]},
                        },
                        {
                            "id": "r1",
                            "from_name": "sure",
                            "type": "choices",
                            "value": {"start": 12, "end": 14, "choices": ["yes", "no"]},
                        },
                        {
                            "id": "zz",
                            "from_name": "sentiment",
                            "type": "choices",
                            "value": {"choices": ["neg"]},
                        },
                        {"id": "rel", "type": "relation", "from_id": "r1", "to_id": "r1"},
                    ]
                },
            ],
            "predictions": [{"result": [region(3, 6, "قصف", "DATE")]}],
        },
        {"data": {"text": "نص ثان"}, "id": 12},
    ]
    path = tmp_path / "tasks.jsonl"
    path.write_text("\n".join(json.dumps(t, ensure_ascii=False) for t in tasks), encoding="utf-8")
    assert sniff_label_studio(path, path.read_bytes())
    items = list(read_label_studio(path, None, "tasks"))
    first, *notes, second = items
    assert isinstance(first, SourceRecord) and isinstance(second, SourceRecord)
    assert (first.external_id, first.meta, second.external_id) == (
        "tasks-1",
        {"title": "t"},
        "tasks-12",
    )
    assert second.location == f"{path}:2"
    owners = [(s.get("annotator"), s["start"], s["end"], s["label"]) for s in first.spans]
    assert owners == [
        ("user-7", 6, 13, "ACTOR"),
        ("a@x.org", 2, 5, "ACTOR"),
        ("user-9", 11, 13, "ACTOR"),
        (None, 11, 13, "LOCATION"),
        ("suggestions", 2, 5, "DATE"),
    ]
    assert first.spans[3]["attrs"] == {"canonical": "حلب", "sure": ["yes", "no"]}
    assert first.spans[4]["kind"] == "suggestions"
    assert all(isinstance(n, SourceNote) and n.location == f"{path}:1" for n in notes)
    messages = " | ".join(n.message for n in notes)
    assert "annotation 5 skipped: it was cancelled" in messages
    assert "'choices'" in messages and "'relation'" in messages
    assert annotator_name({"first_name": "Sam", "last_name": "K"}) == "Sam K"


def test_sniffing_claims_tasks_and_leaves_other_json(tmp_path: Path) -> None:
    def sniff(content: str, name: str = "x.json") -> bool:
        return sniff_label_studio(tmp_path / name, content.encode("utf-8"))

    assert sniff('\ufeff  [\n {"id": 1, "data": {"text": "غزة"}}]')
    assert sniff('{"annotations": [{"result": []}], "data": {"text": "' + "ن" * 40000)
    assert sniff('[{"data": {"text": "' + "ن" * 40000)  # cut off at 64 KiB
    assert sniff("<View>\n</View>\n", "out.config.xml")
    assert not sniff('{"id": "a", "text": "غزة", "spans": []}\n')  # native JSONL
    assert not sniff('{"text": "غزة", "label": [[0, 3, "LOCATION"]]}\n')  # doccano
    assert not sniff('{"text": "غزة", "meta": {"data": {}}}\n')
    assert not sniff('["a", "b"]')
    assert not sniff("id,text\n1,غزة\n")
    assert not sniff("<View>\n</View>\n", "named_entity_config.xml")
    assert not sniff("[" * 100000)


# ---------------------------------------------------------------- bad input

GOOD_1 = {
    "data": {"text": "قصف على حلب", "doc_id": "g1"},
    "annotations": [
        {"completed_by": {"email": "alice"}, "result": [region(8, 11, "حلب", "LOCATION")]}
    ],
}
GOOD_2 = {"data": {"text": "نص آخر", "doc_id": "g2"}}
BAD_LINES = {
    "malformed": ('{"data": {"text": "x"} "annotations": []}', "malformed JSON", ["g1"]),
    "no text": (
        '{"data": {"content": "نص"}}',
        'no "data.text" string in the task (data has content)',
        ["g1", "g2"],
    ),
    "text disagrees": (
        json.dumps(
            {"data": {"text": "قصف على حلب"}, "annotations": [{"result": [region(4, 7, "حلب")]}]}
        ),
        "annotation 1, result 1 (id 'r1'): value.text 'حلب' disagrees with the text 'على'",
        ["g1", "g2"],
    ),
    "past the text": (
        json.dumps({"data": {"text": "حلب"}, "predictions": [{"result": [region(1, 9, "لب")]}]}),
        "prediction 1, result 1 (id 'r1'): [1, 9) is outside the text (3 UTF-16 units long)",
        ["g1", "g2"],
    ),
    "nested too deeply": (
        '{"data": {"text": "x", "meta": ' + "[" * 100000 + "]" * 100000 + "}}",
        "malformed JSON (nested too deeply)",
        ["g1", "g2"],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_LINES))
def test_bad_task_is_named_and_the_good_ones_imported(
    case: str, project: Project, tmp_path: Path
) -> None:
    line, message, kept = BAD_LINES[case]
    path = tmp_path / "tasks.json"
    body = [json.dumps(GOOD_1, ensure_ascii=False), line, json.dumps(GOOD_2, ensure_ascii=False)]
    path.write_text("[\n" + ",\n".join(body) + "\n]\n", encoding="utf-8")
    report = import_paths(project, [path], fmt="labelstudio", annotator="carol")
    (rejected,) = report.rejected
    assert rejected.startswith(f"{path}:3: "), rejected
    assert message in rejected
    if case == "malformed":
        assert "column 24" in rejected
    assert sorted(contents(project)) == kept
    assert contents(project)["g1"] == [("alice", 8, 11, "LOCATION", "حلب")]
    assert {a.name for a in project.annotators()} == {"alice"}
