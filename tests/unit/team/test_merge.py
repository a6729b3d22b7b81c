"""Merging annotators' files back: exact, idempotent, refusing what does not fit."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.labels import default_labels
from app.team.merge import MergeCancelled, MergeRefused, merge_file
from app.team.packages import create_packages
from app.text.canonical import sha256
from storage import Label, NotAProjectError, Project, open_project
from storage.clock import now
from storage.documents import NewDocument
from storage.spans import span_payload
from tests.unit.team.team_setup import article, dump, layer, span_on, statuses, tick


def only_span(project: Project, document_id: int, annotator: str) -> str:
    spans = project.spans.for_document(document_id, annotator)
    assert len(spans) == 1
    return spans[0].uuid


def logged(project: Project, action: str) -> list[tuple[object, ...]]:
    return project.conn.execute(
        "SELECT annotator, document_id, span_uuid, before, after FROM changes"
        " WHERE action = ? ORDER BY seq",
        (action,),
    ).fetchall()


def test_a_full_cycle_brings_back_exactly_everyones_work(
    lead: Project, lead_path: Path, tmp_path: Path
) -> None:
    report = create_packages(lead, ["alice", "bob"], tmp_path / "out", overlap=0.25, seed=1)
    alice_path, bob_path = (p.path for p in report.packages)
    lead_span = span_on(lead, 4, "المرصد السوري", "ACTOR", "lead")  # the lead's own work

    with open_project(alice_path) as alice:
        mine = alice.documents.ids()
        shipped = [s.uuid for d in mine for s in alice.spans.for_document(d, "alice")]
        assert len(shipped) == 3  # the lead's pre-annotations on alice's documents
        for document_id in mine:
            document = alice.documents.get(document_id)
            assert document is not None
            word = document.text.split(" في ")[1].split(" فجر")[0]
            span_on(alice, document_id, word, "LOCATION", "alice")
        alice.spans.update(shipped[0], by="alice", attrs={"canonical": "المرصد السوري"})
        alice.spans.delete(shipped[1], by="alice")
        alice.status.set(mine[0], alice.annotator("alice").id, "done", by="alice")
        with alice.transaction():
            alice.conn.execute(
                "INSERT INTO comments (document_id, annotator_id, span_uuid, body, created_at)"
                " VALUES (?, ?, NULL, 'المصدر غير واضح', '2024-01-01T00:00:00.000+00:00')",
                (mine[0], alice.annotator("alice").id),
            )
    with open_project(bob_path) as bob:
        for document_id in bob.documents.ids():
            span_on(bob, document_id, "مدنيين", "CASUALTY_COUNT", "bob")
        first = bob.spans.for_document(bob.documents.ids()[0], "bob")[0]
        bob.spans.update(first.uuid, by="bob", label="ACTOR")
        gone = span_on(bob, bob.documents.ids()[1], "خبر", "DATE", "bob")
        bob.spans.delete(gone.uuid, by="bob")

    first_alice = merge_file(lead, alice_path)
    first_bob = merge_file(lead, bob_path)

    assert (first_alice.spans_added, first_alice.spans_updated, first_alice.spans_deleted) == (
        len(mine),
        1,
        1,
    )
    # Statuses: 5 documents went from new to in progress at alice's first span, 1 to done.
    assert (first_alice.statuses, first_alice.comments, first_alice.conflicts) == (6, 1, [])
    assert (first_bob.spans_added, first_bob.spans_deleted, first_bob.conflicts) == (
        report.packages[1].documents,
        0,
        [],
    )
    # The project now holds exactly what each annotator's file holds in their layer.
    for name, path in (("alice", alice_path), ("bob", bob_path)):
        assert layer(lead_path, name) == layer(path, name)
        assert statuses(lead_path, name) == statuses(path, name)
    assert lead.spans.get(lead_span.uuid) == lead_span
    assert lead.conn.execute("SELECT body FROM comments").fetchall() == [("المصدر غير واضح",)]
    # The annotators' own log entries joined the project's, once.
    # (the merge logs its own deletion first, then alice's entries come, then bob's)
    assert [by for by, *_ in logged(lead, "span.delete")] == ["merge:alice", "alice", "bob"]
    merges = logged(lead, "package.merge")
    assert [json.loads(str(after))["annotator"] for *_, after in merges] == ["alice", "bob"]

    # Merging the same files again changes nothing at all.
    before = dump(lead_path)
    again = [merge_file(lead, alice_path), merge_file(lead, bob_path)]
    assert dump(lead_path) == before
    assert [r.changed for r in again] == [False, False]
    assert "nothing new to merge" in again[0].summary()

    # A second round: alice goes on working; only what is new comes over.
    with open_project(alice_path) as alice:
        new = span_on(alice, mine[1], "قُتل", "CASUALTY_COUNT", "alice")
        alice.spans.update(shipped[0], by="alice", label="LOCATION")
    second = merge_file(lead, alice_path)
    assert (second.spans_added, second.spans_updated, second.conflicts) == (1, 1, [])
    assert lead.spans.get(new.uuid) == new
    # The merge logs the span the way an edit here logs it.
    creations = [(by, after) for by, *_, after in logged(lead, "span.create")]
    mine_logged = [(by, json.loads(str(a))) for by, a in creations if by == "merge:alice"]
    assert mine_logged[-1] == ("merge:alice", span_payload(new))
    assert layer(lead_path, "alice") == layer(alice_path, "alice")
    before = dump(lead_path)
    merge_file(lead, alice_path)
    assert dump(lead_path) == before


@pytest.fixture
def shared(lead: Project, tmp_path: Path) -> Path:
    """alice's package holding every document, with the lead's span on document 1."""
    return create_packages(lead, ["alice"], tmp_path / "out", overlap=1.0).packages[0].path


def test_the_same_span_edited_in_both_places_the_later_edit_wins(
    lead: Project, shared: Path
) -> None:
    uuid = only_span(lead, 1, "alice")
    lead.spans.update(uuid, by="lead", attrs={"canonical": "المرصد"})
    tick()
    with open_project(shared) as alice:
        alices = alice.spans.update(uuid, by="alice", label="LOCATION")

    report = merge_file(lead, shared)
    assert lead.spans.get(uuid) == alices
    [conflict] = report.conflicts
    assert (conflict.document, conflict.winner, conflict.how) == (
        "art-00",
        "package",
        "was edited in both",
    )
    assert "المرصد السوري" in conflict.line()
    # The losing version (the lead's) stays in the change log.
    [(by, _, span, before, after)] = logged(lead, "merge.conflict")
    assert (by, span) == ("merge:alice", uuid)
    assert json.loads(str(before))["span"]["attrs"] == {"canonical": "المرصد"}
    assert json.loads(str(after))["span"]["label"] == "LOCATION"


def test_an_earlier_edit_in_the_package_loses_but_is_kept_in_the_log(
    lead: Project, shared: Path
) -> None:
    uuid = only_span(lead, 1, "alice")
    with open_project(shared) as alice:
        alice.spans.update(uuid, by="alice", label="LOCATION")
    tick()
    leads = lead.spans.update(uuid, by="lead", attrs={"canonical": "المرصد"})

    report = merge_file(lead, shared)
    assert lead.spans.get(uuid) == leads
    assert [c.winner for c in report.conflicts] == ["project"]
    [(_, _, _, before, _)] = logged(lead, "merge.conflict")
    assert json.loads(str(before))["span"]["label"] == "LOCATION"
    copied = [
        json.loads(str(a))["label"] for by, *_, a in logged(lead, "span.update") if by == "alice"
    ]
    assert copied == ["LOCATION"]  # alice's own entry came over too
    again = merge_file(lead, shared)  # settled: no second report of it
    assert not again.changed and lead.spans.get(uuid) == leads


def test_a_deletion_in_the_package_is_carried_over(lead: Project, shared: Path) -> None:
    uuid = only_span(lead, 1, "alice")
    with open_project(shared) as alice:
        alice.spans.delete(uuid, by="alice")
    report = merge_file(lead, shared)
    assert (report.spans_deleted, report.conflicts) == (1, [])
    assert lead.spans.get(uuid) is None


def test_a_deletion_in_the_package_loses_to_a_later_edit_in_the_project(
    lead: Project, shared: Path
) -> None:
    uuid = only_span(lead, 1, "alice")
    with open_project(shared) as alice:
        alice.spans.delete(uuid, by="alice")
    tick()
    kept = lead.spans.update(uuid, by="lead", label="LOCATION")
    report = merge_file(lead, shared)
    assert lead.spans.get(uuid) == kept
    [conflict] = report.conflicts
    assert (conflict.winner, conflict.how) == (
        "project",
        "was deleted in the package and edited in the project",
    )


def test_an_edit_in_the_package_after_a_deletion_in_the_project_brings_it_back(
    lead: Project, shared: Path
) -> None:
    uuid = only_span(lead, 1, "alice")
    lead.spans.delete(uuid, by="lead")
    tick()
    with open_project(shared) as alice:
        edited = alice.spans.update(uuid, by="alice", attrs={"canonical": "المرصد"})
    report = merge_file(lead, shared)
    assert lead.spans.get(uuid) == edited
    assert [(c.winner, c.how) for c in report.conflicts] == [
        ("package", "was edited in the package and deleted in the project")
    ]


def test_untouched_in_the_package_a_deletion_in_the_project_stands(
    lead: Project, shared: Path
) -> None:
    uuid = only_span(lead, 1, "alice")
    lead.spans.delete(uuid, by="lead")
    with open_project(shared) as alice:
        span_on(alice, 2, "خبر", "DATE", "alice")
    report = merge_file(lead, shared)
    assert lead.spans.get(uuid) is None
    assert (report.spans_added, report.conflicts) == (1, [])


def test_status_set_in_both_places(lead: Project, shared: Path) -> None:
    alice_here = lead.annotator("alice").id
    lead.status.set(5, alice_here, "skipped", by="lead")
    tick()
    with open_project(shared) as alice:
        alice.status.set(5, alice.annotator("alice").id, "done", by="alice")
        alice.status.set(6, alice.annotator("alice").id, "done", by="alice")
    report = merge_file(lead, shared)
    assert lead.status.get(5, alice_here) == "done"
    assert lead.status.get(6, alice_here) == "done"
    assert report.statuses == 2
    assert [(c.document, c.winner) for c in report.conflicts] == [("art-04", "package")]


def test_a_file_with_other_text_is_refused_naming_the_documents(
    lead: Project, lead_path: Path, tmp_path: Path
) -> None:
    from app.text.canonical import sha256
    from storage.clock import now
    from storage.documents import NewDocument

    other = tmp_path / "other.tawsim"
    with open_project(other, create=True, labels=lead.labels.all()) as project:
        with project.transaction():
            for external_id, text in (("art-03", "نص آخر"), ("art-07", "نص ثالث"), ("new", "جديد")):
                project.documents.add(
                    NewDocument(external_id=external_id, text=text, sha256=sha256(text)),
                    imported_at=now(),
                )
        span_on(project, 3, "جديد", "ACTOR", "carol")
    before = dump(lead_path)
    with pytest.raises(MergeRefused) as refused:
        merge_file(lead, other)
    message = str(refused.value)
    assert str(other) in message and "nothing was written" in message
    assert "art-03" in message and "art-07" in message and "'new'" not in message
    assert dump(lead_path) == before


def test_a_package_whose_text_was_altered_is_refused(
    lead: Project, lead_path: Path, shared: Path
) -> None:
    conn = sqlite3.connect(shared)
    conn.execute("UPDATE documents SET text = text || '!' WHERE external_id = 'art-05'")
    conn.commit()
    conn.close()
    before = dump(lead_path)
    with pytest.raises(MergeRefused, match=r"art-05 \(its text does not match its own sha256\)"):
        merge_file(lead, shared)
    assert dump(lead_path) == before


def test_what_is_not_a_project_gets_a_clean_error(
    lead: Project, lead_path: Path, tmp_path: Path
) -> None:
    text = tmp_path / "notes.tawsim"
    text.write_text("not a database", encoding="utf-8")
    foreign = tmp_path / "foreign.sqlite"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    empty = tmp_path / "empty.tawsim"
    empty.touch()
    before = dump(lead_path)
    for path in (text, foreign, empty, tmp_path):
        with pytest.raises(NotAProjectError, match=str(path)):
            merge_file(lead, path)
    with pytest.raises(MergeRefused, match="the project itself"):
        merge_file(lead, lead_path)
    assert dump(lead_path) == before
    assert text.read_text(encoding="utf-8") == "not a database"


def test_labels_and_documents_the_file_brings_are_added_and_reported(
    lead: Project, lead_path: Path, tmp_path: Path
) -> None:
    from app.text.canonical import sha256
    from storage.clock import now
    from storage.documents import NewDocument

    other = tmp_path / "carol.tawsim"
    text = "وصل وفد الأمم المتحدة إلى دير الزور أمس."
    with open_project(other, create=True, labels=lead.labels.all()) as project:
        with project.transaction():
            project.documents.add(
                NewDocument(external_id="un", text=text, sha256=sha256(text)), imported_at=now()
            )
        project.labels.save(Label("ORG", name_en="Organization", color="#123456"), by="carol")
        created = span_on(project, 1, "الأمم المتحدة", "ORG", "carol")
    report = merge_file(lead, other)
    assert (report.documents, report.documents_added, report.labels_added) == (1, 1, ["ORG"])
    assert any("not a work package of this project" in note for note in report.notes)
    assert layer(lead_path, "carol") == layer(other, "carol")
    document_id = lead.documents.id_by_external_id("un")
    assert document_id == 13
    assert lead.spans.get(created.uuid) is not None
    assert lead.spans.covered_text(document_id, created.start, created.end) == "الأمم المتحدة"
    # carol's own log entry came over speaking of the project's document 13, not her 1.
    [(_, copied_document, _, _, after)] = [
        e for e in logged(lead, "span.create") if e[0] == "carol"
    ]
    assert copied_document == json.loads(str(after))["document_id"] == 13
    before = dump(lead_path)
    assert not merge_file(lead, other).changed
    assert dump(lead_path) == before


def test_cancelling_a_merge_writes_nothing(lead: Project, lead_path: Path, shared: Path) -> None:
    with open_project(shared) as alice:
        span_on(alice, 2, "خبر", "DATE", "alice")
    before = dump(lead_path)
    calls: list[tuple[int, int]] = []

    def cancel(done: int, total: int) -> bool:
        calls.append((done, total))
        return False

    with pytest.raises(MergeCancelled):
        merge_file(lead, shared, progress=cancel)
    assert calls == [(12, 12)]
    assert dump(lead_path) == before
    assert merge_file(lead, shared).spans_added == 1


# -- any sequence of edits on both sides -----------------------------------------------------

WORDS = ["خبر", "مدنيين", "المرصد السوري", "اليوم"]
Step = tuple[str, str, int]
steps = st.lists(
    st.tuples(
        st.sampled_from(["alice", "alice", "lead", "merge"]),
        st.sampled_from(["create", "update", "delete"]),
        st.integers(0, 50),
    ),
    max_size=10,
)


def _edit(project: Project, by: str, action: str, pick: int) -> str | None:
    """One edit of alice's layer in ``project``; returns the span it touched."""
    spans = [s for d in (1, 2) for s in project.spans.for_document(d, "alice")]
    if action == "create" or not spans:
        return span_on(project, 1 + pick % 2, WORDS[pick % len(WORDS)], "ACTOR", "alice").uuid
    span = spans[pick % len(spans)]
    if action == "update":
        project.spans.update(span.uuid, by=by, attrs={"n": pick}, label=["DATE", "ACTOR"][pick % 2])
    else:
        project.spans.delete(span.uuid, by=by)
    return span.uuid


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=steps)
def test_any_edits_merge_without_losing_work_and_merge_once(steps: list[Step]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        with open_project(root / "lead.tawsim", create=True, labels=default_labels()) as lead:
            with lead.transaction():
                for i in (0, 1):
                    text = article(i)
                    document = NewDocument(f"d{i}", text, sha256(text))
                    lead.documents.add(document, imported_at=now())
            span_on(lead, 1, "المرصد السوري", "ACTOR", "alice")
            package = create_packages(lead, ["alice"], root / "out", overlap=1.0).packages[0].path
            touched: set[str] = set()  # by alice since the last merge
            lead_edited = False
            for who, action, pick in [*steps, ("merge", "", 0)]:
                if who == "merge":
                    report = merge_file(lead, package)
                    conflicted = {c.item.rsplit("(", 1)[1].rstrip(")") for c in report.conflicts}
                    mine, theirs = dict_layer(root / "lead.tawsim"), dict_layer(package)
                    for uuid in touched:  # alice's work is here, or its loss was reported
                        assert mine.get(uuid) == theirs.get(uuid) or uuid in conflicted
                    if not lead_edited:
                        assert mine == theirs
                    touched = set()
                    before = dump(root / "lead.tawsim")
                    assert not merge_file(lead, package).changed
                    assert dump(root / "lead.tawsim") == before
                elif who == "alice":
                    with open_project(package) as alice:
                        touched.add(str(_edit(alice, "alice", action, pick)))
                else:
                    lead_edited = True
                    _edit(lead, "lead", action, pick)
                tick()


def dict_layer(path: Path) -> dict[object, tuple[object, ...]]:
    """alice's spans by uuid, as content: a merge compares versions without their
    timestamps (an edit that changes nothing but ``updated_at`` is not work to keep)."""
    return {row[0]: row[1:-2] for row in layer(path, "alice")}


def test_the_command_line_packages_and_merges(
    lead: Project,
    lead_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    tawsim_home: Path,  # the command reads settings: never the real user's
) -> None:
    from app.cli import main

    lead.close()  # the commands open the project themselves
    out = tmp_path / "packages"
    args = ["package", str(lead_path), "--annotators", "alice,bob", "--out", str(out)]
    assert main([*args, "--overlap", "0.5", "--documents", "ids:1-8", "--seed", "4"]) == 0
    printed = capsys.readouterr().out
    assert "8 documents, 4 of them shared by every annotator (2 packages)" in printed
    assert "alice: 6 documents, 2 pre-annotated spans" in printed
    with open_project(out / "alice.tawsim") as alice:
        new = span_on(alice, alice.documents.ids()[-1], "اليوم", "DATE", "alice")
    assert main(["merge", str(lead_path), str(out / "alice.tawsim"), str(out / "bob.tawsim")]) == 0
    printed = capsys.readouterr().out
    assert "alice.tawsim (alice): 6 documents (0 new), spans 1 added" in printed
    assert "bob.tawsim (bob): nothing new to merge" in printed
    (tmp_path / "junk.tawsim").write_bytes(b"\x00" * 100)
    assert main(["merge", str(lead_path), str(tmp_path / "junk.tawsim")]) == 1
    error = capsys.readouterr().err
    assert "junk.tawsim" in error and "1 of 1 files were not merged" in error
    assert main([*args, "--overlap", "2"]) == 2
    assert "overlap must be between 0 and 1" in capsys.readouterr().err
    with open_project(lead_path) as project:
        assert project.spans.get(new.uuid) == new
