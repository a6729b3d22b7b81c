"""The project's label set and its validation."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from storage import Label, Project, ProjectError, Span

AddDocument = Callable[..., int]


def label_ids(project: Project) -> list[str]:
    return [label.id for label in project.labels.all()]


def test_default_labels_in_order(project: Project) -> None:
    assert label_ids(project) == ["ACTOR", "LOCATION", "CASUALTY_COUNT", "DATE"]
    actor = project.labels.get("ACTOR")
    assert actor is not None
    assert actor.display_name == "فاعل"
    assert actor.attributes == ("canonical",)


def test_save_inserts_updates_and_logs(project: Project) -> None:
    weapon = Label("WEAPON", name_ar="سلاح", color="#123abc", key="5", attributes=("type",))
    project.labels.save(weapon, by="alice")
    assert project.labels.get("WEAPON") == weapon
    project.labels.save(Label("WEAPON", name_en="Weapon", color="#ABCDEF"), by="alice")
    changed = project.labels.get("WEAPON")
    assert changed is not None
    assert (changed.name_ar, changed.name_en, changed.color) == ("", "Weapon", "#ABCDEF")
    assert changed.display_name == "Weapon"
    assert label_ids(project).count("WEAPON") == 1
    logged = project.conn.execute(
        "SELECT count(*) FROM changes WHERE action = 'label.save'"
    ).fetchone()[0]
    assert logged == 2


@pytest.mark.parametrize(
    "label_id", ["", "MY LABEL", "ACTOR ", "فاعل", "A/B", "x.y", "ÉTAT", "tab\there"]
)
def test_bad_label_ids_are_refused(project: Project, label_id: str) -> None:
    before = project.labels.all()
    with pytest.raises(ProjectError, match="no spaces"):
        project.labels.save(Label(label_id, color="#ff0000"))
    assert project.labels.all() == before


@pytest.mark.parametrize("label_id", ["ACTOR_2", "geo-place", "X9"])
def test_plain_identifiers_are_accepted(project: Project, label_id: str) -> None:
    project.labels.save(Label(label_id, color="#00ff00"))
    assert project.labels.get(label_id) is not None


@pytest.mark.parametrize("color", ["red", "#fff", "#12345g", "123456", "#1234567", ""])
def test_bad_colours_are_refused(project: Project, color: str) -> None:
    with pytest.raises(ProjectError, match="colour"):
        project.labels.save(Label("WEAPON", color=color))
    assert project.labels.get("WEAPON") is None


def test_replace_all_checks_every_label_first(project: Project) -> None:
    before = project.labels.all()
    with pytest.raises(ProjectError):
        project.labels.replace_all([Label("A", color="#000000"), Label("B", color="blue")])
    assert project.labels.all() == before


def test_replace_all_keeps_labels_in_use(project: Project, add_document: AddDocument) -> None:
    doc = add_document("قصف على حلب")
    project.spans.create(Span("u", doc, "alice", 8, 11, "LOCATION", "حلب"), by="alice")
    project.labels.replace_all([Label("WEAPON", color="#000000")])
    assert sorted(label_ids(project)) == ["LOCATION", "WEAPON"]


def test_label_in_use_cannot_be_deleted(project: Project, add_document: AddDocument) -> None:
    doc = add_document("قصف على حلب")
    project.spans.create(Span("u", doc, "alice", 8, 11, "LOCATION", "حلب"), by="alice")
    assert project.labels.in_use("LOCATION") == 1
    with pytest.raises(ProjectError, match="used by 1 spans"):
        project.labels.delete("LOCATION")
    assert project.labels.get("LOCATION") is not None
    project.labels.delete("DATE", by="alice")
    assert project.labels.get("DATE") is None
    assert "DATE" not in label_ids(project)
