"""HTML pieces of the report: value cells, label names, tables. Everything escaped here.

Each number cell carries its exact value (``data-value``, ``null`` when undefined) and
where it sits in ``tawsim agreement --json`` (``data-key``, a path such as
``per_label/ACTOR/f1_exact``), so the report can be checked against the JSON exactly
while the eye reads three decimals.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from app.agreement.render import COLUMNS
from app.reports.context import ReportContext
from app.reports.palette import agreement_color, count_color, text_color
from app.reports.svg import data_value

OUTSIDE = "O"


def shown(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def value_cell(value: float | None, key: str) -> str:
    """A shaded number cell; undefined is "—" with a pointer to the footnote."""
    fill = agreement_color(value)
    style = f"background:{fill};color:{text_color(fill)}"
    if value is None:
        return (
            f'<td class="num undefined" style="{style}" data-key="{escape(key)}"'
            ' data-value="null">—<a href="#undefined">*</a></td>'
        )
    return (
        f'<td class="num" style="{style}" data-key="{escape(key)}"'
        f' data-value="{data_value(value)}">{shown(value)}</td>'
    )


def text_cell(text: str, css: str = "") -> str:
    """Project text (a name, a title, an id), escaped, its direction taken from itself."""
    klass = f' class="{css}"' if css else ""
    return f'<td{klass} dir="auto">{escape(text)}</td>'


def label_name(context: ReportContext, label_id: str) -> str:
    """Colour swatch, the Arabic display name (right to left) and the id."""
    if label_id == OUTSIDE:
        return '<span class="swatch" style="background:#ffffff"></span><code>O</code> (none)'
    label = context.label(label_id)
    arabic = (
        f'<span class="ar" lang="ar" dir="rtl">{escape(label.name_ar)}</span> '
        if label.name_ar
        else ""
    )
    return (
        f'<span class="swatch" style="background:{escape(label.color)}"></span>'
        f"{arabic}<code>{escape(label.id)}</code>"
    )


def measure_header(first: str) -> str:
    cells = "".join(f'<th scope="col">{escape(title)}</th>' for _, title in COLUMNS)
    return f'<thead><tr><th scope="col">{escape(first)}</th>{cells}</tr></thead>'


def measure_cells(values: dict[str, float | None], prefix: str) -> str:
    return "".join(value_cell(values[key], f"{prefix}/{key}") for key, _ in COLUMNS)


def table(head: str, rows: Sequence[str], css: str = "") -> str:
    klass = f' class="{css}"' if css else ""
    return f"<table{klass}>{head}<tbody>{''.join(rows)}</tbody></table>"


def confusion_table(
    context: ReportContext,
    first: str,
    second: str,
    counts: dict[tuple[str, str], int],
    labels: Sequence[str],
) -> str:
    """Token counts: rows are ``first``'s labels, columns ``second``'s, ``O`` last."""
    present = {label for pair in counts for label in pair}
    order = [*context.ordered(set(labels) | (present - {OUTSIDE})), OUTSIDE]
    largest = max(counts.values(), default=0)
    head = (
        f'<thead><tr><th class="corner"><span dir="auto">{escape(first)}</span> ↓ · '
        f'<span dir="auto">{escape(second)}</span> →</th>'
        + "".join(f'<th scope="col">{label_name(context, b)}</th>' for b in order)
        + "</tr></thead>"
    )
    rows = []
    for a in order:
        cells = []
        for b in order:
            count = counts.get((a, b), 0)
            fill = count_color(count, largest)
            css = "num same" if a == b else "num"
            cells.append(
                f'<td class="{css}" style="background:{fill};color:{text_color(fill)}"'
                f' data-value="{count}">{count}</td>'
            )
        rows.append(f'<tr><th scope="row">{label_name(context, a)}</th>{"".join(cells)}</tr>')
    return table(head, rows, "confusion")
