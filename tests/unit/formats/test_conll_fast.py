"""The fast CoNLL path writes exactly what the careful path writes, wherever it answers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.formats.conll import plan_document
from app.formats.conll_fast import fast_conll_lines
from storage import Span
from tests.bench.generate import Generator

# Letters with harakat, digits of three scripts, number separators, terminators, closers,
# quotes, brackets, bidi marks, spaces and line breaks, emoji and rarer characters.
ALPHABET = [
    *"دير الزورقتلبغدادمنيهـ",
    "\u064e", "\u0651", "1", "٣", "۴", ".", ",", "٫", "،", "؟", "!", "…", "»", "«", ")",
    "(", '"', "'", "-", ":", "\u200f", "\u200e", " ", " ", " ", "\n", "\t", "\u00a0", "😢",
    "\U0001f3fd", "\u200d", "д", "\u0300", "。", "」",
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
    assert fast >= 30  # the point of it: most news articles never take the slow path
