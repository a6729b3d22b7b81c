"""brat standoff: a folder of ``<doc>.txt`` + ``<doc>.ann`` pairs with an ``annotation.conf``.

Offsets are code points, counted the way brat (Python) reads the ``.txt``: a UTF-8 byte-order
mark and every CR count as characters. Our ``.txt`` files are the canonical text exactly
(UTF-8, LF, no BOM), so offsets there are ours unchanged.

Spans → ``T`` lines. A ``T`` line cannot hold a line break, so a span that crosses one is
written as brat writes it, in fragments split at the breaks (``T1<TAB>ACTOR 0 5;6 9<TAB>...``);
a span that begins or ends with a break gets an empty fragment at that edge so that both
ends survive. The reader joins fragments separated by line breaks only, back into one span.

Span attributes, one line each (the reader undoes exactly this mapping):

* ``True``                                → ``A1<TAB>name T1``             (binary attribute)
* ``canonical``/``value``, one token      → ``N1<TAB>Reference T1 name:token<TAB>token``
* any other one-word string               → ``A1<TAB>name T1 word``        (declared in the conf)
* everything else (numbers, ``False``, ``null``, phrases, lists…)
                                          → ``#1<TAB>AnnotatorNotes T1<TAB>name=value``

In a note the value is the string itself when it reads unambiguously, otherwise JSON
(``count=12`` is the number, ``count="12"`` the string); an odd name is JSON-quoted too.
Reading other tools' files: ``A`` gives ``attrs[name] = value`` (or ``True``), ``N`` gives
``attrs[RID] = EID`` (and ``attrs[RID_name]`` = its text when that differs), other notes give
``attrs[type] = text``. ``R``/``E``/``*`` lines, anything attached to them and lines of unknown
kinds are skipped with one note per document; broken lines are errors naming file and line,
and the document keeps its good spans (brat itself skips a line it cannot read).

Document ids and metadata live in ``tawsim-documents.conf`` beside the pairs (file name,
original id, metadata as JSON): brat ignores it, and the importer skips ``.conf`` files.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from app.formats.atomic import atomic_directory
from app.formats.base import ExportItem, ExportOptions, Format, Omissions
from app.formats.native_jsonl import DOCUMENT_FIELDS
from app.formats.records import (
    LINK_REFUSED,
    SourceError,
    SourceNote,
    SourceRecord,
    leads_elsewhere,
    oversized_file,
)
from app.text.canonical import Canonical, DecodeError, canonicalize, decode
from storage import Document, Label

CONF_FILE = "annotation.conf"
DOCUMENTS_FILE = "tawsim-documents.conf"
NORMALIZED = ("canonical", "value")  # attributes that name an entry: written as N lines
NOTE_TYPE = "AnnotatorNotes"
MAX_STEM = 100  # characters; Arabic is two bytes each and names stop at 255 bytes

# Where Python's str.splitlines breaks a line: brat reads .ann files that way, so none of
# these may appear inside an annotation line.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_BREAKS = re.compile(f"[{re.escape(LINE_BREAKS)}]+")
# Not written raw inside a line: control characters (TAB and the line breaks among them), the
# Unicode line separators, lone surrogates (not UTF-8).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*\Z")  # fits A/N lines and annotation.conf
_WORD = re.compile(r"[\w.+\-]+\Z")  # an enumeration value (\w takes Arabic letters too)
_EID = re.compile("[^\\s\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]+\\Z")
_T_DATA = re.compile(r"(\S+) ([0-9]+ [0-9]+(?:;[0-9]+ [0-9]+)*)[ \t]*")
_N_DATA = re.compile(r"(\S+) (\S+) ([^\s:]+):(\S+)\s*")
_WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL"} | {
    f"{p}{n}" for p in ("COM", "LPT") for n in "123456789"
}
_OVERLAP = "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>"
_SHAPES = re.compile(
    r"T\S*\t\S+ [0-9]+ [0-9]+(;[0-9]+ [0-9]+)*([ \t].*)?"
    r"|[AM]\S*\t\S+ \S+( .*)?(\t.*)?"
    r"|N\S*\t\S+ \S+ [^\s:]+:\S+\s*(\t.*)?"
    r"|R\S*\t\S+ \S+:\S+ \S+:\S+\s*(\t.*)?"
    r"|E\S*\t\S+:\S+( \S+:\S+)*\s*(\t.*)?"
    r"|#\S*\t\S+ \S+\s*(\t.*)?"
    r"|\*\t\S+( \S+)+\s*"
)
_SKIPPED_KINDS = {"R": "relations", "E": "events", "*": "equivalences"}
_DOCUMENTS_HEADER = (
    "# Written by Tawsim beside its brat export: brat ignores this file.\n"
    "# file name<TAB>document id<TAB>document metadata (JSON)\n"
)

# ---------------------------------------------------------------- values in one line


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def _json(value: Any) -> str:
    dumped = json.dumps(value, ensure_ascii=False)
    # JSON leaves C1 controls, U+2028 and lone surrogates raw unless asked for ASCII escapes.
    return json.dumps(value) if _UNSAFE.search(dumped) else dumped


def _plain_name(name: str) -> bool:
    """A name written bare in ``name=value`` (the reader checks the same)."""
    return bool(name) and "=" not in name and not name.startswith('"') and _plain(name)


def _plain(text: str) -> bool:
    # brat strips a note's text, so edge whitespace would not survive an edit in brat.
    return text == text.strip() and not _UNSAFE.search(text)


def _note_text(name: str, value: Any) -> str:
    key = name if _plain_name(name) else _json(name)
    bare = isinstance(value, str) and _plain(value) and not _is_json(value)
    return f"{key}={value if bare else _json(value)}"


def _parse_note(text: str) -> tuple[str, Any] | None:
    """``name=value`` as :func:`_note_text` writes it, or None for someone else's note."""
    if text.startswith('"'):
        try:
            name, end = json.JSONDecoder().raw_decode(text)
        except (ValueError, RecursionError):
            return None
        if not isinstance(name, str) or text[end : end + 1] != "=":
            return None
        rest = text[end + 1 :]
    else:
        name, sep, rest = text.partition("=")
        if not sep or not _plain_name(name):
            return None
    try:
        return name, json.loads(rest)
    except (ValueError, RecursionError):
        return name, rest


def _id_field(external_id: str) -> str:
    plain = external_id and not external_id.startswith('"') and not _UNSAFE.search(external_id)
    return external_id if plain else _json(external_id)


# ---------------------------------------------------------------- writing


@dataclass
class _AttributeUse:
    labels: dict[str, None] = field(default_factory=dict)  # an ordered set
    values: set[str] = field(default_factory=set)


class _Conf:
    """What annotation.conf declares: the labels, and the attributes written as A lines."""

    def __init__(self, labels: Iterable[Label]) -> None:
        self.entities: dict[str, None] = {_brat_label(label.id): None for label in labels}
        self.attributes: dict[str, _AttributeUse] = {}

    def attribute(self, name: str, label: str, value: str | None) -> None:
        use = self.attributes.setdefault(name, _AttributeUse())
        use.labels[label] = None
        if value is not None:
            use.values.add(value)

    def render(self) -> str:
        lines = ["# Written by Tawsim: the project's labels and the attributes of this export."]
        lines += ["", "[entities]", *self.entities, "", "[relations]"]
        lines += ["# Tawsim spans may overlap in any way.", _OVERLAP, "", "[events]", ""]
        lines.append("[attributes]")
        for name in sorted(self.attributes):
            use = self.attributes[name]
            declared = f"{name}\tArg:{'|'.join(use.labels)}"
            if use.values:
                declared += f", Value:{'|'.join(sorted(use.values))}"
            lines.append(declared)
        return "\n".join(lines) + "\n"


class _FileNames:
    """Safe, unique file names for document ids, also on case-insensitive file systems."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def claim(self, external_id: str) -> str:
        base = _safe_stem(external_id)
        stem, number = base, 1
        while _fold(stem) in self._taken:
            number += 1
            stem = f"{base}-{number}"
        self._taken.add(_fold(stem))
        return stem


def _fold(stem: str) -> str:
    return unicodedata.normalize("NFC", stem).casefold()


def _safe_stem(external_id: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-_." else "_" for c in external_id)
    # No leading dot (hidden, and skipped by the importer), no trailing dot (Windows).
    cleaned = cleaned.strip(".")[:MAX_STEM].strip(".") or "document"
    if cleaned.split(".")[0].upper() in _WINDOWS_DEVICES:
        cleaned = "_" + cleaned
    return cleaned


def _brat_label(label: str) -> str:
    # Label ids are plain identifiers already (storage checks); whitespace would split the line.
    return re.sub(r"\s+", "_", label) or "_"


def _fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` cut at line breaks; an empty fragment marks an edge lying on a break."""
    pieces: list[tuple[int, int]] = []
    position = start
    for run in _BREAKS.finditer(text, start, end):
        if run.start() > position:
            pieces.append((position, run.start()))
        position = run.end()
    if position < end:
        pieces.append((position, end))
    if not pieces or pieces[0][0] != start:
        pieces.insert(0, (start, start))
    if pieces[-1][1] != end:
        pieces.append((end, end))
    return pieces


class _Lines:
    """The .ann lines of one document, numbering each kind of annotation."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._counts: dict[str, int] = {}

    def add(self, kind: str, body: str) -> str:
        number = self._counts[kind] = self._counts.get(kind, 0) + 1
        self.lines.append(f"{kind}{number}\t{body}")
        return f"{kind}{number}"


def _ann_text(item: ExportItem, conf: _Conf, omissions: Omissions) -> str:
    text = item.document.text
    out = _Lines()
    renamed: set[str] = set()
    for span in item.spans:
        label = _brat_label(span.label)
        if label != span.label and span.label not in renamed:
            renamed.add(span.label)
            omissions.add(
                item.document, f"label {span.label!r} written as {label!r} (no spaces in brat)"
            )
        conf.entities.setdefault(label, None)
        pieces = _fragments(text, span.start, span.end)
        offsets = ";".join(f"{a} {b}" for a, b in pieces)
        covered = " ".join(text[a:b] for a, b in pieces)  # brat joins fragments with a space
        target = out.add("T", f"{label} {offsets}\t{covered}")
        for name in sorted(span.attrs):
            _add_attribute(out, conf, target, label, name, span.attrs[name])
    return "".join(line + "\n" for line in out.lines)


def _add_attribute(
    out: _Lines, conf: _Conf, target: str, label: str, name: str, value: Any
) -> None:
    if _NAME.match(name) and value is True:
        conf.attribute(name, label, None)
        out.add("A", f"{name} {target}")
    elif _NAME.match(name) and isinstance(value, str) and name in NORMALIZED and _EID.match(value):
        out.add("N", f"Reference {target} {name}:{value}\t{value}")
    elif _NAME.match(name) and isinstance(value, str) and _WORD.match(value):
        conf.attribute(name, label, value)
        out.add("A", f"{name} {target} {value}")
    else:
        out.add("#", f"{NOTE_TYPE} {target}\t{_note_text(name, value)}")


def _document_line(stem: str, document: Document) -> str:
    meta = dict(document.meta)
    for name in DOCUMENT_FIELDS:
        if getattr(document, name):
            meta[name] = getattr(document, name)
    return f"{stem}\t{_id_field(document.external_id)}\t{_json(dict(sorted(meta.items())))}\n"


def write_brat(
    items: Iterable[ExportItem], out: Path, options: ExportOptions, omissions: Omissions
) -> None:
    """One ``.txt`` + ``.ann`` pair per document, streaming; the conf files last."""
    conf = _Conf(options.labels)
    names = _FileNames()
    with atomic_directory(out) as folder:
        with open(folder / DOCUMENTS_FILE, "w", encoding="utf-8", newline="\n") as index:
            index.write(_DOCUMENTS_HEADER)
            for item in items:
                stem = names.claim(item.document.external_id)
                (folder / f"{stem}.txt").write_bytes(item.document.text.encode("utf-8"))
                ann = _ann_text(item, conf, omissions)
                (folder / f"{stem}.ann").write_bytes(ann.encode("utf-8"))
                index.write(_document_line(stem, item.document))
        (folder / CONF_FILE).write_text(conf.render(), encoding="utf-8", newline="\n")


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class _TextBound:
    line: int
    id: str
    label: str
    fragments: list[tuple[int, int]]
    given: str  # the reference text after the offsets ("" when absent)


@dataclass(frozen=True)
class _Attached:
    line: int
    raw: str
    id: str
    target: str
    name: str
    value: Any


@dataclass
class _Parsed:
    bounds: list[_TextBound] = field(default_factory=list)
    attached: list[_Attached] = field(default_factory=list)
    errors: list[SourceError] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line, what it held)
    other_ids: set[str] = field(default_factory=set)  # every id that is not a T line's
    broken: set[str] = field(default_factory=set)  # ids of lines reported as errors


def _parse_ann(path: Path, text: str) -> _Parsed:
    parsed = _Parsed()
    seen: set[str] = set()
    for number, raw in enumerate(text.removeprefix("\ufeff").split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        where = f"{path}:{number}"
        ident, tab, rest = line.partition("\t")
        if not tab or not ident:
            reason = "no annotation id" if tab else "no TAB after the annotation id"
            parsed.errors.append(SourceError(where, f"malformed line ({reason}): {line[:60]!r}"))
            continue
        if ident in seen and ident != "*":
            parsed.errors.append(SourceError(where, f"{ident}: the id is used twice"))
            continue
        seen.add(ident)
        if not ident.startswith("T"):
            parsed.other_ids.add(ident)
        problem = _parse_line(parsed, number, line, ident, rest)
        if problem:
            parsed.broken.add(ident)
            parsed.errors.append(SourceError(where, f"{ident}: {problem}"))
    return parsed


def _parse_line(parsed: _Parsed, number: int, line: str, ident: str, rest: str) -> str | None:
    """Add one annotation line to ``parsed``; the problem with it, if any."""
    data, _, tail = rest.partition("\t")
    kind = ident[0]
    if kind == "T":
        match = _T_DATA.fullmatch(data)
        if match is None:
            return f"expected 'LABEL START END' with whole-number offsets, got {data!r}"
        pairs = (piece.split(" ") for piece in match.group(2).split(";"))
        fragments = [(int(a), int(b)) for a, b in pairs]
        parsed.bounds.append(_TextBound(number, ident, match.group(1), fragments, tail))
    elif kind in "AM":  # M is brat's old name for an attribute
        parts = data.split(" ", 2)
        if len(parts) < 2 or not parts[0] or not parts[1]:
            return f"expected 'NAME TARGET [VALUE]', got {data!r}"
        value: Any = parts[2] if len(parts) == 3 else True
        parsed.attached.append(_Attached(number, line, ident, parts[1], parts[0], value))
    elif kind == "N":
        match = _N_DATA.fullmatch(data)
        if match is None:
            return f"expected 'Reference TARGET RESOURCE:ENTRY', got {data!r}"
        _, target, resource, entry = match.groups()
        parsed.attached.append(_Attached(number, line, ident, target, resource, entry))
        if tail and tail != entry:
            parsed.attached.append(_Attached(number, line, ident, target, f"{resource}_name", tail))
    elif kind == "#":
        parts = data.split()
        if len(parts) != 2:
            return f"expected 'TYPE TARGET' before the note, got {data!r}"
        note_type, target = parts
        note = tail.strip()  # brat strips a note's text too
        ours = _parse_note(note) if note_type == NOTE_TYPE else None
        name, value = ours if ours is not None else (note_type, note)
        parsed.attached.append(_Attached(number, line, ident, target, name, value))
    else:
        # Relations, events, equivalences: not spans. A note, never an error.
        parsed.skipped.append((number, _SKIPPED_KINDS.get(kind, "lines of other kinds")))
    return None


def _reference(text: str, fragments: list[tuple[int, int]], sep: str) -> str:
    return sep.join(text[a:b] for a, b in fragments)


def _text_agrees(text: str, bound: _TextBound) -> bool:
    """brat's check: the line's text starts with the fragments' text (space-joined)."""
    if not bound.given.strip():
        return True  # brat fills a missing text in from the document
    if any(not 0 <= a <= b <= len(text) for a, b in bound.fragments):
        return False
    for sep in (" ", ""):  # "" is how brat before 1.3 joined fragments
        reference = _reference(text, bound.fragments, sep)
        if bound.given == reference or (
            bound.given.startswith(reference) and bound.given[len(reference)].isspace()
        ):
            return True
    return False


def _span_of(bound: _TextBound, text: str, canonical: Canonical) -> tuple[int, int] | str:
    """The one span a T line means, or why it means none."""
    fragments = bound.fragments
    for a, b in fragments:
        if a > b:
            return f"start {a} is after end {b}"
        if b > len(text):
            return f"offsets {a} {b} run past the end of the text ({len(text)} characters)"
    for (_, previous_end), (start, _) in pairwise(fragments):
        gap = text[previous_end:start] if start >= previous_end else None
        if gap is None or _BREAKS.sub("", gap):
            offsets = ";".join(f"{a} {b}" for a, b in fragments)
            return (
                f"discontinuous span ({offsets}) is not joined by line breaks only; "
                "Tawsim spans are continuous"
            )
    start, end = fragments[0][0], fragments[-1][1]
    if start >= end:
        return f"empty span ({start} {end})"
    if not _text_agrees(text, bound):
        shown = _reference(text, fragments, " ")
        return f"text {bound.given!r} does not match the document's {shown!r} at {start} {end}"
    if canonical.map_offset(start) >= canonical.map_offset(end):
        return "covers only a byte-order mark or a line-end character"
    return start, end


def _views(body: str, bom: bool) -> list[tuple[str, str]]:
    """The text as brat counts it (BOM and CRs included) first, then as other tools do;
    each with what to tell the user when it is the one chosen."""
    views = [("\ufeff" + body if bom else body, "")]
    if bom:
        views.append((body, "offsets counted without the byte-order mark (brat counts it)"))
    if "\r" in body:
        lf = body.replace("\r\n", "\n").replace("\r", "\n")
        views.append((lf, "offsets counted with each CRLF as one character (brat counts the CR)"))
    return views


def _best_view(views: list[tuple[str, str]], bounds: list[_TextBound]) -> tuple[str, str]:
    # The reading under which most T lines' texts agree; brat's own reading wins a tie.
    scores = [sum(1 for b in bounds if b.given.strip() and _text_agrees(v, b)) for v, _ in views]
    return views[scores.index(max(scores))]


@lru_cache(maxsize=16)
def _index_cached(path: str, stamp: tuple[int, int]) -> dict[str, tuple[str, dict[str, Any]]]:
    """The parsed ``tawsim-documents.conf`` (``stamp`` re-reads it after a change)."""
    index: dict[str, tuple[str, dict[str, Any]]] = {}
    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            lines = stream.read().split("\n")
    except (OSError, UnicodeDecodeError):
        return index  # unreadable: the files keep their names as ids
    for line in lines:
        parts = line.rstrip("\r").split("\t", 2)
        if line.startswith("#") or len(parts) != 3:
            continue  # comments; a damaged line just leaves its file without an id
        stem, id_field, meta_field = parts
        try:
            external_id = json.loads(id_field) if id_field.startswith('"') else id_field
            meta = json.loads(meta_field)
        except (ValueError, RecursionError):
            continue
        if isinstance(external_id, str) and external_id and isinstance(meta, dict):
            index[stem] = (external_id, meta)
    return index


def _document_index(folder: Path) -> dict[str, tuple[str, dict[str, Any]]]:
    """Ids and metadata of the documents a Tawsim export put in ``folder``."""
    path = folder / DOCUMENTS_FILE
    try:
        status = path.stat()
    except OSError:
        return {}
    if leads_elsewhere(path):
        return {}  # never read through a link to somewhere else
    return _index_cached(str(path), (status.st_mtime_ns, status.st_size))


def _decode_file(path: Path, encoding: str | None) -> tuple[str, str, bool] | SourceError:
    if (oversized := oversized_file(path)) is not None:
        return oversized
    data = path.read_bytes()
    try:
        text, used = decode(data, encoding)
    except DecodeError as error:
        return SourceError(str(path), str(error), size=len(data))
    bom = text.startswith("\ufeff") or data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"))
    return text.removeprefix("\ufeff"), used, bom


def read_brat(
    path: Path, encoding: str | None, name: str
) -> Iterator[SourceRecord | SourceError | SourceNote]:
    """One document from a ``.ann`` and the ``.txt`` beside it (or a ``.txt`` alone)."""
    suffix = path.suffix.lower()
    if suffix not in (".ann", ".txt"):
        yield SourceError(str(path), "not part of a brat collection (.ann and .txt files)")
        return
    txt = path if suffix == ".txt" else path.with_suffix(".txt")
    ann = path if suffix == ".ann" else path.with_suffix(".ann")
    companion = txt if path == ann else ann
    if leads_elsewhere(companion):
        yield SourceError(str(companion), LINK_REFUSED)
        return
    if not txt.exists():
        yield SourceError(str(path), f"no {txt.name} beside it (brat keeps the text there)")
        return
    decoded = _decode_file(txt, encoding)
    if isinstance(decoded, SourceError):
        yield decoded
        return
    body, used, bom = decoded
    parsed = _Parsed()
    size = txt.stat().st_size
    if ann.exists() and ann.stat().st_size:  # an empty .ann: a document without spans
        ann_decoded = _decode_file(ann, encoding)
        if isinstance(ann_decoded, SourceError):
            yield ann_decoded
            return
        parsed = _parse_ann(ann, ann_decoded[0])
        size += ann.stat().st_size
    yield from parsed.errors
    text, reading = _best_view(_views(body, bom), parsed.bounds)
    if reading:
        yield SourceNote(str(ann), f"{reading}: only so do the T lines' texts agree")
    spans, errors = _spans(ann, parsed, text)
    yield from errors
    if parsed.skipped:
        yield _skipped_note(ann, parsed.skipped)
    external_id, meta = _document_index(path.parent).get(path.stem, (name, {}))
    yield SourceRecord(
        location=str(ann if ann.exists() else txt),
        external_id=external_id,
        text=text,
        encoding=used,
        meta=dict(meta),
        spans=spans,
        size=size,
    )


def _skipped_note(ann: Path, skipped: list[tuple[int, str]]) -> SourceNote:
    counts: dict[str, int] = {}
    for _, what in skipped:
        counts[what] = counts.get(what, 0) + 1
    listed = ", ".join(f"{what} ({n})" for what, n in counts.items())
    first = min(line for line, _ in skipped)
    return SourceNote(
        f"{ann}:{first}", f"skipped {listed}: Tawsim imports spans (T lines) and their attributes"
    )


def _spans(ann: Path, parsed: _Parsed, text: str) -> tuple[list[dict[str, Any]], list[SourceError]]:
    """Span dicts for the good T lines, with their attributes; errors for the rest."""
    canonical = canonicalize(text)
    errors: list[SourceError] = []
    ranges: dict[str, tuple[str, int, int, int]] = {}  # id -> label, start, end, line
    failed: set[str] = set()
    for bound in parsed.bounds:
        result = _span_of(bound, text, canonical)
        if isinstance(result, str):
            errors.append(SourceError(f"{ann}:{bound.line}", f"{bound.id}: {result}"))
            failed.add(bound.id)
        else:
            ranges[bound.id] = (bound.label, *result, bound.line)
    values: dict[str, dict[str, list[Any]]] = {ident: {} for ident in ranges}
    for item in parsed.attached:
        if item.target in values:
            values[item.target].setdefault(item.name, []).append(item.value)
        elif item.target in failed or item.target in parsed.broken:
            continue  # that line's error has been reported already
        elif item.target in parsed.other_ids:
            parsed.skipped.append((item.line, "attributes or notes of relations and events"))
        else:
            message = f"{item.id}: refers to {item.target}, which no line of this file defines"
            errors.append(SourceError(f"{ann}:{item.line}", message))
    spans = []
    for ident, (label, start, end, line) in ranges.items():
        attrs = {k: v[0] if len(v) == 1 else v for k, v in values[ident].items()}
        span: dict[str, Any] = {"start": start, "end": end, "label": label, "attrs": attrs}
        span["location"] = f"{ann}:{line}"  # the importer names this line if it rejects it
        spans.append(span)
    return spans, errors


def sniff_brat(path: Path, head: bytes) -> bool:
    """True when every one of the first lines is a brat annotation line."""
    text = head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")
    lines = text.split("\n")
    if len(lines) > 1 and not text.endswith("\n"):
        lines.pop()  # cut off by the size of the head
    shown = [line.rstrip("\r") for line in lines if line.strip()][:20]
    return bool(shown) and all(_SHAPES.fullmatch(line) for line in shown)


FORMATS: tuple[Format, ...] = (
    Format(
        "brat",
        "brat standoff (folder of .txt + .ann)",
        "",
        write_brat,
        read_brat,
        sniff_brat,
        folder=True,
        suffixes=(".ann",),
    ),
)
