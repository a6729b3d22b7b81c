"""A deterministic generator of Arabic news text with spans, for the benchmarks.

Articles are paragraphs of 300–900 characters separated by a blank line ("\\n\\n"). A
paragraph is a run of clauses (varied Arabic vocabulary, some digits, the punctuation
، . « », now and then an emoji, which is two UTF-16 units in Qt) with entity phrases of
1–4 words between them: actors, places, casualty counts and dates. Spans cover entity
phrases exactly, on word boundaries (never the comma after them), with the four default
labels. About a quarter more entity phrases are written than tagged, as in real work.

Everything comes from ``random.Random(seed)``: the same arguments give the same bytes.
Fast enough for 100,000 documents and 1,000,000 spans in well under a minute: clauses
come from a pool built once per seed, and documents are assembled from the pool.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GENERATOR_VERSION = 1  # bump when the output changes, so cached corpora are rebuilt
LABELS = ("ACTOR", "LOCATION", "CASUALTY_COUNT", "DATE")
LABEL_WEIGHTS = (30, 30, 20, 20)
ANNOTATORS = ("alice", "bob")  # corpus spans: alice 3 of 4, bob the rest
MAX_PARAGRAPH = 900
EMOJI = ("📍", "😢", "🔴", "🚨", "📸")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# -- vocabulary ------------------------------------------------------------------------------
FIRST_NAMES = _words(
    "محمد أحمد علي حسن حسين خالد عمر يوسف إبراهيم سعيد مصطفى عبدالله فاطمة مريم زينب"
    " سارة ليلى نور هدى سامي ماهر رامي وليد طارق باسل"
)
FAMILY_NAMES = _words(
    "الأحمد العلي الحسن الخطيب الشامي المصري العبيدي الزعبي الحلبي النجار الحداد"
    " السعدي الجبوري الدليمي البغدادي التميمي الكردي العمر الصالح القاسم"
)
TITLES = _words("الرئيس الوزير اللواء العقيد الناطق المتحدث النائب الشيخ الدكتور المحافظ")
ORGANISATIONS = (
    "المرصد السوري لحقوق الإنسان",
    "الأمم المتحدة",
    "الصليب الأحمر",
    "منظمة الصحة العالمية",
    "الدفاع المدني",
    "وزارة الصحة",
    "الجيش",
    "قوات سوريا الديمقراطية",
    "الهلال الأحمر",
    "وكالة الأنباء الرسمية",
    "مجلس الأمن",
    "قوات الأمن",
    "فصائل المعارضة",
    "الحكومة",
    "حركة حماس",
    "حزب الله",
    "التحالف الدولي",
    "منظمة العفو الدولية",
    "مصدر طبي",
    "شهود عيان",
)
CITIES = (
    "دير الزور",
    "حلب",
    "الرقة",
    "إدلب",
    "حمص",
    "حماة",
    "دمشق",
    "درعا",
    "بغداد",
    "الموصل",
    "كركوك",
    "البصرة",
    "الفلوجة",
    "غزة",
    "رفح",
    "خان يونس",
    "جنين",
    "نابلس",
    "بيروت",
    "صيدا",
    "طرابلس",
    "بنغازي",
    "صنعاء",
    "عدن",
    "تعز",
    "الحديدة",
    "مأرب",
    "الخرطوم",
    "الفاشر",
    "نيالا",
    "القامشلي",
    "منبج",
    "تدمر",
    "البوكمال",
    "الميادين",
    "عفرين",
    "سرت",
    "مصراتة",
    "بعلبك",
    "الأنبار",
)
PLACE_PREFIXES = ("ريف", "مدينة", "حي", "بلدة", "قرية", "مخيم", "محافظة", "شمال", "جنوب", "شرق")
NUMBER_WORDS = (
    "ثلاثة",
    "أربعة",
    "خمسة",
    "ستة",
    "سبعة",
    "ثمانية",
    "تسعة",
    "عشرة",
    "ثلاثة عشر",
    "خمسة عشر",
    "عشرون",
    "ثلاثون",
    "عشرات",
    "مئات",
)
COUNT_QUALIFIERS = ("نحو", "أكثر من", "لا يقل عن", "قرابة", "حوالي")
COUNT_NOUNS = ("مدنيين", "أشخاص", "قتلى", "جرحى", "أطفال", "مقاتلين")
WEEKDAYS = _words("السبت الأحد الاثنين الثلاثاء الأربعاء الخميس الجمعة")
MONTHS = _words("يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر")
DAY_PARTS = ("فجر", "صباح", "مساء", "ليل", "ظهر")
FILLER = _words(
    "قال أفاد أعلن أكد أشار ذكر أوضح نفى قصف استهدف سقطت اندلعت تجددت شنت دارت أسفر"
    " وصل غادر انسحب تقدم سيطر اعتقل أطلق فتح أغلق تبادل طالب دعا حذر ندد"
    " القصف الاشتباكات المعارك الغارات القذائف الصواريخ الطائرات المسيرة المدفعية"
    " الهجوم الانفجار العبوة الناسفة السيارة المفخخة الحصار الحاجز الطريق الجسر"
    " المستشفى المدرسة السوق المسجد المنازل المباني الأحياء السكنية المنطقة الحدود"
    " المدنيين السكان النازحين اللاجئين الأهالي الجرحى المصابين الضحايا الأطفال النساء"
    " مصادر محلية ميدانية طبية رسمية إعلامية أمنية عسكرية إنسانية دولية"
    " في على من إلى عن مع بعد قبل خلال منذ حتى بين عند نحو جراء إثر وسط قرب"
    " أن إن الذي التي الذين كما وقد وكان وفي ولم لكن بينما حيث أيضا مجددا"
    " عدد كبير عدد من أحد بعض جميع معظم آخرين جديدة شديدة عنيفة متفرقة متواصلة"
    " الوضع الإنساني المساعدات الغذائية الطبية الإغاثة الإخلاء وقف إطلاق النار الهدنة"
    " المفاوضات الاتفاق البيان المؤتمر الصحفي التقرير الحصيلة الأولية النهائية"
    " الشرقي الغربي الشمالي الجنوبي الريفي المحلية الحكومية"
)
HEADLINES = (
    "قصف يوقع ضحايا",
    "اشتباكات عنيفة",
    "نزوح جديد",
    "هدنة هشة",
    "غارات جوية",
    "انفجار في سوق",
    "حصيلة جديدة",
    "مساعدات إنسانية",
    "اعتقالات واسعة",
    "عودة النازحين",
)
SOURCES = ("وكالة الأنباء", "مراسلنا", "المرصد", "وكالات", "الإذاعة المحلية", "موقع إخباري")


def _entity(rng: random.Random, label: str) -> tuple[str, dict[str, Any]]:
    """An entity phrase of 1–4 words and the attributes a coder might give it."""
    if label == "ACTOR":
        kind = rng.random()
        if kind < 0.45:
            return rng.choice(ORGANISATIONS), {}
        if kind < 0.8:
            return f"{rng.choice(FIRST_NAMES)} {rng.choice(FAMILY_NAMES)}", {}
        return f"{rng.choice(TITLES)} {rng.choice(FIRST_NAMES)} {rng.choice(FAMILY_NAMES)}", {}
    if label == "LOCATION":
        city = rng.choice(CITIES)
        if rng.random() < 0.45 and city.count(" ") < 2:
            return f"{rng.choice(PLACE_PREFIXES)} {city}", {}
        return city, {}
    if label == "CASUALTY_COUNT":
        kind = rng.random()
        if kind < 0.4:
            value = rng.randint(2, 250)
            return f"{value} {rng.choice(COUNT_NOUNS)}", {"value": value}
        if kind < 0.7:
            return rng.choice(NUMBER_WORDS), {}
        return f"{rng.choice(COUNT_QUALIFIERS)} {rng.randint(3, 90)}", {"qualifier": "approximate"}
    kind = rng.random()  # DATE
    if kind < 0.35:
        return f"{rng.choice(DAY_PARTS)} اليوم {rng.choice(WEEKDAYS)}", {}
    if kind < 0.75:
        day, month = rng.randint(1, 28), rng.randint(1, 12)
        year = rng.choice((2021, 2022, 2023, 2024))
        return f"{day} {MONTHS[month - 1]} {year}", {"value": f"{year}-{month:02d}-{day:02d}"}
    return rng.choice(("أمس", "يوم الخميس الماضي", "الأسبوع الماضي", "مساء أمس")), {}


def _clause_pool(rng: random.Random, size: int) -> list[str]:
    """Clauses of 3–10 words: commas, a «quotation» now and then, digits, rare emoji."""
    pool = []
    for _ in range(size):
        words = rng.choices(FILLER, k=rng.randint(3, 10))
        if rng.random() < 0.15:
            words.insert(rng.randrange(len(words) + 1), str(rng.randint(2, 2024)))
        if rng.random() < 0.1 and len(words) >= 3:
            a = rng.randrange(len(words) - 2)
            b = a + rng.randint(1, 2)
            inner = " ".join(words[a : b + 1])
            if rng.random() < 0.2:
                inner = f"{rng.choice(EMOJI)} {inner}"
            words[a : b + 1] = [f"«{inner}»"]
        if rng.random() < 0.3:
            words[-1] += "،"
        pool.append(" ".join(words))
    return pool


def _end_sentence(parts: list[str]) -> int:
    """Close the sentence with a full stop (replacing a comma); returns the length change."""
    last = parts[-1]
    if last.endswith("."):
        return 0
    parts[-1] = last.rstrip("،") + "."
    return len(parts[-1]) - len(last)


@dataclass(frozen=True)
class Article:
    text: str
    spans: list[dict[str, Any]]  # start, end, label, attrs (annotator added by callers)


class Generator:
    """Deterministic articles for one seed."""

    def __init__(self, seed: int = 20231108) -> None:
        self.rng = random.Random(seed)
        self.pool = _clause_pool(random.Random(seed ^ 0x5EED), 8000)
        avg_clause = sum(map(len, self.pool)) / len(self.pool)
        self._clause_chars = avg_clause + 1
        self._entity_chars = 13.0  # measured mean length of an entity phrase plus a space

    def article(self, length: int, n_spans: int) -> Article:
        """About ``length`` characters (at least that many) with exactly ``n_spans`` spans."""
        rng = self.rng
        wanted = round(n_spans * 1.25)  # more entity phrases than spans, as in real text
        # Probability that the next item is an entity phrase, so that ``wanted`` phrases
        # fill ``length`` characters on average.
        c, e = self._clause_chars, self._entity_chars
        p = 0.0 if wanted == 0 else wanted * c / (length + wanted * (c - e))
        p = min(p, 0.85)
        parts: list[str] = []
        entities: list[tuple[int, int, str, dict[str, Any]]] = []
        pos = paragraph_start = sentence_items = 0
        paragraph_target = rng.randint(300, 900)
        while pos < length or len(entities) < n_spans or pos - paragraph_start < 300:
            entity: tuple[str, dict[str, Any]] | None = None
            if rng.random() < p and (pos < length or len(entities) < n_spans):
                label = rng.choices(LABELS, LABEL_WEIGHTS)[0]
                phrase, attrs = _entity(rng, label)
                entity = (label, attrs)
                item = phrase + ("،" if rng.random() < 0.2 else "")
            else:
                phrase = item = rng.choice(self.pool)
            used = pos - paragraph_start
            if used >= paragraph_target or (used >= 300 and used + 2 + len(item) > MAX_PARAGRAPH):
                pos += _end_sentence(parts)
                parts.append("\n\n")
                pos += 2
                paragraph_start = pos
                paragraph_target = rng.randint(300, 900)
                sentence_items = 0
            elif pos:
                parts.append(" ")
                pos += 1
            if entity is not None:
                entities.append((pos, pos + len(phrase), entity[0], entity[1]))
            parts.append(item)
            pos += len(item)
            sentence_items += 1
            if sentence_items >= 4 and rng.random() < 0.35:
                pos += _end_sentence(parts)
                sentence_items = 0
        _end_sentence(parts)
        text = "".join(parts)
        chosen = sorted(rng.sample(range(len(entities)), n_spans))
        spans = []
        for index in chosen:
            start, end, label, attrs = entities[index]
            spans.append({"start": start, "end": end, "label": label, "attrs": attrs})
        return Article(text, spans)

    def corpus_record(self, index: int, n_spans: int) -> dict[str, Any]:
        """One JSONL record (native format) for document ``index`` of a corpus."""
        rng = self.rng
        paragraphs = rng.choice((1, 2, 2, 3))
        length = sum(rng.randint(300, 900) for _ in range(paragraphs))
        article = self.article(length, n_spans)
        spans = []
        for span in article.spans:
            record = {
                "start": span["start"],
                "end": span["end"],
                "label": span["label"],
                "annotator": ANNOTATORS[0] if rng.random() < 0.75 else ANNOTATORS[1],
                "text": article.text[span["start"] : span["end"]],
            }
            if span["attrs"]:
                record["attrs"] = span["attrs"]
            spans.append(record)
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        return {
            "id": f"bench-{index:07d}",
            "text": article.text,
            "meta": {
                "title": f"{rng.choice(CITIES)}: {rng.choice(HEADLINES)}",
                "source": rng.choice(SOURCES),
                "published": f"2023-{month:02d}-{day:02d}",
                "section": "news",
            },
            "spans": spans,
        }


def span_counts(n_docs: int, mean: int, rng: random.Random) -> Iterator[int]:
    """Spans per document: varied (mean ± 5), summing to exactly ``n_docs * mean``."""
    for _ in range(n_docs // 2):
        delta = rng.randint(-min(5, mean), min(5, mean))
        yield mean + delta
        yield mean - delta
    if n_docs % 2:
        yield mean


def write_corpus(
    path: Path,
    n_docs: int,
    spans_per_doc: int = 10,
    *,
    seed: int = 20231108,
    prefixes: dict[int, Path] | None = None,
) -> dict[str, int]:
    """Write ``n_docs`` records to ``path``; ``prefixes`` {n: path} also get the first n.

    Returns counts (documents, spans, characters, bytes). Files appear complete or not at
    all (written to a temporary name, then renamed).
    """
    generator = Generator(seed)
    prefixes = dict(prefixes or {})
    temps = {n: p.with_name(p.name + ".tmp") for n, p in prefixes.items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(path.name + ".tmp")
    totals = {"documents": 0, "spans": 0, "characters": 0, "bytes": 0}
    counts = span_counts(n_docs, spans_per_doc, random.Random(seed + 1))
    outs = {n: t.open("w", encoding="utf-8", newline="\n") for n, t in temps.items()}
    try:
        with temp.open("w", encoding="utf-8", newline="\n") as out:
            for index, n_spans in enumerate(counts):
                record = generator.corpus_record(index, n_spans)
                line = json.dumps(record, ensure_ascii=False) + "\n"
                out.write(line)
                for n, stream in outs.items():
                    if index < n:
                        stream.write(line)
                totals["documents"] += 1
                totals["spans"] += len(record["spans"])
                totals["characters"] += len(record["text"])
    finally:
        for stream in outs.values():
            stream.close()
    temp.replace(path)
    for n, target in prefixes.items():
        temps[n].replace(target)
    totals["bytes"] = path.stat().st_size
    return totals


def write_articles(path: Path, articles: list[tuple[str, Article, str]]) -> None:
    """Write (id, article, annotator) triples as native JSONL."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for external_id, article, annotator in articles:
            spans = [
                {
                    "start": s["start"],
                    "end": s["end"],
                    "label": s["label"],
                    "annotator": annotator,
                    "text": article.text[s["start"] : s["end"]],
                    **({"attrs": s["attrs"]} if s["attrs"] else {}),
                }
                for s in article.spans
            ]
            record = {
                "id": external_id,
                "text": article.text,
                "meta": {"title": external_id},
                "spans": spans,
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
