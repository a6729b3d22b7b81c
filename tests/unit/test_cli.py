"""The `tawsim` command, run in-process through app.cli.main (and once as a process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from storage import open_project

ROOT = Path(__file__).resolve().parents[2]
RAQQA = "قتل ثلاثة مدنيين بالرقة، وفق المرصد السوري."


@pytest.fixture(autouse=True)
def home(tawsim_home: Path) -> Path:
    return tawsim_home


def write_articles(path: Path) -> Path:
    start = RAQQA.index("الرقة")
    records = [
        {
            "id": "r",
            "text": RAQQA,
            "spans": [
                {"start": start, "end": start + 5, "label": "LOCATION", "annotator": "alice"},
                {"start": 0, "end": 3, "label": "ACTOR", "annotator": "bob"},
            ],
        },
        {"id": "g", "text": "غزة 😢 اليوم", "spans": [{"start": 0, "end": 3, "label": "LOCATION"}]},
    ]
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return path


def test_init_with_default_labels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.tawsim"
    assert main(["init", str(path)]) == 0
    assert "ACTOR, LOCATION, CASUALTY_COUNT, DATE" in capsys.readouterr().out
    with open_project(path) as project:
        assert len(project.labels.all()) == 4


def test_init_with_a_labels_file_of_ids_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labels = tmp_path / "LABELS.json"
    labels.write_text('[{"id": "WHO"}, {"id": "WHERE"}]', encoding="utf-8")
    path = tmp_path / "p.tawsim"
    assert main(["init", str(path), "--labels", str(labels)]) == 0
    assert "WHO, WHERE" in capsys.readouterr().out
    with open_project(path) as project:
        assert [label.id for label in project.labels.all()] == ["WHO", "WHERE"]


def test_init_with_a_bad_labels_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    labels = tmp_path / "LABELS.json"
    labels.write_text('[{"id": "HAS SPACE"}]', encoding="utf-8")
    assert main(["init", str(tmp_path / "p.tawsim"), "--labels", str(labels)]) == 2
    assert "tawsim: " in capsys.readouterr().err
    assert list(tmp_path.glob("p.tawsim*")) == []  # no half-made project left behind


def test_import_summary_and_exit_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.tawsim"
    source = write_articles(tmp_path / "in.jsonl")
    assert main(["import", str(path), str(source), "--annotator", "carol"]) == 0
    out = capsys.readouterr().out
    assert "imported 2 documents (3 spans), 0 duplicates, 0 rejected" in out.splitlines()
    # Importing again: only duplicates, still success.
    assert main(["import", str(path), str(source), "--annotator", "carol"]) == 0
    assert "imported 0 documents (0 spans), 2 duplicates, 0 rejected" in capsys.readouterr().out


def test_import_with_rejections_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.tawsim"
    source = write_articles(tmp_path / "in.jsonl")  # the second record's span has no annotator
    assert main(["import", str(path), str(source)]) == 1
    captured = capsys.readouterr()
    assert "imported 1 documents (2 spans), 0 duplicates, 1 rejected" in captured.out
    assert f"rejected: {source}:2: span 1: no annotator" in captured.err
    with open_project(path) as project:
        assert project.documents.count() == 1


def test_import_of_a_missing_path_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(tmp_path / "p.tawsim"), str(tmp_path / "nope.txt")]) == 1
    assert "no such file or folder" in capsys.readouterr().err


def test_export_filters_by_annotator(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.tawsim"
    main(["import", str(path), str(write_articles(tmp_path / "in.jsonl")), "--annotator", "c"])
    capsys.readouterr()
    out = tmp_path / "alice.jsonl"
    assert main(["export", str(path), "--out", str(out), "--annotator", "alice"]) == 0
    assert "exported 2 documents, 1 spans" in capsys.readouterr().out
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [[s["annotator"] for s in r["spans"]] for r in records] == [["alice"], []]
    every = tmp_path / "all.jsonl"
    assert main(["export", str(path), "--out", str(every)]) == 0
    assert "exported 2 documents, 3 spans" in capsys.readouterr().out


def test_export_prints_the_first_omissions_and_the_report_lists_them_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 30 documents, each with two overlapping spans in one layer: CoNLL drops one of each.
    text = "قصفت الطائرات مدينة الرقة اليوم رقم {}."
    start = text.index("الرقة")
    records = [
        {
            "id": f"d{n}",
            "text": text.format(n),
            "spans": [
                {"start": start - 6, "end": start + 5, "label": "LOCATION", "annotator": "a"},
                {"start": start, "end": start + 5, "label": "ACTOR", "annotator": "a"},
            ],
        }
        for n in range(30)
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    path = tmp_path / "p.tawsim"
    assert main(["import", str(path), str(source)]) == 0
    capsys.readouterr()
    out = tmp_path / "out.conll"
    assert main(["export", str(path), "--format", "conll", "--out", str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    shown = [line for line in printed if line.startswith("left out: d")]
    assert len(shown) == 20
    assert "left out: … and 10 more" in printed
    assert "30 things the format cannot hold were left out" in printed[-1]
    report = Path(printed[-1].rsplit("(listed in ", 1)[1].rstrip(")"))
    listed = report.read_text(encoding="utf-8")
    assert all(f"d{n}: " in listed for n in range(30))


def test_export_unknown_annotator_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.tawsim"
    main(["import", str(path), str(write_articles(tmp_path / "in.jsonl")), "--annotator", "c"])
    capsys.readouterr()
    out = tmp_path / "x.jsonl"
    assert main(["export", str(path), "--out", str(out), "--annotator", "zed"]) == 2
    assert "tawsim: no annotator called 'zed'" in capsys.readouterr().err
    assert not out.exists()


def test_export_of_a_missing_project_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.tawsim"
    assert main(["export", str(missing), "--out", str(tmp_path / "x.jsonl")]) == 2
    assert "no such project" in capsys.readouterr().err
    assert not missing.exists()


def test_import_into_a_file_that_is_not_a_project_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.tawsim"
    path.write_text("not a database " * 100, encoding="utf-8")
    assert main(["import", str(path), str(write_articles(tmp_path / "in.jsonl"))]) == 2
    assert "not a Tawsim project" in capsys.readouterr().err


def _run(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TAWSIM_HOME": str(tmp_path / "home"), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_help_as_a_process(tmp_path: Path) -> None:
    result = _run("-m", "app", "--help", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    for command in ("init", "import", "export", "gui"):
        assert command in result.stdout


def test_importing_the_cli_does_not_load_qt(tmp_path: Path) -> None:
    code = (
        "import sys, app.cli, app.core.importing, app.core.exporting, app.text.snapping\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')"
        " or m.startswith('app.ui'))\n"
        "print(loaded)\n"
    )
    result = _run("-c", code, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """`tawsim agreement P | head`: no traceback when the reader goes away."""
    import subprocess
    import sys

    fixture = Path(__file__).parents[1] / "fixtures" / "team" / "sample_annotated.jsonl"
    project = tmp_path / "team.tawsim"
    assert main(["import", str(project), str(fixture)]) == 0
    command = f"{sys.executable} -m app agreement {project} | true"  # reader gone at once
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, check=False
    )
    assert "Traceback" not in result.stderr and "BrokenPipeError" not in result.stderr
