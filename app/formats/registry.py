"""Every format Tawsim reads or writes, by the name the CLI and the dialogs use."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from app.formats import (
    brat,
    conll,
    doccano,
    label_studio,
    spacy_docbin,
    webanno_tsv,
    xmi,
)
from app.formats.base import Format
from app.formats.csv_table import read_csv, sniff_csv, write_csv
from app.formats.native_jsonl import read_jsonl, sniff_jsonl, write_jsonl
from app.formats.plain_text import read_txt
from app.formats.records import SourceError, SourceRecord


def _read_txt(path: Path, encoding: str | None, name: str) -> Iterator[SourceRecord | SourceError]:
    return read_txt(path, name, encoding)


def _read_jsonl(
    path: Path, encoding: str | None, name: str
) -> Iterator[SourceRecord | SourceError]:
    return read_jsonl(path, encoding)


def _read_csv(path: Path, encoding: str | None, name: str) -> Iterator[SourceRecord | SourceError]:
    return read_csv(path, encoding)


NATIVE = (
    Format(
        "jsonl",
        "Tawsim JSONL (lossless)",
        ".jsonl",
        write_jsonl,
        _read_jsonl,
        sniff_jsonl,
        multi_layer=True,
        suffixes=(".jsonl", ".ndjson"),
    ),
    Format(
        "txt", "Plain text (.txt, one article per file)", ".txt", read=_read_txt, suffixes=(".txt",)
    ),
    Format(
        "csv",
        "CSV / TSV table with a text column",
        ".csv",
        write_csv,
        _read_csv,
        sniff_csv,
        multi_layer=True,  # documents only: one table, whatever layers were chosen
        suffixes=(".csv", ".tsv"),
    ),
)

FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        *NATIVE,
        *conll.FORMATS,
        *brat.FORMATS,
        *doccano.FORMATS,
        *label_studio.FORMATS,
        *webanno_tsv.FORMATS,
        *xmi.FORMATS,
        *spacy_docbin.FORMATS,
    )
}

# Written into a folder that holds one output per annotator: {"layers": {file: annotator}}.
LAYER_MANIFEST = "tawsim-layers.json"

# File suffixes that name a format when its content did not (the first format claiming wins).
EXTENSIONS: dict[str, str] = {}
for _format in FORMATS.values():
    for _suffix in _format.suffixes:
        EXTENSIONS.setdefault(_suffix, _format.name)


def export_formats() -> list[Format]:
    return [f for f in FORMATS.values() if f.can_export]


def import_formats() -> list[Format]:
    return [f for f in FORMATS.values() if f.can_import]
