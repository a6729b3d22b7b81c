"""Arabic quantities in running text: digits, number words, vague words, qualifiers, ranges.

Everything here reads *folded* text (``app.text.folding``: no harakat or tatweel, أإآ→ا,
ى→ي, ة→ه, every digit 0-9), so each word has one spelling in the tables below; callers map
the folded offsets back to the original with ``Folded.original_span``.

Decisions (DESIGN §5: keep the raw words, apply ACLED/UCDP conventions at export):
- ``value`` is set only when the text states one number. Vague words and ranges get
  ``low``/``high`` and no ``value``: ACLED's "عشرات → 10 or 12" is an export rule, not a
  reading of the text.
- Vague words, read as their Arabic plural (at least two of the unit, below the next
  power of ten): عشرات 20–99, مئات 200–999, آلاف 2,000–9,999, عشرات الآلاف 20,000–99,999,
  بضع/بضعة 3–9 (the grammar of بضع).
- 'أكثر من 20' is at_least 20, not 21: coders record the stated figure and the qualifier.
- A range ('بين 10 و15', 'من 10 إلى 15', '10-15', 'ثلاثة أو أربعة') is ``approximate`` with
  ``low``/``high``.
- Ordinals (الثالث، أول) and definite cardinals (الثلاثة, "the three months") are not
  counts; definite vague words (العشرات) are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

EXACT, APPROXIMATE, AT_LEAST, AT_MOST, VAGUE = (
    "exact",
    "approximate",
    "at_least",
    "at_most",
    "vague",
)

_TOKEN = re.compile(r"[0-9]+(?:[.,\u066b\u066c][0-9]+)*|[^\W\d_]+")
_THOUSANDS = re.compile(r"[0-9]{1,3}(?:[,\u066c][0-9]{3})+")
_DECIMAL = re.compile(r"[0-9]+(?:[.\u066b][0-9]+)?")
# A new clause starts after these: a count and its killing word must share a clause.
CLAUSE_BREAKS = frozenset('.!?؟;؛:،,\n()«»"')
_RANGE_DASHES = frozenset("-–—")

_UNITS = {
    "واحد": 1, "واحده": 1,
    "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2,
    "ثلاث": 3, "ثلاثه": 3, "اربع": 4, "اربعه": 4, "خمس": 5, "خمسه": 5,
    "ست": 6, "سته": 6, "سبع": 7, "سبعه": 7, "ثمان": 8, "ثماني": 8, "ثمانيه": 8,
    "تسع": 9, "تسعه": 9,
}  # fmt: skip
# Forms that only occur before عشر: 'أحد عشر' 11, 'اثنا عشر' 12 ('أحد' alone is "one of").
_TEEN_ONLY = {"احد": 1, "احدي": 1, "اثنا": 2, "اثني": 2, "اثنتا": 2, "اثنتي": 2}
_TEN_WORDS = frozenset({"عشر", "عشره"})
_TENS = {
    "عشرون": 20, "عشرين": 20, "ثلاثون": 30, "ثلاثين": 30, "اربعون": 40, "اربعين": 40,
    "خمسون": 50, "خمسين": 50, "ستون": 60, "ستين": 60, "سبعون": 70, "سبعين": 70,
    "ثمانون": 80, "ثمانين": 80, "تسعون": 90, "تسعين": 90,
}  # fmt: skip
_HUNDRED_WORDS = frozenset({"مائه", "مئه", "ماءه"})
_HUNDREDS = {
    **{word: 100 for word in _HUNDRED_WORDS},
    "مائتان": 200, "مائتين": 200, "مئتان": 200, "مئتين": 200, "مائتا": 200, "مئتا": 200,
    **{
        f"{unit}{hundred}": value * 100
        for unit, value in (
            ("ثلاث", 3), ("اربع", 4), ("خمس", 5), ("ست", 6), ("سبع", 7),
            ("ثمان", 8), ("ثماني", 8), ("تسع", 9),
        )
        for hundred in ("مائه", "مئه")
    },
}  # fmt: skip
# Scale words: the multiplier they stand for, and the value they have alone.
_SCALES = {
    "الف": 1_000, "الفا": 1_000, "الاف": 1_000,
    "مليون": 1_000_000, "مليونا": 1_000_000, "ملايين": 1_000_000,
    "مليار": 1_000_000_000, "مليارا": 1_000_000_000,
}  # fmt: skip
_DUAL_SCALES = {"الفان": 2_000, "الفين": 2_000, "مليونان": 2_000_000, "مليونين": 2_000_000}
_PLURAL_SCALES = frozenset({"الاف", "ملايين"})  # 'ثلاثة آلاف'; alone they are vague
_VAGUE = {
    "عشرات": (20, 99),
    "مئات": (200, 999),
    "الاف": (2_000, 9_999),
    "ملايين": (2_000_000, 9_999_999),
    "بضع": (3, 9),
    "بضعه": (3, 9),
}
_HALF = "نصف"

_PREFIX_QUALIFIERS: list[tuple[tuple[str, ...], str]] = sorted(
    [
        (("نحو",), APPROXIMATE),
        (("حوالي",), APPROXIMATE),
        (("قرابه",), APPROXIMATE),
        (("زهاء",), APPROXIMATE),
        (("تقريبا",), APPROXIMATE),
        (("ما", "يقارب"), APPROXIMATE),
        (("يقارب",), APPROXIMATE),
        (("ما", "يقرب", "من"), APPROXIMATE),
        (("يقرب", "من"), APPROXIMATE),
        (("ما", "يناهز"), APPROXIMATE),
        (("يناهز",), APPROXIMATE),
        (("اكثر", "من"), AT_LEAST),
        (("ازيد", "من"), AT_LEAST),
        (("ما", "لا", "يقل", "عن"), AT_LEAST),
        (("لا", "يقل", "عن"), AT_LEAST),
        (("ما", "يزيد", "عن"), AT_LEAST),
        (("ما", "يزيد", "علي"), AT_LEAST),
        (("يزيد", "عن"), AT_LEAST),
        (("يزيد", "علي"), AT_LEAST),
        (("ما", "يربو", "علي"), AT_LEAST),
        (("يربو", "علي"), AT_LEAST),
        (("علي", "الاقل"), AT_LEAST),
        (("اقل", "من"), AT_MOST),
        (("ما", "لا", "يزيد", "عن"), AT_MOST),
        (("ما", "لا", "يزيد", "علي"), AT_MOST),
        (("لا", "يزيد", "عن"), AT_MOST),
        (("لا", "يزيد", "علي"), AT_MOST),
        (("علي", "الاكثر"), AT_MOST),
    ],
    key=lambda entry: -len(entry[0]),  # longest first: 'لا يزيد عن' before 'يزيد عن'
)
_SUFFIX_QUALIFIERS: list[tuple[tuple[str, ...], str]] = [
    (("علي", "الاقل"), AT_LEAST),
    (("او", "اكثر"), AT_LEAST),
    (("ونيف",), AT_LEAST),
    (("علي", "الاكثر"), AT_MOST),
    (("او", "اقل"), AT_MOST),
    (("تقريبا",), APPROXIMATE),
]
_RANGE_OPENERS = (("ما", "بين"), ("بين",), ("من",))
_RANGE_LINKS = frozenset({"الي", "او", "حتي"})
_PROCLITICS = ("و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك")


@dataclass(frozen=True)
class Token:
    start: int  # offsets in the folded text
    end: int
    text: str


@dataclass(frozen=True)
class Quantity:
    """A number phrase found in folded text: ``[start, end)`` and token indices ``first..last``."""

    start: int
    end: int
    first: int
    last: int
    qualifier: str
    value: int | None = None
    low: int | None = None
    high: int | None = None

    def attributes(self) -> dict[str, Any]:
        attrs: dict[str, Any] = {}
        if self.value is not None:
            attrs["value"] = self.value
        if self.low is not None:
            attrs["low"] = self.low
        if self.high is not None:
            attrs["high"] = self.high
        attrs["qualifier"] = self.qualifier
        return attrs


@dataclass(frozen=True)
class _Core:
    """The number itself, without qualifier: token indices ``first..last``."""

    start: int
    end: int
    first: int
    last: int
    value: int | None
    low: int | None = None
    high: int | None = None


def tokenize(folded: str) -> list[Token]:
    """Words and digit groups; what lies between two tokens is their gap."""
    return [Token(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(folded)]


def gap(folded: str, tokens: list[Token], index: int) -> str:
    """The text between token ``index - 1`` and token ``index``."""
    return folded[tokens[index - 1].end : tokens[index].start]


def clause_ids(folded: str, tokens: list[Token]) -> list[int]:
    """A clause number per token: it grows at every clause break between two tokens."""
    ids: list[int] = []
    clause = 0
    for index in range(len(tokens)):
        if index and any(ch in CLAUSE_BREAKS for ch in gap(folded, tokens, index)):
            clause += 1
        ids.append(clause)
    return ids


def find_quantities(folded: str, tokens: list[Token] | None = None) -> list[Quantity]:
    """Every number phrase in ``folded``, left to right, not overlapping."""
    tokens = tokenize(folded) if tokens is None else tokens
    found: list[Quantity] = []
    index = 0
    while index < len(tokens):
        quantity = quantity_at(folded, tokens, index)
        if quantity is None:
            index += 1
        else:
            found.append(quantity)
            index = quantity.last + 1
    return found


def quantity_at(folded: str, tokens: list[Token], index: int) -> Quantity | None:
    """The number phrase beginning at token ``index`` (a qualifier may open it), if any."""
    qualifier, start, core_index = EXACT, None, index
    match = _match_words(folded, tokens, index, _PREFIX_QUALIFIERS)
    if match is not None:
        words, qualifier, start = match
        core_index = index + len(words)
    opened = _match_words(folded, tokens, core_index, [(o, "") for o in _RANGE_OPENERS])
    core = _core_at(folded, tokens, core_index) if core_index < len(tokens) else None
    if core is None and opened is not None:
        after_opener = core_index + len(opened[0])
        first = _core_at(folded, tokens, after_opener) if after_opener < len(tokens) else None
        ranged = _range_after(folded, tokens, first, opener=opened[0]) if first else None
        if first is None or ranged is None:
            return None
        low, high, last_core = ranged
        begin = start if start is not None else opened[2]
        return _finish(begin, index, last_core, APPROXIMATE, low, high)
    if core is None or (match is not None and _gap_breaks(folded, tokens, core_index)):
        return None
    begin = start if start is not None else core.start
    ranged = _range_after(folded, tokens, core, opener=None)
    if ranged is not None:
        low, high, last_core = ranged
        return _finish(begin, index, last_core, APPROXIMATE, low, high)
    if core.value is None:  # a vague word: its own qualifier
        return _finish(begin, index, core, VAGUE, core.low, core.high)
    if qualifier == EXACT:
        qualifier = _suffix_qualifier(folded, tokens, core.last + 1) or EXACT
    return _finish(begin, index, core, qualifier, core.value, core.value)


def _finish(
    begin: int,
    first: int,
    last: _Core,
    qualifier: str,
    low: int | None,
    high: int | None,
) -> Quantity:
    if qualifier in (VAGUE, APPROXIMATE) and low != high:
        return Quantity(begin, last.end, first, last.last, qualifier, None, low, high)
    return Quantity(begin, last.end, first, last.last, qualifier, low)


def _gap_breaks(folded: str, tokens: list[Token], index: int) -> bool:
    return index > 0 and gap(folded, tokens, index).strip() != ""


def _match_words(
    folded: str, tokens: list[Token], index: int, phrases: list[tuple[tuple[str, ...], str]]
) -> tuple[tuple[str, ...], str, int] | None:
    """The first phrase (words, tag) starting at ``index``, and where it starts in the text.

    The first word may carry a proclitic ('بنحو', 'وأكثر'), left outside the span.
    """
    if index >= len(tokens):
        return None
    head = tokens[index].text
    heads = {head[len(p) :]: len(p) for p in reversed(("", *_PROCLITICS)) if head.startswith(p)}
    for words, tag in phrases:
        skip = heads.get(words[0])
        if skip is None or index + len(words) > len(tokens):
            continue
        rest = range(index + 1, index + len(words))
        if all(tokens[i].text == w and not _gap_breaks(folded, tokens, i)
               for i, w in zip(rest, words[1:], strict=True)):  # fmt: skip
            return words, tag, tokens[index].start + skip
    return None


def _suffix_qualifier(folded: str, tokens: list[Token], index: int) -> str | None:
    """'٣٥ فلسطينياً على الأقل': a qualifier right after the number or its counted noun."""
    for skip in (0, 1):
        at = index + skip
        if at >= len(tokens) or _gap_breaks(folded, tokens, at):
            return None
        match = _match_words(folded, tokens, at, _SUFFIX_QUALIFIERS)
        if match is not None and (match[0][0] != "ونيف" or skip == 0):
            return match[1]
    return None


def _range_after(
    folded: str, tokens: list[Token], first: _Core, opener: tuple[str, ...] | None
) -> tuple[int, int, _Core] | None:
    """'10-15', 'ثلاثة أو أربعة', 'بين 10 و15', 'من 10 إلى 15': (low, high, second number)."""
    if first.value is None:
        return None
    link = first.last + 1
    if link >= len(tokens):
        return None
    second: _Core | None = None
    between = gap(folded, tokens, link).strip()
    if between and all(ch in _RANGE_DASHES for ch in between) and tokens[link].text.isdigit():
        if folded[first.start].isdigit():
            second = _core_at(folded, tokens, link)
    elif between == "":
        text = tokens[link].text
        joined = opener is not None and opener[-1] == "بين"
        if text in _RANGE_LINKS or (joined and text == "و"):
            second = _core_at(folded, tokens, link + 1) if link + 1 < len(tokens) else None
            if second is not None and _gap_breaks(folded, tokens, link + 1):
                second = None
        elif joined and text.startswith("و"):
            second = _core_at(folded, tokens, link, conjoined=True)
    if second is None or second.value is None or second.value <= first.value:
        return None
    return first.value, second.value, second


def _strip_proclitic(word: str, known: dict[str, Any] | frozenset[str]) -> int | None:
    """How many proclitic letters precede a known word ('وثلاثة' → 1), or None."""
    for prefix in ("", *_PROCLITICS):
        rest = word[len(prefix) :]
        # 'لست' is "I am not", not 'ل' + 'ست' (six): short words take only 'و'.
        if word.startswith(prefix) and rest in known and (len(rest) > 2 or prefix in ("", "و")):
            return len(prefix)
    return None


_STARTERS = frozenset(_UNITS) | frozenset(_TEEN_ONLY) | _TEN_WORDS | frozenset(_TENS)
_STARTERS |= frozenset(_HUNDREDS) | frozenset(_SCALES) - _PLURAL_SCALES
_STARTERS |= frozenset(_DUAL_SCALES)
_STARTERS_OR_VAGUE = _STARTERS | frozenset(_VAGUE)


def _core_at(folded: str, tokens: list[Token], index: int, conjoined: bool = False) -> _Core | None:
    """The number at token ``index``: digits (with a scale word) or number words.

    ``conjoined``: the token carries the 'و' of a range ('و15', 'وعشرين').
    """
    token = tokens[index]
    text = token.text[1:] if conjoined else token.text
    offset = token.start + (1 if conjoined else 0)
    if text.isdigit() or (text[:1].isdigit()):
        return _digits_at(folded, tokens, index, text, offset)
    if conjoined:
        skip: int | None = 0 if text in _STARTERS or text in _VAGUE else None
    else:
        skip = _strip_proclitic(text, _STARTERS_OR_VAGUE)
        if skip is None and (vague := _definite_vague(text)) is not None:
            skip = vague
    if skip is None:
        return None
    word = text[skip:]
    following = index + 1
    if word == "واحد" and following < len(tokens) and tokens[following].text in _TEN_WORDS:
        word, skip = "احد", skip + 1  # 'وأحد عشر' folds to 'واحد عشر': 'و' + 11
    start = offset + skip
    if word in _VAGUE or (word.startswith("ال") and word[2:] in _VAGUE):
        return _vague_at(folded, tokens, index, word if word in _VAGUE else word[2:], start)
    return _words_at(folded, tokens, index, word, start)


def _definite_vague(word: str) -> int | None:
    """'العشرات', 'والعشرات', 'بالمئات': the letters before 'ال', or None."""
    for prefix in ("", *_PROCLITICS):
        rest = word[len(prefix) :]
        if word.startswith(prefix) and rest.startswith("ال") and rest[2:] in _VAGUE:
            return len(prefix)
    return None


def _vague_at(folded: str, tokens: list[Token], index: int, word: str, start: int) -> _Core:
    low, high = _VAGUE[word]
    last = index
    following = index + 1
    if word in ("عشرات", "مئات") and following < len(tokens):
        scale = tokens[following].text.removeprefix("ال")
        if scale in _PLURAL_SCALES and not _gap_breaks(folded, tokens, following):
            low, high, last = low * _SCALES[scale], (high + 1) * _SCALES[scale] - 1, following
    return _Core(start, tokens[last].end, index, last, None, low, high)


def _digits_at(folded: str, tokens: list[Token], index: int, text: str, start: int) -> _Core | None:
    if _THOUSANDS.fullmatch(text):
        number = float(re.sub(r"[,\u066c]", "", text))
    elif _DECIMAL.fullmatch(text):
        number = float(text.replace("\u066b", "."))
    else:
        return None
    last = index
    following = index + 1
    if following < len(tokens) and not _gap_breaks(folded, tokens, following):
        scale = _SCALES.get(tokens[following].text)
        if scale is not None:
            number, last = number * scale, following
    if not number.is_integer():
        return None
    return _Core(start, tokens[last].end, index, last, int(number))


def _words_at(folded: str, tokens: list[Token], index: int, word: str, start: int) -> _Core | None:
    """Number words from ``word`` on: 'خمسة وعشرين', 'مائة وخمسين', 'ثلاثة آلاف وخمسمائة'."""
    total, group, classes = 0, 0, set[str]()
    last_kind, last_value, last = "", 0, index
    position, conj = index, False
    before_teen = (total, group, last_kind, last)  # to undo a 'و أحد' that is not 'أحد عشر'
    while True:
        kind, value = _kind(word, last_kind, last_value, conj, bool(classes))
        if kind == "" or (conj and kind in classes):
            break
        if kind == "teen-only":
            before_teen = (total, group, last_kind, last)
        if kind == "teen":
            group += 10
            classes.add("ten")
        elif kind == "hundred-of":
            group += last_value * 99
            classes.add("hundred")
        elif kind == "scale":
            total += (group or 1) * value
            group, classes = 0, set()
        elif kind == "dual-scale":
            total += value
        elif kind == "half":  # of the scale before it: 'مليون ونصف', 'ألفين ونصف'
            total += last_value // 2 if last_kind == "scale" else last_value // 4
        elif kind == "scale-again":
            pass  # 'مليون ونصف مليون': the second 'مليون' names the unit of the half
        else:
            group += value
            classes.add(kind)
        last_kind, last_value, last = kind, value if kind != "half" else last_value, position
        if kind == "scale":
            last_value = value
        following = _next_word(folded, tokens, position + 1)
        if following is None:
            break
        position, word, conj = following
    if last_kind == "teen-only":
        total, group, last_kind, last = before_teen
        if last_kind == "":
            return None
    return _Core(start, tokens[last].end, index, last, total + group)


def _next_word(folded: str, tokens: list[Token], index: int) -> tuple[int, str, bool] | None:
    """The next word of a number phrase: (token index, word, joined by 'و')."""
    if index >= len(tokens) or _gap_breaks(folded, tokens, index):
        return None
    text = tokens[index].text
    if text == "و":
        if index + 1 >= len(tokens) or _gap_breaks(folded, tokens, index + 1):
            return None
        return index + 1, tokens[index + 1].text, True
    if text.startswith("و") and text[1:] in _JOINABLE:  # 'وواحد', 'وأحد عشر' (folded 'واحد')
        return index, text[1:], True
    return index, text, False


_JOINABLE = frozenset(_UNITS) | frozenset(_TEEN_ONLY) | frozenset(_TENS) | frozenset(_HUNDREDS)
_JOINABLE |= {_HALF, "عشره"}
_JOINABLE |= frozenset(_SCALES) | frozenset(_DUAL_SCALES)


def _kind(
    word: str, last_kind: str, last_value: int, conj: bool, in_group: bool
) -> tuple[str, int]:
    """What ``word`` adds to the phrase read so far, or ("", 0) when it ends the phrase."""
    first = last_kind == ""
    if first or conj:
        if word in _TEEN_ONLY:
            return "teen-only", _TEEN_ONLY[word]
        if word in _UNITS:
            return "unit", _UNITS[word]
        if word in _TEN_WORDS:
            return "ten", 10
        if word in _TENS:
            return "ten", _TENS[word]
        if word in _HUNDREDS:
            return "hundred", _HUNDREDS[word]
        if first and word in _SCALES and word not in _PLURAL_SCALES:
            return "scale", _SCALES[word]
        if first and word in _DUAL_SCALES:
            return "dual-scale", _DUAL_SCALES[word]
        if conj and word == _HALF and last_kind in ("scale", "dual-scale") and not in_group:
            return "half", 0
        return "", 0
    if word in _TEN_WORDS and last_kind in ("unit", "teen-only") and last_value < 10:
        return "teen", 10
    if word in _HUNDRED_WORDS and last_kind == "unit" and 3 <= last_value <= 9:
        return "hundred-of", 100
    if last_kind == "half" and word in _SCALES:
        return "scale-again", 0
    if word in _SCALES and last_kind not in ("scale", "dual-scale", "half"):
        plural = word in _PLURAL_SCALES
        if plural and not 3 <= last_value <= 10:
            return "", 0
        return "scale", _SCALES[word]
    return "", 0
