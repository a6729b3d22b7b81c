"""CASUALTY_COUNT suggestions and the normalized attributes of tagged spans."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.assist.casualties import LABEL, SOURCE, find_casualty_counts
from app.assist.normalize import casualty_attributes, fill_casualty_attributes
from app.core.setup import sample_articles


def suggested(text: str) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for suggestion in find_casualty_counts(text):
        assert (suggestion.label, suggestion.source) == (LABEL, SOURCE)
        found.append((text[suggestion.start : suggestion.end], suggestion.attrs))
    return found


def killed(value: int, qualifier: str = "exact") -> dict[str, Any]:
    return {"value": value, "qualifier": qualifier, "outcome": "killed"}


def wounded(value: int, qualifier: str = "exact") -> dict[str, Any]:
    return {"value": value, "qualifier": qualifier, "outcome": "wounded"}


CASES: list[tuple[str, list[tuple[str, dict[str, Any]]]]] = [
    ("قُتِلَ ثلاثة عشر مدنياً وأصيب 23 آخرون", [("ثلاثة عشر", killed(13)), ("23", wounded(23))]),
    ("أسفر الانفجار عن مقتل خمسة وعشرين شخصاً", [("خمسة وعشرين", killed(25))]),
    ("سقط مائة وخمسين قتيلاً", [("مائة وخمسين", killed(150))]),
    ("ارتفعت الحصيلة إلى ٤٢ قتيلا", [("٤٢", killed(42))]),
    ("وأصيب ۱۷ بجروح", [("۱۷", wounded(17))]),
    ("قُتل ٣٥ فلسطينياً على الأقل", [("٣٥", killed(35, "at_least"))]),
    ("أسفرت عن مقتل نحو 30 عنصراً", [("نحو 30", killed(30, "approximate"))]),
    ("قُتل أكثر من 20 جندياً", [("أكثر من 20", killed(20, "at_least"))]),
    ("استشهاد ما لا يقل عن عشرة", [("ما لا يقل عن عشرة", killed(10, "at_least"))]),
    (
        "وأصيب العشرات",
        [("العشرات", {"low": 20, "high": 99, "qualifier": "vague", "outcome": "wounded"})],
    ),
    (
        "قتل بين 10 و15 شخصاً",
        [("بين 10 و15", {"low": 10, "high": 15, "qualifier": "approximate", "outcome": "killed"})],
    ),
    (
        "مقتل وإصابة عشرات العسكريين",
        [("عشرات", {"low": 20, "high": 99, "qualifier": "vague", "outcome": "killed or wounded"})],
    ),
    (
        "سقوط مائة وخمسين قتيلاً وجريحاً",
        [("مائة وخمسين", {"value": 150, "qualifier": "exact", "outcome": "killed or wounded"})],
    ),
    (
        "مقتل العشرات من الطرفين، ونزوح آلاف العائلات",
        [("العشرات", {"low": 20, "high": 99, "qualifier": "vague", "outcome": "killed"})],
    ),  # آلاف is in another clause
    ("ارتفع عدد الضحايا إلى 12", [("12", {"value": 12, "qualifier": "exact"})]),
    ("قُتل جنديان عراقيان وأصيب ثلاثة آخرون", [("جنديان", killed(2)), ("ثلاثة", wounded(3))]),
    ("قُتل ستة أشخاص، بينهم طفلان، وأصيب آخرون", [("ستة", killed(6)), ("طفلان", killed(2))]),
    ("للقتلى الـ 7 في المدينة", [("7", killed(7))]),
    ("قتـــلى 9", [("9", killed(9))]),  # tatweel folds away
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_counts_in_a_casualty_context(text: str, expected: list[tuple[str, Any]]) -> None:
    assert suggested(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "ونزوح آلاف العائلات نحو الرقة",  # no casualty word at all
        "نزح نحو مليون ونصف مليون شخص",
        "قُتل رجل. وفي اليوم التالي وصل 40 زائراً",  # another sentence
        "قتل رجل في بلدة يسكنها منذ زمن بعيد نحو 40 عائلة",  # too far from the word
        "سقوط قتلى في أكثر من أربعين هجوماً",  # a count of attacks
        "قُتل جندي في كمين يوم 3 نومبر",  # a date
        "قُتل جندي في 8/11/2023",
        "قُتل جندي عام 2023",
        "ارتفعت نسبة الإصابات 30%",
        "قتل طفل (12 عاماً)",  # an age
        "قتل الضابط الثالث",  # an ordinal
    ],
)
def test_no_suggestion_without_a_count_of_casualties(text: str) -> None:
    assert suggested(text) == []


def test_offsets_are_over_the_original_text_with_harakat_and_emoji() -> None:
    text = "😢 قُتِلَ ثَلاثَةَ عَشَرَ مدنياً 📍 وأُصيبَ ٢٣ آخرون"
    found = find_casualty_counts(text)
    assert [text[s.start : s.end] for s in found] == ["ثَلاثَةَ عَشَرَ", "٢٣"]
    assert [s.attrs["value"] for s in found] == [13, 23]


@settings(max_examples=40, deadline=None)
@given(
    before=st.text(alphabet="أبتثجحخدذرزسشصضطظعغفقكلمنهوي ", max_size=30),
    number=st.integers(min_value=1, max_value=99_999),
    eastern=st.booleans(),
)
def test_a_number_after_a_killing_verb_is_found_where_it_is(
    before: str, number: int, eastern: bool
) -> None:
    written = str(number)
    if eastern:
        written = written.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    text = f"{before}، قُتل {written} شخصاً، {before}"
    found = [s for s in find_casualty_counts(text) if s.attrs.get("value") == number]
    assert len(found) == 1
    assert text[found[0].start : found[0].end] == written
    assert found[0].attrs["outcome"] == "killed"


def sample_suggestions() -> dict[str, list[tuple[str, Any]]]:
    by_article = {}
    for line in sample_articles().read_text(encoding="utf-8").splitlines():
        article = json.loads(line)
        by_article[article["id"]] = [
            (text, attrs.get("value", (attrs.get("low"), attrs.get("high"))), attrs.get("outcome"))
            for text, attrs in suggested(article["text"])
        ]
    return by_article


def test_sample_articles_get_sensible_suggestions() -> None:
    found = sample_suggestions()
    assert found["sample-01"] == [
        ("ثلاثة عشر", 13, "killed"),
        ("23", 23, "wounded"),
        ("أربعة", 4, "killed"),  # 'بين القتلى أربعة أطفال'
        ("العشرات", (20, 99), "killed"),
    ]
    assert found["sample-02"] == [("٣٥", 35, "killed"), ("العشرات", (20, 99), "wounded")]
    assert found["sample-03"] == [("خمسة وعشرين", 25, "killed"), ("١٢", 12, "wounded")]
    assert found["sample-04"] == [("نحو 30", 30, "killed"), ("أكثر من 20", 20, "killed")]
    # 'مليون ونصف مليون شخص نزحوا' and 'خمسة وعشرين ألف' displaced people are not casualties
    assert all(
        value < 1000
        for article in found.values()
        for _, value, _ in article
        if isinstance(value, int)
    )
    assert ("مائة وخمسين", 150, "killed or wounded") in found["sample-06"]


@pytest.mark.parametrize(
    ("text", "attrs"),
    [
        ("ثلاثة عشر", {"value": 13, "qualifier": "exact"}),
        ("نحو 30", {"value": 30, "qualifier": "approximate"}),
        ("٣٥ فلسطينياً على الأقل", {"value": 35, "qualifier": "at_least"}),
        ("عشرات", {"low": 20, "high": 99, "qualifier": "vague"}),
        ("جنديان", {"value": 2, "qualifier": "exact"}),
        ("ثلاثة قتلى", {"value": 3, "qualifier": "exact", "outcome": "killed"}),
        (
            "مائة وخمسين قتيلاً وجريحاً",
            {"value": 150, "qualifier": "exact", "outcome": "killed or wounded"},
        ),
        ("أربعة أطفال", {"value": 4, "qualifier": "exact"}),
        ("المدنيين", {}),
    ],
)
def test_casualty_attributes_of_a_tagged_span(text: str, attrs: dict[str, Any]) -> None:
    assert casualty_attributes(text) == attrs


def test_an_edited_attribute_is_never_overwritten() -> None:
    edited = {"value": 12, "outcome": ""}
    assert fill_casualty_attributes(edited, "عشرات القتلى") == {
        "value": 12,
        "low": 20,
        "high": 99,
        "qualifier": "vague",
        "outcome": "killed",
    }
