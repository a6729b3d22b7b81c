"""Decoding and canonicalization at import (DESIGN §3.1)."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.text.canonical import Canonical, DecodeError, canonicalize, check_text, decode, sha256

# Western digits: Eastern Arabic digits cannot be encoded in Windows-1256 or ISO-8859-6.
NEWS = (
    "دمشق - قال مصدر طبي إن الجرحى نقلوا إلى المستشفى الوطني في المدينة، "
    "وإن حالة 3 منهم خطيرة.\n"
    "وأعلنت وزارة الصحة أن عدد الضحايا ارتفع إلى 45 شخصا يوم الثلاثاء.\n"
)


# -- decode -----------------------------------------------------------------------------


def test_decode_utf8() -> None:
    assert decode(NEWS.encode("utf-8")) == (NEWS, "UTF-8")


def test_decode_utf8_with_bom_drops_the_bom() -> None:
    text, encoding = decode(b"\xef\xbb\xbf" + NEWS.encode("utf-8"))
    assert text == NEWS
    assert encoding == "UTF-8 with BOM"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_decode_utf16_with_bom(codec: str) -> None:
    data = ("\ufeff" + NEWS).encode(codec)
    assert data[:2] in (b"\xff\xfe", b"\xfe\xff")
    assert decode(data) == (NEWS, "UTF-16 with BOM")


@pytest.mark.parametrize(
    ("codec", "name"), [("cp1256", "Windows-1256"), ("iso8859_6", "ISO-8859-6")]
)
def test_decode_legacy_arabic_encodings(codec: str, name: str) -> None:
    assert decode(NEWS.encode(codec)) == (NEWS, name)


@pytest.mark.parametrize(
    ("codec", "name"), [("cp1256", "Windows-1256"), ("iso8859_6", "ISO-8859-6")]
)
def test_decode_legacy_single_sentence(codec: str, name: str) -> None:
    sentence = "قالت الشرطة إن الحادث وقع صباح يوم الاثنين في شارع رئيسي."
    assert decode(sentence.encode(codec)) == (sentence, name)


def test_decode_empty_file() -> None:
    with pytest.raises(DecodeError, match="empty"):
        decode(b"")


def test_decode_binary_file() -> None:
    with pytest.raises(DecodeError, match="binary"):
        decode(b"PK\x03\x04\x00\x00\x08\x00" + bytes(range(256)))


def test_decode_utf16_without_bom_is_refused_with_a_hint() -> None:
    with pytest.raises(DecodeError, match="UTF-16 without a BOM"):
        decode(NEWS.encode("utf-16-le"))


def test_damaged_utf8_names_the_line() -> None:
    lines = [
        "قتل ثلاثة عشر مدنيا في قصف على ريف دير الزور الشرقي.",
        "وأصيب 23 آخرون بجروح متفاوتة.",
        "وقال المصدر إن القذائف سقطت على منازل سكنية.",
    ]
    head = ("\n".join(lines[:2]) + "\n" + "وقال ").encode("utf-8")
    broken = head + b"\xff" + "المصدر إن القذائف سقطت على منازل سكنية.".encode()
    with pytest.raises(DecodeError, match=r"line 3\b.*UTF-8") as caught:
        decode(broken)
    assert "0xff" in str(caught.value)


def test_truncated_utf8_names_the_line() -> None:
    data = "سطر أول من الخبر\nسطر ثان من الخبر\nسطر ثالث مقطوع".encode()
    with pytest.raises(DecodeError, match=r"line 3\b.*truncated"):
        decode(data[:-1])


@pytest.mark.parametrize(
    "data",
    [
        "غزة الآن".encode()[:-1],  # a short download cut mid-letter
        "غزة ".encode() + b"\xff" + " الآن".encode(),  # one bad byte in a headline
        "Title: غزة\n".encode() + b"\xd8",
    ],
    ids=["cut-mid-letter", "bad-byte-in-headline", "mostly-ascii"],
)
def test_short_damaged_utf8_is_not_read_as_windows_1256(data: bytes) -> None:
    """Mis-reading damaged UTF-8 as Windows-1256 would import mojibake silently."""
    with pytest.raises(DecodeError, match="UTF-8 but damaged or truncated"):
        decode(data)


def test_not_arabic_in_any_supported_encoding() -> None:
    with pytest.raises(DecodeError, match="line 1"):
        decode("Grüße aus Köln, schöne Straße".encode("latin-1"))


def test_explicit_encoding_is_used_as_given() -> None:
    short = "سلام عليكم"  # too short for detection to tell ISO-8859-6 from Windows-1256
    assert decode(short.encode("iso8859_6"), "iso8859_6") == (short, "iso8859_6")
    assert decode(NEWS.encode("cp1256"), "cp1256") == (NEWS, "cp1256")


def test_explicit_encoding_that_does_not_fit_names_the_line() -> None:
    data = "سطر أول\nسطر ثان".encode("cp1256")
    with pytest.raises(DecodeError, match=r"line 1, column 1: not valid utf-8"):
        decode(data, "utf-8")
    with pytest.raises(DecodeError, match="line 2"):
        decode(b"first\nsecond \xff", "utf-8")


def test_explicit_unknown_encoding() -> None:
    with pytest.raises(DecodeError, match="unknown encoding"):
        decode(b"abc", "no-such-codec")


# -- canonicalize -------------------------------------------------------------------------


def offset_map(result: Canonical, raw: str) -> list[int]:
    return [result.map_offset(i) for i in range(len(raw) + 1)]


def test_leading_bom_is_dropped_and_offsets_shift() -> None:
    result = canonicalize("\ufeffغزة")
    assert result.text == "غزة"
    assert offset_map(result, "\ufeffغزة") == [0, 0, 1, 2, 3]
    assert result.notes == ()


@pytest.mark.parametrize("line_end", ["", "\r\n"])
def test_bom_inside_the_text_is_kept(line_end: str) -> None:
    raw = "غزة\ufeffالآن" + line_end
    result = canonicalize(raw)
    assert result.text == raw.replace("\r\n", "\n")
    kept = len(raw) - len(line_end) + 1  # up to and including the CR
    assert offset_map(result, raw)[:kept] == list(range(kept))
    assert not any("presentation" in note for note in result.notes)


def test_crlf_and_cr_become_lf() -> None:
    raw = "سطر\r\nثان\rثالث\n\r\n"
    result = canonicalize(raw)
    assert result.text == "سطر\nثان\nثالث\n\n"
    assert any("LF" in note for note in result.notes)
    # Every offset that does not fall between CR and LF maps onto the same character.
    assert result.map_offset(raw.index("ثان")) == result.text.index("ثان")
    assert result.map_offset(raw.index("ثالث")) == result.text.index("ثالث")
    assert result.map_offset(len(raw)) == len(result.text)


def _between_cr_and_lf(raw: str, i: int) -> bool:
    return 0 < i < len(raw) and raw[i - 1] == "\r" and raw[i] == "\n"


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ab غزة\r\n\u064e", max_size=30))
def test_line_end_offset_map_keeps_every_span(raw: str) -> None:
    result = canonicalize(raw)
    mapped = offset_map(result, raw)
    assert mapped == sorted(mapped)
    assert mapped[-1] == len(result.text)
    cuts = [i for i in range(len(raw) + 1) if not _between_cr_and_lf(raw, i)]
    for a in cuts:
        for b in cuts:
            if a > b:
                continue
            expected = raw[a:b].replace("\r\n", "\n").replace("\r", "\n")
            assert result.text[result.map_offset(a) : result.map_offset(b)] == expected


def test_presentation_forms_are_repaired_with_a_note() -> None:
    raw = "قال \ufefb \ufe8d\ufedf\ufef4\ufe8e\ufead ثم"  # lam-alef ligature, isolated/joined forms
    result = canonicalize(raw)
    assert result.text == "قال لا اليار ثم"
    assert len(result.notes) == 1
    assert "presentation-form" in result.notes[0]
    assert "6" in result.notes[0]
    # The ligature becomes two letters: offsets after it move by one.
    assert result.map_offset(raw.index("\ufefb")) == result.text.index("لا")
    assert result.map_offset(raw.index("\ufefb") + 1) == result.text.index("لا") + 2
    assert result.map_offset(raw.index("ثم")) == result.text.index("ثم")
    assert result.map_offset(len(raw)) == len(result.text)


def test_author_text_is_untouched() -> None:
    raw = "قُتِلَ ثلاثـــة\u00a0مدنيين\u2028في \u200fحلب\u061c اليوم 😢"
    result = canonicalize(raw)
    assert result.text == raw
    assert result.notes == ()
    assert offset_map(result, raw) == list(range(len(raw) + 1))


def test_sha256_is_of_the_utf8_text() -> None:
    assert sha256("غزة") == hashlib.sha256("غزة".encode()).hexdigest()


# -- check_text -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\t\u00a0"])
def test_empty_text_is_not_a_document(text: str) -> None:
    problem = check_text(text)
    assert problem is not None
    assert "empty" in problem


def test_lone_surrogate_is_refused_with_its_line() -> None:
    problem = check_text("سطر أول\nسطر \ud83d ثان")
    assert problem is not None
    assert "line 2" in problem
    assert "surrogate" in problem


def test_nul_is_refused() -> None:
    problem = check_text("abc\x00def")
    assert problem is not None
    assert "NUL" in problem


def test_ordinary_text_is_accepted() -> None:
    assert check_text("قُتِلَ ثلاثة 😢\u00a0\u2028") is None
