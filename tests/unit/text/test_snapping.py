"""Selection snapping (DESIGN §3.6)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.text.chars import is_edge_junk, is_mark
from app.text.snapping import SnapOptions, snap


def snapped(
    text: str,
    selected: str,
    label: str | None = "LOCATION",
    known: tuple[str, ...] = (),
    options: SnapOptions | None = None,
) -> str:
    """Select the first occurrence of ``selected`` in ``text`` and return what snap keeps."""
    start = text.index(selected)
    s, e = snap(text, start, start + len(selected), label, known, options or SnapOptions())
    assert 0 <= s <= e <= len(text)
    return text[s:e]


# -- trimming -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "selected",
    [
        "  حلب ",
        "،حلب،",
        "؛حلب؟",
        "«حلب»",
        "(حلب).",
        "ـــحلبـــ",
        "\u200fحلب\u200f",
        "\u061cحلب\u061c",
        "\u200f« حلب »،\u061c",
        "\u00a0حلب\u00a0",
    ],
)
def test_junk_is_trimmed_at_both_ends(selected: str) -> None:
    text = f"وصل الوفد إلى{selected}أمس"
    assert snapped(text, selected, label=None) == "حلب"


def test_inner_spaces_and_punctuation_are_kept() -> None:
    text = "قال «دير الزور، الميادين» أمس"
    assert snapped(text, "«دير الزور، الميادين»", label=None) == "دير الزور، الميادين"


def test_reversed_selection_is_the_same_as_forward() -> None:
    text = "قصف «حلب» أمس"
    start, end = text.index("«"), text.index("»") + 1
    assert snap(text, end, start) == snap(text, start, end)


def test_selection_of_only_punctuation_is_returned_unchanged() -> None:
    text = "حلب، ؛ ؟ «» دمشق"
    start, end = text.index("،"), text.index("»") + 1
    assert snap(text, start, end, "LOCATION") == (start, end)


def test_selection_of_only_tatweel_is_returned_unchanged() -> None:
    text = "حلب ـــ دمشق"
    start = text.index("ـ")
    assert snap(text, start, start + 3) == (start, start + 3)


# -- harakat stay with their letter -----------------------------------------------------------

VOCALIZED = "قُتِلَ محمَّدٌ"  # ق ُ ت ِ ل َ ␠ م ح م ّ َ د ٌ


def test_start_on_a_haraka_moves_back_to_its_letter() -> None:
    # 1 is the damma of ق
    assert snap(VOCALIZED, 1, 3) == (0, 4)


def test_end_before_a_haraka_takes_the_haraka_along() -> None:
    # [2, 5) ends between ل and its fatha
    assert snap(VOCALIZED, 2, 5) == (2, 6)


def test_end_before_shadda_and_fatha_takes_both() -> None:
    meem = 9  # the second meem, carrying shadda and fatha
    assert VOCALIZED[meem] == "م"
    assert set(VOCALIZED[meem + 1 : meem + 3]) == {"\u0651", "\u064e"}
    s, e = snap(VOCALIZED, 7, meem + 1)
    assert (s, e) == (7, meem + 3)
    assert VOCALIZED[s:e] == "محمَّ"


def test_start_on_stacked_marks_moves_back_to_the_letter() -> None:
    second_mark = 11  # of the two marks on the second meem
    assert is_mark(VOCALIZED[second_mark - 1]) and is_mark(VOCALIZED[second_mark])
    s, e = snap(VOCALIZED, second_mark, len(VOCALIZED))
    assert VOCALIZED[s:e] == "مَّدٌ"


def test_haraka_on_tatweel_at_the_start_is_trimmed_with_it() -> None:
    text = "حلب ـَدمشق"
    start = text.index("ـ")
    s, e = snap(text, start, len(text))
    assert text[s:e] == "دمشق"


def test_punctuation_after_a_marked_tatweel_is_trimmed_too() -> None:
    text = "ـَ،حلب"
    assert snap(text, 0, len(text)) == (3, 6)


def test_haraka_on_tatweel_at_the_end_is_trimmed_with_it() -> None:
    text = "دمشقـَ حلب"
    s, e = snap(text, 0, text.index(" "))
    assert text[s:e] == "دمشق"


# -- proclitics -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("بالرقة", "الرقة"),
        ("والبادية", "البادية"),
        ("وبالرقة", "الرقة"),
        ("فالحسكة", "الحسكة"),
        ("كالعادة", "العادة"),
    ],
)
def test_proclitic_before_the_article_is_left_out(word: str, expected: str) -> None:
    text = f"قصف {word} أمس"
    assert snapped(text, word, "LOCATION") == expected
    assert snapped(text, word, "ACTOR") == expected


def test_proclitic_stripped_after_trimming_punctuation() -> None:
    text = "قصف «بالرقة»، أمس"
    assert snapped(text, "«بالرقة»،", "LOCATION") == "الرقة"


def test_known_name_after_proclitic() -> None:
    text = "قتل مدنيان بدير الزور أمس"
    assert snapped(text, "بدير الزور", "LOCATION") == "بدير الزور"
    assert snapped(text, "بدير الزور", "LOCATION", known=("دير الزور",)) == "دير الزور"


@pytest.mark.parametrize(
    "name", ["بغداد", "بيروت", "لبنان", "فلسطين", "كركوك", "وادي بردى", "كوالالمبور", "بوالحسن"]
)
@pytest.mark.parametrize("known", [(), ("دير الزور", "بغداد", "بيروت", "لبنان", "وادي بردى")])
def test_names_beginning_with_a_proclitic_letter_are_never_cut(
    name: str, known: tuple[str, ...]
) -> None:
    text = f"وصل الوفد إلى {name} أمس"
    assert snapped(text, name, "LOCATION", known=known) == name
    assert snapped(text, name, "ACTOR", known=known) == name


def test_known_name_is_kept_whole_even_before_an_article() -> None:
    text = "زار الوفد كالفورنيا أمس"  # California: 'ك' + 'الفورنيا' looks like ka + al-
    assert snapped(text, "كالفورنيا", "LOCATION", known=("كالفورنيا",)) == "كالفورنيا"


@pytest.mark.parametrize(
    ("word", "expected"),
    [("فبالرقة", "الرقة"), ("وللقوات", "وللقوات"), ("وكالعادة", "العادة"), ("بوالرقة", "بوالرقة")],
)
def test_two_proclitics_only_in_arabic_order(word: str, expected: str) -> None:
    text = f"قال {word} أمس"
    assert snapped(text, word, "ACTOR") == expected


@pytest.mark.parametrize("label", ["DATE", "CASUALTY_COUNT", None])
def test_no_stripping_outside_name_labels(label: str | None) -> None:
    text = "قصف بالرقة والثلاثاء"
    assert snapped(text, "بالرقة", label) == "بالرقة"
    assert snapped(text, "والثلاثاء", label) == "والثلاثاء"


def test_stripping_can_be_turned_off() -> None:
    text = "قصف بالرقة وبدير الزور"
    off = SnapOptions(strip_proclitics=False)
    assert snapped(text, "بالرقة", "LOCATION", options=off) == "بالرقة"
    assert snapped(text, "بدير الزور", "LOCATION", ("دير الزور",), off) == "بدير الزور"


def test_selection_starting_inside_a_word_is_exact() -> None:
    # Run-together words ('العراقوتركيا'): a selection that starts mid-word is taken as is.
    text = "سكانبالرقة"
    assert snapped(text, "بالرقة", "LOCATION") == "بالرقة"


def test_li_before_the_article_is_kept_whole() -> None:
    # li + al- is written 'لل' (the alef drops): no span can hold 'القوات', so keep the word.
    text = "تصدى للقوات المهاجمة"
    assert snapped(text, "للقوات", "ACTOR") == "للقوات"


def test_short_word_after_proclitic_is_not_an_article() -> None:
    text = "سافر إلى بالي أمس"  # Bali: 'ب' + 'الي' is not bi + al-
    assert snapped(text, "بالي", "LOCATION") == "بالي"


# -- properties -------------------------------------------------------------------------------

ALPHABET = (
    "ابتدرسقلمنوفكهيةأى"  # letters, including every proclitic
    "\u064b\u064e\u064f\u0650\u0651\u0652\u0670"  # harakat
    "\u0640"  # tatweel
    " \n\u00a0،؛؟«».()"  # spaces and punctuation
    "\u200f\u200e\u061c\u200c"  # bidi and zero-width marks
    "abZ7"
)
SNAP_TEXT = st.text(
    alphabet=st.one_of(st.sampled_from(ALPHABET), st.sampled_from(["😢", "📍"])),
    min_size=1,
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(
    text=SNAP_TEXT,
    data=st.data(),
    label=st.sampled_from([None, "ACTOR", "LOCATION", "DATE"]),
    known=st.lists(st.sampled_from(["دير", "رقة", "بدر", "الرقة"]), max_size=2),
)
def test_snap_only_shrinks_except_to_keep_marks_with_letters(
    text: str, data: st.DataObject, label: str | None, known: list[str]
) -> None:
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(0, len(text)))
    lo, hi = min(a, b), max(a, b)
    s, e = snap(text, a, b, label, known)
    assert 0 <= s <= e <= len(text)
    if (s, e) == (lo, hi) and (lo == hi or not _has_content(text, lo, hi)):
        return  # nothing worth keeping: the selection is returned as it was
    # Grown only over combining marks: back to the letter under a mark at the start, and
    # forward over the marks that follow the end.
    if s < lo:
        assert is_mark(text[lo])
        assert all(is_mark(ch) for ch in text[s + 1 : lo + 1])
    if e > hi:
        assert all(is_mark(ch) for ch in text[hi:e])
    assert s < e
    # Never starts on a mark, never ends between a letter and its marks.
    assert not is_mark(text[s])
    assert e == len(text) or not is_mark(text[e])
    # No junk at either end; a trailing mark belongs to a kept letter.
    assert not is_edge_junk(text[s])
    base = e - 1
    while base > s and is_mark(text[base]):
        base -= 1
    assert not is_edge_junk(text[base])


def _has_content(text: str, lo: int, hi: int) -> bool:
    """Whether the selection touches a letter, digit or emoji (its own or a mark's base)."""
    start = lo
    while start > 0 and start < len(text) and is_mark(text[start]):
        start -= 1
    return any(not is_edge_junk(ch) and not is_mark(ch) for ch in text[start:hi])


@settings(max_examples=80, deadline=None)
@given(text=SNAP_TEXT, data=st.data())
def test_snap_is_idempotent(text: str, data: st.DataObject) -> None:
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(0, len(text)))
    s, e = snap(text, a, b, "LOCATION")
    assert snap(text, s, e, "LOCATION", options=SnapOptions(strip_proclitics=False)) == (s, e)
