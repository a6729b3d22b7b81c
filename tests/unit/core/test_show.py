"""`tawsim show`: the article with its spans, in logical or in shaped visual order."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from app.cli import main
from app.core.show import bidi_wanted, marked_text, render, show
from storage import Project, Span
from storage.ids import new_id

AddDocument = Callable[..., int]

TEXT = "😢 قصف على بدير الزور أمس.\nقتل ثلاثة مدنيين."


class Terminal(io.StringIO):
    """An output stream that says it is a terminal, as sys.stdout does in a console."""

    def isatty(self) -> bool:
        return True


def tag(
    project: Project, doc: int, needle: str, label: str, who: str = "mona", **attrs: object
) -> Span:
    start = TEXT.index(needle)
    span = Span(new_id(), doc, who, start, start + len(needle), label, needle, dict(attrs))
    return project.spans.create(span, by=who)


@pytest.fixture
def document(project: Project, add_document: AddDocument) -> int:
    doc = add_document(TEXT, external_id="syr-1", title="قصف دير الزور")
    tag(project, doc, "دير الزور", "LOCATION", canonical="دير الزور")
    tag(project, doc, "ثلاثة", "CASUALTY_COUNT", value=3)
    tag(project, doc, "ثلاثة مدنيين", "ACTOR", who="omar")
    return doc


def test_logical_output_marks_and_lists_the_spans(project: Project, document: int) -> None:
    out = render(project, "syr-1", "mona")
    lines = out.splitlines()
    assert lines[0] == f"قصف دير الزور  (syr-1, document {document})"
    assert "😢 قصف على ب[دير الزور]LOCATION أمس." in lines
    assert "قتل [ثلاثة]CASUALTY_COUNT مدنيين." in lines
    assert "2 spans (annotator mona):" in lines
    start = TEXT.index("دير")
    assert f'LOCATION  [{start}, {start + 9})  دير الزور  {{"canonical": "دير الزور"}}' in lines
    assert "omar" not in out


def test_all_layers_nest_their_brackets_and_name_the_annotator(
    project: Project, document: int
) -> None:
    out = render(project, str(document))  # the document's number works too
    assert "قتل [[ثلاثة]CASUALTY_COUNT مدنيين]ACTOR." in out.splitlines()
    assert "3 spans (all annotators):" in out
    assert any(line.startswith("omar  ACTOR  [") for line in out.splitlines())


def test_bidi_on_shapes_and_reorders_each_line(project: Project, document: int) -> None:
    out = render(project, "syr-1", "mona", bidi=True)
    assert "دير الزور" not in out  # no logical Arabic left
    presentation = [ch for ch in out if "\ufe70" <= ch <= "\ufefe" or "\ufb50" <= ch <= "\ufdff"]
    assert len(presentation) > 30
    # Visual order: the first word of the title ('قصف') is now at the right end of its run.
    title = out.splitlines()[0]
    assert title.index("syr-1") < title.index("\ufed7")  # the initial form of ق


def test_colours_only_on_a_terminal_in_logical_order(project: Project, document: int) -> None:
    terminal = Terminal()
    show(project, "syr-1", "mona", "auto", terminal, environ={"TAWSIM_BIDI": "off"})
    coloured = terminal.getvalue()
    assert "\x1b[" in coloured and "دير الزور" in coloured
    assert "\x1b[0m" in coloured
    plain = io.StringIO()
    show(project, "syr-1", "mona", "auto", plain, environ={})
    assert "\x1b[" not in plain.getvalue()
    assert plain.getvalue() == render(project, "syr-1", "mona")
    no_colour = Terminal()
    show(project, "syr-1", "mona", "off", no_colour, environ={"NO_COLOR": "1"})
    assert "\x1b[" not in no_colour.getvalue()


def test_the_auto_rule() -> None:
    assert bidi_wanted("auto", Terminal(), {}) is True
    assert bidi_wanted("auto", io.StringIO(), {}) is False
    assert bidi_wanted("auto", Terminal(), {"TAWSIM_BIDI": "off"}) is False
    assert bidi_wanted("auto", io.StringIO(), {"TAWSIM_BIDI": "on"}) is True
    assert bidi_wanted("on", io.StringIO(), {"TAWSIM_BIDI": "off"}) is True
    assert bidi_wanted("off", Terminal(), {"TAWSIM_BIDI": "on"}) is False


def test_marked_text_with_crossing_spans_keeps_every_character() -> None:
    text = "abcdef"
    spans = [
        Span("1", 1, "m", 0, 4, "A", "abcd"),
        Span("2", 1, "m", 2, 6, "B", "cdef"),
    ]
    out = marked_text(text, spans, None)
    assert out.replace("[", "").replace("]A", "").replace("]B", "") == text


def test_cli_show(
    tmp_path: Path, project: Project, document: int, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project.path
    project.close()
    assert main(["show", str(path), "syr-1", "--annotator", "mona", "--bidi", "off"]) == 0
    out = capsys.readouterr().out
    assert "😢 قصف على ب[دير الزور]LOCATION أمس." in out
    assert main(["show", str(path), "syr-1", "--bidi", "on"]) == 0
    assert "\ufed7" in capsys.readouterr().out
    assert main(["show", str(path), "nope", "--bidi", "off"]) == 2
    assert "no document 'nope'" in capsys.readouterr().err
