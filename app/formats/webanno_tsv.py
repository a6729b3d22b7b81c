"""WebAnno TSV 3.3, the format INCEpTION imports and exports: one ``.tsv`` file per document.

Export writes what INCEpTION's own writer writes (Tsv3XCasDocumentBuilder and
Tsv3XSerializer, inception-io-webanno-tsv): the format line, one ``#T_SP=`` line for a
custom span layer ``webanno.custom.Tawsim`` whose features are ``label`` and every
attribute of the project's labels, two blank lines, then per sentence its ``#Text=``
lines and one row per token (``sentence-token``, UTF-16 ``begin-end``, the token, one cell
per feature, a trailing TAB). A span that covers several units gets a ``[n]`` id, stacked
spans are joined with ``|``, and a span that starts or ends inside a token gets a sub-token
row (``1-2.1``), created in the order INCEpTION creates them, so that a document INCEpTION
wrote comes out byte for byte the same.

Text is sacred, so the writer makes sure INCEpTION's reader rebuilds every character:

* a sentence's ``#Text`` runs from its first token up to the next sentence (trailing spaces
  included), because the reader fills the space between two sentences with one line feed;
* a run of spaces that a span starts or ends in becomes a token of its own (rows cannot
  address the space between tokens), as does whitespace at the very start of a document
  other than plain spaces (the reader pads that with spaces).

Line feeds and TABs cannot stand in a row: a span edge on one is moved to the nearest token,
and a text that begins with one is read back with spaces there. Both are reported, as are
attribute names and values the format changes (see :func:`_attr_cell`) and document ids that
are not safe file names (the file name is the id: TSV stores none).

Import reads INCEpTION's files (3.x): the text is rebuilt from ``#Text`` lines the way
INCEpTION rebuilds it (the final line feed it adds is dropped again), spans come from the
span layers that hold entities — ``webanno.custom.*`` (``label`` or ``value`` feature, else
the first one) and DKPro's ``NamedEntity`` (``value``); the other features become attrs.
POS, lemma, relation and chain layers are not entities and are not read. A span without a
label value takes the layer's short name (``Span``, ``NamedEntity``), as INCEpTION shows it.
Zero-length annotations cannot be Tawsim spans: they are skipped, each with a located note
(yielded as a SourceError after the document's record, the only channel a reader has).
"""

from __future__ import annotations

import json
import re
import string
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.formats.atomic import atomic_directory
from app.formats.base import ExportItem, ExportOptions, Format, Omissions
from app.formats.records import SourceError, SourceNote, SourceRecord, oversized_file
from app.text.canonical import DecodeError, decode
from app.text.chars import EDGE_PUNCTUATION
from app.text.offsets import Utf16Map
from storage import Document, Label, Span

FORMAT_LINE = "#FORMAT=WebAnno TSV 3.3"
LAYER = "webanno.custom.Tawsim"
LABEL_FEATURE = "label"
NAMED_ENTITY = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"
SUFFIX = ".tsv"

# ---------------------------------------------------------------- escaping (Escaping.java)

_VALUE_ESCAPES = {c: "\\" + c for c in "\\[]|_;*"} | {"->": "\\->", "\t": "\\t", "\n": "\\n"}
_VALUE_SPECIAL = re.compile(r"->|[\\\[\]|_;*\t\n]")
_VALUE_UNESCAPES = {v: k for k, v in _VALUE_ESCAPES.items()}
_VALUE_ESCAPED = re.compile(r"\\->|\\[\\\[\]|_;*tn]")

# #Text lines: C0 controls become backslash + the control, the usual ones readable escapes.
_TEXT_ESCAPES = {chr(i): "\\" + chr(i) for i in (*range(8), *range(14, 32))} | {
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
    "\b": "\\b",
    "\\": "\\\\",
}
_TEXT_SPECIAL = re.compile("[" + re.escape("".join(_TEXT_ESCAPES)) + "]")
_TEXT_UNESCAPES = {v: k for k, v in _TEXT_ESCAPES.items()}
_TEXT_ESCAPED = re.compile(r"\\[\x00-\x07\x0e-\x1ftnfrb\\]")
# TSV 3.0 and 3.1 used Java's escapes (StringEscapeUtils.unescapeJava).
_JAVA_ESCAPED = re.compile(r"\\(u[0-9a-fA-F]{4}|[tnfrb\\\"'])")
_JAVA_SIMPLE = {"t": "\t", "n": "\n", "f": "\f", "r": "\r", "b": "\b", "\\": "\\", '"': '"'}


def escape_value(value: str) -> str:
    return _VALUE_SPECIAL.sub(lambda m: _VALUE_ESCAPES[m.group()], value)


def unescape_value(value: str) -> str:
    return _VALUE_ESCAPED.sub(lambda m: _VALUE_UNESCAPES[m.group()], value)


def escape_text(text: str) -> str:
    return _TEXT_SPECIAL.sub(lambda m: _TEXT_ESCAPES[m.group()], text)


def unescape_text(text: str) -> str:
    return _TEXT_ESCAPED.sub(lambda m: _TEXT_UNESCAPES[m.group()], text)


def _unescape_java(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        code = m.group(1)
        return chr(int(code[1:], 16)) if code[0] == "u" else _JAVA_SIMPLE.get(code, "'")

    return _JAVA_ESCAPED.sub(one, text)


# ---------------------------------------------------------------- tokens and sentences

_PUNCTUATION = re.escape("".join(sorted(set(string.punctuation) | EDGE_PUNCTUATION)))
# A punctuation mark is a token; any other run of non-space characters (letters with their
# harakat, digits, emoji with their modifiers) is one too.
_WORD = re.compile(rf"[{_PUNCTUATION}]|[^\s{_PUNCTUATION}]+")
# Whitespace a row can hold: everything but line feed, TAB and CR, which end rows or fields.
_SPACE_RUN = re.compile(r"[^\S\n\t\r]+")
_SENTENCE_END = frozenset(".!?؟")


@dataclass
class _Unit:
    """A token or sub-token row: code point offsets and the annotations on it, in order."""

    begin: int
    end: int
    anns: list[int] = field(default_factory=list)
    subs: list[_Unit] = field(default_factory=list)


@dataclass(frozen=True)
class _Ann:
    start: int
    end: int
    cells: tuple[str, ...]  # escaped feature values, "*" for none


class _Layout:
    """The tokens and sentences of one text, with a token wherever a span edge needs one."""

    def __init__(self, text: str, edges: Iterable[tuple[int, int]]) -> None:
        self.text = text
        words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
        runs = self._needed_runs(words, edges)
        self.tokens = [_Unit(b, e) for b, e in sorted(words + runs)]
        self.begins = [t.begin for t in self.tokens]
        self.ends = [t.end for t in self.tokens]
        # Whitespace before the first token that INCEpTION's reader turns into spaces.
        first = self.tokens[0].begin if self.tokens else len(text)
        self.lost_prefix = text[:first] if text[:first].strip(" ") else ""

    def _needed_runs(
        self, words: list[tuple[int, int]], edges: Iterable[tuple[int, int]]
    ) -> list[tuple[int, int]]:
        text = self.text
        runs = [(m.start(), m.end()) for m in _SPACE_RUN.finditer(text)]
        starts = [r[0] for r in runs]
        chosen: set[tuple[int, int]] = set()
        for start, end in edges:
            if start < end:
                i = bisect_right(starts, start) - 1
                if i >= 0 and start < runs[i][1]:
                    chosen.add(runs[i])
                j = bisect_left(starts, end) - 1
                if j >= 0 and end <= runs[j][1]:
                    chosen.add(runs[j])
        first = words[0][0] if words else len(text)
        leading = text[:first]
        # The reader pads the start with spaces: anchor the first sentence at 0 instead.
        if (leading.strip(" ") or (text and not words)) and runs and runs[0][0] == 0:
            chosen.add(runs[0])
        return sorted(chosen)

    def snap(self, start: int, end: int) -> tuple[int, int] | None:
        """``[start, end)`` moved onto rows (only line feeds and TABs make that necessary)."""
        i = bisect_right(self.begins, start) - 1
        if i < 0 or self.tokens[i].end <= start:
            if i + 1 >= len(self.tokens):
                return None
            start = self.tokens[i + 1].begin
        j = bisect_left(self.ends, end)
        if j >= len(self.tokens) or self.tokens[j].begin >= end:
            if j == 0:
                return None
            end = self.tokens[j - 1].end
        return (start, end) if start < end else None

    def sentences(self) -> list[list[_Unit]]:
        """Tokens grouped into sentences: at line feeds, and after . ! ? ؟ before a space."""
        groups: list[list[_Unit]] = []
        previous: _Unit | None = None
        for token in self.tokens:
            if previous is None or self._breaks(previous, token):
                groups.append([])
            groups[-1].append(token)
            previous = token
        return groups

    def _breaks(self, previous: _Unit, token: _Unit) -> bool:
        gap = self.text[previous.end : token.begin]
        ends = self.text[previous.begin : previous.end] in _SENTENCE_END
        return "\n" in gap or (ends and gap != "")

    # -- placing annotations on rows, exactly as Tsv3XCasDocumentBuilder.of does

    def place(self, anns: Sequence[_Ann]) -> dict[int, int]:
        """Put every annotation on its rows; returns the ``[n]`` disambiguation ids."""
        ids: dict[int, int] = {}
        # INCEpTION walks the CAS annotation index: begin ascending, end descending.
        for k in sorted(range(len(anns)), key=lambda k: (anns[k].start, -anns[k].end)):
            self._place(k, anns[k].start, anns[k].end, ids)
        return ids

    def _place(self, k: int, start: int, end: int, ids: dict[int, int]) -> None:
        j = min(bisect_left(self.ends, end), len(self.tokens) - 1)
        last = self.tokens[j]
        if start == end:  # zero width (INCEpTION's own files): a sub-token on the end token
            if last.begin > end and j > 0:
                last = self.tokens[j - 1]
            position = max(min(last.end, end), last.begin)
            self._add(self._sub(last, position, position), k, ids)
            return
        i = bisect_right(self.begins, start) - 1
        first = self.tokens[i]
        single = i == j
        if first.begin == start and last.end == end:
            self._add(first, k, ids)
            self._add(last, k, ids)
        else:
            if first.begin < start:
                self._add(self._sub(first, start, min(first.end, end)), k, ids)
            if start <= first.begin and first.end <= end:
                self._add(first, k, ids)
            if last.end > end:
                self._add(self._sub(last, max(last.begin, start), end), k, ids)
            elif not single:
                self._add(last, k, ids)
        for middle in self.tokens[i + 1 : j]:
            self._add(middle, k, ids)
        if not single:
            ids.setdefault(k, len(ids) + 1)

    @staticmethod
    def _add(unit: _Unit, k: int, ids: dict[int, int]) -> None:
        if k in unit.anns:
            return
        stacked = bool(unit.anns)
        unit.anns.append(k)
        if stacked:  # every annotation on a unit with several gets an id
            for other in unit.anns:
                ids.setdefault(other, len(ids) + 1)

    @staticmethod
    def _sub(token: _Unit, begin: int, end: int) -> _Unit:
        for sub in token.subs:
            if (sub.begin, sub.end) == (begin, end):
                return sub
        sub = _Unit(begin, end)
        token.subs.append(sub)
        return sub

    # -- writing

    def render(self, anns: Sequence[_Ann], features: Sequence[str], layer: str = LAYER) -> str:
        """The whole file; ``features`` name the cells of each annotation."""
        ids = self.place(anns)
        u16 = Utf16Map(self.text)
        out = [FORMAT_LINE, "\n"]
        if anns:  # INCEpTION declares a layer only in documents that use it
            out += ["#T_SP=", layer, "|", "|".join(features), "\n"]
        columns = len(features) if anns else 0
        out.append("\n")
        groups = self.sentences()
        for number, group in enumerate(groups, start=1):
            out.append("\n")
            following = groups[number][0].begin if number < len(groups) else len(self.text)
            covered = self.text[group[0].begin : following]
            if number < len(groups) and covered.endswith("\n"):
                covered = covered[:-1]  # the reader puts one line feed between sentences
            for line in covered.split("\n"):
                out += ["#Text=", escape_text(line), "\n"]
            for position, token in enumerate(group, start=1):
                row_id = f"{number}-{position}"
                out.append(self._row(row_id, token, anns, columns, ids, u16))
                for index, sub in enumerate(token.subs, start=1):
                    out.append(self._row(f"{row_id}.{index}", sub, anns, columns, ids, u16))
        return "".join(out)

    def _row(
        self,
        row_id: str,
        unit: _Unit,
        anns: Sequence[_Ann],
        columns: int,
        ids: dict[int, int],
        u16: Utf16Map,
    ) -> str:
        cells = [row_id, f"{u16.to_utf16(unit.begin)}-{u16.to_utf16(unit.end)}"]
        cells.append(self.text[unit.begin : unit.end])
        for column in range(columns):
            if not unit.anns:
                cells.append("_")
                continue
            values = []
            for k in unit.anns:
                suffix = f"[{ids[k]}]" if k in ids else ""
                values.append(anns[k].cells[column] + suffix)
            cells.append("|".join(values))
        return "\t".join(cells) + "\t\n"


def render_document(
    text: str, anns: Sequence[tuple[int, int, Sequence[str]]], features: Sequence[str]
) -> str:
    """A document as INCEpTION writes it; ``anns`` are (start, end, escaped cells)."""
    layout = _Layout(text, [(s, e) for s, e, _ in anns])
    return layout.render([_Ann(s, e, tuple(c)) for s, e, c in anns], features)


# ---------------------------------------------------------------- export

_UNSAFE_NAME = re.compile(r'[\x00-\x1f/\\:*?"<>|]')
_WINDOWS_DEVICES = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)]
)
# Our label's feature and UIMA's own features of every annotation.
_RESERVED_FEATURES = frozenset({LABEL_FEATURE, "begin", "end", "sofa"})


def write_webanno(
    items: Iterable[ExportItem], out: Path, options: ExportOptions, omissions: Omissions
) -> None:
    """One ``<id>.tsv`` per document in the folder ``out``, which appears whole or not at all."""
    known = _label_attributes(options.labels)
    with atomic_directory(out) as folder:
        taken: set[str] = set()
        for item in items:
            document = item.document
            stem = _file_stem(document.external_id, taken)
            if stem != document.external_id:
                omissions.add(
                    document,
                    f"written as {stem}{SUFFIX}: WebAnno TSV names a document by its file,"
                    " and the id is not a safe file name",
                )
            tsv = document_tsv(document, item.spans, known, omissions)
            (folder / (stem + SUFFIX)).write_text(tsv, encoding="utf-8", newline="\n")


def document_tsv(
    document: Document, spans: Sequence[Span], known: Sequence[str], omissions: Omissions
) -> str:
    """One document's file; whatever the format changes is reported to ``omissions``."""
    text = document.text
    attributes = list(known) + sorted({k for s in spans for k in s.attrs} - set(known))
    features = _feature_names(attributes)
    used = {k for s in spans for k in s.attrs}
    for name, feature in features.items():
        if name in used and name != feature:
            omissions.add(
                document,
                f"attribute {name!r} is written as feature {feature!r}"
                " (WebAnno feature names are identifiers)",
            )
    layout = _Layout(text, [(s.start, s.end) for s in spans])
    if layout.lost_prefix:
        omissions.add(
            document,
            f"the text starts with {layout.lost_prefix!r}: WebAnno TSV keeps only what follows"
            " the first token and reads the start back as spaces",
        )
    anns = []
    for span in spans:
        snapped = layout.snap(span.start, span.end)
        where = f"span {span.label} [{span.start}, {span.end}) {span.text!r}"
        if snapped is None:
            omissions.add(document, f"{where} covers only line breaks or TABs: left out")
            continue
        if snapped != (span.start, span.end):
            a, b = snapped
            omissions.add(
                document,
                f"{where} starts or ends on a line break or TAB, which no TSV row can hold:"
                f" written as [{a}, {b}) {text[a:b]!r}",
            )
        cells = [escape_value(span.label)]
        for name in attributes:
            cell, problem = _attr_cell(span.attrs[name]) if name in span.attrs else ("*", "")
            if problem:
                omissions.add(
                    document, f"{where}: attribute {name!r}={span.attrs[name]!r} {problem}"
                )
            cells.append(cell)
        anns.append(_Ann(snapped[0], snapped[1], tuple(cells)))
    return layout.render(anns, [LABEL_FEATURE, *features.values()])


def _label_attributes(labels: Iterable[Label]) -> list[str]:
    names: list[str] = []
    for label in sorted(labels, key=lambda lb: lb.order):
        names += [a for a in label.attributes if a not in names]
    return names


def _feature_names(attributes: Sequence[str]) -> dict[str, str]:
    """Attribute name -> feature name: a UIMA identifier, not ``label`` or ``ROLE_…``."""
    taken = {LABEL_FEATURE}
    result: dict[str, str] = {}
    for name in attributes:
        feature = name
        if not name.isidentifier() or name in _RESERVED_FEATURES or name.startswith("ROLE_"):
            feature = re.sub(r"\W", "_", name)
            if not feature[:1].isalpha() or feature.startswith("ROLE_"):
                feature = "f_" + feature
        while feature in taken or feature in _RESERVED_FEATURES:
            feature += "_"
        taken.add(feature)
        result[name] = feature
    return result


def _attr_cell(value: Any) -> tuple[str, str]:
    """The cell for an attribute value, and what the round trip changes ("" for nothing).

    The reader turns digit strings into ints, as the attribute editor does (span_list.py).
    """
    if value is None:
        return "*", "has no value: left out"
    if isinstance(value, bool) or not isinstance(value, int | str):
        shown = json.dumps(value, ensure_ascii=False)
        return escape_value(shown.replace("\r", "\n")), f"is read back as the text {shown!r}"
    if isinstance(value, int):
        return str(value), ""
    problem = ""
    if "\r" in value:
        value = value.replace("\r", "\n")
        problem = "holds a carriage return, which no row can hold: written as a line feed"
    elif _attr_value(value) != value:
        problem = "is digits: it is read back as a number"
    return escape_value(value), problem


def _attr_value(cell: str) -> Any:
    """A feature value as an attribute: digits become an int, like the attribute editor."""
    if cell.lstrip("-").isdigit():
        try:
            return int(cell)
        except ValueError:  # digits int() does not take, such as "²"
            return cell
    return cell


def _file_stem(external_id: str, taken: set[str]) -> str:
    """A file name for the id, unique in the folder (compared case-insensitively)."""
    stem = _UNSAFE_NAME.sub("_", external_id).strip().lstrip(".").rstrip(". ") or "document"
    if stem.split(".")[0].upper() in _WINDOWS_DEVICES:
        stem = "_" + stem
    while len(stem.encode("utf-8")) > 200:
        stem = stem[:-1]
    unique, n = stem, 1
    while unique.casefold() in taken:
        n += 1
        unique = f"{stem}-{n}"
    taken.add(unique.casefold())
    return unique


# ---------------------------------------------------------------- import

_FORMAT = re.compile(r"#FORMAT=(?P<name>.*) (?P<major>\d+)\.(?P<minor>\d+)")
_ROW_ID = re.compile(r"(\d+)-(\d+)(?:\.(\d+))?")
_OFFSETS = re.compile(r"(\d+)-(\d+)")
# One escaped unit of a cell: "\->", a backslash pair, or one character.
_CELL_PIECE = re.compile(r"\\->|\\.|.", re.DOTALL)


class _Bad(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class _SpanLayer:
    name: str
    label_column: int | None
    attr_columns: tuple[tuple[int, str], ...]

    @property
    def short_name(self) -> str:
        return self.name.rsplit(".", 1)[-1]


@dataclass
class _Annotation:
    layer: _SpanLayer
    begin: int  # UTF-16
    end: int
    line: int
    label: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Sentence:
    begin: int  # UTF-16
    text: str
    u16: Utf16Map


@dataclass
class _Parsed:
    text: str
    spans: list[dict[str, Any]]
    notes: list[tuple[int, str]]


def read_webanno(
    path: Path, encoding: str | None, name: str
) -> Iterator[SourceRecord | SourceError | SourceNote]:
    """One document per file; its id is the file's name (WebAnno TSV stores none)."""
    if (oversized := oversized_file(path)) is not None:
        yield oversized
        return
    data = path.read_bytes()
    try:
        text, used = decode(data, encoding)
    except DecodeError as error:
        yield SourceError(str(path), str(error), size=len(data))
        return
    try:
        parsed = parse(text)
    except _Bad as bad:
        yield SourceError(f"{path}:{bad.line}", bad.message, size=len(data))
        return
    yield SourceRecord(
        location=f"{path}:1",
        external_id=name,
        text=parsed.text,
        encoding=used,
        spans=[{**span, "location": f"{path}:{span['line']}"} for span in parsed.spans],
        size=len(data),
    )
    for line, message in parsed.notes:
        yield SourceNote(f"{path}:{line}", message)


def parse(content: str) -> _Parsed:
    """A whole TSV file: its text and spans (code points), or :class:`_Bad` naming a line."""
    lines = [line.removesuffix("\r") for line in content.removeprefix("\ufeff").split("\n")]
    minor = _format_version(lines[0])
    layers, columns, body = _schema(lines)
    reader = _Body(layers, columns, unescape_text if minor >= 2 else _unescape_java)
    for index in range(body, len(lines)):
        reader.line(index + 1, lines[index])
    return reader.finish()


def _format_version(line: str) -> int:
    match = _FORMAT.fullmatch(line)
    if not line.startswith("#FORMAT="):
        raise _Bad(1, f"not WebAnno TSV: the first line must be {FORMAT_LINE!r}, not {line[:60]!r}")
    if match is None or match["name"] != "WebAnno TSV" or match["major"] != "3":
        raise _Bad(1, f"unsupported format {line[8:60]!r} (Tawsim reads WebAnno TSV 3.x)")
    return int(match["minor"])


def _schema(lines: list[str]) -> tuple[list[_SpanLayer], int, int]:
    """The span layers to read, the number of annotation columns, the first body line."""
    layers: list[_SpanLayer] = []
    column = 0
    index = 1
    while index < len(lines) and lines[index].strip():
        line = lines[index]
        kind, _, rest = line.partition("=")
        if kind in ("#Text", "#Sentence.id"):
            break  # no blank line after the header: be as lenient as the body allows
        if kind not in ("#T_SP", "#T_RL", "#T_CH"):
            raise _Bad(
                index + 1, f"expected a layer line (#T_SP=, #T_RL=, #T_CH=), not {line[:60]!r}"
            )
        fields = [f for f in rest.split("|") if f]
        if not fields:
            raise _Bad(index + 1, "a layer line without a layer name")
        features = fields[1:] or [""]  # a layer without features still has a column
        if kind == "#T_SP" and _is_entity_layer(fields[0]):
            layers.append(_span_layer(fields[0], features, column))
        column += len(features)
        index += 1
    return layers, column, index


def _is_entity_layer(name: str) -> bool:
    return name == NAMED_ENTITY or name.startswith("webanno.custom.")


def _span_layer(name: str, features: list[str], first_column: int) -> _SpanLayer:
    plain: list[tuple[int, str]] = []
    slot_target = False
    for offset, feature in enumerate(features):
        # A slot (ROLE_…) is two columns: the roles and the target type; neither is an attr.
        if slot_target or feature.startswith("ROLE_"):
            slot_target = feature.startswith("ROLE_")
            continue
        plain.append((first_column + offset, feature))  # "" is a layer's placeholder column
    names = [f for _, f in plain]
    label_name = next(
        (n for n in (LABEL_FEATURE, "value") if n in names), names[0] if names else ""
    )
    label_column = next((c for c, f in plain if f == label_name), None)
    attrs = tuple((c, f) for c, f in plain if c != label_column)
    return _SpanLayer(name, label_column, attrs)


class _Body:
    """The sentences and rows after the header, read line by line like Tsv3XDeserializer."""

    def __init__(
        self, layers: list[_SpanLayer], columns: int, unescape: Callable[[str], str]
    ) -> None:
        self.layers = layers
        self.columns = columns
        self.unescape = unescape
        self.pieces: list[str] = []
        self.length = 0  # UTF-16 units in pieces
        self.header: list[str] | None = None  # #Text lines of the sentence being read
        self.header_line = 0
        self.sentence: _Sentence | None = None
        self.token: tuple[int, int] | None = None
        self.annotations: list[_Annotation] = []
        self.by_id: dict[tuple[str, int], _Annotation] = {}

    def line(self, number: int, line: str) -> None:
        if not line.strip():
            self._end_header()
            self.sentence = None
        elif line.startswith("#"):
            if self.header is None:
                self.header, self.header_line = [], number
            if line.startswith("#Text="):
                self.header.append(self.unescape(line[len("#Text=") :]))
        else:
            self._row(number, line)

    def _end_header(self) -> None:
        if self.header is not None:
            raise _Bad(self.header_line, "a sentence without token rows")

    def _row(self, number: int, line: str) -> None:
        fields = line.split("\t")
        expected = self.columns + 3
        if len(fields) > expected and fields[-1] == "":
            fields.pop()  # the trailing TAB INCEpTION writes
        if len(fields) != expected:
            raise _Bad(
                number,
                f"expected {expected} TAB-separated fields (id, offsets, token and"
                f" {self.columns} annotation columns), found {len(fields)}",
            )
        row_id = _ROW_ID.fullmatch(fields[0])
        if row_id is None:
            raise _Bad(number, f"bad row id {fields[0]!r} (expected sentence-token, like 1-2)")
        offsets = _OFFSETS.fullmatch(fields[1])
        if offsets is None or int(offsets[1]) > int(offsets[2]):
            raise _Bad(number, f"bad offsets {fields[1]!r} (expected begin-end)")
        begin, end = int(offsets[1]), int(offsets[2])
        sub = row_id[3] is not None
        if self.header is not None:
            if sub:
                raise _Bad(number, "a sentence cannot start with a sub-token row")
            self._start_sentence(number, begin)
        elif self.sentence is None:
            raise _Bad(number, "a token row outside a sentence (no #Text line before it)")
        self._check_unit(number, begin, end, fields[2], sub)
        for layer in self.layers:
            self._annotations(number, layer, begin, end, fields[3:])

    def _start_sentence(self, number: int, begin: int) -> None:
        """Place the sentence text at its first token, as INCEpTION does."""
        assert self.header is not None
        if not self.header:
            raise _Bad(self.header_line, "a sentence without a #Text line")
        if self.length > begin:
            # No space between two sentences: take back the line feed after the previous one.
            if self.length != begin + 1:
                raise _Bad(
                    number,
                    f"the sentence starts at {begin}, inside the one before it"
                    f" (which ends at {self.length - 1})",
                )
            self.pieces[-1] = self.pieces[-1][:-1]
            self.length -= 1
        elif self.length < begin:
            self.pieces.append(" " * (begin - self.length))
            self.length = begin
        text = "\n".join(self.header)
        self.sentence = _Sentence(begin, text, Utf16Map(text))
        self.pieces.append(text + "\n")
        self.length += self.sentence.u16.length_utf16 + 1
        self.header = None
        self.token = None

    def _check_unit(self, number: int, begin: int, end: int, token: str, sub: bool) -> None:
        sentence = self.sentence
        assert sentence is not None
        first, last = begin - sentence.begin, end - sentence.begin
        if first < 0:
            raise _Bad(
                number, f"offsets {begin}-{end} lie before their sentence ({sentence.begin})"
            )
        limit = sentence.begin + sentence.u16.length_utf16
        if end > limit:
            raise _Bad(number, f"offsets {begin}-{end} exceed the text, which ends at {limit} here")
        u16 = sentence.u16
        start = u16.to_code_point(first)
        stop = u16.to_code_point(last, round_up=True)
        halves = start != u16.to_code_point(first, round_up=True) or stop != u16.to_code_point(last)
        covered = sentence.text[start:stop]
        if halves or covered != token:
            raise _Bad(
                number,
                f"token {token!r} does not match the text at {begin}-{end} ({covered!r})",
            )
        if not sub:
            if self.token is not None and begin < self.token[1]:
                raise _Bad(number, f"token {begin}-{end} overlaps the token before it")
            self.token = (begin, end)
        elif self.token is None or begin < self.token[0] or end > self.token[1]:
            raise _Bad(number, f"sub-token {begin}-{end} lies outside its token")

    def _annotations(
        self, number: int, layer: _SpanLayer, begin: int, end: int, cells: list[str]
    ) -> None:
        """The annotations of one layer on one row; a stacking index names one across cells."""
        stack: list[_Annotation] = []
        features = [(layer.label_column, LABEL_FEATURE)] if layer.label_column is not None else []
        for column, feature in [*features, *layer.attr_columns]:
            cell = cells[column]
            if cell == "_":
                continue
            for index, raw in enumerate(_split_stack(cell)):
                value, ident = _split_id(raw, number)
                ann = stack[index] if index < len(stack) else None
                if ann is None and ident is not None:
                    ann = self.by_id.get((layer.name, ident))
                    if ann is not None:
                        ann.begin, ann.end = min(ann.begin, begin), max(ann.end, end)
                        stack.append(ann)
                if ann is None:
                    ann = _Annotation(layer, begin, end, number)
                    stack.append(ann)
                    self.annotations.append(ann)
                if ident is not None:
                    self.by_id[(layer.name, ident)] = ann
                if value == "*":  # no value
                    continue
                if column == layer.label_column:
                    ann.label = unescape_value(value)
                else:
                    ann.attrs[feature] = _attr_value(unescape_value(value))

    def finish(self) -> _Parsed:
        self._end_header()
        text = "".join(self.pieces).removesuffix("\n")  # INCEpTION ends the text with one
        u16 = Utf16Map(text)
        spans: list[dict[str, Any]] = []
        notes: list[tuple[int, str]] = []
        for ann in self.annotations:
            label = ann.label or ann.layer.short_name
            if ann.begin == ann.end:
                notes.append(
                    (
                        ann.line,
                        f"skipped the zero-length annotation {label!r} at {ann.begin}"
                        " (a Tawsim span covers at least one character); the document is imported",
                    )
                )
                continue
            start = u16.to_code_point(ann.begin)
            end = u16.to_code_point(ann.end, round_up=True)
            span: dict[str, Any] = {"start": start, "end": end, "label": label}
            span["text"] = text[start:end]
            span["line"] = ann.line  # where it begins, for the importer's messages
            if ann.attrs:
                span["attrs"] = ann.attrs
            spans.append(span)
        spans.sort(key=lambda s: (s["start"], s["end"], s["label"]))
        return _Parsed(text, spans, notes)


def _split_stack(cell: str) -> list[str]:
    """A cell's stacked values, split at every ``|`` that is not escaped."""
    values: list[str] = []
    current: list[str] = []
    for piece in _CELL_PIECE.findall(cell):
        if piece == "|":
            values.append("".join(current))
            current = []
        else:
            current.append(piece)
    values.append("".join(current))
    return values


def _split_id(raw: str, number: int) -> tuple[str, int | None]:
    """``PER[2]`` -> ("PER", 2); a ``[`` or ``]`` that is not escaped must be such an id."""
    pieces = _CELL_PIECE.findall(raw)
    ident: int | None = None
    if pieces and pieces[-1] == "]" and "[" in pieces:
        opening = len(pieces) - 1 - pieces[::-1].index("[")
        digits = "".join(pieces[opening + 1 : -1])
        if not digits.isdigit() or not digits.isascii():
            raise _Bad(number, f"bad disambiguation id in {raw!r} (expected a number like [1])")
        ident = int(digits)
        pieces = pieces[:opening]
    if "[" in pieces or "]" in pieces:
        raise _Bad(
            number,
            f"unescaped bracket in {raw!r}: a disambiguation id like [1] must close the value",
        )
    return "".join(pieces), ident


def sniff_webanno(path: Path, head: bytes) -> bool:
    return head.removeprefix(b"\xef\xbb\xbf").startswith(b"#FORMAT=WebAnno TSV 3")


FORMATS: tuple[Format, ...] = (
    Format(
        "webanno",
        "WebAnno TSV 3.3 (INCEpTION, one file per document)",
        # A folder format names no file suffix: per-layer exports become alice/, bob/ …,
        # which import puts back into those layers (see app.core.exporting).
        "",
        write_webanno,
        read_webanno,
        sniff_webanno,
        folder=True,
    ),
)
