"""A document's disagreements, aligned once when it opens, and which of them are open.

``adjudication.open_items`` reads and aligns every layer on each call: 0.4 s on a
200,000-character article with 5,000 spans a layer, after every accept. The annotators'
layers do not change while the adjudicator works, so they are aligned once here; each
refresh reads only what does change (the gold layer and the rejections) and applies the
same rule, ``adjudication.is_settled``, to the gold spans near each item. No Qt.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from app.agreement import adjudication
from app.agreement.alignment import Cluster, align, disagreements
from storage import Annotator, Project


class DocumentItems:
    def __init__(
        self, project: Project, document_id: int, names: Sequence[str], gold: Annotator
    ) -> None:
        self.project = project
        self.document_id = document_id
        self.gold = gold
        layers = {name: project.spans.for_document(document_id, name) for name in names}
        self.disagreements = disagreements(align(document_id, layers))

    def open(self) -> list[Cluster]:
        """The disagreements not settled yet, by position: what open_items says."""
        gold = sorted(
            self.project.spans.for_document(self.document_id, self.gold.name),
            key=lambda span: span.start,
        )
        rejections = self.project.rejections.for_document(self.document_id, self.gold.id)
        rejected = {r.key for r in rejections}
        starts = [span.start for span in gold]
        longest = max((span.end - span.start for span in gold), default=0)
        found = []
        for item in self.disagreements:
            # Only gold spans starting in [start - longest, end) can overlap the item.
            near = gold[bisect_left(starts, item.start - longest) : bisect_left(starts, item.end)]
            if not adjudication.is_settled(item, near, rejected):
                found.append(item)
        return found
