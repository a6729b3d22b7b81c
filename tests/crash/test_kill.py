"""SIGKILL at random moments: tagging, import, export, migration and merge (issue 7).

Each scenario starts real child processes on a real project file, kills each after a
random delay, and checks what the user would find on restart:

- the project opens and ``PRAGMA integrity_check`` is ok;
- everything the child had reported as done is there;
- nothing is half there: no document without its spans, no partial export, no migration
  half applied, no file half merged.

The delays are seeded: a failure names the seed, and ``TAWSIM_KILL_SEED=<seed>`` replays
the same delays and choices. ``TAWSIM_KILLS`` is the number of kills over all scenarios
(50 in `make test`, 1000 in `make soak`). ``pytest -s`` prints what the kills found.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.crash import checks, old_schema
from tests.crash.corpus import fresh_copy, records, remove_project, write_brat_folder, write_jsonl
from tests.crash.export_checks import EXPORTS, check_export, check_parseable, every_output
from tests.crash.harness import (
    ChildRun,
    Tally,
    child_env,
    master_seed,
    replay_hint,
    run_and_kill,
    run_in_process,
    share,
)
from tests.crash.import_checks import as_annotator, check_import, reported_committed
from tests.crash.layer import Expected, read_layer
from tests.crash.merge_checks import make_packages, merged_state, reported_merged

SEED = master_seed()
# Each scenario's share of the kills (they add up to 1).
WEIGHTS = {"tagging": 0.26, "import": 0.2, "export": 0.2, "migration": 0.2, "merge": 0.14}


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings and backups of the in-process reference runs stay in tmp_path."""
    home = tmp_path / "home"
    monkeypatch.setenv("TAWSIM_HOME", str(home))
    return home


def rng_for(scenario: str) -> random.Random:
    return random.Random(f"{SEED}:{scenario}")


def child(tmp_path: Path, argv: list[str], delay: float | None, trigger: str | None) -> ChildRun:
    return run_and_kill(
        argv,
        env=child_env(tmp_path / "home"),
        trigger=trigger,
        delay=delay,
        stderr_path=tmp_path / "child-stderr.txt",
    )


def import_project(path: Path, items: list[dict[str, object]]) -> None:
    source = write_jsonl(path.with_name(path.name + ".jsonl"), items)
    run_in_process(["import", str(path), str(source)])


def seconds_after_start(run: ChildRun) -> float:
    return run.ended_at - (run.trigger_at or run.started_at)


# -- tagging -------------------------------------------------------------------------------
def test_kill_while_tagging(tmp_path: Path) -> None:
    """The real window driven by key presses (tag, retag, delete, undo, redo, mark done),
    killed while it starts or between and during actions; restarted on the same project."""
    rng, tally = rng_for("tagging"), Tally("tagging")
    project = tmp_path / "tagging.tawsim"
    with replay_hint("tagging", SEED):
        import_project(project, records(40))
        with checks.open_checked(project) as opened:
            layer = read_layer(opened.conn, "alice")
    for kill in range(share(WEIGHTS["tagging"])):
        with replay_hint("tagging", SEED, kill):
            starting = rng.random() < 0.2
            argv = ["-m", "tests.crash.child_tag", str(project), "alice", str(rng.randrange(2**31))]
            run = child(tmp_path, argv, rng.uniform(0.0, 0.5), None if starting else "READY")
            assert run.killed, f"the child ended by itself ({run.returncode}): {run.stderr}"
            tally.kills += 1
            expected = Expected(layer)
            for line in run.lines:
                expected.feed(line)
            with checks.open_checked(project) as opened:
                stored = read_layer(opened.conn, "alice")
                layer = expected.check_stored(stored)
                for uuid in (u for u in expected.created if u in stored.spans):
                    logged = opened.conn.execute(
                        "SELECT 1 FROM changes WHERE span_uuid = ? AND action = 'span.create'",
                        (uuid,),
                    ).fetchone()
                    assert logged, f"span {uuid} is stored without its change-log entry"
            checks.check_settings(tmp_path / "home")
            tally.count("actions done", expected.writes_done)
            tally.count("stored with the action in flight" if stored != expected.layer else "")
            shown = any(line.startswith("READY") for line in run.lines)
            tally.count("before the window showed", not shown)
    tally.report()


# -- import --------------------------------------------------------------------------------
def test_kill_while_importing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`tawsim import` of a JSONL file and of a brat folder, killed and run again on the
    same project until it is whole, then again on a new one (kills during its creation).

    Half the runs are the CLI itself, which says nothing until it ends; the other half a
    child that reports each chunk the importer has committed. The children commit every
    CHUNK records (app.core.importing reads it from the environment), so that a small
    input has many chunks a kill can fall between.
    """
    CHUNK = 500
    monkeypatch.setenv("TAWSIM_IMPORT_CHUNK", str(CHUNK))

    rng, tally = rng_for("import"), Tally("import")
    items = records(4 * CHUNK + 37)
    folder_items = items[: CHUNK + 50]
    sources = {
        "jsonl": (write_jsonl(tmp_path / "in" / "corpus.jsonl", items), None, items),
        "brat": (
            write_brat_folder(tmp_path / "in" / "brat", folder_items),
            "alice",
            as_annotator(folder_items, "alice"),
        ),
    }
    durations: dict[str, float] = {}
    while tally.kills < share(WEIGHTS["import"]):
        name = rng.choice(sorted(sources))
        source, annotator, expected = sources[name]
        project = tmp_path / name / "import.tawsim"
        with replay_hint("import", SEED, tally.kills):
            if name not in durations:  # a whole run first: how long the import takes
                run = child(tmp_path, _import_argv(project, source, annotator, rng), None, "START")
                assert run.clean_exit(), run.stderr
                check_import(project, expected, CHUNK, run)
                durations[name] = seconds_after_start(run) * 1.1
                remove_project(project)
            fresh = not project.exists()
            # A third of the kills on a new project come right away: during its creation.
            delay = rng.uniform(0, 0.03 if fresh and rng.random() < 0.33 else durations[name])
            run = child(tmp_path, _import_argv(project, source, annotator, rng), delay, "START")
            assert run.killed or run.clean_exit(), run.stderr
            tally.kills += run.killed
            count = check_import(project, expected, CHUNK, run) if project.exists() else 0
            tally.count("reported committed", reported_committed(run))
            if run.killed:
                outcome = "complete" if count == len(expected) else "whole chunks"
                tally.count("no project yet" if not project.exists() else outcome)
            if count == len(expected):
                remove_project(project)  # start again on a new project
    tally.report()


def _import_argv(
    project: Path, source: Path, annotator: str | None, rng: random.Random
) -> list[str]:
    if rng.random() < 0.5:
        argv = ["-m", "tests.crash.child_cli", "import", str(project), str(source)]
        return argv + (["--annotator", annotator] if annotator else [])
    argv = ["-m", "tests.crash.child_import", str(project), str(source)]
    return argv + ([annotator] if annotator else [])


# -- export --------------------------------------------------------------------------------
def test_kill_while_exporting(tmp_path: Path) -> None:
    """`tawsim export` (files, folders, per-layer folders) killed at random: each output is
    absent or byte for byte a whole export, never partial; temporaries may stay behind a
    kill, clearly named, and the next export of that output removes them."""
    rng, tally = rng_for("export"), Tally("export")
    project, reference, out = tmp_path / "export.tawsim", tmp_path / "ref", tmp_path / "out"
    documents = 120
    durations: list[float] = []
    with replay_hint("export", SEED):
        import_project(project, records(documents))
        for fmt, extra, name in EXPORTS:
            argv = ["export", str(project), "--format", fmt, *extra, "--out", str(reference / name)]
            durations.append(run_in_process(argv) * 1.2)
            check_parseable(fmt, reference / name, documents)
    while tally.kills < share(WEIGHTS["export"]):
        index = rng.randrange(len(EXPORTS))
        fmt, extra, name = EXPORTS[index]
        with replay_hint("export", SEED, tally.kills):
            argv = ["-m", "tests.crash.child_cli", "export", str(project), "--format", fmt]
            argv += [*extra, "--out", str(out / name)]
            run = child(tmp_path, argv, rng.uniform(0, durations[index]), "START")
            assert run.killed or run.clean_exit(), run.stderr
            tally.kills += run.killed
            found = check_export(fmt, out, reference, name)
            if run.killed:
                tally.count(f"output {found}")
                tally.count("temporaries left", len(checks.temporaries(out, every_output())))
            else:
                assert found == "complete"
    with replay_hint("export", SEED, tally.kills):
        for fmt, extra, name in EXPORTS:  # whole exports, which clean up after the killed
            target = str(out / name)
            run_in_process(["export", str(project), "--format", fmt, *extra, "--out", target])
            assert check_export(fmt, out, reference, name) == "complete"
        left = checks.temporaries(out, every_output())
        assert not left, f"temporaries of killed exports still there: {left}"
        with checks.open_checked(project):
            pass
    tally.report()


# -- migration -----------------------------------------------------------------------------
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "schema"


def test_kill_while_migrating(tmp_path: Path) -> None:
    """Opening an old-schema project upgrades it (a copy first, then the migrations): killed
    anywhere in that, the file holds the old schema intact or the newest complete, every
    row as it was, and a copy beside it is a whole copy of the old project."""
    from storage.migrations import LATEST_VERSION

    rng, tally = rng_for("migration"), Tally("migration")
    templates: dict[str, tuple[Path, int]] = {}
    with replay_hint("migration", SEED):
        current = tmp_path / "current.tawsim"
        import_project(current, records(1200))
        built = tmp_path / "templates" / "built-v1.tawsim"
        built.parent.mkdir()
        # Big enough (4 MB) for kills to land inside the upgrade, not only around it.
        old_schema.build_old(built, 1, current)
        templates["built-v1"] = (built, 1)
        for version in range(1, LATEST_VERSION):  # the checked-in project of each old schema
            fixture = FIXTURES / f"v{version}.tawsim"
            if fixture.exists():
                templates[f"fixture-v{version}"] = (fixture, version)
        expected = {name: old_schema.old_contents(path) for name, (path, _) in templates.items()}
    by_version = old_schema.objects_by_version()
    project = tmp_path / "work" / "migrating.tawsim"  # alone in its folder: see the checks
    project.parent.mkdir()
    durations: dict[str, float] = {}
    name = ""
    while tally.kills < share(WEIGHTS["migration"]):
        with replay_hint("migration", SEED, tally.kills):
            if not name or old_schema.schema_version(project) == LATEST_VERSION:
                name = rng.choice(sorted(templates))
                fresh_copy(templates[name][0], project)
            old_version, rows = templates[name][1], expected[name]
            argv = ["-m", "tests.crash.child_migrate", str(project)]
            if name not in durations:
                run = child(tmp_path, argv, None, "START")
                assert run.clean_exit(), run.stderr
                durations[name] = seconds_after_start(run) * 1.1
                fresh_copy(templates[name][0], project)
            run = child(tmp_path, argv, rng.uniform(0, durations[name]), "START")
            assert run.killed or run.clean_exit(), run.stderr
            tally.kills += run.killed
            finished = any(line.startswith("OPENED") for line in run.lines)
            version = old_schema.check_migration(project, old_version, rows, by_version, finished)
            copies = old_schema.check_upgrade_copies(project, old_version, rows)
            _check_nothing_else_beside(project)
            if run.killed:
                tally.count("old schema intact" if version == old_version else "upgraded")
                tally.count("copies taken before an upgrade", copies)
            if rng.random() < 0.5:  # else the next run restarts on what this kill left
                _check_opens_upgraded(project, rows)
    _check_opens_upgraded(project, expected[name])
    tally.report()


def _check_opens_upgraded(project: Path, rows: dict[str, str]) -> None:
    """Opened as the app opens it, the upgrade completes and every row is as it was."""
    from storage.migrations import LATEST_VERSION

    with checks.open_checked(project) as opened:
        assert old_schema.schema_version(project) == LATEST_VERSION
        assert old_schema.contents(opened.conn, sorted(rows)) == rows


def _check_nothing_else_beside(project: Path) -> None:
    """Beside the project: SQLite's files, copies taken before upgrades, hidden partials."""
    name = project.name
    unexpected = [
        entry
        for entry in checks.strays(project.parent, {name})
        if entry not in (f"{name}-wal", f"{name}-shm", f"{name}-journal")
        and not (entry.startswith(f"{name}.v") and entry.endswith(".bak"))
        # storage.backups writes each copy under a hidden ".partial" name, then renames it.
        and not (entry.startswith(f".{name}.v") and ".bak.partial" in entry)
    ]
    assert not unexpected, f"unexpected files beside the project: {unexpected}"


# -- merge ---------------------------------------------------------------------------------
def test_kill_while_merging(tmp_path: Path) -> None:
    """`tawsim merge PROJECT A B C` killed at random: each file is merged whole or not at
    all, so the project is the merge of the first k files, k at least the number reported;
    merging again after a kill ends where one uninterrupted merge ends."""
    rng, tally = rng_for("merge"), Tally("merge")
    base = tmp_path / "base.tawsim"
    project = tmp_path / "work" / "merging.tawsim"
    with replay_hint("merge", SEED):
        import_project(base, records(150))
        packages = make_packages(base, tmp_path / "packages", rng)
        project.parent.mkdir()
        prefixes = []  # the project after merging the first k files, k = 0, 1, 2, 3
        for k in range(len(packages)):
            fresh_copy(base, project)
            if k:
                run_in_process(["merge", str(project), *map(str, packages[:k])])
            prefixes.append(merged_state(project))
        fresh_copy(base, project)
        argv = ["-m", "tests.crash.child_cli", "merge", str(project), *map(str, packages)]
        run = child(tmp_path, argv, None, "START")  # a whole run: how long the merge takes
        assert run.clean_exit(), run.stderr
        duration = seconds_after_start(run) * 1.1
        prefixes.append(merged_state(project))
        assert len(set(prefixes)) == len(prefixes), "every file must change the project"
        fresh_copy(base, project)
    while tally.kills < share(WEIGHTS["merge"]):
        with replay_hint("merge", SEED, tally.kills):
            run = child(tmp_path, argv, rng.uniform(0, duration), "START")
            assert run.killed or run.clean_exit(), run.stderr
            tally.kills += run.killed
            with checks.open_checked(project):
                pass
            state = merged_state(project)
            assert state in prefixes, "the project is not the merge of whole files"
            merged = prefixes.index(state)
            reported = reported_merged(run.lines, packages)
            assert merged >= reported, f"{reported} files were reported merged, {merged} are"
            if run.clean_exit():
                assert merged == len(packages), f"the merge ended with {merged} files merged"
            tally.count(f"{merged} files merged")
            if merged == len(packages) or rng.random() < 0.3:
                fresh_copy(base, project)  # else merge again on what the kill left
    tally.report()
