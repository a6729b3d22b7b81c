"""One writer per project: the lock file, its holder, stale locks, read-only opens, and
writes the disk refuses (a real "database or disk is full", a real read-only connection)."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.core.labels import default_labels
from storage import Project, ProjectLockedError, open_project
from storage.errors import ReadOnlyProjectError, WriteFailedError
from storage.lock import LockHolder, ProjectLock, _is_stale, lock_path, read_holder

ROOT = Path(__file__).resolve().parents[3]

# Holds the project (argv[1]) for argv[2] until killed or stdin closes.
HOLDER_SCRIPT = textwrap.dedent(
    """
    import sys
    from storage import open_project
    project = open_project(sys.argv[1], holder=sys.argv[2])
    print("HELD", flush=True)
    sys.stdin.read()
    project.close()
    print("RELEASED", flush=True)
    """
)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    target = tmp_path / "corpus.tawsim"
    open_project(target, create=True, labels=default_labels()).close()
    return target


@pytest.fixture
def other_process(path: Path) -> Iterator[subprocess.Popen[str]]:
    """A second Tawsim process holding ``path`` as "bob"."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER_SCRIPT, str(path), "bob"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "HELD"
    yield process
    if process.poll() is None:
        process.kill()
        process.wait(timeout=10)


def _counts(path: Path) -> tuple[int, int]:
    conn = sqlite3.connect(path)
    try:
        return (
            conn.execute("SELECT count(*) FROM annotators").fetchone()[0],
            conn.execute("SELECT count(*) FROM changes").fetchone()[0],
        )
    finally:
        conn.close()


def _write_lock(path: Path, **fields: object) -> None:
    holder = {
        "annotator": "carol",
        "host": "far-away-host",
        "pid": 4242,
        "since": "2024-03-05T09:12:00.000+00:00",
        "heartbeat": datetime.now(UTC).isoformat(),
        "token": "theirs",
    }
    lock_path(path).write_text(json.dumps({**holder, **fields}), encoding="utf-8")


# -- one process -----------------------------------------------------------------------------
def test_second_writer_in_the_same_process_is_told_who_holds_it(path: Path) -> None:
    with open_project(path, holder="alice") as first:
        assert first.lock is not None and lock_path(path).exists()
        with pytest.raises(ProjectLockedError) as caught:
            open_project(path, holder="bob")
        holder = caught.value.holder
        assert holder is not None
        assert (holder.annotator, holder.host, holder.pid) == (
            "alice",
            socket.gethostname(),
            os.getpid(),
        )
        since = datetime.fromisoformat(holder.since)
        assert since.utcoffset() == timedelta(0)
        assert abs(datetime.now(UTC) - since) < timedelta(minutes=1)
        message = str(caught.value)
        assert str(path) in message and "alice on" in message and "UTC" in message
    # Closing released it: the lock file is gone and the next writer gets in.
    assert not lock_path(path).exists()
    with open_project(path, holder="bob") as second:
        assert read_holder(path) == second.lock.holder  # type: ignore[union-attr]


def test_callers_that_pass_no_holder_neither_take_nor_check_the_lock(path: Path) -> None:
    with open_project(path, holder="alice"), open_project(path) as script:
        assert script.lock is None
        script.annotator("scripted")  # writes as before: WAL serializes the two connections
    assert _counts(path)[0] == 1


def test_read_only_open_reads_everything_and_refuses_every_write(path: Path) -> None:
    with open_project(path, holder="alice") as writer:
        writer.annotator("alice")
        reader = open_project(path, read_only=True)
        try:
            assert reader.read_only and reader.lock is None
            assert [a.name for a in reader.annotators()] == ["alice"]
            assert [label.id for label in reader.labels.all()][:2] == ["ACTOR", "LOCATION"]
            # An annotator the project lacks is a stand-in that owns nothing, not a write.
            assert reader.annotator("bob").id == 0
            with pytest.raises(ReadOnlyProjectError, match="read-only"):
                reader.set_setting("strip_proclitics", "0")
            with pytest.raises(ReadOnlyProjectError), reader.transaction():
                pass
            # Below our own check SQLite refuses as well (mode=ro).
            with pytest.raises(sqlite3.OperationalError, match="readonly"):
                reader.conn.execute("DELETE FROM annotators")
            writer.annotator("dana")  # the holder writes on; the reader sees it (WAL)
            assert [a.name for a in reader.annotators()] == ["alice", "dana"]
        finally:
            reader.close()
        assert lock_path(path).exists()  # the reader's close left the holder's lock alone
    assert _counts(path)[0] == 2


# -- two processes ---------------------------------------------------------------------------
def test_a_second_process_is_told_who_holds_it(
    path: Path, other_process: subprocess.Popen[str]
) -> None:
    with pytest.raises(ProjectLockedError) as caught:
        open_project(path, holder="alice")
    holder = caught.value.holder
    assert holder is not None
    assert (holder.annotator, holder.pid) == ("bob", other_process.pid)
    with open_project(path, read_only=True) as reader:  # what the window then does
        assert reader.read_only
    assert other_process.stdin is not None and other_process.stdout is not None
    other_process.stdin.close()
    assert other_process.stdout.readline().strip() == "RELEASED"
    other_process.wait(timeout=10)
    with open_project(path, holder="alice") as project:
        assert project.lock is not None and project.lock.holder.annotator == "alice"


def test_the_lock_of_a_killed_holder_is_stale_and_cleared(
    path: Path, other_process: subprocess.Popen[str]
) -> None:
    before = read_holder(path)
    assert before is not None and before.pid == other_process.pid
    other_process.send_signal(signal.SIGKILL)
    other_process.wait(timeout=10)
    assert lock_path(path).exists()  # a crash leaves the file behind...
    with open_project(path, holder="alice") as project:  # ...but not its flock
        after = read_holder(path)
        assert after is not None and after.annotator == "alice" and after.token != before.token
        assert project.lock is not None and project.lock.still_ours()
    assert not lock_path(path).exists()


def test_a_live_lock_is_never_cleared_even_if_its_heartbeat_is_old(
    path: Path, other_process: subprocess.Popen[str]
) -> None:
    with pytest.raises(ProjectLockedError):
        open_project(path, holder="alice", stale_after=timedelta(0))
    holder = read_holder(path)
    assert holder is not None and holder.pid == other_process.pid


# -- other hosts (shared folders): judged by the heartbeat -----------------------------------
def test_a_lock_from_another_host_holds_while_its_heartbeat_is_fresh(path: Path) -> None:
    _write_lock(path)
    with pytest.raises(ProjectLockedError, match="carol on far-away-host since 2024-03-05 09:12"):
        open_project(path, holder="alice")
    assert read_holder(path).annotator == "carol"  # type: ignore[union-attr]


def test_a_lock_from_another_host_without_heartbeat_is_replaced_not_deleted(path: Path) -> None:
    old = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    _write_lock(path, heartbeat=old)
    with open_project(path, holder="alice", stale_after=timedelta(minutes=30)) as project:
        assert read_holder(path).annotator == "alice"  # type: ignore[union-attr]
        assert project.lock is not None
    assert not list(path.parent.glob("*.tmp"))


def test_heartbeat_refreshes_and_notices_a_takeover(path: Path) -> None:
    lock = ProjectLock.acquire(path, "alice")
    first = lock.holder.heartbeat
    assert lock.heartbeat()
    refreshed = read_holder(path)
    assert refreshed is not None and refreshed.heartbeat >= first
    assert refreshed.token == lock.holder.token
    # Another host judged us stale and replaced the file: we notice, and leave theirs alone.
    replacement = path.with_name("replacement")
    replacement.write_bytes(LockHolder.me("carol").to_bytes())
    os.replace(replacement, lock_path(path))
    assert not lock.heartbeat()
    lock.release()
    assert read_holder(path).annotator == "carol"  # type: ignore[union-attr]


def test_a_lock_file_being_written_counts_as_held_until_it_is_old(path: Path) -> None:
    lock_path(path).write_bytes(b"")  # created, not yet written (O_EXCL, then JSON)
    with pytest.raises(ProjectLockedError, match="opening it right now"):
        open_project(path, holder="alice")
    a_minute_ago = datetime.now().timestamp() - 60
    os.utime(lock_path(path), (a_minute_ago, a_minute_ago))
    with open_project(path, holder="alice"):
        assert read_holder(path).annotator == "alice"  # type: ignore[union-attr]


def test_without_flocks_a_local_lock_is_stale_when_its_process_is_gone() -> None:
    """The Windows rule (no fcntl there): this host's pid decides."""
    written = datetime.now(UTC)
    alive = LockHolder("bob", socket.gethostname(), os.getpid(), "", written.isoformat())
    dead_process = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = LockHolder("bob", socket.gethostname(), int(dead_process.stdout), "", "")
    assert not _is_stale(alive, written, None, timedelta(minutes=30))
    assert _is_stale(dead, written, None, timedelta(minutes=30))


# -- files that cannot be written ------------------------------------------------------------
def test_a_read_only_file_is_refused_for_writing_and_opens_read_only(path: Path) -> None:
    path.chmod(0o444)
    if os.access(path, os.W_OK):
        pytest.skip("running as root: chmod cannot make the file read-only (see the next test)")
    try:
        with pytest.raises(ReadOnlyProjectError, match="read-only"):
            open_project(path, holder="alice")
        assert not lock_path(path).exists()
        with open_project(path, read_only=True) as reader:
            assert reader.read_only
    finally:
        path.chmod(0o644)


def test_a_write_sqlite_refuses_as_read_only_names_the_file_and_stores_nothing(
    path: Path,
) -> None:
    """SQLite's own refusal, below our read-only flag. Without root: the file is chmod'ed
    read-only; as root (chmod does not stop root) the connection is opened with mode=ro."""
    before = _counts(path)
    path.chmod(0o444)
    try:
        if os.access(path, os.W_OK):  # simulated: root
            conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, isolation_level=None)
            project = Project(conn, path)
        else:  # real: the permission bits
            project = open_project(path)
        with project, pytest.raises(WriteFailedError) as caught:
            project.annotator("alice")
    finally:
        path.chmod(0o644)
    assert str(path) in str(caught.value) and "read-only" in str(caught.value)
    assert isinstance(caught.value, sqlite3.OperationalError)  # for code that catches those
    assert _counts(path) == before


def test_disk_full_rolls_the_whole_action_back_and_the_project_stays_usable(path: Path) -> None:
    with open_project(path, holder="alice") as project:
        project.annotator("alice")
        before = _counts(path)
        conn = project.conn
        # SQLite's own limit makes a real SQLITE_FULL: the file may not grow by a page.
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(WriteFailedError) as caught, project.transaction():
            project.log_change(by="alice", action="first.half")  # fits
            project.conn.execute(
                "INSERT INTO project_meta (key, value) VALUES ('big', ?)", ("x" * 200_000,)
            )
        assert caught.value.sqlite_errorname == "SQLITE_FULL"
        assert str(path) in str(caught.value) and "disk is full" in str(caught.value)
        assert not conn.in_transaction
        assert _counts(path) == before  # not even the half that fitted
        conn.execute(f"PRAGMA max_page_count = {pages * 100}")  # space again
        project.set_setting("after", "ok")
        assert project.setting("after") == "ok" and project.integrity_ok()


# -- Save a copy as… -------------------------------------------------------------------------
def test_copy_to_writes_a_whole_project_even_from_a_read_only_open(path: Path) -> None:
    with open_project(path, holder="alice") as project:
        project.annotator("alice")
        target = path.with_name("copy.tawsim")
        Path(f"{target}-wal").write_bytes(b"an old log that must not be replayed")
        target.write_bytes(b"an older file of that name")
        with open_project(path, read_only=True) as reader:
            reader.copy_to(target)
        with pytest.raises(Exception, match="open project"):
            project.copy_to(path)
    assert not Path(f"{target}-wal").exists()
    with open_project(target, holder="alice") as copy:
        assert [a.name for a in copy.annotators()] == ["alice"] and copy.integrity_ok()
        with open_project(path) as original, pytest.raises(Exception, match="open elsewhere"):
            original.copy_to(target)
    assert not list(path.parent.glob(".*.partial"))


def test_tawsim_import_is_refused_while_the_project_is_held(
    path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli import main

    source = tmp_path / "one.jsonl"
    source.write_text(json.dumps({"id": "a", "text": "نص قصير"}, ensure_ascii=False) + "\n")
    with open_project(path, holder="alice"):
        assert main(["import", str(path), str(source)]) == 2
        assert f"{path}: in use by alice on " in capsys.readouterr().err
    assert _counts(path) == (0, 0)  # nothing imported, nothing logged
    assert main(["import", str(path), str(source)]) == 0
    assert not lock_path(path).exists()


@pytest.mark.parametrize("command", ["merge", "adjudicate"])
def test_merge_and_adjudicate_are_refused_while_the_project_is_held(
    command: str, path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli import main

    words = [command, str(path)] + (
        [str(tmp_path / "package.tawsim")] if command == "merge" else []
    )
    with open_project(path, holder="alice"):
        assert main(words) == 2
        assert f"{path}: in use by alice on " in capsys.readouterr().err
    assert _counts(path) == (0, 0)
    assert not lock_path(path).exists()
