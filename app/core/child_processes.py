"""Starting worker processes that run beside this one (import reading, export writing).

Both the importer and the exporter start children the same way and clean up what a forked
child inherits the same way.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import threading
from typing import Any


def start_context() -> Any:
    """'fork' where there is one (starting is instant) and this process is one thread
    (the command line), else 'spawn'. A fork copies only the forking thread: a lock another
    thread held (Qt's, the GUI's worker threads) would stay locked in the copy forever."""
    methods = multiprocessing.get_all_start_methods()
    alone = threading.active_count() == 1 and "PySide6" not in sys.modules
    return multiprocessing.get_context("fork" if "fork" in methods and alone else "spawn")


def drop_inherited(keep: int) -> None:
    """Let go of the files a forked worker inherited beyond stdio and its pipe: the project
    file and its lock file above all. The lock is an flock, shared with the copy: were the
    importer killed, the worker would hold the lock until it noticed. Each descriptor is
    pointed at /dev/null rather than closed, so that its number is not reused while some
    object inherited from the importer still thinks it owns it."""
    try:
        open_fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:  # no /proc: try the usual range
        open_fds = list(range(3, 1024))
    null = os.open(os.devnull, os.O_RDWR)
    for fd in open_fds:
        if fd > 2 and fd not in (keep, null):
            with contextlib.suppress(OSError):  # closed since (the listing's own one)
                os.dup2(null, fd)
    os.close(null)
