"""Inline SVG charts for the agreement report: a pairwise heatmap and per-label bars.

Hand-written SVG, so the report needs no chart library and no JavaScript. Arabic names
go into ``<text>`` as they are, in logical order: browsers (and Qt's SVG renderer) shape
and reorder Arabic themselves, so arabic-reshaper/python-bidi would make them read
backwards (DESIGN §3.5). Every name from the project is wrapped in a first-strong isolate
(U+2068 … U+2069, what ``dir="auto"`` does in HTML): an Arabic name with a digit or a
Latin word in it keeps its own right-to-left order, and text anchors keep their
left-to-right meaning, which every renderer agrees on (Qt ignores ``direction``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from html import escape
from math import cos, radians, sin

from app.reports.palette import UNDEFINED, agreement_color, text_color

FONT = "'Noto Sans', 'Segoe UI', Tahoma, 'Noto Naskh Arabic', 'DejaVu Sans', sans-serif"
FONT_SIZE = 13
CHAR_WIDTH = 7.5  # a generous average advance at FONT_SIZE, for laying out margins
_SLANT = 35  # degrees: column names in the heatmap rise to the right


# Characters XML 1.0 forbids even as references; a name holding one must not break the chart.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def isolate(text: str) -> str:
    """``text`` escaped for XML and isolated from the surrounding text's direction."""
    # A raw CR would reach an XML reader as LF: a reference keeps it.
    return f"\u2068{escape(xml_safe(text)).replace(chr(13), '&#13;')}\u2069"


def number(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def data_value(value: float | None) -> str:
    """The exact value for a ``data-value`` attribute: ``null`` when undefined, like JSON."""
    return "null" if value is None else repr(value)


def _width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def _svg(width: float, height: float, body: list[str], title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}"'
        f' viewBox="0 0 {width:.0f} {height:.0f}" font-family="{FONT}"'
        f' font-size="{FONT_SIZE}" role="img"><title>{escape(xml_safe(title))}</title>'
        + "".join(body)
        + "</svg>"
    )


def heatmap(names: Sequence[str], cells: Mapping[tuple[int, int], float | None], title: str) -> str:
    """An annotator × annotator grid. ``cells[(i, j)]`` is the pair's value (``None``:
    undefined); a pair without an entry (the diagonal) is drawn empty."""
    size_x, size_y = 64, 36
    longest = max((_width(n) for n in names), default=0.0)
    left = max(60.0, longest + 16)
    rise = longest * sin(radians(_SLANT)) + FONT_SIZE
    top = 28 + rise
    width = left + size_x * len(names) + longest * cos(radians(_SLANT)) + 8
    height = top + size_y * len(names) + 8
    body = [f'<text x="0" y="16" font-weight="bold">{escape(title)}</text>']
    for j, name in enumerate(names):
        x, y = left + size_x * j + size_x / 2, top - 6
        body.append(
            f'<text x="{x:.1f}" y="{y:.1f}" transform="rotate(-{_SLANT} {x:.1f} {y:.1f})">'
            f"{isolate(name)}</text>"
        )
    for i, row_name in enumerate(names):
        y = top + size_y * i
        body.append(
            f'<text x="{left - 8:.1f}" y="{y + size_y / 2 + 4:.1f}" text-anchor="end">'
            f"{isolate(row_name)}</text>"
        )
        for j, column_name in enumerate(names):
            x = left + size_x * j
            if (i, j) not in cells:
                body.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{size_x}" height="{size_y}"'
                    ' fill="#ffffff" stroke="#bdbdbd"/>'
                )
                continue
            value = cells[(i, j)]
            fill = agreement_color(value)
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{size_x}" height="{size_y}"'
                f' fill="{fill}" stroke="#ffffff" data-value="{data_value(value)}">'
                f"<title>{isolate(row_name)} – {isolate(column_name)}: {number(value, 4)}"
                "</title></rect>"
                f'<text x="{x + size_x / 2:.1f}" y="{y + size_y / 2 + 4:.1f}"'
                f' text-anchor="middle" fill="{text_color(fill)}">{number(value)}</text>'
            )
    return _svg(width, height, body, title)


def bar_chart(
    label_id: str, label_name: str, color: str, bars: Sequence[tuple[str, float | None]]
) -> str:
    """One label's measures as horizontal bars on a -1…1 axis (0 marked), in its colour.

    The label's id heads the chart on the left, its Arabic name on the right, where an
    Arabic reader starts."""
    names_width = max((_width(name) for name, _ in bars), default=0.0) + 12
    plot, row, top = 240.0, 24, 50
    value_x = names_width + plot + 8
    width = value_x + 56
    height = top + row * len(bars) + 8
    zero = names_width + plot / 2
    body = [
        f'<rect x="0" y="0" width="{width:.0f}" height="28" fill="{escape(color)}"/>',
        f'<text x="8" y="19" font-weight="bold" fill="{text_color(color)}">'
        f"{isolate(label_id)}</text>",
        f'<text x="{width - 8:.0f}" y="20" text-anchor="end" font-size="{FONT_SIZE + 3}"'
        f' fill="{text_color(color)}">{isolate(label_name)}</text>',
    ]
    for n, (name, value) in enumerate(bars):
        y = top + row * n
        body.append(f'<text x="0" y="{y + 15}">{escape(name)}</text>')
        if value is None:
            body.append(
                f'<rect x="{names_width:.1f}" y="{y + 3}" width="{plot:.0f}" height="16"'
                f' fill="{UNDEFINED}" opacity="0.5" data-value="null"/>'
            )
        else:
            end = zero + max(-1.0, min(1.0, value)) * plot / 2
            body.append(
                f'<rect x="{min(zero, end):.1f}" y="{y + 3}" width="{abs(end - zero):.1f}"'
                f' height="16" fill="{escape(color)}" stroke="#616161" stroke-width="0.5"'
                f' data-value="{data_value(value)}"/>'
            )
        body.append(f'<text x="{value_x:.1f}" y="{y + 15}">{number(value)}</text>')
    body.append(
        f'<line x1="{zero:.1f}" y1="{top - 4}" x2="{zero:.1f}" y2="{height - 4:.0f}"'
        ' stroke="#424242"/>'
    )
    for tick, text in ((names_width, "-1"), (zero, "0"), (names_width + plot, "1")):
        body.append(
            f'<text x="{tick:.1f}" y="{top - 6}" text-anchor="middle" font-size="10"'
            f' fill="#616161">{text}</text>'
        )
    return _svg(width, height, body, f"{label_id} {label_name}")
