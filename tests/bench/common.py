"""Shared pieces: sizes, results, timing, the corpus cache and child processes. No Qt."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.bench.generate import GENERATOR_VERSION, Generator, write_articles, write_corpus

REPO = Path(__file__).resolve().parents[2]
DEFAULT_CACHE = REPO / "tests" / "bench" / ".cache"
SEED = 20231108
SPANS_PER_DOC = 10
BENCH_ANNOTATOR = "bench"  # the layer that holds the big article's 5,000 spans
LIST_ANNOTATOR = "alice"  # the corpus layer the document list shows


def scaled(full: int, scale: float, floor: int) -> int:
    return max(floor, round(full * scale))


@dataclass(frozen=True)
class Sizes:
    """Every size and repetition count, derived from one scale factor (1 = DESIGN §8)."""

    scale: float = 1.0

    @property
    def article_chars(self) -> int:
        return scaled(200_000, self.scale, 2_000)

    @property
    def article_spans(self) -> int:
        return scaled(5_000, self.scale, 20)

    @property
    def small_article_chars(self) -> int:
        return 2_000

    @property
    def tags(self) -> int:  # median over at least 30 in the full run
        return scaled(40, self.scale**0.25, 6)

    @property
    def list_docs(self) -> int:
        return scaled(100_000, self.scale, 100)

    @property
    def list_small_docs(self) -> int:
        return 100

    @property
    def import_docs(self) -> int:
        return scaled(100_000, self.scale, 100)

    @property
    def export_docs(self) -> int:
        return scaled(50_000, self.scale, 50)

    @property
    def reps(self) -> int:  # repetitions of the quick in-process measurements
        return scaled(11, self.scale**0.25, 2)

    @property
    def io_reps(self) -> int:  # runs of each import/export command and of its baseline
        # Five, not three: on a shared 2-core VM one slow run of three moved an import's
        # median by 10-20% (the same import took 9.2 s and 15.0 s within minutes).
        return scaled(5, self.scale**0.25, 1)

    @property
    def process_reps(self) -> int:  # fresh child processes per side
        # Eleven, not seven: single start-up pairs ranged from 1.46x to 2.38x.
        return scaled(11, self.scale**0.25, 2)

    def as_dict(self) -> dict[str, Any]:
        names = [n for n in dir(self) if isinstance(getattr(type(self), n, None), property)]
        return {"scale": self.scale, **{n: getattr(self, n) for n in sorted(names)}}


@dataclass
class Result:
    """One benchmark: ``value`` (the real code path) against ``baseline`` (same run)."""

    name: str
    title: str
    unit: str  # "s" or "MB"
    value: float | None
    baseline: float | None
    budget_ratio: float | None
    budget_value: float | None = None  # an absolute bound on ``value`` as well, if any
    status: str = ""  # PASS / MISS / not implemented / error
    value_label: str = ""
    baseline_label: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.value is None or self.baseline is None or self.baseline <= 0:
            return None
        return self.value / self.baseline

    def judge(self) -> Result:
        if self.status:
            return self
        ratio = self.ratio
        ok = ratio is not None and (self.budget_ratio is None or ratio <= self.budget_ratio)
        if self.budget_value is not None and self.value is not None:
            ok = ok and self.value <= self.budget_value
        self.status = "PASS" if ok else "MISS"
        return self

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "unit": self.unit,
            "value": self.value,
            "baseline": self.baseline,
            "ratio": self.ratio,
            "budget": {"ratio": self.budget_ratio, "value": self.budget_value},
            "status": self.status,
            "measures": self.value_label,
            "baseline_measures": self.baseline_label,
            "details": self.details,
        }


def not_implemented(name: str, title: str, budget_ratio: float | None, why: str) -> Result:
    return Result(
        name,
        title,
        "s",
        None,
        None,
        budget_ratio,
        status="not implemented",
        details={"reason": why},
    )


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def summary(values: Sequence[float]) -> dict[str, float | int]:
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "median": median(ordered),
        "min": ordered[0],
        "max": ordered[-1],
        "mean": statistics.fmean(ordered),
    }


# -- child processes ------------------------------------------------------------------------
def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    return env


def run_child(args: Sequence[str], *, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``python -m tests.bench.child ...``; its last stdout line is a JSON object."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench.child", *args],
        cwd=REPO,
        env=env or child_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"tests.bench.child {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# -- the cache of generated corpora and projects --------------------------------------------
class Cache:
    """Generated JSONL and project files, built once and reused across runs.

    Projects are built through the real importer (app.core.importing) and only appear
    under their final name once complete, so an interrupted build is redone next time.
    """

    def __init__(self, root: Path, sizes: Sizes, log: Callable[[str], None]) -> None:
        from storage.migrations import LATEST_VERSION

        self.root = root / f"gen{GENERATOR_VERSION}-schema{LATEST_VERSION}-seed{SEED}"
        self.root.mkdir(parents=True, exist_ok=True)
        self.sizes = sizes
        self.log = log
        self.timings: dict[str, float] = {}

    # corpus files
    def corpus(self, n_docs: int) -> Path:
        """JSONL of the first ``n_docs`` corpus documents (10 spans each on average)."""
        path = self.root / f"corpus-{n_docs}.jsonl"
        if path.exists():
            return path
        sizes = self.sizes
        biggest = max(sizes.import_docs, sizes.list_docs, sizes.export_docs, n_docs)
        wanted = {sizes.import_docs, sizes.list_docs, sizes.export_docs}
        wanted |= {sizes.list_small_docs, n_docs}
        prefixes = {n: self.root / f"corpus-{n}.jsonl" for n in wanted if n != biggest}
        full = self.root / f"corpus-{biggest}.jsonl"
        self.log(f"generating {biggest:,} documents ({biggest * SPANS_PER_DOC:,} spans)…")
        start = time.perf_counter()
        totals = write_corpus(full, biggest, SPANS_PER_DOC, seed=SEED, prefixes=prefixes)
        self.timings[f"generate corpus-{biggest}"] = time.perf_counter() - start
        (self.root / f"corpus-{biggest}.json").write_text(json.dumps(totals))
        return path

    def corpus_totals(self, n_docs: int) -> dict[str, int]:
        info = self.root / f"corpus-{n_docs}.json"
        if info.exists():
            totals: dict[str, int] = json.loads(info.read_text())
            return totals
        docs = spans = chars = 0
        with self.corpus(n_docs).open(encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                docs += 1
                spans += len(record["spans"])
                chars += len(record["text"])
        totals = {"documents": docs, "spans": spans, "characters": chars}
        totals["bytes"] = self.corpus(n_docs).stat().st_size
        info.write_text(json.dumps(totals))
        return totals

    # projects
    def corpus_project(self, n_docs: int) -> Path:
        """A project holding the first ``n_docs`` corpus documents and their spans."""
        return self._project(self.corpus_project_name(n_docs), lambda: [self.corpus(n_docs)])

    @staticmethod
    def corpus_project_name(n_docs: int) -> str:
        return f"corpus-{n_docs}"

    def adopt(self, name: str, built: Path) -> bool:
        """Keep a project another benchmark just built the same way (saves an import)."""
        target = self.root / f"{name}.tawsim"
        if target.exists() or any(Path(f"{built}{s}").exists() for s in ("-wal", "-journal")):
            return False
        shutil.move(built, target)
        return True

    def article_project(self) -> Path:
        """The big article (annotator "bench" has its spans) and a small one without spans.

        Documents: 1 = big article, 2 = small article, 3 = a short third article.
        """
        sizes = self.sizes
        name = f"articles-{sizes.article_chars}-{sizes.article_spans}"

        def source() -> list[Path]:
            generator = Generator(SEED + 7)
            big = generator.article(sizes.article_chars, sizes.article_spans)
            small = generator.article(sizes.small_article_chars, 0)
            third = generator.article(1_000, 0)
            path = self.root / f"{name}.jsonl"
            write_articles(
                path,
                [("big", big, BENCH_ANNOTATOR), ("small", small, ""), ("third", third, "")],
            )
            return [path]

        return self._project(name, source, annotators=(BENCH_ANNOTATOR, "empty"))

    def _project(
        self,
        name: str,
        sources: Callable[[], list[Path]],
        annotators: Sequence[str] = (LIST_ANNOTATOR,),
    ) -> Path:
        target = self.root / f"{name}.tawsim"
        if target.exists():
            return target
        from app.core.importing import import_paths
        from app.core.setup import init_project

        paths = sources()
        building = self.root / f"{name}.building.tawsim"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{building}{suffix}").unlink(missing_ok=True)
        self.log(f"building {target.name} with the real importer…")
        start = time.perf_counter()
        with init_project(building) as project:
            report = import_paths(project, paths, fmt="jsonl")
            if report.rejected:
                raise RuntimeError(f"{name}: import rejected {report.rejected[:3]}")
            for annotator in annotators:  # created now, so opening it later writes nothing
                project.annotator(annotator)
        self.timings[f"build {name}"] = time.perf_counter() - start
        building.replace(target)
        return target

    def scratch_copy(self, path: Path, into: Path) -> Path:
        """A private copy of a cached project for benchmarks that write to it."""
        into.mkdir(parents=True, exist_ok=True)
        copy = into / path.name
        shutil.copyfile(path, copy)
        return copy
