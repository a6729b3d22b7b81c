"""Folded Arabic search in one text and over a real project (DESIGN §3.7)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.core.search import SearchCancelled, count_in_text, find_in_text, search_corpus
from app.text.canonical import sha256
from storage import Project
from storage.clock import now
from storage.documents import NewDocument

AddDocument = Callable[..., int]


def found(text: str, query: str) -> list[str]:
    return [text[s:e] for s, e in find_in_text(text, query)]


def test_proclitics_are_optional_and_left_out_of_the_hit() -> None:
    text = "قصف في دير الزور، وبدير الزور قتلى. ودير الزور ولدير الزور"
    hits = find_in_text(text, "دير الزور")
    assert [text[s:e] for s, e in hits] == ["دير الزور"] * 4
    # What precedes each hit: a space, then the proclitics ب (after و), و and ل (after و).
    assert [text[s - 1] for s, _ in hits] == [" ", "ب", "و", "ل"]
    assert text[hits[1][0] - 2] == "و"


def test_harakat_tatweel_and_letter_variants_are_folded() -> None:
    text = "استُهدِفَ مستشفـــى الشِّفاء في مدينة غزة"
    assert found(text, "مستشفي") == ["مستشفـــى"]
    assert found(text, "الشفاء") == ["الشِّفاء"]
    assert found(text, "مدينه غزه") == ["مدينة غزة"]
    assert found(text, "أستهدف") == ["استُهدِفَ"]


def test_hit_keeps_the_harakat_of_its_last_letter() -> None:
    text = "قُتِلَ ثلاثةٌ مدنيين"
    assert found(text, "ثلاثه") == ["ثلاثةٌ"]


def test_offsets_are_exact_after_emoji_and_bidi_marks() -> None:
    text = "😢👍🏽 \u200fقصف بدَير الزور 📍"
    (hit,) = find_in_text(text, "دير الزور")
    assert text[hit[0] : hit[1]] == "دَير الزور"
    assert hit == (text.index("دَير"), text.index("دَير") + len("دَير الزور"))


def test_digits_fold_both_ways() -> None:
    text = "قتل ٣٤ مدنيا و12 جريحا"
    assert found(text, "34") == ["٣٤"]
    assert found(text, "۱۲") == ["12"]


def test_hits_are_whole_words() -> None:
    assert found("حلبة السباق", "حلب") == []
    assert found("مدينة حلب.", "حلب") == ["حلب"]
    assert found("الحلبي", "حلب") == []
    # A letter that is not a proclitic does not open a word.
    assert found("مدير الزور", "دير الزور") == []
    # Three letters before the word are not proclitics.
    assert found("وبلدير الزور", "دير الزور") == []


def test_whitespace_in_the_query_matches_any_whitespace() -> None:
    text = "دير\n الزور"
    assert found(text, "  دير   الزور ") == [text]


def test_blank_query_finds_nothing() -> None:
    assert find_in_text("حلب", "   ") == []
    assert count_in_text("حلب", "") == 0


def test_search_corpus_counts_hits_per_document(
    project: Project, add_document: AddDocument
) -> None:
    first = add_document("قصف في دير الزور وبدير الزور", external_id="a", title="الأول")
    add_document("لا شيء هنا", external_id="b", title="الثاني")
    third = add_document("ودَير الزور", external_id="c", title="")
    assert search_corpus(project, "دير الزور") == [(first, "a", "الأول", 2), (third, "c", "", 1)]
    assert search_corpus(project, "دير الزور", limit=1) == [(first, "a", "الأول", 2)]
    assert search_corpus(project, "بغداد") == []


def test_search_corpus_can_be_cancelled(project: Project) -> None:
    docs = [
        NewDocument(external_id=f"d{i}", text=f"نص {i} حلب", sha256=sha256(f"نص {i} حلب"))
        for i in range(600)
    ]
    with project.transaction():
        project.documents.add_many(docs, imported_at=now())
    seen: list[tuple[int, int]] = []

    def stop_at_first_report(done: int, total: int) -> bool:
        seen.append((done, total))
        return False

    with pytest.raises(SearchCancelled):
        search_corpus(project, "حلب", progress=stop_at_first_report)
    assert seen == [(250, 600)]


def test_search_corpus_finds_the_rare_hits_among_many_documents(project: Project) -> None:
    paragraph = (
        "أعلن المرصد السوري لحقوق الإنسان مقتل ثلاثة مدنيين بقصفٍ على ريف حلب الشمالي، "
        "فيما نزح عشرات الأهالي من قرى ريف إدلب الجنوبي نحو الحدود التركية. "
    )
    body = paragraph * 10  # about 1,500 characters, an ordinary news article
    docs = []
    for i in range(1_000):
        place = "بدير الزور" if i % 100 == 0 else "في الرقة"
        text = f"{i} {body} {place}"
        docs.append(NewDocument(external_id=f"n{i}", text=text, sha256=sha256(text)))
    with project.transaction():
        project.documents.add_many(docs, imported_at=now())
    hits = search_corpus(project, "دير الزور")
    assert [external_id for _, external_id, _, _ in hits] == [f"n{i}" for i in range(0, 1000, 100)]
    assert all(count == 1 for *_, count in hits)
