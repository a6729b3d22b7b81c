"""Import documents (and their spans) into a project, keeping the good and naming the bad.

Each record is checked completely before anything is written, then stored inside a
SAVEPOINT, so a bad record never leaves a trace. Records are committed in chunks: a
cancelled or killed import keeps every chunk it finished and nothing of the one it was in.

Within a chunk, runs of ordinary records (new documents whose labels and annotators
exist) are written with one statement per table inside one SAVEPOINT; if SQLite refuses
any of it, the run is rolled back and written again one record per SAVEPOINT, so a
failing record is still rejected alone. Span ids are time-ordered (storage.ids): they
go to the end of the uuid index instead of to random pages of it.

Checking (:class:`RecordChecker`) needs nothing of the project but its label ids and
builds what is stored in one pass per span. A big input is read and checked in a worker
process (app.core.import_worker) while this one writes; the records arrive in the same
order and are stored by the same code, so both paths store the same bytes.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from json.encoder import encode_basestring
from operator import attrgetter
from pathlib import Path
from typing import Any

from app.core.labels import PALETTE
from app.formats.native_jsonl import DOCUMENT_FIELDS
from app.formats.records import (
    MAX_RECORD_BYTES,
    SourceError,
    SourceNote,
    SourceRecord,
    leads_elsewhere,
    too_large,
)
from app.formats.registry import EXTENSIONS, FORMATS, LAYER_MANIFEST, import_formats
from app.text.canonical import Canonical, canonicalize, check_text, sha256
from storage import Label, Project, ProjectError, staging
from storage.clock import now
from storage.documents import NewDocument
from storage.ids import new_ids, reserve_ids
from storage.project import ChangeEntry
from storage.spans import bulk_attrs_encoder

FORMAT_CHOICES = ("auto", *(f.name for f in import_formats()))
# Records per transaction, and input bytes per transaction: a chunk ends at whichever comes
# first. Each commit is synced to disk, so few large chunks are faster than many small ones;
# a killed import loses at most the chunk it was in. TAWSIM_IMPORT_CHUNK (read here only)
# lets the crash tests see many chunks in a small input.
CHUNK = int(os.environ.get("TAWSIM_IMPORT_CHUNK", "5000"))
CHUNK_BYTES = 32 * 1024 * 1024
# Inputs larger than this are read and checked in a second process while this one writes
# (app.core.import_worker); below it, starting the process costs more than it saves.
WORKER_BYTES = 20 * 1024 * 1024
# The label ids storage accepts (storage.labels): checked before a label is created, so that
# the message names the span that wants it.
_LABEL_ID = re.compile("[A-Za-z0-9_-]+")
SNIFF_BYTES = 64 * 1024
NOT_READ = "not read"
# Content is sniffed in this order (the most specific first); extensions decide the rest.
SNIFF_ORDER = ("webanno", "xmi", "labelstudio", "doccano", "jsonl", "brat", "conll", "csv")

# progress(done, total) -> False to cancel
Progress = Callable[[int, int], bool]


@dataclass
class ImportReport:
    imported: int = 0
    duplicates: int = 0
    spans: int = 0
    rejected: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cancelled: bool = False
    unknown_labels: set[str] = field(default_factory=set)
    created_labels: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"imported {self.imported} documents ({self.spans} spans), "
            f"{self.duplicates} duplicates, {len(self.rejected)} rejected"
        )
        if self.unknown_labels:
            names = ", ".join(sorted(self.unknown_labels))
            text += f"; unknown labels {names} (add them, or import with --create-labels)"
        if self.created_labels:
            text += f"; created labels {', '.join(self.created_labels)}"
        return text + (" — cancelled" if self.cancelled else "")


class RecordRejected(Exception):
    """Why a record cannot be imported; ``location`` is the line of the span at fault
    ("file:line") when its reader said where the span is written; ``unknown_label`` the
    label it names that the project lacks, if that is why."""

    def __init__(self, message: str, location: str = "", unknown_label: str = "") -> None:
        super().__init__(message)
        self.location = location
        self.unknown_label = unknown_label


@dataclass(frozen=True)
class _Message:
    """A rejection or note, held back until the records before it are stored."""

    kind: str  # "rejected" or "notes": the list of the report it goes to
    text: str
    unknown_label: str = ""  # a label the record wanted and the project lacks

    def emit(self, report: ImportReport) -> None:
        (report.rejected if self.kind == "rejected" else report.notes).append(self.text)


# A checked span as stored: (annotator, start, end, label, covered text, attrs, kind). Its
# first four make it the same span as another (a repeat is stored once); attrs are encoded,
# or the error encoding them raised (raised again when the span is stored).
CheckedSpan = tuple[str, int, int, str, str, "str | Exception", str]
SpanKey = tuple[str, int, int, str]
# A NewDocument's fields as a tuple, in order (one C call: a worker pickles 100,000).
_document_fields = attrgetter(*(f.name for f in fields(NewDocument)))


# Not frozen, like the records it holds: made three times per imported document.
@dataclass
class _Plan:
    """A validated record, ready to write: plain data, so a worker process can send it."""

    location: str
    document: NewDocument
    notes: tuple[str, ...]
    checked: list[CheckedSpan]
    uses: tuple[tuple[str, str], ...]  # the (annotator, label) pairs of its spans
    unstorable: bool = False  # some span's attrs cannot be encoded: store it alone
    # Staged by a worker (storage.staging): (seq, first span id, end span id, text length).
    # Its spans are in the scratch file, not in ``checked``; its text is ``encoded``.
    staged: tuple[int, int, int, int] | None = None
    # The UTF-8 bytes of the canonical text, where the checker had them (the text as
    # given) or a worker staged the record.
    encoded: bytes | None = field(default=None, repr=False, compare=False)

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as tuples (a worker sends a million spans): a third of the default cost.
        # A staged record sends its text as bytes (copied, not encoded and decoded).
        document = _document_fields(self.document)
        encoded = None
        if self.staged is not None:
            document, encoded = (document[0], "", *document[2:]), self.encoded
        fields = (
            self.location,
            document,
            self.notes,
            self.checked,
            self.uses,
            self.unstorable,
            self.staged,
            encoded,
        )
        return (_unpickle_plan, fields)

    @property
    def span_count(self) -> int:
        return len(self.checked) if self.staged is None else self.staged[2] - self.staged[1]

    @property
    def digest(self) -> str:
        return self.document.sha256

    @property
    def external_id(self) -> str:
        return self.document.external_id

    @property
    def spans(self) -> list[dict[str, Any]]:
        """The checked spans as dicts (for the import preview)."""
        return [
            {
                "start": start,
                "end": end,
                "label": label,
                "annotator": annotator,
                "kind": kind,
                "text": text,
                "attrs": json.loads(attrs) if isinstance(attrs, str) else {},
            }
            for annotator, start, end, label, text, attrs, kind in self.checked
        ]


def _unpickle_plan(
    location: str,
    document: tuple[Any, ...],
    notes: tuple[str, ...],
    checked: list[CheckedSpan],
    uses: tuple[tuple[str, str], ...],
    unstorable: bool,
    staged: tuple[int, int, int, int] | None,
    encoded: bytes | None,
) -> _Plan:
    return _Plan(
        location, NewDocument(*document), notes, checked, uses, unstorable, staged, encoded
    )


_Entry = _Plan | _Message


@dataclass(frozen=True)
class SourceFile:
    path: Path
    format: str
    name: str  # path relative to the import folder, without suffix: a default document id
    layer: str  # the sub-folder it sits in ("alice/doc1.ann" -> "alice"), or ""


def detect_format(path: Path) -> str | None:
    """The format of one file, from its content first and its suffix second."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(SNIFF_BYTES)
    except OSError:
        return EXTENSIONS.get(path.suffix.lower())
    for name in SNIFF_ORDER:
        candidate = FORMATS.get(name)
        if candidate is not None and candidate.sniff is not None and candidate.sniff(path, head):
            return name
    return EXTENSIONS.get(path.suffix.lower())


def collect_files(paths: Sequence[str | Path], fmt: str) -> tuple[list[SourceFile], list[str]]:
    """Every importable file under ``paths`` with its format; plus notes on what was skipped."""
    found: list[SourceFile] = []
    notes: list[str] = []
    for given in paths:
        root = Path(given)
        if root.is_dir():
            layers = _layer_manifest(root)
            inside = root.resolve()
            # os.walk does not follow symlinked folders, so a link loop cannot trap us.
            for folder, dirs, files in os.walk(root):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                notes += [
                    f"{Path(folder) / d}: skipped (a link to a folder: links are not followed)"
                    for d in dirs
                    if (Path(folder) / d).is_symlink()
                ]
                for name in sorted(files):
                    path = Path(folder) / name
                    # Companions (brat's .txt) are judged by the reader that reads them.
                    if name.startswith(".") or name == LAYER_MANIFEST or _is_companion(path, fmt):
                        continue
                    refusal = _refusal(path, inside)
                    if refusal:
                        notes.append(f"{path}: {refusal}")
                        continue
                    kind = fmt if fmt != "auto" else detect_format(path)
                    if kind is None:
                        notes.append(f"{path}: skipped (format not recognized)")
                        continue
                    relative = path.relative_to(root)
                    layer = layers.get(relative.parts[0], "")
                    document = relative
                    if layer and len(relative.parts) > 1:
                        document = Path(*relative.parts[1:])  # ids inside a layer's folder
                    elif len(relative.parts) > 1:
                        layer = relative.parts[0]
                    found.append(SourceFile(path, kind, document.with_suffix("").as_posix(), layer))
        elif root.is_file():
            kind = fmt if fmt != "auto" else detect_format(root)
            if kind is None:
                notes.append(f"{root}: unknown format (use --format)")
            else:
                found.append(SourceFile(root, kind, root.stem, ""))
        elif root.exists():  # a pipe or a device would block the import or never end
            notes.append(f"{root}: {NOT_READ} (not a regular file: a pipe or device)")
        else:
            notes.append(f"{root}: no such file or folder")
    return found, notes


def _refusal(path: Path, inside: Path) -> str:
    """Why a file found in a folder must not be read ("" when it may): a link that leads out
    of the folder being imported (to ``/etc/passwd``, say), or something that is not a
    regular file (a pipe would block the import forever, a device never ends)."""
    if not path.is_symlink():  # os.walk entered no linked folder: only the file may be one
        return "" if path.is_file() else f"{NOT_READ} (not a regular file: a pipe or device)"
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):  # a broken link, or a loop of links
        return f"{NOT_READ} (a broken link)"
    if not real.is_relative_to(inside):
        return f"{NOT_READ} (a link to {real}, outside the folder being imported)"
    if not real.is_file():
        return f"{NOT_READ} (a link to {real}, not a regular file)"
    return ""


def is_refusal(note: str) -> bool:
    """A note of :func:`collect_files` that the report counts as a rejection."""
    return note.endswith("no such file or folder") or "unknown format" in note or NOT_READ in note


def _layer_manifest(root: Path) -> dict[str, str]:
    """The file -> annotator map our own per-layer exports leave in their folder (a map of
    names: a key like ``../x`` matches no file inside, so it reads nothing outside)."""
    if leads_elsewhere(root / LAYER_MANIFEST):
        return {}
    try:
        data = json.loads((root / LAYER_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    layers = data.get("layers") if isinstance(data, dict) else None
    if not isinstance(layers, dict):
        return {}
    return {str(k): str(v) for k, v in layers.items() if isinstance(v, str) and v.strip()}


def _is_companion(path: Path, fmt: str) -> bool:
    """Files read together with another one: brat's .txt beside its .ann, its .conf."""
    suffix = path.suffix.lower()
    if path.name.lower().endswith(".config.xml"):
        return True  # Label Studio's labeling config beside its tasks
    if fmt not in ("auto", "brat"):
        return False
    if suffix == ".conf":
        return True
    return suffix == ".txt" and path.with_suffix(".ann").exists()


def read_records(
    files: Iterable[SourceFile], encoding: str | None = None
) -> Iterator[SourceRecord | SourceError | SourceNote]:
    for source in files:
        chosen = FORMATS.get(source.format)
        if chosen is None or chosen.read is None:
            yield SourceError(str(source.path), f"cannot import the {source.format!r} format")
            continue
        try:
            for item in chosen.read(source.path, encoding, source.name):
                if isinstance(item, SourceRecord) and source.layer:
                    item = _with_file_layer(item, source.layer)
                yield item
        except OSError as error:
            yield SourceError(str(source.path), f"cannot read ({error.strerror or error})")


def _with_file_layer(record: SourceRecord, layer: str) -> SourceRecord:
    """Spans of a file inside ``alice/`` belong to alice unless they name someone."""
    spans = [{**raw, "file_layer": layer} if isinstance(raw, dict) else raw for raw in record.spans]
    return replace(record, spans=spans)


def import_paths(
    project: Project,
    paths: Sequence[str | Path],
    *,
    fmt: str = "auto",
    annotator: str | None = None,
    encoding: str | None = None,
    progress: Progress | None = None,
    create_labels: bool = False,
    suggestions: bool = False,
    worker: bool | None = None,
) -> ImportReport:
    """Import every file under ``paths``. ``worker`` reads and checks them in a second
    process while this one writes: by default when they are larger than WORKER_BYTES."""
    if fmt != "auto" and fmt not in FORMATS:
        raise ProjectError(f"unknown format {fmt!r}")
    files, notes = collect_files(paths, fmt)
    report = ImportReport(notes=list(notes))
    report.rejected.extend(n for n in notes if is_refusal(n))
    total = sum(_size(source.path) for source in files)
    importer = Importer(
        project, report, annotator, create_labels=create_labels, suggestions=suggestions
    )
    if worker if worker is not None else total > WORKER_BYTES:
        from app.core.import_worker import checked_elsewhere

        # The scratch file is attached only once the worker runs: SQLite's state must not
        # be forked with a connection to the file the worker opens.
        with (
            staging.scratch_file() as scratch,
            checked_elsewhere(files, encoding, importer.checker, scratch) as checked,
            importer.staged_in(scratch),
        ):
            importer.write_checked(checked, total, progress)
    else:
        importer.run(read_records(files, encoding), total, progress)
    return report


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


@dataclass
class RecordChecker:
    """Every check of a record that needs nothing from the project file but its label ids:
    plain data, so that a worker process can run it (app.core.import_worker).

    ``labels`` grows as ``--create-labels`` creates labels; a checker in another process
    keeps the ids it started with, which decides nothing: a label it lacks is only checked
    for the shape of its id, and every created label had that shape.
    """

    labels: set[str]
    annotator: str | None
    create_labels: bool = False
    suggestions: bool = False

    def entry(self, item: SourceRecord | SourceError | SourceNote) -> _Entry:
        """A record checked, or the message that names what is wrong with it."""
        if isinstance(item, SourceError):
            return _Message("rejected", str(item))
        if isinstance(item, SourceNote):
            return _Message("notes", str(item))
        try:
            return self.plan(item)
        except RecordRejected as error:
            text = f"{error.location or item.location}: {error}"
            return _Message("rejected", text, error.unknown_label)

    def plan(self, record: SourceRecord) -> _Plan:
        """Check ``record`` completely (raises RecordRejected) without writing anything."""
        text = record.text
        encoded = _utf8(text)
        if encoded is None or not text or text.isspace() or "\x00" in text:
            problem = check_text(text)
            if problem:
                raise RecordRejected(problem)
        if _utf8(record.external_id) is None:
            # Bytes a reader kept undecoded (damaged UTF-8) cannot be stored or looked up.
            raise RecordRejected(f"the document id {record.external_id!r} is not valid text")
        if encoded is not None and len(encoded) > MAX_RECORD_BYTES:
            # Readers refuse most of these unread; this holds for every format.
            raise RecordRejected(f"the text is {too_large(len(encoded))}")
        canonical = _canonical(text, encoded)
        checked, unstorable = self._spans(record, canonical)
        if canonical.text is text and encoded is not None:  # unchanged: hash what we have
            digest = hashlib.sha256(encoded).hexdigest()
        else:
            digest = sha256(canonical.text)
        uses = tuple({(span[0], span[3]) for span in checked})
        document = _new_document(record, canonical, digest)
        kept = encoded if canonical.text is text else None
        return _Plan(
            record.location, document, canonical.notes, checked, uses, unstorable, encoded=kept
        )

    def _spans(self, record: SourceRecord, canonical: Canonical) -> tuple[list[CheckedSpan], bool]:
        """Every span of ``record``, checked and mapped to canonical offsets, in one pass
        that builds what is stored (a repeated span is kept once, as it was first given);
        and whether some span's attrs cannot be encoded.

        A million spans pass through here in a big import, so the loop keeps to local
        names and takes the common case (integer offsets, unchanged text) first; every
        check and message is the one each span has always had.
        """
        text = record.text
        length = len(text)
        mapping = canonical.mapping
        canonical_text = canonical.text
        labels = self.labels
        create_labels = self.create_labels
        default_annotator = self.annotator
        all_suggestions = self.suggestions
        checked: list[CheckedSpan] = []
        seen: set[SpanKey] = set()
        encode = bulk_attrs_encoder()
        unstorable = False
        raw: Any = None
        try:
            for index, raw in enumerate(record.spans):
                if not isinstance(raw, dict):
                    raise RecordRejected(f"span {index + 1}: must be an object")
                get = raw.get
                start, end = get("start"), get("end")
                if not (type(start) is int and type(end) is int) and (
                    not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool)
                ):
                    raise RecordRejected(f"span {index + 1}: start and end must be integers")
                if not 0 <= start < end <= length:
                    problem = "reversed or empty" if start >= end else "out of range"
                    raise RecordRejected(
                        f"span {index + 1}: [{start}, {end}) is {problem} (text length {length})"
                    )
                label = get("label")
                if not isinstance(label, str) or not label:
                    raise RecordRejected(f"span {index + 1}: unknown label {label!r}")
                if label not in labels and not create_labels:
                    raise RecordRejected(
                        f"span {index + 1}: unknown label {label!r}", unknown_label=label
                    )
                if label not in labels and not _LABEL_ID.fullmatch(label):
                    raise RecordRejected(
                        f"span {index + 1}: cannot create label {label!r}"
                        " (a label id is letters, digits, '_' or '-')"
                    )
                covered = text[start:end]
                given = get("text")
                if given is not None and given != covered:
                    raise RecordRejected(
                        f"span {index + 1}: text {given!r} disagrees with the document's "
                        f"{covered!r} at [{start}, {end})"
                    )
                kind = "suggestions" if all_suggestions or get("kind") == "suggestions" else "human"
                # The span's own annotator, else --annotator, else the folder its file sits in.
                annotator = get("annotator") or default_annotator or get("file_layer")
                if not annotator and kind == "suggestions":
                    annotator = "suggestions"
                if not isinstance(annotator, str) or not (annotator := annotator.strip()):
                    raise RecordRejected(
                        f"span {index + 1}: no annotator (give one with --annotator)"
                    )
                attrs = get("attrs", _NO_ATTRS)  # not a new {} per span
                if not isinstance(attrs, dict):
                    raise RecordRejected(f"span {index + 1}: attrs must be an object")
                if mapping is not None:
                    start, end = mapping[start], mapping[end]
                    if start >= end:
                        raise RecordRejected(f"span {index + 1}: covers only a removed character")
                    covered = canonical_text[start:end]
                stored: str | Exception = "{}"
                if attrs:
                    try:
                        stored = encode(attrs)
                    except Exception as error:  # raised again when the span is stored
                        stored, unstorable = error, True
                key = (annotator, start, end, label)
                if key not in seen:
                    seen.add(key)
                    checked.append((annotator, start, end, label, covered, stored, kind))
        except RecordRejected as error:
            # Name the line the span is written on, where the reader knows it (brat, CoNLL,
            # WebAnno TSV put one document over many lines).
            where = raw.get("location") if isinstance(raw, dict) else None
            if isinstance(where, str) and where:
                raise RecordRejected(str(error), where, error.unknown_label) from None
            raise
        return checked, unstorable


def _new_document(record: SourceRecord, canonical: Canonical, digest: str) -> NewDocument:
    given = record.meta
    meta = {k: v for k, v in given.items() if k not in DOCUMENT_FIELDS}
    # Positional, in NewDocument's order: keyword arguments cost a fifth of the time a
    # big import spends making document records.
    return NewDocument(
        record.external_id,
        canonical.text,
        digest,
        _text_field(given.get("title")),
        _text_field(given.get("source")),
        _text_field(given.get("url")),
        _text_field(given.get("published")),
        meta,
        record.location,
        record.encoding,
        "; ".join(canonical.notes),
    )


_NO_ATTRS: dict[str, Any] = {}  # read only

# A record checked (or the message naming what is wrong with it), and the input bytes it took.
Checked = tuple[_Entry, int]


class Importer:
    def __init__(
        self,
        project: Project,
        report: ImportReport,
        annotator: str | None,
        *,
        create_labels: bool = False,
        suggestions: bool = False,
    ) -> None:
        self.project = project
        self.report = report
        self.annotator = annotator
        labels = {label.id for label in project.labels.all()}
        self.checker = RecordChecker(labels, annotator, create_labels, suggestions)
        self._annotator_ids: dict[str, int] = {}

    @contextmanager
    def staged_in(self, scratch: Path) -> Iterator[None]:
        """Read the rows a worker stages in ``scratch`` (storage.staging) while inside."""
        staging.attach(self.project.conn, scratch)
        try:
            yield
        finally:
            staging.detach(self.project.conn)

    @property
    def labels(self) -> set[str]:
        return self.checker.labels

    @labels.setter
    def labels(self, labels: set[str]) -> None:
        self.checker.labels = labels

    def plan(self, record: SourceRecord) -> _Plan:
        """Check ``record`` completely (raises RecordRejected) without writing anything."""
        try:
            return self.checker.plan(record)
        except RecordRejected as error:
            if error.unknown_label:
                self.report.unknown_labels.add(error.unknown_label)
            raise

    def run(
        self,
        records: Iterable[SourceRecord | SourceError | SourceNote],
        total: int = 0,
        progress: Progress | None = None,
    ) -> None:
        """Check and store ``records`` (in this process)."""
        check = self.checker.entry
        self.write_checked(((check(item), item.size) for item in records), total, progress)

    def write_checked(
        self, checked: Iterable[Checked], total: int = 0, progress: Progress | None = None
    ) -> None:
        """Store records checked as they come (here, or by a worker process)."""
        with self.project.bulk_writes(), rare_collections():
            self._run(iter(checked), total, progress)

    def _run(self, checked: Iterator[Checked], total: int, progress: Progress | None) -> None:
        done = 0
        while True:
            # Records are checked as they are read and stored together at the end of the
            # chunk (see _store); messages keep the order of the input. A chunk ends at
            # CHUNK records or CHUNK_BYTES of input.
            entries: list[_Entry] = []
            size = 0
            for entry, taken in checked:
                entries.append(entry)
                self._noticed(entry)
                done += taken
                size += taken
                # Cancelling keeps what is done: each record is whole or absent.
                if progress is not None and not progress(min(done, total), total):
                    self._commit(entries)
                    self.report.cancelled = True
                    return
                if len(entries) >= CHUNK or size >= CHUNK_BYTES:
                    break
            if not entries:
                return
            self._commit(entries)

    def _noticed(self, entry: _Entry) -> None:
        if isinstance(entry, _Message) and entry.unknown_label:
            self.report.unknown_labels.add(entry.unknown_label)

    def _commit(self, entries: list[_Entry]) -> None:
        spans = self.project.spans
        with self.project.transaction():
            since = spans.last_row()
            self._store(entries)
            spans.check_references(since)  # foreign keys are off (Project.bulk_writes)

    # -- storing ---------------------------------------------------------------------------
    def _store(self, entries: list[_Entry]) -> None:
        """Store a chunk's checked records in input order.

        Runs of ordinary records (a new document whose id is free and whose labels and
        annotators exist) are written together, one statement per table. The rest (a
        duplicate, a clashing id, a label or annotator to create) go one at a time
        through :meth:`_import_one`, which sees everything stored before them.
        """
        plans = [entry for entry in entries if isinstance(entry, _Plan)]
        documents = self.project.documents
        # Digests and ids already in the project, or stored earlier in this chunk.
        digests = set(documents.ids_by_sha256({plan.digest for plan in plans}))
        external_ids = set(documents.ids_by_external_ids({p.external_id for p in plans}))
        run: list[_Entry] = []
        for entry in entries:
            if isinstance(entry, _Plan) and not self._ordinary(entry, digests, external_ids):
                self._store_run(run)
                run = []
                self._import_one(entry)
            else:
                run.append(entry)
            if isinstance(entry, _Plan):
                digests.add(entry.digest)
                external_ids.add(entry.external_id)
        self._store_run(run)

    def _ordinary(self, plan: _Plan, digests: set[str], external_ids: set[str]) -> bool:
        if plan.unstorable or plan.digest in digests or plan.external_id in external_ids:
            return False
        labels, annotators = self.labels, self._annotator_ids
        return all(label in labels and name in annotators for name, label in plan.uses)

    def _store_run(self, run: list[_Entry]) -> None:
        """Write a run of ordinary records inside one SAVEPOINT.

        Should SQLite refuse any of it (a constraint, a trigger, a full disk), the whole
        run is taken back and its records are stored again one at a time, each in its own
        SAVEPOINT: the failing record is rejected alone and every other one is kept.
        """
        plans = [entry for entry in run if isinstance(entry, _Plan)]
        added: list[int] = []
        report = self.report
        if plans:
            conn = self.project.conn
            conn.execute("SAVEPOINT records")
            try:
                added = self._write_many(plans)
            except Exception:
                conn.execute("ROLLBACK TO records")
                conn.execute("RELEASE records")
                for entry in run:
                    if isinstance(entry, _Plan):
                        self._import_one(entry)
                    else:
                        entry.emit(report)
                return
            conn.execute("RELEASE records")
        spans = iter(added)
        for entry in run:
            if isinstance(entry, _Message):
                entry.emit(report)
                continue
            location = entry.location
            report.notes.extend(f"{location}: {note}" for note in entry.notes)
            report.imported += 1
            report.spans += next(spans)

    def _write_many(self, plans: list[_Plan]) -> list[int]:
        """Insert the documents, spans and change-log entries of ordinary records; returns
        how many spans each record stored."""
        if _staged_together(plans):
            return self._copy_staged(plans)
        plans = [self._unstaged(plan) for plan in plans]
        stamp = now()
        ids = self.project.documents.add_many([plan.document for plan in plans], imported_at=stamp)
        span_ids = iter(new_ids(sum(len(plan.checked) for plan in plans)))
        known = self._annotator_ids
        rows: list[tuple[object, ...]] = []
        changes: list[ChangeEntry] = []
        added: list[int] = []
        by = self.annotator or "import"
        for plan, document_id in zip(plans, ids, strict=True):
            checked = plan.checked
            # Spans first in zip: it stops at their end without taking one id too many.
            rows += [
                (uuid, document_id, known[name], start, end, label, text, attrs, stamp, stamp)
                for (name, start, end, label, text, attrs, _), uuid in zip(
                    checked, span_ids, strict=False
                )
            ]
            count = len(checked)
            added.append(count)
            entry = import_log_entry(plan.external_id, plan.digest, count)
            changes.append((by, "document.import", document_id, None, None, entry))
        self.project.spans.add_rows(rows)
        self.project.log_changes(changes)
        return added

    def _copy_staged(self, plans: list[_Plan]) -> list[int]:
        """_write_many for records a worker staged one after the other: the same rows,
        the documents bound from their UTF-8 bytes and the spans copied by SQLite."""
        project = self.project
        stamp = now()
        staged = [plan.staged for plan in plans if plan.staged is not None]
        texts = [(plan.encoded or b"", where[3]) for plan, where in zip(plans, staged, strict=True)]
        documents = [plan.document for plan in plans]
        ids = project.documents.add_many(documents, imported_at=stamp, utf8=texts)
        runs = [(first, end, i) for (_, first, end, _), i in zip(staged, ids, strict=True)]
        uuids = reserve_ids(staged[-1][2] - staged[0][1])
        staging.copy_spans(project.conn, runs, uuids, stamp=stamp)
        by = self.annotator or "import"
        added = [end - first for _, first, end, _ in staged]
        if staging.log_copied_documents(project.conn, by=by, stamp=now()):
            return added
        project.log_changes(
            (by, "document.import", document_id, None, None, entry)
            for document_id, entry in zip(
                ids,
                map(
                    import_log_entry,
                    [d.external_id for d in documents],
                    [d.sha256 for d in documents],
                    added,
                ),
                strict=True,
            )
        )
        return added

    def _unstaged(self, plan: _Plan) -> _Plan:
        """A staged record whole again (to be stored on its own)."""
        if plan.staged is None:
            return plan
        _, first, end, _ = plan.staged
        text = (plan.encoded or b"").decode("utf-8")
        checked: list[CheckedSpan] = list(staging.staged_spans(self.project.conn, (first, end)))
        document = replace(plan.document, text=text)
        return replace(plan, document=document, checked=checked, staged=None, encoded=None)

    def _span_rows(
        self,
        document_id: int,
        checked: list[CheckedSpan],
        existing: set[SpanKey],
        span_ids: Iterator[str],
        stamp: str,
    ) -> list[tuple[object, ...]]:
        """Rows for the spans not in ``existing``, creating annotators as they come."""
        rows: list[tuple[object, ...]] = []
        known = self._annotator_ids
        for annotator, start, end, label, text, attrs, kind in checked:
            if (annotator, start, end, label) in existing:
                continue
            annotator_id = known.get(annotator) or self._annotator_id(annotator, kind)
            if isinstance(attrs, Exception):
                raise attrs  # the attrs that could not be encoded: the record is rejected
            uuid = next(span_ids)
            rows.append(
                (uuid, document_id, annotator_id, start, end, label, text, attrs, stamp, stamp)
            )
        return rows

    def _import_one(self, plan: _Plan) -> None:
        """Store one record in its own SAVEPOINT, creating what it needs."""
        conn = self.project.conn
        conn.execute("SAVEPOINT record")
        try:
            self._write(self._unstaged(plan))
        except Exception as error:
            conn.execute("ROLLBACK TO record")
            conn.execute("RELEASE record")
            # Annotators and labels created inside the savepoint are gone again.
            self._annotator_ids.clear()
            self.labels = {label.id for label in self.project.labels.all()}
            self.report.created_labels = [
                name for name in self.report.created_labels if name in self.labels
            ]
            reason = str(error) if isinstance(error, RecordRejected) else f"cannot store ({error})"
            self.report.rejected.append(f"{plan.location}: {reason}")
            return
        conn.execute("RELEASE record")

    def _write(self, plan: _Plan) -> None:
        project = self.project
        self._ensure_labels(plan.checked)
        existing = project.documents.id_by_sha256(plan.digest)
        if existing is not None:
            self.report.duplicates += 1
            self.report.notes.append(f"{plan.location}: duplicate of a document already here")
            self.report.spans += self._add_spans(existing, plan.checked, only_new=True)
            return
        if project.documents.id_by_external_id(plan.external_id) is not None:
            raise RecordRejected(
                f"id {plan.external_id!r} is already used by a document with other text"
            )
        for note in plan.notes:
            self.report.notes.append(f"{plan.location}: {note}")
        document_id = project.documents.add(plan.document, imported_at=now())
        added = self._add_spans(document_id, plan.checked, only_new=False)
        project.log_change(
            by=self.annotator or "import",
            action="document.import",
            document_id=document_id,
            after={"external_id": plan.external_id, "sha256": plan.digest, "spans": added},
        )
        self.report.imported += 1
        self.report.spans += added

    def _add_spans(self, document_id: int, checked: list[CheckedSpan], *, only_new: bool) -> int:
        if not checked:
            return 0
        existing: set[SpanKey] = set()
        if only_new:
            existing = {
                (s.annotator, s.start, s.end, s.label)
                for s in self.project.spans.for_document(document_id)
            }
        rows = self._span_rows(document_id, checked, existing, iter(new_ids(len(checked))), now())
        self.project.spans.add_rows(rows)
        return len(rows)

    def _annotator_id(self, name: str, kind: str) -> int:
        if name not in self._annotator_ids:
            annotator = self.project.annotator(name, kind)
            if annotator.kind != kind and kind == "suggestions":
                raise RecordRejected(f"{name!r} is an annotator's layer, not suggestions")
            self._annotator_ids[name] = annotator.id
        return self._annotator_ids[name]

    def _ensure_labels(self, checked: list[CheckedSpan]) -> None:
        """Create the labels a record uses that the project lacks (``--create-labels``)."""
        for _, _, _, label_id, _, _, _ in checked:
            if label_id in self.labels:
                continue
            order = len(self.labels)
            self.project.labels.save(
                Label(
                    id=label_id, name_en=label_id, color=PALETTE[order % len(PALETTE)], order=order
                ),
                by=self.annotator or "import",
            )
            self.labels.add(label_id)
            self.report.created_labels.append(label_id)


def _staged_together(plans: list[_Plan]) -> bool:
    """Whether ``plans`` were staged one after the other: their documents and spans are
    consecutive rows of the scratch file."""
    seq, span = 0, 0
    for plan in plans:
        staged = plan.staged
        if staged is None or (seq and (staged[0] != seq + 1 or staged[1] != span)):
            return False
        seq, span = staged[0], staged[2]
    return bool(plans)


class PlanStager:
    """A worker's side of staging: the spans of each checked record become rows of the
    scratch file (storage.staging) and the record is sent without them, its text as
    bytes. Records whose attrs could not be encoded are sent whole."""

    def __init__(self) -> None:
        self._seq = 0  # the last record staged
        self._span = 1  # the next span id

    def stage(self, batch: list[Checked]) -> tuple[list[Checked], list[CheckedSpan]]:
        """``batch`` with its records made ready to send, and the span rows to stage
        (before the records are sent: the writer reads them when it stores the records)."""
        spans: list[CheckedSpan] = []
        out: list[Checked] = []
        for entry, size in batch:
            if isinstance(entry, _Plan) and not entry.unstorable:
                text = entry.document.text
                encoded = entry.encoded or text.encode("utf-8")  # checked: no surrogates
                self._seq += 1
                seq, first, checked = self._seq, self._span, entry.checked
                spans += checked  # staged as they are: their ids follow in order
                self._span += len(checked)
                where = (seq, first, self._span, len(text))
                # Made directly: dataclasses.replace costs twice as much, 100,000 times.
                entry = _Plan(
                    entry.location,
                    entry.document,
                    entry.notes,
                    [],
                    entry.uses,
                    False,
                    where,
                    encoded,
                )
            out.append((entry, size))
        return out, spans


@contextmanager
def rare_collections() -> Iterator[None]:
    """Run Python's cycle collector rarely while a bulk import runs.

    An import makes millions of small tuples (spans, rows), none of them in a cycle; the
    collector, started every 700 new objects, walks every young one each time and now
    and then every live object: measured, a tenth of an import's own Python time.
    """
    threshold = gc.get_threshold()
    gc.set_threshold(_RARE_COLLECTIONS, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


_RARE_COLLECTIONS = 100_000


def import_log_entry(external_id: str, digest: str, spans: int) -> str:
    """The change log's ``after`` of an imported document, exactly as Project.log_change
    writes ``{"external_id": …, "sha256": …, "spans": …}`` (json.dumps, ensure_ascii=False).

    Written out rather than dumped: a bulk import logs every document, and the encoder's
    Python-level set-up per call cost more than the text it produced. The id is escaped by
    the same function json.dumps uses; the digest is hex and the count an int.
    """
    quoted = encode_basestring(external_id)
    return f'{{"external_id": {quoted}, "sha256": "{digest}", "spans": {spans}}}'


def _canonical(text: str, encoded: bytes | None) -> Canonical:
    """canonicalize(text), without its scan of the text where the UTF-8 bytes show that
    nothing would change: every character it changes (CR, a BOM, the presentation forms
    U+FB50-U+FDFF and U+FE70-U+FEFE) is a CR byte or starts with the byte EF in UTF-8,
    and looking for one byte is a tenth of the cost of the regular expression."""
    if encoded is not None and b"\r" not in encoded and b"\xef" not in encoded:
        return Canonical(text)
    return canonicalize(text)


def _utf8(text: str) -> bytes | None:
    """``text`` as UTF-8, or None if it holds a lone surrogate.

    With the two cheap tests beside it in :meth:`Importer.plan` (blank, NUL), a text that
    encodes needs no call to check_text, whose regular-expression scan for surrogates
    cost a tenth of a big import; and the bytes are the ones sha256 hashes.
    """
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return None


def _text_field(value: Any) -> str:
    return "" if value is None else str(value)
