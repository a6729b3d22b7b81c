"""doccano JSONL: UTF-16 offsets by default, both variants, doccano's own files, bad input."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from app.core.exporting import export
from app.core.importing import ImportReport, detect_format, import_paths
from app.core.labels import default_labels
from app.formats.base import ExportOptions
from app.formats.doccano import sniff_doccano
from storage import Project, open_project
from tests.roundtrip import (
    Doc,
    documents,
    expected_spans,
    export_then_import,
    make_project,
    spans_by_text,
)

WriteJsonl = Callable[[Path, Iterable[dict[str, Any]]], Path]
FIXTURES = Path(__file__).parents[2] / "fixtures" / "interop" / "doccano"
COMBINATIONS = [(u, v) for u in ("utf16", "codepoint") for v in ("label", "entities")]

# An emoji before every span: a code point reading and a UTF-16 reading differ by one
# after each, and 👍🏽 is two astral characters.
TEXT = "😢 قتل ثلاثة 👍🏽 مدنيين بالرقة، وفق المرصد السوري يوم الأربعاء."


def js_index(text: str, cp: int) -> int:
    """What JavaScript's String indices (doccano's browser) give for code point ``cp``."""
    return len(text[:cp].encode("utf-16-le")) // 2


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def doccano_accepts(record: dict[str, Any]) -> bool:
    """doccano's import rules for a sequence-labeling line (pipeline/label.py SpanLabel)."""
    if not isinstance(record.get("text"), str) or not record["text"]:
        return False
    items = record.get("label", record.get("entities"))
    for item in items if isinstance(items, list) else [None]:
        if isinstance(item, list):
            item = dict(
                zip(["start_offset", "end_offset", "label"], item, strict=False)
            )  # doccano zips
        if not isinstance(item, dict):
            return False
        start, end, label = item.get("start_offset"), item.get("end_offset"), item.get("label")
        if not (isinstance(start, int) and isinstance(end, int) and isinstance(label, str)):
            return False
        if not (0 <= start < end and label):
            return False
    return True


def fresh_project(folder: Path) -> Project:
    return open_project(folder / "fresh.tawsim", create=True, labels=default_labels())


def import_file(project: Project, path: Path, **options: Any) -> ImportReport:
    return import_paths(project, [path], fmt="doccano", annotator="alice", **options)


def stored(project: Project) -> dict[str, list[tuple[Any, ...]]]:
    """external id -> sorted (start, end, label, covered text)."""
    result = {}
    for document in project.documents.iterate():
        spans = project.spans.for_document(document.id)
        result[document.external_id] = sorted((s.start, s.end, s.label, s.text) for s in spans)
    return result


def span_of(needle: str, label: str, text: str = TEXT) -> tuple[int, int, str]:
    start = text.index(needle)
    return start, start + len(needle), label


# --- round trips --------------------------------------------------------------------------


@pytest.mark.parametrize(("unit", "variant"), COMBINATIONS)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(docs=documents(overlaps=True))
def test_round_trip_with_overlaps(unit: str, variant: str, docs: list[Doc]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        source = make_project(folder, docs)
        options = ExportOptions(offsets=unit, variant=variant)
        rt = export_then_import(source, "doccano", folder, options=options)
        assert rt.exported.omitted == []
        assert rt.imported.rejected == []
        # Against the source project: documents with the same text are one document there.
        assert spans_by_text(rt.project) == spans_by_text(source)
        if len({doc.text for doc in docs}) == len(docs):
            assert spans_by_text(rt.project) == expected_spans(docs)
        records = lines(rt.out)
        assert all(doccano_accepts(record) for record in records)
        firsts = {doc.text: doc.id for doc in reversed(docs)}  # a repeated text is one document
        assert {r["text"]: r["id"] for r in records} == firsts


def test_default_offsets_are_javascript_string_indices(tmp_path: Path) -> None:
    wanted = [span_of("ثلاثة", "CASUALTY_COUNT"), span_of("بالرقة", "LOCATION")]
    wanted.append(span_of("الأربعاء", "DATE"))
    wanted.append((TEXT.index("👍"), TEXT.index("👍") + 2, "ACTOR"))  # the emoji itself
    doc = Doc("emoji", TEXT, tuple(sorted(wanted)))
    rt = export_then_import(make_project(tmp_path, [doc]), "doccano", tmp_path)
    (record,) = lines(rt.out)
    assert record["label"] == [
        [js_index(TEXT, s), js_index(TEXT, e), label] for s, e, label in sorted(wanted)
    ]
    assert record["label"][0][0] == TEXT.index("ثلاثة") + 1  # one 😢 before it
    assert "offset_unit" not in record  # plain doccano: UTF-16 needs no marker
    assert spans_by_text(rt.project) == expected_spans([doc])


def test_codepoint_option_writes_python_offsets_and_says_so(tmp_path: Path) -> None:
    doc = Doc("emoji", TEXT, (span_of("بالرقة", "LOCATION"),))
    options = ExportOptions(offsets="codepoint", variant="entities")
    rt = export_then_import(make_project(tmp_path, [doc]), "doccano", tmp_path, options=options)
    (record,) = lines(rt.out)
    start, end, _ = doc.spans[0]
    assert record["entities"] == [
        {"id": 0, "label": "LOCATION", "start_offset": start, "end_offset": end}
    ]
    assert record["relations"] == []
    assert record["offset_unit"] == "codepoint"
    assert spans_by_text(rt.project) == expected_spans([doc])


# --- attributes and metadata --------------------------------------------------------------


@pytest.fixture
def attributed(project: Project, tmp_path: Path, write_jsonl: WriteJsonl) -> Project:
    start, end, _ = span_of("بالرقة", "LOCATION")
    spans = [
        {"start": start, "end": end, "label": "LOCATION", "annotator": "alice",
         "attrs": {"certainty": "مؤكد", "n": 2}},
        {"start": 0, "end": 1, "label": "ACTOR", "annotator": "alice"},
    ]  # fmt: skip
    source = write_jsonl(
        tmp_path / "source.jsonl",
        [
            {
                "id": "a1",
                "text": TEXT,
                "meta": {
                    "title": "الرقة",
                    "url": "http://example.org/a1",
                    "agency": "وكالة",
                    "text": "a meta key named like doccano's own",
                    "spans": 3,
                    "meta": {"deep": True},
                },
                "spans": spans,
            },
            {"id": "a2", "text": "خبر بلا وسوم.", "spans": []},
        ],
    )
    assert import_paths(project, [source]).rejected == []
    return project


def test_label_variant_reports_attributes_it_leaves_out(
    attributed: Project, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    report = export(attributed, "doccano", out, annotator="alice")
    assert report.omitted == [
        "a1: attributes of 1 span(s) left out (doccano's [start, end, label] triples cannot "
        "hold them; the entities variant can)"
    ]
    assert report.report_path is not None and report.report_path.exists()
    assert all(doccano_accepts(record) for record in lines(out))


def test_entities_variant_carries_attributes_back(attributed: Project, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    options = ExportOptions(variant="entities")
    report = export(attributed, "doccano", out, annotator="alice", options=options)
    assert report.omitted == []
    first = lines(out)[0]
    assert first["entities"][1]["attrs"] == {"certainty": "مؤكد", "n": 2}
    assert doccano_accepts(first)
    with fresh_project(tmp_path) as target:
        assert import_file(target, out).rejected == []
        (document,) = [d for d in target.documents.iterate() if d.external_id == "a1"]
        attrs = {s.label: s.attrs for s in target.spans.for_document(document.id)}
    assert attrs == {"LOCATION": {"certainty": "مؤكد", "n": 2}, "ACTOR": {}}


def test_metadata_travels_as_doccano_keeps_it(attributed: Project, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    export(attributed, "doccano", out, annotator="alice")
    first = lines(out)[0]
    # Extra top-level keys are doccano's metadata; those named like its own keys nest.
    assert first["id"] == "a1"
    assert first["text"] == TEXT
    assert first["agency"] == "وكالة"
    assert first["title"] == "الرقة"
    assert first["url"] == "http://example.org/a1"
    assert first["meta"] == {
        "meta": {"deep": True},
        "spans": 3,
        "text": "a meta key named like doccano's own",
    }
    assert "spans" not in first  # or the file would sniff as native JSONL
    assert detect_format(out) == "doccano"
    with fresh_project(tmp_path) as target:
        assert import_file(target, out).rejected == []
        again = {d.external_id: d for d in target.documents.iterate()}
    original = {d.external_id: d for d in attributed.documents.iterate()}
    for key in ("a1", "a2"):
        assert again[key].meta == original[key].meta
        assert (again[key].title, again[key].url) == (original[key].title, original[key].url)
        assert again[key].text == original[key].text


# --- doccano's own files ------------------------------------------------------------------


def test_doccano_sequence_labeling_export_example(project: Project) -> None:
    path = FIXTURES / "data_export_examples_sequence_labeling_example.jsonl"
    assert detect_format(path) == "doccano"
    report = import_file(project, path, create_labels=True)
    assert report.rejected == []
    assert set(report.created_labels) == {"ORG", "MISC", "PERSON"}
    name = path.stem
    assert stored(project) == {
        f"{name}-1": [(0, 2, "ORG", "EU"), (11, 17, "MISC", "German")],
        f"{name}-2": [(0, 15, "PERSON", "Peter Blackburn")],
        f"{name}-3": [(10, 15, "PERSON", "Obama")],
    }


def test_doccano_upload_example_with_its_placeholder_column_names(project: Project) -> None:
    path = FIXTURES / "data_import_examples_sequence_labeling_example.jsonl"
    assert detect_format(path) == "doccano"
    report = import_file(project, path, create_labels=True)
    assert report.rejected == []
    assert sorted(stored(project).values()) == [
        [(0, 2, "ORG", "EU")],
        [(0, 15, "PERSON", "Peter Blackburn")],
        [(10, 15, "PERSON", "Obama")],
    ]


def test_doccano_test_data_meta_and_missing_text(project: Project) -> None:
    path = FIXTURES / "data_import_tests_data_sequence_labeling_example.jsonl"
    report = import_file(project, path, create_labels=True)
    # doccano's own test expects exampleA and exampleB, and an error for line 3.
    assert report.rejected == [f'{path}:3: no "text" string in the record']
    name = path.stem
    assert stored(project) == {f"{name}-1": [(0, 1, "LOC", "e")], f"{name}-2": []}
    metas = {d.text: d.meta for d in project.documents.iterate()}
    assert metas == {"exampleA": {"wikiPageID": 1}, "exampleB": {"wikiPageID": 2}}


def test_doccano_overlapping_example_stores_the_duplicate_once(project: Project) -> None:
    path = FIXTURES / "data_import_tests_data_sequence_labeling_example_overlapping.jsonl"
    assert detect_format(path) == "doccano"
    report = import_file(project, path, create_labels=True)
    assert report.rejected == []
    assert list(stored(project).values()) == [[(0, 1, "LOC", "e")]]


@pytest.mark.parametrize(
    "name",
    [
        "data_import_tests_data_relation_extraction_example.jsonl",
        "data_export_examples_relation_extraction_example.jsonl",  # pretty-printed
    ],
)
def test_doccano_relation_extraction_entities(project: Project, name: str) -> None:
    path = FIXTURES / name
    assert detect_format(path) == "doccano"
    report = import_file(project, path, create_labels=True)
    assert report.rejected == []
    ((external_id, spans),) = stored(project).items()
    assert external_id == f"{path.stem}-1"
    assert spans == [
        (0, 6, "ORG", "Google"),
        (22, 39, "DATE", "September 4, 1998"),
        (44, 54, "PERSON", "Larry Page"),
        (59, 70, "PERSON", "Sergey Brin"),
    ]
    (document,) = project.documents.iterate()
    relations = document.meta["doccano_relations"]  # skipped as spans, kept verbatim
    assert [(r["from_id"], r["to_id"], r["type"]) for r in relations] == [
        (0, 1, "foundedAt"),
        (0, 2, "foundedBy"),
        (0, 3, "foundedBy"),
    ]


# --- bad input ----------------------------------------------------------------------------


def write_lines(path: Path, records: list[Any]) -> Path:
    text = "".join(
        (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records
    )
    path.write_text(text, encoding="utf-8")
    return path


GOOD_A = {"id": "a", "text": "قصف على حلب", "label": [[8, 11, "LOCATION"]]}
GOOD_B = {"id": "b", "text": "😢 غزة", "label": [[3, 6, "LOCATION"]]}


def assert_only_good_imported(project: Project, report: ImportReport) -> None:
    assert report.imported == 2
    assert stored(project) == {
        "a": [(8, 11, "LOCATION", "حلب")],
        "b": [(2, 5, "LOCATION", "غزة")],
    }


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ('{"id": "x", "text": "نص", "label": [[0, 1, "ACTOR"]', "malformed JSON"),
        ({"id": "x", "text": "نص", "label": [[0, 1]]}, "span 1: expected [start, end, label]"),
        ({"id": "x", "text": "نص", "label": [0, 1, "ACTOR"]}, "span 1: expected [start,"),
        ({"id": "x", "text": "نص", "label": "ACTOR"}, '"label" must be a list'),
        ({"id": "x", "text": "نص", "label": [["0", 1, "ACTOR"]]}, "offsets must be integers"),
        ({"id": "x", "text": "نص", "label": [[0.0, 1, "ACTOR"]]}, "offsets must be integers"),
        ({"id": "x", "text": "نص", "label": [[0, True, "ACTOR"]]}, "offsets must be integers"),
        ({"id": "x", "text": "نص", "label": [[0, 1, ""]]}, "label must be a non-empty"),
        (
            {"id": "x", "text": "نص", "entities": [{"start_offset": 0, "label": "ACTOR"}]},
            "span 1: expected [start, end, label]",
        ),
        ({"id": "x", "text": "نص", "label": [[2, 1, "ACTOR"]]}, "span 1 [2, 1, 'ACTOR']: reversed"),
        ({"id": "x", "text": "نص", "label": [[1, 1, "ACTOR"]]}, "reversed or empty"),
        (
            {"id": "x", "text": "😢نص", "label": [[0, 2, "ACTOR"], [2, 5, "ACTOR"]]},
            "span 2 [2, 5, 'ACTOR']: outside the text (4 UTF-16 units)",
        ),
        ({"id": "x", "text": "نص", "label": [[-1, 1, "ACTOR"]]}, "outside the text"),
        ({"id": "x", "text": "نص", "offset_unit": "bytes", "label": []}, '"offset_unit"'),
        ({"id": None, "text": "نص", "label": []}, '"id"'),
        ([1, 2], "a line must hold a JSON object"),
    ],
)
def test_bad_line_is_named_and_the_others_imported(
    project: Project, tmp_path: Path, bad: Any, message: str
) -> None:
    path = write_lines(tmp_path / "in.jsonl", [GOOD_A, bad, GOOD_B])
    report = import_file(project, path)
    (rejected,) = report.rejected
    assert rejected.startswith(f"{path}:2: ")
    assert message in rejected
    assert_only_good_imported(project, report)


def test_file_counting_code_points_is_reported(project: Project, tmp_path: Path) -> None:
    # A Python tool's offsets: "غزة" is [1, 4) in code points, but 1 in UTF-16 units falls
    # between the two halves of 😢's surrogate pair.
    bad = {"id": "x", "text": "😢غزة", "label": [[1, 4, "LOCATION"]]}
    path = write_lines(tmp_path / "in.jsonl", [GOOD_A, bad, GOOD_B])
    report = import_file(project, path)
    (rejected,) = report.rejected
    assert rejected.startswith(f"{path}:2: span 1 [1, 4, 'LOCATION']: UTF-16 offset 1")
    assert "read as code points it covers 'غزة'" in rejected
    assert '"offset_unit": "codepoint"' in rejected
    assert_only_good_imported(project, report)
    # The marker the message suggests makes the line import as meant.
    fixed = write_lines(tmp_path / "fixed.jsonl", [{**bad, "offset_unit": "codepoint"}])
    assert import_file(project, fixed).rejected == []
    assert stored(project)["x"] == [(1, 4, "LOCATION", "غزة")]


def test_pretty_printed_objects_and_a_broken_one(project: Project, tmp_path: Path) -> None:
    pretty = [json.dumps(r, ensure_ascii=False, indent=2) for r in (GOOD_A, GOOD_B)]
    path = tmp_path / "pretty.jsonl"
    path.write_text(pretty[0] + "\n" + pretty[1] + '\n{\n  "text": oops\n}\n', encoding="utf-8")
    report = import_file(project, path)
    first_line_of_b = pretty[0].count("\n") + 2
    assert {d.import_file for d in project.documents.iterate()} == {
        f"{path}:1",
        f"{path}:{first_line_of_b}",
    }
    broken_at = first_line_of_b + pretty[1].count("\n") + 1
    (rejected,) = report.rejected
    assert rejected.startswith(f"{path}:{broken_at}: malformed JSON")
    assert_only_good_imported(project, report)


def test_utf8_bom_at_the_start(project: Project, tmp_path: Path) -> None:
    path = write_lines(tmp_path / "bom.jsonl", [GOOD_A, GOOD_B])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert detect_format(path) == "doccano"
    report = import_file(project, path)
    assert report.rejected == []
    assert_only_good_imported(project, report)
    assert {d.import_encoding for d in project.documents.iterate()} == {"UTF-8 with BOM"}


def test_utf8_bom_with_explicit_encoding(project: Project, tmp_path: Path) -> None:
    path = write_lines(tmp_path / "bom.jsonl", [GOOD_A, GOOD_B])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    report = import_file(project, path, encoding="utf-8")
    assert report.rejected == []
    assert_only_good_imported(project, report)


def test_damaged_utf8_line_is_named_and_the_others_imported(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "damaged.jsonl"
    good = write_lines(tmp_path / "good.jsonl", [GOOD_A, GOOD_B]).read_bytes().split(b"\n")
    path.write_bytes(good[0] + b"\n" + '{"text": "غ'.encode() + b'\xd8"}\n' + good[1] + b"\n")
    report = import_file(project, path)
    (rejected,) = report.rejected
    assert rejected.startswith(f"{path}:2: invalid UTF-8 byte 0xd8")
    assert_only_good_imported(project, report)


def test_unknown_export_option_is_refused(attributed: Project, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="offsets"):
        export(attributed, "doccano", tmp_path / "x.jsonl", options=ExportOptions(offsets="u8"))
    assert not (tmp_path / "x.jsonl").exists()


# --- sniffing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "claimed"),
    [
        (b'{"text": "x", "label": [[0, 1, "A"]]}\n', True),
        (b'{"text": "x", "label": []}\n', True),
        (b'{"text": "x", "labels": [[0, 1, "A"]]}\n', True),
        (b'{"text": "x", "entities": [{"start_offset": 0, "end_offset": 1, "label": "A"}]}', True),
        (b'{\n  "text": "x",\n  "entities": []\n}\n', True),
        (b'\xef\xbb\xbf{"text": "x", "label": [[0, 1, "A"]]}\n', True),
        (b'{"text": "x", "label": [[0, 1, "A"]], "spans": []}\n', False),  # native JSONL
        (b'{"id": "a", "text": "x", "meta": {}, "spans": []}\n', False),
        (b'{"text": "x", "label": ["positive"]}\n', False),  # text classification
        (b'{"label": [[0, 1, "A"]]}\n', False),
        (b'[{"data": {"text": "x"}, "annotations": []}]', False),  # Label Studio
        (b'{"text": "x", "label": [[0, 1, "A"]', False),  # cut
        (b"\x00\x01", False),
    ],
)
def test_sniff(tmp_path: Path, head: bytes, claimed: bool) -> None:
    assert sniff_doccano(tmp_path / "f.jsonl", head) is claimed
