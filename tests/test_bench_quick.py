"""The benchmark suite runs end to end at a tiny size (a smoke test: no timing asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOT_IMPLEMENTED: set[str] = set()  # every benchmark of the issue is measured


def test_quick_bench_reports_every_benchmark(tmp_path: Path) -> None:
    from tests.bench.run import ORDER

    out = tmp_path / "bench-results.json"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TAWSIM_HOME=str(tmp_path / "home"))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.bench.run",
            "--scale",
            "0.001",
            "--cache-dir",
            str(tmp_path / "cache"),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    results = json.loads(out.read_text(encoding="utf-8"))
    benchmarks = results["benchmarks"]
    assert list(benchmarks) == list(ORDER)
    for name, result in benchmarks.items():
        if name in NOT_IMPLEMENTED:
            assert result["status"] == "not implemented"
            assert result["value"] is None and result["ratio"] is None
            continue
        assert result["status"] in ("PASS", "MISS"), (name, result)
        for key in ("value", "baseline", "ratio"):
            assert isinstance(result[key], float) and result[key] > 0, (name, key, result)
    assert results["meta"]["sizes"]["scale"] == 0.001
    assert "tag_span" in done.stdout  # the table was printed
