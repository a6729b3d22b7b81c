"""Every importer, fed damaged versions of valid files, imports or rejects cleanly.

For each format, hypothesis takes a valid seed (our own export of a real project, or a
peer tool's example file), damages it (tests/unit/fuzz/mutations.py) and runs the real
``import_paths`` on a real, fresh project. Each example must:

* raise nothing and finish within its time limit (a hang fails the test);
* account for every record the readers found: imported, a duplicate, or rejected;
* name the file in every rejection, and the line where the format has lines;
* change the project by exactly what the report says was imported: a full dump of every
  table, minus those rows, equals the dump taken before (a file rejected whole leaves the
  project byte-for-byte as it was).

``TAWSIM_FUZZ_EXAMPLES`` sets the examples per format: 40 by default (about 10 s in all on
an idle machine), thousands in a soak run.
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.importing import import_paths
from app.core.labels import default_labels
from storage import open_project
from tests.unit.fuzz.mutations import Mutation, apply_all, mutations
from tests.unit.fuzz.project_state import (
    check_only_reported_changes,
    count_inputs,
    dump,
    time_limit,
)
from tests.unit.fuzz.seeds import Seed, build_seeds, copy_seed_files

EXAMPLES = int(os.environ.get("TAWSIM_FUZZ_EXAMPLES", "40"))
# Seconds one import of a few kilobytes may take on a busy 2-core machine; a hang fails.
LIMIT = 10.0
# Formats whose files have lines: a rejection names one, unless it is about the whole file.
LINE_FORMATS = ("jsonl", "doccano", "labelstudio", "conll", "bioes", "csv", "brat", "webanno")
# Messages about a whole file (nothing in it, binary, too big, its companion missing); any
# other message in a line format names a line, after the path or in its reason.
WHOLE_FILE = re.compile(r"empty|binary file|the file is [0-9]+ MB|no \S+ beside it|not read")
FORMATS = ("jsonl", "doccano", "labelstudio", "conll", "bioes", "csv", "brat", "webanno", "xmi")
FORMATS += ("txt",)


_SEED_FOLDER = tempfile.TemporaryDirectory(prefix="tawsim-seeds-")


@functools.cache
def all_seeds() -> dict[str, list[Seed]]:
    """Built once per run (not a fixture: hypothesis would print it with every failure)."""
    return build_seeds(Path(_SEED_FOLDER.name))


@pytest.mark.parametrize("fmt", FORMATS)
def test_seeds_import_cleanly(fmt: str, tmp_path: Path) -> None:
    """The undamaged seeds are good files: what the fuzzer damages starts out valid."""
    for number, seed in enumerate(all_seeds()[fmt]):
        folder = tmp_path / f"seed-{number}"
        copy_seed_files(seed, folder)
        with open_project(tmp_path / f"{number}.tawsim", create=True, labels=default_labels()) as p:
            report = import_paths(
                p, [folder / seed.import_path], fmt=fmt, annotator="fuzz", create_labels=True
            )
        assert report.rejected == [], (seed.name, report.rejected)
        assert report.imported >= 1, seed.name


def _names_its_file(message: str, files: list[Path], fmt: str) -> bool:
    for path in files:
        name = str(path)
        if not message.startswith(name):
            continue
        rest = message[len(name) :]
        if re.match(r":[0-9]+: ", rest):
            return True
        if rest.startswith(": ") and (fmt not in LINE_FORMATS or WHOLE_FILE.search(rest)):
            return True
        if rest.startswith(": ") and re.search(r"\bline [0-9]+", rest):
            return True
    return False


@pytest.mark.parametrize("fmt", FORMATS)
@settings(
    max_examples=EXAMPLES,
    deadline=None,  # the time limit below interrupts a hang; a deadline only reports one
    database=None,  # nothing written into the checkout
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    choice=st.integers(0, 1000),
    damage=mutations(),
    auto=st.booleans(),
    create_labels=st.booleans(),
)
def test_damaged_files_import_or_are_rejected_cleanly(
    fmt: str,
    choice: int,
    damage: list[Mutation],
    auto: bool,
    create_labels: bool,
) -> None:
    seeds = all_seeds()[fmt]
    seed = seeds[choice % len(seeds)]
    with tempfile.TemporaryDirectory(prefix="tawsim-fuzz-") as scratch:
        work = Path(scratch)
        source = seed.write(work / "in", apply_all(seed.files[seed.target], damage))
        files = sorted(p for p in (work / "in").rglob("*") if p.is_file())
        chosen = "auto" if auto else fmt
        project_path = work / "project.tawsim"
        open_project(project_path, create=True, labels=default_labels()).close()
        before = dump(project_path)
        with time_limit(LIMIT), open_project(project_path) as project:
            report = import_paths(
                project, [source], fmt=chosen, annotator="fuzz", create_labels=create_labels
            )
        records, errors = count_inputs([source], chosen)
        after = dump(project_path)
    accounted = report.imported + report.duplicates + len(report.rejected)
    assert accounted == records + errors, (report, records, errors)
    for message in report.rejected:
        assert _names_its_file(message, files, fmt), message
    check_only_reported_changes(before, after, report)
    if not report.imported and not report.duplicates:
        assert after == before
