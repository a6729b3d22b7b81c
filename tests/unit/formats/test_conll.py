"""CoNLL BIO and BIOES: round trips, seqeval and spaCy as readers, peer files, bad input.

CoNLL holds tokens, not whitespace: an import rebuilds the text from the tokens (single
spaces inside a sentence, newlines between sentences). Round trips therefore compare each
document's (label, covered text without whitespace) sequence in order, and compare
offsets exactly only where the source text is already single-spaced tokens.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from seqeval.metrics.sequence_labeling import get_entities
from seqeval.scheme import IOB2, IOBES, Entities
from spacy.training.converters import conll_ner_to_docs

from app.core.exporting import export
from app.core.importing import ImportReport, detect_format, import_paths
from app.core.labels import default_labels
from app.formats.base import ExportOptions
from app.formats.conll import plan_document, read_conll
from app.formats.records import SourceRecord
from app.text.tokens import is_separator
from storage import Span, open_project
from tests.roundtrip import (
    Doc,
    documents,
    expected_spans,
    export_then_import,
    make_project,
    spans_by_text,
    word,
)

FIXTURES = Path(__file__).parents[2] / "fixtures" / "interop" / "conll"
SCHEMES = {"conll": "bio", "bioes": "bioes"}
DROPPED = re.compile(r"^(.+?): span (\S+) .* \[(\d+), (\d+)\) left out: (it overlaps|it holds no)")

# Emoji before and inside spans, harakat, a proclitic left out of a span, Eastern digits.
TEXT = "😢 قُتِل ٣ مدنيين وبغداد، وفق «المرصد 👍🏽 السوري» يوم ١٥ آذار. ثم عاد الهدوء؟\nنعم"


def at(text: str, covered: str, label: str) -> tuple[int, int, str]:
    start = text.index(covered)
    return start, start + len(covered), label


SPANS = (
    at(TEXT, "٣", "CASUALTY_COUNT"),
    at(TEXT, "بغداد", "LOCATION"),
    at(TEXT, "المرصد 👍🏽 السوري", "ACTOR"),
    at(TEXT, "١٥ آذار", "DATE"),
)


# ---------------------------------------------------------------- helpers


def stored(path: Path) -> dict[str, tuple[str, list[tuple[Any, ...]]]]:
    """external id -> (text, sorted (start, end, label, covered text))."""
    result = {}
    with open_project(path) as project:
        for document in project.documents.iterate():
            spans = project.spans.for_document(document.id)
            result[document.external_id] = (
                document.text,
                sorted((s.start, s.end, s.label, s.text) for s in spans),
            )
    return result


def squeeze(text: str) -> str:
    """Text without whitespace or invisible marks: what CoNLL tokens keep of it."""
    return "".join(ch for ch in text if not is_separator(ch))


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and is_separator(text[start]):
        start += 1
    while end > start and is_separator(text[end - 1]):
        end -= 1
    return start, end


def dropped_spans(omitted: list[str]) -> dict[tuple[str, str, int, int], str]:
    found = {}
    for line in omitted:
        match = DROPPED.match(line)
        if match:
            doc, label, start, end, why = match.groups()
            found[doc, label, int(start), int(end)] = why
    return found


def import_file(folder: Path, path: Path, **options: Any) -> tuple[ImportReport, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "imported.tawsim"
    with open_project(target, create=True, labels=default_labels()) as project:
        options.setdefault("annotator", "alice")
        report = import_paths(project, [path], fmt="conll", **options)
    return report, target


def written_sentences(path: Path) -> list[list[list[tuple[str, str]]]]:
    """Our file parsed independently: documents of sentences of (token, tag)."""
    docs: list[list[list[tuple[str, str]]]] = []
    sentence: list[tuple[str, str]] = []
    for line in [*path.read_text(encoding="utf-8").split("\n"), ""]:
        if line.startswith("-DOCSTART-"):
            docs.append([])
        elif not line:
            if sentence:
                docs[-1].append(sentence)
            sentence = []
        else:
            token, tag = re.split(r"[ \t]", line)
            sentence.append((token, tag))
    return docs


def original_offsets(text: str, tokens: list[str]) -> list[tuple[int, int]]:
    """Where each written token sits in the source text (tokens are in order)."""
    offsets, position = [], 0
    for token in tokens:
        start = text.index(token, position)
        assert squeeze(text[position:start]) == "", (text, token)
        offsets.append((start, start + len(token)))
        position = start + len(token)
    return offsets


def make_span(start: int, end: int, label: str, text: str, **attrs: Any) -> Span:
    return Span(f"u{start}-{end}-{label}", 1, "alice", start, end, label, text[start:end], attrs)


# ---------------------------------------------------------------- round trips


@pytest.mark.parametrize("fmt", ["conll", "bioes"])
@settings(max_examples=20, deadline=None)
@given(docs=documents(overlaps=True))
def test_round_trip_keeps_each_span_or_reports_it(fmt: str, docs: list[Doc]) -> None:
    # Texts differing only in spacing would come back as one document (a duplicate).
    assume(len({squeeze(d.text) for d in docs}) == len(docs))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = make_project(folder, docs)
        rt = export_then_import(source, fmt, folder)
        assert rt.imported.rejected == []
        before, after = stored(source), stored(rt.project)
        dropped = dropped_spans(rt.exported.omitted)
    assert set(after) == set(before)
    for doc_id, (text, spans) in before.items():
        kept = [s for s in spans if (doc_id, s[2], s[0], s[1]) not in dropped]
        # Compared in order, without whitespace (CoNLL does not hold it).
        assert [(label, squeeze(covered)) for _, _, label, covered in after[doc_id][1]] == [
            (label, squeeze(covered)) for _, _, label, covered in kept
        ]
        visible = {s[:3]: {i for i in range(s[0], s[1]) if not is_separator(text[i])} for s in kept}
        for (other_id, label, start, end), why in dropped.items():
            if other_id != doc_id:
                continue
            mine = {i for i in range(start, end) if not is_separator(text[i])}
            if why == "it holds no":
                assert mine == set()
            else:  # it shares a visible character with a span that was kept
                assert any(mine & chars for chars in visible.values()), (label, start, end)
        # The kept spans are disjoint.
        flat = [i for chars in visible.values() for i in chars]
        assert len(flat) == len(set(flat))


@st.composite
def single_spaced(draw: st.DrawFn) -> list[Doc]:
    """Documents whose text already is CoNLL's: tokens, single spaces, one sentence a line."""
    docs = []
    for n in range(draw(st.integers(1, 3))):
        lines = draw(st.lists(st.lists(word, min_size=1, max_size=5), min_size=1, max_size=3))
        text = "\n".join(" ".join(line) for line in lines)
        spans, offset = [], 0
        for line in lines:
            edges = []
            for token in line:
                edges.append((offset, offset + len(token)))
                offset += len(token) + 1
            first = draw(st.integers(0, len(edges) - 1))
            last = draw(st.integers(first, len(edges) - 1))
            spans.append(
                (edges[first][0], edges[last][1], draw(st.sampled_from(("ACTOR", "DATE"))))
            )
        docs.append(Doc(f"d{n}", text, tuple(sorted(spans))))
    return docs


@settings(max_examples=15, deadline=None)
@given(docs=single_spaced())
def test_single_spaced_text_round_trips_with_exact_offsets(docs: list[Doc]) -> None:
    assume(len({d.text for d in docs}) == len(docs))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rt = export_then_import(make_project(folder, docs), "conll", folder)
        assert rt.exported.omitted == []
        assert spans_by_text(rt.project) == expected_spans(docs)


def test_fixed_arabic_document_round_trips(tmp_path: Path) -> None:
    source = make_project(tmp_path, [Doc("خبر 1", TEXT, SPANS)])
    for fmt in ("conll", "bioes"):
        rt = export_then_import(source, fmt, tmp_path, out_name=fmt)
        assert rt.exported.omitted == []
        ((text, spans),) = stored(rt.project).values()
        assert list(stored(rt.project)) == ["خبر 1"]  # the id came back from DOCSTART
        assert text == (
            "😢 قُتِل ٣ مدنيين و بغداد ، وفق « المرصد 👍🏽 السوري » يوم ١٥ آذار .\n"
            "ثم عاد الهدوء ؟\nنعم"
        )
        assert [(label, covered) for _, _, label, covered in spans] == [
            ("CASUALTY_COUNT", "٣"),
            ("LOCATION", "بغداد"),
            ("ACTOR", "المرصد 👍🏽 السوري"),
            ("DATE", "١٥ آذار"),
        ]


def test_written_layout_docstart_and_tags(tmp_path: Path) -> None:
    source = make_project(tmp_path, [Doc("a b%", TEXT, SPANS), Doc("-X-", "نعم", ())])
    rt = export_then_import(source, "bioes", tmp_path, options=ExportOptions(tab=True))
    lines = rt.out.read_text(encoding="utf-8").split("\n")
    assert lines[:4] == ["-DOCSTART-\ta%20b%25\tO", "", "😢\tO", "قُتِل\tO"]
    assert "و\tO" in lines and "بغداد\tS-LOCATION" in lines
    assert lines[lines.index("المرصد\tB-ACTOR") + 1 : lines.index("المرصد\tB-ACTOR") + 3] == [
        "👍🏽\tI-ACTOR",
        "السوري\tE-ACTOR",
    ]
    assert "-DOCSTART-\t%2DX-\tO" in lines
    assert sorted(stored(rt.project)) == ["-X-", "a b%"]


# ---------------------------------------------------------------- what CoNLL cannot hold


def test_overlaps_keep_the_longest_then_the_earliest(tmp_path: Path) -> None:
    text = "وصل وبغداد ثم دمشق اليوم"
    spans = (
        at(text, "وبغداد", "ACTOR"),
        at(text, "بغداد", "LOCATION"),  # nested: shorter, dropped
        at(text, "دمشق", "LOCATION"),
        at(text, "دمشق", "ACTOR"),  # same extent as the one above: both lose to
        at(text, "ثم دمشق", "DATE"),  # the longest of their group
    )
    rt = export_then_import(make_project(tmp_path, [Doc("d", text, spans)]), "conll", tmp_path)
    ((_, got),) = stored(rt.project).values()
    assert [(label, covered) for _, _, label, covered in got] == [
        ("ACTOR", "وبغداد"),
        ("DATE", "ثم دمشق"),
    ]
    assert rt.exported.omitted == [
        "d: span LOCATION 'بغداد' [5, 10) left out: it overlaps span ACTOR 'وبغداد' [4, 10), "
        "and CoNLL cannot hold overlapping or nested spans",
        "d: span ACTOR 'دمشق' [14, 18) left out: it overlaps span DATE 'ثم دمشق' [11, 18), "
        "and CoNLL cannot hold overlapping or nested spans",
        "d: span LOCATION 'دمشق' [14, 18) left out: it overlaps span DATE 'ثم دمشق' [11, 18), "
        "and CoNLL cannot hold overlapping or nested spans",
    ]


def test_equal_overlapping_spans_keep_the_earliest() -> None:
    text = "أ ب ج د"
    plan = plan_document(text, [make_span(0, 3, "ACTOR", text), make_span(2, 5, "DATE", text)])
    assert [tag for s in plan.sentences for _, tag in s] == ["B-ACTOR", "I-ACTOR", "O", "O"]
    assert len(plan.problems) == 1 and "span DATE 'ب ج' [2, 5) left out" in plan.problems[0]


def test_proclitic_left_out_of_a_span_splits_the_word() -> None:
    text = "وصلوا وبغداد"
    plan = plan_document(text, [make_span(7, 12, "LOCATION", text)])
    assert plan.sentences == [[("وصلوا", "O"), ("و", "O"), ("بغداد", "B-LOCATION")]]
    assert plan.problems == []


def test_empty_trimmed_newline_and_attribute_spans_are_reported(tmp_path: Path) -> None:
    text = "قتل  ثلاثة\nفي بغداد"
    source = tmp_path / "in.jsonl"
    spans = [
        {"start": 3, "end": 5, "label": "DATE", "annotator": "alice"},  # two spaces
        {"start": 4, "end": 10, "label": "CASUALTY_COUNT", "annotator": "alice"},
        {"start": 5, "end": 19, "label": "LOCATION", "annotator": "bob"},
        {
            "start": 14,
            "end": 19,
            "label": "ACTOR",
            "annotator": "alice",
            "attrs": {"role": "victim"},
        },
    ]
    record = {"id": "d", "text": text, "meta": {"title": "عنوان"}, "spans": spans}
    source.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    project_path = tmp_path / "p.tawsim"
    with open_project(project_path, create=True, labels=default_labels()) as project:
        assert import_paths(project, [source]).rejected == []
        alice = export(project, "conll", tmp_path / "alice.conll", annotator="alice")
        bob = export(project, "conll", tmp_path / "bob.conll", annotator="bob")
    assert alice.omitted == [
        "d: span DATE '  ' [3, 5) left out: it holds no token (only whitespace or invisible marks)",
        "d: span CASUALTY_COUNT ' ثلاثة' [4, 10) written as 'ثلاثة' [5, 10): CoNLL tokens "
        "hold no whitespace or invisible marks at a span's edges",
        "d: span ACTOR 'بغداد' [14, 19): attributes role='victim' are not held by CoNLL",
        "d: document fields (title, source, url, published, meta) are not held by CoNLL, for "
        "this and every other document",
    ]
    assert bob.omitted == [
        "d: span LOCATION 'ثلاثة\\nفي بغداد' [5, 19) holds a line break: its sentence is kept "
        "whole and the break becomes a space",
        "d: document fields (title, source, url, published, meta) are not held by CoNLL, for "
        "this and every other document",
    ]
    # The entity was not split across sentences.
    assert written_sentences(tmp_path / "bob.conll") == [
        [[("قتل", "O"), ("ثلاثة", "B-LOCATION"), ("في", "I-LOCATION"), ("بغداد", "I-LOCATION")]]
    ]


# ---------------------------------------------------------------- peers read our files


def entity_texts(text: str, sentences: list[list[tuple[str, str]]], scheme: str) -> list[Any]:
    """(label, source text) of the entities seqeval finds in our tags."""
    tokens = [token for sentence in sentences for token, _ in sentence]
    offsets = original_offsets(text, tokens)
    found, base = [], 0
    for sentence in sentences:
        tags = [tag for _, tag in sentence]
        if scheme == "bio":
            ranges = [(label, s, e + 1) for label, s, e in get_entities(tags)]
            strict = Entities([tags], IOB2).entities[0]
            assert [(e.tag, e.start, e.end) for e in strict] == ranges
        else:
            ranges = [(e.tag, e.start, e.end) for e in Entities([tags], IOBES).entities[0]]
            assert ranges == [(label, s, e + 1) for label, s, e in get_entities(tags)]
        for label, s, e in ranges:
            found.append((label, offsets[base + s][0], offsets[base + e - 1][1]))
        base += len(sentence)
    return found


@pytest.mark.parametrize("scheme", ["bio", "bioes"])
@settings(max_examples=30, deadline=None)
@given(docs=documents(overlaps=True))
def test_seqeval_reads_exactly_our_spans(scheme: str, docs: list[Doc]) -> None:
    for doc in docs:
        spans = [make_span(s, e, label, doc.text) for s, e, label in doc.spans]
        plan = plan_document(doc.text, spans, scheme)
        dropped = dropped_spans([f"{doc.id}: {p}" for p in plan.problems])
        expected = [
            (label, *trimmed(doc.text, s, e))
            for s, e, label in doc.spans
            if (doc.id, label, s, e) not in dropped
        ]
        assert entity_texts(doc.text, plan.sentences, scheme) == sorted(
            expected, key=lambda x: x[1]
        )


@pytest.mark.parametrize("fmt", ["conll", "bioes"])
def test_seqeval_reads_our_written_file(tmp_path: Path, fmt: str) -> None:
    rt = export_then_import(make_project(tmp_path, [Doc("d", TEXT, SPANS)]), fmt, tmp_path)
    (sentences,) = written_sentences(rt.out)
    assert entity_texts(TEXT, sentences, SCHEMES[fmt]) == [
        (label, s, e) for s, e, label in sorted(SPANS)
    ]


def test_spacy_convert_reads_our_bio_file(tmp_path: Path) -> None:
    docs = [
        Doc("one", TEXT, SPANS),
        Doc(
            "two",
            "وصل الوفد إلى دير الزور.\nثم غادر",
            (at("وصل الوفد إلى دير الزور", "دير الزور", "LOCATION"),),
        ),
    ]
    rt = export_then_import(make_project(tmp_path, docs), "conll", tmp_path)
    converted = list(conll_ner_to_docs(rt.out.read_text(encoding="utf-8"), no_print=True))
    entities = [(ent.text, ent.label_) for doc in converted for ent in doc.ents]
    ours = [
        (covered, label)
        for doc_id in ("one", "two")
        for _, _, label, covered in stored(rt.project)[doc_id][1]
    ]
    assert entities == ours
    assert ("دير الزور", "LOCATION") in entities
    # Our DOCSTART lines reach spaCy as one O token each, never inside an entity.
    words = [t.text for doc in converted for t in doc]
    assert words.count("-DOCSTART-") == 2
    assert all(t.ent_iob_ == "O" for doc in converted for t in doc if t.text == "-DOCSTART-")


def test_spacy_convert_cli_reads_our_bio_file(tmp_path: Path) -> None:
    rt = export_then_import(
        make_project(tmp_path, [Doc("d", TEXT, SPANS)]), "conll", tmp_path, out_name="d.conll"
    )
    command = [sys.executable, "-m", "spacy", "convert", str(rt.out), str(tmp_path)]
    command += ["--converter", "ner", "--file-type", "json"]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    converted = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    tokens = [
        (token["orth"], token["ner"])
        for doc in converted
        for paragraph in doc["paragraphs"]
        for sentence in paragraph["sentences"]
        for token in sentence["tokens"]
    ]
    entities, current = [], []  # spaCy writes BILUO tags
    for orth, tag in tokens:
        if tag != "O":
            current.append(orth)
        if tag.startswith(("L-", "U-")):
            entities.append((" ".join(current), tag[2:]))
            current = []
    ((_, spans),) = stored(rt.project).values()
    assert entities == [(covered, label) for _, _, label, covered in spans]
    assert len(entities) == 4


# ---------------------------------------------------------------- peer files


def test_spacy_conll2003_file_with_docstart(tmp_path: Path) -> None:
    report, target = import_file(
        tmp_path, FIXTURES / "spacy_ner-token-per-line-conll2003.iob", create_labels=True
    )
    assert report.rejected == [] and report.imported == 1
    (doc_id,) = stored(target)
    text, spans = stored(target)[doc_id]
    assert doc_id == "spacy_ner-token-per-line-conll2003-1"  # "-DOCSTART- -X- O O": no id
    assert text.startswith("When Sebastian Thrun started working on self - driving cars")
    assert text.count("\n") == 1
    assert spans == [
        (5, 20, "PERSON", "Sebastian Thrun"),
        (63, 69, "ORG", "Google"),
        (73, 77, "DATE", "2007"),
        (178, 186, "NORP", "American"),
        (279, 284, "PERSON", "Thrun"),
        (308, 314, "ORG", "Recode"),
        (315, 332, "DATE", "earlier this week"),
    ]


@pytest.mark.parametrize(
    "name",
    [
        "spacy_ner-token-per-line.iob",
        "spacy_ner-token-per-line-with-pos.iob",
        "spacy_ner-sent-per-line.iob",
    ],
)
def test_spacy_files_without_docstart(tmp_path: Path, name: str) -> None:
    report, target = import_file(tmp_path, FIXTURES / name, create_labels=True)
    assert report.rejected == []
    ((text, spans),) = stored(target).values()
    conll2003 = FIXTURES / "spacy_ner-token-per-line-conll2003.iob"
    reference = stored(import_file(tmp_path / "ref", conll2003, create_labels=True)[1])
    # The same sentences and entities as the CoNLL-2003 version of the file.
    assert (text, spans) == next(iter(reference.values()))
    assert spans[0] == (5, 20, "PERSON", "Sebastian Thrun")
    assert spans[-1] == (315, 332, "DATE", "earlier this week")


def test_doccano_conll_files(tmp_path: Path) -> None:
    report, target = import_file(tmp_path, FIXTURES / "doccano_example.conll", create_labels=True)
    assert report.rejected == []
    assert stored(target) == {
        "doccano_example-1": ("JAPAN GET", [(0, 5, "LOC", "JAPAN")]),
        "doccano_example-2": ("Nadim Ladki", [(0, 11, "PER", "Nadim Ladki")]),
    }
    report, target = import_file(
        tmp_path / "txt", FIXTURES / "doccano_example_conll.txt", create_labels=True
    )
    assert report.rejected == []
    assert stored(target) == {
        "doccano_example_conll-1": (
            "EU rejects German call to boycott British lamb .",
            [(0, 2, "ORG", "EU"), (11, 17, "MISC", "German"), (34, 41, "MISC", "British")],
        ),
        "doccano_example_conll-2": ("Peter Blackburn", [(0, 15, "PER", "Peter Blackburn")]),
    }


def test_sniffing(tmp_path: Path) -> None:
    rt = export_then_import(make_project(tmp_path, [Doc("d", TEXT, SPANS)]), "bioes", tmp_path)
    assert detect_format(rt.out) == "conll"
    for name in ("spacy_ner-token-per-line.iob", "doccano_example_conll.txt"):
        assert detect_format(FIXTURES / name) == "conll"
    others = {
        "a.jsonl": '{"id": "x", "text": "نص", "spans": []}\n',
        "a.ann": "T1\tACTOR 0 5\tالمرصد\n",
        "a.csv": "id,text\n1,قتل ثلاثة O\n",
        "a.tsv": "#FORMAT=WebAnno TSV 3.3\n",
        "b.txt": "قتل ثلاثة في بغداد\n",
    }
    for name, content in others.items():
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        assert detect_format(path) != "conll", name


# ---------------------------------------------------------------- bad input

GOOD_1 = "-DOCSTART- good-1 O\n\nقتل O\nثلاثة B-CASUALTY_COUNT\nفي O\nبغداد B-LOCATION\n\n"
GOOD_2 = "-DOCSTART- good-2 O\n\nوصل O\nالمرصد B-ACTOR\n"
GOOD = {
    "good-1": (
        "قتل ثلاثة في بغداد",
        [(4, 9, "CASUALTY_COUNT", "ثلاثة"), (13, 18, "LOCATION", "بغداد")],
    ),
    "good-2": ("وصل المرصد", [(4, 10, "ACTOR", "المرصد")]),
}


def with_bad_document(tmp_path: Path, body: str) -> tuple[Path, ImportReport, Path]:
    """GOOD_1, a document 'bad' (its DOCSTART is line 8) holding ``body``, GOOD_2."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "in.conll"
    path.write_text(GOOD_1 + "-DOCSTART- bad O\n\n" + body + "\n" + GOOD_2, encoding="utf-8")
    report, target = import_file(tmp_path, path)
    return path, report, target


@pytest.mark.parametrize(
    ("tag", "hint"),
    [("I--ACTOR", "I-ACTOR"), ("OO", "O"), ("B_ACTOR", "B-ACTOR"), ("ACTOR", None)],
)
def test_tag_typos_reject_their_document(tmp_path: Path, tag: str, hint: str | None) -> None:
    path, report, target = with_bad_document(tmp_path, f"قال O\nالمرصد {tag}\n")
    suggestion = f" (did you mean '{hint}'?)" if hint else ""
    assert report.rejected == [
        f"{path}:11: bad tag {tag!r}{suggestion}: expected O, or B-, I-, E- or S- and a label;"
        " document 'bad' (from line 8) not imported"
    ]
    assert stored(target) == GOOD


def notes_of(report: ImportReport, document: str) -> list[str]:
    """The import notes about one document (``file:line: id: note``)."""
    marker = f": {document}: "
    return [n.split(marker, 1)[1] for n in report.notes if marker in n]


def test_one_column_line_rejects_its_document(tmp_path: Path) -> None:
    path, report, target = with_bad_document(tmp_path, "قال O\nالمرصد\nاليوم B-DATE\nبلا\n")
    assert report.rejected == [
        f"{path}:11: one column only ('المرصد'): expected a token and its tag (and 1 more bad "
        "lines); document 'bad' (from line 8) not imported"
    ]
    assert stored(target) == GOOD


def test_lower_case_prefix_is_repaired_and_noted(tmp_path: Path) -> None:
    path, report, target = with_bad_document(tmp_path, "قال o\nالمرصد b-ACTOR\nالسوري i-ACTOR\n")
    assert report.rejected == []
    assert stored(target)["bad"] == ("قال المرصد السوري", [(4, 17, "ACTOR", "المرصد السوري")])
    assert notes_of(report, "bad") == [
        "3 tags with a lower-case prefix read as upper case (first at line 10); "
        "labels kept as written"
    ]
    # The label keeps its case: 'actor' is not ACTOR, and the importer says so.
    path, report, target = with_bad_document(tmp_path / "lower", "المرصد b-actor\n")
    # The message names the span's own line (its document starts on line 8).
    assert report.rejected == [f"{path}:10: span 1: unknown label 'actor'"]
    assert report.unknown_labels == {"actor"}
    assert stored(target) == GOOD


def test_i_after_o_begins_an_entity_as_in_seqeval(tmp_path: Path) -> None:
    body = "قال O\nالمرصد I-ACTOR\nالسوري I-ACTOR\nفي O\nبغداد I-LOCATION\n"
    _, report, target = with_bad_document(tmp_path, body)
    assert report.rejected == []
    assert stored(target)["bad"] == (
        "قال المرصد السوري في بغداد",
        [(4, 17, "ACTOR", "المرصد السوري"), (21, 26, "LOCATION", "بغداد")],
    )
    assert get_entities(["O", "I-ACTOR", "I-ACTOR", "O", "I-LOCATION"]) == [
        ("ACTOR", 1, 2),
        ("LOCATION", 4, 4),
    ]
    assert notes_of(report, "bad") == [
        "2 entities begin with I- or E- (IOB1, or a tagging error): read as beginning "
        "there, as seqeval does"
    ]


def test_more_than_two_columns_take_the_last_as_the_tag(tmp_path: Path) -> None:
    body = "قال VBD _ O\nالمرصد NNP B-NP B-ACTOR\nالسوري\tJJ\tI-NP\tI-ACTOR\n"
    _, report, target = with_bad_document(tmp_path, body)
    assert report.rejected == []
    assert stored(target)["bad"] == ("قال المرصد السوري", [(4, 17, "ACTOR", "المرصد السوري")])


def test_utf8_bom_at_file_start(tmp_path: Path) -> None:
    path = tmp_path / "bom.conll"
    path.write_bytes(b"\xef\xbb\xbf" + (GOOD_1 + GOOD_2).encode("utf-8"))
    report, target = import_file(tmp_path, path)
    assert report.rejected == []
    assert stored(target) == GOOD


def test_crlf_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "crlf.conll"
    path.write_bytes((GOOD_1 + GOOD_2).replace("\n", "\r\n").encode("utf-8"))
    report, target = import_file(tmp_path, path)
    assert report.rejected == [] and report.notes == []
    assert stored(target) == GOOD


def test_bidi_marks_before_every_token_are_stripped_and_noted(tmp_path: Path) -> None:
    marked = "".join(
        f"\u200f{line}" if line.strip() and not line.startswith("-") else line
        for line in (GOOD_1 + GOOD_2).splitlines(keepends=True)
    ).replace("وصل", "\u200eوصل")
    path = tmp_path / "marks.conll"
    path.write_text(marked, encoding="utf-8")
    report, target = import_file(tmp_path, path)
    assert report.rejected == []
    assert stored(target) == GOOD
    assert notes_of(report, "good-1") == [
        "removed 4 invisible bidi marks (U+200E/U+200F…) around tokens"
    ]
    assert notes_of(report, "good-2") == [
        "removed 3 invisible bidi marks (U+200E/U+200F…) around tokens"
    ]


def test_no_blank_lines_between_sentences(tmp_path: Path) -> None:
    content = (
        "-DOCSTART- one O\nقتل O\nثلاثة B-CASUALTY_COUNT\n. O\nوصل O\nالمرصد B-ACTOR\n؟ O\n"
        "-DOCSTART- two O\nفي O\nبغداد B-LOCATION\n"
    )
    path = tmp_path / "dense.conll"
    path.write_text(content, encoding="utf-8")
    report, target = import_file(tmp_path, path)
    assert report.rejected == []
    assert stored(target) == {
        "one": (
            "قتل ثلاثة .\nوصل المرصد ؟",
            [(4, 9, "CASUALTY_COUNT", "ثلاثة"), (16, 22, "ACTOR", "المرصد")],
        ),
        "two": ("في بغداد", [(3, 8, "LOCATION", "بغداد")]),
    }
    assert notes_of(report, "one") == ["no blank lines between sentences: split after . ! ? ؟"]


def test_undecodable_bytes_reject_only_their_document(tmp_path: Path) -> None:
    path = tmp_path / "in.conll"
    bad = b"-DOCSTART- bad O\n\n" + "قال O\n".encode() + b"\xd8\xff O\n\n"
    path.write_bytes(GOOD_1.encode() + bad + GOOD_2.encode())
    report, target = import_file(tmp_path, path)
    assert report.rejected == [
        f"{path}:11: invalid UTF-8 byte 0xd8; document 'bad' (from line 8) not imported"
    ]
    assert stored(target) == GOOD


def test_bioes_without_docstart_is_one_document_per_block(tmp_path: Path) -> None:
    path = tmp_path / "plain.bioes"
    path.write_text("المرصد B-ACTOR\nالسوري E-ACTOR\n\nدمشق S-LOCATION\n", encoding="utf-8")
    items = list(read_conll(path, None, "plain"))
    assert [(r.external_id, r.text, r.spans) for r in items if isinstance(r, SourceRecord)] == [
        (
            "plain-1",
            "المرصد السوري",
            [
                {
                    "start": 0,
                    "end": 13,
                    "label": "ACTOR",
                    "text": "المرصد السوري",
                    "location": f"{path}:1",
                }
            ],
        ),
        (
            "plain-2",
            "دمشق",
            [{"start": 0, "end": 4, "label": "LOCATION", "text": "دمشق", "location": f"{path}:4"}],
        ),
    ]
