"""The agreement report as one self-contained HTML file a lead can mail.

No external resource, no script: the styles are inline, the charts are inline SVG
(app.reports.svg). Every string from the project is escaped; Arabic runs carry
``dir="rtl"`` (label names) or ``dir="auto"`` (annotators, titles, ids).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from app.agreement.render import COLUMNS
from app.agreement.study import AgreementReport
from app.formats.atomic import atomic_text_writer
from app.reports import svg
from app.reports.context import ReportContext, context_for
from app.reports.tables import (
    confusion_table,
    label_name,
    measure_cells,
    measure_header,
    table,
    text_cell,
    value_cell,
)
from storage import Project

TOP_DOCUMENTS = 20
PAIR_MEASURES = (
    ("f1_exact", "F1, exact match"),
    ("f1_overlap", "F1, overlap match"),
    ("cohen_kappa", "Cohen κ (tokens)"),
)

UNDEFINED_NOTE = (
    "— undefined: there is nothing for the measure to compare. F1 has no spans from "
    "either annotator; κ and α see only one category on every token (chance agreement "
    "is then total and the formula divides by zero); Fleiss' κ and α_u also need "
    "documents worked on by every chosen annotator. An undefined measure is shown as "
    "such, never as 0 or 1, which would claim complete disagreement or perfect agreement."
)

STYLE = """
body{font-family:'Noto Sans','Segoe UI',Tahoma,'Noto Naskh Arabic',sans-serif;margin:2em;
color:#212121;max-width:72em}
h1{margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #bdbdbd}
table{border-collapse:collapse;margin:.6em 0}
th,td{border:1px solid #e0e0e0;padding:.25em .6em;text-align:start}
td.num{text-align:end;font-variant-numeric:tabular-nums}
td.same{outline:2px solid #424242;outline-offset:-2px}
.swatch{display:inline-block;width:.9em;height:.9em;margin-inline-end:.4em;
border:1px solid #9e9e9e;vertical-align:middle}
.ar{font-family:'Noto Naskh Arabic','Segoe UI',Tahoma,serif;font-size:1.15em}
.note{font-size:.9em;color:#616161;max-width:60em}
.charts{display:flex;flex-wrap:wrap;gap:1.2em;align-items:flex-start}
dl.facts{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}
dl.facts dt{font-weight:bold}dl.facts dd{margin:0}
"""


def write_agreement_report(
    project: Project, report: AgreementReport, path: str | Path, top: int = TOP_DOCUMENTS
) -> Path:
    """Write the report to ``path`` atomically (complete or not at all)."""
    page = render_agreement_report(report, context_for(project, report, top), top)
    with atomic_text_writer(path) as stream:
        stream.write(page)
    return Path(path)


def render_agreement_report(
    report: AgreementReport, context: ReportContext, top: int = TOP_DOCUMENTS
) -> str:
    labels = context.ordered(report.per_label)
    sections = [
        _header(report, context),
        _overall(report),
        _per_label(report, context, labels),
        _label_charts(report, context, labels),
        _pairs(report),
        _confusion(report, context, labels),
        _documents(report, context, top),
        f'<p id="undefined" class="note">{escape(UNDEFINED_NOTE)}</p>',
        f'<footer class="note">Tawsim {escape(context.version)}</footer>',
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Agreement — {escape(context.project_name)}</title>"
        f"<style>{STYLE}</style></head>\n<body>\n" + "\n".join(sections) + "\n</body></html>\n"
    )


def _header(report: AgreementReport, context: ReportContext) -> str:
    people = ", ".join(f'<span dir="auto">{escape(name)}</span>' for name in report.annotators)
    return (
        '<header><h1>Inter-annotator agreement</h1><dl class="facts">'
        f'<dt>Project</dt><dd dir="auto">{escape(context.project_name)}</dd>'
        f"<dt>Date</dt><dd>{escape(context.generated)}</dd>"
        f"<dt>Annotators</dt><dd>{people}</dd>"
        f"<dt>Documents</dt><dd>{report.documents} (worked on by at least two of them)</dd>"
        "</dl></header>"
    )


def _overall(report: AgreementReport) -> str:
    row = f'<tr><th scope="row">overall</th>{measure_cells(report.overall.as_dict(), "overall")}'
    return (
        '<section id="overall"><h2>Overall</h2>'
        + table(measure_header(""), [row + "</tr>"])
        + '<p class="note">Cohen κ is the mean over pairs of annotators; κ and α count '
        "tokens, F1 counts spans, α_u counts characters.</p></section>"
    )


def _per_label(report: AgreementReport, context: ReportContext, labels: list[str]) -> str:
    rows = [
        f'<tr><th scope="row">{label_name(context, label)}</th>'
        f"{measure_cells(report.per_label[label].as_dict(), f'per_label/{label}')}</tr>"
        for label in labels
    ]
    return (
        '<section id="per-label"><h2>Per label</h2>'
        + table(measure_header("label"), rows)
        + '<p class="note">Per label, κ and α answer the yes/no question "is this token '
        'the label?".</p></section>'
    )


def _label_charts(report: AgreementReport, context: ReportContext, labels: list[str]) -> str:
    charts = []
    for label_id in labels:
        label = context.label(label_id)
        values = report.per_label[label_id].as_dict()
        bars = [(title, values[key]) for key, title in COLUMNS]
        charts.append(svg.bar_chart(label.id, label.name_ar, label.color, bars))
    return (
        '<section id="label-charts"><h2>Per label, as bars</h2><div class="charts">'
        + "".join(charts)
        + "</div></section>"
    )


def _pairs(report: AgreementReport) -> str:
    head = (
        '<thead><tr><th scope="col">annotator</th><th scope="col">annotator</th>'
        '<th scope="col">documents</th>'
        + "".join(f'<th scope="col">{escape(title)}</th>' for _, title in PAIR_MEASURES)
        + "</tr></thead>"
    )
    rows = []
    for n, pair in enumerate(report.pairs):
        values = {"f1_exact": pair.f1_exact, "f1_overlap": pair.f1_overlap,
                  "cohen_kappa": pair.cohen_kappa}  # fmt: skip
        rows.append(
            f'<tr>{text_cell(pair.a)}{text_cell(pair.b)}<td class="num">{pair.documents}</td>'
            + "".join(value_cell(values[key], f"pairs/{n}/{key}") for key, _ in PAIR_MEASURES)
            + "</tr>"
        )
    index = {name: i for i, name in enumerate(report.annotators)}
    maps = []
    for key, title in PAIR_MEASURES:
        cells: dict[tuple[int, int], float | None] = {}
        for pair in report.pairs:
            value = getattr(pair, key)
            cells[(index[pair.a], index[pair.b])] = cells[(index[pair.b], index[pair.a])] = value
        maps.append(svg.heatmap(report.annotators, cells, title))
    return (
        '<section id="pairs"><h2>Pairs of annotators</h2>'
        + table(head, rows)
        + '<div class="charts">'
        + "".join(maps)
        + "</div></section>"
    )


def _confusion(report: AgreementReport, context: ReportContext, labels: list[str]) -> str:
    parts = ['<section id="confusion"><h2>Label confusion, per pair (tokens)</h2>']
    for pair in report.pairs:
        parts.append(
            f'<h3><span dir="auto">{escape(pair.a)}</span> – '
            f'<span dir="auto">{escape(pair.b)}</span></h3>'
        )
        parts.append(confusion_table(context, pair.a, pair.b, dict(pair.confusion), labels))
    parts.append(
        '<p class="note">Each token counts once per pair: the row is the label the first '
        "annotator gave it, the column the second's; O is no label. The framed diagonal is "
        "agreement.</p></section>"
    )
    return "".join(parts)


def _documents(report: AgreementReport, context: ReportContext, top: int) -> str:
    shown_keys = (("f1_exact", "F1 exact"), ("f1_overlap", "F1 overlap"),
                  ("cohen_kappa", "Cohen κ"), ("alpha_unitizing", "α_u"))  # fmt: skip
    head = (
        '<thead><tr><th scope="col">#</th><th scope="col">document</th>'
        '<th scope="col">title</th><th scope="col">annotators</th>'
        '<th scope="col">unmatched spans</th>'
        + "".join(f'<th scope="col">{escape(title)}</th>' for _, title in shown_keys)
        + "</tr></thead>"
    )
    rows = []
    for n, document in enumerate(report.per_document[:top]):
        values = document.scores.as_dict()
        rows.append(
            f'<tr><td class="num">{n + 1}</td>{text_cell(document.external_id)}'
            f"{text_cell(context.titles.get(document.document_id, ''))}"
            f"{text_cell(', '.join(document.annotators))}"
            f'<td class="num" data-key="per_document/{n}/disagreements"'
            f' data-value="{document.disagreements}">{document.disagreements}</td>'
            + "".join(value_cell(values[k], f"per_document/{n}/{k}") for k, _ in shown_keys)
            + "</tr>"
        )
    total = len(report.per_document)
    return (
        '<section id="documents"><h2>Documents with most disagreement</h2>'
        f'<p class="note">The {min(top, total)} of {total} documents with the most spans '
        "that have no exact partner in another annotator's layer (summed over pairs).</p>"
        + table(head, rows)
        + "</section>"
    )
