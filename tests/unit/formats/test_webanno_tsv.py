"""WebAnno TSV 3.3: INCEpTION's own files, golden output, round trips, omissions, bad input."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from app.core.exporting import export
from app.core.importing import ImportReport, detect_format, import_paths
from app.core.labels import default_labels
from app.formats.registry import FORMATS
from app.formats.webanno_tsv import escape_value, parse, render_document, unescape_value
from storage import Label, Project, open_project
from tests.roundtrip import Doc, documents, export_then_import, make_project, spans_by_text

FIXTURES = Path(__file__).parents[2] / "fixtures" / "interop" / "webanno_tsv3"
HEADER = "#FORMAT=WebAnno TSV 3.3\n"
# The default labels' attributes, in label order, as the layer's features.
FEATURES = "label|canonical|value|low|high|outcome|qualifier|precision"
JAVA = {"t": "\t", "n": "\n", "\\": "\\"}


def stored(project: Project) -> dict[str, tuple[str, list[tuple[Any, ...]]]]:
    """external id -> (text, sorted (start, end, label, covered text, attrs))."""
    result = {}
    for document in project.documents.iterate():
        spans = project.spans.for_document(document.id)
        rows = sorted((s.start, s.end, s.label, s.text, s.attrs) for s in spans)
        result[document.external_id] = (document.text, rows)
    return result


def import_into(project: Project, *paths: Path, **options: Any) -> ImportReport:
    options.setdefault("annotator", "alice")
    return import_paths(project, list(paths), fmt="webanno", **options)


def jsonl_project(folder: Path, records: list[dict[str, Any]], labels: Any = None) -> Path:
    """A project whose documents (and spans with attrs) come from native JSONL records."""
    source = folder / "source.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) + "\n" for r in records]
    source.write_text("".join(lines), encoding="utf-8")
    path = folder / "source.tawsim"
    with open_project(path, create=True, labels=labels or default_labels()) as project:
        project.annotator("alice")  # the layer exists even when it holds no span
        assert import_paths(project, [source], annotator="alice").rejected == []
    return path


def inception_reads(tsv: str) -> str:
    """The text Tsv3XDeserializer.readContent rebuilds, checking every row as it goes.

    Written from INCEpTION's Java independently of the module: Java counts UTF-16 units,
    so the buffer is UTF-16-LE bytes; the result keeps the final line feed INCEpTION adds.
    """
    lines = tsv.split("\n")
    assert lines[0] == "#FORMAT=WebAnno TSV 3.3" and lines[-1] == ""
    index, columns = 1, 0
    while lines[index]:
        columns += len(lines[index].split("|")) - 1
        index += 1
    assert lines[index + 1] == "", "two blank lines after the header"
    buffer, pending, state = b"", [], "space"
    for line in lines[index + 2 : -1]:
        if line.startswith("#"):
            assert state in ("space", "header")
            state = "header"
            if line.startswith("#Text="):
                pending.append(re.sub(r"\\(.)", lambda m: JAVA[m.group(1)], line[6:]))
        elif line == "":
            assert state in ("token",), "blank line only after token rows"
            state = "space"
        else:
            fields = line.split("\t")
            assert len(fields) == columns + 4 and fields[-1] == "", line
            begin, end = (int(x) for x in fields[1].split("-"))
            if state == "header":
                if len(buffer) // 2 > begin:
                    assert len(buffer) // 2 == begin + 1 and buffer.endswith(
                        "\n".encode("utf-16-le")
                    )
                    buffer = buffer[:-2]
                buffer += " ".encode("utf-16-le") * (begin - len(buffer) // 2)
                buffer += ("\n".join(pending) + "\n").encode("utf-16-le")
                pending = []
            else:
                assert state == "token"
            state = "token"
            assert buffer[2 * begin : 2 * end].decode("utf-16-le") == fields[2], line
    return buffer.decode("utf-16-le")


def exported_files(out: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(out.glob("*.tsv"))}


# --- registration and sniffing ------------------------------------------------------------


def test_registered_as_a_folder_format_recognized_by_content(tmp_path: Path) -> None:
    fmt = FORMATS["webanno"]
    assert (fmt.folder, fmt.extension, fmt.suffixes, fmt.multi_layer) == (True, "", (), False)
    assert detect_format(FIXTURES / "tsv3_example2.tsv") == "webanno"
    with_bom = tmp_path / "bom.tsv"
    with_bom.write_bytes(b"\xef\xbb\xbf" + (FIXTURES / "testSentenceWithEmoji.tsv").read_bytes())
    assert detect_format(with_bom) == "webanno"
    table = tmp_path / "table.tsv"
    table.write_text("id\ttext\n1\tقصف على حلب\n", encoding="utf-8")
    assert detect_format(table) == "csv"


# --- INCEpTION's own files ----------------------------------------------------------------

EXAMPLE2_TEXT = (
    "Ms. Haag plays Elianti .\n"
    "Rolls-Royce Motor Cars Inc. said it expects its U.S. sales to remain steady at about"
    " 1,200 cars in 1990 .\n"
    "The luxury auto maker last year sold 1,214 cars in the U.S.\n"
    "BELL INDUSTRIES Inc. increased its quarterly to 10 cents from seven cents a share .\n"
    "The new rate will be payable Feb. 15 .\n"
    "A record date has n't been set .\n"
    "Bell , based in Los Angeles , makes and distributes electronic , computer and building"
    " products ."
)

REAL_FILES: dict[str, tuple[str, list[tuple[int, int, str, str]]]] = {
    # 😊 is two UTF-16 units (10-12) but one code point; its span has no value: the layer name.
    "testSentenceWithEmoji": ("I like it 😊 .", [(10, 11, "Span", "😊")]),
    "testMultiTokenStackedSpanWithFeatureValue": (
        "This is a test .",
        [(0, 16, "LOCATION", "This is a test ."), (0, 16, "PERSON", "This is a test .")],
    ),
    "testSubMultiTokenSpanWithFeatureValue": (
        "aaaaaa bbbbbb cccccc",
        [
            (0, 6, "1", "aaaaaa"),
            (0, 10, "7", "aaaaaa bbb"),
            (0, 13, "2", "aaaaaa bbbbbb"),
            (3, 10, "8", "aaa bbb"),
            (3, 13, "6", "aaa bbbbbb"),
            (3, 17, "9", "aaa bbbbbb ccc"),
            (7, 11, "4", "bbbb"),
            (9, 11, "3", "bb"),
            (9, 13, "5", "bbbb"),
        ],
    ),
    "testCrossSentenceSpanWithFeatureValue": (
        "He loves her .\nShe loves him not .",
        [(0, 34, "PERSON", "He loves her .\nShe loves him not .")],
    ),
    "testSentenceWithLineBreak": ("This is\na test .", [(0, 4, "Span", "This")]),
    "testSentenceWithTab": ("This is\ta test .", [(0, 4, "Span", "This")]),
    "testTwoSentencesWithNoSpaceInBetween": ("onetwo", []),
    "testSentenceId": ("He loves her .\nShe loves him not .", []),
    "testAnnotationWithTrailingWhitespace": ("one  two", [(0, 3, "NamedEntity", "one")]),
    "testMultiTokenSpanWithFeatureValue": (
        "This is a test .",
        [(0, 16, "PERSON", "This is a test .")],
    ),
    "tsv3_example2": (
        EXAMPLE2_TEXT,
        [
            (0, 8, "PER", "Ms. Haag"),
            (15, 22, "OTH", "Elianti"),
            (25, 42, "ORG", "Rolls-Royce Motor"),
            (73, 77, "LOC", "U.S."),
            (186, 190, "LOC", "U.S."),
            (191, 195, "PER", "BELL"),
            (191, 211, "ORG", "BELL INDUSTRIES Inc."),
            (347, 351, "ORG", "Bell"),
            (363, 374, "LOC", "Los Angeles"),
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(REAL_FILES))
def test_inception_file_imports_with_the_spans_it_meant(project: Project, name: str) -> None:
    text, spans = REAL_FILES[name]
    path = FIXTURES / f"{name}.tsv"
    report = import_into(project, path, create_labels=True)
    assert report.rejected == []
    assert all("skipped the zero-length" in line for line in report.notes)  # see below
    assert stored(project) == {name: (text, [(*span, {}) for span in spans])}
    assert inception_reads(path.read_text(encoding="utf-8")) == text + "\n"


def test_sub_tokens_with_zero_length_spans_import_the_rest_and_name_the_skipped(
    project: Project,
) -> None:
    path = FIXTURES / "testSubMultiTokenSpanWithFeatureValue.tsv"
    report = import_into(project, path, create_labels=True)
    assert report.imported == 1
    assert report.rejected == []
    assert [r.split(": ", 1)[0] for r in report.notes] == [
        f"{path}:11",  # 1-2.3  7-7   11
        f"{path}:14",  # 1-2.6  10-10 10
        f"{path}:15",  # 1-2.7  13-13 12
    ]
    assert "skipped the zero-length annotation '11' at 7" in report.notes[0]


def test_zero_length_spans_are_skipped_with_a_note(project: Project) -> None:
    path = FIXTURES / "testZeroLengthSpansWithFeatureValues.tsv"
    report = import_into(project, path, create_labels=True)
    assert report.imported == 1 and report.rejected == []
    assert report.notes == [
        f"{path}:7: skipped the zero-length annotation 'PERSON' at 0 (a Tawsim span covers at"
        " least one character); the document is imported",
        f"{path}:12: skipped the zero-length annotation 'ORG' at 16 (a Tawsim span covers at"
        " least one character); the document is imported",
    ]
    assert stored(project) == {path.stem: ("This is a test .", [])}


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("testTokenBoundedSpanWithAsteriskFeatureValue", "*"),
        ("testTokenBoundedSpanWithUnderscoreFeatureValue", "_"),
        ("testTokenBoundedSpanWithSpecialSymbolsValue", "#*'\"`´\t:;{}|[ ]()\\§$%?=&_\n"),
    ],
)
def test_escaped_feature_values(name: str, label: str) -> None:
    parsed = parse((FIXTURES / f"{name}.tsv").read_text(encoding="utf-8"))
    assert [(s["start"], s["end"], s["label"]) for s in parsed.spans] == [
        (0, 4, label),
        (5, 7, label),
        (8, 9, label),
        (10, 14, label),
        (15, 16, label),
    ]
    assert unescape_value(escape_value(label)) == label


# --- golden output: what INCEpTION writes, byte for byte -----------------------------------


def test_export_of_the_emoji_sentence_is_inceptions_file(tmp_path: Path) -> None:
    reference = (FIXTURES / "testSentenceWithEmoji.tsv").read_text(encoding="utf-8")
    text, ((start, end, _, _),) = REAL_FILES["testSentenceWithEmoji"]
    records = [
        {
            "id": "testSentenceWithEmoji",
            "text": text,
            "spans": [{"start": start, "end": end, "label": "EMOJI", "annotator": "alice"}],
        }
    ]
    source = jsonl_project(tmp_path, records, labels=[Label(id="EMOJI")])
    out = tmp_path / "out"
    with open_project(source) as project:
        report = export(project, "webanno", out, annotator="alice")
    assert report.omitted == []
    expected = reference.replace("webanno.custom.Span|value", "webanno.custom.Tawsim|label")
    expected = expected.replace("😊\t*\t", "😊\tEMOJI\t")
    assert exported_files(out) == {"testSentenceWithEmoji.tsv": expected}


@pytest.mark.parametrize(
    "name",
    [
        "testSubMultiTokenSpanWithFeatureValue",  # sub-tokens, ids, stacking, zero width
        "testMultiTokenSpanWithFeatureValue",
        "testCrossSentenceSpanWithFeatureValue",
        "testSentenceWithTab",
        "testTokenBoundedSpanWithSpecialSymbolsValue",
    ],
)
def test_rows_are_the_ones_inception_wrote(name: str) -> None:
    reference = (FIXTURES / f"{name}.tsv").read_text(encoding="utf-8")
    parsed = parse(reference)
    spans = [(s["start"], s["end"], [escape_value(s["label"])]) for s in parsed.spans]
    if name.startswith("testSub"):  # the three zero-length ones Tawsim cannot hold
        spans += [(7, 7, ["11"]), (10, 10, ["10"]), (13, 13, ["12"])]
    spans = [(s, e, ["*"] if c == ["Span"] else c) for s, e, c in spans]
    written = render_document(parsed.text, spans, ["value"])
    assert written == reference.replace("webanno.custom.Span", "webanno.custom.Tawsim")


# --- round trips --------------------------------------------------------------------------

ROUND_TRIP = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_inception_would_read(out: Path, source: Path) -> None:
    with open_project(source) as project:
        texts = {d.external_id: d.text for d in project.documents.iterate()}
    files = exported_files(out)
    assert set(files) == {f"{name}.tsv" for name in texts}
    for name, text in texts.items():
        assert inception_reads(files[f"{name}.tsv"]) == text + "\n"


@ROUND_TRIP
@given(docs=documents(overlaps=True, newlines=False))
def test_round_trip_with_overlaps_emoji_and_spans_inside_words(docs: list[Doc]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        source = make_project(folder, docs)
        rt = export_then_import(source, "webanno", folder)
        assert rt.exported.omitted == []
        assert rt.imported.rejected == []
        assert spans_by_text(rt.project) == spans_by_text(source)
        check_inception_would_read(rt.out, source)


def trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Where a span edge on a line break ends up: on the nearest token (gaps are one LF)."""
    if text[start] == "\n":
        start += 1
    if text[end - 1] == "\n":
        end -= 1
    return (start, end) if start < end else None


@ROUND_TRIP
@given(docs=documents(overlaps=True, newlines=True))
def test_round_trip_reports_span_edges_on_line_breaks(docs: list[Doc]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        source = make_project(folder, docs)
        rt = export_then_import(source, "webanno", folder)
        assert rt.imported.rejected == []
        expected: dict[str, set[tuple[Any, ...]]] = {}
        reported = 0
        for text, spans in spans_by_text(source).items():
            expected[text] = set()
            for start, end, label, _ in spans:
                where = trimmed(text, start, end)
                reported += where != (start, end)
                if where is not None:
                    expected[text].add((*where, label, text[where[0] : where[1]]))
        assert len(rt.exported.omitted) == reported
        assert all("line break" in line for line in rt.exported.omitted)
        assert {t: set(s) for t, s in spans_by_text(rt.project).items()} == expected
        check_inception_would_read(rt.out, source)


def test_every_layer_goes_to_its_own_folder_and_comes_back_there(tmp_path: Path) -> None:
    text = "قصف على حلب 😢 وغزة"
    records = [
        {
            "id": "a1",
            "text": text,
            "spans": [
                {"start": 8, "end": 11, "label": "LOCATION", "annotator": "alice"},
                {"start": 14, "end": 18, "label": "LOCATION", "annotator": "bob"},
            ],
        }
    ]
    source = jsonl_project(tmp_path, records)
    rt = export_then_import(source, "webanno", tmp_path, annotator=None, import_annotator=None)
    assert sorted(p.relative_to(rt.out).as_posix() for p in rt.out.rglob("*.tsv")) == [
        "alice/a1.tsv",
        "bob/a1.tsv",
    ]
    assert rt.imported.rejected == []
    assert spans_by_text(rt.project, "alice") == {text: [(8, 11, "LOCATION", "حلب")]}
    assert spans_by_text(rt.project, "bob") == {text: [(14, 18, "LOCATION", "وغزة")]}


# --- attributes ---------------------------------------------------------------------------

TEXT = "قتل ١٥ مدنياً في دير الزور يوم ٢٠٢٤/٠١/٠٣ وفق المرصد"


def span(needle: str, label: str, attrs: dict[str, Any] | None = None) -> dict[str, Any]:
    start = TEXT.index(needle)
    result = {"start": start, "end": start + len(needle), "label": label, "annotator": "alice"}
    return result | ({"attrs": attrs} if attrs else {})


def test_attributes_and_reserved_characters_come_back(tmp_path: Path) -> None:
    tricky = "a|b_c[1]*\\d->e;f\tg\nh"
    spans = [
        span("١٥", "CASUALTY_COUNT", {"value": 15, "outcome": "killed", "qualifier": "exact"}),
        span("١٥ مدنياً", "CASUALTY_COUNT", {"low": -3, "note": ""}),  # stacked on ١٥
        span("دير الزور", "LOCATION", {"canonical": "دير الزور"}),
        span("الزور", "ACTOR", {"canonical": tricky}),  # inside another span
        span("٢٠٢٤/٠١/٠٣", "DATE", {"value": "2024-01-03", "precision": "day"}),
        span("المرصد", "ACTOR"),
    ]
    source = jsonl_project(tmp_path, [{"id": "n1", "text": TEXT, "spans": spans}])
    rt = export_then_import(source, "webanno", tmp_path)
    assert rt.exported.omitted == []
    assert rt.imported.rejected == []
    with open_project(source) as before, open_project(rt.project) as after:
        assert stored(after) == stored(before)
    tsv = (rt.out / "n1.tsv").read_text(encoding="utf-8")
    assert tsv.startswith(f"{HEADER}#T_SP=webanno.custom.Tawsim|{FEATURES}|note\n\n\n#Text=")
    assert "CASUALTY\\_COUNT" in tsv
    assert escape_value(tricky) in tsv
    assert inception_reads(tsv) == TEXT + "\n"


def test_what_the_format_changes_is_reported(tmp_path: Path) -> None:
    spans = [
        span("١٥", "CASUALTY_COUNT", {"value": 1.5, "high": None, "outcome": True}),
        span("دير الزور", "LOCATION", {"canonical": "2024", "my name": "x", "label": "y"}),
        span("المرصد", "ACTOR", {"canonical": ["a", "b"]}),
    ]
    records = [{"id": "a/b:c", "text": TEXT, "spans": spans}, {"id": "A_B_C", "text": "نص"}]
    source = jsonl_project(tmp_path, records)
    rt = export_then_import(source, "webanno", tmp_path)
    omitted = rt.exported.omitted
    for expected in [
        "a/b:c: written as a_b_c.tsv",
        "A_B_C: written as A_B_C-2.tsv",  # the same file name on a case-blind disk
        "a/b:c: attribute 'my name' is written as feature 'my_name'",
        "a/b:c: attribute 'label' is written as feature 'label_'",
        "a/b:c: span CASUALTY_COUNT [4, 6) '١٥': attribute 'value'=1.5 is read back as the text",
        "a/b:c: span CASUALTY_COUNT [4, 6) '١٥': attribute 'high'=None has no value",
        "a/b:c: span CASUALTY_COUNT [4, 6) '١٥': attribute 'outcome'=True is read back as",
        "a/b:c: span LOCATION [17, 26) 'دير الزور': attribute 'canonical'='2024' is digits",
        "a/b:c: span ACTOR [46, 52) 'المرصد': attribute 'canonical'=['a', 'b'] is read back",
    ]:
        assert any(line.startswith(expected) for line in omitted), expected
    assert len(omitted) == 9
    assert rt.imported.rejected == []
    with open_project(rt.project) as project:
        documents_ = stored(project)
    assert sorted(documents_) == ["A_B_C-2", "a_b_c"]
    attrs = [row[4] for row in documents_["a_b_c"][1]]
    assert attrs == [
        {"value": "1.5", "outcome": "true"},
        {"canonical": 2024, "my_name": "x", "label_": "y"},
        {"canonical": '["a", "b"]'},
    ]


def test_a_document_without_spans_declares_no_layer(tmp_path: Path) -> None:
    source = jsonl_project(tmp_path, [{"id": "plain", "text": "خبر بلا وسوم.\nسطر ثان"}])
    rt = export_then_import(source, "webanno", tmp_path)
    assert exported_files(rt.out) == {
        "plain.tsv": f"{HEADER}\n\n#Text=خبر بلا وسوم.\n1-1\t0-3\tخبر\t\n1-2\t4-7\tبلا\t\n"
        "1-3\t8-12\tوسوم\t\n1-4\t12-13\t.\t\n"
        "\n#Text=سطر ثان\n2-1\t14-17\tسطر\t\n2-2\t18-21\tثان\t\n"
    }
    with open_project(rt.project) as project:
        assert stored(project) == {"plain": ("خبر بلا وسوم.\nسطر ثان", [])}


def test_span_edges_in_spaces_become_rows_of_their_own(tmp_path: Path) -> None:
    text = "قصف  على\u00a0حلب"  # two spaces, then a no-break space
    spans = [
        {"start": 3, "end": 8, "label": "ACTOR", "annotator": "alice"},  # "  على"
        {"start": 4, "end": 9, "label": "LOCATION", "annotator": "alice"},  # " على\xa0"
    ]
    source = jsonl_project(tmp_path, [{"id": "s", "text": text, "spans": spans}])
    rt = export_then_import(source, "webanno", tmp_path)
    assert rt.exported.omitted == []
    tsv = (rt.out / "s.tsv").read_text(encoding="utf-8")
    actor = "\t".join(["1-2", "3-5", "  ", "ACTOR[1]", *["*[1]"] * 7])
    assert f"{actor}\t\n1-2.1\t4-5\t \tLOCATION[2]\t" in tsv
    with open_project(rt.project) as project:
        assert [row[:4] for row in stored(project)["s"][1]] == [
            (3, 8, "ACTOR", "  على"),
            (4, 9, "LOCATION", " على\u00a0"),
        ]
    assert inception_reads(tsv) == text + "\n"


# --- bad input ----------------------------------------------------------------------------

GOOD = f"{HEADER}#T_SP=webanno.custom.Tawsim|label\n\n\n#Text=قصف على حلب\n" + (
    "1-1\t0-3\tقصف\t_\t\n1-2\t4-7\tعلى\t_\t\n1-3\t8-11\tحلب\tLOCATION\t\n"
)
SECOND = "\n#Text=ثم غزة\n2-1\t12-14\tثم\t_\t\n2-2\t15-18\tغزة\tLOCATION[1]\t\n"


def import_with_a_good_file(
    project: Project, tmp_path: Path, bad: str | bytes
) -> tuple[ImportReport, Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.tsv").write_text(GOOD, encoding="utf-8")
    path = folder / "bad.tsv"
    if isinstance(bad, str):
        path.write_text(bad, encoding="utf-8")
    else:
        path.write_bytes(bad)
    return import_paths(project, [folder], fmt="webanno", annotator="alice"), path


def assert_only_good(project: Project) -> None:
    assert stored(project) == {"good": ("قصف على حلب", [(8, 11, "LOCATION", "حلب", {})])}


def test_a_bom_before_the_format_line_imports(project: Project, tmp_path: Path) -> None:
    content = b"\xef\xbb\xbf" + (GOOD + SECOND).encode()
    report, _ = import_with_a_good_file(project, tmp_path, content)
    assert report.rejected == []
    assert stored(project)["bad"] == (
        "قصف على حلب\nثم غزة",
        [(8, 11, "LOCATION", "حلب", {}), (15, 18, "LOCATION", "غزة", {})],
    )


def test_crlf_line_ends_import(project: Project, tmp_path: Path) -> None:
    content = (GOOD + SECOND).replace("\n", "\r\n")
    report, _ = import_with_a_good_file(project, tmp_path, content)
    assert report.rejected == []
    assert stored(project)["bad"][1][-1][:4] == (15, 18, "LOCATION", "غزة")


@pytest.mark.parametrize(
    ("bad", "line", "message"),
    [
        (
            GOOD.replace(HEADER, ""),
            1,
            "not WebAnno TSV: the first line must be '#FORMAT=WebAnno TSV 3.3'",
        ),
        (GOOD.replace("TSV 3.3", "TSV 2"), 1, "unsupported format 'WebAnno TSV 2'"),
        (GOOD.replace("TSV 3.3", "TSV 4.0"), 1, "unsupported format 'WebAnno TSV 4.0'"),
        (GOOD.replace("4-7\t", "4-x\t"), 7, "bad offsets '4-x' (expected begin-end)"),
        (GOOD.replace("4-7\t", "7-4\t"), 7, "bad offsets '7-4'"),
        (GOOD.replace("4-7\t", "5-8\t"), 7, "token 'على' does not match the text at 5-8"),
        (
            GOOD.replace("على\t_\t", "على\t_\t_\t"),
            7,
            "expected 4 TAB-separated fields (id, offsets, token and 1 annotation columns),"
            " found 5",
        ),
        (GOOD.replace("حلب\tLOCATION\t", "حلب"), 8, "expected 4 TAB-separated fields"),
        (GOOD.replace("\tLOCATION", "\tLOCATION[1"), 8, "unescaped bracket in 'LOCATION[1'"),
        (GOOD.replace("\tLOCATION", "\tLOCATION[x]"), 8, "bad disambiguation id in"),
        (GOOD + SECOND.replace("15-18", "15-40"), 12, "offsets 15-40 exceed the text"),
        (GOOD.replace("8-11", "8-30"), 8, "offsets 8-30 exceed the text, which ends at 11"),
        (GOOD + SECOND.replace("12-14", "10-12"), 11, "inside the one before it"),
        (GOOD.replace("1-2\t", "1-x\t"), 7, "bad row id '1-x'"),
        (GOOD + "\n#Text=وحدها\n", 10, "a sentence without token rows"),
        (GOOD.replace("#T_SP", "#X_SP"), 2, "expected a layer line"),
    ],
)
def test_bad_file_is_named_by_line_and_the_good_one_imported(
    project: Project, tmp_path: Path, bad: str, line: int, message: str
) -> None:
    report, path = import_with_a_good_file(project, tmp_path, bad)
    (rejected,) = report.rejected
    assert rejected.startswith(f"{path}:{line}: "), rejected
    assert message in rejected
    assert report.imported == 1
    assert_only_good(project)


def test_escaped_brackets_pipes_and_ids_together(tmp_path: Path) -> None:
    content = GOOD.replace("\tLOCATION\t", "\ta\\[1\\]\\|b[3]|c\\\\[4]\t")
    parsed = parse(content)
    assert [(s["start"], s["end"], s["label"]) for s in parsed.spans] == [
        (8, 11, "a[1]|b"),
        (8, 11, "c\\"),
    ]


def test_slot_features_and_placeholder_layers_are_skipped_and_named() -> None:
    # The spec's slot example (rebased to offset 0) plus a custom layer without features.
    content = (
        f"{HEADER}#T_SP=webanno.custom.Frame|FE|ROLE_webanno.custom.Frame:Roles_"
        "webanno.custom.FrameRolesLink|webanno.custom.Lu\n#T_SP=webanno.custom.Lu|luvalue\n"
        "#T_SP=webanno.custom.Mark\n\n\n#Text=Bob auctioned the clock  to John.\n"
        "1-1\t0-3\tBob\t_\t_\t_\tbob\t*\t\n"
        "1-2\t4-13\tauctioned\ttransaction\tseller;goods;buyer\t1-1;1-3[4];1-6\t_\t_\t\n"
        "1-3\t14-17\tthe\t_\t_\t_\tclock[4]\t_\t\n"
        "1-4\t18-23\tclock\t_\t_\t_\tclock[4]\t*[5]\t\n"
        "1-5\t25-27\tto\t_\t_\t_\t_\t*[5]\t\n"
        "1-6\t28-32\tJohn\t_\t_\t_\tjohn\t_\t\n"
        "1-7\t32-33\t.\t_\t_\t_\t_\t_\t\n"
    )
    parsed = parse(content)
    assert parsed.text == "Bob auctioned the clock  to John."
    assert [(s["start"], s["end"], s["label"], s["text"]) for s in parsed.spans] == [
        (0, 3, "Mark", "Bob"),
        (0, 3, "bob", "Bob"),
        (4, 13, "transaction", "auctioned"),
        (14, 23, "clock", "the clock"),
        (18, 27, "Mark", "clock  to"),
        (28, 32, "john", "John"),
    ]
