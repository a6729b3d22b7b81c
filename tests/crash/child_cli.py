"""``python -m tests.crash.child_cli ARGS...``: run ``tawsim ARGS...`` (app.cli.main).

Prints ``START`` once the modules the command needs are imported, so that the parent's
random delay is spent in the command's work rather than in Python's start-up, and
``EXIT <code>`` when the command returns.
"""

from __future__ import annotations

import sys

import app.core.exporting
import app.core.importing
import app.formats.registry  # noqa: F401  (imported before START, see above)
from app.cli import main

if __name__ == "__main__":
    print("START", flush=True)
    code = main(sys.argv[1:])
    print(f"EXIT {code}", flush=True)
    sys.exit(code)
