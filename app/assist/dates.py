"""DATE suggestions: every date phrase in a document, with its resolved value.

The reading itself (vocabulary, grammar, resolution against the publication date, and
why it is our own rules rather than dateparser) lives in app.assist.date_values, which
also serves spans tagged by hand. This module scans a whole document: it folds the text
once (app.text.folding), reads the phrases on the folded copy and maps each back to exact
offsets in the canonical text, harakat and tatweel inside the phrase included.
"""

from __future__ import annotations

from app.assist.date_values import parse_published, read_phrases, resolve
from app.assist.suggestion import Suggestion
from app.text.folding import fold

LABEL = "DATE"
SOURCE = "dates"


def find_dates(text: str, published: str | None) -> list[Suggestion]:
    """DATE suggestions over ``text`` in code points, left to right, never overlapping.

    ``published`` is the document's publication date as ISO text ('2023-11-08'); without
    it relative phrases are still suggested, with a warning and no value.
    """
    folded = fold(text)
    published_on = parse_published(published)
    suggestions = []
    for phrase in read_phrases(folded.text):
        start, end = folded.original_span(phrase.start, phrase.end)
        attrs = resolve(phrase, published_on)
        suggestions.append(Suggestion(start, end, LABEL, attrs, SOURCE))
    return suggestions
