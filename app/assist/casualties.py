"""CASUALTY_COUNT suggestions: number phrases next to a killing or wounding word.

A number is suggested only when a casualty word ('قتل', 'مقتل', 'جرحى', 'إصابة'…, with
proclitics: 'وأصيب', 'بمقتل', 'للقتلى') stands in the same clause (no '،' ',' '.' '؛' ':'
or line break between them) with at most ``WINDOW`` words between the two: 'قُتل ستة
أشخاص' and 'خمسين قتيلاً' are counts, 'نزوح آلاف العائلات' is not. Numbers that are dates,
times, ages, percentages or counts of things ('أربعين هجوماً') are skipped. Matching runs on
the folded text (DESIGN §3.7) and spans are mapped back to exact original offsets.

``outcome`` comes from the nearest casualty word (the one before the number wins a tie);
'قتلى وجرحى' and 'مقتل وإصابة' give "killed or wounded"; 'ضحايا' and 'حصيلة' give none.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.assist.numbers import EXACT, Quantity, Token, clause_ids, find_quantities, gap, tokenize
from app.assist.suggestion import Suggestion
from app.text.folding import fold

LABEL = "CASUALTY_COUNT"
SOURCE = "casualties"
WINDOW = 3  # words allowed between a number phrase and its casualty word
KILLED, WOUNDED, BOTH = "killed", "wounded", "killed or wounded"


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# Folded spellings (ى→ي, ة→ه, أإآ→ا), without proclitics or the article.
_KILLED_WORDS = _words(
    "قتل قتلوا قتلت مقتل قتلي قتلاه قتلاها قتلاهم قتيل قتيلا قتيلان قتيلين مصرع حتفه "
    "حتفهم حتفها استشهاد استشهد استشهدوا استشهدت شهيد شهيدا شهيدان شهيدين شهداء توفي "
    "وفاه وفيات"
)
_WOUNDED_WORDS = _words(
    "جرحي جريح جريحا جريحان جريحين جرح جرحوا جروح اصيب اصيبوا اصيبت اصابه اصابات مصاب "
    "مصابا مصابون مصابين"
)
_NEUTRAL_WORDS = _words("ضحايا ضحيه حصيله")
_CLITICS = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك")

# Counted nouns that make a number something other than people ('أربعين هجوماً').
_NOT_PEOPLE = _words(
    "هجوم هجمات غاره غارات يوم ايام ساعه ساعات دقيقه دقائق اسبوع اسابيع شهر اشهر شهور "
    "عام اعوام سنه سنوات سنين كيلومتر كيلومترات كلم كم متر امتار ميل صاروخ صواريخ قذيفه "
    "قذائف منزل منازل مبني مباني عائله عائلات اسره اسر قريه قري بلده بلدات مره مرات عمليه "
    "عمليات طائره طائرات سياره سيارات دبابه دبابات موقع مواقع نقطه نقاط دولار ليره دينار "
    "بالمئه بالمائه بالماءه المئه المائه يناير فبراير مارس ابريل مايو يونيو يوليو اغسطس "
    "سبتمبر اكتوبر نوفمبر نومبر ديسمبر كانون شباط اذار نيسان ايار حزيران تموز اب ايلول "
    "تشرين جانفي فيفري افريل ماي جوان جويليه اوت"
)
# Words before a number that make it a year, a time, an age or a reference.
_NOT_COUNT_BEFORE = _words("عام العام سنه السنه الساعه رقم المرسوم القرار العمر عمر")
_PERCENT = frozenset("%٪")
_AMONG = _words("بينهم بينهن بينها منهم منهن منها")

# Duals are counts by themselves: 'قُتل جنديان' is two. Only nouns for people; 'ين' duals
# only where the sound plural cannot be meant ('مدنيين' is also "civilians").
_DUAL_AN = _words(
    "طفل جندي مدني شخص راعي مسلح عنصر شرطي ضابط صحفي مواطن شقيق رجل مقاتل طالب مزارع "
    "صياد ناشط مسعف عسكري فلسطيني لاجئ متظاهر حارس معلم طبيب ممرض عامل سائق شاب امرات "
    "فتات طفلت شقيقت"
)
_DUAL_IN = _words("طفل جندي شخص رجل ضابط شاب طالب طبيب عنصر راعي امرات فتات طفلت")


@dataclass(frozen=True)
class _Context:
    index: int  # token index
    outcome: str | None


def find_casualty_counts(text: str) -> list[Suggestion]:
    """CASUALTY_COUNT suggestions over ``text``, offsets in code points of ``text``."""
    folded = fold(text)
    tokens = tokenize(folded.text)
    clauses = _clauses(folded.text, tokens)
    contexts = {context.index: context for context in _contexts(tokens)}
    found: list[Suggestion] = []
    for quantity in _candidates(folded.text, tokens):
        if not _counts_people(folded.text, tokens, quantity):
            continue
        context = _nearest(contexts, clauses, quantity)
        if context is None:
            continue
        start, end = folded.original_span(quantity.start, quantity.end)
        attrs = quantity.attributes()
        outcome = _outcome(contexts, context)
        if outcome is not None:
            attrs["outcome"] = outcome
        found.append(Suggestion(start, end, LABEL, attrs, SOURCE))
    return found


def outcome_within(folded: str) -> str | None:
    """The outcome named inside a span's own text ('ثلاثة قتلى' → killed), or None."""
    contexts = _contexts(tokenize(folded))
    if not contexts:
        return None
    outcomes = {c.outcome for c in contexts if c.outcome is not None}
    if len(outcomes) > 1 or BOTH in outcomes:
        return BOTH
    return next(iter(outcomes), None)


def casualty_word(token: str) -> str | None:
    """'killed', 'wounded', '' (a casualty word with no outcome) or None (not one)."""
    for clitic in _CLITICS:
        if not token.startswith(clitic):
            continue
        word = token[len(clitic) :]
        if clitic.endswith("ل") and word.startswith("ل"):  # 'للقتلى' is ل + ال + قتلى
            word = "ال" + word[1:]
        for stem in (word, word.removeprefix("ال")):
            if stem in _KILLED_WORDS:
                return KILLED
            if stem in _WOUNDED_WORDS:
                return WOUNDED
            if stem in _NEUTRAL_WORDS:
                return ""
    return None


def dual_person(token: str) -> int | None:
    """Letters of proclitic before a dual noun for people ('ومدنيان' → 1), or None."""
    for clitic in ("", "و", "ف"):
        word = token[len(clitic) :]
        if not token.startswith(clitic) or len(word) < 4:
            continue
        if (word.endswith("ان") and word[:-2] in _DUAL_AN) or (
            word.endswith("ين") and word[:-2] in _DUAL_IN
        ):
            return len(clitic)
    return None


def _clauses(folded: str, tokens: list[Token]) -> list[int]:
    """Clause ids, where 'بينهم'/'منهم' after a comma continues the clause before it.

    'قُتل ستة أشخاص، بينهم طفلان': the two children are among the killed.
    """
    ids = clause_ids(folded, tokens)
    merged: list[int] = []
    shift = 0
    for index, clause in enumerate(ids):
        if index and clause != ids[index - 1] and tokens[index].text in _AMONG:
            shift += 1
        merged.append(clause - shift)
    return merged


def _contexts(tokens: list[Token]) -> list[_Context]:
    found = []
    for index, token in enumerate(tokens):
        kind = casualty_word(token.text)
        if kind is not None:
            found.append(_Context(index, kind or None))
    return found


def _candidates(folded: str, tokens: list[Token]) -> list[Quantity]:
    """Number phrases and dual nouns, in text order."""
    quantities = find_quantities(folded, tokens)
    covered = {i for q in quantities for i in range(q.first, q.last + 1)}
    for index, token in enumerate(tokens):
        skip = dual_person(token.text)
        if skip is not None and index not in covered:
            quantities.append(Quantity(token.start + skip, token.end, index, index, EXACT, 2))
    return sorted(quantities, key=lambda q: q.start)


def _counts_people(folded: str, tokens: list[Token], quantity: Quantity) -> bool:
    """False for dates, times, ages, percentages and counts of things."""
    after = quantity.last + 1
    if after < len(tokens):
        between = gap(folded, tokens, after)
        if any(ch in _PERCENT for ch in between) or any(ch in "/:" for ch in between.strip()):
            return False
        if between.strip() == "" and _noun(tokens[after].text) in _NOT_PEOPLE:
            return False
    elif any(ch in _PERCENT for ch in folded[quantity.end :]):
        return False
    if quantity.first > 0:
        before = gap(folded, tokens, quantity.first)
        if any(ch in "/:" for ch in before.strip()):  # '8/11', '10:30'
            return False
        if _noun(tokens[quantity.first - 1].text) in _NOT_COUNT_BEFORE:
            return False
    return True


def _noun(word: str) -> str:
    """The counted noun without a proclitic 'و'/'ب' or its accusative alef ('هجوماً')."""
    for candidate in (word, word[1:] if word[:1] in "وب" else word):
        for form in (candidate, candidate[:-1] if candidate.endswith("ا") else candidate):
            if form in _NOT_PEOPLE or form in _NOT_COUNT_BEFORE:
                return form
    return word


def _nearest(
    contexts: dict[int, _Context], clauses: list[int], quantity: Quantity
) -> _Context | None:
    """The casualty word closest to the phrase in its clause; the one before wins a tie."""
    for distance in range(WINDOW + 1):
        for index in (quantity.first - 1 - distance, quantity.last + 1 + distance):
            context = contexts.get(index)
            if context is not None and clauses[quantity.first] == clauses[index]:
                return context
    return None


def _outcome(contexts: dict[int, _Context], chosen: _Context) -> str | None:
    """The chosen word's outcome, or "killed or wounded" when paired: 'قتلى وجرحى'."""
    for index in (chosen.index - 1, chosen.index + 1):
        other = contexts.get(index)
        if other is not None and {other.outcome, chosen.outcome} == {KILLED, WOUNDED}:
            return BOTH
    return chosen.outcome
