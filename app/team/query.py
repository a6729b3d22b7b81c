"""Which documents go into work packages: the ``--documents`` query.

A query is words separated by spaces; a document is chosen when it matches all of them:

- ``ids:1-200`` (also ``ids:5``, ``ids:1-50,80,90-99``): document ids, as numbered at
  import (the first document imported is 1);
- ``status:done@alice``: documents whose status in alice's layer is ``done`` (any of
  ``new``, ``in_progress``, ``done``, ``skipped``, or ``unfinished`` = new or in progress,
  as in the document list's filter);
- anything else, taken together as one phrase: a substring of the title or of the
  external id (the document list's filter box, case-sensitive).

An empty query chooses every document. The status and title parts are the document list's
own ``ListQuery``, so a lead can try a query in the list before packaging with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage import Project, ProjectError
from storage.documents import STATUS_FILTERS, ListQuery

_IDS = "ids:"
_STATUS = "status:"
# An annotator id no project hands out: the list query's status join then finds no rows.
_NOBODY = -1


@dataclass(frozen=True)
class DocumentQuery:
    id_ranges: tuple[tuple[int, int], ...] = ()
    status: str = "all"
    status_annotator: str = ""
    text: str = ""

    def wants(self, document_id: int) -> bool:
        if not self.id_ranges:
            return True
        return any(low <= document_id <= high for low, high in self.id_ranges)


def parse_query(query: str) -> DocumentQuery:
    """The query's parts; ProjectError with the offending word when it cannot be read."""
    ranges: list[tuple[int, int]] = []
    status, annotator = "all", ""
    words: list[str] = []
    for word in query.split():
        if word.startswith(_IDS):
            ranges += _id_ranges(word)
        elif word.startswith(_STATUS):
            status, annotator = _status(word)
        else:
            words.append(word)
    return DocumentQuery(tuple(ranges), status, annotator, " ".join(words))


def _id_ranges(word: str) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for part in word[len(_IDS) :].split(","):
        low, _, high = part.partition("-")
        try:
            first, last = int(low), int(high or low)
        except ValueError:
            raise ProjectError(f"documents query: {word!r} is not ids:N or ids:N-M") from None
        if first > last:
            raise ProjectError(f"documents query: {word!r} has a range that runs backwards")
        ranges.append((first, last))
    return ranges


def _status(word: str) -> tuple[str, str]:
    status, _, annotator = word[len(_STATUS) :].partition("@")
    if status not in STATUS_FILTERS or status == "all" or not annotator:
        choices = ", ".join(s for s in STATUS_FILTERS if s != "all")
        raise ProjectError(
            f"documents query: {word!r} should be status:STATUS@ANNOTATOR with STATUS one of"
            f" {choices}"
        )
    return status, annotator


def select_documents(project: Project, query: str) -> list[int]:
    """The ids of the documents ``query`` chooses, in id order."""
    parsed = parse_query(query)
    annotator_id = _NOBODY
    if parsed.status_annotator:
        known = {a.name: a.id for a in project.annotators()}
        if parsed.status_annotator not in known:
            raise ProjectError(
                f"documents query: this project has no annotator {parsed.status_annotator!r}"
            )
        annotator_id = known[parsed.status_annotator]
    listed = ListQuery(annotator_id=annotator_id, status=parsed.status, text=parsed.text)
    rows = project.documents.page(listed, 0, project.documents.count(listed))
    return [row.id for row in rows if parsed.wants(row.id)]
