"""Atomic writes: a reader sees the old file or the whole new one, never half of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.formats.atomic import atomic_text_writer


class Boom(Exception):
    pass


def test_success_writes_the_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "out" / "export.jsonl"
    with atomic_text_writer(target) as stream:
        stream.write("سطر أول\nسطر ثان\n")
        assert not target.exists()  # not visible before the end
    assert target.read_bytes() == "سطر أول\nسطر ثان\n".encode()
    assert sorted(p.name for p in target.parent.iterdir()) == ["export.jsonl"]


def test_exception_leaves_no_target_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "export.jsonl"
    with pytest.raises(Boom), atomic_text_writer(target) as stream:
        stream.write("half of it")
        raise Boom
    assert list(tmp_path.iterdir()) == []


def test_exception_keeps_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "export.jsonl"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(Boom), atomic_text_writer(target) as stream:
        stream.write("new but broken")
        raise Boom
    assert target.read_text(encoding="utf-8") == "old\n"
    assert list(tmp_path.iterdir()) == [target]


def test_replaces_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "settings.json"
    target.write_text("old", encoding="utf-8")
    with atomic_text_writer(target) as stream:
        stream.write("new\r\n")
    assert target.read_bytes() == b"new\r\n"  # written as given: no newline translation
    assert list(tmp_path.iterdir()) == [target]


def test_unencodable_text_fails_without_a_trace(tmp_path: Path) -> None:
    target = tmp_path / "export.jsonl"
    with pytest.raises(UnicodeEncodeError), atomic_text_writer(target) as stream:
        stream.write("ok\n" * 10)
        stream.write("\ud800")  # a lone surrogate cannot be written as UTF-8
        stream.flush()
    assert list(tmp_path.iterdir()) == []
