"""UIMA CAS XMI: read back by dkpro-cassis itself, INCEpTION's and cassis's files, bombs."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import cassis
from hypothesis import HealthCheck, given, settings

from app.core.exporting import export
from app.core.importing import import_paths
from app.core.labels import default_labels
from app.formats.records import SourceError, SourceRecord
from app.formats.xmi import LAYER_TYPE, read_xmi, sniff_xmi
from app.text.offsets import Utf16Map
from storage import open_project
from tests.roundtrip import (
    Doc,
    documents,
    expected_spans,
    export_then_import,
    make_project,
    spans_by_text,
)

FIXTURES = Path(__file__).parents[2] / "fixtures" / "interop" / "uima_cas_xmi"
INCEPTION_TYPES = "inception_webannoTestTypes.xml"
TS = "TypeSystem.xml"

# Emoji before, inside and after spans; a span that starts inside 👍🏽 (between the hand and
# its skin tone); overlapping spans; harakat.
TEXT = "😢 قصفٌ على حلب 👍🏽 وقتل ١٥ شخصا 📍غزة"
SPANS = [
    (2, 6, "ACTOR"),
    (2, 14, "CASUALTY_COUNT"),
    (11, 14, "LOCATION"),
    (16, 17, "DATE"),
    (31, 35, "LOCATION"),
]


def _project_from_records(folder: Path, records: list[dict[str, Any]]) -> Path:
    """A real project from native JSONL records (spans may carry attrs and annotators)."""
    source = folder / "records.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = folder / "records.tawsim"
    with open_project(path, create=True, labels=default_labels()) as project:
        report = import_paths(project, [source], annotator="alice")
        assert report.rejected == [], report.rejected
    return path


def _import(paths: list[Path], folder: Path, **options: Any) -> tuple[Any, Path]:
    target = folder / "imported.tawsim"
    with open_project(target, create=True, labels=default_labels()) as project:
        report = import_paths(project, paths, **options)
    return report, target


def _peer_annotations(out: Path) -> dict[str, tuple[str, list[tuple[Any, ...]]]]:
    """What dkpro-cassis itself reads from our export: document id -> (text, annotations)."""
    typesystem = cassis.load_typesystem(out / "TypeSystem.xml")
    found = {}
    for path in sorted(out.glob("*.xmi")):
        cas = cassis.load_cas_from_xmi(path, typesystem=typesystem)
        (metadata,) = cas.select("de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData")
        annotations = sorted(
            (a.begin, a.end, a.label, a.get_covered_text(), a.annotator)
            for a in cas.select(LAYER_TYPE)
        )
        found[metadata.documentId] = (cas.sofa_string, annotations)
    return found


def test_cassis_reads_our_export_in_code_points_and_disk_in_utf16(tmp_path: Path) -> None:
    source = make_project(tmp_path, [Doc("art/1", TEXT, tuple(SPANS)), Doc("art:2", "نص بلا وسوم")])
    out = tmp_path / "out"
    with open_project(source) as project:
        report = export(project, "xmi", out, annotator="alice")
    assert report.omitted == []
    assert sorted(p.name for p in out.iterdir()) == ["TypeSystem.xml", "art_1.xmi", "art_2.xmi"]
    peer = _peer_annotations(out)
    expected = sorted((s, e, label, TEXT[s:e], "alice") for s, e, label in SPANS)
    assert peer == {"art/1": (TEXT, expected), "art:2": ("نص بلا وسوم", [])}
    # On disk XMI counts UTF-16 units, as UIMA's Java does.
    raw = (out / "art_1.xmi").read_text(encoding="utf-8")
    on_disk = sorted(
        (int(b), int(e), label)
        for b, e, label in re.findall(r'begin="(\d+)" end="(\d+)" label="(\w+)"', raw)
    )
    utf16 = Utf16Map(TEXT)
    assert on_disk == sorted((utf16.to_utf16(s), utf16.to_utf16(e), lab) for s, e, lab in SPANS)
    assert (3, 7, "ACTOR") in on_disk and (18, 20, "DATE") in on_disk  # 😢 👍 🏽: two units each


def test_type_system_is_a_custom_span_layer_inception_can_import(tmp_path: Path) -> None:
    source = make_project(tmp_path, [Doc("d", TEXT, tuple(SPANS))])
    out = tmp_path / "out"
    with open_project(source) as project:
        export(project, "xmi", out)
    typesystem = cassis.load_typesystem(out / "TypeSystem.xml")
    layer = typesystem.get_type(LAYER_TYPE)
    assert layer.supertype.name == "uima.tcas.Annotation"
    features = {f.name: f.rangeType.name for f in layer.features}
    assert features == {
        "label": "uima.cas.String",
        "annotator": "uima.cas.String",
        "attrsJson": "uima.cas.String",
        # one feature per attribute the default labels declare
        **{name: "uima.cas.String" for name in ("canonical", "value", "low", "high")},
        **{name: "uima.cas.String" for name in ("outcome", "qualifier", "precision")},
    }


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(documents(overlaps=True))
def test_round_trip_keeps_every_span(docs: list[Doc]) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        rt = export_then_import(make_project(folder, docs), "xmi", folder)
        assert rt.imported.rejected == []
        assert rt.exported.omitted == []
        assert spans_by_text(rt.project, "alice") == expected_spans(docs)


def test_attributes_layers_and_titles_round_trip(tmp_path: Path) -> None:
    text = "قتل ثلاثة عشر شخصا في حلب"
    records = [
        {
            "id": "a-1",
            "text": text,
            "meta": {"title": "عنوان", "url": "https://example.org/a"},
            "spans": [
                {
                    "start": 4,
                    "end": 13,
                    "label": "CASUALTY_COUNT",
                    "attrs": {"value": 13, "outcome": "killed", "low": None, "note": "غير معلن"},
                },
                {"start": 4, "end": 13, "label": "CASUALTY_COUNT", "annotator": "bob"},
                {"start": 22, "end": 25, "label": "LOCATION", "attrs": {"canonical": "حلب"}},
            ],
        }
    ]
    source = _project_from_records(tmp_path, records)
    out = tmp_path / "out"
    with open_project(source) as project:
        export(project, "xmi", out)  # every layer, in one CAS per document
    raw = (out / "a-1.xmi").read_text(encoding="utf-8")
    assert 'value="13"' in raw and 'outcome="killed"' in raw and 'annotator="bob"' in raw
    report, target = _import([out], tmp_path)
    assert report.rejected == [] and report.imported == 1
    with open_project(target) as project:
        (document,) = project.documents.iterate()
        assert (document.external_id, document.title, document.url) == (
            "a-1",
            "عنوان",
            "https://example.org/a",
        )
        got = sorted(
            (s.annotator, s.start, s.end, s.label, s.attrs)
            for s in project.spans.for_document(document.id)
        )
    assert got == [
        ("alice", 4, 13, "CASUALTY_COUNT", {"value": 13, "outcome": "killed", "low": None,
                                            "note": "غير معلن"}),
        ("alice", 22, 25, "LOCATION", {"canonical": "حلب"}),
        ("bob", 4, 13, "CASUALTY_COUNT", {}),
    ]  # fmt: skip


def test_an_attribute_edited_in_inception_wins_over_the_json_copy(tmp_path: Path) -> None:
    source = _project_from_records(
        tmp_path,
        [{"id": "x", "text": "قتل ١٥ شخصا", "spans": [
            {"start": 4, "end": 6, "label": "CASUALTY_COUNT", "attrs": {"value": 15, "high": 20}}
        ]}],
    )  # fmt: skip
    out = tmp_path / "out"
    with open_project(source) as project:
        export(project, "xmi", out)
    path = out / "x.xmi"
    path.write_text(path.read_text(encoding="utf-8").replace('value="15"', 'value="16"'), "utf-8")
    (record,) = read_xmi(path, None, "x")
    assert isinstance(record, SourceRecord)
    assert record.spans[0]["attrs"] == {"value": "16", "high": 20}


def test_text_xml_cannot_carry_is_reported_and_the_rest_written(tmp_path: Path) -> None:
    docs = [Doc("ok", "نص سليم", ((0, 2, "ACTOR"),)), Doc("ff", "سطر\x0cصفحة", ((0, 3, "ACTOR"),))]
    source = make_project(tmp_path, docs)
    out = tmp_path / "out"
    with open_project(source) as project:
        report = export(project, "xmi", out)
    assert report.omitted == ["ff: not written: its text holds U+000C on line 1, which XML 1.0"
                              " cannot carry"]  # fmt: skip
    assert sorted(p.name for p in out.iterdir()) == ["TypeSystem.xml", "ok.xmi"]


def test_distinct_file_names_for_ids_that_clash(tmp_path: Path) -> None:
    docs = [Doc("a/b", "نص أول"), Doc("a:b", "نص ثان"), Doc("A_B", "نص ثالث"), Doc("..", "نص")]
    source = make_project(tmp_path, docs)
    rt = export_then_import(source, "xmi", tmp_path)
    assert sorted(p.name for p in rt.out.iterdir()) == [
        "A_B-3.xmi",
        "TypeSystem.xml",
        "a_b-2.xmi",
        "a_b.xmi",
        "document.xmi",
    ]
    with open_project(rt.project) as project:
        ids = sorted(d.external_id for d in project.documents.iterate())
    assert ids == ["..", "A_B", "a/b", "a:b"]


# ------------------------------------------------------------------ the peers' own files


def _arrange(folder: Path, files: dict[str, str]) -> Path:
    """Copy fixtures into ``folder`` under the names INCEpTION's exports use."""
    folder.mkdir(parents=True, exist_ok=True)
    for target, fixture in files.items():
        shutil.copyfile(FIXTURES / fixture, folder / target)
    return folder


def _imported(target: Path) -> list[tuple[str, str, list[tuple[Any, ...]]]]:
    with open_project(target) as project:
        return [
            (
                d.external_id,
                d.text,
                sorted((s.start, s.end, s.label, s.text) for s in project.spans.for_document(d.id)),
            )
            for d in project.documents.iterate()
        ]


def test_inception_named_entity_with_value(tmp_path: Path) -> None:
    name = "testMultiTokenSpanWithFeatureValue.xmi"
    folder = _arrange(tmp_path / "in", {name: f"inception_{name}", TS: INCEPTION_TYPES})
    report, target = _import([folder], tmp_path, annotator="peer", create_labels=True)
    assert report.rejected == [] and report.notes == []
    assert _imported(target) == [
        ("doc", "This is a test .", [(0, 16, "PERSON", "This is a test .")])
    ]


def test_inception_entity_on_an_emoji_is_one_code_point(tmp_path: Path) -> None:
    name = "testSentenceWithEmoji.xmi"
    folder = _arrange(tmp_path / "in", {name: f"inception_{name}", TS: INCEPTION_TYPES})
    report, target = _import([folder], tmp_path, annotator="peer", create_labels=True)
    assert report.rejected == []
    # The NamedEntity has no value: its type names it. In the file it is [10, 12) in UTF-16.
    assert _imported(target) == [("doc", "I like it 😊 .", [(10, 11, "NamedEntity", "😊")])]


def test_type_system_at_the_import_root_serves_sub_folders(tmp_path: Path) -> None:
    root = _arrange(tmp_path / "in", {TS: INCEPTION_TYPES})
    name = "testMultiTokenSpanWithFeatureValue.xmi"
    _arrange(root / "omar", {name: f"inception_{name}"})
    report, target = _import([root], tmp_path, create_labels=True)  # no --annotator
    assert report.rejected == [] and report.notes == []
    assert spans_by_text(target, "omar") == {
        "This is a test .": [(0, 16, "PERSON", "This is a test .")]
    }


def test_cassis_emoji_file_with_its_type_system_beside_it(tmp_path: Path) -> None:
    stem = "cassis_json_fs_as_array_ser-ref_casWithEmojiUnicodeTextAndAnnotations_debug"
    # cassis's tests keep "<name>-typesystem.xml" beside "<name>.xmi": found by that name.
    names = (f"{stem}.xmi", f"{stem}-typesystem.xml")
    folder = _arrange(tmp_path / "in", {name: name for name in names})
    report, target = _import([folder], tmp_path, annotator="peer", create_labels=True)
    assert report.rejected == []
    ((_, text, spans),) = _imported(target)
    assert text == "🥳 This 👳🏻\u200d♀️ is ✆ a 🧔🏾\u200d♂️ test 👻"
    assert [(s, e, covered) for s, e, _, covered in spans] == [
        (0, 1, "🥳"),
        (2, 6, "This"),
        (7, 12, "👳🏻\u200d♀️"),
        (13, 15, "is"),
        (16, 17, "✆"),
        (18, 19, "a"),
        (20, 25, "🧔🏾\u200d♂️"),
        (26, 30, "test"),
        (31, 32, "👻"),
    ]
    assert {label for _, _, label, _ in spans} == {"Annotation"}


def test_cassis_arabic_file_without_a_type_system(tmp_path: Path) -> None:
    folder = _arrange(
        tmp_path / "in", {"arabic.xmi": "cassis_casWithLeftToRightText_ARABIC_debug.xmi"}
    )
    report, target = _import([folder], tmp_path, annotator="peer", create_labels=True)
    assert report.rejected == []
    assert _imported(target) == [
        ("arabic", "هذا اختبار", [(0, 3, "Annotation", "هذا"), (4, 10, "Annotation", "اختبار")])
    ]


def test_inception_file_with_smileys_and_crlf(tmp_path: Path) -> None:
    folder = _arrange(tmp_path / "in", {"smileys.xmi": "cassis_xmi_cas_with_smileys.xmi"})
    report, target = _import([folder], tmp_path, annotator="peer", create_labels=True)
    assert report.rejected == []
    ((doc_id, text, spans),) = _imported(target)
    assert doc_id == "huggingface.txt"
    assert "\r" not in text and text.startswith("🤗 Transformers provides thousands")
    # In the file (UTF-16, CRLF): 3-15, 286-298, 616-628, 688-695, 700-710.
    assert spans == [
        (2, 14, "OTH", "Transformers"),
        (283, 295, "OTH", "Transformers"),
        (611, 623, "OTH", "Transformers"),
        (683, 690, "OTH", "PyTorch"),
        (695, 705, "OTH", "TensorFlow"),
    ]
    with open_project(target) as project:
        (document,) = project.documents.iterate()
        assert document.title == "huggingface.txt"
        assert document.url == ""  # a file: URI on INCEpTION's server is not the article's URL


def test_tokens_and_sentences_are_structure_not_spans(tmp_path: Path) -> None:
    folder = _arrange(
        tmp_path / "in",
        {
            "small_cas.xmi": "cassis_xmi_small_cas.xmi",
            TS: "cassis_typesystems_small_typesystem.xml",
        },
    )
    report, target = _import([folder], tmp_path, annotator="peer")
    assert report.rejected == []
    assert _imported(target) == [
        ("small_cas", "Joe waited for the train . The train was late .", [])
    ]


# ------------------------------------------------------------------ bad input


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<xmi:XMI xmlns:xmi="http://www.omg.org/XMI" xmlns:cas="http:///uima/cas.ecore" xmi:version="2.0">
  <cas:Sofa xmi:id="1" sofaNum="1" sofaID="_InitialView" sofaString="&lol3;"/>
</xmi:XMI>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE x [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<xmi:XMI xmlns:xmi="http://www.omg.org/XMI" xmlns:cas="http:///uima/cas.ecore" xmi:version="2.0">
  <cas:Sofa xmi:id="1" sofaNum="1" sofaID="_InitialView" sofaString="&secret;"/>
</xmi:XMI>
"""

UNKNOWN_TYPE = """<?xml version="1.0" encoding="UTF-8"?>
<xmi:XMI xmlns:xmi="http://www.omg.org/XMI" xmlns:cas="http:///uima/cas.ecore"
  xmlns:custom="http:///webanno/custom.ecore" xmi:version="2.0">
  <cas:NULL xmi:id="0"/>
  <custom:Event xmi:id="2" sofa="1" begin="0" end="3" label="ATTACK"/>
  <cas:Sofa xmi:id="1" sofaNum="1" sofaID="_InitialView" sofaString="قصف حلب"/>
  <cas:View sofa="1" members="2"/>
</xmi:XMI>
"""


def _good_folder(tmp_path: Path) -> Path:
    return _arrange(tmp_path / "in", {"good.xmi": "cassis_casWithLeftToRightText_ARABIC_debug.xmi"})


def _assert_only_good_imported(target: Path) -> None:
    assert [(doc_id, text) for doc_id, text, _ in _imported(target)] == [("good", "هذا اختبار")]


def test_entity_bombs_are_refused_before_any_parser_sees_them(tmp_path: Path) -> None:
    folder = _good_folder(tmp_path)
    (folder / "laughs.xmi").write_text(BILLION_LAUGHS, encoding="utf-8")
    (folder / "xxe.xmi").write_text(EXTERNAL_ENTITY, encoding="utf-8")
    (folder / "wide.xmi").write_text(EXTERNAL_ENTITY, encoding="utf-16")  # BOM, UTF-16-LE
    report, target = _import([folder], tmp_path, fmt="xmi", annotator="p", create_labels=True)
    assert sorted(report.rejected) == [
        f"{folder / name}:2: <!DOCTYPE declarations are not accepted (they can expand"
        " entities or load other files); XMI never needs them"
        for name in ("laughs.xmi", "wide.xmi", "xxe.xmi")
    ]
    assert "passwd" not in str(_imported(target)) and "lol" not in str(_imported(target))
    _assert_only_good_imported(target)


def test_a_type_system_with_a_doctype_is_refused_naming_it(tmp_path: Path) -> None:
    folder = _arrange(tmp_path / "in", {"a.xmi": "cassis_casWithLeftToRightText_ARABIC_debug.xmi"})
    bomb = BILLION_LAUGHS.replace("xmi:XMI", "typeSystemDescription")
    (folder / "TypeSystem.xml").write_text(bomb, encoding="utf-8")
    (items,) = [list(read_xmi(folder / "a.xmi", None, "a"))]
    assert [str(i) for i in items] == [
        f"{folder / 'TypeSystem.xml'}:2: <!DOCTYPE declarations are not accepted (they can"
        " expand entities or load other files); XMI never needs them"
    ]


def test_unknown_types_are_named_with_file_and_line(tmp_path: Path) -> None:
    folder = _good_folder(tmp_path)
    (folder / "event.xmi").write_text(UNKNOWN_TYPE, encoding="utf-8")
    report, target = _import([folder], tmp_path, annotator="peer", create_labels=True)
    assert report.rejected == [
        f"{folder / 'event.xmi'}:5: types not in its type system: webanno.custom.Event"
        " (put the TypeSystem.xml that defines them beside the file)"
    ]
    _assert_only_good_imported(target)


def test_with_its_type_system_the_unknown_type_is_a_span(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "event.xmi").write_text(UNKNOWN_TYPE, encoding="utf-8")
    typesystem = cassis.TypeSystem()
    event = typesystem.create_type("webanno.custom.Event", "uima.tcas.Annotation")
    typesystem.create_feature(event, "label", "uima.cas.String")
    typesystem.to_xml(folder / "TypeSystem.xml")
    (record,) = read_xmi(folder / "event.xmi", None, "event")
    assert isinstance(record, SourceRecord)
    assert record.spans == [{"start": 0, "end": 3, "label": "ATTACK", "attrs": {}}]


def test_unknown_features_are_named_with_file_and_line(tmp_path: Path) -> None:
    name = "inception_testMultiTokenSpanWithFeatureValue.xmi"
    path = tmp_path / "colour.xmi"
    fixture = (FIXTURES / name).read_text(encoding="utf-8")
    path.write_text(fixture.replace('value="PERSON"', 'value="PERSON" colour="red"'), "utf-8")
    assert [str(i) for i in read_xmi(path, None, "colour")] == [
        f"{path}:10: feature 'colour' is not in its type system (put the TypeSystem.xml"
        " that defines it beside the file)"
    ]


def test_our_export_without_its_type_system_says_what_is_missing(tmp_path: Path) -> None:
    source = make_project(tmp_path, [Doc("d1", TEXT, tuple(SPANS))])
    out = tmp_path / "out"
    with open_project(source) as project:
        export(project, "xmi", out)
    (out / "TypeSystem.xml").unlink()
    assert [str(i) for i in read_xmi(out / "d1.xmi", None, "d1")] == [
        f"{out / 'd1.xmi'}:2: types not in its type system: webanno.custom.Tawsim (put the"
        " TypeSystem.xml that defines them beside the file)"
    ]


def test_malformed_xml_names_the_line(tmp_path: Path) -> None:
    folder = _good_folder(tmp_path)
    good = (FIXTURES / "cassis_casWithLeftToRightText_ARABIC_debug.xmi").read_text("utf-8")
    broken = good.replace('<cas:View sofa="1" members="2 3 4"/>', "<cas:View")
    (folder / "broken.xmi").write_text(broken, encoding="utf-8")
    (folder / "notes.xmi").write_text("مجرد نص", encoding="utf-8")
    report, target = _import([folder], tmp_path, fmt="xmi", annotator="p", create_labels=True)
    rejected = sorted(report.rejected)
    assert rejected[0].startswith(f"{folder / 'broken.xmi'}:8: not a readable UIMA CAS XMI")
    assert rejected[1].startswith(f"{folder / 'notes.xmi'}:1: not a readable UIMA CAS XMI")
    assert len(rejected) == 2, rejected
    with open_project(target) as project:
        assert project.documents.count() == 1


def test_offsets_inside_an_emoji_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "split.xmi"
    fixture = (FIXTURES / "inception_testSentenceWithEmoji.xmi").read_text(encoding="utf-8")
    path.write_text(fixture.replace('begin="10" end="12"', 'begin="11" end="12"'), "utf-8")
    (item,) = read_xmi(path, None, "split")
    assert isinstance(item, SourceError)
    assert item.location == f"{path}:1"
    assert "splits a character" in item.message


# ------------------------------------------------------------------ sniffing


def test_sniff_claims_xmi_and_type_systems_only(tmp_path: Path) -> None:
    def head(name: str) -> bytes:
        return (FIXTURES / name).read_bytes()[:65536]

    assert sniff_xmi(tmp_path / "x", head("inception_testSentenceWithEmoji.xmi"))
    assert sniff_xmi(tmp_path / "x", head("cassis_xmi_small_cas.xmi"))
    assert sniff_xmi(tmp_path / "x", head(INCEPTION_TYPES))
    for other in (
        b'{"id": "1", "text": "<xmi:XMI"}',
        b"#FORMAT=WebAnno TSV 3.3\n",
        b"T1\tACTOR 0 3\tabc\n",
        b'<?xml version="1.0"?><View><Labels name="label"/></View>',
        "قصف على حلب".encode(),
    ):
        assert not sniff_xmi(tmp_path / "x", other)


def test_auto_import_of_an_export_folder(tmp_path: Path) -> None:
    source = make_project(tmp_path, [Doc("d1", TEXT, tuple(SPANS))])
    out = tmp_path / "out"
    with open_project(source) as project:
        export(project, "xmi", out)
    report, target = _import([out], tmp_path)  # --format auto, no --annotator
    assert report.rejected == [] and report.notes == []
    assert spans_by_text(target, "alice") == {
        TEXT: sorted((s, e, lab, TEXT[s:e]) for s, e, lab in SPANS)
    }
