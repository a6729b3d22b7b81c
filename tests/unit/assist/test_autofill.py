"""Automatic attributes for tagged spans, and the rule that an edited value survives."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.assist.autofill import auto_attributes, refresh_attributes

PUBLISHED = "2023-11-08"  # a Wednesday
SENTENCE = "قتل أكثر من 20 مدنيا وأصيب نحو 30 آخرون فجر اليوم الأربعاء 8 نوفمبر 2023 في الرقة"
LABELS = ("CASUALTY_COUNT", "DATE", "LOCATION", "ACTOR")


def test_casualty_count_reads_value_qualifier_and_outcome() -> None:
    attrs = auto_attributes("CASUALTY_COUNT", "أكثر من 20 قتيلا", PUBLISHED)
    assert attrs["value"] == 20
    assert attrs["qualifier"] == "at_least"
    assert attrs["outcome"] == "killed"


def test_date_resolves_against_publication_and_warns_on_a_wrong_weekday() -> None:
    assert auto_attributes("DATE", "أمس", PUBLISHED) == {"value": "2023-11-07", "precision": "day"}
    wrong = auto_attributes("DATE", "الخميس 8 نوفمبر 2023", PUBLISHED)
    assert wrong["value"] == "2023-11-08"
    assert "Thursday" in wrong["warning"]


def test_other_labels_and_text_without_values_give_nothing() -> None:
    assert auto_attributes("LOCATION", "20", PUBLISHED) == {}
    assert auto_attributes("CASUALTY_COUNT", "مدنيين", PUBLISHED) == {}


def test_untouched_keys_follow_the_text_and_edited_keys_stay() -> None:
    old = auto_attributes("CASUALTY_COUNT", "20", PUBLISHED)
    edited = {**old, "value": 21, "note": "source disagrees"}
    refreshed = refresh_attributes("CASUALTY_COUNT", "20", "أكثر من 20", edited, PUBLISHED)
    assert refreshed["value"] == 21  # edited
    assert refreshed["note"] == "source disagrees"  # added by the user
    assert refreshed["qualifier"] == "at_least"  # untouched: recomputed


def test_a_warning_that_no_longer_applies_is_dropped() -> None:
    old_text, new_text = "الخميس 8 نوفمبر 2023", "8 نوفمبر 2023"
    current = auto_attributes("DATE", old_text, PUBLISHED)
    refreshed = refresh_attributes("DATE", old_text, new_text, current, PUBLISHED)
    assert refreshed == {"value": "2023-11-08", "precision": "day"}


def test_retag_away_drops_untouched_automatic_keys_and_keeps_the_users() -> None:
    current = {**auto_attributes("CASUALTY_COUNT", "نحو 30", PUBLISHED), "value": 31}
    refreshed = refresh_attributes(
        "LOCATION", "نحو 30", "نحو 30", current, PUBLISHED, old_label="CASUALTY_COUNT"
    )
    assert refreshed == {"value": 31}


# A span is any slice of SENTENCE on word boundaries; edits set values no rule produces.
_WORD_STARTS = [0] + [i + 1 for i, ch in enumerate(SENTENCE) if ch == " "]
_WORD_ENDS = [i for i, ch in enumerate(SENTENCE) if ch == " "] + [len(SENTENCE)]


@st.composite
def span_texts(draw: st.DrawFn) -> str:
    first = draw(st.integers(0, len(_WORD_STARTS) - 1))
    last = draw(st.integers(first, len(_WORD_ENDS) - 1))
    return SENTENCE[_WORD_STARTS[first] : _WORD_ENDS[last]]


_KEYS = st.sampled_from(["value", "low", "high", "qualifier", "outcome", "precision", "note"])


@settings(max_examples=40, deadline=None)
@given(
    first_label=st.sampled_from(LABELS),
    first_text=span_texts(),
    edits=st.dictionaries(_KEYS, st.text("abc", min_size=1, max_size=3).map("user-".__add__)),
    changes=st.lists(st.tuples(st.sampled_from(LABELS), span_texts()), max_size=6),
)
def test_edited_keys_survive_any_sequence_of_boundary_and_label_changes(
    first_label: str, first_text: str, edits: dict[str, Any], changes: list[tuple[str, str]]
) -> None:
    attrs = {**auto_attributes(first_label, first_text, PUBLISHED), **edits}
    label, text = first_label, first_text
    for new_label, new_text in changes:
        attrs = refresh_attributes(new_label, text, new_text, attrs, PUBLISHED, old_label=label)
        label, text = new_label, new_text
        for key, value in edits.items():
            assert attrs[key] == value
        # Every other key is exactly what the current text gives.
        auto = auto_attributes(label, text, PUBLISHED)
        assert {k: v for k, v in attrs.items() if k not in edits} == {
            k: v for k, v in auto.items() if k not in edits
        }
