"""Files that are not Tawsim projects, or damaged ones: a clear message, the file untouched.

The damaged files are made here from a real project (not stored as binary fixtures): each
is what a cut-off copy, a bad sector, a wrong file or a stray tool leaves behind.
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from app.cli import main
from app.core.labels import default_labels
from storage import NotAProjectError, Project, ProjectError, open_project
from storage.backups import list_backups, take_backup
from storage.clock import now
from storage.documents import NewDocument

PAGE = 4096


def make_project(path: Path, documents: int = 60) -> Path:
    with open_project(path, create=True, labels=default_labels()) as project:
        fill(project, documents)
    return path


def fill(project: Project, documents: int) -> None:
    with project.transaction():
        for n in range(documents):
            text = f"قُتل {n} مدنياً بالرقة 📍 فجر اليوم، وفق المرصد السوري. " * 20
            project.documents.add(
                NewDocument(
                    external_id=f"doc{n}",
                    text=text,
                    sha256=hashlib.sha256(text.encode()).hexdigest(),
                    title=f"خبر {n}",
                ),
                imported_at=now(),
            )


def sqlite_file(path: Path, statements: list[str]) -> bytes:
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()
    data = path.read_bytes()
    path.unlink()
    return data


def overwrite(data: bytes, start: int, length: int) -> bytes:
    noise = random.Random(start).randbytes(length)
    return data[:start] + noise + data[start + length :]


# name -> (bytes of a good project, a scratch path) -> bytes of the broken file
Breakage = Callable[[bytes, Path], bytes]
CASES: dict[str, tuple[Breakage, str]] = {
    "cut in half": (lambda d, _: d[: len(d) // 2], "damaged"),
    "only the first page left": (lambda d, _: d[:PAGE], "damaged"),
    "only the 100-byte header left": (lambda d, _: d[:100], "damaged"),
    "cut inside the header": (lambda d, _: d[:50], "damaged"),
    "header zeroed": (lambda d, _: bytes(100) + d[100:], "not a Tawsim project"),
    "header overwritten": (lambda d, _: overwrite(d, 0, 100), "not a Tawsim project"),
    "schema page overwritten": (lambda d, _: overwrite(d, 0, PAGE), "not a Tawsim project"),
    "second page overwritten": (lambda d, _: overwrite(d, PAGE, PAGE), "damaged"),
    "random bytes": (lambda d, _: random.Random(7).randbytes(len(d)), "not a Tawsim project"),
    "zero bytes": (lambda d, _: b"", "empty"),
    "a text file": (lambda d, _: "مقالات اليوم\n".encode() * 500, "not a Tawsim project"),
    "another program's database": (
        lambda d, p: sqlite_file(
            p, ["CREATE TABLE notes (body TEXT)", "INSERT INTO notes VALUES (1)"]
        ),
        "not a Tawsim project",
    ),
    "an empty SQLite database": (
        lambda d, p: sqlite_file(p, ["PRAGMA user_version = 0", "VACUUM"]),
        "not a Tawsim project",
    ),
}


@pytest.fixture(scope="module")
def good_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return make_project(tmp_path_factory.mktemp("good") / "good.tawsim").read_bytes()


@pytest.mark.parametrize("case", list(CASES))
def test_opening_a_broken_file_is_a_clear_refusal_that_changes_nothing(
    case: str, good_bytes: bytes, tmp_path: Path
) -> None:
    breakage, expected = CASES[case]
    path = tmp_path / "broken.tawsim"
    broken = breakage(good_bytes, tmp_path / "scratch.db")
    path.write_bytes(broken)

    for attempt in (lambda: open_project(path), lambda: open_project(path, holder="alice")):
        with pytest.raises(NotAProjectError) as caught:
            attempt()
        message = str(caught.value)
        assert message.startswith(f"{path}: ") and expected in message, message
        assert "Traceback" not in message
        assert path.read_bytes() == broken
        assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.tawsim"]  # no -wal, lock
    # Nor does init overwrite it: only an empty file (or empty SQLite database) is made one.
    if broken and case != "an empty SQLite database":
        with pytest.raises(NotAProjectError):
            open_project(path, create=True)
        assert path.read_bytes() == broken


def test_the_command_line_names_the_file_without_a_traceback(
    good_bytes: bytes, tmp_path: Path, tawsim_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.tawsim"
    path.write_bytes(good_bytes[: len(good_bytes) // 2])
    for command in (
        ["export", str(path), "--out", str(tmp_path / "out.jsonl")],
        ["import", str(path), str(tmp_path / "none.txt")],
        ["agreement", str(path)],
    ):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"tawsim: {path}: ") and "damaged" in err
        assert "Traceback" not in err
    assert not (tmp_path / "out.jsonl").exists()


def test_damage_that_opening_cannot_see_is_found_by_the_backup(tmp_path: Path) -> None:
    """Pages deep inside the file are read only when needed: a full read finds them, which
    the backup taken on open does (in the background), and no good backup is lost to it."""
    path = make_project(tmp_path / "corpus.tawsim", documents=120)
    good = take_backup(path, keep=1)
    assert good is not None
    data = path.read_bytes()
    pages = len(data) // PAGE
    broken = overwrite(data, (pages - 5) * PAGE, PAGE)  # a page of article texts
    path.write_bytes(broken)
    with open_project(path) as project:  # opens: nothing read there yet
        assert project.documents.count() == 120
    with pytest.raises(NotAProjectError, match="damaged") as caught:
        take_backup(path, keep=1)
    assert str(path) in str(caught.value)
    assert [b.path for b in list_backups(path)] == [good.path]
    assert path.read_bytes() == broken


def test_a_missing_project_is_not_called_damaged(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no such project") as caught:
        open_project(tmp_path / "missing.tawsim")
    assert not isinstance(caught.value, NotAProjectError)
