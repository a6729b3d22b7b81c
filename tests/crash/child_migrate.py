"""``python -m tests.crash.child_migrate PROJECT``: open (and so upgrade) a project.

Prints ``START`` just before :func:`storage.open_project`, ``OPENED <seconds>`` after it.
"""

from __future__ import annotations

import sys
import time

from storage import open_project

if __name__ == "__main__":
    print("START", flush=True)
    began = time.perf_counter()
    with open_project(sys.argv[1]):
        print(f"OPENED {time.perf_counter() - began:.4f}", flush=True)
