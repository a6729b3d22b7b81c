"""Rolling backups and restores on real project files (storage.backups; DESIGN §4, §9)."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from app.cli import main
from app.core.labels import default_labels
from storage import (
    NewerProjectError,
    NotAProjectError,
    Project,
    ProjectError,
    ProjectLockedError,
    Span,
    open_project,
)
from storage.backups import (
    BEFORE_RESTORE,
    BackupError,
    backups_dir,
    list_backups,
    restore_backup,
    take_backup,
)
from storage.clock import now
from storage.documents import NewDocument
from storage.ids import new_id
from storage.lock import ProjectLock
from storage.migrations import LATEST_VERSION

TEXT = "قُتل ثلاثة عشر مدنياً بالرقة 📍 فجر اليوم، وفق المرصد السوري."


def add_document(project: Project, external_id: str, text: str = TEXT) -> int:
    import hashlib

    with project.transaction():
        return project.documents.add(
            NewDocument(
                external_id=external_id,
                text=text,
                sha256=hashlib.sha256((external_id + text).encode()).hexdigest(),
                title=external_id,
            ),
            imported_at=now(),
        )


def tag(project: Project, document_id: int, covered: str, label: str = "LOCATION") -> Span:
    start = TEXT.index(covered)
    span = Span(new_id(), document_id, "alice", start, start + len(covered), label, covered)
    return project.spans.create(span, by="alice")


def content(path: Path) -> list[str]:
    """The project's content as SQL, read through an independent connection."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """A closed project with one document."""
    target = tmp_path / "corpus.tawsim"
    with open_project(target, create=True, labels=default_labels()) as project:
        add_document(project, "raqqa")
    return target


def test_a_backup_is_a_checked_self_contained_copy(path: Path) -> None:
    backup = take_backup(path, keep=10)
    assert backup is not None
    assert backup.path.parent == backups_dir(path) == path.with_name("corpus.tawsim.backups")
    assert backup.path.name.startswith("corpus-") and backup.path.name.endswith("Z.tawsim")
    assert backup.size == backup.path.stat().st_size > 0
    assert content(backup.path) == content(path)
    conn = sqlite3.connect(backup.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    # Nothing but the backup is left in the folder: no -wal, no partial copy.
    assert sorted(p.name for p in backups_dir(path).iterdir()) == [backup.path.name]


def test_a_backup_holds_committed_work_only_while_the_app_writes(path: Path) -> None:
    with open_project(path) as project:
        kept = add_document(project, "committed")  # in the -wal, not yet in the file
        project.conn.execute("BEGIN IMMEDIATE")  # a write under way: not in the backup
        project.conn.execute("DELETE FROM documents WHERE id = ?", (kept,))
        backup = take_backup(path, keep=10)
        project.conn.execute("ROLLBACK")
    assert backup is not None
    with open_project(backup.path) as copy:
        assert sorted(d.external_id for d in copy.documents.iterate()) == ["committed", "raqqa"]


def test_backups_are_listed_newest_first_and_rolled_to_keep(path: Path) -> None:
    taken = []
    with open_project(path) as project:
        for n in range(5):
            add_document(project, f"doc{n}")
            backup = take_backup(path, keep=3)
            assert backup is not None
            taken.append(backup)
    listed = list_backups(path)
    assert [b.path for b in listed] == [b.path for b in reversed(taken[2:])]
    assert [b.taken_at for b in listed] == sorted((b.taken_at for b in listed), reverse=True)
    assert all(b.size > 0 and b.kind == "" for b in listed)
    assert not taken[0].path.exists() and not taken[1].path.exists()


def test_no_backup_when_nothing_changed_since_the_last_one(path: Path) -> None:
    first = take_backup(path, keep=10, if_changed=True)
    assert first is not None
    assert take_backup(path, keep=10, if_changed=True) is None
    with open_project(path) as project:
        assert take_backup(path, keep=10, if_changed=True) is None  # opening is no change
        project.set_setting("strip_proclitics", "0")  # a write the change log does not see
        second = take_backup(path, keep=10, if_changed=True)
        assert second is not None
        tag(project, 1, "الرقة")
        assert take_backup(path, keep=10, if_changed=True) is not None
        assert take_backup(path, keep=10, if_changed=True) is None
        span = project.spans.for_document(1)[0]
        project.spans.update(span.uuid, by="alice", label="ACTOR")  # same counts, new log row
        assert take_backup(path, keep=10, if_changed=True) is not None
    assert len(list_backups(path)) == 4


def test_a_damaged_project_never_replaces_a_good_backup(path: Path) -> None:
    good = take_backup(path, keep=1)
    assert good is not None
    data = bytearray(path.read_bytes())
    data[2 * 4096 : 4 * 4096] = os.urandom(2 * 4096)
    path.write_bytes(bytes(data))
    with pytest.raises(NotAProjectError, match="damaged"):
        take_backup(path, keep=1)
    assert [b.path for b in list_backups(path)] == [good.path]
    assert [p.name for p in backups_dir(path).iterdir()] == [good.path.name]  # no partial


def test_a_backup_that_cannot_be_written_says_so(path: Path) -> None:
    backups_dir(path).write_text("a file where the folder should be")
    with pytest.raises(BackupError, match="backups folder"):
        take_backup(path, keep=10)


def test_partial_copies_of_killed_backups_are_cleared_later(path: Path) -> None:
    folder = backups_dir(path)
    folder.mkdir()
    old = folder / ".corpus-20240101T000000.000000Z.tawsim.partial"
    fresh = folder / ".corpus-20240101T000001.000000Z.tawsim.partial"
    for partial in (old, fresh):
        partial.write_bytes(b"half a copy")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    take_backup(path, keep=10)
    assert not old.exists()
    assert fresh.exists()  # perhaps another instance's backup under way
    assert len(list_backups(path)) == 1  # partial copies are never listed


# -- restoring ----------------------------------------------------------------------------


def test_restore_puts_the_backup_back_and_can_itself_be_undone(path: Path) -> None:
    backup = take_backup(path, keep=10)
    assert backup is not None
    with open_project(path) as project:
        tag(project, 1, "الرقة")
    after_tag = content(path)
    Path(f"{path}-wal").write_bytes(b"")  # a stale, empty log beside the file

    result = restore_backup(backup.path, path)

    assert content(path) == content(backup.path)
    assert not Path(f"{path}-wal").exists() and not Path(f"{path}-shm").exists()
    assert result.previous is not None and result.previous.kind == BEFORE_RESTORE
    assert result.damaged_copy is None
    assert content(result.previous.path) == after_tag
    with open_project(path) as project:
        assert project.spans.for_document(1) == []
        assert project.integrity_ok()
    # Undo: restore what was there before.
    restore_backup(result.previous.path, path)
    with open_project(path) as project:
        assert [s.text for s in project.spans.for_document(1)] == ["الرقة"]
    assert sum(b.kind == BEFORE_RESTORE for b in list_backups(path)) == 2


def test_backups_taken_before_a_restore_are_never_rolled_away(path: Path) -> None:
    backup = take_backup(path, keep=1)
    assert backup is not None
    restore_backup(backup.path, path)
    for n in range(3):
        with open_project(path) as project:
            add_document(project, f"later{n}")
        take_backup(path, keep=1)
    kinds = [b.kind for b in list_backups(path)]
    assert sorted(kinds) == ["", BEFORE_RESTORE]


def test_restore_over_a_damaged_file_keeps_the_damaged_bytes_aside(path: Path) -> None:
    backup = take_backup(path, keep=10)
    assert backup is not None
    damaged = b"SQLite format 3\x00" + os.urandom(20000)
    path.write_bytes(damaged)
    result = restore_backup(backup.path, path)
    assert result.previous is None
    assert result.damaged_copy is not None
    assert result.damaged_copy.parent == path.parent
    assert result.damaged_copy.name.startswith("corpus.tawsim.damaged-")
    assert result.damaged_copy.read_bytes() == damaged
    assert content(path) == content(backup.path)


def test_restore_to_a_new_file(path: Path, tmp_path: Path) -> None:
    backup = take_backup(path, keep=10)
    assert backup is not None
    target = tmp_path / "recovered.tawsim"
    result = restore_backup(backup.path, target)
    assert result.previous is None and result.damaged_copy is None
    with open_project(target) as project:
        assert [d.external_id for d in project.documents.iterate()] == ["raqqa"]
    assert not (tmp_path / "recovered.tawsim.lock").exists()  # the restore's lock is released


def test_restore_is_refused_while_the_project_is_in_use(path: Path) -> None:
    backup = take_backup(path, keep=10)
    assert backup is not None
    before = content(path)
    holder = ProjectLock.acquire(path, "bob")  # another Tawsim holds it
    try:
        with pytest.raises(ProjectLockedError, match="in use by bob"):
            restore_backup(backup.path, path)
    finally:
        holder.release()
    other = sqlite3.connect(path)  # another program (no Tawsim lock) has it open
    other.execute("SELECT count(*) FROM documents").fetchone()
    try:
        with pytest.raises(ProjectLockedError, match="open in another program"):
            restore_backup(backup.path, path)
    finally:
        other.close()
    assert content(path) == before
    assert [b.kind for b in list_backups(path)] == [""]


def test_restore_refuses_what_is_not_a_whole_backup(path: Path, tmp_path: Path) -> None:
    before = content(path)
    text = tmp_path / "notes.tawsim"
    text.write_text("ليست نسخة احتياطية", encoding="utf-8")
    foreign = tmp_path / "other.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE things (x)")
    conn.commit()
    conn.close()
    newer = tmp_path / "newer.tawsim"
    newer.write_bytes(path.read_bytes())
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    cases: list[tuple[Path, type[Exception], str]] = [
        (text, NotAProjectError, "not a Tawsim project|damaged"),
        (foreign, NotAProjectError, "not a Tawsim project"),
        (newer, NewerProjectError, "newer Tawsim"),
        (tmp_path / "missing.tawsim", ProjectError, "no such backup"),
        (path, ProjectError, "from itself"),
    ]
    for source, error, message in cases:
        with pytest.raises(error, match=message) as caught:
            restore_backup(source, path)
        assert str(source) in str(caught.value)
    assert content(path) == before
    assert list_backups(path) == []


# -- the command line ---------------------------------------------------------------------


@pytest.fixture
def home(tawsim_home: Path) -> Path:
    return tawsim_home


def test_cli_lists_and_restores_backups(
    path: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["backups", str(path)]) == 0
    assert "no backups" in capsys.readouterr().out
    backup = take_backup(path, keep=10)
    assert backup is not None
    with open_project(path) as project:
        add_document(project, "later")
    assert main(["backups", str(path)]) == 0
    out = capsys.readouterr().out
    assert backup.path.name in out and "automatic" in out and "KB" in out

    assert main(["restore", str(path), "latest"]) == 0
    out = capsys.readouterr().out
    assert f"restored {path} from {backup.path}" in out
    undo = next(b for b in list_backups(path) if b.kind == BEFORE_RESTORE)
    assert f"tawsim restore {path} {undo.path}" in out
    with open_project(path) as project:
        assert [d.external_id for d in project.documents.iterate()] == ["raqqa"]


def test_cli_restore_of_a_damaged_backup_exits_2(
    path: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup = take_backup(path, keep=10)
    assert backup is not None
    backup.path.write_bytes(backup.path.read_bytes()[:4096])
    before = path.read_bytes()
    assert main(["restore", str(path), backup.path.name]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"tawsim: {backup.path}:") and "damaged" in err
    assert "Traceback" not in err
    assert path.read_bytes() == before


def test_cli_import_backs_up_first(
    path: Path, home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "more.jsonl"
    source.write_text('{"id": "more", "text": "خبر آخر من حلب."}\n', encoding="utf-8")
    assert main(["import", str(path), str(source)]) == 0
    backups = list_backups(path)
    assert len(backups) == 1
    assert content(backups[0].path) != content(path)  # taken before the import
    with open_project(backups[0].path) as copy:
        assert [d.external_id for d in copy.documents.iterate()] == ["raqqa"]
