"""``python -m tests.crash.child_import PROJECT SOURCE [ANNOTATOR]``: import, reporting commits.

Does what ``tawsim import`` does (create the project if it is missing, import the
source) with a progress callback that tells the parent which records are committed.
The importer commits a chunk of records, then reads the next one; a progress call for
the n-th record therefore means that every chunk before n's is in the project file.
Prints ``START``, then ``COMMITTED <records>`` each time that number grows, then ``EXIT``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from app.core import importing
from app.core.setup import init_project
from storage import open_project


def main(project_path: str, source: str, annotator: str | None) -> int:
    print("START", flush=True)
    seen = committed = 0

    def progress(done: int, total: int) -> bool:
        nonlocal seen, committed
        seen += 1
        before_this_chunk = (seen - 1) // importing.CHUNK * importing.CHUNK
        if before_this_chunk > committed:
            committed = before_this_chunk
            print(f"COMMITTED {committed}", flush=True)
        return True

    path = Path(project_path)
    with open_project(path) if path.exists() else init_project(path) as project:
        report = importing.import_paths(project, [source], annotator=annotator, progress=progress)
    assert not report.rejected, report.rejected
    print(f"COMMITTED {seen}", flush=True)
    print("EXIT 0", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None))
