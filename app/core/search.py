"""Find a phrase in Arabic articles (DESIGN §3.7): folded matching, exact original offsets.

The query and the text are folded (:mod:`app.text.folding`), so 'دير الزور' finds 'دَيْر
الزّور' and 'مستشفى' finds 'مستشفي'; runs of whitespace in the query match any run of
whitespace in the text.

Whole words, with proclitics: a hit may not begin inside a word unless what precedes it
in that word is one or two one-letter proclitics (و ف ب ل ك alone, or و/ف followed by
ب/ك/ل), and it may not end inside a word. So 'دير الزور' is found in 'بدير الزور' and
'وبدير الزور' and the hit covers only 'دير الزور'; 'حلب' is not found in 'حلبة'. The rule
accepts 'غداد' inside 'بغداد' (the ب looks like a proclitic); a search tool should rather
show a doubtful hit than hide a real one, and the user sees each hit before acting on it.
Where the query begins or ends with something that is not a letter or digit ('؟', '%'),
that end has no word rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from app.text.folding import fold, fold_text, unfolded_pattern
from storage import Project

Progress = Callable[[int, int], bool]  # progress(done, total) -> False to cancel
SearchHit = tuple[int, str, str, int]  # document id, external id, title, hit count

_PROGRESS_EVERY = 250
_PROCLITICS = "وفبلك"
_FIRST_OF_TWO = "وف"  # wa/fa may precede bi/ka/li: 'وبدير'
_SECOND_OF_TWO = "بلك"


class SearchCancelled(Exception):
    """The user cancelled a corpus search through the progress callback."""


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # what \w matches in a str pattern


def _opens_word(folded: str, start: int) -> bool:
    """Whether a hit may begin at ``start``: at a word start or after its proclitics."""

    def word_start(i: int) -> bool:
        return i == 0 or not _is_word(folded[i - 1])

    if word_start(start):
        return True
    if folded[start - 1] in _PROCLITICS and word_start(start - 1):
        return True
    return (
        start >= 2
        and folded[start - 2] in _FIRST_OF_TWO
        and folded[start - 1] in _SECOND_OF_TWO
        and word_start(start - 2)
    )


@dataclass(frozen=True)
class Query:
    """A compiled query: the folded pattern, its word rules and a quick filter."""

    pattern: re.Pattern[str]  # the words, whitespace between, and the end-of-word rule
    word_start: bool  # the first character is a letter or digit: apply _opens_word
    quick: re.Pattern[str]  # the longest word, searched in the original text

    def hits(self, folded: str) -> Iterator[tuple[int, int]]:
        """Every hit in a folded text, as folded offsets."""
        position = 0
        while (match := self.pattern.search(folded, position)) is not None:
            if not self.word_start or _opens_word(folded, match.start()):
                yield match.start(), match.end()
                position = max(match.end(), match.start() + 1)
            else:
                position = match.start() + 1

    def may_occur(self, original: str) -> bool:
        """False when ``original`` cannot hold a hit: it need not be folded at all."""
        return self.quick.search(original) is not None


@lru_cache(maxsize=64)
def compile_query(query: str) -> Query | None:
    """The compiled ``query``, or None for a blank one."""
    words = fold_text(query).split()
    if not words:
        return None
    body = r"\s+".join(re.escape(word) for word in words)
    # The pattern starts with a literal, so the regex engine can skip ahead quickly; the
    # start-of-word rule is checked in Python on the few candidates.
    end = r"(?!\w)" if _is_word(words[-1][-1]) else ""
    return Query(
        pattern=re.compile(body + end),
        word_start=_is_word(words[0][0]),
        quick=re.compile(unfolded_pattern(max(words, key=len))),
    )


def find_in_text(text: str, query: str) -> list[tuple[int, int]]:
    """Every hit of ``query`` in ``text`` as original ``[start, end)`` code point offsets."""
    compiled = compile_query(query)
    if compiled is None or not compiled.may_occur(text):
        return []
    folded = fold(text)
    return [folded.original_span(s, e) for s, e in compiled.hits(folded.text)]


def count_in_text(text: str, query: str) -> int:
    """How many hits ``find_in_text`` would give, without building the offset map."""
    compiled = compile_query(query)
    if compiled is None or not compiled.may_occur(text):
        return 0
    return sum(1 for _ in compiled.hits(fold_text(text)))


def search_corpus(
    project: Project,
    query: str,
    limit: int | None = None,
    progress: Progress | None = None,
) -> list[SearchHit]:
    """Documents holding ``query``, in id order, with the number of hits in each.

    Texts are streamed one at a time; ``limit`` stops after that many matching documents.
    Raises SearchCancelled when ``progress`` returns False.
    """
    compiled = compile_query(query)
    if compiled is None:
        return []
    conn = project.conn
    total = int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
    hits: list[SearchHit] = []
    rows = conn.execute("SELECT id, external_id, title, text FROM documents ORDER BY id")
    for done, (document_id, external_id, title, text) in enumerate(rows, start=1):
        # Most texts fail the quick filter and are never folded.
        count = sum(1 for _ in compiled.hits(fold_text(text))) if compiled.may_occur(text) else 0
        if count:
            hits.append((int(document_id), str(external_id), str(title or ""), count))
            if limit is not None and len(hits) >= limit:
                break
        if progress is not None and done % _PROGRESS_EVERY == 0 and not progress(done, total):
            raise SearchCancelled
    if progress is not None:
        progress(total, total)
    return hits


__all__ = [
    "Progress",
    "Query",
    "SearchCancelled",
    "SearchHit",
    "compile_query",
    "count_in_text",
    "find_in_text",
    "search_corpus",
]
