"""Run the benchmarks, print a table, write bench-results.json.

    python -m tests.bench.run [--quick] [--scale F] [--only NAME,...] [--profile DIR]

``--quick`` is ``--scale 0.01``: the same benchmarks on sizes a hundred times smaller, a
smoke test. Budgets are printed as PASS/MISS; they never fail the run. The exit status is
non-zero only when a benchmark crashed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from tests.bench.common import DEFAULT_CACHE, REPO, Cache, Result, Sizes

# (group, the results it produces) in the order they run. The millisecond-scale UI
# benchmarks on the article come first, before the import has put gigabytes through the
# disk; the import comes before the list benchmarks because the project it builds is
# the one they open (cached for later runs).
GROUPS: dict[str, tuple[str, ...]] = {
    "tag": ("tag_span",),
    "open_document": ("open_document",),
    "import": ("import_jsonl",),
    "export": ("export_jsonl", "export_conll"),
    "open_project": ("open_project",),
    "list": ("list_scroll_filter",),
    "memory": ("memory",),
    "startup": ("startup",),
    "agreement": ("agreement",),
}
# The order of the table and of the JSON (DESIGN §8 / the numbering).
ORDER = (
    "tag_span",
    "open_document",
    "open_project",
    "list_scroll_filter",
    "import_jsonl",
    "export_jsonl",
    "export_conll",
    "agreement",
    "memory",
    "startup",
)
TITLES = {
    "import_jsonl": "import JSONL (documents + spans)",
    "export_jsonl": "export JSONL",
    "export_conll": "export CoNLL",
    "open_project": "open project + first paint of the list",
    "list_scroll_filter": "scroll + filter the document list",
    "tag_span": "tag a span (key → SQLite → repaint)",
    "open_document": "open a document (text + highlights painted)",
    "agreement": "agreement, all measures",
    "memory": "peak RSS after opening project + list",
    "startup": "start-up to first painted window",
}
BUDGETS = {
    "import_jsonl": 2.0,
    "export_jsonl": 2.0,
    "export_conll": 4.0,
    "open_project": 1.3,
    "list_scroll_filter": 1.5,
    "tag_span": 2.0,
    "open_document": 3.0,
    "agreement": 5.0,
    "memory": 1.3,
    "startup": 2.0,
}


class Runner:
    def __init__(self, sizes: Sizes, cache_root: Path, profile_dir: Path | None) -> None:
        self.sizes = sizes
        self.started = time.perf_counter()
        self.cache = Cache(cache_root, sizes, self.log)
        self.scratch = Path(tempfile.mkdtemp(prefix="scratch-", dir=self.cache.root))
        self.profile_dir = profile_dir
        # Settings and default projects of every window and child live in the scratch
        # folder, never in the user's own.
        os.environ["TAWSIM_HOME"] = str(self.scratch / "home")
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    def log(self, message: str) -> None:
        print(f"[{time.perf_counter() - self.started:7.1f}s] {message}", flush=True)

    def group(self, name: str) -> list[Result]:
        sizes, cache, scratch, log, prof = (
            self.sizes,
            self.cache,
            self.scratch,
            self.log,
            self.profile_dir,
        )
        if name == "import":
            from tests.bench.io import bench_import

            return bench_import(cache, sizes, scratch, log, prof)
        if name == "export":
            from tests.bench.io import bench_export

            return bench_export(cache, sizes, scratch, log, prof)
        if name == "agreement":
            from tests.bench.agreement import bench_agreement

            return bench_agreement(cache, sizes, scratch, log, prof)
        if name == "memory":
            from tests.bench.processes import bench_memory

            return bench_memory(cache, sizes, log)
        if name == "startup":
            from tests.bench.processes import bench_startup

            return bench_startup(sizes, scratch / "startup-home", log)
        from tests.bench import ui  # Qt only from here on

        run: Callable[..., list[Result]] = {
            "open_project": ui.bench_open_project,
            "list": ui.bench_list,
            "tag": ui.bench_tag,
            "open_document": ui.bench_open_document,
        }[name]
        return run(cache, sizes, scratch, log, prof)

    def run(self, groups: Sequence[str]) -> dict[str, Result]:
        results: dict[str, Result] = {}
        self.settle()  # whatever was written before this run, too
        for group in groups:
            began = time.perf_counter()
            try:
                produced = self.group(group)
            except Exception as error:  # one crash must not hide the other figures
                traceback.print_exc()
                produced = [
                    Result(
                        name,
                        TITLES[name],
                        "s",
                        None,
                        None,
                        BUDGETS[name],
                        status="error",
                        details={"error": f"{type(error).__name__}: {error}"},
                    )
                    for name in GROUPS[group]
                ]
            for result in produced:
                result.details.setdefault("group_seconds", time.perf_counter() - began)
                results[result.name] = result.judge()
            self.log(f"{group}: done in {time.perf_counter() - began:.1f}s")
            self.settle()
        return results

    def settle(self) -> None:
        """Let the kernel write back what the last benchmark wrote (not timed).

        Otherwise the next benchmark's commits queue behind gigabytes of writeback from an
        import: measured, tagging slowed by a steady 3 ms per commit after the import.
        """
        began = time.perf_counter()
        os.sync()
        waited = time.perf_counter() - began
        if waited > 0.5:
            self.log(f"waited {waited:.1f}s for the disk to settle")

    def cleanup(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)


# -- output ------------------------------------------------------------------------------
def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "MB":
        return f"{value:,.0f} MB"
    if value < 1:
        return f"{value * 1000:,.1f} ms"
    return f"{value:,.2f} s"


def table(results: dict[str, Result]) -> str:
    rows = [("benchmark", "value", "baseline", "ratio", "budget", "status")]
    for name in ORDER:
        if name not in results:
            continue
        r = results[name]
        budget = "—" if r.budget_ratio is None else f"≤ {r.budget_ratio:g}×"
        if r.budget_value is not None:
            budget += f", ≤ {_fmt(r.budget_value, r.unit)}"
        ratio = "—" if r.ratio is None else f"{r.ratio:.2f}×"
        rows.append(
            (name, _fmt(r.value, r.unit), _fmt(r.baseline, r.unit), ratio, budget, r.status)
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        cells = [
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells))
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _git_commit() -> str:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "app", "storage"],
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        return done.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except OSError:
        return ""


def write_json(path: Path, results: dict[str, Result], meta: dict[str, Any]) -> None:
    ordered = {name: results[name].as_dict() for name in ORDER if name in results}
    payload = {"meta": meta, "benchmarks": ordered}
    temp = path.with_name(path.name + ".tmp")
    temp.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    temp.replace(path)


def _meta(sizes: Sizes, runner: Runner, total: float, quick: bool) -> dict[str, Any]:
    try:  # from the package metadata: the runner itself never imports Qt
        qt = f"PySide6 {metadata.version('PySide6-Essentials')}"
    except metadata.PackageNotFoundError:  # pragma: no cover
        qt = ""
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _git_commit(),
        "quick": quick,
        "sizes": sizes.as_dict(),
        "total_seconds": total,
        "cache": str(runner.cache.root),
        "cache_build_seconds": runner.cache.timings,
        "python": sys.version.split()[0],
        "qt": qt,
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "how": {
            "import/export": "the real CLI, `python -m app import|export`, as a subprocess",
            "ui": "the real MainWindow offscreen, in-process, QTest key events",
            "memory/startup": "fresh child processes (`python -m tests.bench.child`)",
        },
    }


def _groups(only: str | None) -> list[str]:
    if not only:
        return list(GROUPS)
    wanted = {part.strip() for part in only.split(",") if part.strip()}
    chosen = [g for g, names in GROUPS.items() if g in wanted or wanted & set(names)]
    unknown = wanted - set(GROUPS) - {n for names in GROUPS.values() for n in names}
    if unknown:
        raise SystemExit(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    return chosen


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="sizes / 100 (smoke test)")
    parser.add_argument("--scale", type=float, help="size factor (1 = DESIGN §8 sizes)")
    parser.add_argument("--only", help="comma-separated benchmark or group names")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--out", type=Path, default=REPO / "bench-results.json")
    parser.add_argument("--profile", type=Path, help="write cProfile files here")
    parser.add_argument("--rebuild", action="store_true", help="regenerate cached data")
    args = parser.parse_args(argv)
    scale = args.scale if args.scale is not None else (0.01 if args.quick else 1.0)
    sizes = Sizes(scale)
    groups = _groups(args.only)
    if args.profile is not None:
        args.profile.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    runner = Runner(sizes, args.cache_dir, args.profile)
    if args.rebuild:
        shutil.rmtree(runner.cache.root, ignore_errors=True)
        runner = Runner(sizes, args.cache_dir, args.profile)
    runner.log(f"scale {scale:g}: {', '.join(groups)}")
    try:
        results = runner.run(groups)
    finally:
        runner.cleanup()
    total = time.perf_counter() - started
    print()
    print(table(results))
    print(f"\ntotal {total:.1f}s; results in {args.out}")
    write_json(args.out, results, _meta(sizes, runner, total, args.quick or scale < 1))
    return 1 if any(r.status == "error" for r in results.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
