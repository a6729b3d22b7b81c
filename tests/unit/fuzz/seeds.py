"""Valid files to mutate, per import format: our own exports of a real project, plus the
small files of peer tools in tests/fixtures/interop.

A seed is a set of files (a folder to import, or one file and what sits beside it) and
the one file the fuzzer damages.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from app.core.exporting import export
from app.core.importing import import_paths
from app.core.labels import default_labels
from storage import open_project

INTEROP = Path(__file__).parents[2] / "fixtures" / "interop"

ARTICLES = [
    {
        "id": "raqqa-1",
        "text": "قُتل ثلاثة عشر مدنياً بالرقة، فجر اليوم الأربعاء 8 نوفمبر 2023، وفق المرصد.",
        "meta": {"title": "الرقة", "url": "https://example.org/1", "published": "2023-11-08"},
        "spans": [
            {
                "start": 5,
                "end": 14,
                "label": "CASUALTY_COUNT",
                "annotator": "alice",
                "attrs": {"value": 13, "qualifier": "exact"},
            },
            {
                "start": 23,
                "end": 28,
                "label": "LOCATION",
                "annotator": "alice",
                "attrs": {"canonical": "الرقة"},
            },
            {"start": 22, "end": 28, "label": "LOCATION", "annotator": "bob"},
            {
                "start": 30,
                "end": 62,
                "label": "DATE",
                "annotator": "bob",
                "attrs": {"value": "2023-11-08"},
            },
        ],
    },
    {
        "id": "gaza-2",
        "text": "كتب أحد السكان: «📍 غزة الآن»\nوقال إن 😢 القصف طال حي الشيخ رضوان.",
        "meta": {"title": "غزة"},
        "spans": [
            {"start": 0, "end": 3, "label": "ACTOR", "annotator": "alice"},
            {"start": 19, "end": 22, "label": "LOCATION", "annotator": "alice"},
            {"start": 52, "end": 63, "label": "LOCATION", "annotator": "bob"},
        ],
    },
    {
        "id": "deir-3",
        "text": "وصل وفد الأمم المتحدة إلى دير الزور أمس، وقال إن =SUM(1) ليست معادلة.",
        "meta": {"title": "-دير الزور"},
        "spans": [{"start": 26, "end": 35, "label": "LOCATION", "annotator": "alice"}],
    },
]


@dataclass(frozen=True)
class Seed:
    name: str
    files: dict[str, bytes]  # relative path -> content
    target: str  # the file the mutations damage
    import_path: str  # what is imported: a file, or "." for the whole folder

    def write(self, folder: Path, damaged: bytes) -> Path:
        for relative, content in self.files.items():
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(damaged if relative == self.target else content)
        return folder / self.import_path


def _checked(articles: list[dict[str, object]]) -> None:
    for article in articles:
        text = str(article["text"])
        for span in article["spans"]:  # type: ignore[attr-defined]
            assert 0 <= span["start"] < span["end"] <= len(text), (article["id"], span)


def _folder_files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.endswith(".omitted.txt")
    }


def build_seeds(work: Path) -> dict[str, list[Seed]]:
    """Every import format's seeds, exported from a real project made in ``work``."""
    _checked(ARTICLES)  # type: ignore[arg-type]
    source = work / "articles.jsonl"
    source.write_text(
        "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in ARTICLES), encoding="utf-8"
    )
    project_path = work / "seed.tawsim"
    seeds: dict[str, list[Seed]] = {}
    with open_project(project_path, create=True, labels=default_labels()) as project:
        report = import_paths(project, [source])
        assert report.rejected == [] and report.imported == len(ARTICLES), report
        exports = work / "exports"
        for fmt, name, layer, targets in (
            ("jsonl", "seed.jsonl", None, ["seed.jsonl"]),
            ("doccano", "seed.jsonl", "alice", ["seed.jsonl"]),
            ("labelstudio", "seed.json", None, ["seed.json"]),
            ("conll", "seed.conll", "alice", ["seed.conll"]),
            ("bioes", "seed.bioes", "bob", ["seed.bioes"]),
            ("csv", "seed.csv", None, ["seed.csv"]),
            ("brat", "seed", "alice", ["raqqa-1.ann", "gaza-2.ann", "gaza-2.txt"]),
            ("webanno", "seed", "bob", ["raqqa-1.tsv", "gaza-2.tsv"]),
            ("xmi", "seed", None, ["raqqa-1.xmi", "gaza-2.xmi", "TypeSystem.xml"]),
        ):
            out = exports / fmt / name
            export(project, fmt, out, annotator=layer)
            folder = out if out.is_dir() else out.parent
            files = _folder_files(folder)
            import_path = "." if out.is_dir() else name
            seeds[fmt] = [Seed(f"ours-{target}", files, target, import_path) for target in targets]
    seeds["txt"] = [
        Seed(f"ours-{a['id']}", {f"{a['id']}.txt": str(a["text"]).encode()}, f"{a['id']}.txt", ".")
        for a in ARTICLES
    ]
    seeds["csv"].append(
        Seed(
            "hand-made.tsv",
            {"news.tsv": 'id\ttitle\ttext\nn1\tحلب\t"قصف، على\tحلب"\nn2\t\tنص\n'.encode()},
            "news.tsv",
            "news.tsv",
        )
    )
    _add_peer_seeds(seeds)
    return seeds


def _single(folder: str, *names: str, target: str | None = None) -> Seed:
    files = {name: (INTEROP / folder / name).read_bytes() for name in names}
    chosen = target or names[0]
    return Seed(f"peer-{chosen}", files, chosen, chosen)


def _add_peer_seeds(seeds: dict[str, list[Seed]]) -> None:
    for stem in ("news_100-attribute_annotation", "news_110-note_annotation", "TDT_wn071"):
        names = [f"{stem}.ann", f"{stem}.txt"]
        files = {name: (INTEROP / "brat" / name).read_bytes() for name in names}
        seeds["brat"].append(Seed(f"peer-{stem}", files, names[0], "."))
    for name in ("doccano_example.conll", "spacy_ner-token-per-line-conll2003.iob"):
        seeds["conll"].append(_single("conll", name))
    for name in (
        "data_import_examples_sequence_labeling_example.jsonl",
        "data_export_examples_relation_extraction_example.jsonl",
    ):
        seeds["doccano"].append(_single("doccano", name))
    seeds["labelstudio"].append(_single("label_studio", "named_entity_annotations_1.json"))
    seeds["labelstudio"].append(_single("label_studio", "named_entity_tasks.json"))
    for name in ("tsv3_example2.tsv", "testSentenceWithEmoji.tsv"):
        seeds["webanno"].append(_single("webanno_tsv3", name))
    seeds["xmi"].append(_single("uima_cas_xmi", "cassis_casWithLeftToRightText_ARABIC_debug.xmi"))
    stem = "cassis_json_fs_as_array_ser-ref_casWithEmojiUnicodeTextAndAnnotations_debug"
    seeds["xmi"].append(_single("uima_cas_xmi", f"{stem}.xmi", f"{stem}-typesystem.xml"))


def copy_seed_files(seed: Seed, folder: Path) -> None:
    """The undamaged seed, for checking that it imports cleanly."""
    shutil.rmtree(folder, ignore_errors=True)
    seed.write(folder, seed.files[seed.target])
