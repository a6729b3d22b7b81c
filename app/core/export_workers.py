"""Export a big project in parts: worker processes write ranges of documents.

JSONL and CoNLL files are the concatenation of their documents' chunks in id order. The
documents are cut into contiguous id ranges, handed out in order, each a smaller share of
the text than the one before (:func:`range_shares`); each worker opens the project
read-only and writes the range it is given, then the next one left, with the very
functions the in-process export uses (:func:`app.core.exporting.write_part`) into part
files. This process appends each part to the atomic outputs as soon as every range before
it is done too, while the workers go on: the same bytes, on every core, and at the end
only the last parts are left to join.

The parts live in a hidden folder beside the first output, named like the temporaries of
:mod:`app.formats.atomic` and locked while it lives: the next export of that output
removes it if this one was killed. Workers report how far they got through a pipe each;
this process polls them and passes the sum to ``progress``. Cancelling kills the workers
and leaves neither parts nor output. A worker that fails (an exception, a crash) becomes
a ProjectError naming its documents, never a hang. A worker whose parent died fails its
next report or its wait for the next range (nobody else holds the other end of its pipe)
and ends.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
import traceback
from bisect import bisect_left
from collections.abc import Callable, Container, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.child_processes import drop_inherited, start_context
from app.formats.atomic import TEMP_SUFFIX, atomic_binary_writer
from app.formats.base import Omissions
from storage import Project, ProjectError, open_project

if TYPE_CHECKING:
    from app.core.exporting import ExportReport, Progress, SplitJob

# Below this many documents an export stays in this process: starting workers and joining
# their parts would cost more than they save.
THRESHOLD = 5000
MAX_WORKERS = 4
WORKERS_VARIABLE = "TAWSIM_EXPORT_WORKERS"  # 1 forces the in-process export
# A worker that finishes a range takes the next, so that one slowed down (its core shared
# with another program) leaves more of the work to the others; ranges shrink as they are
# handed out (each this fraction of the text left per worker), down to this smallest share
# per worker, so that the workers finish within a small range of each other.
SHARE_OF_WHAT_IS_LEFT = 0.5
SMALLEST_SHARE = 1 / 64
# A worker reports its position in its range every this many documents (and when done).
REPORT_EVERY = 250
# How long this process waits for a report before asking ``progress`` again (seconds).
POLL_SECONDS = 0.1
_PROGRESS, _DONE, _ERROR = "progress", "done", "error"


@dataclass(frozen=True)
class PartResult:
    """What one worker wrote beside its part files."""

    documents: int
    spans: int
    omitted: list[list[str]]  # per output
    once_notes: list[int | None]  # per output: where its once-per-output note is


def worker_count(project: Project, documents: int) -> int:
    """How many processes should write an export of ``documents``; 1: this one alone."""
    if documents < THRESHOLD or project.path is None or project.conn.in_transaction:
        # Workers read the project file: they would not see what this connection has not
        # committed yet.
        return 1
    configured = os.environ.get(WORKERS_VARIABLE, "").strip()
    if configured:
        try:
            wanted = int(configured)
        except ValueError:
            wanted = 0
        if wanted < 1:
            raise ProjectError(
                f"{WORKERS_VARIABLE}={configured!r}: expected a whole number, 1 or more"
            )
        return wanted
    return min(os.cpu_count() or 1, MAX_WORKERS)


def range_shares(workers: int) -> list[float]:
    """Each range's share of the text, in the order they are handed out: the first ones
    large (few ranges, few parts), the last ones small (a worker that takes the last range
    while the others finish theirs holds everyone up for a small range only)."""
    shares: list[float] = []
    left = 1.0
    smallest = SMALLEST_SHARE / workers
    while left > 0:
        share = max(left * SHARE_OF_WHAT_IS_LEFT / workers, smallest)
        if left - share < smallest / 2:  # too little for a range of its own
            share = left
        shares.append(share)
        left -= share
    return shares


def id_ranges(project: Project, shares: Sequence[float]) -> list[tuple[tuple[int, int], int]]:
    """Contiguous ``[first, end)`` id ranges holding about ``shares`` of the text (fewer
    where there are fewer documents), with the number of documents in each: one query
    down a covering index."""
    rows = project.conn.execute("SELECT id, length FROM documents ORDER BY id").fetchall()
    if not rows:
        return []
    ids = [row[0] for row in rows]
    # A document costs its text and a little more (its line, its DOCSTART, its spans).
    weights = list(accumulate(length + 64 for _, length in rows))
    bounds = list(accumulate(shares))[:-1]
    cuts = sorted({bisect_left(weights, weights[-1] * bound) + 1 for bound in bounds})
    starts = [0, *(cut for cut in cuts if 0 < cut < len(ids))]
    ends = [*starts[1:], len(ids)]
    return [
        ((ids[start], ids[end - 1] + 1), end - start)
        for start, end in zip(starts, ends, strict=True)
    ]


def write_in_parts(
    project: Project,
    job: SplitJob,
    outs: Sequence[Path],
    omissions: Sequence[Omissions],
    report: ExportReport,
    progress: Progress | None,
    total: int,
    workers: int,
) -> None:
    """Write ``job``'s outputs as :func:`app.core.exporting.write_part` writes them in one
    process, by ``workers`` processes; ``omissions`` and ``report`` get what they would."""
    assert project.path is not None  # worker_count: a project file, which workers can open
    ranges = id_ranges(project, range_shares(workers))
    with _parts_folder(outs[0]) as folder, contextlib.ExitStack() as opened:
        streams = [opened.enter_context(atomic_binary_writer(out)) for out in outs]
        parts = [[folder / f"{r}-{o}" for o in range(len(outs))] for r in range(len(ranges))]
        joined = 0  # the ranges whose parts are in the outputs

        def join(done: Container[int]) -> None:
            nonlocal joined
            first = joined
            while joined in done:
                for stream, part in zip(streams, parts[joined], strict=True):
                    _append(stream, part)
                    part.unlink()  # its space is free as soon as it is copied
                joined += 1
            # On disk while the workers go on, so that each output's own sync before its
            # rename is left with the last parts alone (after those, it is that sync's job).
            if first < joined < len(parts):
                for stream in streams:
                    stream.flush()  # (a part copied through Python, where the kernel cannot)
                    os.fsync(stream.fileno())

        results = _run(project.path, job, ranges, parts, workers, progress, total, join)
    for index, omitted in enumerate(omissions):
        noted = False
        for result in results:
            items, note = result.omitted[index], result.once_notes[index]
            if note is not None:
                if noted:  # said by an earlier part: once per output, as in one process
                    items = items[:note] + items[note + 1 :]
                noted = True
            omitted.items += items
    report.documents += sum(result.documents for result in results)
    report.spans += sum(result.spans for result in results)


def _append(stream: Any, part: Path) -> None:
    """Copy ``part`` to the end of ``stream`` (an unbuffered copy in the kernel where the
    system and file system allow it)."""
    stream.flush()
    out = stream.fileno()
    with part.open("rb") as source:
        start = os.lseek(out, 0, os.SEEK_CUR)
        try:
            _copy_in_kernel(source.fileno(), out)
            return
        except (AttributeError, OSError):  # no copy_file_range here: copied through Python
            os.ftruncate(out, start)
            os.lseek(out, start, os.SEEK_SET)
            source.seek(0)
        shutil.copyfileobj(source, stream, 1 << 20)


def _copy_in_kernel(source: int, out: int) -> None:
    left = os.fstat(source).st_size
    while left > 0:
        copied = os.copy_file_range(source, out, left)
        if copied == 0:
            raise OSError("the part ended early")
        left -= copied


@contextlib.contextmanager
def _parts_folder(out: Path) -> Iterator[Path]:
    """A hidden folder beside ``out`` for the parts, locked while it lives, removed on the
    way out."""
    out.parent.mkdir(parents=True, exist_ok=True)
    while True:
        name = tempfile.mkdtemp(prefix=f".{out.name}.", suffix=TEMP_SUFFIX, dir=out.parent)
        lock = _locked(name)
        if lock is not None:
            break
    try:
        yield Path(name)
    finally:
        shutil.rmtree(name, ignore_errors=True)
        if lock >= 0:
            os.close(lock)


def _locked(folder: str) -> int | None:
    """A descriptor holding the lock of the new ``folder`` (-1 where there are no locks),
    or None when another export's sweep took it for a leftover before it was locked."""
    if sys.platform == "win32":  # no locks: app.formats.atomic keeps leftovers there too
        return -1
    import fcntl

    lock = os.open(folder, os.O_RDONLY)
    fcntl.flock(lock, fcntl.LOCK_EX)  # new: nobody else holds it but for a moment
    with contextlib.suppress(OSError):
        if os.stat(folder).st_ino == os.fstat(lock).st_ino:
            return lock
    os.close(lock)
    return None


def _run(
    path: Path,
    job: SplitJob,
    ranges: list[tuple[tuple[int, int], int]],
    parts: list[list[Path]],
    workers: int,
    progress: Progress | None,
    total: int,
    finished: Callable[[Container[int]], None],
) -> list[PartResult]:
    """Write every range with ``workers`` processes, each given the next range as soon as
    it is done with one; report progress as they go, and call ``finished`` with the ranges
    done so far each time one is. The results, in range order."""
    from app.core.exporting import ExportCancelled

    context = start_context()
    forked = context.get_start_method() == "fork"
    processes: list[Any] = []
    connections: list[Connection] = []
    working: dict[int, int] = {}  # worker -> the range it writes
    waiting = list(range(len(ranges)))[::-1]  # popped from the end: in order

    def give(worker: int) -> None:
        if waiting:
            index = waiting.pop()
            working[worker] = index
            connections[worker].send((index, ranges[index][0], parts[index]))
        else:
            working.pop(worker, None)
            connections[worker].send(None)  # nothing left: it ends

    try:
        for _ in range(min(workers, len(ranges))):
            mine, theirs = context.Pipe()
            process = context.Process(
                target=_work,
                args=(theirs, forked, path, job, total),
                name="tawsim-export-part",
                daemon=True,
            )
            connections.append(mine)
            try:
                process.start()
            finally:
                theirs.close()  # the worker's end must be its alone, or its death would go unseen
            processes.append(process)
            give(len(processes) - 1)
        positions = [0] * len(ranges)
        results: dict[int, PartResult] = {}
        while working:
            ready = wait([connections[worker] for worker in working], POLL_SECONDS)
            for worker, index in list(working.items()):
                if connections[worker] not in ready:
                    continue
                kind, payload = _receive(connections[worker], processes[worker], ranges[index][0])
                if kind == _DONE:
                    results[index] = payload
                    positions[index] = ranges[index][1]
                    give(worker)
                    finished(results)
                else:
                    positions[index] = payload
            if progress is not None and not progress(sum(positions), total):
                raise ExportCancelled
        return [results[index] for index in range(len(ranges))]
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()  # cancelled, or another worker failed: its part is not wanted
            process.join()
            process.close()
        for connection in connections:
            connection.close()


def _receive(connection: Connection, process: Any, id_range: tuple[int, int]) -> tuple[str, Any]:
    what = f"the export's worker for documents {id_range[0]} to {id_range[1] - 1}"
    try:
        kind, payload = connection.recv()
    except (EOFError, OSError):
        process.join(5)
        raise ProjectError(f"{what} ended unexpectedly (exit code {process.exitcode})") from None
    if kind == _ERROR:
        raise ProjectError(f"{what} failed:\n{payload}")
    return kind, payload


def _work(connection: Connection, forked: bool, path: Path, job: SplitJob, total: int) -> None:
    """The worker: write each range it is given into its part files; report as it goes.
    Any failure to talk to the parent means the parent is gone: it ends."""
    if forked:
        drop_inherited(keep=connection.fileno())  # above all the project's lock file
    try:
        with open_project(path, read_only=True) as project:
            while (task := connection.recv()) is not None:
                _, id_range, files = task
                connection.send((_DONE, _write(connection, project, job, id_range, files, total)))
    except (EOFError, OSError):  # BrokenPipeError, ConnectionResetError: the parent is gone
        return
    except BaseException:  # every failure is reported, never swallowed
        with contextlib.suppress(OSError):
            connection.send((_ERROR, traceback.format_exc()))


def _write(
    connection: Connection,
    project: Project,
    job: SplitJob,
    id_range: tuple[int, int],
    files: list[Path],
    total: int,
) -> PartResult:
    # Imported here: app.core.exporting imports this module.
    from app.core.exporting import ExportReport, write_part

    reported = 0

    def progress(position: int, _total: int) -> bool:
        nonlocal reported
        if position - reported >= REPORT_EVERY:
            connection.send((_PROGRESS, position))  # fails once the parent is gone
            reported = position
        return True

    report = ExportReport()
    omissions = [Omissions() for _ in files]
    with contextlib.ExitStack() as opened:
        streams = [
            opened.enter_context(part.open("w", encoding="utf-8", newline="\n")) for part in files
        ]
        notes = write_part(project, job, streams, omissions, report, progress, total, id_range)
    return PartResult(report.documents, report.spans, [o.items for o in omissions], notes)
