"""Suggestions of a document: the three sources merged, overlaps resolved, per layer."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.assist.gazetteer import build_gazetteer
from app.assist.suggest import merge, merge_into, suggest_document, suggest_for_layer, visible
from app.assist.suggestion import Suggestion
from app.core.labels import default_labels
from storage import Span, open_project
from storage.clock import now
from storage.documents import NewDocument
from storage.ids import new_id
from storage.suggestion_rejections import SuggestionRejectionStore

TEXT = "😢 قُتل ثلاثة عشر مدنياً بدير الزور فجر اليوم الأربعاء، وأصيب 20 آخرون في الرقة."
GAZETTEER = build_gazetteer([("دير الزور", "LOCATION"), ("الرقة", "LOCATION")])


def shown(text: str, suggestions: list[Suggestion]) -> list[tuple[str, str, str]]:
    return [(text[s.start : s.end], s.label, s.source) for s in suggestions]


def test_three_sources_merged_in_order_with_attributes() -> None:
    found = suggest_document(TEXT, "2023-11-08", GAZETTEER)
    assert shown(TEXT, found) == [
        ("ثلاثة عشر", "CASUALTY_COUNT", "casualties"),
        ("دير الزور", "LOCATION", "gazetteer"),
        ("فجر اليوم الأربعاء", "DATE", "dates"),
        ("20", "CASUALTY_COUNT", "casualties"),
        ("الرقة", "LOCATION", "gazetteer"),
    ]
    assert found[0].attrs["value"] == 13 and found[2].attrs["value"] == "2023-11-08"


def test_sources_can_be_chosen_and_unknown_ones_are_refused() -> None:
    assert {s.source for s in suggest_document(TEXT, None, GAZETTEER, ["gazetteer"])} == {
        "gazetteer"
    }
    assert suggest_document(TEXT, None, None, ["gazetteer"]) == []
    with pytest.raises(ValueError, match="unknown suggestion sources: names"):
        suggest_document(TEXT, None, GAZETTEER, ["names"])


def test_merge_drops_duplicates_and_the_longer_then_the_prior_source_wins() -> None:
    a = Suggestion(0, 5, "LOCATION", {}, "gazetteer")
    candidates = [
        a,
        a,
        Suggestion(3, 12, "DATE", {}, "dates"),  # longer: beats a and the count
        Suggestion(10, 14, "CASUALTY_COUNT", {}, "casualties"),
        Suggestion(20, 24, "LOCATION", {}, "gazetteer"),
        Suggestion(20, 24, "CASUALTY_COUNT", {}, "casualties"),  # same length: casualties win
        Suggestion(24, 26, "ACTOR", {}, "gazetteer"),  # touching is no overlap
    ]
    assert [(s.start, s.end, s.label) for s in merge(candidates)] == [
        (3, 12, "DATE"),
        (20, 24, "CASUALTY_COUNT"),
        (24, 26, "ACTOR"),
    ]


def test_visible_hides_what_overlaps_a_span_or_was_rejected() -> None:
    suggestions = [Suggestion(s, s + 3, "ACTOR") for s in (0, 10, 20, 30, 40)]
    spans = [(1, 2), (5, 25), (12, 13)]  # a long span before a short one inside it
    assert [s.start for s in visible(suggestions, spans, {(40, 43, "ACTOR")})] == [30]
    assert [s.start for s in visible(suggestions, [])] == [0, 10, 20, 30, 40]


def test_suggest_for_layer_leaves_out_tagged_and_rejected_places(tmp_path: Path) -> None:
    with open_project(tmp_path / "p.tawsim", create=True, labels=default_labels()) as project:
        with project.transaction():
            doc = project.documents.add(
                NewDocument("d1", TEXT, "x" * 64, published="2023-11-08"), imported_at=now()
            )
        start = TEXT.index("الرقة")
        project.spans.create(
            Span(new_id(), doc, "mona", start, start + 5, "LOCATION", "الرقة"), by="mona"
        )
        start = TEXT.index("ثلاثة")  # sami tags a different place
        project.spans.create(
            Span(new_id(), doc, "sami", start, start + 5, "CASUALTY_COUNT", "ثلاثة"), by="sami"
        )
        mona = project.annotator("mona")
        count = TEXT.index("20")
        SuggestionRejectionStore(project).add(
            doc, mona.id, count, count + 2, "CASUALTY_COUNT", by="mona"
        )
        # The gazetteer (from every layer) knows 'الرقة' from mona's span, but mona tagged it.
        assert shown(TEXT, suggest_for_layer(project, "mona", doc)) == [
            ("ثلاثة عشر", "CASUALTY_COUNT", "casualties"),
            ("فجر اليوم الأربعاء", "DATE", "dates"),
        ]
        assert [s.source for s in suggest_for_layer(project, "sami", doc)] == [
            "dates",
            "casualties",
            "gazetteer",
        ]
        assert suggest_for_layer(project, "mona", 999) == []


_SOURCES = ("casualties", "dates", "gazetteer")
_suggestions = st.lists(
    st.builds(
        lambda start, length, source: Suggestion(start, start + length, "LOCATION", {}, source),
        st.integers(0, 40),
        st.integers(1, 8),
        st.sampled_from(_SOURCES),
    ),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(_suggestions, _suggestions)
def test_merging_into_merged_suggestions_equals_merging_them_all_again(
    earlier: list[Suggestion], extra: list[Suggestion]
) -> None:
    merged = merge(earlier)
    assert merge_into(merged, extra) == merge([*merged, *extra])
