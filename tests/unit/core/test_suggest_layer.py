"""`tawsim suggest`: suggestions written as a layer, replaced on re-run, measured by agreement."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import app.core.suggest_layer as suggest_layer
from app.cli import main
from app.core.labels import default_labels
from app.core.suggest_layer import write_suggestion_layer
from storage import Project, Span, open_project
from storage.clock import now
from storage.documents import NewDocument
from storage.ids import new_id

FIRST = "😢 قُتل ثلاثة عشر مدنياً بدير الزور فجر اليوم الأربعاء، وفق المرصد السوري."
SECOND = "وأصيب 20 شخصاً في الرقة أمس، وقال المرصد السوري إن القصف طال دير الزور."


@pytest.fixture(autouse=True)
def home(tawsim_home: Path) -> Path:
    return tawsim_home


def tag(project: Project, doc: int, text: str, annotator: str, needle: str, label: str) -> None:
    start = text.index(needle)
    span = Span(new_id(), doc, annotator, start, start + len(needle), label, needle)
    project.spans.create(span, by=annotator)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "p.tawsim"
    with open_project(path, create=True, labels=default_labels()) as project:
        with project.transaction():
            for external_id, text in (("a", FIRST), ("b", SECOND)):
                project.documents.add(
                    NewDocument(external_id, text, external_id * 64, published="2023-11-08"),
                    imported_at=now(),
                )
        tag(project, 1, FIRST, "gold", "ثلاثة عشر", "CASUALTY_COUNT")
        tag(project, 1, FIRST, "gold", "دير الزور", "LOCATION")
        tag(project, 1, FIRST, "gold", "المرصد السوري", "ACTOR")
        tag(project, 2, SECOND, "mona", "الرقة", "LOCATION")
    return path


def layer(path: Path, name: str = "suggestions") -> list[tuple[int, str, str, str]]:
    with open_project(path) as project:
        spans = project.spans.for_document(1, name) + project.spans.for_document(2, name)
        return [
            (s.document_id, s.text, s.label, json.dumps(s.attrs, sort_keys=True)) for s in spans
        ]


EXPECTED = [
    (1, "ثلاثة عشر", "CASUALTY_COUNT"),
    (1, "دير الزور", "LOCATION"),
    (1, "فجر اليوم الأربعاء", "DATE"),
    (1, "المرصد السوري", "ACTOR"),
    (2, "20", "CASUALTY_COUNT"),
    (2, "الرقة", "LOCATION"),
    (2, "أمس", "DATE"),
    (2, "المرصد السوري", "ACTOR"),
    (2, "دير الزور", "LOCATION"),
]


def positions(spans: list[tuple[int, str, str, str]]) -> list[tuple[int, str, str]]:
    return [(d, text, label) for d, text, label, _attrs in spans]


def count_actions(path: Path, action: str) -> int:
    with open_project(path) as project:
        return int(
            project.conn.execute(
                "SELECT count(*) FROM changes WHERE action = ? AND annotator = 'suggestions'",
                (action,),
            ).fetchone()[0]
        )


def test_suggest_writes_every_document_as_a_logged_layer(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["suggest", str(path)]) == 0
    assert "9 suggestions written to layer 'suggestions'" in capsys.readouterr().out
    spans = layer(path)
    assert positions(spans) == EXPECTED
    attrs = {text: json.loads(a) for _d, text, _l, a in spans}
    assert attrs["ثلاثة عشر"] == {"outcome": "killed", "qualifier": "exact", "value": 13}
    assert attrs["أمس"] == {"precision": "day", "value": "2023-11-07"}
    with open_project(path) as project:
        assert {a.name: a.kind for a in project.annotators()}["suggestions"] == "suggestions"
    assert count_actions(path, "span.create") == len(EXPECTED)


def test_a_rerun_replaces_the_layer_and_never_learns_from_it(path: Path) -> None:
    assert main(["suggest", str(path)]) == 0
    with open_project(path) as project:
        first_uuids = {s.uuid for s in project.spans.for_document(1, "suggestions")}
        # A name only the suggestions layer has must not feed the gazetteer.
        tag(project, 2, SECOND, "suggestions", "القصف", "ACTOR")
    assert main(["suggest", str(path)]) == 0
    assert positions(layer(path)) == EXPECTED
    with open_project(path) as project:
        assert not first_uuids & {s.uuid for s in project.spans.for_document(1, "suggestions")}
    assert count_actions(path, "span.delete") == len(EXPECTED) + 1


def test_sources_and_layer_name_are_chosen_and_a_human_layer_is_refused(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["suggest", str(path), "--layer", "auto", "--sources", "dates"]) == 0
    assert positions(layer(path, "auto")) == [e for e in EXPECTED if e[2] == "DATE"]
    assert main(["suggest", str(path), "--layer", "mona"]) == 2
    assert "'mona' is a human layer" in capsys.readouterr().err
    assert main(["suggest", str(path), "--sources", "dates,names"]) == 2
    assert "unknown suggestion sources: names" in capsys.readouterr().err
    assert positions(layer(path, "mona")) == [(2, "الرقة", "LOCATION")]


def test_a_cancelled_run_leaves_each_chunk_whole(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(suggest_layer, "CHUNK", 1)
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        calls.append((done, total))
        return done < 1

    with open_project(path) as project:
        report = write_suggestion_layer(project, progress=progress)
    assert report.cancelled and report.documents == 1
    assert calls == [(0, 2), (1, 2)]
    assert positions(layer(path)) == [e for e in EXPECTED if e[0] == 1]


def test_agreement_measures_the_layer_against_gold(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["suggest", str(path)]) == 0
    capsys.readouterr()
    assert main(["agreement", str(path), "--annotators", "suggestions,gold", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["annotators"] == ["suggestions", "gold"]
    per_label = report["per_label"]
    # Gold tagged the count, the place and the observatory in the first article, not the date.
    assert per_label["CASUALTY_COUNT"]["f1_exact"] == 1.0
    assert per_label["LOCATION"]["f1_exact"] == 1.0
    assert per_label["DATE"]["f1_exact"] == 0.0
