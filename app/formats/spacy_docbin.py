"""spaCy DocBin (``.spacy``): the training file ``spacy train`` reads. Needs ``tawsim[spacy]``.

Every span goes to ``doc.spans["sc"]`` (a span group holds overlaps); ``doc.ents`` gets
them too when none overlap, else it stays empty and the export says so per document.
spaCy spans sit on token boundaries only, so each Doc is built from the Arabic tokenizer's
tokens cut again at every span boundary: every span aligns exactly (``alignment_mode=
"strict"``) and the text is unchanged. Offsets are code points, as in spaCy itself.

``doc.user_data`` (kept with ``store_user_data=True``) holds what spaCy has no place for:
``id``, ``meta`` (title, source, url, published and the document's meta), ``annotator``
(the layer) and ``span_attrs``: ``[start, end, label, attrs]`` for each span with
attributes. spaCy is imported only here and only when used: it takes a second to load.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from app.formats.atomic import atomic_binary_writer
from app.formats.base import ExportItem, ExportOptions, Format, Omissions
from app.formats.native_jsonl import DOCUMENT_FIELDS
from app.formats.records import SourceError, SourceRecord
from storage import ProjectError

SPAN_GROUP = "sc"  # the key spaCy's span categorizer reads by default
INSTALL_HINT = "spaCy is not installed: install it with  pip install 'tawsim[spacy]'"


def _spacy() -> Any:
    try:
        import spacy
    except ImportError as error:
        raise ProjectError(INSTALL_HINT) from error
    return spacy


@lru_cache(maxsize=1)
def _arabic() -> Any:
    """spaCy's blank Arabic pipeline (tokenizer and vocabulary): built once, in ~0.3 s."""
    return _spacy().blank("ar")


def write_docbin(
    items: Iterable[ExportItem], out: Path, options: ExportOptions, omissions: Omissions
) -> None:
    _spacy()
    from spacy.tokens import DocBin

    nlp = _arabic()
    docs = DocBin(store_user_data=True)
    for item in items:
        docs.add(_doc(nlp, item, options.layer, omissions))
    with atomic_binary_writer(out) as stream:
        stream.write(docs.to_bytes())


def _doc(nlp: Any, item: ExportItem, layer: str, omissions: Omissions) -> Any:
    from spacy.tokens import Doc

    document = item.document
    words, spaces = aligned_words(nlp, document.text, item.spans)
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    spans = []
    for span in item.spans:
        made = doc.char_span(span.start, span.end, label=span.label, alignment_mode="strict")
        if made is None:  # cannot happen: every boundary is a token boundary
            omissions.add(document, f"span [{span.start}, {span.end}) does not align; left out")
            continue
        spans.append(made)
    doc.spans[SPAN_GROUP] = spans
    overlaps = _overlaps(item)
    if overlaps:
        omissions.add(
            document,
            f"doc.ents left empty: {overlaps} span(s) overlap another"
            f' (every span is in doc.spans["{SPAN_GROUP}"])',
        )
    else:
        doc.ents = spans
    doc.user_data.update(_user_data(item, layer))
    return doc


def aligned_words(nlp: Any, text: str, spans: Iterable[Any]) -> tuple[list[str], list[bool]]:
    """Words and trailing-space flags whose tokens start and end at every span boundary."""
    cuts = {0, len(text)}
    for token in nlp.make_doc(text):
        cuts.update((token.idx, token.idx + len(token.text)))
    starts, ends = set(), set()
    for span in spans:
        starts.add(span.start)
        ends.add(span.end)
    cuts |= starts | ends
    edges = sorted(cuts)
    words: list[str] = []
    spaces: list[bool] = []
    for start, end in pairwise(edges):
        piece = text[start:end]
        # spaCy keeps one space after a word as that word's trailing whitespace; it must be
        # a token of its own where a span begins or ends with it.
        trailing = (
            piece == " "
            and bool(words)
            and not spaces[-1]
            and not words[-1].isspace()
            and start not in starts
            and end not in ends
        )
        if trailing:
            spaces[-1] = True
        else:
            words.append(piece)
            spaces.append(False)
    return words, spaces


def _overlaps(item: ExportItem) -> int:
    """How many spans overlap an earlier one (spans come sorted by start)."""
    count, reach = 0, -1
    for span in item.spans:
        if span.start < reach:
            count += 1
        reach = max(reach, span.end)
    return count


def _user_data(item: ExportItem, layer: str) -> dict[str, Any]:
    document = item.document
    meta = dict(document.meta)
    for name in DOCUMENT_FIELDS:
        value = getattr(document, name)
        if value:
            meta[name] = value
    data: dict[str, Any] = {"id": document.external_id, "meta": meta}
    if layer:
        data["annotator"] = layer
    attrs = [[s.start, s.end, s.label, s.attrs] for s in item.spans if s.attrs]
    if attrs:
        data["span_attrs"] = attrs
    return data


def read_docbin(
    path: Path, encoding: str | None, name: str
) -> Iterator[SourceRecord | SourceError]:
    """One record per Doc: spans from doc.spans["sc"], else from doc.ents."""
    data = path.read_bytes()
    try:
        _spacy()
    except ProjectError as error:
        yield SourceError(f"{path}", str(error), size=len(data))
        return
    from spacy.tokens import DocBin

    try:
        docs = list(DocBin().from_bytes(data).get_docs(_arabic().vocab))
    except Exception as error:  # zlib, msgpack or spaCy itself, on a damaged file
        yield SourceError(f"{path}:1", f"not a readable spaCy DocBin ({error})", size=len(data))
        return
    for number, doc in enumerate(docs, start=1):
        yield _record(path, name, number, doc, len(data) // max(len(docs), 1))


def _record(path: Path, name: str, number: int, doc: Any, size: int) -> SourceRecord:
    user = doc.user_data
    given = SPAN_GROUP in doc.spans
    source = doc.spans[SPAN_GROUP] if given else doc.ents
    attrs = _span_attrs(user.get("span_attrs"))
    annotator = user.get("annotator")
    spans = []
    for span in source:
        key = (span.start_char, span.end_char, span.label_)
        entry: dict[str, Any] = {
            "start": key[0],
            "end": key[1],
            "label": key[2],
            "text": span.text,
            "attrs": attrs.get(key, {}),
        }
        if isinstance(annotator, str) and annotator:
            entry["annotator"] = annotator
        spans.append(entry)
    raw_id = user.get("id")
    meta = user.get("meta")
    return SourceRecord(
        location=f"{path}:{number}",
        external_id=str(raw_id) if raw_id not in (None, "") else f"{name}-{number}",
        text=doc.text,
        encoding="UTF-8",
        meta=dict(meta) if isinstance(meta, dict) else {},
        spans=spans,
        size=size,
    )


def _span_attrs(raw: Any) -> dict[tuple[Any, ...], dict[str, Any]]:
    """(start, end, label) -> attrs, from user_data; entries of another shape are ignored."""
    found: dict[tuple[Any, ...], dict[str, Any]] = {}
    for entry in raw if isinstance(raw, list | tuple) else ():
        if isinstance(entry, list | tuple) and len(entry) == 4 and isinstance(entry[3], dict):
            found[tuple(entry[:3])] = dict(entry[3])
    return found


FORMATS: tuple[Format, ...] = (
    Format(
        "spacy",
        "spaCy DocBin (.spacy, training data)",
        ".spacy",
        write_docbin,
        read_docbin,
        extra="spacy",
        suffixes=(".spacy",),
    ),
)
