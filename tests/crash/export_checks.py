"""What a killed export may leave: its output absent or complete, and clearly named temps."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.crash import checks

# (format, extra arguments, output name): a file, folders of files, folders of per-layer
# outputs (a format that cannot name annotators writes one output per layer), a file with
# a companion (Label Studio's labeling config).
EXPORTS: tuple[tuple[str, list[str], str], ...] = (
    ("jsonl", [], "all.jsonl"),
    ("conll", [], "conll-layers"),
    ("conll", ["--annotator", "alice"], "alice.conll"),
    ("brat", [], "brat-layers"),
    ("xmi", [], "xmi"),
    ("webanno", ["--annotator", "bob"], "webanno-bob"),
    ("doccano", ["--annotator", "bob"], "bob.doccano.jsonl"),
    ("labelstudio", [], "tasks.json"),
)


def companions(fmt: str, name: str) -> set[str]:
    """The output and the files written beside it."""
    from app.core.exporting import report_path_for
    from app.formats.label_studio import config_path

    names = {name, report_path_for(Path(name)).name}
    if fmt == "labelstudio":
        names.add(config_path(Path(name)).name)
    return names


def every_output() -> set[str]:
    return {n for fmt, _, name in EXPORTS for n in companions(fmt, name)}


def check_export(fmt: str, out: Path, reference: Path, name: str) -> str:
    """Each output is absent or exactly the reference; returns "absent" or "complete"."""
    if not out.exists():
        return "absent"
    strays = checks.strays(out, every_output())
    assert not strays, f"files that are neither outputs nor temporary: {strays}"
    for companion in sorted(companions(fmt, name)):
        check_same(out / companion, reference / companion)
    return "complete" if (out / name).exists() else "absent"


def check_same(path: Path, reference: Path) -> None:
    """``path`` is absent, or is ``reference`` exactly (a file, or a folder file by file)."""
    if not path.exists():
        return
    if reference.is_dir():
        assert path.is_dir(), f"{path} is not a folder"
        mine = sorted(p.relative_to(path) for p in path.rglob("*"))
        theirs = sorted(p.relative_to(reference) for p in reference.rglob("*"))
        assert mine == theirs, f"{path}: {len(mine)} entries, the whole export has {len(theirs)}"
        for relative in theirs:
            if (reference / relative).is_file():
                _check_same_file(path / relative, reference / relative)
    else:
        _check_same_file(path, reference)


def _check_same_file(path: Path, reference: Path) -> None:
    assert path.is_file(), f"{path} is not a file"
    assert path.read_bytes() == reference.read_bytes(), f"{path} differs from a whole export"


def check_parseable(fmt: str, path: Path, documents: int) -> None:
    """A whole export parses and holds every document (so "same as it" means complete)."""
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    assert files, f"{path}: empty export"
    for file in files:
        data = file.read_text(encoding="utf-8")
        if file.suffix == ".jsonl" or fmt == "doccano":
            lines = [json.loads(line) for line in data.splitlines()]
            assert len(lines) == documents, f"{file}: {len(lines)} records"
        elif file.suffix == ".json":
            loaded = json.loads(data)
            assert fmt != "labelstudio" or len(loaded) == documents, f"{file}: not every task"
        elif file.suffix in (".xmi", ".xml"):
            ET.fromstring(data)
        elif fmt == "conll":
            assert data.count("-DOCSTART-") == documents, f"{file}: not every document"
    if fmt in ("brat", "xmi", "webanno"):
        kinds = {"brat": ".ann", "xmi": ".xmi", "webanno": ".tsv"}
        per_layer = [f for f in files if f.suffix == kinds[fmt]]
        layers = max(1, len({f.parent for f in per_layer}))
        assert len(per_layer) == documents * layers, f"{path}: not a file per document"
