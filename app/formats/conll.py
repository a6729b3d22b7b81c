"""CoNLL BIO (IOB2) and BIOES: one token per line, for NER training tools.

Written layout (``token TAG``, or ``token<TAB>TAG`` with ``options.tab``)::

    -DOCSTART- doc-17 O
    (blank)
    قتل O
    ٣ B-CASUALTY_COUNT
    في O
    بغداد B-LOCATION
    (blank line after every sentence)
    -DOCSTART- doc-18 O

**The DOCSTART line** is ``-DOCSTART- <id> O``: three columns, the id where CoNLL-2003's
``-X-`` placeholder stands, the tag ``O`` last. Readers that skip lines starting with
``-DOCSTART-`` (the common convention, e.g. HuggingFace datasets' conll2003 loader) skip
it; readers that take the last column as the tag see ``O``. spaCy's ``convert
--converter ner`` splits documents only on the exact line ``-DOCSTART- -X- O O``, which
cannot hold an id: it reads our line as one ``-DOCSTART-`` token tagged O in a sentence
of its own, and every entity comes out the same. The id is percent-encoded where it
holds whitespace, invisible marks or ``%``. Our reader takes the id from a three-column
DOCSTART line whose middle column is not ``-X-``; any other DOCSTART line (``-DOCSTART-
-X- -X- O``, ``-DOCSTART- -X- O O``) gives ``<file name>-<n>``.

**Tokens** come from :mod:`app.text.tokens`, with the span boundaries as extra cut points
(a proclitic left out of a span is split off its word). Sentences never break inside a
span. What CoNLL cannot hold is reported per document: overlapping or nested spans (the
longest is kept, ties to the earliest; each dropped span names the one it overlapped),
spans holding no token (only whitespace or invisible marks), span edges that move to
token edges, line breaks inside spans (they become spaces), attributes. Whitespace and
invisible marks between tokens and document fields (title, url, meta) are not held by any
CoNLL file; the first document with fields says so once.

**Reading** accepts IOB1, IOB2 and BIOES (and BILOU's U-/L-), any number of columns (the
first is the token, the last the tag), tab or space separated, and spaCy's one-sentence-
per-line ``token|POS|TAG``. The text is rebuilt: tokens joined by single spaces, sentences
by newlines. Documents are separated by DOCSTART lines; a file without any is read as one
document per blank-line-separated block (doccano's CoNLL). Repairs are noted in the
import report's notes, never made silently: a lower-case prefix (``b-ORG`` →
``B-ORG``; the label keeps its case, labels are case-sensitive), an entity starting with
``I-`` (read as ``B-``, as seqeval does), invisible bidi marks around tokens (removed),
a document without blank lines (split after ``. ! ? ؟``). A tag that is not one of these
(``I--ORG``, ``OO``, ``B_ORG``) or a line with one column rejects its document with a
message naming the line; the other documents are imported.
"""

from __future__ import annotations

import contextlib
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import unquote

from app.formats.atomic import atomic_text_writer
from app.formats.base import ExportItem, ExportOptions, Format, Omissions, Writer
from app.formats.conll_fast import FastText
from app.formats.records import (
    MAX_RECORD_BYTES,
    SourceError,
    SourceNote,
    SourceRecord,
    too_large,
)
from app.text.canonical import DecodeError, decode
from app.text.tokens import SEPARATOR_MARKS, TERMINATORS, Token, split_sentences, tokenize
from storage import Document, Span

DOCSTART = "-DOCSTART-"
PLACEHOLDER = "-X-"
HEAD_LIMIT = 64 * 1024

# The strict tag grammar: O, or a prefix, a hyphen and a label starting with a letter/digit.
_TAG = re.compile(r"([BIESUL])-([^\W_]\S*)")
_LOOSE_TAG = re.compile(r"([BIESULbiesul])-([^\W_]\S*)")
_PREFIX = {"B": "B", "I": "I", "E": "E", "S": "S", "U": "S", "L": "E"}  # BILOU → BIOES
_MARKS = "".join(sorted(SEPARATOR_MARKS))
_HAS_DOCSTART = re.compile(f"^[{_MARKS} \\t]*{DOCSTART}(?=\\s|$)", re.MULTILINE)
_ESCAPED = SEPARATOR_MARKS | {"%"}
# The same characters as escape_id's test (``\s`` is str.isspace for str patterns).
_NEEDS_ESCAPE = re.compile(f"[\\s{re.escape(''.join(sorted(_ESCAPED)))}]")
_CHUNK_CHARACTERS = 1 << 20
_DROP_MARKS = dict.fromkeys(map(ord, SEPARATOR_MARKS))
_BROKEN = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8 (surrogateescape)


# ---------------------------------------------------------------- writing


Problem = tuple[int, str]  # (position of the span, message): reported in text order


@dataclass
class Plan:
    """One document as sentences of (token, tag), and what it could not hold."""

    sentences: list[list[tuple[str, str]]]
    problems: list[str]


def _describe(span: Span) -> str:
    return f"span {span.label} {span.text!r} [{span.start}, {span.end})"


def _token_range(starts: list[int], span: Span) -> tuple[int, int]:
    """``[first, last)`` indices of the tokens inside ``span`` (none crosses its edges)."""
    return bisect_left(starts, span.start), bisect_left(starts, span.end)


def _choose(spans: Sequence[Span], tokens: Sequence[Token]) -> tuple[list[Span], list[Problem]]:
    """The non-overlapping spans BIO can hold: longest first, ties to the earliest."""
    starts = [t.start for t in tokens]
    problems: list[Problem] = []
    kept: list[tuple[Span, int, int]] = []
    order = sorted(spans, key=lambda s: (s.start - s.end, s.start, s.end, s.label, s.uuid))
    for span in order:
        first, last = _token_range(starts, span)
        if first == last:
            why = "left out: it holds no token (only whitespace or invisible marks)"
            problems.append((span.start, f"{_describe(span)} {why}"))
            continue
        rival = next((k for k, f, e in kept if first < e and f < last), None)
        if rival is not None:
            problems.append(
                (
                    span.start,
                    f"{_describe(span)} left out: it overlaps {_describe(rival)}, and CoNLL "
                    "cannot hold overlapping or nested spans",
                )
            )
            continue
        kept.append((span, first, last))
    return [k for k, _, _ in sorted(kept, key=lambda k: k[1])], problems


def _edge_problems(text: str, span: Span, tokens: Sequence[Token]) -> list[Problem]:
    problems = []
    start, end = tokens[0].start, tokens[-1].end
    if (start, end) != (span.start, span.end):
        problems.append(
            f"{_describe(span)} written as {text[start:end]!r} [{start}, {end}): CoNLL "
            "tokens hold no whitespace or invisible marks at a span's edges"
        )
    if "\n" in text[start:end]:
        problems.append(
            f"{_describe(span)} holds a line break: its sentence is kept whole and the "
            "break becomes a space"
        )
    if span.attrs:
        problems.append(attributes_problem(span))
    return [(span.start, problem) for problem in problems]


def attributes_problem(span: Span) -> str:
    names = ", ".join(f"{k}={v!r}" for k, v in sorted(span.attrs.items()))
    return f"{_describe(span)}: attributes {names} are not held by CoNLL"


def entity_tags(label: str, length: int, scheme: str) -> list[str]:
    """The tags of one entity of ``length`` tokens in ``scheme`` ("bio" or "bioes")."""
    if scheme == "bioes":
        if length == 1:
            return [f"S-{label}"]
        return [f"B-{label}", *[f"I-{label}"] * (length - 2), f"E-{label}"]
    return [f"B-{label}", *[f"I-{label}"] * (length - 1)]


def plan_document(text: str, spans: Sequence[Span], scheme: str = "bio") -> Plan:
    """Tokens, sentences and tags of one document; problems name what was left out."""
    # The first pass, cut at every span edge, decides which spans fit; the second cuts only
    # at the kept spans' edges, so that a dropped span does not split words for nothing.
    all_edges = (edge for span in spans for edge in (span.start, span.end))
    kept, problems = _choose(spans, tokenize(text, all_edges))
    tokens = tokenize(text, (edge for span in kept for edge in (span.start, span.end)))
    starts = [t.start for t in tokens]
    tags = ["O"] * len(tokens)
    ranges: list[tuple[int, int]] = []
    for span in kept:
        first, last = _token_range(starts, span)
        problems.extend(_edge_problems(text, span, tokens[first:last]))
        tags[first:last] = entity_tags(span.label, last - first, scheme)
        ranges.append((first, last))
    sentences: list[list[tuple[str, str]]] = []
    index = 0
    for sentence in split_sentences(text, tokens, ranges):
        sentences.append([(t.text, tags[index + i]) for i, t in enumerate(sentence)])
        index += len(sentence)
    problems.sort(key=lambda problem: problem[0])  # stable: in the order found per span
    return Plan(sentences, [message for _, message in problems])


def escape_id(external_id: str) -> str:
    """A document id as one column: whitespace, invisible marks and '%' percent-encoded."""
    if external_id == PLACEHOLDER:
        return "%2DX-"
    if _NEEDS_ESCAPE.search(external_id) is None:
        return external_id  # the usual id, checked in C
    return "".join(
        "".join(f"%{b:02X}" for b in ch.encode("utf-8")) if ch.isspace() or ch in _ESCAPED else ch
        for ch in external_id
    )


def _has_fields(document: Document) -> bool:
    return bool(
        document.title or document.source or document.url or document.published or document.meta
    )


class _LayerFile:
    """One layer's CoNLL output as it is written: documents gathered into chunks of about
    a megabyte, one write (and one encoding pass) per chunk instead of one per document."""

    def __init__(self, stream: TextIO, separator: str, omissions: Omissions) -> None:
        self.stream = stream
        self.separator = separator
        self.omissions = omissions
        # Where in ``omissions`` the note about document fields went: it is made once per
        # file, so a file written in parts keeps only its first part's note.
        self.fields_note: int | None = None
        self.chunk: list[str] = []
        self.buffered = 0

    def add(self, document: Document, spans: list[Span], text: FastText, scheme: str) -> None:
        lines = text.lines(spans, scheme)
        separator = self.separator
        omissions = self.omissions
        if lines is None:
            plan = plan_document(document.text, spans, scheme)
            problems = plan.problems
            lines = "".join(
                "".join(f"{tok}{separator}{tag}\n" for tok, tag in sentence) + "\n"
                for sentence in plan.sentences
            )
        else:  # no span needed care, but attributes still do not fit
            problems = [attributes_problem(s) for s in spans if s.attrs]
        for problem in problems:
            omissions.add(document, problem)
        if self.fields_note is None and _has_fields(document):
            self.fields_note = len(omissions.items)
            omissions.add(
                document,
                "document fields (title, source, url, published, meta) are not held "
                "by CoNLL, for this and every other document",
            )
        if not lines:
            omissions.add(document, "no tokens (only invisible marks): not written")
            return
        doc_id = escape_id(document.external_id)
        self.chunk.append(f"{DOCSTART}{separator}{doc_id}{separator}O\n\n{lines}")
        self.buffered += len(lines)
        if self.buffered >= _CHUNK_CHARACTERS:
            self.flush()

    def flush(self) -> None:
        self.stream.write("".join(self.chunk))
        self.chunk.clear()
        self.buffered = 0


def _writer(scheme: str) -> Writer:
    def write(
        items: Iterable[ExportItem], out: Path, options: ExportOptions, omissions: Omissions
    ) -> None:
        with atomic_text_writer(out) as stream:
            rows = ((item.document, (item.spans,)) for item in items)
            write_layers(rows, [stream], [omissions], options.tab, scheme)

    return write


# (document, each layer's spans or None where that layer leaves the document out)
LayeredItem = tuple[Document, Sequence["list[Span] | None"]]
# write(items, one output per layer, their omissions, tab) -> None
LayeredWriter = Callable[[Iterable[LayeredItem], Sequence[Path], Sequence[Omissions], bool], None]


def write_layers(
    items: Iterable[LayeredItem],
    streams: Sequence[TextIO],
    omissions: Sequence[Omissions],
    tab: bool,
    scheme: str,
) -> list[int | None]:
    """Every layer's lines in one pass over the documents: each document's text is checked,
    cut into sentences and tokenized once for all layers. A file is the concatenation of
    its documents' lines, so that parts of it can be written apart (app.core.export_workers).

    Returns, per layer, where in its ``omissions`` the once-per-file note about document
    fields went (None: no document had fields)."""
    separator = "\t" if tab else " "
    layers = [
        _LayerFile(stream, separator, omitted)
        for stream, omitted in zip(streams, omissions, strict=True)
    ]
    for document, spans_per_layer in items:
        text = FastText(document.text, separator, spans_per_layer)
        for layer, spans in zip(layers, spans_per_layer, strict=True):
            if spans is not None:
                layer.add(document, spans, text, scheme)
    for layer in layers:
        layer.flush()
    return [layer.fields_note for layer in layers]


def _layered_writer(scheme: str) -> LayeredWriter:
    """Every layer's file in one pass over the documents (the files are those that
    :func:`_writer` writes one layer at a time, byte for byte)."""

    def write(
        items: Iterable[LayeredItem],
        outs: Sequence[Path],
        omissions: Sequence[Omissions],
        tab: bool,
    ) -> None:
        with contextlib.ExitStack() as files:
            streams = [files.enter_context(atomic_text_writer(out)) for out in outs]
            write_layers(items, streams, omissions, tab, scheme)

    return write


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class _Row:
    line: int
    token: str
    tag: str | None  # None: the line had one column


@dataclass
class _Block:
    """The lines of one document."""

    line: int
    external_id: str | None = None
    sentences: list[list[_Row]] = field(default_factory=list)
    explicit: bool = False  # sentences were separated (blank lines, one per line)
    from_docstart: bool = False
    marks: int = 0  # invisible marks removed
    size: int = 0

    def close_sentence(self, rows: list[_Row]) -> list[_Row]:
        if rows:
            self.sentences.append(rows)
        return []


def _columns(line: str) -> tuple[list[str], int]:
    """The columns of one line (tab separated if it has a tab) and the marks removed."""
    # str.translate, not a join over characters: a 100 MB line (a hostile or broken file)
    # would otherwise become a list of 100 million one-character strings.
    cleaned = line.translate(_DROP_MARKS)
    removed = len(line) - len(cleaned)
    if "\t" in cleaned:
        parts = [part.strip() for part in cleaned.split("\t")]
        return [p for p in parts if p], removed
    return cleaned.split(), removed


def _lines(text: str) -> Iterator[tuple[int, str, int]]:
    """(number, line without its end, bytes) for every line, without splitting the text."""
    if "\r" in text and "\n" not in text:
        text = text.replace("\r", "\n")  # old Mac line ends
    start, number = 0, 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        number += 1
        line = text[start:end]
        yield number, line.rstrip("\r"), len(line.encode("utf-8", "surrogatepass")) + 1
        start = end + 1


def _sentence_per_line(cols: list[str], number: int) -> list[_Row] | None:
    """spaCy's ``token|POS|TAG token|POS|TAG …`` line, or None."""
    if not all("|" in col for col in cols):
        return None
    rows = [_Row(number, col.split("|", 1)[0], col.rsplit("|", 1)[1]) for col in cols]
    if not all(row.tag in ("O", "o") or _LOOSE_TAG.fullmatch(row.tag or "") for row in rows):
        return None
    return rows


def _docstart_id(cols: list[str]) -> str | None:
    if len(cols) == 3 and cols[1] != PLACEHOLDER:
        return unquote(cols[1])
    return None


def _blocks(text: str, by_docstart: bool) -> Iterator[_Block]:
    """Documents: between DOCSTART lines, or (``by_docstart`` False) between blank lines."""
    block = _Block(line=0)
    rows: list[_Row] = []
    seen_blank = False
    for number, line, size in _lines(text):
        cols, removed = _columns(line)
        if cols[:1] == [DOCSTART]:
            rows = block.close_sentence(rows)
            if block.sentences:
                yield block
            block = _Block(line=number, external_id=_docstart_id(cols), from_docstart=True)
        block.size += size
        block.marks += removed
        if not cols:
            rows = block.close_sentence(rows)
            seen_blank = True
            # A blank line anywhere in a document shows the writer separates sentences.
            block.explicit = block.explicit or bool(block.sentences)
            if block.sentences and not by_docstart:
                yield block
                block = _Block(line=0)
            continue
        if cols[0] == DOCSTART:
            continue
        if not block.from_docstart and block.line == 0:
            block.line = number
        whole = _sentence_per_line(cols, number)
        if whole is not None:
            rows = block.close_sentence(rows)
            block.close_sentence(whole)
            block.explicit = True
        else:
            rows.append(_Row(number, cols[0], cols[-1] if len(cols) > 1 else None))
    block.close_sentence(rows)
    if block.sentences:
        # The last block of a file read by blank lines is a sentence like the others.
        block.explicit = block.explicit or (seen_blank and not by_docstart)
        yield block


@dataclass
class _Decoded:
    """Tags of one document read as (prefix, label), with what was repaired."""

    tags: list[list[tuple[str, str]]] = field(default_factory=list)
    lowered: int = 0
    first_lowered: int = 0
    error: tuple[int, str] | None = None
    errors: int = 0


def _hint(tag: str) -> str:
    """A likely meaning of a bad tag, for the message only (it is never applied)."""
    if tag and set(tag.upper()) == {"O"}:
        return " (did you mean 'O'?)"
    match = re.fullmatch(r"([BIESULbiesul])[-_]+([^\W_]\S*)", tag)
    if match:
        return f" (did you mean '{match.group(1).upper()}-{match.group(2)}'?)"
    return ""


def _parse_tag(row: _Row, decoded: _Decoded) -> tuple[str, str]:
    tag = row.tag
    broken = _BROKEN.search(row.token + (tag or ""))
    if broken is not None:
        decoded.errors += 1
        byte = ord(broken.group()) - 0xDC00
        decoded.error = decoded.error or (row.line, f"invalid UTF-8 byte 0x{byte:02x}")
        return "O", ""
    if tag is None:
        decoded.errors += 1
        decoded.error = decoded.error or (
            row.line,
            f"one column only ({row.token!r}): expected a token and its tag",
        )
        return "O", ""
    if tag == "O":
        return "O", ""
    match = _TAG.fullmatch(tag)
    if match:
        return _PREFIX[match.group(1)], match.group(2)
    loose = _LOOSE_TAG.fullmatch(tag)
    if loose or tag == "o":
        # The prefix is syntax with one possible reading; the label keeps its case.
        decoded.lowered += 1
        decoded.first_lowered = decoded.first_lowered or row.line
        return ("O", "") if loose is None else (_PREFIX[loose.group(1).upper()], loose.group(2))
    decoded.errors += 1
    decoded.error = decoded.error or (
        row.line,
        f"bad tag {tag!r}{_hint(tag)}: expected O, or B-, I-, E- or S- and a label",
    )
    return "O", ""


def _decode_tags(block: _Block) -> _Decoded:
    decoded = _Decoded()
    for sentence in block.sentences:
        decoded.tags.append([_parse_tag(row, decoded) for row in sentence])
    return decoded


@dataclass
class _Counts:
    """Lenient readings made while decoding entities, for the notes."""

    i_starts: int = 0
    unclosed: int = 0


def _entities(
    tags: Sequence[tuple[str, str]], bioes: bool, counts: _Counts
) -> list[tuple[int, int, str]]:
    """``[first, last)`` token ranges and labels of one sentence, read leniently like
    seqeval's default mode: I- or E- after O or another label begins an entity."""
    found: list[tuple[int, int, str]] = []
    start: int | None = None
    label = ""

    def close(end: int, properly: bool) -> None:
        nonlocal start
        if start is not None:
            found.append((start, end, label))
            if bioes and not properly:
                counts.unclosed += 1
        start = None

    for index, (prefix, name) in enumerate(tags):
        if prefix == "O":
            close(index, False)
            continue
        if not (start is not None and name == label and prefix in "IE"):
            close(index, False)
            if prefix in "IE":
                counts.i_starts += 1
            start, label = index, name
        if prefix in "ES":
            close(index + 1, True)
    close(len(tags), False)
    return found


def _infer_sentences(
    sentence: list[_Row], tags: list[tuple[str, str]]
) -> tuple[list[list[_Row]], list[list[tuple[str, str]]]]:
    """Split one long run of rows after O-tagged terminators (a file without blank lines)."""
    rows_out: list[list[_Row]] = [[]]
    tags_out: list[list[tuple[str, str]]] = [[]]
    for index, (row, tag) in enumerate(zip(sentence, tags, strict=True)):
        rows_out[-1].append(row)
        tags_out[-1].append(tag)
        following = sentence[index + 1].token if index + 1 < len(sentence) else ""
        is_end = bool(row.token) and all(ch in TERMINATORS for ch in row.token)
        if is_end and tag[0] == "O" and following and following[0] not in TERMINATORS:
            rows_out.append([])
            tags_out.append([])
    return [r for r in rows_out if r], [t for t in tags_out if t]


def _assemble(
    sentences: list[list[_Row]], tags: list[list[tuple[str, str]]], counts: _Counts, path: Path
) -> tuple[str, list[dict[str, Any]]]:
    """The rebuilt text (tokens joined by spaces, sentences by newlines) and its spans, each
    with the line of its first token (the importer names it if it rejects the span)."""
    bioes = any(prefix in "ES" for sentence in tags for prefix, _ in sentence)
    lines: list[str] = []
    found: list[tuple[int, int, str, int]] = []
    offset = 0
    for rows, sentence_tags in zip(sentences, tags, strict=True):
        starts = []
        for row in rows:
            starts.append(offset)
            offset += len(row.token) + 1  # the space after it, or the newline after the last
        for first, last, label in _entities(sentence_tags, bioes, counts):
            end = starts[last - 1] + len(rows[last - 1].token)
            found.append((starts[first], end, label, rows[first].line))
        lines.append(" ".join(row.token for row in rows))
    text = "\n".join(lines)
    spans = [
        {"start": s, "end": e, "label": label, "text": text[s:e], "location": f"{path}:{line}"}
        for s, e, label, line in found
    ]
    return text, spans


def _notes(block: _Block, decoded: _Decoded, counts: _Counts, inferred: bool) -> list[str]:
    notes = []
    if block.marks:
        notes.append(f"removed {block.marks} invisible bidi marks (U+200E/U+200F…) around tokens")
    if decoded.lowered:
        notes.append(
            f"{decoded.lowered} tags with a lower-case prefix read as upper case (first at "
            f"line {decoded.first_lowered}); labels kept as written"
        )
    if counts.i_starts:
        notes.append(
            f"{counts.i_starts} entities begin with I- or E- (IOB1, or a tagging error): "
            "read as beginning there, as seqeval does"
        )
    if counts.unclosed:
        notes.append(f"{counts.unclosed} BIOES entities end without E- or S-: kept as read")
    if inferred:
        notes.append("no blank lines between sentences: split after . ! ? ؟")
    return notes


def _record(
    path: Path, block: _Block, external_id: str, encoding: str
) -> list[SourceRecord | SourceError | SourceNote]:
    if block.size > MAX_RECORD_BYTES:  # refused before its text is put together
        message = f"document {external_id!r} is {too_large(block.size)}; not imported"
        return [SourceError(f"{path}:{max(1, block.line)}", message, size=block.size)]
    decoded = _decode_tags(block)
    if decoded.error is not None:
        line, reason = decoded.error
        more = f" (and {decoded.errors - 1} more bad lines)" if decoded.errors > 1 else ""
        return [
            SourceError(
                f"{path}:{line}",
                f"{reason}{more}; document {external_id!r} (from line {block.line}) not imported",
                size=block.size,
            )
        ]
    sentences, tags = block.sentences, decoded.tags
    inferred = False
    if not block.explicit and len(sentences) == 1:
        sentences, tags = _infer_sentences(sentences[0], tags[0])
        inferred = len(sentences) > 1
    counts = _Counts()
    text, spans = _assemble(sentences, tags, counts, path)
    location = f"{path}:{block.line}"
    record = SourceRecord(
        location=location,
        external_id=external_id,
        text=text,
        encoding=encoding,
        spans=spans,
        size=block.size,
    )
    notes = _notes(block, decoded, counts, inferred)
    return [record, *(SourceNote(location, f"{external_id}: {note}") for note in notes)]


def read_conll(
    path: Path, encoding: str | None, name: str
) -> Iterator[SourceRecord | SourceError | SourceNote]:
    """One record per document of a CoNLL file (see the module docstring)."""
    data = path.read_bytes()
    try:
        text, used = decode(data, encoding)
    except DecodeError as error:
        if encoding or b"\x00" in data or not data.strip():
            yield SourceError(str(path), str(error), size=len(data))
            return
        # Damaged UTF-8: the documents holding a bad byte are named, the others imported.
        text, used = data.decode("utf-8", errors="surrogateescape"), "UTF-8"
    del data  # the text is all we need: a big file is not held twice
    text = text.lstrip("\ufeff")  # a BOM the decoder kept (an explicit encoding)
    counter = 0
    for block in _blocks(text, _HAS_DOCSTART.search(text) is not None):
        counter += 1
        yield from _record(path, block, block.external_id or f"{name}-{counter}", used)
    if counter == 0:
        yield SourceError(f"{path}:1", "no tokens: not a CoNLL file, or an empty one")


# ---------------------------------------------------------------- sniffing


def _head_text(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head[: len(head) - len(head) % 2].decode("utf-16", errors="replace")
    return head.decode("utf-8", errors="replace").lstrip("\ufeff")


def sniff_conll(path: Path, head: bytes) -> bool:
    """Token lines whose last column is a tag (or a DOCSTART line) come first."""
    lines = _head_text(head).split("\n")
    if len(head) >= HEAD_LIMIT:
        lines = lines[:-1]  # the last line may be cut
    checked = 0
    for line in lines[:400]:
        cols, _ = _columns(line)
        if not cols:
            continue
        if cols[0] == DOCSTART:
            return True
        if _sentence_per_line(cols, 0) is None and (
            len(cols) < 2 or not (cols[-1] == "O" or _TAG.fullmatch(cols[-1]))
        ):
            return False
        checked += 1
        if checked >= 20:
            break
    return checked > 0


FORMATS: tuple[Format, ...] = (
    Format(
        "conll",
        "CoNLL BIO / IOB2 (token per line)",
        ".conll",
        _writer("bio"),
        read_conll,
        sniff_conll,
        suffixes=(".conll", ".iob", ".bio"),
    ),
    Format(
        "bioes",
        "CoNLL BIOES (token per line)",
        ".bioes",
        _writer("bioes"),
        read_conll,
        suffixes=(".bioes",),
    ),
)

# The formats whose layers export in one pass (see app.core.exporting), and their schemes.
SCHEMES: dict[str, str] = {"conll": "bio", "bioes": "bioes"}
LAYERED_WRITERS: dict[str, LayeredWriter] = {
    name: _layered_writer(scheme) for name, scheme in SCHEMES.items()
}
