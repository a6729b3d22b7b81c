"""Hostile and broken files (DESIGN §9, issue 7): each is rejected with a message naming the
file (and line), or imported; none crashes, hangs, reads outside the import folder, or
leaves anything in the project but what the report says was imported.

Small cases are fixtures in tests/fixtures/hostile (see SOURCE.txt there); big ones (a 100 MB
line, a 10 MB CSV cell, JSON nested 100,000 deep, an array of garbage) and links (a loop,
links out of the folder) are generated into tmp_path.

The size limit for one record is 64 MB of input (app.formats.records.MAX_RECORD_BYTES): a
100 MB line is refused, unparsed, with a message giving both sizes; a 10 MB cell imports.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.core.importing import ImportReport, import_paths
from app.core.labels import default_labels
from storage import open_project
from tests.unit.fuzz.project_state import check_only_reported_changes, dump, time_limit

HOSTILE = Path(__file__).parents[2] / "fixtures" / "hostile"
ROOT = Path(__file__).parents[3]
SECRET = "سر لا يجوز أن يقرأ"  # text that must never reach the project


def run_import(tmp_path: Path, paths: list[Path], **options: object) -> tuple[ImportReport, Path]:
    """Import into a fresh project; check that only what the report names was stored."""
    project_path = tmp_path / "project.tawsim"
    open_project(project_path, create=True, labels=default_labels()).close()
    before = dump(project_path)
    with time_limit(60), open_project(project_path) as project:
        report = import_paths(project, paths, **options)  # type: ignore[arg-type]
    after = dump(project_path)
    check_only_reported_changes(before, after, report)
    if not report.imported and not report.duplicates:
        assert after == before
    assert SECRET not in json.dumps(after, ensure_ascii=False)
    return report, project_path


def stored(project_path: Path) -> dict[str, str]:
    with open_project(project_path) as project:
        return {d.external_id: d.text for d in project.documents.iterate()}


# -- fixtures: (file, format, [(location after the fixture folder, words of the message)]) ----
CASES = [
    ("image.png", "txt", [("image.png", "binary file, not text")]),
    ("image-renamed.jsonl", "auto", [("image-renamed.jsonl", "binary file, not text")]),
    ("empty.txt", "auto", [("empty.txt", "empty file")]),
    ("empty.jsonl", "auto", [("empty.jsonl", "empty file")]),
    ("empty.csv", "csv", [("empty.csv", "empty file")]),
    (
        "truncated-utf8.txt",
        "auto",
        [("truncated-utf8.txt", "line 1, column 77: invalid UTF-8 byte 0xd8 (the file is UTF-8")],
    ),
    ("truncated-utf8.jsonl", "auto", [("truncated-utf8.jsonl:2", "invalid UTF-8 byte 0xd8")]),
    ("nul-bytes.txt", "auto", [("nul-bytes.txt", "binary file, not text")]),
    ("nul-escaped.jsonl", "auto", [("nul-escaped.jsonl:2", "NUL character")]),
    ("billion-laughs.xmi", "auto", [("billion-laughs.xmi:2", "<!DOCTYPE declarations are not")]),
    (
        "billion-laughs-utf16.xmi",
        "auto",
        [("billion-laughs-utf16.xmi:2", "<!DOCTYPE declarations are not accepted")],
    ),
    ("external-entity.xmi", "auto", [("external-entity.xmi:2", "<!DOCTYPE declarations are")]),
    (
        "typesystem-bomb",
        "auto",
        [("typesystem-bomb/TypeSystem.xml:2", "<!DOCTYPE declarations are not accepted")],
    ),
]


@pytest.mark.parametrize(("name", "fmt", "expected"), CASES, ids=[c[0] for c in CASES])
def test_fixture_is_rejected_naming_file_and_line(
    tmp_path: Path, name: str, fmt: str, expected: list[tuple[str, str]]
) -> None:
    source = tmp_path / "in" / name
    if (HOSTILE / name).is_dir():
        shutil.copytree(HOSTILE / name, source)
    else:
        source.parent.mkdir()
        shutil.copyfile(HOSTILE / name, source)
    report, project_path = run_import(tmp_path, [source], fmt=fmt, annotator="a")
    assert len(report.rejected) == len(expected), report.rejected
    for message, (where, words) in zip(report.rejected, expected, strict=True):
        assert message.startswith(f"{tmp_path / 'in' / where}: "), message
        assert words in message, message
    good = {"truncated-utf8.jsonl": {"a": "قصف على حلب"}, "nul-escaped.jsonl": {"a": "قصف على حلب"}}
    assert stored(project_path) == good.get(name, {})


def test_xml_entities_are_never_expanded(tmp_path: Path) -> None:
    """Refused unread: the bomb costs nothing and /etc/passwd is not opened."""
    started = time.perf_counter()
    for name in ("billion-laughs.xmi", "external-entity.xmi"):
        report, _ = run_import(tmp_path / name, [HOSTILE / name], fmt="xmi")
        assert report.imported == 0 and len(report.rejected) == 1
        assert "root:" not in report.rejected[0]
    assert time.perf_counter() - started < 10


def test_png_in_a_folder_is_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(HOSTILE / "image.png", folder / "photo.png")
    (folder / "article.txt").write_text("قصف على حلب", encoding="utf-8")
    report, project_path = run_import(tmp_path, [folder])
    assert report.rejected == []
    assert report.notes == [f"{folder / 'photo.png'}: skipped (format not recognized)"]
    assert stored(project_path) == {"article": "قصف على حلب"}


# -- links, loops, pipes ---------------------------------------------------------------------
def test_folder_with_a_link_loop_links_out_and_a_pipe(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "article.txt").write_text("قصف على حلب", encoding="utf-8")
    (folder / "sub" / "inner.txt").write_text("غارة على إدلب", encoding="utf-8")
    os.symlink("..", folder / "sub" / "loop")  # a directory loop: sub/loop/sub/loop/...
    os.symlink(folder, folder / "self")
    os.symlink(secret, folder / "stolen.txt")
    os.symlink("/dev/zero", folder / "zero.txt")  # would never end
    os.symlink(folder / "sub" / "inner.txt", folder / "alias.txt")  # inside: fine
    os.symlink(folder / "missing.txt", folder / "broken.txt")
    os.mkfifo(folder / "pipe.txt")  # opening it would block forever
    report, project_path = run_import(tmp_path, [folder])
    assert sorted(report.rejected) == [
        f"{folder / 'broken.txt'}: not read (a broken link)",
        f"{folder / 'pipe.txt'}: not read (not a regular file: a pipe or device)",
        f"{folder / 'stolen.txt'}: not read (a link to {secret}, outside the folder being"
        " imported)",
        f"{folder / 'zero.txt'}: not read (a link to /dev/zero, outside the folder being imported)",
    ]
    assert f"{folder / 'sub' / 'loop'}: skipped (a link to a folder: links are not followed)" in (
        report.notes
    )
    # alias.txt and sub/inner.txt hold one text: one document, the other a duplicate.
    assert report.imported == 2 and report.duplicates == 1
    assert sorted(stored(project_path).values()) == ["غارة على إدلب", "قصف على حلب"]


def test_a_pipe_named_on_its_own_is_refused(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.jsonl"
    os.mkfifo(pipe)
    report, _ = run_import(tmp_path, [pipe])
    assert report.rejected == [f"{pipe}: not read (not a regular file: a pipe or device)"]


def test_brat_text_linked_out_of_its_folder_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "doc.ann").write_text("T1\tLOCATION 0 2\tسر\n", encoding="utf-8")
    os.symlink(secret, folder / "doc.txt")
    refused = f"{folder / 'doc.txt'}: not read: a link that leads out of its folder (or nowhere)"
    for given in (folder, folder / "doc.ann"):  # the folder, or the .ann on its own
        report, _ = run_import(tmp_path / given.name, [given], annotator="a")
        assert report.rejected == [refused]


def test_links_out_beside_a_cas_or_a_brat_folder_are_not_read(tmp_path: Path) -> None:
    xmi = tmp_path / "xmi"
    xmi.mkdir()
    shutil.copyfile(HOSTILE / "typesystem-bomb" / "event.xmi", xmi / "event.xmi")
    os.symlink("/etc/passwd", xmi / "TypeSystem.xml")
    report, _ = run_import(tmp_path / "one", [xmi], annotator="a")
    assert report.rejected[0].startswith(f"{xmi / 'TypeSystem.xml'}: not read (a link to")
    # The CAS is read with the built-in types only, which do not define its own.
    assert report.rejected[1].startswith(f"{xmi / 'event.xmi'}:4: types not in its type system")
    brat = tmp_path / "brat"
    shutil.copytree(HOSTILE / "climbing-brat", brat)
    (tmp_path / "index.conf").write_text("doc\tstolen-id\t{}\n", encoding="utf-8")
    (brat / "tawsim-documents.conf").unlink()
    os.symlink(tmp_path / "index.conf", brat / "tawsim-documents.conf")
    report, project_path = run_import(tmp_path / "two", [brat], annotator="a")
    assert report.rejected == []
    assert stored(project_path) == {"doc": "قصف على حلب"}  # its own name, not the linked id


def test_names_that_climb_out_of_the_folder_read_nothing_outside(tmp_path: Path) -> None:
    """``../`` in our per-layer manifest, in the brat document index and in annotation.conf
    are names looked up among the files inside: nothing outside is read or attributed."""
    (tmp_path / "secret.jsonl").write_text(
        json.dumps({"id": "stolen", "text": SECRET}, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    manifest = tmp_path / "climbing-manifest"
    shutil.copytree(HOSTILE / "climbing-manifest", manifest)
    report, project_path = run_import(tmp_path / "one", [manifest])
    assert (report.imported, report.rejected) == (1, [])
    assert stored(project_path) == {"inside": "قصف على حلب"}
    with open_project(project_path) as project:
        assert [a.name for a in project.annotators()] == ["alice"]
    brat = tmp_path / "climbing-brat"
    shutil.copytree(HOSTILE / "climbing-brat", brat)
    report, project_path = run_import(tmp_path / "two", [brat], annotator="a")
    assert (report.imported, report.rejected) == (1, [])
    assert stored(project_path) == {"inside-doc": "قصف على حلب"}


# -- big and deep --------------------------------------------------------------------------
def test_json_nested_100000_levels_is_one_clean_rejection(tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    files = {
        "jsonl": ("deep.jsonl", f'{{"id": "ok", "text": "قصف"}}\n{deep}\n'),
        "doccano": (
            "deep.jsonl",
            f'{{"text": "قصف", "label": []}}\n{{"text": "x", "label": {deep}}}\n',
        ),
        "labelstudio": (
            "deep.json",
            f'[{{"data": {{"text": "قصف"}}}},\n{{"data": {{"text": "x", "deep": {deep}}}}},\n'
            '{"data": {"text": "حلب"}}]',
        ),
    }
    _second_record_rejected(tmp_path, files, "malformed JSON (nested too deeply)")


def test_json_number_of_5000_digits_is_one_clean_rejection(tmp_path: Path) -> None:
    # Python refuses to turn more than 4,300 digits into an int (a ValueError that is not
    # a JSONDecodeError): the record is rejected and named, never a crash.
    long_number = "1" * 5000
    files = {
        "jsonl": (
            "long.jsonl",
            f'{{"id": "ok", "text": "قصف"}}\n{{"text": "x", "n": {long_number}}}\n',
        ),
        "doccano": (
            "long.jsonl",
            f'{{"text": "قصف", "label": []}}\n{{"text": "x", "label": [[0, 1, {long_number}]]}}\n',
        ),
        "labelstudio": (
            "long.json",
            f'[{{"data": {{"text": "قصف"}}}},\n{{"data": {{"text": "x", "n": {long_number}}}}},\n'
            '{"data": {"text": "حلب"}}]',
        ),
    }
    _second_record_rejected(tmp_path, files, "malformed JSON (a number too long to read)")


def _second_record_rejected(tmp_path: Path, files: dict[str, tuple[str, str]], why: str) -> None:
    """Import each format's file (format: (name, content)): its second record, on line 2,
    is rejected for ``why``, and the first one ("قصف") is stored."""
    for fmt, (name, content) in files.items():
        path = tmp_path / fmt / name
        path.parent.mkdir()
        path.write_text(content, encoding="utf-8")
        report, project_path = run_import(tmp_path / fmt, [path], fmt=fmt)
        assert report.rejected == [f"{path}:2: {why}"], fmt
        assert "قصف" in stored(project_path).values()


def test_csv_with_a_10_mb_cell_imports_exactly(tmp_path: Path) -> None:
    big = "قصف على حلب، " * (10 * 2**20 // 22)
    path = tmp_path / "big-cell.csv"
    path.write_text(f'id,title,text\nbig,كبير,"{big}"\nsmall,صغير,حلب\n', encoding="utf-8")
    assert path.stat().st_size > 10 * 2**20
    started = time.perf_counter()
    report, project_path = run_import(tmp_path, [path])
    assert time.perf_counter() - started < 20
    assert (report.imported, report.rejected) == (2, [])
    assert stored(project_path) == {"big": big, "small": "حلب"}


def test_label_studio_array_of_garbage(tmp_path: Path) -> None:
    pieces = ["1", '"x"', "null", "true", "[]", "{}", '{"data": 5}', '{"data": {}}']
    pieces += ['{"annotations": 3, "data": {"text": "a"}}', "[[[[1]]]]", '"\\u0000"', "-1e999"]
    chosen = random.Random(7).choices(pieces, k=50_000)
    path = tmp_path / "garbage.json"
    path.write_text("[" + ",\n".join(chosen) + "]", encoding="utf-8")
    started = time.perf_counter()
    report, _ = run_import(tmp_path, [path], fmt="labelstudio")
    assert time.perf_counter() - started < 30
    assert report.imported == 0 and len(report.rejected) == len(chosen)
    for number, message in enumerate(report.rejected, start=1):
        assert message.startswith(f"{path}:{number}: "), message


CHILD = """
import json, resource, sys, time
from app.core.importing import import_paths
from app.core.labels import default_labels
from storage import open_project

source, project_path, fmt = sys.argv[1:4]
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
with open_project(project_path, create=True, labels=default_labels()) as project:
    report = import_paths(project, [source], fmt=fmt)
seconds = time.perf_counter() - started
grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024  # kB on Linux
print(json.dumps({"seconds": seconds, "grown": grown, "rejected": report.rejected,
                  "imported": report.imported}))
"""


def _write_big_line(path: Path, head: bytes, tail: bytes, megabytes: int) -> None:
    chunk = "قصف على حلب ".encode() * 50_000  # Arabic: two bytes a letter; ~1 MB
    with open(path, "wb") as stream:
        stream.write(head)
        written = 0
        while written < megabytes * 2**20:
            written += stream.write(chunk)
        stream.write(tail)


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in kilobytes on Linux")
@pytest.mark.parametrize(
    ("name", "head", "tail", "fmt", "where", "limit"),
    [
        ("line.jsonl", b'{"id": "x", "text": "', b'"}\n', "auto", ":1", "the line is"),
        ("line.csv", b"id,text\nx,", b"\n", "auto", ":2", "the line is"),
        ("line.txt", b"", b"", "auto", "", "the file is"),
    ],
)
def test_one_100_mb_line_is_refused_without_blowing_memory(
    tmp_path: Path, name: str, head: bytes, tail: bytes, fmt: str, where: str, limit: str
) -> None:
    """Peak memory grows by less than four times the file (measured: ~3.3× for JSONL and
    CSV, 0 for .txt, refused by its size before it is read); it takes seconds."""
    source = tmp_path / name
    _write_big_line(source, head, tail, 100)
    size = source.stat().st_size
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(source), str(tmp_path / "p.tawsim"), fmt],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=True,
    )
    measured = json.loads(result.stdout)
    assert measured["imported"] == 0
    assert measured["rejected"] == [
        f"{source}{where}: {limit} 100 MB, over the 64 MB limit for one document; "
        + ("the rest of the file was not read" if name.endswith(".csv") else "not read")
    ]
    assert measured["grown"] < 4 * size, measured
    assert measured["seconds"] < 30, measured
