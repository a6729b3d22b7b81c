"""Benchmarks that need a fresh process per measurement: memory and start-up."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.bench.common import (
    LIST_ANNOTATOR,
    REPO,
    Cache,
    Result,
    Sizes,
    child_env,
    median,
    run_child,
    summary,
)

Log = Callable[[str], None]


def bench_memory(cache: Cache, sizes: Sizes, log: Log) -> list[Result]:
    big = cache.corpus_project(sizes.list_docs)
    small = cache.corpus_project(sizes.list_small_docs)
    log(f"memory: peak RSS after opening {sizes.list_docs:,} vs {sizes.list_small_docs} docs…")
    runs: dict[str, list[float]] = {"value": [], "baseline": []}
    rows: dict[str, int] = {}
    ru_maxrss: dict[str, float] = {}
    reps = max(2, sizes.process_reps - 2)
    for _ in range(reps):
        for side, path in (("value", big), ("baseline", small)):
            report = run_child(["memory", str(path), LIST_ANNOTATOR])
            runs[side].append(float(report["peak_rss_mb"]))
            rows[side] = int(report["rows"])
            ru_maxrss[side] = float(report["ru_maxrss_mb"])
    result = Result(
        "memory",
        "peak RSS after opening project + list",
        "MB",
        median(runs["value"]),
        median(runs["baseline"]),
        1.3,
        value_label=f"fresh process, window on {sizes.list_docs:,} documents (VmHWM)",
        baseline_label=f"fresh process, window on {sizes.list_small_docs} documents",
        details={
            "value_runs_mb": runs["value"],
            "baseline_runs_mb": runs["baseline"],
            "rows_listed": rows,
            "peak_is": "VmHWM of the child (ru_maxrss inherits the parent's peak on Linux)",
            "ru_maxrss_mb_last": ru_maxrss,
        },
    )
    return [result]


def _startup_once(mode: str, env: dict[str, str]) -> float:
    launched = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench.child", mode],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"tests.bench.child {mode} failed:\n{done.stderr[-3000:]}")
    painted = float(json.loads(done.stdout.strip().splitlines()[-1])["painted_at"])
    return painted - launched


def bench_startup(sizes: Sizes, home: Path, log: Log) -> list[Result]:
    """Process launch → first painted window, the app on its default project vs bare Qt.

    Python's bytecode cache is on (in a private folder), as for an installed app: pip
    compiles .pyc files at install time. Without it (PYTHONDONTWRITEBYTECODE=1, as in
    some sandboxes) every start recompiles the app's modules; that figure is recorded
    in the details.
    """
    env = child_env()
    env["TAWSIM_HOME"] = str(home)  # the default project lives here; made by the warm-up
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(home / "pycache")
    uncached = {k: v for k, v in env.items() if k != "PYTHONPYCACHEPREFIX"}
    uncached["PYTHONDONTWRITEBYTECODE"] = "1"  # the app's modules compile on every start
    log("start-up: fresh processes, launch → first paint…")
    # Warm-up (not counted): creates the default project with its samples on first run,
    # as a first launch does, writes the bytecode cache and brings Qt's libraries into
    # the page cache.
    _startup_once("startup-app", env)
    _startup_once("startup-bare", env)
    _startup_once("startup-floor", env)
    runs: dict[str, list[float]] = {
        "startup-app": [],
        "startup-bare": [],
        "startup-floor": [],
        "uncached": [],
    }
    for rep in range(sizes.process_reps):  # interleaved: slow spells hit every variant
        for mode in ("startup-app", "startup-bare", "startup-floor"):
            runs[mode].append(_startup_once(mode, env))
        if rep % 2 == 0:
            runs["uncached"].append(_startup_once("startup-app", uncached))
    result = Result(
        "startup",
        "start-up to first painted window",
        "s",
        median(runs["startup-app"]),
        median(runs["startup-bare"]),
        2.0,
        value_label="`tawsim gui` on the default project (fresh process, .pyc cached)",
        baseline_label="bare QApplication + QMainWindow shown (fresh process)",
        details={
            "value_runs": summary(runs["startup-app"]),
            "baseline_runs": summary(runs["startup-bare"]),
            "value_without_bytecode_cache": summary(runs["uncached"]),
            # A minimal window of the same kind, no app code (tests.bench.child): the share
            # of the budget any PySide window with a list and an Arabic article takes.
            "floor_minimal_window": summary(runs["startup-floor"]),
            "floor_minimal_window_ratio": median(runs["startup-floor"])
            / median(runs["startup-bare"]),
        },
    )
    return [result]
