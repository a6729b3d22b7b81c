"""Agreement over a real project: scope, token rule, undefined cases, CLI and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.agreement.measures import (
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    unitizing_alpha,
)
from app.agreement.study import compute_agreement
from app.cli import main
from storage import Project, ProjectError, Span

# 12 tokens: قصف الطيران مدينة حلب ، وقتل 12 مدنيا يوم الأحد . 😢
TEXT = "قصف الطيران مدينة حلب، وقتل 12 مدنيا يوم الأحد. 😢"


def at(needle: str, label: str, nth: int = 0) -> tuple[int, int, str]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(needle, start + 1)
    return (start, start + len(needle), label)


LAYERS = {
    "alice": [at("الطيران", "ACTOR"), at("مدينة حلب", "LOCATION"), at("12", "CASUALTY_COUNT"),
              at("يوم الأحد", "DATE")],
    "bob": [at("الطيران", "ACTOR"), at("حلب", "LOCATION"), at("12 مدنيا", "CASUALTY_COUNT")],
    "carol": [at("الطيران", "ACTOR"), at("مدينة حلب", "LOCATION"), at("الأحد", "DATE")],
}  # fmt: skip

# Each annotator's label per token, by the documented rule (what the study must derive).
TOKENS = {
    "alice": ["O", "ACTOR", "LOCATION", "LOCATION", "O", "O", "CASUALTY_COUNT", "O", "DATE",
              "DATE", "O", "O"],
    "bob": ["O", "ACTOR", "O", "LOCATION", "O", "O", "CASUALTY_COUNT", "CASUALTY_COUNT", "O",
            "O", "O", "O"],
    "carol": ["O", "ACTOR", "LOCATION", "LOCATION", "O", "O", "O", "O", "O", "DATE", "O", "O"],
}  # fmt: skip


@pytest.fixture
def team(project: Project, add_document) -> Project:  # type: ignore[no-untyped-def]
    document_id = add_document(TEXT, "aleppo")
    add_document("نص لم يعمل عليه أحد.", "untouched")
    for name, spans in LAYERS.items():
        for n, (start, end, label) in enumerate(spans):
            project.spans.create(
                Span(f"{name}-{n}", document_id, name, start, end, label, ""), by=name
            )
    return project


def test_matches_an_explicit_computation(team: Project) -> None:
    report = compute_agreement(team)
    assert report.annotators == ["alice", "bob", "carol"] and report.documents == 1
    pairs = {(p.a, p.b): p for p in report.pairs}
    for (a, b), pair in pairs.items():
        assert pair.cohen_kappa == pytest.approx(cohen_kappa(TOKENS[a], TOKENS[b]))
    assert report.overall.cohen_kappa == pytest.approx(
        sum(cohen_kappa(TOKENS[a], TOKENS[b]) for a, b in pairs) / 3  # type: ignore[misc]
    )
    categories = ["O", "ACTOR", "LOCATION", "CASUALTY_COUNT", "DATE"]
    table = [[sum(TOKENS[n][t] == c for n in TOKENS) for c in categories] for t in range(12)]
    assert report.overall.fleiss_kappa == pytest.approx(fleiss_kappa(table))
    assert report.overall.alpha_nominal == pytest.approx(
        krippendorff_alpha([TOKENS[n] for n in TOKENS])
    )
    # alice-bob: only ACTOR is exact (1 of 4 vs 1 of 3); with overlap all of bob's match.
    assert pairs[("alice", "bob")].f1_exact == pytest.approx(2 * 1 / (2 + 3 + 2))
    assert pairs[("alice", "bob")].f1_overlap == pytest.approx(2 * 3 / (6 + 1 + 0))
    units = [
        (s, e - s, rater, label)
        for rater, name in enumerate(LAYERS)
        for s, e, label in LAYERS[name]
    ]
    expected = unitizing_alpha(units, 3, 0, len(TEXT))
    assert report.overall.alpha_unitizing == pytest.approx(expected.alpha)
    assert report.per_label["DATE"].alpha_unitizing == pytest.approx(expected.per_category["DATE"])
    confusion = pairs[("alice", "carol")].confusion
    assert confusion[("CASUALTY_COUNT", "O")] == 1 and confusion[("O", "O")] == 6


def test_per_label_is_the_binary_question(team: Project) -> None:
    report = compute_agreement(team, ["alice", "carol"])
    actor = report.per_label["ACTOR"]
    assert actor.f1_exact == 1.0 and actor.cohen_kappa == pytest.approx(1.0)
    binary = [["DATE" if v == "DATE" else "O" for v in TOKENS[n]] for n in ("alice", "carol")]
    assert report.per_label["DATE"].cohen_kappa == pytest.approx(cohen_kappa(*binary))


def test_undefined_is_never_zero_or_one(project: Project, add_document) -> None:  # type: ignore[no-untyped-def]
    document_id = add_document("خبر بلا أي وسم.", "empty")
    for name in ("alice", "bob"):
        project.status.set(document_id, project.annotator(name).id, "done", by=name)
    report = compute_agreement(project)
    assert report.documents == 1
    overall = report.overall
    assert overall.f1_exact is None and overall.cohen_kappa is None
    assert overall.alpha_nominal is None and overall.alpha_unitizing is None
    assert report.as_json()["overall"]["fleiss_kappa"] is None


def test_needs_two_known_annotators(team: Project) -> None:
    with pytest.raises(ProjectError, match="at least two"):
        compute_agreement(team, ["alice"])
    with pytest.raises(ProjectError, match="'dave'"):
        compute_agreement(team, ["alice", "dave"])


def test_cli_json_has_the_documented_shape(
    team: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    path = Path(team.path)
    assert main(["agreement", str(path), "--annotators", "alice,bob", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["annotators"] == ["alice", "bob"] and data["documents"] == 1
    keys = {"f1_exact", "f1_overlap", "cohen_kappa", "fleiss_kappa", "alpha_nominal",
            "alpha_unitizing"}  # fmt: skip
    assert set(data["overall"]) == keys
    assert set(data["per_label"]) == {"ACTOR", "LOCATION", "CASUALTY_COUNT", "DATE"}
    assert {"a", "b", "f1_exact", "f1_overlap", "cohen_kappa"} <= set(data["pairs"][0])
    assert data["per_document"][0]["id"] == "aleppo"
    assert main(["agreement", str(path)]) == 0
    table = capsys.readouterr().out
    assert "overall" in table and "alice – bob" in table and "aleppo" in table


def test_progress_reports_and_cancels(team: Project) -> None:
    from app.agreement.study import AgreementCancelled

    calls: list[tuple[int, int]] = []
    compute_agreement(team, progress=lambda done, total: calls.append((done, total)) or True)
    assert calls == [(0, 1)]
    with pytest.raises(AgreementCancelled):
        compute_agreement(team, progress=lambda done, total: False)
