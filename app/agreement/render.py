"""The agreement report as a readable table for the terminal."""

from __future__ import annotations

from app.agreement.study import AgreementReport, Scores

COLUMNS = (
    ("f1_exact", "F1 exact"),
    ("f1_overlap", "F1 overlap"),
    ("cohen_kappa", "Cohen κ"),
    ("fleiss_kappa", "Fleiss κ"),
    ("alpha_nominal", "α nominal"),
    ("alpha_unitizing", "α_u"),
)


def number(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.4f}"


def _row(name: str, scores: Scores, width: int) -> str:
    values = scores.as_dict()
    return name.ljust(width) + "".join(number(values[key]).rjust(12) for key, _ in COLUMNS)


def as_table(report: AgreementReport, worst: int = 10) -> str:
    width = max([16, *(len(label) + 2 for label in report.per_label)])
    header = "".ljust(width) + "".join(title.rjust(12) for _, title in COLUMNS)
    lines = [
        f"annotators: {', '.join(report.annotators)}",
        f"documents:  {report.documents} (worked on by at least two of them)",
        "",
        header,
        _row("overall", report.overall, width),
    ]
    lines += [_row(label, scores, width) for label, scores in sorted(report.per_label.items())]
    lines += [
        "",
        "pairs".ljust(width)
        + "docs".rjust(8)
        + "F1 exact".rjust(12)
        + "F1 overlap".rjust(12)
        + "Cohen κ".rjust(12),
    ]
    for pair in report.pairs:
        lines.append(
            f"{pair.a} – {pair.b}".ljust(width)
            + str(pair.documents).rjust(8)
            + number(pair.f1_exact).rjust(12)
            + number(pair.f1_overlap).rjust(12)
            + number(pair.cohen_kappa).rjust(12)
        )
    if report.per_document:
        lines += ["", f"most disagreement (of {len(report.per_document)} documents):"]
        for doc in report.per_document[:worst]:
            lines.append(
                f"  {doc.external_id}: {doc.disagreements} unmatched spans,"
                f" F1 exact {number(doc.scores.f1_exact)}"
            )
    return "\n".join(lines)
