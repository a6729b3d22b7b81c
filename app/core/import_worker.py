"""Read and check an import in a second process while this one writes it.

A big import spends about as long reading, decoding and checking its records as SQLite
spends storing them; on two cores the two overlap. The worker runs the readers and
:class:`~app.core.importing.RecordChecker` (nothing of it touches the project file) and
sends the checked records in batches through a pipe, in input order; the importer stores
them exactly as the records it checks itself: the same chunks, transactions and messages,
so a killed import keeps every finished chunk.

The worker pickles each batch itself and a thread of its own sends them, so that it can
run ahead of the writer by QUEUED_BATCHES while the pipe is full. Nothing here receives
in a thread: a busy second thread would take the GIL from SQLite at every row it writes.

The worker ends when its input does, when it is stopped (a cancelled or failed import),
or when this process dies: it holds no copy of the receiving end, so its next send fails.
A worker that fails (an exception, a crash) becomes a ProjectError here, never a hang.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import queue
import select
import sys
import threading
import traceback
from collections.abc import Iterator, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.child_processes import drop_inherited, start_context
from storage import ProjectError

if TYPE_CHECKING:
    from app.core.importing import Checked, RecordChecker, SourceFile

# A batch is sent when it holds this many records or bytes of input: small enough that the
# importer starts writing soon, large enough that sending costs little per record.
BATCH_RECORDS = 256
BATCH_BYTES = 2 * 1024 * 1024  # input bytes: about as many pickled
# Batches checked and not yet sent: the worker runs ahead about a chunk, no further.
QUEUED_BATCHES = 32
# What the worker sends, pickled: ("batch", [Checked, ...]) any number of times, then
# ("end", None) or ("error", a traceback).
_BATCH, _END, _ERROR = "batch", "end", "error"


@contextlib.contextmanager
def checked_elsewhere(
    files: Sequence[SourceFile],
    encoding: str | None,
    checker: RecordChecker,
    staging: Path | None = None,
) -> Iterator[Iterator[Checked]]:
    """The records of ``files`` checked by ``checker`` in a worker process, in order. With
    ``staging`` (a scratch file of storage.staging) the worker stages each record's rows
    there and sends a stub in its place. The worker is stopped on the way out, whether or
    not every record was taken."""
    context = start_context()
    receiver, sender = context.Pipe(duplex=False)
    _widen(sender)
    forked = context.get_start_method() == "fork"
    process = context.Process(
        target=_work,
        args=(sender, receiver, forked, list(files), encoding, checker, staging),
        name="tawsim-import-reader",
        daemon=True,
    )
    process.start()
    sender.close()  # the worker's end must be its alone, or its death would go unseen
    try:
        yield _records(receiver, process)
    finally:
        if process.is_alive():
            # Cancelled, or a failure here: its work is not wanted. SIGKILL: a forked
            # worker shares the handlers of a process that may catch SIGTERM.
            process.kill()
        process.join()
        receiver.close()
        process.close()


def _records(receiver: Connection, process: Any) -> Iterator[Checked]:
    while True:
        try:
            kind, payload = pickle.loads(receiver.recv_bytes())
        except (EOFError, OSError):
            process.join(5)
            raise ProjectError(
                f"the import's reader process ended unexpectedly (exit code {process.exitcode})"
            ) from None
        if kind == _BATCH:
            yield from payload
        elif kind == _END:
            return
        else:
            raise ProjectError(f"the import's reader process failed:\n{payload}")


def _work(
    sender: Connection,
    receiver: Connection,
    forked: bool,
    files: list[SourceFile],
    encoding: str | None,
    checker: RecordChecker,
    staging: Path | None,
) -> None:
    """The worker: read, check, stage, send; the last message says how it ended."""
    receiver.close()  # a copy of the importer's end: keeping it would hide its death
    if forked:
        drop_inherited(keep=sender.fileno())
    from app.core.importing import _RARE_COLLECTIONS, PlanStager, read_records
    from storage.staging import Stager
    from storage.staging import remove as remove_scratch

    # The sending thread gives up the GIL at every write into the pipe and must wait for
    # it again: at the default 5 ms a turn, sending took longer than checking.
    sys.setswitchinterval(0.0002)
    gc.set_threshold(_RARE_COLLECTIONS, *gc.get_threshold()[1:])  # this process only imports
    outbox: queue.Queue[bytes | None] = queue.Queue(QUEUED_BATCHES)
    # A second handle on the pipe (the sending thread closes its own): to see the
    # importer let go of its end, once everything is sent.
    watch = os.dup(sender.fileno())
    sending = threading.Thread(target=_send, args=(sender, outbox), daemon=True)
    sending.start()

    def put(data: bytes | None) -> None:
        while sending.is_alive():  # it stops early only when the importer is gone
            try:
                outbox.put(data, timeout=0.5)
                return
            except queue.Full:
                continue
        raise BrokenPipeError("the importer is gone")

    def post(message: tuple[str, Any]) -> None:
        put(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))

    planner = None if staging is None else PlanStager()
    stager = None if staging is None else Stager(staging)

    def post_batch(batch: list[Checked]) -> None:
        if planner is None or stager is None:
            post((_BATCH, batch))
            return
        ready, spans = planner.stage(batch)
        # Staged before the batch is sent: the importer reads the rows when it stores it.
        # It never holds this file's lock (attached read-only): this never waits for it.
        stager.add(spans)
        post((_BATCH, ready))

    try:
        batch: list[Checked] = []
        size = 0
        for item in read_records(files, encoding):
            batch.append((checker.entry(item), item.size))
            size += item.size
            if len(batch) >= BATCH_RECORDS or size >= BATCH_BYTES:
                post_batch(batch)
                batch, size = [], 0
        if batch:
            post_batch(batch)
        post((_END, None))
    except BrokenPipeError:
        pass  # the importer is gone (cancelled, or killed): nobody to tell
    except BaseException:  # every failure is reported, never swallowed
        with contextlib.suppress(BrokenPipeError):
            post((_ERROR, traceback.format_exc()))
    with contextlib.suppress(BrokenPipeError):
        put(None)  # after everything queued: the sender's signal to stop
    sending.join()
    if staging is not None:
        # An importer that is done stops this process; one that was killed left its
        # scratch file behind: delete it once the importer's end of the pipe is closed.
        _wait_until_closed(watch)
        remove_scratch(staging)
    os.close(watch)


def _wait_until_closed(fd: int) -> None:
    """Wait until nobody reads the pipe whose writing end is ``fd`` (where poll can tell)."""
    if not hasattr(select, "poll"):
        return
    poller = select.poll()
    poller.register(fd, select.POLLERR | select.POLLHUP)
    poller.poll()


def _send(sender: Connection, outbox: queue.Queue[bytes | None]) -> None:
    """The worker's sending thread: queued batches into the pipe (without the GIL while
    the pipe is full, so checking goes on)."""
    try:
        while (data := outbox.get()) is not None:
            sender.send_bytes(data)
    except OSError:  # BrokenPipeError: the importer is gone
        return
    finally:
        sender.close()


def _widen(pipe: Connection) -> None:
    """Make the pipe hold a whole batch where the system allows (Linux: up to 1 MiB by
    default), so that a batch goes in one write rather than sixteen."""
    try:
        import fcntl

        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, BATCH_BYTES // 2)
    except (ImportError, AttributeError, OSError):
        pass  # not Linux, or a lower limit: smaller writes, the same result
