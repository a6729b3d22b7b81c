"""Adjudication into gold on real project files: auto gold, accept/reject and their undo,
open items, status, the CLI and gold exports, the team sample end to end."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from seqeval.metrics.sequence_labeling import get_entities

from app.agreement import adjudication as adj
from app.agreement.adjudication import (
    accept,
    accept_span,
    adjudication_status,
    auto_gold,
    documents_to_adjudicate,
    open_items,
    reject,
    set_adjudication_status,
    undo_accept,
    unreject,
)
from app.cli import main
from app.core.importing import import_paths
from storage import Project, ProjectError, Span, open_project
from storage.migrations import MIGRATIONS

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "team" / "sample_annotated.jsonl"
PEOPLE = ["amal", "bilal", "salma"]
Key = tuple[int, int, str]


@pytest.fixture
def sample(project: Project) -> Project:
    report = import_paths(project, [SAMPLE])
    assert report.rejected == []
    assert (report.imported, report.spans) == (8, 407)
    return project


def fixture_votes() -> dict[str, dict[Key, dict[str, dict[str, Any]]]]:
    """Read straight from the fixture file: external id -> version -> annotator -> attrs."""
    votes: dict[str, dict[Key, dict[str, dict[str, Any]]]] = {}
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        mine = votes.setdefault(record["id"], {})
        for s in record["spans"]:
            mine.setdefault((s["start"], s["end"], s["label"]), {})[s["annotator"]] = s["attrs"]
    return votes


def fixture_text(external_id: str) -> str:
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["id"] == external_id:
            return str(record["text"])
    raise AssertionError(external_id)


def span_key(span: Span) -> Key:
    return (span.start, span.end, span.label)


def gold_keys(project: Project) -> dict[str, set[Key]]:
    result: dict[str, set[Key]] = {}
    for document in project.documents.iterate():
        spans = project.spans.for_document(document.id, "gold")
        result[document.external_id] = {(s.start, s.end, s.label) for s in spans}
    return result


def doc_id(project: Project, external_id: str) -> int:
    row = project.conn.execute(
        "SELECT id FROM documents WHERE external_id = ?", (external_id,)
    ).fetchone()
    return int(row[0])


def changes(project: Project) -> int:
    return int(project.conn.execute("SELECT count(*) FROM changes").fetchone()[0])


def snapshot(project: Project) -> tuple[Any, ...]:
    """Everything an adjudicator's action may touch, apart from the append-only log."""
    spans = project.conn.execute(
        'SELECT uuid, document_id, annotator_id, start, "end", label, text, attrs FROM spans'
        " ORDER BY uuid"
    ).fetchall()
    rejections = project.conn.execute(
        'SELECT document_id, annotator_id, start, "end", label FROM gold_rejections'
        ' ORDER BY document_id, start, "end", label'
    ).fetchall()
    # A "new" row reads the same as no row (StatusStore.get, .counts): leave those out.
    status = project.conn.execute(
        "SELECT document_id, annotator_id, status FROM document_status WHERE status != 'new'"
        " ORDER BY document_id, annotator_id"
    ).fetchall()
    return (spans, rejections, status)


# --- automatic gold ------------------------------------------------------------------------


def test_all_agree_goes_to_gold_with_the_majority_attributes(sample: Project) -> None:
    before = changes(sample)
    report = auto_gold(sample, PEOPLE)
    expected = {
        document: {key for key, who in versions.items() if len(who) == 3}
        for document, versions in fixture_votes().items()
    }
    assert gold_keys(sample) == expected
    assert report.total == sum(map(len, expected.values())) == 84
    assert report.per_label() == Counter(
        {"ACTOR": 22, "CASUALTY_COUNT": 11, "DATE": 20, "LOCATION": 31}
    )
    assert sum(report.accepted["sample-01"].values()) == len(expected["sample-01"])
    # Every created span is in the change log, by the gold layer, as a span.create.
    log = sample.conn.execute(
        "SELECT annotator, action, after FROM changes WHERE seq > ?", (before,)
    ).fetchall()
    assert len(log) == 84
    assert {(by, action) for by, action, _ in log} == {("gold", "span.create")}
    assert all(json.loads(after)["annotator"] == "gold" for _, _, after in log)
    # 'العشرات' in sample-01: amal and salma coded 10, bilal 12: gold takes 10, says so.
    [conflict] = report.attribute_conflicts
    assert (conflict.document, conflict.text) == ("sample-01", "العشرات")
    assert conflict.chosen["value"] == 10
    assert [other["value"] for other in conflict.others] == [12]
    [stored] = [
        s
        for s in sample.spans.for_document(doc_id(sample, "sample-01"), "gold")
        if s.text == "العشرات"
    ]
    assert stored.attrs["value"] == 10
    # gold is a layer of kind gold, and its status is left to the adjudicator
    assert {a.name: a.kind for a in sample.annotators()}["gold"] == "gold"
    assert adjudication_status(sample, doc_id(sample, "sample-01")) == "new"


def test_running_twice_adds_nothing(sample: Project) -> None:
    auto_gold(sample, PEOPLE)
    state, logged = snapshot(sample), changes(sample)
    again = auto_gold(sample, PEOPLE)
    assert again.total == 0
    assert again.already == 84
    assert (snapshot(sample), changes(sample)) == (state, logged)


def test_quorum_two_of_three(sample: Project) -> None:
    report = auto_gold(sample, PEOPLE, quorum=2)
    votes = fixture_votes()
    expected = {
        document: {key for key, who in versions.items() if len(who) >= 2}
        for document, versions in votes.items()
    }
    assert gold_keys(sample) == expected
    assert report.total == sum(map(len, expected.values()))
    # bilal's 'قوات سوريا الديمقراطية' as LOCATION lost to amal and salma's ACTOR
    text = fixture_text("sample-01")
    qsd = text.index("قوات سوريا الديمقراطية")
    qsd_key = (qsd, qsd + len("قوات سوريا الديمقراطية"), "ACTOR")
    assert qsd_key in gold_keys(sample)["sample-01"]
    assert set(votes["sample-01"][qsd_key]) == {"amal", "salma"}
    # attributes: the agreeing annotators' when equal, else the majority's (a tie: the
    # first annotator's), computed here from the file
    for document, versions in votes.items():
        for s in sample.spans.for_document(doc_id(sample, document), "gold"):
            given = [json.dumps(a, sort_keys=True) for a in versions[span_key(s)].values()]
            counts = Counter(given)
            best = next(a for a in given if counts[a] == max(counts.values()))
            assert json.dumps(s.attrs, sort_keys=True) == best
    # 'العشرات' (10, 10, 12) and 'نحو 30' (approximate, exact, approximate)
    assert [c.text for c in report.attribute_conflicts] == ["العشرات", "نحو 30"]


def test_quorum_out_of_range_and_bad_layers_are_refused(sample: Project) -> None:
    for quorum in (0, 4, -1):
        with pytest.raises(ProjectError, match="quorum must be between 1 and the 3"):
            auto_gold(sample, PEOPLE, quorum=quorum)
    with pytest.raises(ProjectError, match="no annotator called 'nobody'"):
        auto_gold(sample, ["amal", "nobody"])
    with pytest.raises(ProjectError, match="'bilal' is an annotator's layer"):
        auto_gold(sample, ["amal", "salma"], gold="bilal")
    auto_gold(sample, PEOPLE)
    with pytest.raises(ProjectError, match="'gold' is a gold layer"):
        auto_gold(sample, ["amal", "gold"])
    assert gold_keys(sample)["sample-02"]  # the refusals wrote nothing odd: one gold run


def test_done_documents_rejections_and_the_adjudicators_spans_are_left_alone(
    sample: Project,
) -> None:
    done = doc_id(sample, "sample-02")
    set_adjudication_status(sample, done, "done")
    first = doc_id(sample, "sample-01")
    text = fixture_text("sample-01")
    agreed = {k for k, who in fixture_votes()["sample-01"].items() if len(who) == 3}
    dateline = (0, len("دير الزور"), "LOCATION")
    rif = text.index("ريف دير الزور الشرقي")
    eastern = (rif, rif + len("ريف دير الزور الشرقي"), "LOCATION")
    assert {dateline, eastern} <= agreed
    # The adjudicator rejected the agreed dateline 'دير الزور' ...
    assert reject(sample, "gold", first, *dateline) is True
    # ... and put 'ريف دير الزور' where the annotators agreed on 'ريف دير الزور الشرقي'.
    mine = sample.spans.create(
        Span("mine", first, "gold", rif, rif + len("ريف دير الزور"), "LOCATION", ""), by="gold"
    )
    report = auto_gold(sample, PEOPLE)
    assert gold_keys(sample)["sample-02"] == set()
    assert report.skipped_done == 1
    assert report.documents == 7
    assert report.rejected == 1
    assert report.conflicting == 1
    keys = gold_keys(sample)["sample-01"]
    assert keys == agreed - {dateline, eastern} | {span_key(mine)}


def test_chunks_report_progress_and_cancel_between_them(
    sample: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(adj, "CHUNK", 3)
    seen: list[tuple[int, int]] = []

    def stop_after_first(done: int, total: int) -> bool:
        seen.append((done, total))
        return False

    report = auto_gold(sample, PEOPLE, progress=stop_after_first)
    assert seen == [(3, 8)]
    assert report.cancelled
    assert sorted(d for d, keys in gold_keys(sample).items() if keys) == [
        "sample-01",
        "sample-02",
        "sample-03",
    ]
    seen.clear()
    rest = auto_gold(sample, PEOPLE, progress=lambda d, t: seen.append((d, t)) is None)
    assert seen == [(3, 8), (6, 8), (8, 8)]
    assert not rest.cancelled
    assert rest.already == sum(report.accepted[d].total() for d in report.accepted)
    assert report.total + rest.total == 84


def test_document_ids_limit_the_run(sample: Project) -> None:
    report = auto_gold(sample, PEOPLE, document_ids=[doc_id(sample, "sample-05")])
    assert list(report.accepted) == ["sample-05"]
    assert [d for d, keys in gold_keys(sample).items() if keys] == ["sample-05"]


# --- the adjudicator's actions and their undo ------------------------------------------------


def test_accept_then_undo_restores_exactly(sample: Project) -> None:
    auto_gold(sample, PEOPLE)
    document = doc_id(sample, "sample-01")
    items = open_items(sample, document, PEOPLE)
    item = next(c for c in items if c.kind == "boundary")
    bilals = item.spans["bilal"][0]
    before, logged = snapshot(sample), changes(sample)
    acceptance = accept_span(sample, "gold", bilals)
    assert acceptance.created
    assert acceptance.span.uuid != bilals.uuid
    assert (acceptance.span.annotator, acceptance.span.attrs) == ("gold", bilals.attrs)
    assert acceptance.span.text == bilals.text
    assert adjudication_status(sample, document) == "in_progress"
    assert item not in open_items(sample, document, PEOPLE)  # settled by the gold span
    undo_accept(sample, "gold", acceptance)
    assert snapshot(sample) == before
    assert adjudication_status(sample, document) == "new"
    assert item in open_items(sample, document, PEOPLE)
    assert changes(sample) > logged  # the log keeps both, append-only


def test_accepting_what_gold_has_changes_nothing_and_its_undo_keeps_it(sample: Project) -> None:
    auto_gold(sample, PEOPLE)
    document = doc_id(sample, "sample-03")
    amals = sample.spans.for_document(document, "amal")[0]
    existing = {s.uuid for s in sample.spans.for_document(document, "gold")}
    before = snapshot(sample)
    acceptance = accept_span(sample, "gold", amals)
    assert not acceptance.created
    assert acceptance.span.uuid in existing
    assert accept(sample, "gold", amals).uuid == acceptance.span.uuid
    undo_accept(sample, "gold", acceptance)
    assert snapshot(sample) == before


def test_reject_settles_when_every_version_is_rejected_and_unreject_reopens(
    sample: Project,
) -> None:
    auto_gold(sample, PEOPLE)
    document = doc_id(sample, "sample-08")
    before_items = open_items(sample, document, PEOPLE)
    item = before_items[0]
    before, logged = snapshot(sample), changes(sample)
    versions = item.proposals()
    for start, end, label in versions[:-1]:
        assert reject(sample, "gold", document, start, end, label)
        assert item in open_items(sample, document, PEOPLE)  # one version still proposed
    last = versions[-1]
    assert reject(sample, "gold", document, *last)
    assert reject(sample, "gold", document, *last) is False  # already rejected
    assert item not in open_items(sample, document, PEOPLE)
    rows = sample.rejections.for_document(document, sample.annotator("gold").id)
    assert {r.key for r in rows} == set(versions)
    assert {r.by for r in rows} == {"gold"}
    for key in reversed(versions):
        assert unreject(sample, "gold", document, *key)
    assert unreject(sample, "gold", document, *last) is False
    assert snapshot(sample) == before
    assert open_items(sample, document, PEOPLE) == before_items
    actions = [
        row[0] for row in sample.conn.execute("SELECT action FROM changes WHERE seq > ?", (logged,))
    ]
    assert actions == ["rejection.add"] * len(versions) + ["rejection.remove"] * len(versions)


def test_adjudication_status_round_trip(sample: Project) -> None:
    document = doc_id(sample, "sample-04")
    assert adjudication_status(sample, document) == "new"
    assert set_adjudication_status(sample, document, "in_progress") == "new"
    assert set_adjudication_status(sample, document, "done") == "in_progress"
    assert adjudication_status(sample, document) == "done"
    with pytest.raises(ProjectError, match="unknown adjudication status 'skipped'"):
        set_adjudication_status(sample, document, "skipped")
    # the status is the gold layer's: the annotators' own statuses are untouched
    assert sample.status.get(document, sample.annotator("amal").id) != "done"


# --- what is left to adjudicate ---------------------------------------------------------------


def test_open_items_and_documents_to_adjudicate_count_alike(sample: Project) -> None:
    before_gold = documents_to_adjudicate(sample, PEOPLE)
    auto_gold(sample, PEOPLE)
    listed = documents_to_adjudicate(sample, PEOPLE)
    assert before_gold == listed  # agreements are never open items, gold or not
    assert len(listed) == 8
    assert [n for _, n in listed] == sorted((n for _, n in listed), reverse=True)
    for document, n in listed:
        items = open_items(sample, document, PEOPLE)
        assert len(items) == n > 0
        assert all(c.kind != "agree" for c in items)
    # Fewer annotators, other disagreements: salma's misses no longer count.
    pair = dict(documents_to_adjudicate(sample, ["amal", "bilal"]))
    assert all(pair[d] < n for d, n in listed)


def test_the_sample_end_to_end(sample: Project) -> None:
    """Auto gold, then settle every open item the way an adjudicator would: take amal's
    version where she has one, else reject; mark each document done."""
    auto_gold(sample, PEOPLE)
    for document, _ in documents_to_adjudicate(sample, PEOPLE):
        for item in open_items(sample, document, PEOPLE):
            if item.spans["amal"]:
                for version in item.spans["amal"]:
                    accept(sample, "gold", version)
            else:
                for key in item.proposals():
                    reject(sample, "gold", document, *key)
        assert open_items(sample, document, PEOPLE) == []
        set_adjudication_status(sample, document, "done")
    assert all(n == 0 for _, n in documents_to_adjudicate(sample, PEOPLE))
    # amal is careful: gold is her layer, minus nothing (every cluster she tagged is in).
    for document in sample.documents.iterate():
        amal = {(s.start, s.end, s.label) for s in sample.spans.for_document(document.id, "amal")}
        gold = {(s.start, s.end, s.label) for s in sample.spans.for_document(document.id, "gold")}
        assert amal <= gold
    # a done document is not touched by another run
    assert auto_gold(sample, PEOPLE, quorum=1).skipped_done == 8


# --- the command line and gold exports ---------------------------------------------------------


def test_cli_adjudicate_then_export_gold_as_jsonl_and_conll(
    tmp_path: Path, tawsim_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "team.tawsim"
    assert main(["import", str(path), str(SAMPLE)]) == 0
    capsys.readouterr()
    assert main(["adjudicate", str(path), "--quorum", "2"]) == 0
    out = capsys.readouterr().out
    assert "quorum 2 of 3" in out
    assert "accepted automatically: 139 spans" in out
    assert main(["adjudicate", str(path), "--annotators", "amal,bilal", "--quorum", "3"]) == 2
    assert "quorum must be between 1 and the 2" in capsys.readouterr().err

    jsonl, conll = tmp_path / "gold.jsonl", tmp_path / "gold.conll"
    assert main(["export", str(path), "--gold", "--format", "jsonl", "--out", str(jsonl)]) == 0
    assert main(["export", str(path), "--gold", "--format", "conll", "--out", str(conll)]) == 0
    records = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    exported = {r["id"]: {(s["start"], s["end"], s["label"]) for s in r["spans"]} for r in records}
    expected = {
        document: {key for key, who in versions.items() if len(who) >= 2}
        for document, versions in fixture_votes().items()
    }
    assert exported == expected
    assert {s["annotator"] for r in records for s in r["spans"]} == {"gold"}
    # CoNLL, read back by seqeval: one entity per gold span, per label.
    tags = [
        line.split()[-1]
        for line in conll.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("-DOCSTART-")
    ]
    from_conll = Counter(label for label, _, _ in get_entities(tags))
    assert from_conll == Counter(label for keys in expected.values() for _, _, label in keys)


def test_a_version_2_project_gains_the_rejections_table(tmp_path: Path) -> None:
    path = tmp_path / "v2.tawsim"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA application_id = 1413568339")  # "TAWS", as storage.project sets it
    for version in (1, 2):
        for statement in MIGRATIONS[version]:
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 2")
    conn.execute(
        "INSERT INTO documents (external_id, text, length, sha256, imported_at)"
        " VALUES ('d', 'غزة', 3, 'sha', 't')"
    )
    conn.close()
    with open_project(path) as project:
        assert project.conn.execute("PRAGMA user_version").fetchone()[0] >= 3
        assert reject(project, "gold", 1, 0, 3, "LOCATION")
        [row] = project.rejections.for_document(1, project.annotator("gold").id)
        assert (row.key, row.by) == ((0, 3, "LOCATION"), "gold")
