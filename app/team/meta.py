"""The ``project_meta`` keys that tie work packages to the project they came from.

These names are written into annotators' files that travel and come back months later:
never rename one, only add.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from storage import Project

# The lead's project: an identity, so a package knows where it came from.
PROJECT_ID = "project.id"

# A work package (an annotator's project file).
PACKAGE_ID = "package.id"  # a uuid4 of its own: the merge remembers what it took per package
PACKAGE_ANNOTATOR = "package.annotator"  # for whom
PACKAGE_SOURCE_ID = "package.source_id"  # PROJECT_ID of the project it came from
PACKAGE_SOURCE_PATH = "package.source_path"  # where that project was (information only)
# The project's last change-log seq when the package was made: the project's later
# entries are what changed there since the annotator got the package.
PACKAGE_SOURCE_SEQ = "package.source_seq"
PACKAGE_CREATED_AT = "package.created_at"
PACKAGE_SEED = "package.seed"
PACKAGE_OVERLAP = "package.overlap"
PACKAGE_QUERY = "package.query"

# In the project, one key per merged file: MERGED_PREFIX + the file's identity.
MERGED_PREFIX = "merged."


def project_id(project: Project) -> str:
    """The project's identity, made (and stored) the first time it is asked for."""
    existing = project.setting(PROJECT_ID)
    if existing:
        return existing
    made = str(uuid.uuid4())
    project.set_setting(PROJECT_ID, made)
    return made


@dataclass(frozen=True)
class MergeMark:
    """What the project remembers of one merged file (JSON under MERGED_PREFIX + its id).

    - ``package_seq``: the file's change log is in the project up to this seq; its later
      entries are what the annotator did since the last merge.
    - ``source_seq``: the project's last seq when the package was made (0 for a file that
      is not a package of this project): the project's own later entries are what
      changed here since the annotator got their copy.
    - ``merges``: for each merge of the file, the project seqs it wrote, as
      ``(first, first_copy, last)``: ``first..last`` are the merge's entries, of which
      ``first_copy..last`` are the file's own entries copied over (its history, not
      changes made here).
    """

    package_seq: int = 0
    source_seq: int = 0
    merges: tuple[tuple[int, int, int], ...] = ()

    def encode(self, **extra: str) -> str:
        values: dict[str, object] = {
            "package_seq": self.package_seq,
            "source_seq": self.source_seq,
            "merges": [list(m) for m in self.merges],
        }
        values.update(extra)
        return json.dumps(values, ensure_ascii=False, sort_keys=True)

    @classmethod
    def decode(cls, text: str) -> MergeMark:
        values = json.loads(text)
        merges = tuple((int(a), int(b), int(c)) for a, b, c in values.get("merges", []))
        return cls(int(values["package_seq"]), int(values["source_seq"]), merges)
