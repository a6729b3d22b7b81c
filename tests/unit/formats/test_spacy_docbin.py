"""spaCy DocBin: read back by spaCy itself, overlaps in doc.spans, round trip."""

from __future__ import annotations

import json
import sys
import tempfile
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from spacy.tokens import DocBin
from spacy.training import Corpus

from app.core.exporting import export
from app.core.importing import import_paths
from app.core.labels import default_labels
from app.formats.records import SourceError, SourceRecord
from app.formats.spacy_docbin import aligned_words, read_docbin
from storage import ProjectError, Span, open_project
from tests.roundtrip import (
    Doc,
    documents,
    expected_spans,
    export_then_import,
    make_project,
    spans_by_text,
)

NLP = spacy.blank("ar")

# A span starting inside 👍🏽 (between the hand and its skin tone), one inside a word, one
# ending with the space after a word, emoji around them.
TEXT = "😢 قصفٌ على حلب 👍🏽 وقتل ١٥ شخصا 📍غزة"
DISJOINT = ((2, 6, "ACTOR"), (11, 15, "LOCATION"), (16, 17, "DATE"), (19, 21, "ACTOR"))
OVERLAPPING = ((2, 6, "ACTOR"), (2, 14, "CASUALTY_COUNT"), (32, 35, "LOCATION"))


def _peer_docs(out: Path) -> list[Any]:
    """What spaCy itself reads from our file."""
    return list(DocBin().from_disk(out).get_docs(NLP.vocab))


def _export(source: Path, out: Path, **options: Any) -> Any:
    with open_project(source) as project:
        return export(project, "spacy", out, **options)


def test_spacy_reads_texts_spans_and_entities(tmp_path: Path) -> None:
    docs = [Doc("flat", TEXT, DISJOINT), Doc("nested", TEXT + " ", OVERLAPPING)]
    out = tmp_path / "out.spacy"
    report = _export(make_project(tmp_path, list(docs)), out, annotator="alice")
    flat, nested = _peer_docs(out)
    assert (flat.text, nested.text) == (TEXT, TEXT + " ")
    for doc, given_spans in ((flat, DISJOINT), (nested, OVERLAPPING)):
        got = [(s.start_char, s.end_char, s.label_, s.text) for s in doc.spans["sc"]]
        assert got == [(s, e, label, doc.text[s:e]) for s, e, label in given_spans]
    assert [(e.start_char, e.end_char, e.label_) for e in flat.ents] == list(DISJOINT)
    assert nested.ents == ()
    assert report.omitted == [
        'nested: doc.ents left empty: 1 span(s) overlap another (every span is in doc.spans["sc"])'
    ]
    assert flat.user_data["id"] == "flat" and flat.user_data["annotator"] == "alice"


def test_spacy_training_reads_the_file(tmp_path: Path) -> None:
    out = tmp_path / "train.spacy"
    _export(make_project(tmp_path, [Doc("d", TEXT, DISJOINT)]), out, annotator="alice")
    (example,) = Corpus(out)(NLP)
    assert example.reference.text == TEXT
    assert [e.label_ for e in example.reference.ents] == ["ACTOR", "LOCATION", "DATE", "ACTOR"]


def test_words_are_cut_at_every_span_edge_and_keep_the_text() -> None:
    text = "قصف  على\n\nحلب، غزة"
    spans = [Span("u", 1, "a", 1, 3, "X", "صف"), Span("v", 1, "a", 4, 9, "Y", " على\n")]
    words, spaces = aligned_words(NLP, text, spans)
    assert "".join(w + (" " if s else "") for w, s in zip(words, spaces, strict=True)) == text
    # The space after صف stays its trailing space; the next one starts span Y, so it is a
    # token; "\n\n" is cut where Y ends.
    assert words == ["ق", "صف", " ", "على", "\n", "\n", "حلب", "،", "غزة"]
    assert spaces == [False, True, False, False, False, False, False, True, False]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(documents(overlaps=True))
def test_round_trip_keeps_every_span(docs: list[Doc]) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        rt = export_then_import(make_project(folder, docs), "spacy", folder, out_name="out.spacy")
        assert rt.imported.rejected == []
        assert spans_by_text(rt.project, "alice") == expected_spans(docs)
        peer = {doc.text: doc for doc in _peer_docs(rt.out)}
        for doc in docs:
            spans = sorted(doc.spans)
            overlap = any(b[0] < a[1] for a, b in pairwise(spans))
            ents = [(e.start_char, e.end_char, e.label_) for e in peer[doc.text].ents]
            assert ents == ([] if overlap else [(s, e, lab) for s, e, lab in doc.spans])
            assert any(doc.id in line for line in rt.exported.omitted) == overlap


def test_attributes_and_document_fields_round_trip(tmp_path: Path) -> None:
    text = "قتل ثلاثة عشر شخصا في حلب"
    record = {
        "id": "a-1",
        "text": text,
        "meta": {"title": "عنوان", "published": "2024-03-01", "agency": "وكالة"},
        "spans": [
            {"start": 4, "end": 13, "label": "CASUALTY_COUNT", "attrs": {"value": 13, "low": None}},
            {"start": 22, "end": 25, "label": "LOCATION", "attrs": {"canonical": "حلب"}},
            {"start": 22, "end": 25, "label": "ACTOR"},
        ],
    }
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    project_path = tmp_path / "p.tawsim"
    with open_project(project_path, create=True, labels=default_labels()) as project:
        assert import_paths(project, [source], annotator="alice").rejected == []
    rt = export_then_import(project_path, "spacy", tmp_path, out_name="out.spacy")
    assert rt.imported.rejected == []
    with open_project(rt.project) as project:
        (document,) = project.documents.iterate()
        assert (document.external_id, document.title, document.published) == (
            "a-1",
            "عنوان",
            "2024-03-01",
        )
        assert document.meta == {"agency": "وكالة"}
        spans = sorted(
            (s.start, s.end, s.label, s.attrs) for s in project.spans.for_document(document.id)
        )
    assert spans == [
        (4, 13, "CASUALTY_COUNT", {"value": 13, "low": None}),
        (22, 25, "ACTOR", {}),
        (22, 25, "LOCATION", {"canonical": "حلب"}),
    ]


def test_every_layer_is_one_file_each(tmp_path: Path) -> None:
    source = make_project(tmp_path, [Doc("d", TEXT, DISJOINT)])
    with open_project(source) as project:
        project.annotator("bob")  # an empty second layer
    out = tmp_path / "layers"
    _export(source, out)
    assert sorted(p.name for p in out.glob("*.spacy")) == ["alice.spacy", "bob.spacy"]
    target = tmp_path / "back.tawsim"
    with open_project(target, create=True, labels=default_labels()) as project:
        report = import_paths(project, [out], fmt="spacy")
    assert report.rejected == [] and report.duplicates == 1
    got = spans_by_text(target, "alice")
    assert got == {TEXT: sorted((s, e, lab, TEXT[s:e]) for s, e, lab in DISJOINT)}
    assert spans_by_text(target, "bob") == {TEXT: []}


def test_without_spacy_the_export_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = make_project(tmp_path, [Doc("d", TEXT, DISJOINT)])
    monkeypatch.setitem(sys.modules, "spacy", None)  # what an install without the extra sees
    out = tmp_path / "out.spacy"
    with pytest.raises(ProjectError, match=r"pip install 'tawsim\[spacy\]'"):
        _export(source, out, annotator="alice")
    assert not out.exists()
    (item,) = read_docbin(tmp_path / "source.jsonl", None, "x")
    assert isinstance(item, SourceError) and "tawsim[spacy]" in item.message


def test_a_damaged_file_is_one_located_error(tmp_path: Path) -> None:
    good = tmp_path / "in" / "good.spacy"
    _export(make_project(tmp_path, [Doc("d", TEXT, DISJOINT)]), good, annotator="alice")
    bad = good.with_name("bad.spacy")
    bad.write_bytes(good.read_bytes()[:40])
    items = list(read_docbin(bad, None, "bad"))
    assert [type(i) for i in items] == [SourceError]
    assert str(items[0]).startswith(f"{bad}:1: not a readable spaCy DocBin")
    target = tmp_path / "back.tawsim"
    with open_project(target, create=True, labels=default_labels()) as project:
        report = import_paths(project, [good.parent], fmt="spacy", annotator="bob")
        assert project.documents.count() == 1
    assert len(report.rejected) == 1 and report.rejected[0].startswith(f"{bad}:1:")


def test_foreign_docbin_without_user_data_uses_entities(tmp_path: Path) -> None:
    doc = NLP.make_doc("زار الرئيس دمشق")
    doc.ents = [doc.char_span(11, 15, label="LOCATION")]
    path = tmp_path / "foreign.spacy"
    bin_ = DocBin()
    bin_.add(doc)
    bin_.to_disk(path)
    (record,) = read_docbin(path, None, "foreign")
    assert isinstance(record, SourceRecord)
    assert record.external_id == "foreign-1"
    assert record.spans == [
        {"start": 11, "end": 15, "label": "LOCATION", "text": "دمشق", "attrs": {}}
    ]
