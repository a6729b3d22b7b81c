"""The adjudicator's actions as undo commands on the gold session's stack.

Each redo() and undo() is one transaction (GoldSession.batch) and remembers exactly what it
changed, so undo takes back that and nothing else: an accept removes only the gold spans it
created, a reject lifts only the rejections it added.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from app.agreement.adjudication import Acceptance, AutoGoldReport
from app.agreement.alignment import Cluster
from app.ui.review.gold import GoldSession, Version
from storage import Span


class _GoldCommand(QUndoCommand):
    def __init__(self, session: GoldSession, document_id: int, text: str) -> None:
        super().__init__(text)
        self.session = session
        self.document_id = document_id

    def _show_document(self) -> None:
        self.session.open_document(self.document_id)


class RejectVersions(_GoldCommand):
    """Reject proposed versions: none of them goes to gold, the item is settled."""

    def __init__(self, session: GoldSession, cluster: Cluster, text: str = "") -> None:
        text = text or QCoreApplication.translate("ReviewCommands", "Reject the proposed versions")
        super().__init__(session, cluster.document_id, text)
        self.versions: list[Version] = cluster.proposals()
        self.added: list[Version] = []

    def redo(self) -> None:
        self._show_document()
        self.added = self.session.apply_reject(self.document_id, self.versions)

    def undo(self) -> None:
        self._show_document()
        self.session.apply_unreject(self.document_id, self.added)


class AcceptVersion(_GoldCommand):
    """Take one annotator's version of a disagreement into gold.

    Their spans in it are copied into gold. An annotator who tagged nothing there proposes
    "no span": accepting that rejects the others' versions.
    """

    def __init__(self, session: GoldSession, cluster: Cluster, annotator: str) -> None:
        spans = cluster.spans.get(annotator, ())
        text = (
            QCoreApplication.translate("ReviewCommands", "Accept {name}'s version")
            if spans
            else QCoreApplication.translate("ReviewCommands", "Accept {name}'s version (no span)")
        ).format(name=annotator)
        super().__init__(session, cluster.document_id, text)
        self.sources: tuple[Span, ...] = spans
        self.acceptances: list[Acceptance] = []
        self.reject = None if spans else RejectVersions(session, cluster, text)

    def redo(self) -> None:
        self._show_document()
        if self.reject is not None:
            self.reject.redo()
            return
        # No gold span is selected afterwards: the window moves on to the next item, whose
        # extent becomes the gold view's selection.
        with self.session.batch():
            self.acceptances = [self.session.apply_accept(span) for span in self.sources]

    def undo(self) -> None:
        self._show_document()
        if self.reject is not None:
            self.reject.undo()
            return
        with self.session.batch():
            for acceptance in reversed(self.acceptances):
                self.session.apply_undo_accept(acceptance)


class AcceptAgreed(_GoldCommand):
    """Accept everything ``quorum`` of the annotators agree on in this document."""

    def __init__(
        self,
        session: GoldSession,
        document_id: int,
        annotators: Sequence[str],
        quorum: int | None,
    ) -> None:
        text = (
            QCoreApplication.translate("ReviewCommands", "Accept all agreed (all)")
            if quorum is None
            else QCoreApplication.translate(
                "ReviewCommands", "Accept all agreed ({quorum} of {n})"
            ).format(quorum=quorum, n=len(annotators))
        )
        super().__init__(session, document_id, text)
        self.annotators = list(annotators)
        self.quorum = quorum
        self.created: list[Span] = []
        self.report: AutoGoldReport | None = None

    def redo(self) -> None:
        self._show_document()
        with self.session.batch():
            self.created, self.report = self.session.apply_auto_gold(
                self.document_id, self.annotators, self.quorum
            )

    def undo(self) -> None:
        self._show_document()
        self.session.apply_delete_many(self.created)
