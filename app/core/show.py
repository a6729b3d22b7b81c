"""``tawsim show``: one article in the terminal, its spans marked and then listed.

Spans are marked inline as ``[دير الزور]LOCATION`` (nested spans nest their brackets).
When colours are on, the brackets and the label take the label's colour too.

Terminals mostly cannot shape or reorder Arabic: they print the letters unjoined and left to
right. The ``bidi`` mode decides whether each output line is first shaped with
arabic-reshaper and put into visual order with python-bidi:

- ``on``: always; ``off``: never (logical order, right for pipes, files and terminals that
  do bidi themselves, such as mlterm or Konsole);
- ``auto``: ``$TAWSIM_BIDI`` decides when it is ``on`` or ``off``; otherwise on exactly when
  stdout is a terminal (a pipe or file gets the logical text, which other tools expect).

Colours (ANSI, 24-bit) are used when stdout is a terminal, ``$NO_COLOR`` is unset and the
output is in logical order: the bidi reordering would move the escape sequences away from
the letters they colour, so visual-order output is marked with brackets alone.
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Literal, TextIO, cast

from storage import Document, Project, ProjectError, Span

BidiMode = Literal["auto", "on", "off"]
_RESET = "\x1b[0m"


def bidi_wanted(mode: BidiMode, stream: TextIO, environ: Mapping[str, str]) -> bool:
    """The rule documented above for ``--bidi auto|on|off``."""
    if mode != "auto":
        return mode == "on"
    override = environ.get("TAWSIM_BIDI", "").strip().lower()
    if override in ("on", "off"):
        return override == "on"
    return stream.isatty()


def colour_wanted(stream: TextIO, environ: Mapping[str, str], bidi: bool) -> bool:
    return not bidi and stream.isatty() and "NO_COLOR" not in environ


def visual_order() -> Callable[[str], str]:
    """Shape then reorder one line for a terminal that cannot (arabic-reshaper, python-bidi)."""
    # Imported by name: neither library ships type information.
    reshape = cast(Callable[[str], str], importlib.import_module("arabic_reshaper").reshape)
    get_display = cast(Callable[[str], str], importlib.import_module("bidi").get_display)

    def convert(line: str) -> str:
        return get_display(reshape(line)) if line else line

    return convert


def find_document(project: Project, doc_id: str) -> Document:
    """A document by external id, or by its number in the project when no id matches."""
    found = project.documents.id_by_external_id(doc_id)
    if found is None and doc_id.isdigit():
        found = int(doc_id)
    document = None if found is None else project.documents.get(found)
    if document is None:
        raise ProjectError(f"{project.path}: no document {doc_id!r} (by external id or number)")
    return document


def _ansi(colour: str) -> str:
    digits = colour.lstrip("#")
    if len(digits) != 6:
        return ""
    try:
        r, g, b = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return ""
    return f"\x1b[1;38;2;{r};{g};{b}m"


def marked_text(text: str, spans: Sequence[Span], colours: Mapping[str, str] | None) -> str:
    """``text`` with each span bracketed and labelled; ``colours`` maps label to ANSI code."""
    opens: dict[int, list[Span]] = {}
    closes: dict[int, list[Span]] = {}
    for span in spans:
        opens.setdefault(span.start, []).append(span)
        closes.setdefault(span.end, []).append(span)
    out: list[str] = []
    active: list[Span] = []
    boundaries = sorted({0, len(text), *opens, *closes})
    for index, position in enumerate(boundaries):
        # Close the inner spans (those opened last) first, then open the longer ones first.
        for span in sorted(closes.get(position, ()), key=lambda s: -s.start):
            if span in active:
                active.remove(span)
            code = colours.get(span.label, "") if colours else ""
            out.append(f"{code}]{span.label}{_RESET if code else ''}")
            if colours and active:
                out.append(colours.get(active[-1].label, ""))
        for span in sorted(opens.get(position, ()), key=lambda s: -s.end):
            active.append(span)
            code = colours.get(span.label, "") if colours else ""
            out.append(f"{code}[")
        following = boundaries[index + 1] if index + 1 < len(boundaries) else len(text)
        out.append(text[position:following])
    return "".join(out)


def span_lines(spans: Sequence[Span], with_annotator: bool) -> list[str]:
    lines = []
    for span in spans:
        who = f"{span.annotator}  " if with_annotator else ""
        attrs = f"  {json.dumps(span.attrs, ensure_ascii=False, sort_keys=True)}"
        lines.append(
            f"{who}{span.label}  [{span.start}, {span.end})  {span.text}"
            + (attrs if span.attrs else "")
        )
    return lines


def render(
    project: Project,
    doc_id: str,
    annotator: str | None = None,
    *,
    bidi: bool = False,
    colour: bool = False,
) -> str:
    """The whole ``show`` output as one string ending in a newline."""
    document = find_document(project, doc_id)
    spans = sorted(
        project.spans.for_document(document.id, annotator),
        key=lambda s: (s.start, -s.end, s.label, s.annotator),
    )
    colours = {label.id: _ansi(label.color) for label in project.labels.all()} if colour else None
    title = document.title or document.external_id
    heading = f"{title}  ({document.external_id}, document {document.id})"
    layer = f"annotator {annotator}" if annotator else "all annotators"
    lines = [heading, "", *marked_text(document.text, spans, colours).split("\n"), ""]
    lines.append(f"{len(spans)} span{'' if len(spans) == 1 else 's'} ({layer}):")
    lines.extend(span_lines(spans, with_annotator=annotator is None))
    if bidi:
        convert = visual_order()
        lines = [convert(line) for line in lines]
    return "\n".join(lines) + "\n"


def show(
    project: Project,
    doc_id: str,
    annotator: str | None,
    mode: BidiMode,
    stream: TextIO,
    environ: Mapping[str, str] | None = None,
) -> None:
    """Write the document to ``stream`` as ``tawsim show`` does."""
    env = os.environ if environ is None else environ
    bidi = bidi_wanted(mode, stream, env)
    stream.write(
        render(project, doc_id, annotator, bidi=bidi, colour=colour_wanted(stream, env, bidi))
    )


__all__ = ["BidiMode", "bidi_wanted", "find_document", "marked_text", "render", "show"]
