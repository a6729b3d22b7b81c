"""Property: native JSONL -> project -> export -> project -> export is a fixed point."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.exporting import export_jsonl
from app.core.importing import import_paths
from app.core.labels import default_labels
from storage import open_project

LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهويةءأإآى"
HARAKAT = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652"
LABELS = ["ACTOR", "LOCATION", "CASUALTY_COUNT", "DATE"]

piece = st.one_of(
    st.text(alphabet=LETTERS, min_size=1, max_size=6),  # an Arabic word
    st.builds(
        lambda letter, mark: letter + mark, st.sampled_from(LETTERS), st.sampled_from(HARAKAT)
    ),
    st.just("\u0640"),  # tatweel
    st.sampled_from(["😢", "📍", "👍🏽", "\U0001d400"]),  # non-BMP
    st.text(alphabet="abcXYZ 019", min_size=1, max_size=5),  # Latin runs
    st.sampled_from([" ", " ", "، ", ".", "\n", "\u00a0", "\u2028", "«", "»", "\u200f"]),
    st.sampled_from(["\n", "\n\n"]),  # line ends, turned into CRLF in half the texts
)


@st.composite
def documents(draw: st.DrawFn) -> list[dict[str, Any]]:
    records = []
    for n in range(draw(st.integers(1, 4))):
        text = "".join(draw(st.lists(piece, min_size=1, max_size=25)))
        if not text.strip():
            text += "نص"
        if draw(st.booleans()):
            text = text.replace("\n", "\r\n")
        # Cut points that do not fall between the CR and LF of a line end.
        cuts = [i for i in range(len(text) + 1) if text[i - 1 : i + 1] != "\r\n"]
        spans = []
        for _ in range(draw(st.integers(0, 5))):
            start = draw(st.sampled_from(cuts[:-1]))
            end = draw(st.sampled_from([c for c in cuts if c > start]))
            span: dict[str, Any] = {
                "start": start,
                "end": end,
                "label": draw(st.sampled_from(LABELS)),
                "text": text[start:end],
            }
            if draw(st.booleans()):
                span["annotator"] = draw(st.sampled_from(["alice", "bob", "عمر"]))
            if draw(st.booleans()):
                span["attrs"] = {"value": draw(st.integers(0, 99)), "note": "ملاحظة"}
            spans.append(span)
        meta = {"title": f"عنوان {n}"} if draw(st.booleans()) else {}
        records.append({"id": f"doc-{n}", "text": text, "meta": meta, "spans": spans})
    return records


def _import_then_export(source: Path, folder: Path, name: str) -> bytes:
    out = folder / f"{name}.jsonl"
    with open_project(folder / f"{name}.tawsim", create=True, labels=default_labels()) as project:
        report = import_paths(project, [source], annotator="fallback")
        assert report.rejected == [], report.rejected
        export_jsonl(project, out)
    return out.read_bytes()


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(documents())
def test_export_import_export_is_byte_identical(records: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "source.jsonl"
        source.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
            encoding="utf-8",
            newline="\n",
        )
        first = _import_then_export(source, folder, "first")
        (folder / "first-copy.jsonl").write_bytes(first)
        second = _import_then_export(folder / "first-copy.jsonl", folder, "second")
        assert first == second
        exported = [json.loads(line) for line in first.decode("utf-8").split("\n") if line]
        texts = {r["text"].replace("\r\n", "\n") for r in records}
        for record in exported:
            assert "\r" not in record["text"]
            assert record["text"] in texts
            for span in record["spans"]:
                assert record["text"][span["start"] : span["end"]] == span["text"]
                assert span["annotator"] in {"alice", "bob", "عمر", "fallback"}
        # Every source span survives (documents with equal text merge their spans).
        expected = {
            (
                r["text"].replace("\r\n", "\n"),
                s["text"].replace("\r\n", "\n"),
                s["label"],
                s.get("annotator", "fallback"),
            )
            for r in records
            for s in r["spans"]
        }
        got = {
            (r["text"], s["text"], s["label"], s["annotator"]) for r in exported for s in r["spans"]
        }
        assert got == expected
