"""Code points <-> UTF-16 units (DESIGN §3.3): the one helper, checked both ways."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.text.offsets import Utf16Map

CRYING = "\U0001f622"  # 😢, two UTF-16 units
PIN = "\U0001f4cd"  # 📍


def utf16_of(text: str, cp: int) -> int:
    """Reference: UTF-16 units before code point ``cp``."""
    return len(text[:cp].encode("utf-16-le")) // 2


def check_span_roundtrip(text: str, start: int, end: int) -> None:
    offsets = Utf16Map(text)
    u_start, u_end = offsets.to_utf16(start), offsets.to_utf16(end)
    assert u_start == utf16_of(text, start)
    assert u_end == utf16_of(text, end)
    assert offsets.to_code_point(u_start) == start
    assert offsets.to_code_point(u_end, round_up=True) == end


def test_emoji_before_span_shifts_utf16_offsets() -> None:
    text = f"{CRYING} قصف على غزة اليوم"
    start = text.index("غزة")
    end = start + len("غزة")
    offsets = Utf16Map(text)
    assert offsets.to_utf16(start) == start + 1
    assert offsets.to_utf16(end) == end + 1
    check_span_roundtrip(text, start, end)


def test_emoji_inside_span() -> None:
    text = f"كتب أحد السكان: «{PIN} غزة الآن» وقال"
    start = text.index(PIN)
    end = text.index("»")
    offsets = Utf16Map(text)
    assert offsets.to_utf16(start) == start  # nothing astral before the span
    assert offsets.to_utf16(end) == end + 1  # the pin inside counts twice
    check_span_roundtrip(text, start, end)


def test_emoji_after_span_changes_nothing_before_it() -> None:
    text = f"دير الزور {CRYING}{PIN}"
    offsets = Utf16Map(text)
    for cp in range(text.index(CRYING) + 1):
        assert offsets.to_utf16(cp) == cp
    check_span_roundtrip(text, 0, len("دير الزور"))
    assert offsets.length == len(text)
    assert offsets.length_utf16 == len(text) + 2


def test_every_position_round_trips() -> None:
    text = f"{CRYING}أ{PIN}{PIN}ب{CRYING}ـَ x{CRYING}"
    offsets = Utf16Map(text)
    for cp in range(len(text) + 1):
        u16 = offsets.to_utf16(cp)
        assert u16 == utf16_of(text, cp)
        assert offsets.to_code_point(u16) == cp
        assert offsets.to_code_point(u16, round_up=True) == cp


def test_offset_between_surrogate_halves_rounds_down_or_up() -> None:
    text = f"a{CRYING}b{PIN}{CRYING}"
    offsets = Utf16Map(text)
    # UTF-16: a=0, 😢=1-2, b=3, 📍=4-5, 😢=6-7, end=8
    assert offsets.length_utf16 == 8
    assert offsets.to_code_point(2) == 1  # inside 😢: start of it
    assert offsets.to_code_point(2, round_up=True) == 2  # past it
    assert offsets.to_code_point(5) == 3
    assert offsets.to_code_point(5, round_up=True) == 4
    assert offsets.to_code_point(7) == 4
    assert offsets.to_code_point(7, round_up=True) == 5
    # Offsets on a boundary do not move either way.
    for u16, cp in ((0, 0), (1, 1), (3, 2), (4, 3), (6, 4), (8, 5)):
        assert offsets.to_code_point(u16) == cp
        assert offsets.to_code_point(u16, round_up=True) == cp


def test_text_without_astral_characters_is_identity() -> None:
    text = "قُتِلَ ثلاثة\u00a0مدنيين\u2028اليوم"
    offsets = Utf16Map(text)
    assert [offsets.to_utf16(i) for i in range(len(text) + 1)] == list(range(len(text) + 1))
    assert offsets.length_utf16 == len(text)


@pytest.mark.parametrize("cp", [-1, 4])
def test_code_point_outside_text_raises(cp: int) -> None:
    with pytest.raises(ValueError):
        Utf16Map(f"a{CRYING}b").to_utf16(cp)


@pytest.mark.parametrize("u16", [-1, 5])
def test_utf16_outside_text_raises(u16: int) -> None:
    with pytest.raises(ValueError):
        Utf16Map(f"a{CRYING}b").to_code_point(u16)


ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهويةءأإآى"
HARAKAT = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670"
MIXED_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(ARABIC + HARAKAT + "\u0640 \n\u00a0abcXYZ019،."),
        st.sampled_from([CRYING, PIN, "\U0001d400", "\U00020000", "\U0001f3fd"]),
        st.characters(min_codepoint=0x10000, max_codepoint=0x10FFFF),
    ),
    max_size=60,
)


@settings(max_examples=60, deadline=None)
@given(MIXED_TEXT)
def test_conversion_matches_utf16_encoding(text: str) -> None:
    offsets = Utf16Map(text)
    reference = [utf16_of(text, cp) for cp in range(len(text) + 1)]
    assert offsets.length_utf16 == len(text.encode("utf-16-le")) // 2
    assert [offsets.to_utf16(cp) for cp in range(len(text) + 1)] == reference
    for u16 in range(offsets.length_utf16 + 1):
        down = max(cp for cp, u in enumerate(reference) if u <= u16)
        up = min(cp for cp, u in enumerate(reference) if u >= u16)
        assert offsets.to_code_point(u16) == down
        assert offsets.to_code_point(u16, round_up=True) == up
