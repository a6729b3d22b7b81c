"""The HTML agreement report: numbers equal --json, SVG well formed, escaping, Arabic."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.agreement.study import AgreementReport, compute_agreement
from app.cli import main
from app.core.labels import default_labels
from app.reports.agreement_html import render_agreement_report, write_agreement_report
from app.reports.context import ReportContext, context_for
from app.reports.svg import xml_safe
from app.text.canonical import sha256
from storage import Label, Span, open_project
from storage.clock import now
from storage.documents import NewDocument

ALEPPO = "قصف الطيران مدينة حلب، وقتل 12 مدنيا يوم الأحد."
RAQQA = "قُتل ثلاثة عشر مدنياً بالرقة، فجر اليوم الأربعاء، وفق المرصد السوري."
QUIET = "خبر بلا أي وسم."
HOSTILE = "<script>alert(1)</script> & co"
LABEL_NAMES = {
    "ACTOR": "فاعل",
    "LOCATION": "مكان",
    "CASUALTY_COUNT": "عدد الضحايا",
    "DATE": "تاريخ",
}


def at(text: str, needle: str, label: str) -> tuple[int, int, str]:
    start = text.index(needle)
    return (start, start + len(needle), label)


LAYERS = {
    "aleppo": {
        "alice": [at(ALEPPO, "الطيران", "ACTOR"), at(ALEPPO, "مدينة حلب", "LOCATION"),
                  at(ALEPPO, "12", "CASUALTY_COUNT"), at(ALEPPO, "يوم الأحد", "DATE")],
        "bob": [at(ALEPPO, "الطيران", "ACTOR"), at(ALEPPO, "حلب", "LOCATION"),
                at(ALEPPO, "12 مدنيا", "CASUALTY_COUNT")],
        "carol": [at(ALEPPO, "الطيران", "LOCATION"), at(ALEPPO, "مدينة حلب", "LOCATION"),
                  at(ALEPPO, "الأحد", "DATE")],
    },
    "raqqa": {
        "alice": [at(RAQQA, "ثلاثة عشر", "CASUALTY_COUNT"), at(RAQQA, "الرقة", "LOCATION"),
                  at(RAQQA, "المرصد السوري", "ACTOR")],
        "bob": [at(RAQQA, "ثلاثة عشر", "CASUALTY_COUNT"), at(RAQQA, "بالرقة", "LOCATION"),
                at(RAQQA, "المرصد السوري", "ACTOR")],
    },
}  # fmt: skip
TEXTS = {"aleppo": (ALEPPO, "قصف حلب"), "raqqa": (RAQQA, "الرقة")}


def build(
    path: Path, rename: dict[str, str] | None = None, labels: list[Label] | None = None
) -> Path:
    """A real project file: two articles, three annotators (bob and carol renamable)."""
    rename = rename or {}
    with open_project(path, create=True, labels=labels or default_labels()) as project:
        for external_id, (text, title) in TEXTS.items():
            with project.transaction():
                document_id = project.documents.add(
                    NewDocument(external_id=external_id, text=text, sha256=sha256(text),
                                title=rename.get(title, title)),
                    imported_at=now(),
                )  # fmt: skip
            for name, spans in LAYERS[external_id].items():
                who = rename.get(name, name)
                for n, (start, end, label) in enumerate(spans):
                    span = Span(f"{external_id}-{name}-{n}", document_id, who, start, end, label,
                                text[start:end])  # fmt: skip
                    project.spans.create(span, by=who)
    return path


class Page(HTMLParser):
    """Collects what the tests look at: tagged values, tags, sections, plain text."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.keyed: dict[str, str] = {}
        self.by_section: defaultdict[str, list[str]] = defaultdict(list)
        self.tags: Counter[str] = Counter()
        self.text: list[str] = []
        self.section = ""
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags[tag] += 1
        if tag == "section":
            self.section = found.get("id") or ""
        value = found.get("data-value")
        if value is not None:
            self.by_section[self.section].append(value)
            if found.get("data-key"):
                self.keyed[str(found["data-key"])] = value

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def lookup(data: Any, key: str) -> Any:
    for part in key.split("/"):
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data


def as_number(value: str) -> float | None:
    return None if value == "null" else float(value)


def svgs(page: str) -> list[ET.Element]:
    return [ET.fromstring(chunk) for chunk in re.findall(r"<svg\b.*?</svg>", page, re.S)]


@pytest.fixture
def team(tmp_path: Path) -> Path:
    return build(tmp_path / "team.tawsim")


def test_cli_writes_a_report_with_the_json_numbers(
    team: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out" / "report.html"
    assert main(["agreement", str(team), "--json", "--report", str(out)]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)  # stdout holds the JSON alone
    assert str(out) in captured.err
    page = Page(out.read_text(encoding="utf-8"))
    keys = ["f1_exact", "f1_overlap", "cohen_kappa", "fleiss_kappa", "alpha_nominal",
            "alpha_unitizing"]  # fmt: skip
    expected = [f"overall/{k}" for k in keys]
    expected += [f"per_label/{label}/{k}" for label in data["per_label"] for k in keys]
    expected += [f"pairs/{n}/{k}" for n in range(3) for k in keys[:3]]
    expected += [
        f"per_document/{n}/{k}"
        for n in range(len(data["per_document"]))
        for k in ("disagreements", "f1_exact", "f1_overlap", "cohen_kappa", "alpha_unitizing")
    ]
    assert set(page.keyed) == set(expected)
    for key, value in page.keyed.items():
        assert as_number(value) == lookup(data, key), key
    # A lead reads them too: the header names the project, annotators and documents.
    text = " ".join(page.text)
    assert "team.tawsim" in text and "alice" in text and "carol" in text
    assert data["documents"] == 2 and "2 (worked on by at least two of them)" in text


def test_the_table_is_still_printed_with_a_report(
    team: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.html"
    assert main(["agreement", str(team), "--annotators", "alice,bob", "--report", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "alice – bob" in printed and f"report written to {out}" in printed
    assert "carol" not in out.read_text(encoding="utf-8")


def test_an_unwritable_report_is_a_clear_error(
    team: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "already-a-folder.html"
    folder.mkdir()
    assert main(["agreement", str(team), "--report", str(folder)]) == 2
    assert f"cannot write {folder}" in capsys.readouterr().err
    assert list(folder.iterdir()) == [] and not list(tmp_path.glob(".already-a-folder*"))


def test_charts_are_well_formed_svg_with_the_pair_values(team: Path, tmp_path: Path) -> None:
    with open_project(team) as project:
        report = compute_agreement(project)
        page = Path(write_agreement_report(project, report, tmp_path / "r.html")).read_text(
            encoding="utf-8"
        )
    charts = svgs(page)
    ns = "{http://www.w3.org/2000/svg}"
    assert len(charts) == len(report.per_label) + 3  # a bar chart per label, three heatmaps
    heatmaps = charts[len(report.per_label) :]
    index = {name: i for i, name in enumerate(report.annotators)}
    for chart, key in zip(heatmaps, ("f1_exact", "f1_overlap", "cohen_kappa"), strict=True):
        cells = [r for r in chart.iter(f"{ns}rect") if "data-value" in r.attrib]
        assert len(cells) == 3 * 2  # every ordered pair off the diagonal
        grid = {(round(float(r.attrib["x"])), round(float(r.attrib["y"]))): r for r in cells}
        xs, ys = sorted({x for x, _ in grid}), sorted({y for _, y in grid})
        for pair in report.pairs:
            i, j = index[pair.a], index[pair.b]
            for row, column in ((i, j), (j, i)):
                cell = grid[(xs[column], ys[row])]
                assert as_number(cell.attrib["data-value"]) == getattr(pair, key)
    order = ["ACTOR", "LOCATION", "CASUALTY_COUNT", "DATE"]  # the project's label order
    for chart, label in zip(charts, order, strict=False):
        assert chart.findtext(f"{ns}title") == f"{label} {LABEL_NAMES[label]}"
        bars = [r for r in chart.iter(f"{ns}rect") if "data-value" in r.attrib]
        values = list(report.per_label[label].as_dict().values())
        assert [as_number(b.attrib["data-value"]) for b in bars] == values


def test_confusion_matrix_per_pair(team: Path) -> None:
    with open_project(team) as project:
        report = compute_agreement(project)
        context = context_for(project, report, 20)
    page = Page(render_agreement_report(report, context))
    order = ["ACTOR", "LOCATION", "CASUALTY_COUNT", "DATE", "O"]
    expected = [
        str(pair.confusion.get((a, b), 0)) for pair in report.pairs for a in order for b in order
    ]
    assert page.by_section["confusion"] == expected
    # carol called الطيران a LOCATION where alice said ACTOR: it shows.
    alice_carol = next(p for p in report.pairs if (p.a, p.b) == ("alice", "carol"))
    assert alice_carol.confusion[("ACTOR", "LOCATION")] == 1


def test_documents_sorted_by_disagreement_top_n(team: Path) -> None:
    with open_project(team) as project:
        report = compute_agreement(project)
        context = context_for(project, report, 1)
    page = Page(render_agreement_report(report, context, top=1))
    worst = report.per_document[0]
    assert worst.disagreements == max(d.disagreements for d in report.per_document)
    assert page.keyed["per_document/0/disagreements"] == str(worst.disagreements)
    assert "per_document/1/disagreements" not in page.keyed
    assert "The 1 of 2 documents" in " ".join(page.text)
    assert TEXTS[worst.external_id][1] in page.text  # its title, as its own cell


def test_every_project_string_is_escaped(tmp_path: Path) -> None:
    labels = [replace(label, name_ar=f"{label.name_ar} {HOSTILE}") for label in default_labels()]
    path = build(tmp_path / "a&b <i>.tawsim", {"bob": HOSTILE, "قصف حلب": HOSTILE}, labels=labels)
    out = tmp_path / "r.html"
    assert main(["agreement", str(path), "--report", str(out)]) == 0
    raw = out.read_text(encoding="utf-8")
    assert "<script" not in raw.lower() and "<i>" not in raw
    page = Page(raw)
    assert page.tags["script"] == 0 and page.tags["i"] == 0
    text = page.text
    assert HOSTILE in text  # the title cell and the annotator in a pair row, as text
    assert "a&b <i>.tawsim" in text
    assert any(f"فاعل {HOSTILE}" == t for t in text)
    for chart in svgs(raw):  # escaped for XML as well
        assert chart.tag.endswith("svg")


def test_undefined_measures_show_a_dash_never_a_number(tmp_path: Path) -> None:
    path = tmp_path / "quiet.tawsim"
    with open_project(path, create=True, labels=default_labels()) as project:
        with project.transaction():
            document_id = project.documents.add(
                NewDocument(external_id="quiet", text=QUIET, sha256=sha256(QUIET)),
                imported_at=now(),
            )  # fmt: skip
        for name in ("alice", "bob"):
            project.status.set(document_id, project.annotator(name).id, "done", by=name)
        report = compute_agreement(project)
        page_text = render_agreement_report(report, context_for(project, report, 20))
    assert all(value is None for value in report.overall.as_dict().values())
    page = Page(page_text)
    overall = {k: v for k, v in page.keyed.items() if k.startswith("overall/")}
    assert len(overall) == 6 and set(overall.values()) == {"null"}
    cells = re.findall(r'<td class="num undefined"[^>]*>(.*?)</td>', page_text)
    assert len(cells) >= 6 and all(c.startswith("—") for c in cells)
    assert 'id="undefined"' in page_text and "never as 0 or 1" in page_text


def test_arabic_label_names_are_in_logical_order(team: Path, tmp_path: Path) -> None:
    with open_project(team) as project:
        report = compute_agreement(project)
        page = render_agreement_report(report, context_for(project, report, 20))
    # Browsers shape and reorder by themselves: no presentation forms, no reversed text.
    assert not re.search("[\ufb50-\ufdff\ufe70-\ufeff]", page)
    texts = ["".join(t.itertext()) for chart in svgs(page) for t in chart.iter()]
    for name in LABEL_NAMES.values():
        assert f'<span class="ar" lang="ar" dir="rtl">{name}</span>' in page
        assert f"\u2068{name}\u2069" in texts  # a chart title, isolated like dir="auto"
        assert name[::-1] not in page


names = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12).filter(
    lambda s: s.strip() == s and s
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(first=names, second=names, title=st.text(max_size=20))
def test_any_names_survive_the_round_trip(
    report_once: tuple[AgreementReport, ReportContext], first: str, second: str, title: str
) -> None:
    report, context = report_once
    if first == second:
        return
    renamed = {"alice": first, "bob": second}
    changed = replace(
        report,
        annotators=[renamed.get(n, n) for n in report.annotators],
        pairs=[replace(p, a=renamed.get(p.a, p.a), b=renamed.get(p.b, p.b)) for p in report.pairs],
    )
    context = replace(context, project_name=title)
    page = render_agreement_report(changed, context)
    parsed = Page(page)
    assert first in parsed.text and second in parsed.text
    assert parsed.tags["script"] == 0
    for heatmap in svgs(page)[-3:]:  # row names, isolated, well-formed XML whatever they hold
        texts = ["".join(t.itertext()) for t in heatmap.iter()]
        assert f"\u2068{xml_safe(first)}\u2069" in texts


@pytest.fixture(scope="module")
def report_once(tmp_path_factory: pytest.TempPathFactory) -> tuple[AgreementReport, ReportContext]:
    path = build(tmp_path_factory.mktemp("once") / "once.tawsim")
    with open_project(path) as project:
        report = compute_agreement(project)
        return report, context_for(project, report, 20)
