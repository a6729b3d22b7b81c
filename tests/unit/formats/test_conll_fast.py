"""The fast CoNLL path writes exactly what the careful path writes, wherever it answers."""

from __future__ import annotations

import sys
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.formats.conll import plan_document
from app.formats.conll_fast import SEPARATOR_CHARS, FastText, fast_conll_lines
from app.text.tokens import FAST_TOKEN, NEWLINES, is_separator
from storage import Span
from tests.bench.generate import Generator

# Letters with harakat, digits of three scripts, number separators, terminators, closers,
# quotes, brackets, bidi marks, spaces and line breaks, emoji and rarer characters.
ALPHABET = [
    *"دير الزورقتلبغدادمنيهـ",
    "\u064e", "\u0651", "1", "٣", "۴", ".", ",", "٫", "،", "؟", "!", "…", "»", "«", ")",
    "(", '"', "'", "-", ":", "\u200f", "\u200e", " ", " ", " ", "\n", "\t", "\u00a0", "😢",
    "\U0001f3fd", "\u200d", "д", "\u0300", "。", "」", "\u202b", "\u061c",
]  # fmt: skip


def careful_lines(text: str, spans: list[Span], scheme: str, separator: str) -> str | None:
    plan = plan_document(text, spans, scheme)
    if plan.problems or not plan.sentences:
        return None
    return "".join(
        "".join(f"{token}{separator}{tag}\n" for token, tag in sentence) + "\n"
        for sentence in plan.sentences
    )


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, list[Span]]:
    text = draw(st.text(alphabet=ALPHABET, min_size=1, max_size=60))
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=8)))
    spans = []
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        if start < end:
            label = draw(st.sampled_from(["ACTOR", "LOCATION", "DATE"]))
            spans.append(Span(f"s{start}", 1, "alice", start, end, label, text[start:end]))
    return text, spans


@given(documents(), st.sampled_from(["bio", "bioes"]), st.sampled_from([" ", "\t"]))
@settings(max_examples=400, deadline=None)
def test_same_lines_as_the_careful_path(
    document: tuple[str, list[Span]], scheme: str, separator: str
) -> None:
    text, spans = document
    fast = fast_conll_lines(text, spans, scheme, separator)
    if fast is not None:
        assert fast == careful_lines(text, spans, scheme, separator)


# Numbers next to span edges: digits of three scripts with inner separators, a mark that
# may follow a digit, terminators and closers, where a cut may or may not split a number.
NUMBER_ALPHABET = [*"12٣۴", ".", ",", "٫", "٬", "\u064e", "م", " ", "\n", "؟", "»", "\u0300"]


@st.composite
def number_documents(draw: st.DrawFn) -> tuple[str, list[Span]]:
    text = draw(st.text(alphabet=NUMBER_ALPHABET, min_size=1, max_size=24))
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=6)))
    spans = [
        Span(f"s{start}", 1, "alice", start, end, "DATE", text[start:end])
        for start, end in zip(cuts[::2], cuts[1::2], strict=False)
        if start < end
    ]
    return text, spans


@given(number_documents(), st.sampled_from(["bio", "bioes"]))
@settings(max_examples=50, deadline=None)
def test_same_lines_where_spans_touch_numbers(
    document: tuple[str, list[Span]], scheme: str
) -> None:
    text, spans = document
    fast = fast_conll_lines(text, spans, scheme, " ")
    if fast is not None:
        assert fast == careful_lines(text, spans, scheme, " ")


@pytest.mark.parametrize(
    ("text", "start", "end", "fast"),
    [
        ("قتل في 8 نوفمبر 2023. وقال", 7, 20, True),  # a date closing a sentence
        ("قتل 3.5 ألف", 4, 5, False),  # "3|.5": the careful path splits the number
        ("قتل 3.5 ألف", 6, 7, False),  # "3.|5"
        ("في عام،2023 قتل", 7, 11, True),  # a comma after a word joins no number
        ("في ١٩٩٠٫٥ قتل", 3, 7, False),  # Arabic-Indic digits and decimal separator
    ],
)
def test_cuts_beside_a_number_separator(text: str, start: int, end: int, fast: bool) -> None:
    spans = [Span("s", 1, "alice", start, end, "DATE", text[start:end])]
    lines = fast_conll_lines(text, spans, "bio", " ")
    assert (lines is not None) is fast
    if lines is not None:
        assert lines == careful_lines(text, spans, "bio", " ")


@pytest.mark.parametrize("scheme", ["bio", "bioes"])
def test_news_articles_take_the_fast_path(scheme: str) -> None:
    generator = Generator(7)
    fast = 0
    for _ in range(40):
        article = generator.article(1500, 12)
        spans = sorted(
            (
                Span(f"s{n}", 1, "alice", s["start"], s["end"], s["label"], "")
                for n, s in enumerate(article.spans)
            ),
            key=lambda span: (span.start, span.end),
        )
        lines = fast_conll_lines(article.text, spans, scheme, " ")
        if lines is not None:
            fast += 1
            assert lines == careful_lines(article.text, spans, scheme, " ")
    # The point of it: news articles never take the slow path (a date or a count ending a
    # sentence, '2023.', sent a sixth of them there until numbers were read exactly).
    assert fast == 40


def test_the_separator_set_is_the_tokenizers_separator() -> None:
    every = (chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
    assert {ch for ch in every if is_separator(ch)} == SEPARATOR_CHARS


@pytest.mark.parametrize("newline", [*sorted(NEWLINES), "\r\n", " \n ", "\n\n", ".\n"])
def test_every_line_break_ends_a_sentence_as_the_careful_path_says(newline: str) -> None:
    text = f"قصف «حلب» صباحا{newline}وقتل 3 مدنيين. ثم انسحب؟ لا{newline}"
    spans = [Span("s", 1, "alice", 4, 9, "LOCATION", text[4:9])]
    lines = fast_conll_lines(text, spans, "bio", " ")
    assert lines is not None
    assert lines == careful_lines(text, spans, "bio", " ")


def test_a_span_inside_a_word_stays_on_the_fast_path() -> None:
    """Arabic glues conjunctions and prepositions to the next word: 'والجيش' holds the
    actor 'الجيش', 'بحلب' the location 'حلب'."""
    text = "قال والجيش إنه قصف بحلب مواقع، ثم انسحب."
    spans = [
        Span("a", 1, "alice", 5, 10, "ACTOR", text[5:10]),
        Span("b", 1, "alice", 20, 23, "LOCATION", text[20:23]),
    ]
    lines = fast_conll_lines(text, spans, "bioes", " ")
    assert lines is not None
    assert "و O\nالجيش S-ACTOR\n" in lines and "ب O\nحلب S-LOCATION\n" in lines
    assert lines == careful_lines(text, spans, "bioes", " ")


@pytest.mark.parametrize(
    ("text", "one_pass"),
    [
        ("قصف «حلب» صباحا، وقتل 3.5 ألف مدني في 8 نوفمبر 2023. ثم انسحب؟ لا", True),
        ("قصف حلب، ثم  انسحب الجيش.", False),  # a double space: each segment apart
        ("قصف حلب\x00 وقتل", False),  # the mark between segments (canonical text has none)
        ("   ", True),  # no token at all
    ],
)
def test_outside_lines_in_one_pass_are_each_segments_own(text: str, one_pass: bool) -> None:
    """The one regex pass over the whole text, with a mark at each cut, gives each
    segment the lines that cutting it alone gives (or declines)."""
    start = text.find("حلب")
    spans = [Span("s", 1, "alice", start, start + 3, "LOCATION", "حلب")] if start >= 0 else []
    fast = FastText(text, " ", [spans])
    assert fast._segments is not None
    points = fast._segments.points
    assert len(points) >= 3 or not spans  # cut at the span (and at the sentence breaks)
    lines = fast._outside_lines(points)
    assert (lines is not None) is one_pass
    if lines is not None:
        apart = [" O\n".join(FAST_TOKEN.findall(text, a, b)) for a, b in pairwise(points)]
        assert lines == [f"{found} O\n" if found else "" for found in apart]
