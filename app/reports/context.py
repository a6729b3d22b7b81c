"""What the report needs from the project besides the numbers: names, labels, titles."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from app import __version__
from app.agreement.study import AgreementReport
from storage import Label, Project


@dataclass(frozen=True)
class ReportContext:
    project_name: str
    generated: str  # when the report was made, local time, as shown
    labels: dict[str, Label] = field(default_factory=dict)
    titles: dict[int, str] = field(default_factory=dict)  # document id -> title
    version: str = __version__

    def label(self, label_id: str) -> Label:
        """The project's label, or a bare one for a label no longer in the label set."""
        return self.labels.get(label_id) or Label(label_id)

    def ordered(self, label_ids: Iterable[str]) -> list[str]:
        """Label ids in the project's label order (the order of the label bar), then any
        the label set no longer holds, alphabetically."""
        ids = set(label_ids)
        known = sorted((self.labels[i] for i in ids if i in self.labels), key=_order)
        return [label.id for label in known] + sorted(ids - set(self.labels))


def _order(label: Label) -> tuple[int, str]:
    return (label.order, label.id)


def context_for(project: Project, report: AgreementReport, top: int) -> ReportContext:
    """Labels and the titles of the ``top`` documents with most disagreement."""
    name = project.path.name if project.path is not None else "(in memory)"
    titles: dict[int, str] = {}
    for scores in report.per_document[:top]:
        document = project.documents.get(scores.document_id)
        if document is not None:
            titles[scores.document_id] = document.title
    return ReportContext(
        project_name=name,
        generated=datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        labels={label.id: label for label in project.labels.all()},
        titles=titles,
    )
