"""Agreement, every measure, over 10,000 documents × 3 annotators × 20 spans, against one
pass that reads the same spans from SQLite (same run, same file)."""

from __future__ import annotations

import json
import random
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.bench.common import SEED, Cache, Result, Sizes, median, scaled
from tests.bench.generate import LABELS, Generator

Log = Callable[[str], None]
ANNOTATORS = ("alice", "bob", "carol")
SPANS = 20


def _disagree(rng: random.Random, text: str, spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Another annotator's version: most spans kept, some shifted, relabelled, missed or added."""
    result = []
    for span in spans:
        roll = rng.random()
        if roll < 0.08:
            continue  # missed
        start, end, label = span["start"], span["end"], span["label"]
        if roll < 0.16 and end - start > 3:
            start += 1  # a boundary one character off
        elif roll < 0.22:
            label = rng.choice(LABELS)
        result.append({"start": start, "end": end, "label": label})
    if rng.random() < 0.5:
        start = rng.randrange(0, max(1, len(text) - 10))
        result.append({"start": start, "end": start + rng.randint(2, 9), "label": "ACTOR"})
    return result


def _project(cache: Cache, n_docs: int, log: Log) -> Path:
    path = cache.root / f"agreement-{n_docs}.tawsim"
    if path.exists():
        return path
    from app.core.importing import import_paths
    from app.core.labels import default_labels
    from storage import open_project

    log(f"building the agreement project: {n_docs:,} documents × 3 annotators…")
    rng = random.Random(SEED)
    generator = Generator(SEED + 7)
    source = cache.root / f"agreement-{n_docs}.jsonl"
    with source.open("w", encoding="utf-8") as out:
        for index in range(n_docs):
            article = generator.article(rng.randint(800, 1600), SPANS)
            base = [{k: s[k] for k in ("start", "end", "label")} for s in article.spans]
            spans = [{**s, "annotator": "alice"} for s in base]
            for name in ANNOTATORS[1:]:
                spans += [{**s, "annotator": name} for s in _disagree(rng, article.text, base)]
            record = {"id": f"agree-{index:06d}", "text": article.text, "spans": spans}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    with open_project(partial, create=True, labels=default_labels()) as project:
        report = import_paths(project, [source])
    if report.rejected:
        raise RuntimeError(f"agreement corpus rejected: {report.rejected[:3]}")
    partial.rename(path)
    source.unlink()
    return path


def _read_spans(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        count = 0
        for _row in conn.execute(
            'SELECT document_id, annotator_id, start, "end", label FROM spans'
        ):
            count += 1
        return count
    finally:
        conn.close()


def bench_agreement(
    cache: Cache, sizes: Sizes, scratch: Path, log: Log, profile: Path | None
) -> list[Result]:
    from app.agreement.study import compute_agreement
    from storage import open_project

    n_docs = scaled(10_000, sizes.scale, 50)
    path = _project(cache, n_docs, log)
    baselines, values = [], []
    report = None
    for _ in range(max(2, sizes.reps // 3)):
        start = time.perf_counter()
        spans = _read_spans(path)
        baselines.append(time.perf_counter() - start)
        start = time.perf_counter()
        with open_project(path) as project:
            report = compute_agreement(project)
        values.append(time.perf_counter() - start)
    if profile is not None:
        import cProfile

        with open_project(path) as project:
            cProfile.runctx(
                "compute_agreement(project)",
                globals(),
                {"compute_agreement": compute_agreement, "project": project},
                str(profile / "agreement.prof"),
            )
    assert report is not None
    overall = report.overall.as_dict()
    log(f"agreement: {median(values):.2f}s vs reading {spans:,} spans {median(baselines):.2f}s")
    return [
        Result(
            "agreement",
            "agreement, all measures",
            "s",
            median(values),
            median(baselines),
            5.0,
            value_label=(
                f"compute_agreement: {n_docs:,} documents × 3 annotators × ~{SPANS} spans "
                "(F1 exact/overlap, Cohen, Fleiss, α nominal, α_u; per label, pair, document)"
            ),
            baseline_label=f"one pass reading the {spans:,} spans from SQLite",
            details={"overall": overall, "documents": report.documents},
        ).judge()
    ]
