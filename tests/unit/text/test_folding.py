"""Search folding with a map back to original offsets (DESIGN §3.7)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.text.chars import is_mark
from app.text.folding import fold, fold_text, unfolded_pattern


@pytest.mark.parametrize(
    ("original", "folded"),
    [
        ("أحمد إبراهيم آمنة ٱلله", "احمد ابراهيم امنه الله"),
        ("مستشفى", "مستشفي"),
        ("مدرسة", "مدرسه"),
        ("قُتِلَ", "قتل"),
        ("شهيـــداً", "شهيدا"),
        ("\u200fحلب\u200e", "حلب"),
        ("\u2067دمشق\u2069", "دمشق"),
        ("٣٤ قتيلاً و۱۲ جريحاً", "34 قتيلا و12 جريحا"),
        ("ISIS وIsis", "isis وisis"),
        ("👍🏽 حمص", "👍🏽 حمص"),  # emoji and skin tone are kept (they are not marks)
    ],
)
def test_folding_rules(original: str, folded: str) -> None:
    assert fold(original).text == folded
    assert fold_text(original) == folded


def test_map_sends_every_folded_index_and_the_length_to_the_original() -> None:
    original = "بِدَيْرِ الزّور"
    result = fold(original)
    assert result.text == "بدير الزور"
    assert result.to_original == [0, 2, 4, 6, 8, 9, 10, 11, 13, 14, len(original)]


def test_span_keeps_harakat_with_its_last_letter() -> None:
    original = "في مدرسةٌ قريبة"
    result = fold(original)
    start = result.text.index("مدرسه")
    s, e = result.original_span(start, start + len("مدرسه"))
    assert original[s:e] == "مدرسةٌ"


def test_span_leaves_trailing_tatweel_and_bidi_marks_outside() -> None:
    original = "في حلبـ\u200f اليوم"
    result = fold(original)
    start = result.text.index("حلب")
    s, e = result.original_span(start, start + 3)
    assert original[s:e] == "حلب"


def test_offsets_stay_exact_after_an_emoji() -> None:
    original = "😀😀 قصف على دَير الزور"
    result = fold(original)
    start = result.text.index("دير الزور")
    s, e = result.original_span(start, start + len("دير الزور"))
    assert original[s:e] == "دَير الزور"
    assert s == original.index("دَير")


def test_empty_span_and_span_at_the_end() -> None:
    original = "حلبَ"
    result = fold(original)
    assert result.original_span(0, 0) == (0, 0)
    assert result.original_span(3, 3) == (4, 4)
    assert result.original_span(0, 3) == (0, 4)


def test_span_outside_the_folded_text_is_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        fold("حلب").original_span(1, 4)


def test_unchanged_text_maps_to_itself() -> None:
    result = fold("abc 123")
    assert result.to_original == [0, 1, 2, 3, 4, 5, 6, 7]


# -- properties --------------------------------------------------------------------------------

ARABIC_ALPHABET = (
    "ابتثجحخدذرزسشصضطظعغفقكلمنهويءأإآٱىةؤئ"
    "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670\u0640"
    "\u200f\u200e\u200c\u200d\u061c\u2067\u2069"
    "٠١٢٣٤٥۰۱۲۳0123 ،.\nAZaz😀"
)
texts = st.text(alphabet=ARABIC_ALPHABET, max_size=60)


@settings(max_examples=50, deadline=None)
@given(texts)
def test_each_folded_char_comes_from_an_original_char_that_folds_to_it(text: str) -> None:
    result = fold(text)
    assert len(result.to_original) == len(result.text) + 1
    assert result.to_original[-1] == len(text)
    assert result.to_original == sorted(set(result.to_original))
    for i, ch in enumerate(result.text):
        assert fold_text(text[result.to_original[i]]) == ch


@settings(max_examples=50, deadline=None)
@given(texts, st.data())
def test_spans_map_back_to_whole_grapheme_clusters(text: str, data: st.DataObject) -> None:
    result = fold(text)
    start = data.draw(st.integers(0, len(result.text)))
    end = data.draw(st.integers(start, len(result.text)))
    s, e = result.original_span(start, end)
    assert 0 <= s <= e <= len(text)
    # Folding the original span gives back exactly the folded span.
    assert fold_text(text[s:e]) == result.text[start:end]
    if start < end:
        assert not is_mark(text[s])  # never starts on a letter's harakah
        assert e == len(text) or not is_mark(text[e])  # never leaves a harakah behind


@settings(max_examples=50, deadline=None)
@given(texts, st.data())
def test_unfolded_pattern_finds_every_stretch_that_folds_to_the_needle(
    text: str, data: st.DataObject
) -> None:
    folded = fold(text).text
    start = data.draw(st.integers(0, len(folded)))
    end = data.draw(st.integers(start, min(len(folded), start + 6)))
    needle = folded[start:end]
    if needle:
        match = re.search(unfolded_pattern(needle), text)
        assert match is not None
        # Any whitespace stands for any other (line ends and spaces alike): a filter.
        assert re.sub(r"\s", " ", fold_text(match.group())) == re.sub(r"\s", " ", needle)
