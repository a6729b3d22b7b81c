"""Bugs the kill test found, each pinned by a focused test of its own."""

from __future__ import annotations

import random
from pathlib import Path

from app.core.setup import init_project
from storage import open_project
from tests.crash.harness import child_env, run_and_kill


def test_a_project_killed_while_being_created_is_absent_or_whole(tmp_path: Path) -> None:
    """`tawsim init` (and `tawsim import` into a new project) killed in its first
    milliseconds left an empty file, or one without the application id, or without the
    labels: refused ever after ("not a Tawsim project") or useless. Now a new project is
    made under a hidden name and renamed into place whole; the next creation replaces
    what a kill left of that."""
    rng = random.Random(7)
    for attempt in range(12):
        project = tmp_path / f"new-{attempt}.tawsim"
        run = run_and_kill(
            ["-m", "tests.crash.child_cli", "init", str(project)],
            env=child_env(tmp_path / "home"),
            trigger="START",
            delay=rng.uniform(0.0, 0.02),
            stderr_path=tmp_path / "stderr.txt",
        )
        assert run.killed or run.clean_exit(), run.stderr
        if not project.exists():
            init_project(project).close()
        with open_project(project) as opened:
            assert opened.integrity_ok()
            labels = [label.id for label in opened.labels.all()]
            assert labels == ["ACTOR", "LOCATION", "CASUALTY_COUNT", "DATE"]
        beside = sorted(p.name for p in tmp_path.iterdir() if f"new-{attempt}." in p.name)
        assert beside == [project.name, f"{project.name}-shm", f"{project.name}-wal"] or beside == [
            project.name
        ], beside


WRITER = """
import sys, time
from app.formats.atomic import atomic_directory, atomic_text_writer
target = sys.argv[1]
if sys.argv[2] == "file":
    with atomic_text_writer(target) as stream:
        stream.write("half of an export\\n")
        stream.flush()
        print("WRITING", flush=True)
        time.sleep(60)
else:
    with atomic_directory(target) as scratch:
        (scratch / "a.ann").write_text("T1\\tACTOR 0 3\\tabc\\n")
        print("WRITING", flush=True)
        time.sleep(60)
"""


def _killed_writer(tmp_path: Path, target: Path, kind: str) -> None:
    run = run_and_kill(
        ["-c", WRITER, str(target), kind],
        env=child_env(tmp_path / "home"),
        trigger="WRITING",
        delay=0.0,
        stderr_path=tmp_path / "stderr.txt",
    )
    assert run.killed, run.stderr


def test_the_next_export_removes_what_a_killed_one_left(tmp_path: Path) -> None:
    """A killed export left its hidden temporary (a partial copy, as big as the export)
    for good; now each write first removes the temporaries no living writer holds."""
    from app.formats.atomic import atomic_directory, atomic_text_writer

    out = tmp_path / "out"
    _killed_writer(tmp_path, out / "all.jsonl", "file")
    _killed_writer(tmp_path, out / "brat", "folder")
    left = sorted(p.name for p in out.iterdir())
    assert len(left) == 2 and all(n.startswith((".all.jsonl.", ".brat.")) for n in left), left
    assert all(n.endswith(".tmp") for n in left)  # hidden and named as temporary
    with atomic_text_writer(out / "all.jsonl") as stream:
        stream.write("whole\n")
    with atomic_directory(out / "brat") as scratch:
        (scratch / "doc.ann").write_text("", encoding="utf-8")
    assert sorted(p.name for p in out.iterdir()) == ["all.jsonl", "brat"]
    assert sorted(p.name for p in (out / "brat").iterdir()) == ["doc.ann"]


def test_a_folder_moved_aside_by_a_killed_export_is_removed(tmp_path: Path) -> None:
    """Killed between its two renames, a folder export leaves its new folder and the old
    one moved aside (and no output): both go with the next export. (Made here as such a
    kill leaves them: nothing holds their locks once the writer is dead.)"""
    from app.formats.atomic import atomic_directory

    scratch = tmp_path / ".xmi.k1ll3d__.tmp"
    (scratch / "new").mkdir(parents=True)
    (tmp_path / ".xmi.k1ll3d__.tmp.old" / "previous").mkdir(parents=True)
    with atomic_directory(tmp_path / "xmi") as folder:
        (folder / "doc.xmi").write_text("<xmi/>", encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["xmi"]


def test_a_living_writers_temporary_is_left_alone(tmp_path: Path) -> None:
    """Two writers of one output: the second's clean-up must not take the first's file."""
    from app.formats.atomic import atomic_text_writer

    target = tmp_path / "settings.json"
    with atomic_text_writer(target) as first:
        first.write("first")
        first.flush()
        with atomic_text_writer(target) as second:
            second.write("second")
        assert target.read_text(encoding="utf-8") == "second"
        assert len(list(tmp_path.glob(".settings.json.*.tmp"))) == 1  # the first's, kept
    assert target.read_text(encoding="utf-8") == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]
