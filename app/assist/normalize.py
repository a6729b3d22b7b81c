"""Normalized CASUALTY_COUNT attributes for a span a person tagged, read from its text.

The same parser as the suggestions (app.assist.numbers), so a suggestion accepted and the
same words tagged by hand get the same attributes. An attribute someone already set is
never overwritten (issue 5: "an edited value is never overwritten").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.assist.casualties import dual_person, outcome_within
from app.assist.numbers import EXACT, find_quantities, tokenize
from app.text.folding import fold


def casualty_attributes(span_text: str) -> dict[str, Any]:
    """``value``/``low``/``high``/``qualifier`` (and ``outcome`` when the span names it).

    Empty when the text holds no number: 'ثلاثة عشر' → value 13 exact, 'نحو 30' → value
    30 approximate, 'عشرات' → low 20 high 99 vague, 'جنديان' → value 2 exact.
    """
    folded = fold(span_text).text
    tokens = tokenize(folded)
    quantities = find_quantities(folded, tokens)
    attrs: dict[str, Any]
    if quantities:
        attrs = quantities[0].attributes()
    elif tokens and dual_person(tokens[0].text) is not None:
        attrs = {"value": 2, "qualifier": EXACT}
    else:
        return {}
    outcome = outcome_within(folded)
    if outcome is not None:
        attrs["outcome"] = outcome
    return attrs


def fill_casualty_attributes(existing: Mapping[str, Any], span_text: str) -> dict[str, Any]:
    """``existing`` plus the attributes read from the text that are not set yet."""
    filled = dict(existing)
    for name, value in casualty_attributes(span_text).items():
        if filled.get(name) in (None, ""):
            filled[name] = value
    return filled
