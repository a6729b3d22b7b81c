"""DATE recognizer (app.assist.dates) and date values (app.assist.date_values), issue 5.

Every phrase is read against a fixed publication date, Wednesday 8 November 2023.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.assist.date_values import date_attributes
from app.assist.dates import find_dates
from app.assist.suggestion import Suggestion

PUBLISHED = "2023-11-08"  # a Wednesday
HARAKAT = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652"
TATWEEL = "\u0640"


def only(text: str, published: str | None = PUBLISHED) -> Suggestion:
    found = find_dates(text, published)
    assert len(found) == 1, [(text[s.start : s.end], s.attrs) for s in found]
    return found[0]


# (sentence, the exact phrase the span covers, value, precision)
PHRASES = [
    # Egyptian / Gregorian month names
    ("قتل 5 في 8 نوفمبر 2023 في حلب", "8 نوفمبر 2023", "2023-11-08", "day"),
    ("وصل في 1 يناير 2024", "1 يناير 2024", "2024-01-01", "day"),
    ("منذ 14 فبراير 2022", "14 فبراير 2022", "2022-02-14", "day"),
    ("في 30 أبريل 2023", "30 أبريل 2023", "2023-04-30", "day"),
    ("في 30 إبريل 2023", "30 إبريل 2023", "2023-04-30", "day"),
    ("في 2 مايو 2023", "2 مايو 2023", "2023-05-02", "day"),
    ("في 21 يونيو 2023", "21 يونيو 2023", "2023-06-21", "day"),
    ("في 4 يوليو 2023", "4 يوليو 2023", "2023-07-04", "day"),
    ("في 15 أغسطس 2023", "15 أغسطس 2023", "2023-08-15", "day"),
    ("في 15 اغسطس 2023", "15 اغسطس 2023", "2023-08-15", "day"),
    ("في 3 سبتمبر 2023", "3 سبتمبر 2023", "2023-09-03", "day"),
    ("في 7 أكتوبر 2023", "7 أكتوبر 2023", "2023-10-07", "day"),
    ("في 25 ديسمبر 2022", "25 ديسمبر 2022", "2022-12-25", "day"),
    ("في 10 مارس 2023", "10 مارس 2023", "2023-03-10", "day"),
    # Levantine / Syriac names
    ("في 12 كانون الثاني 2023", "12 كانون الثاني 2023", "2023-01-12", "day"),
    ("في 12 كانون الأول 2022", "12 كانون الأول 2022", "2022-12-12", "day"),
    ("في 3 تشرين الأول 2023", "3 تشرين الأول 2023", "2023-10-03", "day"),
    ("في 6 شباط 2023", "6 شباط 2023", "2023-02-06", "day"),
    ("في 15 آذار 2011", "15 آذار 2011", "2011-03-15", "day"),
    ("في 17 نيسان 2023", "17 نيسان 2023", "2023-04-17", "day"),
    ("في 9 أيار 2023", "9 أيار 2023", "2023-05-09", "day"),
    ("في 5 حزيران 1967", "5 حزيران 1967", "1967-06-05", "day"),
    ("في 14 تموز 2023", "14 تموز 2023", "2023-07-14", "day"),
    ("في 4 آب 2020", "4 آب 2020", "2020-08-04", "day"),
    ("في 11 أيلول 2001", "11 أيلول 2001", "2001-09-11", "day"),
    # paired forms
    ("في تشرين الثاني/نوفمبر 2023", "تشرين الثاني/نوفمبر 2023", "2023-11", "month"),
    ("في 8 تشرين الثاني / نوفمبر 2023", "8 تشرين الثاني / نوفمبر 2023", "2023-11-08", "day"),
    ("في نوفمبر (تشرين الثاني) 2023", "نوفمبر (تشرين الثاني) 2023", "2023-11", "month"),
    ("منذ آب/أغسطس الماضي", "آب/أغسطس الماضي", "2023-08", "month"),
    # misspellings
    ("في 8 نومبر 2023", "8 نومبر 2023", "2023-11-08", "day"),
    ("في 8 نوفمير 2023", "8 نوفمير 2023", "2023-11-08", "day"),
    ("في 19 سبتمير 2023", "19 سبتمير 2023", "2023-09-19", "day"),
    ("في 20 ديسمير 2022", "20 ديسمير 2022", "2022-12-20", "day"),
    # Eastern Arabic and Persian digits
    ("في ٨ نوفمبر ٢٠٢٣", "٨ نوفمبر ٢٠٢٣", "2023-11-08", "day"),
    ("في ۸ نوفمبر ۲۰۲۳", "۸ نوفمبر ۲۰۲۳", "2023-11-08", "day"),
    ("بتاريخ ٨/١١/٢٠٢٣", "٨/١١/٢٠٢٣", "2023-11-08", "day"),
    ("بتاريخ 2023-11-08", "2023-11-08", "2023-11-08", "day"),
    # years
    ("خلال عام 2023", "عام 2023", "2023", "year"),
    ("في العام ٢٠٢٢", "العام ٢٠٢٢", "2022", "year"),
    ("منذ سنة 2011م", "سنة 2011م", "2011", "year"),
    ("في آذار 2011", "آذار 2011", "2011-03", "month"),
    ("في نوفمبر، عام 2023", "نوفمبر، عام 2023", "2023-11", "month"),
    # no year: the publication year, or the one before when that would be in the future
    ("في 5 نوفمبر", "5 نوفمبر", "2023-11-05", "day"),
    ("في 28 ديسمبر", "28 ديسمبر", "2022-12-28", "day"),
    ("في شهر آب", "شهر آب", "2023-08", "month"),
    ("في نوفمبر الجاري", "نوفمبر الجاري", "2023-11", "month"),
    ("في نوفمبر الماضي", "نوفمبر الماضي", "2022-11", "month"),
    ("في 3 من أكتوبر", "3 من أكتوبر", "2023-10-03", "day"),
    # weekdays and relative words against the publication date
    ("قُصفت فجر اليوم الأربعاء 8 نومبر 2023 القرية", "فجر اليوم الأربعاء 8 نومبر 2023",
     "2023-11-08", "day"),
    ("قتل اليوم ثلاثة", "اليوم", "2023-11-08", "day"),
    ("وقال أمس إن", "أمس", "2023-11-07", "day"),
    ("وقعت مساء أمس الثلاثاء", "مساء أمس الثلاثاء", "2023-11-07", "day"),
    ("وقعت أول أمس", "أول أمس", "2023-11-06", "day"),
    ("وقعت أول من أمس", "أول من أمس", "2023-11-06", "day"),
    ("وقعت بالأمس", "الأمس", "2023-11-07", "day"),
    ("قصف فجر اليوم", "فجر اليوم", "2023-11-08", "day"),
    ("يوم الأحد", "يوم الأحد", "2023-11-05", "day"),
    ("وقعت الأربعاء", "الأربعاء", "2023-11-08", "day"),
    ("منذ الأربعاء الماضي", "الأربعاء الماضي", "2023-11-01", "day"),
    ("يوم الجمعة المقبل", "يوم الجمعة المقبل", "2023-11-10", "day"),
    ("ليلة السبت", "ليلة السبت", "2023-11-04", "day"),
    ("وصل يوم غد", "يوم غد", "2023-11-09", "day"),
    ("خلال الأسبوع الماضي", "الأسبوع الماضي", "2023-11-01/2023-11-07", "week"),
    ("خلال الشهر الماضي", "الشهر الماضي", "2023-10", "month"),
    ("خلال العام الماضي", "العام الماضي", "2022", "year"),
    ("خلال السنة الماضية", "السنة الماضية", "2022", "year"),
    ("وقعت يوم الاثنين", "يوم الاثنين", "2023-11-06", "day"),
    ("الاثنين 6 نوفمبر", "الاثنين 6 نوفمبر", "2023-11-06", "day"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "covered", "value", "precision"), PHRASES)
def test_phrase_offsets_value_and_precision(
    text: str, covered: str, value: str, precision: str
) -> None:
    found = only(text)
    assert (found.start, found.end) == (text.index(covered), text.index(covered) + len(covered))
    assert found.label == "DATE" and found.source == "dates"
    assert found.attrs == {"value": value, "precision": precision}
    # The same text tagged by hand gets the same attributes.
    assert date_attributes(covered, PUBLISHED) == found.attrs


def test_there_are_at_least_forty_phrases() -> None:
    assert len(PHRASES) >= 40


@pytest.mark.parametrize(
    "text",
    [
        "آب",  # also 'أب', father
        "قال الأب إن آب العائلة",
        "مارس الجيش ضغوطا كبيرة",  # 'he practised'
        "اشترى سيارة نيسان جديدة",
        "قتل 2000 شخص",  # a count, not a year
        "قتل 15 شخصا",
        "وصل الاثنين إلى المدينة",  # 'the two'
        "لامس الماء الخامس",  # 'touched', 'fifth': أمس inside other words
        "همس وشمس",
        "صباح الخير",
        "حزب الغد",
        "في اليومين",
        "يوم",
        "العام",
        "كانون",
        "الأسبوع المقبل",  # not read: only the period before publication
        "الساعة 10:30",
        "بلغ 1,200 نوفمبرات",
    ],
)
def test_no_false_positives(text: str) -> None:
    assert find_dates(text, PUBLISHED) == []


def test_weekday_contradicting_the_date_is_a_warning() -> None:
    found = only("الأربعاء 9 نوفمبر 2023")
    assert found.attrs["value"] == "2023-11-09"
    assert "Wednesday" in found.attrs["warning"] and "Thursday" in found.attrs["warning"]
    assert "warning" not in only("الخميس 9 نوفمبر 2023").attrs


def test_weekday_contradicting_the_publication_date_is_a_warning() -> None:
    # Published on a Wednesday, the article says 'today, Thursday'.
    assert "Thursday" in only("اليوم الخميس").attrs["warning"]
    assert "warning" not in only("اليوم الأربعاء").attrs


def test_stated_weekday_settles_the_year() -> None:
    # 9 November is after publication, so the rule would say 2022; the stated Thursday
    # fits only 9 November 2023.
    assert only("الخميس، 9 نوفمبر").attrs == {"value": "2023-11-09", "precision": "day"}
    assert only("9 نوفمبر").attrs["value"] == "2022-11-09"


def test_harakat_and_tatweel_inside_the_phrase_keep_offsets_exact() -> None:
    text = "قُصِفَتْ فَجْرَ اليَوْمِ الأربعـــاءَ ٨ نوفمـبرَ ٢٠٢٣، وقُتِلَ"
    covered = "فَجْرَ اليَوْمِ الأربعـــاءَ ٨ نوفمـبرَ ٢٠٢٣"
    found = only(text)
    assert text[found.start : found.end] == covered
    assert found.attrs == {"value": "2023-11-08", "precision": "day"}


def test_last_harakah_stays_with_its_letter() -> None:
    text = "وقعت أمسِ."
    found = only(text)
    assert text[found.start : found.end] == "أمسِ"


def test_proclitic_stays_outside_the_span() -> None:
    for text, covered in [
        ("وأمس", "أمس"),
        ("والأربعاء الماضي", "الأربعاء الماضي"),
        ("وفي نوفمبر 2023", "نوفمبر 2023"),
        ("فيوم الأحد", "يوم الأحد"),
        ("لعام 2023", "عام 2023"),
    ]:
        found = only(text)
        assert text[found.start : found.end] == covered, text


def test_several_dates_in_one_text_in_order() -> None:
    text = "قتل اليوم 3 وجرح أمس 5، وفي 1 يناير 2023 قتل 2."
    found = find_dates(text, PUBLISHED)
    assert [text[s.start : s.end] for s in found] == ["اليوم", "أمس", "1 يناير 2023"]
    assert [s.attrs["value"] for s in found] == ["2023-11-08", "2023-11-07", "2023-01-01"]


def test_a_phrase_does_not_cross_a_line_break() -> None:
    text = "اليوم\nالأربعاء"
    assert [text[s.start : s.end] for s in find_dates(text, PUBLISHED)] == ["اليوم", "الأربعاء"]


def test_without_publication_date_relative_phrases_warn_and_have_no_value() -> None:
    attrs = only("مساء أمس", None).attrs
    assert "value" not in attrs and "publication" in attrs["warning"]
    assert "value" not in only("8 نوفمبر", None).attrs
    assert only("8 نوفمبر 2023", None).attrs == {"value": "2023-11-08", "precision": "day"}
    assert only("عام 2023", "not a date").attrs == {"value": "2023", "precision": "year"}


def test_publication_date_with_a_time_is_read() -> None:
    assert only("أمس", "2024-01-01T06:30:00Z").attrs["value"] == "2023-12-31"
    assert only("28 ديسمبر", "2024-01-03").attrs["value"] == "2023-12-28"
    assert only("الشهر الماضي", "2024-01-03").attrs["value"] == "2023-12"


def test_day_that_does_not_exist_warns() -> None:
    attrs = only("31 فبراير 2023").attrs
    assert "value" not in attrs and "2023-02-31" in attrs["warning"]


def test_date_attributes_of_hand_tagged_spans() -> None:
    assert date_attributes("في 8 نوفمبر", PUBLISHED) == {"value": "2023-11-08", "precision": "day"}
    assert date_attributes("حلب", PUBLISHED) == {}
    assert date_attributes("", PUBLISHED) == {}


# The sentence 'فجر اليوم الأربعاء 8 نوفمبر 2023' with harakat and tatweel dropped anywhere
# inside words: the value never changes and the span runs from the first letter to the
# last letter with its marks.
_WORDS = ["فجر", "اليوم", "الأربعاء", "٨", "نوفمبر", "٢٠٢٣"]


@st.composite
def decorated_phrase(draw: st.DrawFn) -> str:
    words = []
    for word in _WORDS:
        out = ""
        for k, ch in enumerate(word):
            out += ch
            if ch.isalpha() and draw(st.booleans()):
                out += draw(st.sampled_from(HARAKAT))
            if ch.isalpha() and 0 < k < len(word) - 1 and draw(st.booleans()):
                out += TATWEEL * draw(st.integers(1, 3))
        words.append(out)
    return " ".join(words)


@settings(max_examples=40, deadline=None)
@given(decorated_phrase())
def test_decorated_phrase_keeps_value_and_exact_span(phrase: str) -> None:
    text = f"قُتِلَ {phrase}، في حلب"
    found = only(text)
    assert text[found.start : found.end] == phrase
    assert found.attrs == {"value": "2023-11-08", "precision": "day"}
