"""The Arabic-aware tokenizer: offsets, punctuation, digits, emoji, cuts and sentences."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.text import tokens as tokens_module
from app.text.tokens import Token, is_separator, split_sentences, tokenize
from tests.roundtrip import EMOJI, HARAKAT, LETTERS


def texts(text: str, cuts: tuple[int, ...] = ()) -> list[str]:
    return [t.text for t in tokenize(text, cuts)]


def sentence_texts(text: str, keep: tuple[tuple[int, int], ...] = ()) -> list[str]:
    tokens = tokenize(text)
    return [" ".join(t.text for t in s) for s in split_sentences(text, tokens, keep)]


def test_offsets_are_code_points_into_the_text() -> None:
    text = "😢 قُتِلَ ٣ في «بغداد»"
    tokens = tokenize(text)
    assert tokens[0] == Token(0, 1, "😢")
    assert all(text[t.start : t.end] == t.text for t in tokens)
    assert [t.text for t in tokens] == ["😢", "قُتِلَ", "٣", "في", "«", "بغداد", "»"]


def test_punctuation_is_its_own_token() -> None:
    assert texts('قال: «نعم»، ثم؛ لماذا؟ (حقاً) "هنا". وأيضاً, لا!') == [
        *["قال", ":", "«", "نعم", "»", "،", "ثم", "؛", "لماذا", "؟", "(", "حقاً", ")"],
        *['"', "هنا", '"', ".", "وأيضاً", ",", "لا", "!"],
    ]


def test_digit_runs_are_tokens_in_both_scripts() -> None:
    assert texts("قتل ١٥ و2024 في ٢٠٢٤م و3.5 و١٬٢٠٠") == [
        *["قتل", "١٥", "و", "2024", "في", "٢٠٢٤", "م", "و", "3.5", "و", "١٬٢٠٠"],
    ]
    # A terminator after a number is not part of it.
    assert texts("عام 2024.") == ["عام", "2024", "."]


def test_emoji_keep_modifiers_and_joiners() -> None:
    family = "👨\u200d👩\u200d👧"
    assert texts(f"جيد👍🏽 {family} 🇸🇾😢😢 ❤️") == [
        *["جيد", "👍🏽", family, "🇸🇾", "😢", "😢", "❤️"],
    ]


def test_harakat_and_tatweel_stay_in_their_word() -> None:
    assert texts("مُحَمَّد ســلام ـبغداد") == ["مُحَمَّد", "ســلام", "ـبغداد"]


def test_bidi_marks_separate_and_are_never_inside_a_token() -> None:
    text = "\u200fقتل\u200e \u200f٣\u200f"
    assert tokenize(text) == [Token(1, 4, "قتل"), Token(7, 8, "٣")]


def test_a_cut_inside_a_word_splits_it_there() -> None:
    text = "وبغداد ودمشق"
    tokens = tokenize(text, [1, 6])
    assert tokens == [Token(0, 1, "و"), Token(1, 6, "بغداد"), Token(7, 12, "ودمشق")]
    # Cuts at existing boundaries or in whitespace change nothing.
    assert tokenize(text, [0, 6, 7, 12]) == tokenize(text)


def test_sentences_end_at_terminators_and_newlines() -> None:
    text = "قتل ثلاثة. هل نجا أحد؟ نعم! لا?\nثم عاد «كما قال.» وانتهى"
    assert sentence_texts(text) == [
        "قتل ثلاثة .",
        "هل نجا أحد ؟",
        "نعم !",
        "لا ?",
        "ثم عاد « كما قال . »",
        "وانتهى",
    ]


def test_no_sentence_break_without_space_after_the_terminator() -> None:
    assert sentence_texts("زار U.S.A اليوم...  ثم example.com") == [
        "زار U . S . A اليوم . . .",
        "ثم example . com",
    ]


def test_kept_ranges_hold_a_sentence_together() -> None:
    text = "وصل إلى دير.\nالزور صباحاً"
    tokens = tokenize(text)
    assert len(split_sentences(text, tokens)) == 2
    # A span over tokens 2..4 ("دير . الزور") keeps the break from happening.
    assert len(split_sentences(text, tokens, [(2, 5)])) == 1


def test_cuts_inside_a_sentence_do_not_change_its_sentences() -> None:
    text = "دخلوا وبغداد. ثم وصلوا إلى بالرقة"
    plain = split_sentences(text, tokenize(text))
    cut = split_sentences(text, tokenize(text, [7, 31]))
    assert len(plain) == len(cut) == 2
    assert [t.text for t in cut[0]] == ["دخلوا", "و", "بغداد", "."]


ALPHABET = LETTERS + HARAKAT + 'ـ ،؛؟«».,:!?()"\n\u200f\u200e٠١٢٣0123' + "".join(EMOJI) + "\u200d"


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40), st.lists(st.integers(0, 40), max_size=5))
def test_tokens_cover_every_visible_character_once(text: str, raw_cuts: list[int]) -> None:
    cuts = [c for c in raw_cuts if c <= len(text)]
    tokens = tokenize(text, cuts)
    covered = set()
    for previous, token in zip([None, *tokens], tokens, strict=False):
        assert token.start < token.end and text[token.start : token.end] == token.text
        assert previous is None or previous.end <= token.start
        assert not any(is_separator(ch) for ch in token.text)
        assert not any(token.start < c < token.end for c in cuts)
        covered.update(range(token.start, token.end))
    visible = {i for i, ch in enumerate(text) if not is_separator(ch)}
    assert visible == covered
    # Sentences partition the tokens in order.
    sentences = split_sentences(text, tokens)
    assert [t for s in sentences for t in s] == tokens


COMMON = "".join(tokens_module._COMMON) + " \n\u00a0\u200f"


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=COMMON, max_size=40))
def test_the_regex_path_cuts_like_the_per_character_path(text: str) -> None:
    slow = [
        (chunk.start() + i, chunk.start() + j)
        for chunk in tokens_module._CHUNK.finditer(text)
        for i, j in tokens_module._split_chunk(chunk.group())
    ]
    assert list(tokens_module._base_tokens(text)) == slow
