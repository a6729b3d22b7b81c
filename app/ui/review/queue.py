"""Which layers a review compares, which documents are left to adjudicate and which one
comes next. No Qt: the review window asks, this answers from the project.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication

from app.agreement import adjudication
from storage import Annotator, Project, ProjectError


def review_annotators(project: Project, names: Sequence[str] | None, gold: str) -> list[Annotator]:
    """The layers to review: ``names``, or every human annotator who has tagged anything
    (one who has not, such as the lead, would show as missing every span)."""
    chosen = adjudication.chosen_layers(project, names, gold)  # unknown names, gold refused
    if names is not None:
        return chosen
    tagged = {row[0] for row in project.conn.execute("SELECT DISTINCT annotator_id FROM spans")}
    found = [a for a in chosen if a.id in tagged]
    if not found:
        raise ProjectError(
            QCoreApplication.translate(
                "Review", "no annotator has tagged anything yet: there is nothing to review"
            )
        )
    return found


class AdjudicationQueue:
    """(document id, open items) of every document whose adjudication is not done, by id.

    Documents with nothing open are in it too: they still want a look and a "done". It is
    read from the project (one pass over the corpus) only when the user moves between
    documents, and kept in step with status changes in between.
    """

    def __init__(self, project: Project, names: Sequence[str], gold: Annotator) -> None:
        self.project = project
        self.names = list(names)
        self.gold = gold
        self.documents: list[tuple[int, int]] | None = None  # None until first asked

    def reload(self) -> list[tuple[int, int]]:
        found = adjudication.documents_to_adjudicate(self.project, self.names, self.gold)
        status = self.project.status.get
        self.documents = sorted(
            (doc, count) for doc, count in found if status(doc, self.gold.id) != "done"
        )
        return self.documents

    def following(self, current: int | None, step: int, *, open_only: bool = False) -> int | None:
        """The next (step > 0) or previous document after ``current``, wrapping round;
        with ``open_only`` the next with open items, if any has them."""
        queue = [(doc, count) for doc, count in self.reload() if doc != current]
        if open_only and any(count for _, count in queue):
            queue = [(doc, count) for doc, count in queue if count]
        ids = [doc for doc, _ in queue]
        if not ids:
            return None
        if current is None:
            return ids[0]
        if step > 0:
            return next((doc for doc in ids if doc > current), ids[0])
        return next((doc for doc in reversed(ids) if doc < current), ids[-1])

    def status_changed(self, document_id: int, status: str, open_items: int) -> None:
        """A done document leaves the queue; one that is no longer done comes back."""
        if self.documents is None:
            return
        listed = dict(self.documents)
        if status == "done":
            listed.pop(document_id, None)
        else:
            listed.setdefault(document_id, open_items)
        self.documents = sorted(listed.items())

    def describe(self, current: int | None) -> str:
        """ "· 2 of 5 documents to adjudicate" ("" until the queue was first read)."""
        if self.documents is None:
            return ""
        ids = [doc for doc, _ in self.documents]
        if current in ids:
            return QCoreApplication.translate(
                "Review", "· {position} of {n} documents to adjudicate"
            ).format(position=ids.index(current) + 1, n=len(ids))
        return QCoreApplication.translate("Review", "· {n} documents to adjudicate").format(
            n=len(ids)
        )
