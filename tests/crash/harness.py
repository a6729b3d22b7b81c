"""Run a child process, kill it with SIGKILL at a chosen moment, keep what it printed.

Children print one line per event and flush it; everything printed before the kill is
still in the pipe afterwards, so the parent knows exactly what the child had reported as
done when it died.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# How many kills one `make test` run makes in total (spread over the scenarios).
DEFAULT_KILLS = 50
START_TIMEOUT = 60.0  # a loaded 2-core machine can be slow to start Qt


def total_kills() -> int:
    return max(1, int(os.environ.get("TAWSIM_KILLS", DEFAULT_KILLS)))


def master_seed() -> int:
    """TAWSIM_KILL_SEED replays a run; otherwise every run draws new delays."""
    given = os.environ.get("TAWSIM_KILL_SEED")
    return int(given) if given else random.SystemRandom().randrange(2**32)


def share(weight: float) -> int:
    """This scenario's part of the kills (rounded up, so the parts add up to the total)."""
    return max(1, -(-int(total_kills() * weight * 1000) // 1000))


@contextmanager
def replay_hint(scenario: str, seed: int, kill: int | None = None) -> Iterator[None]:
    """Name the seed in any failure, so that it can be replayed."""
    try:
        yield
    except BaseException as error:
        if isinstance(error, KeyboardInterrupt):
            raise
        where = f"kill {kill}" if kill is not None else "setup"
        raise AssertionError(
            f"{scenario}, {where}: {error}\n"
            f"replay with TAWSIM_KILL_SEED={seed} (and TAWSIM_KILLS={total_kills()})"
        ) from error


@dataclass
class ChildRun:
    lines: list[str] = field(default_factory=list)
    returncode: int | None = None
    killed: bool = False  # we killed it (it had not finished by itself)
    stderr: str = ""
    started_at: float = 0.0
    trigger_at: float | None = None  # when the trigger line arrived
    ended_at: float = 0.0

    def clean_exit(self) -> bool:
        return not self.killed and self.returncode == 0


def child_env(home: Path) -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TAWSIM_HOME": str(home)}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("TAWSIM_KILLS", None)
    return env


def run_and_kill(
    argv: Sequence[str],
    *,
    env: dict[str, str],
    trigger: str | None,
    delay: float | None,
    stderr_path: Path,
    timeout: float = START_TIMEOUT,
) -> ChildRun:
    """Start ``python argv``; ``delay`` seconds after the first line starting with
    ``trigger`` (or after the start, when None) send SIGKILL. ``delay`` None: let it end."""
    run = ChildRun()
    seen = threading.Event()
    with stderr_path.open("w", encoding="utf-8") as errors:
        run.started_at = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, *argv],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            encoding="utf-8",
            env=env,
            cwd=REPO,
        )

        def read() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                run.lines.append(line.rstrip("\n"))
                if trigger is not None and line.startswith(trigger) and not seen.is_set():
                    run.trigger_at = time.monotonic()
                    seen.set()
            seen.set()  # end of output: the child is gone, stop waiting

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            if trigger is None:
                seen.set()
            if not seen.wait(timeout):
                raise AssertionError(f"the child did not print {trigger!r} in {timeout} s")
            if delay is not None:
                deadline = (run.trigger_at or run.started_at) + delay
                remaining = deadline - time.monotonic()
                if remaining > 0:
                    with suppress(subprocess.TimeoutExpired):
                        process.wait(remaining)
                if process.poll() is None:
                    process.send_signal(signal.SIGKILL)
            run.returncode = process.wait(timeout)
            # Killed by us, unless it ended by itself just before the signal.
            run.killed = run.returncode == -signal.SIGKILL
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            reader.join(10)
        run.ended_at = time.monotonic()
    run.stderr = stderr_path.read_text(encoding="utf-8", errors="replace")
    return run


@dataclass
class Tally:
    """What the kills of one scenario found, printed at its end (`pytest -s` shows it)."""

    scenario: str
    kills: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    began: float = field(default_factory=time.monotonic)

    def count(self, outcome: str, n: int = 1) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + n

    def report(self) -> str:
        seconds = time.monotonic() - self.began
        parts = ", ".join(f"{k} {v}" for k, v in sorted(self.outcomes.items()) if k)
        line = f"[kill test] {self.scenario}: {self.kills} kills in {seconds:.1f} s; {parts}"
        print(line)
        return line


def run_in_process(argv: Sequence[str]) -> float:
    """``tawsim argv`` in this process (a reference run); returns its duration in seconds."""
    import contextlib
    import io

    from app.cli import main

    began = time.monotonic()
    with contextlib.redirect_stdout(io.StringIO()) as output:
        code = main(list(argv))
    assert code == 0, f"tawsim {' '.join(argv)} failed ({code}): {output.getvalue()}"
    return time.monotonic() - began
