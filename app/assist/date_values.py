"""Reading Arabic date phrases and resolving them to ISO values (DATE ``value``/``precision``).

Why our own rules and not dateparser: dateparser is not installed, and its Arabic data is
shallow — the Levantine month names need the ar-SY locale, it has no paired forms
('تشرين الثاني/نوفمبر'), fails on the misspellings news copy is full of ('نومبر'), and reads
none of the relative phrases that matter here ('فجر اليوم', 'أول أمس', 'الأسبوع الماضي').
A few hundred lines of rules we can test beat a dependency we would have to patch around.

The grammar works on a folded copy (app.text.folding: no harakat or tatweel, أإآ→ا, ى→ي,
ة→ه, Eastern digits → 0-9), so every spelling below is folded once before use. A phrase is

    [time of day] [يوم] [relative day] [weekday [الماضي|المقبل]] [explicit date]
  | relative period ('الأسبوع الماضي', 'الشهر الماضي', 'العام الماضي')

with at least one of relative day, weekday or explicit date; an explicit date is
'8 نوفمبر 2023', '8 نوفمبر', 'نوفمبر 2023', 'شهر نوفمبر', 'عام 2023', '8/11/2023' or
'2023-11-08', a month name may be paired ('تشرين الثاني/نوفمبر', 'نوفمبر (تشرين الثاني)').

Choices, each tested:
- Ambiguous words are dates only in context. 'آب' (also 'أب', father), 'مارس' (also
  'he practised'), 'تموز', 'نيسان' (also the car maker), 'ماي', 'أوت' need a day number
  before them, a year after them, 'شهر' before them or a paired name. 'الاثنين' (also 'the
  two') needs 'يوم', a time of day, a relative day, a following date or 'الماضي'/'المقبل'.
  A bare number is a year only after a month or 'عام'/'سنة' ('2000 قتيل' is not a date).
- One-letter proclitics: و and ف before any date word; ب and ل only before a word with
  the article ('بالأمس'), so 'لامس' (touched) never reads as ل + 'أمس'. The proclitic stays
  outside the span.
- Resolution against the publication date: a date with no year takes the publication
  year, or the year before when that would put it after the publication date (news
  reports past events: 'في 28 ديسمبر' published on 3 January is last December). A weekday
  alone is the latest such day on or before publication ('الماضي': strictly before,
  'المقبل': strictly after). 'الأسبوع الماضي' is the interval of the seven days before
  publication. A stated weekday overrides that rule when it only fits the publication
  year ('الخميس 9 نوفمبر' published Wednesday 8 November 2023 is the next day).
- ``precision`` is 'day', 'week', 'month' or 'year' (UCDP's date_prec 1, 3, 4, 5 at export).
  ``warning`` says why a value is doubtful or missing: a stated weekday that contradicts
  the date, a day that does not exist, a relative date with no publication date.
- Not read: ordinal day words ('الثامن من نوفمبر'), Hijri dates, clock times.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app.text.folding import fold_text

# --- vocabulary (natural spelling; folded by _entries) -----------------------------------

_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("يناير", "كانون الثاني", "كانون ثاني", "جانفي", "ينابر", "يتاير"),
    2: ("فبراير", "شباط", "فيفري", "فبرير", "فبرابر"),
    3: ("مارس", "آذار"),
    4: ("أبريل", "إبريل", "نيسان", "أفريل", "ابرايل"),
    5: ("مايو", "أيار", "ماي", "مايس"),
    6: ("يونيو", "يونيه", "حزيران", "جوان", "يونيوا"),
    7: ("يوليو", "يوليه", "تموز", "جويلية", "يوليوا"),
    8: ("أغسطس", "آب", "أوت", "غشت", "أغسطوس", "أغسطش", "اغسظس"),
    9: ("سبتمبر", "أيلول", "سبتمير", "سبتمر", "سيبتمبر", "شتنبر"),
    10: ("أكتوبر", "تشرين الأول", "تشرين أول", "أكتوير", "اكتوبر", "أكتوبار"),
    11: ("نوفمبر", "تشرين الثاني", "تشرين ثاني", "نومبر", "نوفمير", "نوفمر", "نوفبر", "نونبر"),
    12: ("ديسمبر", "كانون الأول", "كانون أول", "ديسمير", "دسمبر", "ديسمر", "دجنبر"),
}
# Month names that are also everyday words: dates only next to a day, a year or 'شهر'.
_AMBIGUOUS_MONTHS = ("آب", "مارس", "تموز", "نيسان", "ماي", "أوت")

# Python's weekday(): Monday is 0.
_WEEKDAYS: dict[int, tuple[str, ...]] = {
    0: ("الاثنين", "الإثنين", "الأثنين"),
    1: ("الثلاثاء", "الثلثاء"),
    2: ("الأربعاء", "الاربعا"),
    3: ("الخميس",),
    4: ("الجمعة",),
    5: ("السبت",),
    6: ("الأحد",),
}
_WEAK_WEEKDAYS = ("الاثنين",)  # also 'the two'

# Days relative to the publication date.
_RELATIVE_DAYS: dict[int, tuple[str, ...]] = {
    0: ("اليوم",),
    -1: ("أمس", "الأمس", "البارحة"),
    -2: ("أول أمس", "أول من أمس", "أمس الأول"),
    1: ("غدا", "غداً"),
    2: ("بعد غد",),
}
_TOMORROW_AFTER_YAWM = ("غد",)  # 'يوم غد'; bare 'غد' is also a party name
_PAST = ("الماضي", "الفائت", "المنصرم", "الماضية", "الفائتة", "المنصرمة")
_NEXT = ("المقبل", "القادم", "المقبلة", "القادمة")
_CURRENT = ("الجاري", "الحالي")
_PERIODS: dict[str, tuple[str, ...]] = {
    "week": ("الأسبوع",),
    "month": ("الشهر",),
    "year": ("العام", "السنة"),
}
_TIMES_OF_DAY = (
    "فجر", "صباح", "ظهر", "ظهيرة", "عصر", "مساء", "ليل", "ليلة", "منتصف ليل", "منتصف ليلة",
)  # fmt: skip
_DAY_WORD = ("يوم",)
_MONTH_WORD = ("شهر",)
_YEAR_WORDS = ("عام", "العام", "سنة", "السنة")
_ERA_WORDS = ("م", "ميلادي", "ميلادية")
_OF_WORD = ("من",)  # '8 من نوفمبر'

_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


# --- the parsed phrase -------------------------------------------------------------------


@dataclass
class DatePhrase:
    """What one date phrase states, before resolution; start/end index the folded text."""

    start: int
    end: int
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    weekday_shift: str | None = None  # "past" / "next" after a lone weekday
    month_shift: str | None = None  # "past" / "next" after a month with no year
    relative_day: int | None = None  # days after publication
    period: str | None = None  # "week" / "month" / "year": the one before publication

    @property
    def has_anchor(self) -> bool:
        return (
            self.relative_day is not None
            or self.weekday is not None
            or self.month is not None
            or self.year is not None
            or self.period is not None
        )


# --- tokens and word lookup --------------------------------------------------------------

_TOKEN = re.compile(r"(?P<num>\d+)|(?P<word>[^\W\d_]+)|(?P<punct>[/()\-.,،])")
_SPACE = re.compile(r"[ \t\u00a0]*")


@dataclass(frozen=True)
class _Token:
    kind: str  # "num", "word", "punct"
    text: str
    start: int
    end: int


Entries = dict[str, list[tuple[tuple[str, ...], Any]]]


def _entries(table: Iterable[tuple[Any, Iterable[str]]]) -> Entries:
    """First folded word → [(all folded words, meaning)], longest phrases first."""
    found: Entries = {}
    for meaning, spellings in table:
        for spelling in spellings:
            words = tuple(fold_text(spelling).split())
            found.setdefault(words[0], []).append((words, meaning))
    for options in found.values():
        options.sort(key=lambda option: -len(option[0]))
    return found


def _words(*spellings: str) -> Entries:
    return _entries([(True, spellings)])


_MONTH_ENTRIES = _entries(_MONTHS.items())
_AMBIGUOUS = frozenset(fold_text(w) for w in _AMBIGUOUS_MONTHS)
_WEEKDAY_ENTRIES = _entries(_WEEKDAYS.items())
_WEAK = frozenset(fold_text(w) for w in _WEAK_WEEKDAYS)
_RELATIVE_ENTRIES = _entries(_RELATIVE_DAYS.items())
_TOMORROW_ENTRIES = _entries([(1, _TOMORROW_AFTER_YAWM)])
_PERIOD_ENTRIES = _entries(_PERIODS.items())
_SHIFT_ENTRIES = _entries([("past", _PAST), ("next", _NEXT), (None, _CURRENT)])
_TIME_ENTRIES = _words(*_TIMES_OF_DAY)
_DAY_ENTRIES = _words(*_DAY_WORD)
_MONTH_WORD_ENTRIES = _words(*_MONTH_WORD)
_YEAR_WORD_ENTRIES = _words(*_YEAR_WORDS)
_ERA_ENTRIES = _words(*_ERA_WORDS)
_OF_ENTRIES = _words(*_OF_WORD)
_ARTICLE = fold_text("ال")
# Every word a phrase can begin with: the reader tries a phrase only there (2x faster).
_STARTERS = frozenset().union(
    *(
        entries.keys()
        for entries in (
            _MONTH_ENTRIES, _WEEKDAY_ENTRIES, _RELATIVE_ENTRIES, _PERIOD_ENTRIES, _TIME_ENTRIES,
            _DAY_ENTRIES, _MONTH_WORD_ENTRIES, _YEAR_WORD_ENTRIES,
        )
    )
)  # fmt: skip


@dataclass(frozen=True)
class _Match:
    """A vocabulary entry found at a token: what it means, where it starts, what follows."""

    meaning: Any
    start: int  # folded offset, after any proclitic
    after: int  # index of the next token
    core: str  # the first word without its proclitic


class _Reader:
    """Reads date phrases from the tokens of one folded text."""

    def __init__(self, folded: str) -> None:
        self.text = folded
        self.tokens = [
            _Token(m.lastgroup or "", m.group(), m.start(), m.end())
            for m in _TOKEN.finditer(folded)
        ]

    # -- low-level helpers

    def joined(self, i: int, *, tight: bool = False) -> bool:
        """Token i follows token i-1 with nothing between (tight) or only spaces/tabs."""
        if i <= 0 or i >= len(self.tokens):
            return False
        gap = self.text[self.tokens[i - 1].end : self.tokens[i].start]
        return gap == "" if tight else _SPACE.fullmatch(gap) is not None

    def skip_comma(self, i: int) -> int:
        """Index after a comma between two parts of a phrase, or i when there is none."""
        is_comma = i < len(self.tokens) and self.tokens[i].text in ",،"
        return i + 1 if is_comma and self.joined(i) and self.joined(i + 1) else i

    def word(self, i: int, entries: Entries, *, any_proclitic: bool = False) -> _Match | None:
        """The vocabulary entry that starts at token i, if any."""
        if i >= len(self.tokens) or self.tokens[i].kind != "word":
            return None
        token = self.tokens[i]
        for skip in _proclitic_cuts(token.text, any_proclitic):
            core = token.text[skip:]
            for words, meaning in entries.get(core, ()):
                after = self._rest_matches(i, words)
                if after is not None:
                    return _Match(meaning, token.start + skip, after, core)
        return None

    def next_word(self, i: int, entries: Entries, *, any_proclitic: bool = False) -> _Match | None:
        """Like word(), for a part that continues a phrase: token i must follow i-1."""
        return self.word(i, entries, any_proclitic=any_proclitic) if self.joined(i) else None

    def _rest_matches(self, i: int, words: tuple[str, ...]) -> int | None:
        for k, expected in enumerate(words[1:], start=1):
            j = i + k
            if j >= len(self.tokens) or self.tokens[j].text != expected or not self.joined(j):
                return None
        return i + len(words)

    def number(self, i: int, low: int, high: int, *, digits: int) -> int | None:
        """A number of at most (day) or exactly (year: 4) ``digits`` digits in [low, high]."""
        if i >= len(self.tokens) or self.tokens[i].kind != "num":
            return None
        text = self.tokens[i].text
        if len(text) > digits or (digits == 4 and len(text) != 4) or not low <= int(text) <= high:
            return None
        # Part of a bigger number ('1,200', '3.5', '8/11', '10:30'): not a day or a year.
        if self._number_joint(i - 1) or self._number_joint(i + 1):
            return None
        return int(text)

    def _number_joint(self, j: int) -> bool:
        """Token j is a separator glued to numbers on both sides."""
        return (
            0 < j < len(self.tokens) - 1
            and self.tokens[j].text in ",./-:"
            and self.joined(j, tight=True)
            and self.joined(j + 1, tight=True)
            and self.tokens[j - 1].kind == self.tokens[j + 1].kind == "num"
        )

    # -- the grammar

    def phrase_at(self, i: int) -> tuple[DatePhrase, int] | None:
        """The longest date phrase starting at token i, and the index after it."""
        phrase = DatePhrase(0, 0)
        start: int | None = None
        last = -1  # index of the phrase's last token so far
        lead = False  # a time-of-day, 'يوم' or relative word: the next word is surely a date
        j = i

        time_of_day = self.word(j, _TIME_ENTRIES, any_proclitic=True)
        if time_of_day:
            start, j, lead = time_of_day.start, time_of_day.after, True
        day_word = self.word(j, _DAY_ENTRIES, any_proclitic=True) if j == i else (
            self.next_word(j, _DAY_ENTRIES)
        )  # fmt: skip
        if day_word:
            start = start if start is not None else day_word.start
            j, lead = day_word.after, True
        if j > i and not self.joined(j):
            return None  # 'صباح' or 'يوم' followed by no date

        relative = self.word(j, _RELATIVE_ENTRIES)
        if relative is None and day_word is not None:
            relative = self.word(j, _TOMORROW_ENTRIES)  # 'يوم غد'
        if relative:
            phrase.relative_day = relative.meaning
            start = start if start is not None else relative.start
            last, lead = relative.after - 1, True
            j = self.skip_comma(relative.after)

        weekday = self._weekday(j, lead, continues=j > i)
        if weekday:
            phrase.weekday, phrase.weekday_shift = weekday[0], weekday[1]
            start = start if start is not None else weekday[2]
            last, j = weekday[3] - 1, self.skip_comma(weekday[3])

        explicit = self._explicit(j, phrase) if j == i or self.joined(j) else None
        if explicit is not None:
            start = start if start is not None else explicit[0]
            last = explicit[1] - 1
        elif j == i:
            period = self._period(i)
            if period is None:
                return None
            phrase.period, start, last = period
        if start is None or last < i or not phrase.has_anchor:
            return None
        phrase.start, phrase.end = start, self.tokens[last].end
        return phrase, last + 1

    def _weekday(
        self, j: int, lead: bool, *, continues: bool
    ) -> tuple[int, str | None, int, int] | None:
        """(weekday, shift, folded start, next index) for a weekday word at token j."""
        found = self.next_word(j, _WEEKDAY_ENTRIES) if continues else self.word(j, _WEEKDAY_ENTRIES)
        if found is None:
            return None
        after, shift = found.after, None
        suffix = self.next_word(after, _SHIFT_ENTRIES)
        if suffix is not None and suffix.meaning is not None:
            shift, after = suffix.meaning, suffix.after
        if found.core in _WEAK and not lead and shift is None:
            following = self.skip_comma(after)
            if not self.joined(following) or self._explicit(following, DatePhrase(0, 0)) is None:
                return None
        return found.meaning, shift, found.start, after

    def _explicit(self, j: int, phrase: DatePhrase) -> tuple[int, int] | None:
        """Reads an explicit date at token j into phrase: (folded start, next index)."""
        if j >= len(self.tokens):
            return None
        numeric = self._numeric(j, phrase)
        if numeric is not None:
            return numeric
        start: int | None = None
        k = j
        day = self.number(j, 1, 31, digits=2)
        if day is not None:
            start, k = self.tokens[j].start, j + 1
            of = self.next_word(k, _OF_ENTRIES)
            if of:
                k = of.after
        month_word = (
            None if day is not None else self.word(k, _MONTH_WORD_ENTRIES, any_proclitic=True)
        )
        if month_word:
            start, k = month_word.start, month_word.after
        if k > j and not self.joined(k):
            return None
        month = self._month(k, context=day is not None or month_word is not None)
        if month is None:
            return self._year_phrase(j, phrase) if k == j else None
        number, month_start, k, ambiguous = month
        year = self._year_after(k)
        if ambiguous and year is None:
            return None
        phrase.day, phrase.month = day, number
        if year is not None:
            phrase.year, k = year
        else:
            suffix = self.next_word(k, _SHIFT_ENTRIES)
            if suffix:
                phrase.month_shift, k = suffix.meaning, suffix.after
        return (start if start is not None else month_start), k

    def _month(self, k: int, *, context: bool) -> tuple[int, int, int, bool] | None:
        """(month, folded start, next index, still ambiguous) for a month name at token k."""
        found = self.word(k, _MONTH_ENTRIES)
        if found is None:
            return None
        after, ambiguous = found.after, not context and found.core in _AMBIGUOUS
        # Paired names: 'تشرين الثاني/نوفمبر', 'نوفمبر (تشرين الثاني)', 'آب - أغسطس'.
        opener = self.tokens[after].text if after < len(self.tokens) else ""
        if opener in ("/", "(", "-") and self.joined(after):
            second = self.next_word(after + 1, _MONTH_ENTRIES)
            if second is not None and second.meaning == found.meaning:
                closed = second.after
                if opener == "(":
                    has_close = closed < len(self.tokens) and self.tokens[closed].text == ")"
                    closed = closed + 1 if has_close and self.joined(closed) else -1
                if closed > 0:
                    after, ambiguous = closed, False
        return found.meaning, found.start, after, ambiguous

    def _year_after(self, k: int) -> tuple[int, int] | None:
        """(year, next index) when a year follows at token k ('2023', '2023م', ', عام 2023')."""
        j = self.skip_comma(k)
        prefix = self.next_word(j, _YEAR_WORD_ENTRIES)
        if prefix:
            j = prefix.after
        year = self.number(j, 1900, 2099, digits=4) if self.joined(j) else None
        if year is None:
            return None
        return year, self._era(j + 1)

    def _era(self, j: int) -> int:
        """Index after an optional 'م'/'ميلادي' following a year at token j-1."""
        era = self.next_word(j, _ERA_ENTRIES)
        return era.after if era else j

    def _year_phrase(self, j: int, phrase: DatePhrase) -> tuple[int, int] | None:
        """'عام 2023', 'سنة ٢٠٢٣'."""
        prefix = self.word(j, _YEAR_WORD_ENTRIES, any_proclitic=True)
        if prefix is None or not self.joined(prefix.after):
            return None
        year = self.number(prefix.after, 1900, 2099, digits=4)
        if year is None:
            return None
        phrase.year = year
        return prefix.start, self._era(prefix.after + 1)

    def _numeric(self, j: int, phrase: DatePhrase) -> tuple[int, int] | None:
        """'8/11/2023', '8-11-2023', '8.11.2023', '2023-11-08', '2023/11/08'."""
        parts = self.tokens[j : j + 5]
        if [t.kind for t in parts] != ["num", "punct", "num", "punct", "num"]:
            return None
        if parts[1].text not in "/-." or parts[3].text != parts[1].text:
            return None
        if not all(self.joined(j + k, tight=True) for k in range(1, 5)):
            return None
        if self.joined(j, tight=True) or self.joined(j + 5, tight=True):
            return None  # part of a longer run of numbers
        a, b, c = (int(t.text) for t in parts[0::2])
        if len(parts[0].text) == 4 and len(parts[4].text) <= 2:
            year, month, day = a, b, c
        elif len(parts[4].text) == 4 and len(parts[0].text) <= 2:
            day, month, year = a, b, c
        else:
            return None
        if not (1900 <= year <= 2099 and 1 <= month <= 12 and 1 <= day <= 31):
            return None
        phrase.year, phrase.month, phrase.day = year, month, day
        return parts[0].start, j + 5

    def _period(self, i: int) -> tuple[str, int, int] | None:
        """(period, folded start, last token) for 'الأسبوع الماضي', 'العام الماضي' and kin."""
        found = self.word(i, _PERIOD_ENTRIES)
        if found is None:
            return None
        suffix = self.next_word(found.after, _SHIFT_ENTRIES)
        if suffix is None or suffix.meaning != "past":
            return None
        return found.meaning, found.start, suffix.after - 1

    @staticmethod
    def _may_start(token: _Token) -> bool:
        """Cheap filter: only numbers and words of the vocabulary can begin a phrase."""
        if token.kind != "word":
            return token.kind == "num"
        return any(token.text[cut:] in _STARTERS for cut in _proclitic_cuts(token.text, True))

    def phrases(self) -> list[DatePhrase]:
        found: list[DatePhrase] = []
        i = 0
        while i < len(self.tokens):
            read = self.phrase_at(i) if self._may_start(self.tokens[i]) else None
            if read is None:
                i += 1
                continue
            found.append(read[0])
            i = read[1]
        return found


def _proclitic_cuts(word: str, any_proclitic: bool) -> list[int]:
    """How many leading letters may be proclitics: 0 always, then و/ف, then ب/ل before ال."""
    cuts = [0]
    first = 1 if word[:1] in ("و", "ف") else 0
    if first:
        cuts.append(1)
    second = word[first : first + 1]
    if second in ("ب", "ل") and (any_proclitic or word[first + 1 :].startswith(_ARTICLE)):
        cuts.append(first + 1)
    return [c for c in cuts if len(word) - c >= 2 or c == 0]


def read_phrases(folded_text: str) -> list[DatePhrase]:
    """Every date phrase in a folded text, left to right, never overlapping."""
    return _Reader(folded_text).phrases()


# --- resolution --------------------------------------------------------------------------


def parse_published(published: str | None) -> date | None:
    """The publication date from an ISO string ('2023-11-08', '2023-11-08T06:00:00Z')."""
    if not published:
        return None
    try:
        return date.fromisoformat(published.strip()[:10])
    except ValueError:
        return None


def resolve(phrase: DatePhrase, published: date | None) -> dict[str, Any]:
    """``value``, ``precision`` and maybe ``warning`` for one phrase (see module docstring)."""
    if phrase.period is not None:
        return _resolve_period(phrase.period, published)
    if phrase.relative_day is not None:
        if published is None:
            return {"precision": "day", "warning": "relative date and no publication date"}
        return _with_weekday_check(published + timedelta(days=phrase.relative_day), phrase)
    if phrase.month is not None:
        return _resolve_calendar(phrase, published)
    if phrase.year is not None:
        return {"value": f"{phrase.year:04d}", "precision": "year"}
    if phrase.weekday is not None:
        if published is None:
            return {"precision": "day", "warning": "weekday and no publication date"}
        return {"value": _weekday_near(published, phrase).isoformat(), "precision": "day"}
    return {}


def _resolve_period(period: str, published: date | None) -> dict[str, Any]:
    if published is None:
        return {"precision": period, "warning": "relative date and no publication date"}
    if period == "week":
        first, last = published - timedelta(days=7), published - timedelta(days=1)
        return {"value": f"{first.isoformat()}/{last.isoformat()}", "precision": "week"}
    if period == "month":
        year, month = (published.year, published.month - 1) if published.month > 1 else (
            published.year - 1, 12,
        )  # fmt: skip
        return {"value": f"{year:04d}-{month:02d}", "precision": "month"}
    return {"value": f"{published.year - 1:04d}", "precision": "year"}


def _resolve_calendar(phrase: DatePhrase, published: date | None) -> dict[str, Any]:
    assert phrase.month is not None
    year = phrase.year
    if year is None:
        if published is None:
            precision = "day" if phrase.day is not None else "month"
            return {"precision": precision, "warning": "no year and no publication date"}
        year = _year_for(phrase, published)
        year = _year_matching_weekday(phrase, year, published.year)
    if phrase.day is None:
        return {"value": f"{year:04d}-{phrase.month:02d}", "precision": "month"}
    try:
        stated = date(year, phrase.month, phrase.day)
    except ValueError:
        return {
            "precision": "day",
            "warning": f"no such day: {year:04d}-{phrase.month:02d}-{phrase.day:02d}",
        }
    return _with_weekday_check(stated, phrase)


def _year_for(phrase: DatePhrase, published: date) -> int:
    """The publication year, or the one before when the date would follow publication."""
    assert phrase.month is not None
    year = published.year
    if phrase.month_shift == "next":
        return year + 1 if phrase.month < published.month else year
    if phrase.month_shift == "past" and phrase.day is None:
        return year - 1 if phrase.month >= published.month else year
    if phrase.day is None:
        return year - 1 if phrase.month > published.month else year
    if (phrase.month, phrase.day) > (published.month, published.day):
        return year - 1
    return year


def _year_matching_weekday(phrase: DatePhrase, year: int, published_year: int) -> int:
    """A stated weekday settles the year: 'الخميس 9 نوفمبر' published on Wednesday 8
    November 2023 is that Thursday, not 9 November 2022 (a Wednesday)."""
    if phrase.weekday is None or phrase.day is None or phrase.month is None:
        return year
    for candidate in (year, published_year):
        try:
            if date(candidate, phrase.month, phrase.day).weekday() == phrase.weekday:
                return candidate
        except ValueError:
            continue
    return year


def _weekday_near(published: date, phrase: DatePhrase) -> date:
    assert phrase.weekday is not None
    back = (published.weekday() - phrase.weekday) % 7
    if phrase.weekday_shift == "next":
        return published + timedelta(days=(phrase.weekday - published.weekday()) % 7 or 7)
    if phrase.weekday_shift == "past" and back == 0:
        back = 7
    return published - timedelta(days=back)


def _with_weekday_check(resolved: date, phrase: DatePhrase) -> dict[str, Any]:
    attrs: dict[str, Any] = {"value": resolved.isoformat(), "precision": "day"}
    if phrase.weekday is not None and phrase.weekday != resolved.weekday():
        attrs["warning"] = (
            f"stated weekday {_WEEKDAY_NAMES[phrase.weekday]} does not match "
            f"{resolved.isoformat()}, a {_WEEKDAY_NAMES[resolved.weekday()]}"
        )
    return attrs


def date_attributes(span_text: str, published: str | None) -> dict[str, Any]:
    """DATE attributes read from a span's text; {} when it holds no date phrase we know.

    The longest phrase in the span wins, so a span tagged by hand with a word too many
    ('في 8 نوفمبر') still gets its value.
    """
    phrases = read_phrases(fold_text(span_text))
    if not phrases:
        return {}
    best = max(phrases, key=lambda p: p.end - p.start)
    return resolve(best, parse_published(published))
