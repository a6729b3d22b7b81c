"""The merge rule for one item (a span, or one layer's status of one document).

Each side offers its version (None: the item is not there) and says whether its change
log shows a change since the two last met (app.team.history). Then:

- the same version on both sides: nothing to do;
- only the package changed it: take the package's version (a deletion included);
- only the project changed it: keep the project's;
- neither changed it: keep the project's, except that an item the project lacks and never
  touched is taken (work the package's log does not itemize, such as an import there);
- both changed it: a conflict. The later change wins (``at``: the version's
  ``updated_at``, or the time of the deletion); on a tie the project's is kept. The merge
  reports every conflict and logs the losing version, so no work disappears unseen.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Generic, TypeVar

V = TypeVar("V")


@dataclass(frozen=True)
class Side(Generic[V]):
    version: V | None
    changed: bool
    at: str = ""


class Outcome(Enum):
    KEEP = "keep"
    TAKE = "take"
    CONFLICT_KEEP = "conflict, project kept"
    CONFLICT_TAKE = "conflict, package taken"

    @property
    def takes(self) -> bool:
        return self in (Outcome.TAKE, Outcome.CONFLICT_TAKE)

    @property
    def conflict(self) -> bool:
        return self in (Outcome.CONFLICT_KEEP, Outcome.CONFLICT_TAKE)


def resolve(package: Side[V], project: Side[V]) -> Outcome:
    if package.version == project.version:
        return Outcome.KEEP
    if not project.changed:
        taken = package.changed or project.version is None
        return Outcome.TAKE if taken else Outcome.KEEP
    if not package.changed:
        return Outcome.KEEP
    return Outcome.CONFLICT_TAKE if package.at > project.at else Outcome.CONFLICT_KEEP
