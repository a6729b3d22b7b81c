"""Label Studio JSON: a list of tasks, each with one annotation per annotator.

Shape written (one task a line inside a JSON array, so a line number names a task)::

    [{"id": 1, "data": {"text": str, "doc_id": str, "meta": {...}},
      "annotations": [{"completed_by": {"email": annotator}, "ground_truth": false,
                       "was_cancelled": false,
                       "result": [{"id": span uuid, "from_name": "label", "to_name": "text",
                                   "type": "labels",
                                   "value": {"start": u16, "end": u16, "text": str,
                                             "labels": [label]}},
                                  {"id": same region id, "from_name": attribute,
                                   "to_name": "text", "type": "textarea",
                                   "value": {"start": u16, "end": u16, "text": [value]}}]}],
      "predictions": []}]

Offsets are UTF-16 units: Label Studio keeps the browser's JavaScript string indices.
``completed_by`` is ``{"email": name}``, the form Label Studio's importer resolves to a
member (an int must already be a member id there); the reader maps emails, names and
ids back to an annotator name. Span attributes are per-region TextArea results sharing
the region's id, the way Label Studio stores ``perRegion`` controls; a value that is not
a plain string (or a string that would read back as JSON) is written as JSON text.

Beside ``x.json`` the writer puts the labeling config ``x.config.xml``. Both are written
atomically, the config first, inside the JSON's write: a failure leaves neither file
(best effort: a failed final rename of the JSON can leave the config alone).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.formats.atomic import atomic_text_writer
from app.formats.base import ExportItem, ExportOptions, Format, Omissions
from app.formats.native_jsonl import DOCUMENT_FIELDS
from app.formats.records import SourceError, SourceNote, SourceRecord
from app.text.canonical import DecodeError, decode
from app.text.offsets import Utf16Map
from storage import Document, Label, Span

LABELS_CONTROL = "label"  # <Labels name="label">
TEXT_OBJECT = "text"  # <Text name="text" value="$text">
ATTR_PREFIX = "attr:"  # keeps an attribute named like a tag above from clashing with it
_RESERVED = frozenset({LABELS_CONTROL, TEXT_OBJECT, ""})
# Task keys that are not data, for Label Studio's flat form (a task without "data").
_TASK_KEYS = frozenset({"id", "annotations", "completions", "predictions", "meta"})
_SPACE = re.compile(r"[ \t\r\n]*")
_NESTING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


# ---------------------------------------------------------------- export


def config_path(out: Path) -> Path:
    """``x.json`` → ``x.config.xml``; ``x`` → ``x.config.xml``."""
    stem = out.name[: -len(".json")] if out.name.lower().endswith(".json") else out.name
    return out.with_name(stem + ".config.xml")


def write_label_studio(
    items: Iterable[ExportItem], out: Path, options: ExportOptions, omissions: Omissions
) -> None:
    """Every document as a task; every layer (suggestions included) as an annotation.

    A Span does not say whether its layer is suggestions, so nothing is written to
    ``predictions``: the exporter leaves suggestions out unless one layer is asked for.
    """
    labels: dict[str, None] = {}
    attributes: dict[str, None] = {}
    with atomic_text_writer(out) as stream:
        stream.write("[")
        for number, item in enumerate(items, start=1):
            for span in item.spans:
                labels.setdefault(span.label)
                attributes.update(dict.fromkeys(span.attrs))
            stream.write(",\n" if number > 1 else "\n")
            stream.write(json.dumps(task_record(number, item), ensure_ascii=False))
        stream.write("\n]\n")
        # Inside the JSON's write: if the config fails, the JSON never appears either.
        with atomic_text_writer(config_path(out)) as config:
            config.write(labeling_config(options.labels, labels, attributes))


def task_record(number: int, item: ExportItem) -> dict[str, Any]:
    document = item.document
    positions = Utf16Map(document.text)
    results: dict[str, list[dict[str, Any]]] = {}
    for span in item.spans:
        results.setdefault(span.annotator, []).extend(_results(span, document.text, positions))
    data: dict[str, Any] = {"text": document.text, "doc_id": document.external_id}
    meta = _document_meta(document)
    if meta:
        data["meta"] = meta
    return {
        "id": number,
        "data": data,
        "annotations": [_annotation(name, results[name]) for name in sorted(results)],
        "predictions": [],
    }


def _document_meta(document: Document) -> dict[str, Any]:
    meta = dict(document.meta)
    for name in DOCUMENT_FIELDS:
        value = getattr(document, name)
        if value:
            meta[name] = value
    return dict(sorted(meta.items()))


def _annotation(annotator: str, result: list[dict[str, Any]]) -> dict[str, Any]:
    # ground_truth is given because Label Studio's importer defaults it to true.
    return {
        "completed_by": {"email": annotator},
        "ground_truth": False,
        "was_cancelled": False,
        "result": result,
    }


def _results(span: Span, text: str, positions: Utf16Map) -> list[dict[str, Any]]:
    """The span's labels region, then one per-region TextArea result per attribute."""
    where = {"start": positions.to_utf16(span.start), "end": positions.to_utf16(span.end)}
    region = {
        "id": span.uuid,
        "from_name": LABELS_CONTROL,
        "to_name": TEXT_OBJECT,
        "type": "labels",
        "value": {**where, "text": text[span.start : span.end], "labels": [span.label]},
    }
    extras = [
        {
            "id": span.uuid,
            "from_name": attribute_control(name),
            "to_name": TEXT_OBJECT,
            "type": "textarea",
            "value": {**where, "text": [encode_value(value)]},
        }
        for name, value in sorted(span.attrs.items())
    ]
    return [region, *extras]


def attribute_control(name: str) -> str:
    """The TextArea name for an attribute; reversed by :func:`attribute_name`."""
    clashes = name in _RESERVED or name.startswith(ATTR_PREFIX)
    return ATTR_PREFIX + name if clashes else name


def attribute_name(control: str) -> str:
    return control.removeprefix(ATTR_PREFIX)


def encode_value(value: Any) -> str:
    """A plain string as itself (what an annotator types), anything else as JSON text."""
    if isinstance(value, str) and not _is_json(value):
        return value
    return json.dumps(value, ensure_ascii=False)


def decode_value(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return text


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def labeling_config(
    labels: Sequence[Label], used_labels: Iterable[str] = (), used_attributes: Iterable[str] = ()
) -> str:
    """The project's labels (and any other label or attribute the export used) as XML."""
    view = ET.Element("View")
    # Without pre-wrap Label Studio shows runs of spaces and line ends collapsed.
    ET.SubElement(view, "Style").text = ".htx-text { white-space: pre-wrap; }"
    controls = ET.SubElement(view, "Labels", name=LABELS_CONTROL, toName=TEXT_OBJECT)
    known = sorted(labels, key=lambda label: (label.order, label.id))
    for label in known:
        ET.SubElement(controls, "Label", value=label.id, background=label.color)
    for extra in sorted(set(used_labels) - {label.id for label in known}):
        ET.SubElement(controls, "Label", value=extra)
    ET.SubElement(view, "Text", name=TEXT_OBJECT, value="$" + TEXT_OBJECT)
    attributes = dict.fromkeys(a for label in known for a in label.attributes)
    attributes.update(dict.fromkeys(sorted(set(used_attributes) - set(attributes))))
    for name in attributes:
        ET.SubElement(
            view,
            "TextArea",
            name=attribute_control(name),
            toName=TEXT_OBJECT,
            perRegion="true",
            editable="true",
            visibleWhen="region-selected",
            placeholder=name,
        )
    ET.indent(view)
    return ET.tostring(view, encoding="unicode") + "\n"


# ---------------------------------------------------------------- import


class _BadTask(ValueError):
    """A task that cannot become a record; the message says why."""


@dataclass(frozen=True)
class _Chunk:
    line: int  # where the task starts
    position: int  # 1-based index of the task in the file
    value: Any
    size: int  # bytes it took


def read_label_studio(
    path: Path, encoding: str | None, name: str
) -> Iterator[SourceRecord | SourceError | SourceNote]:
    """Tasks from a JSON list, a single task object, or JSON lines of tasks."""
    data = path.read_bytes()
    if is_config_file(path, data):
        return  # the labeling config written beside an export: no documents in it
    try:
        text, used = decode(data, encoding)
    except DecodeError as error:
        yield SourceError(str(path), str(error), size=len(data))
        return
    del data  # the text is all we need: a big file is not held twice
    text = text.removeprefix("\ufeff")
    for chunk in _scan(text, path):
        if isinstance(chunk, SourceError):
            yield chunk
        else:
            yield from _task_items(chunk, path, name, used)


def _task_items(
    chunk: _Chunk, path: Path, name: str, encoding: str
) -> list[SourceRecord | SourceError | SourceNote]:
    location = f"{path}:{chunk.line}"
    notes: list[str] = []
    try:
        record = _record(chunk, location, name, encoding, notes)
    except _BadTask as error:
        return [SourceError(location, str(error), size=chunk.size)]
    # What was skipped on purpose is a note for the report, not a rejection.
    return [record, *(SourceNote(location, note) for note in notes)]


def _record(
    chunk: _Chunk, location: str, name: str, encoding: str, notes: list[str]
) -> SourceRecord:
    task = chunk.value
    if not isinstance(task, dict):
        raise _BadTask("a task must be a JSON object")
    # Label Studio reads a task without "data" as being its own data (the flat form).
    flat = {k: v for k, v in task.items() if k not in _TASK_KEYS}
    data = task.get("data", flat)
    if not isinstance(data, dict):
        raise _BadTask('"data" must be an object')
    text = data.get("text")
    if not isinstance(text, str):
        keys = ", ".join(sorted(str(k) for k in data))
        raise _BadTask(
            'no "data.text" string in the task' + (f" (data has {keys})" if keys else "")
        )
    spans = _task_spans(task, text, notes)
    external_id, meta = _identity(task, data, name, chunk.position)
    return SourceRecord(
        location=location,
        external_id=external_id,
        text=text,
        encoding=encoding,
        meta=meta,
        spans=spans,
        size=chunk.size,
    )


def _identity(
    task: dict[str, Any], data: dict[str, Any], name: str, position: int
) -> tuple[str, dict[str, Any]]:
    """The document id (ours, else the file name with the task's id or place) and meta."""
    inner = data.get("meta")
    meta: dict[str, Any] = dict(inner) if isinstance(inner, dict) else {}
    if inner is not None and not isinstance(inner, dict):
        meta["meta"] = inner
    meta.update({k: v for k, v in data.items() if k not in ("text", "doc_id", "meta")})
    doc_id = data.get("doc_id")
    if _is_id(doc_id) and str(doc_id):
        return str(doc_id), meta
    task_id = task.get("id")
    if _is_id(task_id) and str(task_id):
        # Label Studio's ids count from 1 in every project: the file name keeps them apart.
        meta.setdefault("label_studio_id", task_id)
        return f"{name}-{task_id}", meta
    return f"{name}-{position}", meta


def _is_id(value: Any) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool)


def _task_spans(task: dict[str, Any], text: str, notes: list[str]) -> list[dict[str, Any]]:
    positions = Utf16Map(text)
    spans: list[dict[str, Any]] = []
    # "completions" is what Label Studio before 1.0 called annotations.
    annotations = [*_listed(task, "annotations"), *_listed(task, "completions")]
    for number, annotation in enumerate(annotations, start=1):
        where = f"annotation {number}"
        if not isinstance(annotation, dict):
            raise _BadTask(f"{where} must be an object")
        if annotation.get("was_cancelled") is True:
            notes.append(f"{where} skipped: it was cancelled in Label Studio")
            continue
        owner = annotator_name(annotation.get("completed_by"), where)
        found = _result_spans(annotation.get("result"), where, text, positions, notes)
        spans.extend({**s, "annotator": owner} if owner else s for s in found)
    for number, prediction in enumerate(_listed(task, "predictions"), start=1):
        where = f"prediction {number}"
        if not isinstance(prediction, dict):
            raise _BadTask(f"{where} must be an object")
        model = prediction.get("model_version")
        owner = str(model).strip() if _is_id(model) and str(model).strip() else "suggestions"
        found = _result_spans(prediction.get("result"), where, text, positions, notes)
        spans.extend({**s, "annotator": owner, "kind": "suggestions"} for s in found)
    return spans


def _listed(task: dict[str, Any], key: str) -> list[Any]:
    value = task.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _BadTask(f'"{key}" must be a list')
    return value


def annotator_name(completed_by: Any, where: str = "annotation") -> str | None:
    """An annotator name from Label Studio's ``completed_by`` (None: not given)."""
    if completed_by is None:
        return None
    if isinstance(completed_by, int) and not isinstance(completed_by, bool):
        return f"user-{completed_by}"
    if isinstance(completed_by, str) and completed_by.strip():
        return completed_by.strip()
    if isinstance(completed_by, dict):
        email = completed_by.get("email")
        if isinstance(email, str) and email.strip():
            return email.strip()
        parts = (completed_by.get("first_name"), completed_by.get("last_name"))
        names = " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
        if names:
            return names
        ident = completed_by.get("id")
        if isinstance(ident, int) and not isinstance(ident, bool):
            return f"user-{ident}"
    raise _BadTask(f"{where}: completed_by {completed_by!r} names no annotator")


def _result_spans(
    result: Any, where: str, text: str, positions: Utf16Map, notes: list[str]
) -> list[dict[str, Any]]:
    """Spans from "labels" results; per-region TextArea/Choices results become attrs."""
    if result is None:
        return []
    if not isinstance(result, list):
        raise _BadTask(f'{where}: "result" must be a list')
    regions: dict[str, list[dict[str, Any]]] = {}
    spans: list[dict[str, Any]] = []
    others: list[dict[str, Any]] = []
    for number, item in enumerate(result, start=1):
        if not isinstance(item, dict):
            raise _BadTask(f"{where}, result {number} must be an object")
        if item.get("type") != "labels":
            others.append(item)
            continue
        found = _label_spans(item, f"{where}, result {number}{_id_note(item)}", text, positions)
        spans.extend(found)
        if isinstance(item.get("id"), str):
            regions.setdefault(item["id"], []).extend(found)
    skipped: Counter[str] = Counter()
    for item in others:
        if not _attach(item, regions):
            skipped[str(item.get("type"))] += 1
    if skipped:
        kinds = ", ".join(f"{count} of type {kind!r}" for kind, count in sorted(skipped.items()))
        notes.append(f"{where}: skipped results {kinds} (only labelled text regions are read)")
    return spans


def _id_note(item: dict[str, Any]) -> str:
    ident = item.get("id")
    return f" (id {ident!r})" if isinstance(ident, str) else ""


def _label_spans(
    item: dict[str, Any], where: str, text: str, positions: Utf16Map
) -> list[dict[str, Any]]:
    value = item.get("value")
    if not isinstance(value, dict):
        raise _BadTask(f'{where}: no "value" object')
    start, end = value.get("start"), value.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or _is_bool(start, end):
        raise _BadTask(f"{where}: value.start and value.end must be integers")
    if not 0 <= start < end <= positions.length_utf16:
        problem = (
            "empty or reversed"
            if start >= end
            else f"outside the text ({positions.length_utf16} UTF-16 units long)"
        )
        raise _BadTask(f"{where}: [{start}, {end}) is {problem}")
    first = positions.to_code_point(start)
    last = positions.to_code_point(end, round_up=True)
    covered = text[first:last]
    given = value.get("text")
    if given is not None and given != covered:
        raise _BadTask(
            f"{where}: value.text {given!r} disagrees with the text {covered!r}"
            f" at UTF-16 [{start}, {end})"
        )
    labels = value.get("labels")
    if not isinstance(labels, list) or not all(isinstance(x, str) and x for x in labels):
        raise _BadTask(f"{where}: value.labels must be a list of label names")
    return [
        {"start": first, "end": last, "label": label, "text": covered, "attrs": {}}
        for label in labels
    ]


def _is_bool(*values: Any) -> bool:
    return any(isinstance(value, bool) for value in values)


def _attach(item: dict[str, Any], regions: dict[str, list[dict[str, Any]]]) -> bool:
    """A per-region TextArea or Choices result as an attribute of its region's spans."""
    ident = item.get("id")
    spans = regions.get(ident) if isinstance(ident, str) else None
    control = item.get("from_name")
    value = item.get("value")
    if not spans or not isinstance(control, str) or not isinstance(value, dict):
        return False
    convert: Callable[[str], Any]
    if item.get("type") == "textarea":
        entries = value.get("text")
        convert = decode_value
    elif item.get("type") == "choices":
        entries = value.get("choices")
        convert = str
    else:
        return False
    if not isinstance(entries, list) or not entries or not all(isinstance(e, str) for e in entries):
        return False
    values = [convert(entry) for entry in entries]
    for span in spans:
        span["attrs"][attribute_name(control)] = values[0] if len(values) == 1 else values
    return True


def _scan(text: str, path: Path) -> Iterator[_Chunk | SourceError]:
    """Each top-level task with its line: from a JSON list or whitespace-separated objects."""
    decoder = json.JSONDecoder()
    lines = _Lines(text)
    n = len(text)
    pos = _skip(text, 0)
    if pos == n:
        yield SourceError(str(path), "no tasks (the file is empty)")
        return
    in_list = text[pos] == "["
    if in_list:
        pos = _skip(text, pos + 1)
    position = 0
    consumed = 0  # characters already counted into some record's size
    while pos < n and not (in_list and text[pos] == "]"):
        position += 1
        line = lines.at(pos)
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as error:
            reason = f"malformed JSON ({error.msg}, column {error.colno}); the rest was not read"
            yield SourceError(f"{path}:{error.lineno}", reason, size=_bytes(text[consumed:]))
            return
        except (RecursionError, ValueError) as error:  # ValueError: a 4,301-digit number
            problem = (
                "nested too deeply"
                if isinstance(error, RecursionError)
                else "a number too long to read"
            )
            yield SourceError(f"{path}:{line}", f"malformed JSON ({problem})")
            skipped_to = _end_of_value(text, pos)
            if skipped_to is None:
                return
            end = skipped_to
        else:
            yield _Chunk(line, position, value, _bytes(text[consumed:end]))
        consumed = end
        pos = _skip(text, end)
        if in_list and text.startswith(",", pos):
            pos = _skip(text, pos + 1)
        elif in_list and not text.startswith("]", pos):
            where = f"{path}:{lines.at(pos)}"
            yield SourceError(where, "malformed JSON (expected ',' or ']' after a task)")
            return
    if in_list and pos == n:
        yield SourceError(f"{path}:{lines.at(pos)}", "malformed JSON (the list never ends)")
    elif in_list and _skip(text, pos + 1) != n:
        yield SourceError(f"{path}:{lines.at(pos)}", "text after the closing ']' was not read")


class _Lines:
    """Line numbers of increasing positions, counting each stretch of text once."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._pos = 0
        self._line = 1

    def at(self, pos: int) -> int:
        if pos < self._pos:
            return self._text.count("\n", 0, pos) + 1
        self._line += self._text.count("\n", self._pos, pos)
        self._pos = pos
        return self._line


def _skip(text: str, pos: int) -> int:
    match = _SPACE.match(text, pos)
    return match.end() if match else pos


def _bytes(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _end_of_value(text: str, pos: int) -> int | None:
    """Where the bracketed value at ``pos`` ends, without recursion (for nesting too deep)."""
    depth = 0
    for match in _NESTING.finditer(text, pos):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
        elif token in ("]", "}"):
            depth -= 1
            if depth == 0:
                return match.end()
    return None


# ---------------------------------------------------------------- sniff


def is_config_file(path: Path, head: bytes) -> bool:
    """Our labeling config (``x.config.xml``), which an import of a folder meets."""
    return path.name.lower().endswith(".config.xml") and b"<View" in head[:512]


def sniff_label_studio(path: Path, head: bytes) -> bool:
    """A task first: an object with a "data" object or an "annotations"/"predictions" list."""
    if is_config_file(path, head):
        return True
    text = _head_text(head)
    pos = _skip(text, 0)
    if text.startswith("[", pos):
        pos = _skip(text, pos + 1)
    if not text.startswith("{", pos):
        return False
    try:
        return _first_keys_look_like_a_task(text, pos + 1)
    except (ValueError, RecursionError, IndexError):
        return False


def _head_text(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head[: len(head) // 2 * 2].decode("utf-16", "ignore")
    # A character cut at the end of the head is dropped, not an error.
    return head.decode("utf-8-sig", "ignore")


def _first_keys_look_like_a_task(text: str, pos: int) -> bool:
    """Reads the first object's keys (values may be cut off at the end of the head)."""
    decoder = json.JSONDecoder()
    seen_text = False
    while True:
        pos = _skip(text, pos)
        if not text.startswith('"', pos):
            return False
        key, pos = decoder.raw_decode(text, pos)
        pos = _skip(text, pos)
        if not text.startswith(":", pos):
            return False
        pos = _skip(text, pos + 1)
        if key == "data" and text.startswith("{", pos) and not seen_text:
            return True
        if key in ("annotations", "predictions", "completions") and text.startswith("[", pos):
            return True
        seen_text = seen_text or key == "text"
        _, pos = decoder.raw_decode(text, pos)
        pos = _skip(text, pos)
        if not text.startswith(",", pos):
            return False
        pos += 1


FORMATS: tuple[Format, ...] = (
    Format(
        "labelstudio",
        "Label Studio JSON (tasks, annotations per annotator)",
        ".json",
        write_label_studio,
        read_label_studio,
        sniff_label_studio,
        multi_layer=True,
        suffixes=(".json",),
    ),
)
