"""Normalized values filled in as a span is tagged, and kept up to date as it changes.

``auto_attributes`` reads what a span's text says (CASUALTY_COUNT: value/low/high/
qualifier/outcome; DATE: value/precision and a warning, e.g. a weekday that contradicts
the date). ``refresh_attributes`` recomputes them after the span's boundaries or label
change, under the rule of issue 5 that **an edited value is never overwritten**:

- a key is (re)computed only when it is absent, or still holds exactly what
  ``auto_attributes`` gave for the span as it was (so nobody changed it);
- any other key — one the user edited, or added — stays as it is;
- an untouched automatic key the new text no longer gives (a range narrowed away, a
  weekday warning that no longer applies) is dropped.

Retagging away from CASUALTY_COUNT/DATE follows the same rule, because the new label has
no automatic keys: the untouched automatic keys go (a LOCATION with a stale ``qualifier``
would mislead), the user's keys stay (their work is never thrown away by a retag; they
can delete a key themselves, and undo brings back the previous attributes exactly).

The rule cannot tell an edit from a value equal to the automatic one: a user who types
the very value the text gives has, in effect, not edited it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.assist.date_values import date_attributes
from app.assist.normalize import casualty_attributes

CASUALTY_COUNT = "CASUALTY_COUNT"
DATE = "DATE"


def auto_attributes(label_id: str, span_text: str, published: str | None) -> dict[str, Any]:
    """The attributes a span's text gives for its label; {} for labels with none."""
    if label_id == CASUALTY_COUNT:
        return casualty_attributes(span_text)
    if label_id == DATE:
        return date_attributes(span_text, published)
    return {}


def refresh_attributes(
    label_id: str,
    old_text: str,
    new_text: str,
    current_attrs: Mapping[str, Any],
    published: str | None,
    *,
    old_label: str | None = None,
) -> dict[str, Any]:
    """``current_attrs`` after the span became ``new_text`` tagged ``label_id``.

    ``old_label`` is the label before the change (the same as ``label_id`` when only the
    boundaries moved). See the module docstring for the rule.
    """
    before = auto_attributes(label_id if old_label is None else old_label, old_text, published)
    after = auto_attributes(label_id, new_text, published)
    refreshed: dict[str, Any] = {}
    for key, value in current_attrs.items():
        untouched = key in before and before[key] == value
        if not untouched:
            refreshed[key] = value  # the user's: kept whatever the text now says
        elif key in after:
            refreshed[key] = after[key]
    for key, value in after.items():
        refreshed.setdefault(key, value)  # absent keys are filled
    return refreshed
