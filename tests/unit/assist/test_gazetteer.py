"""Gazetteer: names the project knows, found again with folding, proclitics, whole words."""

from __future__ import annotations

from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.assist.gazetteer import (
    _FEW_FIRST_WORDS,
    Gazetteer,
    build_gazetteer,
    find_names,
    name_counts,
    prepare,
)
from app.core.labels import default_labels
from storage import Span, open_project
from storage.clock import now
from storage.documents import NewDocument
from storage.ids import new_ids


def found(text: str, gazetteer: Gazetteer) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.label) for s in find_names(text, gazetteer)]


def test_folding_proclitics_and_exact_offsets_with_an_emoji_before() -> None:
    gazetteer = build_gazetteer([("دير الزور", "LOCATION"), ("المرصد السوري", "ACTOR")])
    text = "😢 وصل الوفد بدير الزور، وقال المرصدُ السوريّ إن وبدير   الزور هادئة."
    assert found(text, gazetteer) == [
        ("دير الزور", "LOCATION"),
        ("المرصدُ السوريّ", "ACTOR"),  # harakat after the last letter stay inside
        ("دير   الزور", "LOCATION"),  # any run of whitespace between words
    ]
    for suggestion in find_names(text, gazetteer):
        assert suggestion.source == "gazetteer" and suggestion.attrs == {}


def test_whole_words_only_and_the_longest_name_wins() -> None:
    gazetteer = build_gazetteer(
        [("حلب", "LOCATION"), ("دير", "LOCATION"), ("دير الزور", "LOCATION"), ("بغداد", "LOCATION")]
    )
    gazetteer.add("غداد", "ACTOR")
    text = "في حلبة السباق، ثم دير الزور ثم دير حافر ثم بغداد ومديرية."
    assert found(text, gazetteer) == [
        ("دير الزور", "LOCATION"),
        ("دير", "LOCATION"),
        ("بغداد", "LOCATION"),  # the whole word, not 'غداد' after a 'proclitic'
    ]


def test_majority_label_short_names_and_trimmed_ends() -> None:
    gazetteer = build_gazetteer(
        [
            ("الأردن", "LOCATION"),
            ("الاردن", "ACTOR"),
            ("الأُردن", "LOCATION"),
            ("ب", "ACTOR"),  # one letter: ignored
            ("📍 غزة", "LOCATION"),  # the emoji is trimmed
            ("الجيش", "CASUALTY_COUNT"),  # not a name label
            ("حماس", "ACTOR"),
            ("حماس", "LOCATION"),  # a tie: the first label alphabetically
        ]
    )
    assert gazetteer.names() == {"الاردن": "LOCATION", "غزه": "LOCATION", "حماس": "ACTOR"}
    assert "غزة" in gazetteer and "ب" not in gazetteer
    assert gazetteer.label_of("الأردنّ") == "LOCATION"


@settings(max_examples=30, deadline=None)
@given(st.text(alphabet="دير الزورحلب بو،😢\u064e", max_size=60))
def test_hits_are_ordered_disjoint_and_cover_a_known_name(text: str) -> None:
    gazetteer = build_gazetteer([("دير الزور", "LOCATION"), ("حلب", "LOCATION")])
    previous_end = 0
    for suggestion in find_names(text, gazetteer):
        assert previous_end <= suggestion.start < suggestion.end
        previous_end = suggestion.end
        assert text[suggestion.start : suggestion.end] in gazetteer


def test_from_project_streams_every_layer_or_the_given_ones(tmp_path: Path) -> None:
    text = "قصف على دير الزور وقال الجيش إن حلب هادئة."
    with open_project(tmp_path / "p.tawsim", create=True, labels=default_labels()) as project:
        with project.transaction():
            doc = project.documents.add(
                NewDocument("d1", text, "x" * 64, published="2023-11-08"), imported_at=now()
            )
        for annotator, needle, label in [
            ("mona", "دير الزور", "LOCATION"),
            ("sami", "الجيش", "ACTOR"),
            ("sami", "حلب", "CASUALTY_COUNT"),
        ]:
            start = text.index(needle)
            span = Span(new_ids(1)[0], doc, annotator, start, start + len(needle), label, needle)
            project.spans.create(span, by=annotator)
        assert Gazetteer.from_project(project).names() == {
            "دير الزور": "LOCATION",
            "الجيش": "ACTOR",
        }
        assert Gazetteer.from_project(project, ["sami"]).names() == {"الجيش": "ACTOR"}
        assert len(Gazetteer.from_project(project, [])) == 0
        # The one-row JSON answer is the grouped rows themselves, quotes and all.
        odd = 'قال "أبو محمد" \\ النهاية'
        with project.transaction():
            other = project.documents.add(
                NewDocument("d2", odd, "y" * 64, published="2023-11-08"), imported_at=now()
            )
        project.spans.create(
            Span(new_ids(1)[0], other, "mona", 0, len(odd), "ACTOR", odd), by="mona"
        )
        plain = project.conn.execute(
            "SELECT text, label, count(*) FROM spans WHERE label IN ('ACTOR', 'LOCATION')"
            " GROUP BY text, label"
        ).fetchall()
        assert name_counts(project) == plain and len(plain) == 3


def test_200000_characters_with_5000_names() -> None:
    """Every planted name is found among 200,000 characters (the time it takes, ~0.1-0.3 s,
    is the benchmark's business, not a test's)."""
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"

    def word(i: int) -> str:
        return "".join(letters[(i * 7 + k * 13) % len(letters)] for k in range(3 + i % 5))

    names = [(" ".join(word(i * 3 + j) for j in range(1 + i % 3)), "LOCATION") for i in range(5000)]
    gazetteer = build_gazetteer(names)
    parts: list[str] = []
    i = length = 0
    while length < 200_000:
        parts.append(names[i % 5000][0] if i % 17 == 0 else word(i + 11))
        length += len(parts[-1]) + 1
        i += 1
    text = " ".join(parts)
    hits = find_names(text, gazetteer)
    assert len(hits) >= i // 17


_FEW = [("دير الزور", "LOCATION"), ("دير", "ACTOR"), ("ولد", "ACTOR"), ("لبنان", "LOCATION")]


@settings(max_examples=50, deadline=None)
@given(
    st.text(alphabet="دير الزورلبنانوف ك،😢\u064e", max_size=80),
    st.lists(st.sampled_from(_FEW), min_size=1, max_size=4),
)
@example("وبدير الزور، فلبنان ودير 😢 كدير", _FEW)
def test_a_few_names_are_found_as_by_visiting_every_word(
    text: str, entries: list[tuple[str, str]]
) -> None:
    """A gazetteer of few first words (a name just tagged) searches the text for them
    first; it must find exactly what visiting every word finds. Names with digits, which
    this text never holds, make the second gazetteer big enough to visit every word."""
    few, many = build_gazetteer(entries), build_gazetteer(entries)
    for index in range(_FEW_FIRST_WORDS + 1):
        many.add(f"علم{index:03d} ثان", "ACTOR")
    assert len(few._by_first) <= _FEW_FIRST_WORDS < len(many._by_first)
    found = find_names(text, many)
    assert find_names(text, few) == found
    assert find_names(text, few, prepare(text)) == found
