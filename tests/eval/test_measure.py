"""The held-out sample reads back exactly, the scoring arithmetic is right on a case worked
by hand, and README.md shows the table the measuring script computes now."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest

from app.assist.suggestion import Suggestion
from tests.eval.heldout import GoldSpan, Item, SampleError, load_sample, parse_sample
from tests.eval.measure_suggestions import Scores, measure, render, score, table

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_gold_span_covers_exactly_its_marked_text() -> None:
    items = load_sample()
    assert len(items) >= 40
    assert len({item.id for item in items}) == len(items)
    for item in items:
        assert "[[" not in item.text and "]]" not in item.text
        for span in item.spans:
            assert item.text[span.start : span.end] == span.text, (item.id, span)
            assert span.text == span.text.strip()


def test_markup_offsets_values_and_errors() -> None:
    source = (
        "# comment\n@@ a 2024-05-06\n"
        "قتل [[CASUALTY_COUNT:نحو 30|value=30,qualifier=approximate]]"
        " في [[DATE:عام 2014|value=2014]].\n"
    )
    (item,) = parse_sample(source)
    assert item.published == "2024-05-06"
    count, year = item.spans
    assert (count.start, count.end, count.text) == (4, 10, "نحو 30")
    assert count.attrs == {"value": 30, "qualifier": "approximate"}
    assert year.attrs == {"value": "2014"}  # a DATE value stays ISO text
    assert item.text == "قتل نحو 30 في عام 2014."
    with pytest.raises(SampleError, match=r"x\.txt:2"):
        parse_sample("# the header lacks its date\n@@ a\n", "x.txt")
    with pytest.raises(SampleError, match="malformed"):
        parse_sample("@@ a 2024-01-01\nقتل [[DATE:أمس\n")


def test_scores_on_a_case_worked_by_hand() -> None:
    gold = [
        GoldSpan(0, 5, "DATE", "", {"value": "2024-01-01"}),
        GoldSpan(10, 15, "DATE", "", {"value": "2024-01-02"}),
        GoldSpan(20, 25, "DATE", ""),
        GoldSpan(30, 35, "ACTOR", ""),
    ]
    suggested = [
        Suggestion(0, 5, "DATE", {"value": "2024-01-01"}),  # exact, value right
        Suggestion(12, 18, "DATE", {"value": "2024-01-03"}),  # overlap only, value wrong
        Suggestion(40, 45, "DATE", {}),  # wrong
        Suggestion(30, 35, "LOCATION", {}),  # other label: not counted for DATE
    ]
    assert score(gold, suggested, "DATE") == Scores(
        gold=3,
        suggested=3,
        exact=1,
        overlap_right=2,
        overlap_found=2,
        values_compared=2,
        values_right=1,
    )
    item = Item("x", "2024-01-03", "", tuple(gold))
    results = measure([item], {"dates": lambda _item, _items: suggested})
    shown = render(results, {})
    # P exact 1/3, R exact 1/3, P overlap 2/3, R overlap 2/3, values 1/2.
    assert "| dates | DATE | 3 | 3 | 0.33 | 0.33 | 0.67 | 0.67 | 1/2 |" in shown


def test_readme_table_is_what_the_script_computes_now() -> None:
    readme = README.read_text(encoding="utf-8")
    markers = r"<!-- heldout-table:start -->\n(.*?)\n<!-- heldout-table:end -->"
    found = re.search(markers, readme, re.S)
    assert found, "README.md has no held-out table between its markers"
    computed = table()
    if found.group(1) != computed:
        diff = "\n".join(
            difflib.unified_diff(
                found.group(1).splitlines(), computed.splitlines(), "README.md", "computed now"
            )
        )
        pytest.fail(f"README table is stale (python -m tests.eval.measure_suggestions):\n{diff}")
