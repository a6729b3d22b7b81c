"""brat standoff: the files brat expects, round trips, brat's own files, bad input."""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.exporting import export
from app.core.importing import ImportReport, detect_format, import_paths
from app.core.labels import default_labels
from app.formats.base import ExportItem, ExportOptions, Omissions
from app.formats.brat import DOCUMENTS_FILE, read_brat, sniff_brat, write_brat
from app.formats.records import SourceError, SourceRecord
from storage import Document, Project, Span, open_project
from tests.roundtrip import Doc, documents, export_then_import, make_project, spans_by_text

WriteJsonl = Callable[[Path, Iterable[dict[str, Any]]], Path]
FIXTURES = Path(__file__).parents[2] / "fixtures" / "interop" / "brat"

# An emoji first: UTF-16 offsets would be one more than brat's (Python) offsets after it.
TEXT = "😢 قتل ثلاثة مدنيين بالرقة،\nوفق المرصد السوري يوم الأربعاء."


def at(needle: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def stored(project: Project, annotator: str | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """external id -> sorted (start, end, label, covered text, attrs as JSON)."""
    result = {}
    for document in project.documents.iterate():
        spans = project.spans.for_document(document.id, annotator)
        result[document.external_id] = sorted(
            (s.start, s.end, s.label, s.text, json.dumps(s.attrs, sort_keys=True)) for s in spans
        )
    return result


def import_brat(project: Project, *paths: Path, **options: Any) -> ImportReport:
    options.setdefault("annotator", "alice")
    return import_paths(project, list(paths), fmt=options.pop("fmt", "brat"), **options)


def write_pair(folder: Path, stem: str, text: bytes | str, ann: str | None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8") if isinstance(text, str) else text
    (folder / f"{stem}.txt").write_bytes(data)
    if ann is None:
        return folder / f"{stem}.txt"
    (folder / f"{stem}.ann").write_bytes(ann.encode("utf-8"))
    return folder / f"{stem}.ann"


def t_line(ident: str, label: str, needle: str, text: str = TEXT) -> str:
    start, end = at(needle, text)
    return f"{ident}\t{label} {start} {end}\t{needle}"


# --- brat's own rules ----------------------------------------------------------------------
# brat's server (Python 2) cannot run here: these are its checks, ported line by line from
# server/src/annotation.py (Annotations._parse_ann_file, TextAnnotations.
# _parse_textbound_annotation, _parse_attribute/normalization/comment_annotation, _sanity).


def brat_problems(txt: bytes, ann: bytes) -> list[str]:
    """What brat would report reading this pair (an empty list: brat reads it cleanly)."""
    text = txt.decode("utf-8")  # codecs.open(..., "utf8"): a BOM and CRs stay characters
    problems: list[str] = []
    ids: set[str] = set()
    targets: list[str] = []
    # codecs' readline splits where unicode.splitlines does, not only at "\n".
    for number, line in enumerate(ann.decode("utf-8").splitlines(keepends=True), start=1):
        if "\t" not in line:
            problems.append(f"{number}: no TAB")
            continue
        ident, tail = line.split("\t", 1)
        if re.match(r"^([A-Za-z]+|#[A-Za-z]*)([0-9]+)(.*?)$", ident) is None or ident in ids:
            problems.append(f"{number}: bad or repeated id {ident!r}")
            continue
        ids.add(ident)
        data, tab, rest = tail.partition("\t")
        problem = brat_line(ident[0], text, data, tab + rest, targets)
        if problem:
            problems.append(f"{number}: {problem}")
    problems += [f"{target} is not defined" for target in targets if target not in ids]
    return problems


def brat_line(kind: str, text: str, data: str, data_tail: str, targets: list[str]) -> str | None:
    if kind == "T":
        return brat_textbound(text, data, data_tail)
    if kind == "A":
        return brat_attribute(data, targets)
    if kind == "N":
        return brat_normalization(data, targets)
    if kind == "#":
        return brat_note(data, targets)
    return f"unexpected kind {kind!r}"  # our exports write no other kind


def brat_textbound(text: str, data: str, data_tail: str) -> str | None:
    try:
        _type, rest = data.split(" ", 1)
        spans = []
        for span_str in rest.split(";"):
            start_str, end_str = span_str.split(" ", 2)
            if any(c.isspace() for c in end_str.rstrip()):
                return "space instead of tab"
            spans.append((int(start_str), int(end_str.rstrip())))
    except ValueError:
        return f"cannot parse {data!r}"
    seen: list[tuple[int, int]] = []
    for start, end in spans:
        if start > end or start < 0 or end > len(text):
            return f"bad offsets {start} {end}"
        if any(end >= ostart and start < oend for ostart, oend in seen):
            return "fragments overlap"
        seen.append((start, end))
    spanlen = sum(end - start for start, end in spans) + len(spans) - 1
    if data_tail.strip() == "" and spanlen > 0:
        return None  # brat fills the text in from the document (and says so)
    if spanlen > len(data_tail) - 1:
        return "text shorter than the span"
    given, after = data_tail[1 : spanlen + 1], data_tail[spanlen + 1 :]
    if given != " ".join(text[start:end] for start, end in spans):
        return f"text {given!r} does not match"
    if after != "" and not after[0].isspace():
        return "text not separated from the rest of the line"
    return None


def brat_attribute(data: str, targets: list[str]) -> str | None:
    match = re.match(r"(.+?) (.+?) (.+?)$", data) or re.match(r"(.+?) (.+?)$", data)
    if match is None:
        return "bad attribute"
    targets.append(match.group(2))
    return None


def brat_normalization(data: str, targets: list[str]) -> str | None:
    match = re.match(r"(\S+) (\S+) (\S+?):(\S+)", data)
    if match is None:
        return "bad normalization"
    targets.append(match.group(2))
    return None


def brat_note(data: str, targets: list[str]) -> str | None:
    parts = data.split()
    if len(parts) != 2:
        return "bad note"
    targets.append(parts[1])
    return None


def conf_problems(folder: Path) -> list[str]:
    """Labels and attribute values used in the .ann files but not declared in the conf."""
    sections: dict[str, list[str]] = {}
    current = ""
    for line in (folder / "annotation.conf").read_text(encoding="utf-8").splitlines():
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            sections[current] = []
        elif line.strip() and not line.startswith("#"):
            sections[current].append(line)
    assert set(sections) == {"entities", "relations", "events", "attributes"}
    entities = set(sections["entities"])
    declared: dict[str, set[str] | None] = {}
    for line in sections["attributes"]:
        name, keys = line.split("\t")
        values = dict(kv.split(":", 1) for kv in keys.split(", "))
        assert set(values["Arg"].split("|")) <= entities
        declared[name] = set(values["Value"].split("|")) if "Value" in values else None
    problems = []
    for ann in folder.glob("*.ann"):
        for line in ann.read_text(encoding="utf-8").splitlines():
            ident, data = line.split("\t")[:2]
            if ident[0] == "T" and data.split(" ")[0] not in entities:
                problems.append(f"{ann.name}: label of {line!r} not declared")
            if ident[0] == "A":
                name, _, *value = data.split(" ", 2)
                if name not in declared or (value and value[0] not in (declared[name] or ())):
                    problems.append(f"{ann.name}: {line!r} not declared")
    return problems


def check_with_brat_rules(folder: Path) -> None:
    for ann in folder.glob("*.ann"):
        txt = ann.with_suffix(".txt").read_bytes()
        assert brat_problems(txt, ann.read_bytes()) == [], ann.name
    assert conf_problems(folder) == []


# --- export: the files brat reads -----------------------------------------------------------


@pytest.fixture
def news(tmp_path: Path, write_jsonl: WriteJsonl) -> Path:
    """A project: awkward ids, a span across a line break, every kind of attribute."""
    crossing = (TEXT.index("بالرقة"), TEXT.index("وفق") + 3)
    spans = [
        {"start": a, "end": b, "label": label, "annotator": "alice", "attrs": attrs}
        for (a, b), label, attrs in [
            (at("ثلاثة"), "CASUALTY_COUNT", {"value": 3, "outcome": "killed", "exact": True}),
            (at("بالرقة"), "LOCATION", {"canonical": "الرقة"}),
            (crossing, "LOCATION", {"canonical": "دير الزور", "note": "two\nlines"}),
            (at("يوم الأربعاء"), "DATE", {"value": "2024-03-06", "precision": "day"}),
            (at("😢"), "ACTOR", {"qualifier": "at least", "low": None, "flag": False}),
        ]
    ]
    records = [
        {"id": "news/2024/01", "text": TEXT, "spans": spans, "meta": {"title": "الرقة"}},
        {"id": "Doc", "text": "نص أول.", "spans": []},
        {"id": "doc", "text": "نص ثان.", "spans": []},
        {"id": ".hidden", "text": "نص ثالث.", "spans": []},
        {"id": "CON", "text": "نص رابع.", "spans": []},
    ]
    path = tmp_path / "news.tawsim"
    with open_project(path, create=True, labels=default_labels()) as project:
        report = import_paths(project, [write_jsonl(tmp_path / "news.jsonl", records)])
        assert report.rejected == []
    return path


def test_export_writes_text_ann_and_conf_as_brat_reads_them(news: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with open_project(news) as project:
        report = export(project, "brat", out, annotator="alice")
    assert report.omitted == []
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [
            f"{s}.{x}"
            for s in ("news_2024_01", "Doc", "doc-2", "hidden", "_CON")
            for x in ["txt", "ann"]
        ]
        + ["annotation.conf", DOCUMENTS_FILE]
    )
    check_with_brat_rules(out)
    assert (out / "news_2024_01.txt").read_bytes() == TEXT.encode("utf-8")  # exact: no BOM, LF
    newline = TEXT.index("\n")
    rakka, wafq = at("بالرقة"), at("وفق")
    assert (out / "news_2024_01.ann").read_text(encoding="utf-8").splitlines() == [
        "T1\tACTOR 0 1\t😢",
        "#1\tAnnotatorNotes T1\tflag=false",
        "#2\tAnnotatorNotes T1\tlow=null",
        "#3\tAnnotatorNotes T1\tqualifier=at least",
        f"T2\tCASUALTY_COUNT {' '.join(map(str, at('ثلاثة')))}\tثلاثة",
        "A1\texact T2",
        "A2\toutcome T2 killed",
        "#4\tAnnotatorNotes T2\tvalue=3",
        f"T3\tLOCATION {rakka[0]} {rakka[1]}\tبالرقة",
        "N1\tReference T3 canonical:الرقة\tالرقة",
        # Across the line break: two fragments, their texts joined by a space (brat's way).
        f"T4\tLOCATION {rakka[0]} {newline};{newline + 1} {wafq[1]}\tبالرقة، وفق",
        "#5\tAnnotatorNotes T4\tcanonical=دير الزور",
        '#6\tAnnotatorNotes T4\tnote="two\\nlines"',
        f"T5\tDATE {' '.join(map(str, at('يوم الأربعاء')))}\tيوم الأربعاء",
        "A3\tprecision T5 day",
        "N2\tReference T5 value:2024-03-06\t2024-03-06",
    ]
    conf = (out / "annotation.conf").read_text(encoding="utf-8")
    assert "[entities]\nACTOR\nLOCATION\nCASUALTY_COUNT\nDATE\n" in conf
    assert "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>" in conf
    assert conf.endswith(
        "[attributes]\nexact\tArg:CASUALTY_COUNT\n"
        "outcome\tArg:CASUALTY_COUNT, Value:killed\nprecision\tArg:DATE, Value:day\n"
    )
    documents_conf = (out / DOCUMENTS_FILE).read_text(encoding="utf-8")
    assert 'news_2024_01\tnews/2024/01\t{"title": "الرقة"}\n' in documents_conf
    assert "doc-2\tdoc\t{}\n" in documents_conf and "hidden\t.hidden\t{}\n" in documents_conf


def test_export_then_import_gives_back_ids_spans_attributes_and_titles(
    news: Path, tmp_path: Path
) -> None:
    rt = export_then_import(news, "brat", tmp_path)
    assert rt.imported.rejected == [] and rt.exported.omitted == []
    with open_project(news) as before, open_project(rt.project) as after:
        assert stored(after) == stored(before)
        assert sorted(stored(after)) == [".hidden", "CON", "Doc", "doc", "news/2024/01"]
        (document,) = [d for d in after.documents.iterate() if d.external_id == "news/2024/01"]
        assert document.title == "الرقة" and document.meta == {}


def test_auto_format_finds_the_export(news: Path, tmp_path: Path) -> None:
    rt = export_then_import(news, "brat", tmp_path, import_format="auto")
    assert rt.imported.rejected == [] and rt.imported.notes == []
    assert rt.imported.imported == 5
    assert detect_format(rt.out / "Doc.ann") == "brat"  # empty .ann: known by its suffix
    assert detect_format(rt.out / "news_2024_01.ann") == "brat"  # by content


def test_unicode_line_separators_split_spans_like_newlines(
    tmp_path: Path, write_jsonl: WriteJsonl
) -> None:
    # brat reads .ann lines with Python's splitlines: U+2028, NEL, FF… end a line there too.
    text = "قصف\u2028على حلب\x85ودمشق\x0c.\n"
    spans = [
        {"start": 0, "end": len(text), "label": "LOCATION", "annotator": "alice"},
        {"start": 3, "end": 4, "label": "ACTOR", "annotator": "alice"},  # the separator alone
    ]
    source = tmp_path / "seps.tawsim"
    with open_project(source, create=True, labels=default_labels()) as project:
        records = [{"id": "s", "text": text, "spans": spans}]
        assert import_paths(project, [write_jsonl(tmp_path / "s.jsonl", records)]).rejected == []
    assert brat_problems(text.encode(), f"T1\tACTOR 0 4\t{text[:4]}\n".encode()) != []
    rt = export_then_import(source, "brat", tmp_path)
    assert (rt.out / "s.ann").read_text(encoding="utf-8").split("\n")[:2] == [
        # The final LF is inside the span: an empty fragment at 20 keeps the end there.
        "T1\tLOCATION 0 3;4 11;12 17;18 19;20 20\tقصف على حلب ودمشق . ",
        "T2\tACTOR 3 3;4 4\t ",
    ]
    check_with_brat_rules(rt.out)
    assert rt.imported.rejected == []
    assert spans_by_text(rt.project) == {
        text: [(0, len(text), "LOCATION", text), (3, 4, "ACTOR", "\u2028")]
    }


def test_a_label_brat_cannot_hold_is_renamed_and_reported(tmp_path: Path) -> None:
    # Storage refuses such label ids; the writer still never writes a broken line.
    document = Document(1, "d1", "قصف على حلب", "x")
    span = Span("u1", 1, "alice", 8, 11, "BAD LABEL", "حلب")
    omissions = Omissions()
    write_brat([ExportItem(document, [span])], tmp_path / "out", ExportOptions(), omissions)
    assert omissions.items == ["d1: label 'BAD LABEL' written as 'BAD_LABEL' (no spaces in brat)"]
    assert (tmp_path / "out" / "d1.ann").read_text(encoding="utf-8") == "T1\tBAD_LABEL 8 11\tحلب\n"


def test_exporting_over_an_earlier_export_replaces_it_whole(news: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "stale.ann").write_text("T1\tACTOR 0 1\tx\n", encoding="utf-8")
    with open_project(news) as project:
        export(project, "brat", out, annotator="alice")
    assert not (out / "stale.ann").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# --- round trips ----------------------------------------------------------------------------

NAMES = st.sampled_from(
    ["canonical", "value", "low", "outcome", "qualifier", "precision", "a=b", '"q', " pad", ""]
)
VALUES = st.one_of(
    st.booleans(),
    st.none(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.sampled_from(["killed", "at least", "2024-03-01", "دير الزور", "غزة", "12", "true", '"x"']),
    st.lists(st.integers(0, 9), max_size=3),
)
ATTRS = st.dictionaries(st.one_of(NAMES, st.text(max_size=4)), VALUES, max_size=3)


def with_attrs(path: Path, attrs: list[dict[str, Any]]) -> None:
    """Give the spans of ``path`` these attributes, in span order."""
    with open_project(path) as project:
        spans = [s for d in project.documents.iterate() for s in project.spans.for_document(d.id)]
        for span, value in zip(spans, attrs, strict=False):
            project.spans.update(span.uuid, by="alice", attrs=value)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(docs=documents(overlaps=True, newlines=True), attrs=st.lists(ATTRS, max_size=12))
def test_round_trip_with_overlaps_newlines_and_attributes(
    docs: list[Doc], attrs: list[dict[str, Any]]
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        source = make_project(folder, docs)
        with_attrs(source, attrs)
        rt = export_then_import(source, "brat", folder)
        assert rt.exported.omitted == []
        check_with_brat_rules(rt.out)
        assert rt.imported.rejected == []
        with open_project(source) as before, open_project(rt.project) as after:
            assert stored(after) == stored(before)


def test_every_layer_goes_to_its_own_folder_and_comes_back(
    tmp_path: Path, write_jsonl: WriteJsonl
) -> None:
    spans = [
        {"start": a, "end": b, "label": label, "annotator": who}
        for (a, b), label, who in [
            (at("بالرقة"), "LOCATION", "alice"),
            (at("الرقة"), "LOCATION", "bob"),
            (at("المرصد السوري"), "ACTOR", "bob"),
        ]
    ]
    records = [{"id": "a/1", "text": TEXT, "spans": spans}, {"id": "a2", "text": "نص."}]
    source = tmp_path / "two.tawsim"
    with open_project(source, create=True, labels=default_labels()) as project:
        project.annotator("alice")
        project.annotator("bob")
        assert import_paths(project, [write_jsonl(tmp_path / "two.jsonl", records)]).rejected == []
    rt = export_then_import(source, "brat", tmp_path, annotator=None, import_annotator=None)
    assert sorted(p.name for p in rt.out.iterdir()) == ["alice", "bob", "tawsim-layers.json"]
    assert (rt.out / "bob" / "a_1.ann").read_text(encoding="utf-8").count("\n") == 2
    assert rt.imported.rejected == []
    with open_project(source) as before, open_project(rt.project) as after:
        for who in ("alice", "bob"):
            assert stored(after, who) == stored(before, who)
        assert sorted(stored(after)) == ["a/1", "a2"]
    assert spans_by_text(rt.project, "bob")[TEXT] == [
        (*at("الرقة"), "LOCATION", "الرقة"),
        (*at("المرصد السوري"), "ACTOR", "المرصد السوري"),
    ]


# --- brat's own files -----------------------------------------------------------------------


Peer = dict[str, dict[tuple[int, int, str], Any]]


def peer(project: Project, *stems: str) -> tuple[Peer, list[str]]:
    """What brat's files import as (id -> (start, end, label) -> (text, attrs)), and notes."""
    report = import_brat(project, *(FIXTURES / f"{s}.ann" for s in stems), create_labels=True)
    assert report.rejected == []
    assert report.imported == len(stems)
    result = {}
    for document in project.documents.iterate():
        spans = project.spans.for_document(document.id)
        result[document.external_id] = {(s.start, s.end, s.label): (s.text, s.attrs) for s in spans}
    return result, report.notes


def test_brat_tutorial_news_files(project: Project) -> None:
    got, notes = peer(project, "news_000-introduction", "news_100-attribute_annotation")
    intro = got["news_000-introduction"]
    assert len(intro) == 7
    assert intro[(418, 426, "Organization")] == ("Citibank", {})
    assert intro[(456, 468, "Money")] == ("$100 million", {"AnnotatorNotes": "100000000 USD"})
    assert intro[(443, 449, "Transfer-money")] == ("moving", {})  # an event's trigger
    assert intro[(473, 496, "Person")] == (
        "Raul Salinas de Gortari",
        {"Mention": "Name", "Individual": True},
    )
    assert intro[(511, 535, "Person")] == (
        "former Mexican president",
        {
            "Mention": "Nominal",
            "Individual": True,
            "Wikipedia": "64488",
            "Wikipedia_name": "Carlos Salinas de Gortari",
        },
    )
    attributes = got["news_100-attribute_annotation"]
    assert len(attributes) == 26
    assert attributes[(497, 505, "Person")] == ("Somebody", {"Individual": True})
    assert attributes[(1005, 1011, "Organization")] == ("Google", {})
    # Relations, events and what is attached to them: a note each document, not rejections.
    tail = ": Tawsim imports spans (T lines) and their attributes"
    assert notes == [
        f"{FIXTURES / 'news_000-introduction.ann'}:4: skipped events (1), relations (2), "
        "attributes or notes of relations and events (1)" + tail,
        f"{FIXTURES / 'news_100-attribute_annotation.ann'}:18: skipped events (10), "
        "attributes or notes of relations and events (5)" + tail,
    ]
    assert {label.id for label in project.labels.all()} >= {"Person", "Merge-org", "Report"}


def test_brat_note_file(project: Project) -> None:
    got, _ = peer(project, "news_110-note_annotation")
    notes = got["news_110-note_annotation"]
    assert notes[(412, 421, "GPE")] == (
        "Discworld",
        {"AnnotatorNotes": "Should fictional places be annotated?"},
    )
    assert notes[(520, 534, "Person")] == ("Orville Wright", {})


def test_corpora_with_non_ascii_text(project: Project) -> None:
    got, _ = peer(
        project, "TDT_wn071", "CoNLL-ST_2002_esp_esp.train-doc-29", "NCBI-disease_PMID-23402"
    )
    tdt = got["TDT_wn071"]
    assert tdt[(0, 7, "N")] == (
        "Halonen",
        {"Lemma": "Halonen", "SUBCAT": "Prop", "NUM": "Sg", "CASE": "Nom", "CASECHANGE": "cap"},
    )
    assert tdt[(72, 78, "Adv")] == ("tänään", {"Lemma": "tänään", "CASECHANGE": "cap"})
    assert tdt[(8, 14, "Null")][0] == "*null*"
    conll = got["CoNLL-ST_2002_esp_esp.train-doc-29"]
    assert len(conll) == 13
    assert conll[(361, 397, "PER")] == ("Nobel de Literatura Camilo José Cela", {})
    assert conll[(3481, 3487, "MISC")] == ("Tierra", {})  # after the é: code points, not bytes
    ncbi = got["NCBI-disease_PMID-23402"]
    assert ncbi[(77, 94, "Disease")] == ("neonatal jaundice", {"Category": "SpecificDisease"})
    assert ncbi[(924, 932, "Disease")] == ("cataract", {"Category": "Modifier"})


def test_sniffing_claims_ann_files_only() -> None:
    for path in FIXTURES.glob("*.ann"):
        assert sniff_brat(path, path.read_bytes()), path.name
    for head in [
        b"",
        "غزة\tB-LOC\nفي\tO\n".encode(),
        b"id,text\n1,hello\n",
        b'{"text": "x", "spans": []}\n',
        "T1\tACTOR 0 3\tغزة\nnot brat\n".encode(),
    ]:
        assert not sniff_brat(Path("x.ann"), head), head


# --- bad input ------------------------------------------------------------------------------


def test_offsets_past_the_end_reject_that_line_only(project: Project, tmp_path: Path) -> None:
    ann = write_pair(
        tmp_path,
        "d",
        TEXT,
        "\n".join([t_line("T1", "LOCATION", "بالرقة"), "T2\tACTOR 40 500\tx", "A1\tx T2", ""]),
    )
    report = import_brat(project, ann)
    # One bad line must not cost the document its good spans: brat itself skips such lines.
    assert report.rejected == [
        f"{ann}:2: T2: offsets 40 500 run past the end of the text ({len(TEXT)} characters)"
    ]
    assert stored(project) == {"d": [(*at("بالرقة"), "LOCATION", "بالرقة", "{}")]}


def test_text_that_disagrees_with_the_txt_is_named(project: Project, tmp_path: Path) -> None:
    start, end = at("بالرقة")
    ann = write_pair(
        tmp_path,
        "d",
        TEXT,
        f"T1\tLOCATION {start} {end}\tبدمشق\n" + t_line("T2", "DATE", "الأربعاء") + "\n",
    )
    report = import_brat(project, ann)
    assert report.rejected == [
        f"{ann}:1: T1: text 'بدمشق' does not match the document's 'بالرقة' at {start} {end}"
    ]
    assert stored(project) == {"d": [(*at("الأربعاء"), "DATE", "الأربعاء", "{}")]}


def test_ann_without_its_txt_is_named(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "in"  # tmp_path holds the project file too
    good = write_pair(folder, "good", TEXT, t_line("T1", "ACTOR", "المرصد السوري") + "\n")
    lonely = folder / "lonely.ann"
    lonely.write_text("T1\tACTOR 0 1\tx\n", encoding="utf-8")
    report = import_brat(project, folder)
    assert report.rejected == [f"{lonely}: no lonely.txt beside it (brat keeps the text there)"]
    assert stored(project) == {"good": [(*at("المرصد السوري"), "ACTOR", "المرصد السوري", "{}")]}
    assert good.exists()


def test_malformed_lines_are_named_and_the_rest_imported(project: Project, tmp_path: Path) -> None:
    lines = [
        t_line("T1", "LOCATION", "بالرقة"),
        "T2 LOCATION 0 1 x",  # spaces instead of TABs
        "T3\tLOCATION 4 x\tقتل",
        "T4\tLOCATION\tقتل",
        "A1\tcertain",
        "N1\tReference T1 no-resource",
        "#1\tAnnotatorNotes\tnote without a target",
        "A2\tcertain T9",
        "T1\tACTOR 0 1\t😢",
        "\tno id",
        "A3\tcertain T1",
        "A4\tcertain T3",  # about a broken line: that line's error says it all
        "",
    ]
    ann = write_pair(tmp_path, "d", TEXT, "\n".join(lines))
    report = import_brat(project, ann)
    assert report.rejected == [
        f"{ann}:2: malformed line (no TAB after the annotation id): 'T2 LOCATION 0 1 x'",
        f"{ann}:3: T3: expected 'LABEL START END' with whole-number offsets, got 'LOCATION 4 x'",
        f"{ann}:4: T4: expected 'LABEL START END' with whole-number offsets, got 'LOCATION'",
        f"{ann}:5: A1: expected 'NAME TARGET [VALUE]', got 'certain'",
        f"{ann}:6: N1: expected 'Reference TARGET RESOURCE:ENTRY', got 'Reference T1 no-resource'",
        f"{ann}:7: #1: expected 'TYPE TARGET' before the note, got 'AnnotatorNotes'",
        f"{ann}:9: T1: the id is used twice",
        f"{ann}:10: malformed line (no annotation id): '\\tno id'",
        f"{ann}:8: A2: refers to T9, which no line of this file defines",
    ]
    assert stored(project) == {"d": [(*at("بالرقة"), "LOCATION", "بالرقة", '{"certain": true}')]}


def test_crlf_text_offsets_count_the_cr_like_brat(project: Project, tmp_path: Path) -> None:
    crlf = TEXT.replace("\n", "\r\n")
    start, end = at("المرصد", crlf)  # after the line break: one more than in the LF text
    ann = write_pair(tmp_path, "d", crlf, f"T1\tACTOR {start} {end}\tالمرصد\n")
    report = import_brat(project, ann)
    assert report.rejected == []
    assert f"{ann}: line ends converted to LF" in report.notes
    assert stored(project) == {"d": [(*at("المرصد"), "ACTOR", "المرصد", "{}")]}


def test_crlf_text_with_offsets_counted_without_the_cr(project: Project, tmp_path: Path) -> None:
    # Some tools read the .txt with universal newlines: the T texts only agree that way.
    ann = write_pair(tmp_path, "d", TEXT.replace("\n", "\r\n"), t_line("T1", "ACTOR", "المرصد"))
    report = import_brat(project, ann)
    assert report.rejected == []
    assert report.notes == [
        f"{ann}: offsets counted with each CRLF as one character (brat counts the CR): only so "
        "do the T lines' texts agree"
    ]
    assert stored(project) == {"d": [(*at("المرصد"), "ACTOR", "المرصد", "{}")]}


def test_bom_counts_as_a_character_like_brat(project: Project, tmp_path: Path) -> None:
    # brat decodes with Python's "utf8" codec, which keeps U+FEFF: its offsets are one more.
    start, end = at("بالرقة")
    bom = b"\xef\xbb\xbf" + TEXT.encode("utf-8")
    brat_made = write_pair(
        tmp_path / "brat", "d1", bom, f"T1\tLOCATION {start + 1} {end + 1}\tبالرقة"
    )
    # Offsets that skip the BOM (another tool's reading) are recognized by their texts.
    other = write_pair(
        tmp_path / "other", "d2", bom.replace(b".", b"!"), t_line("T1", "LOCATION", "بالرقة")
    )
    report = import_brat(project, brat_made, other)
    assert report.rejected == []
    assert report.notes == [
        f"{other}: offsets counted without the byte-order mark (brat counts it): only so do "
        "the T lines' texts agree"
    ]
    assert stored(project) == {
        "d1": [(start, end, "LOCATION", "بالرقة", "{}")],
        "d2": [(start, end, "LOCATION", "بالرقة", "{}")],
    }
    assert {d.text for d in project.documents.iterate()} == {TEXT, TEXT.replace(".", "!")}


def test_fragments_joined_by_line_breaks_only(project: Project, tmp_path: Path) -> None:
    newline = TEXT.index("\n")
    wafq = at("وفق")
    lines = [
        f"T1\tLOCATION {at('بالرقة')[0]} {newline};{newline + 1} {wafq[1]}\tبالرقة، وفق",
        f"T2\tACTOR 0 1;{wafq[0]} {wafq[1]}\t😢 وفق",  # North ... America: not one span
        "",
    ]
    ann = write_pair(tmp_path, "d", TEXT, "\n".join(lines))
    report = import_brat(project, ann)
    assert report.rejected == [
        f"{ann}:2: T2: discontinuous span (0 1;{wafq[0]} {wafq[1]}) is not joined by line "
        "breaks only; Tawsim spans are continuous"
    ]
    start = at("بالرقة")[0]
    assert stored(project) == {"d": [(start, wafq[1], "LOCATION", TEXT[start : wafq[1]], "{}")]}


def test_relations_and_unknown_lines_are_kept_not_rejected(
    project: Project, tmp_path: Path
) -> None:
    lines = [
        t_line("T1", "ACTOR", "المرصد السوري"),
        t_line("T2", "LOCATION", "بالرقة"),
        "R1\tLocated Arg1:T1 Arg2:T2",
        "*\tEquiv T1 T2",
        "X1\tsomething newer",
        "#1\tAnnotatorNotes R1\tsure?",
    ]
    ann = write_pair(tmp_path, "d", TEXT, "\n".join(lines))
    report = import_brat(project, ann)
    assert report.rejected == []
    assert report.notes == [
        f"{ann}:3: skipped relations (1), equivalences (1), lines of other kinds (1), "
        "attributes or notes of relations and events (1): Tawsim imports spans (T lines) "
        "and their attributes"
    ]
    (document,) = project.documents.iterate()
    assert document.meta == {}
    assert len(stored(project)["d"]) == 2


def test_txt_without_ann_is_a_document_without_spans(project: Project, tmp_path: Path) -> None:
    txt = write_pair(tmp_path / "in", "alone", "خبر بلا وسوم.", None)
    (record,) = read_brat(txt, None, "alone")
    assert isinstance(record, SourceRecord) and record.spans == []
    report = import_brat(project, tmp_path / "in")
    assert report.rejected == [] and report.imported == 1
    assert stored(project) == {"alone": []}


def test_undecodable_text_is_named(tmp_path: Path) -> None:
    ann = write_pair(tmp_path, "bin", b"\x00\x01\x02" * 40, "T1\tACTOR 0 1\tx\n")
    (error,) = read_brat(ann, None, "bin")
    assert isinstance(error, SourceError)
    assert error.location == str(tmp_path / "bin.txt") and "binary" in error.message
