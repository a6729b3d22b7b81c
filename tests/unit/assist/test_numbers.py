"""Arabic quantities: digits, number words, vague words, qualifiers and ranges."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.assist.numbers import find_quantities
from app.text.folding import fold


def read(text: str) -> list[tuple[str, dict[str, Any]]]:
    """Each quantity in ``text``: the original words it covers and its attributes."""
    folded = fold(text)
    found = []
    for quantity in find_quantities(folded.text):
        start, end = folded.original_span(quantity.start, quantity.end)
        found.append((text[start:end], quantity.attributes()))
    return found


def exact(value: int) -> dict[str, Any]:
    return {"value": value, "qualifier": "exact"}


PHRASES: list[tuple[str, str, dict[str, Any]]] = [
    # (text, the phrase found in it, its attributes)
    ("ثلاثة عشر", "ثلاثة عشر", exact(13)),
    ("ثلاثَ عشرةَ", "ثلاثَ عشرةَ", exact(13)),
    ("أحد عشر", "أحد عشر", exact(11)),
    ("إحدى عشرة", "إحدى عشرة", exact(11)),
    ("اثنا عشر", "اثنا عشر", exact(12)),
    ("اثني عشر", "اثني عشر", exact(12)),
    ("خمسة وعشرين", "خمسة وعشرين", exact(25)),
    ("خمس وعشرون", "خمس وعشرون", exact(25)),
    ("خمسة و عشرين", "خمسة و عشرين", exact(25)),
    ("مائة وخمسين", "مائة وخمسين", exact(150)),
    ("مئة وخمسون", "مئة وخمسون", exact(150)),
    ("مائتان", "مائتان", exact(200)),
    ("مئتين", "مئتين", exact(200)),
    ("ثلاثمائة وخمسة وستين", "ثلاثمائة وخمسة وستين", exact(365)),
    ("ثلاث مئة", "ثلاث مئة", exact(300)),
    ("ألف", "ألف", exact(1000)),
    ("ألفين", "ألفين", exact(2000)),
    ("ألفان", "ألفان", exact(2000)),
    ("ثلاثة آلاف", "ثلاثة آلاف", exact(3000)),
    ("عشرة آلاف", "عشرة آلاف", exact(10000)),
    ("ألف ومائتين", "ألف ومائتين", exact(1200)),
    ("خمسة وعشرين ألف شخص", "خمسة وعشرين ألف", exact(25000)),
    ("عشرون ألفاً", "عشرون ألفاً", exact(20000)),
    ("مليون", "مليون", exact(1_000_000)),
    ("مليون ونصف مليون", "مليون ونصف مليون", exact(1_500_000)),
    ("مليونين", "مليونين", exact(2_000_000)),
    ("اثنين", "اثنين", exact(2)),
    ("اثنان", "اثنان", exact(2)),
    ("اثنتين", "اثنتين", exact(2)),
    ("واحد", "واحد", exact(1)),
    ("ستة", "ستة", exact(6)),
    ("ثماني", "ثماني", exact(8)),
    ("وثلاثة", "ثلاثة", exact(3)),  # the conjunction stays outside the span
    ("23", "23", exact(23)),
    ("٣٥", "٣٥", exact(35)),
    ("۴۷", "۴۷", exact(47)),
    ("1,500", "1,500", exact(1500)),
    ("١٬٥٠٠", "١٬٥٠٠", exact(1500)),
    ("2.5 مليون", "2.5 مليون", exact(2_500_000)),
    ("٢٫٥ مليون", "٢٫٥ مليون", exact(2_500_000)),
    ("٢٠ ألفاً", "٢٠ ألفاً", exact(20000)),
    ("3 آلاف", "3 آلاف", exact(3000)),
    ("نحو 30", "نحو 30", {"value": 30, "qualifier": "approximate"}),
    ("بنحو 30", "نحو 30", {"value": 30, "qualifier": "approximate"}),
    ("حوالي ٢٥", "حوالي ٢٥", {"value": 25, "qualifier": "approximate"}),
    ("حوالى أربعين", "حوالى أربعين", {"value": 40, "qualifier": "approximate"}),
    ("قرابة 40", "قرابة 40", {"value": 40, "qualifier": "approximate"}),
    ("زهاء مئة", "زهاء مئة", {"value": 100, "qualifier": "approximate"}),
    ("ما يقارب 70", "ما يقارب 70", {"value": 70, "qualifier": "approximate"}),
    ("50 تقريباً", "50", {"value": 50, "qualifier": "approximate"}),
    ("أكثر من 20", "أكثر من 20", {"value": 20, "qualifier": "at_least"}),
    ("ما لا يقل عن ١٥", "ما لا يقل عن ١٥", {"value": 15, "qualifier": "at_least"}),
    ("ما يزيد على عشرة", "ما يزيد على عشرة", {"value": 10, "qualifier": "at_least"}),
    ("على الأقل 35", "على الأقل 35", {"value": 35, "qualifier": "at_least"}),
    ("٣٥ فلسطينياً على الأقل", "٣٥", {"value": 35, "qualifier": "at_least"}),
    ("عشرون ونيف", "عشرون", {"value": 20, "qualifier": "at_least"}),
    ("أقل من 10", "أقل من 10", {"value": 10, "qualifier": "at_most"}),
    ("ما لا يزيد عن 7", "ما لا يزيد عن 7", {"value": 7, "qualifier": "at_most"}),
    ("لا يزيد على سبعة", "لا يزيد على سبعة", {"value": 7, "qualifier": "at_most"}),
    ("عشرات", "عشرات", {"low": 20, "high": 99, "qualifier": "vague"}),
    ("العشرات", "العشرات", {"low": 20, "high": 99, "qualifier": "vague"}),
    ("والعشرات", "العشرات", {"low": 20, "high": 99, "qualifier": "vague"}),
    ("مئات", "مئات", {"low": 200, "high": 999, "qualifier": "vague"}),
    ("آلاف", "آلاف", {"low": 2000, "high": 9999, "qualifier": "vague"}),
    ("عشرات الآلاف", "عشرات الآلاف", {"low": 20000, "high": 99999, "qualifier": "vague"}),
    ("بضعة", "بضعة", {"low": 3, "high": 9, "qualifier": "vague"}),
    ("بين 10 و15", "بين 10 و15", {"low": 10, "high": 15, "qualifier": "approximate"}),
    ("بين 10 و 15", "بين 10 و 15", {"low": 10, "high": 15, "qualifier": "approximate"}),
    ("ما بين ٥ و٨", "ما بين ٥ و٨", {"low": 5, "high": 8, "qualifier": "approximate"}),
    ("من 10 إلى 15", "من 10 إلى 15", {"low": 10, "high": 15, "qualifier": "approximate"}),
    ("10-15", "10-15", {"low": 10, "high": 15, "qualifier": "approximate"}),
    ("ثلاثة أو أربعة", "ثلاثة أو أربعة", {"low": 3, "high": 4, "qualifier": "approximate"}),
    ("بين عشرة وعشرين", "بين عشرة وعشرين", {"low": 10, "high": 20, "qualifier": "approximate"}),
]


@pytest.mark.parametrize(("text", "phrase", "attrs"), PHRASES, ids=[p[0] for p in PHRASES])
def test_phrase_is_read(text: str, phrase: str, attrs: dict[str, Any]) -> None:
    assert read(text) == [(phrase, attrs)]


def test_there_are_many_phrases() -> None:
    assert len(PHRASES) >= 40


@pytest.mark.parametrize(
    "text",
    [
        "الثالث",  # ordinals are not counts
        "الهجوم الأول",
        "الأشهر الثلاثة الماضية",  # a definite cardinal is an adjective here
        "يوم الإثنين",
        "الثلاثاء والأربعاء",
        "أحد المطلوبين",  # 'أحد' alone is "one of"
        "لست أدري",  # not ل + ست (six)
        "نحو ثلث المصابين",  # fractions are not counts
        "نحو المدينة",
        "بين القتلى",
        "2.5",  # not a whole number
    ],
)
def test_not_a_quantity(text: str) -> None:
    assert read(text) == []


def test_two_numbers_joined_by_and_stay_apart_when_they_cannot_form_one() -> None:
    # Units do not add up with 'و': 'ثلاثة وأربعة' is three and four, not seven.
    assert read("ثلاثة وأربعة") == [("ثلاثة", exact(3)), ("أربعة", exact(4))]


def test_a_range_needs_a_growing_second_number() -> None:
    assert read("بين 15 و10") == [("15", exact(15)), ("10", exact(10))]


def test_quantities_in_running_text_keep_exact_offsets() -> None:
    text = "قُتِلَ ثلاثة عشر مدنياً وأصيب 23 آخرون، ونزح نحو مليون ونصف مليون شخص 😢 من بيوتهم."
    assert read(text) == [
        ("ثلاثة عشر", exact(13)),
        ("23", exact(23)),
        ("نحو مليون ونصف مليون", {"value": 1_500_000, "qualifier": "approximate"}),
    ]


def test_a_clause_break_ends_a_phrase() -> None:
    assert read("ثلاثة، عشر") == [("ثلاثة", exact(3)), ("عشر", exact(10))]
    assert read("نحو، 30") == [("30", exact(30))]


EASTERN = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


@settings(max_examples=50, deadline=None)
@given(
    number=st.integers(min_value=0, max_value=10**12),
    script=st.sampled_from([None, EASTERN, PERSIAN]),
    grouped=st.sampled_from(["", ",", "٬"]),
)
def test_digits_round_trip(number: int, script: dict[int, str] | None, grouped: str) -> None:
    written = f"{number:,}".replace(",", grouped) if grouped else str(number)
    if script is not None:
        written = written.translate(script)
    text = f"قتل {written} شخصاً"
    assert read(text) == [(written, exact(number))]


UNIT_WORDS = ["", "واحد", "اثنان", "ثلاثة", "أربعة", "خمسة", "ستة", "سبعة", "ثمانية", "تسعة"]
TEN_WORDS = ["", "عشرة", "عشرون", "ثلاثون", "أربعون", "خمسون", "ستون", "سبعون", "ثمانون", "تسعون"]
HUNDRED_WORDS = ["", "مائة", "مائتان"] + [f"{u.removesuffix('ة')}مائة" for u in UNIT_WORDS[3:]]


def in_words(number: int) -> str:
    """1..999 written out the way Arabic news writes them: units before tens."""
    hundreds, rest = divmod(number, 100)
    tens, units = divmod(rest, 10)
    parts = [HUNDRED_WORDS[hundreds]] if hundreds else []
    if rest == 11:
        parts.append("أحد عشر")
    elif rest == 12:
        parts.append("اثنا عشر")
    elif tens == 1 and units:
        parts.append(f"{UNIT_WORDS[units]} عشر")
    elif units and tens:
        parts.append(f"{UNIT_WORDS[units]} و{TEN_WORDS[tens]}")
    elif units or tens:
        parts.append(UNIT_WORDS[units] or TEN_WORDS[tens])
    return " و".join(parts)


@settings(max_examples=50, deadline=None)
@given(number=st.integers(min_value=1, max_value=999), thousands=st.integers(0, 2))
def test_number_words_round_trip(number: int, thousands: int) -> None:
    words = in_words(number)
    value = number
    if thousands == 1:
        words, value = f"ألف و{words}", 1000 + number
    elif thousands == 2:
        words, value = f"ألفين و{words}", 2000 + number
    assert read(f"سقط {words} قتيلاً") == [(words, exact(value))]
