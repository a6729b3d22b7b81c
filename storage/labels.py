"""The project's label set."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from storage.errors import ProjectError
from storage.records import Label

if TYPE_CHECKING:
    from storage.project import Project

_COLUMNS = "id, name_ar, name_en, color, shortcut, attributes, sort_order"


def _label(row: tuple[object, ...]) -> Label:
    return Label(
        id=str(row[0]),
        name_ar=str(row[1]),
        name_en=str(row[2]),
        color=str(row[3]),
        key=str(row[4]),
        attributes=tuple(json.loads(str(row[5]))),
        order=int(str(row[6])),
    )


class LabelStore:
    def __init__(self, project: Project) -> None:
        self._project = project

    def all(self) -> list[Label]:
        rows = self._project.conn.execute(
            f"SELECT {_COLUMNS} FROM labels ORDER BY sort_order, id"
        ).fetchall()
        return [_label(r) for r in rows]

    def get(self, label_id: str) -> Label | None:
        row = self._project.conn.execute(
            f"SELECT {_COLUMNS} FROM labels WHERE id = ?", (label_id,)
        ).fetchone()
        return None if row is None else _label(row)

    def save(self, label: Label, *, by: str = "") -> None:
        """Insert or update one label (its id never changes once spans use it)."""
        _validate(label)
        with self._project.transaction() as conn:
            before = self.get(label.id)
            conn.execute(
                f"INSERT INTO labels ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET name_ar = excluded.name_ar,"
                " name_en = excluded.name_en, color = excluded.color,"
                " shortcut = excluded.shortcut, attributes = excluded.attributes,"
                " sort_order = excluded.sort_order",
                _values(label),
            )
            self._project.log_change(
                by=by or "project",
                action="label.save",
                before=None if before is None else _as_dict(before),
                after=_as_dict(label),
            )

    def replace_all(self, labels: Sequence[Label]) -> None:
        """Seed a fresh project's label set."""
        for label in labels:
            _validate(label)
        with self._project.transaction() as conn:
            conn.execute("DELETE FROM labels WHERE id NOT IN (SELECT DISTINCT label FROM spans)")
            conn.executemany(
                f"INSERT OR REPLACE INTO labels ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [_values(label) for label in labels],
            )

    def in_use(self, label_id: str) -> int:
        row = self._project.conn.execute(
            "SELECT count(*) FROM spans WHERE label = ?", (label_id,)
        ).fetchone()
        return int(row[0])

    def delete(self, label_id: str, *, by: str = "") -> None:
        count = self.in_use(label_id)
        if count:
            raise ProjectError(f"label {label_id} is used by {count} spans; it cannot be deleted")
        with self._project.transaction() as conn:
            before = self.get(label_id)
            conn.execute("DELETE FROM labels WHERE id = ?", (label_id,))
            self._project.log_change(
                by=by or "project",
                action="label.delete",
                before=None if before is None else _as_dict(before),
            )


def _validate(label: Label) -> None:
    # brat and CoNLL cannot carry spaces in a label, so ids are plain identifiers everywhere.
    if not label.id or not all(c.isascii() and (c.isalnum() or c in "_-") for c in label.id):
        raise ProjectError(f"label id {label.id!r} must be letters, digits, '_' or '-' (no spaces)")
    if not _is_hex_color(label.color):
        raise ProjectError(f"label {label.id}: colour {label.color!r} is not #rrggbb")


def _is_hex_color(value: str) -> bool:
    return (
        len(value) == 7
        and value[0] == "#"
        and all(c in "0123456789abcdefABCDEF" for c in value[1:])
    )


def _values(label: Label) -> tuple[object, ...]:
    return (
        label.id,
        label.name_ar,
        label.name_en,
        label.color,
        label.key,
        json.dumps(list(label.attributes)),
        label.order,
    )


def _as_dict(label: Label) -> dict[str, object]:
    return {
        "id": label.id,
        "name_ar": label.name_ar,
        "name_en": label.name_en,
        "color": label.color,
        "key": label.key,
        "attributes": list(label.attributes),
        "order": label.order,
    }
