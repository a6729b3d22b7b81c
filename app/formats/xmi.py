"""UIMA CAS XMI with its type system: what INCEpTION and DKPro Core read, through dkpro-cassis.

Export: a folder holding ``TypeSystem.xml`` and one ``<id>.xmi`` per document. Spans are
``webanno.custom.Tawsim`` annotations (INCEpTION keeps custom span layers under
``webanno.custom``) with a ``label``, the ``annotator`` whose layer they belong to, one
String feature per attribute the project's labels declare, and ``attrsJson``: every
attribute as JSON, so values keep their types (13 stays an int) on the way back. Each CAS
also holds DKPro's DocumentMetaData (documentId, documentTitle, documentUri) as INCEpTION's
own files do.

Offsets: XMI counts UTF-16 units on disk; cassis converts to and from code points when it
(de)serializes (the tests check it with emoji before and inside spans). cassis is imported
where it is used: at the top it would add ~0.1 s to every start of the app and the CLI.

Import: our own XMI, and any other CAS whose annotations are spans: the label is the
annotation's ``label`` or ``value`` feature (DKPro's NamedEntity), else its type's short
name. Tokens, sentences, metadata and relations are structure, not spans, and are skipped.
The type system is the ``TypeSystem.xml`` (or ``<name>-typesystem.xml``) beside the file or
in a folder above it up to the import folder, merged with DKPro Core's types.
"""

from __future__ import annotations

import io
import json
import re
import warnings
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from app.formats.atomic import atomic_directory
from app.formats.base import ExportItem, ExportOptions, Format, Omissions
from app.formats.records import SourceError, SourceRecord, leads_elsewhere, oversized_file
from storage import Document, Label, Span

LAYER_TYPE = "webanno.custom.Tawsim"
METADATA_TYPE = "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData"
METADATA_FEATURES = (
    "documentTitle",
    "documentId",
    "documentUri",
    "collectionId",
    "documentBaseUri",
)
ANNOTATION = "uima.tcas.Annotation"
DOCUMENT_ANNOTATION = "uima.tcas.DocumentAnnotation"
STRING = "uima.cas.String"
TYPESYSTEM_FILE = "TypeSystem.xml"
TYPESYSTEM_NAMES = (TYPESYSTEM_FILE, "typesystem.xml", "typeSystem.xml")
# Features of our layer that are not attributes (an attribute with one of these names, or
# one that is not a plain identifier, gets a feature "attrN"; its description names it).
LAYER_FEATURES = ("label", "annotator", "attrsJson")
RESERVED = frozenset({*LAYER_FEATURES, "begin", "end", "sofa", "type", "self"})
LABEL_FEATURES = ("label", "value")

# Linguistic structure rather than spans someone tagged: DKPro Core and INCEpTION internals
# (except named entities), and segmentation types whatever their package.
STRUCTURAL_PACKAGES = (
    "de.tudarmstadt.ukp.dkpro.core.",
    "org.dkpro.core.",
    "de.tudarmstadt.ukp.clarin.webanno.",
    "de.tudarmstadt.ukp.inception.",
)
SPAN_PACKAGES = ("de.tudarmstadt.ukp.dkpro.core.api.ner.type.",)
STRUCTURAL_NAMES = frozenset(
    {"Token", "Sentence", "Paragraph", "Lemma", "Stem", "POS", "Chunk", "Constituent"}
    | {"Dependency", "DocumentAnnotation", "DocumentMetaData", "TagsetDescription"}
)

_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
# Characters XML 1.0 cannot carry at all, not even as &#...; references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_UNSAFE_FILE_CHARS = re.compile(r"[^\w.\-]+")
_NAMESPACE = re.compile(r'xmlns:([\w.-]+)="http:///([^"]*)\.ecore"')
_ELEMENT = re.compile(r"<([A-Za-z_][\w.-]*):([A-Za-z_][\w.-]*)")
_TYPESYSTEM_ROOT = re.compile(rb"<(?:[\w.-]+:)?typeSystemDescription[\s>]")
_UNKNOWN_FEATURE = re.compile(r"unexpected keyword argument '([^']+)'")
_OFFSET_WARNING = "Not mapping external offset"


# ---------------------------------------------------------------------------- writing


def write_xmi(
    items: Iterable[ExportItem], out: Path, options: ExportOptions, omissions: Omissions
) -> None:
    """TypeSystem.xml and one CAS per document, in a folder that appears whole or not at all."""
    features = attribute_features(options.labels)
    typesystem = export_typesystem(features)
    names = _FileNames()
    first_unwritten: Document | None = None
    unwritten = 0
    with atomic_directory(out) as scratch:
        (scratch / TYPESYSTEM_FILE).write_text(typesystem.to_xml(), encoding="utf-8")
        for item in items:
            data = _document_xmi(typesystem, features, item, omissions)
            if data is not None:
                (scratch / names.name_for(item.document.external_id)).write_bytes(data)
            if item.document.source or item.document.published or item.document.meta:
                first_unwritten = first_unwritten or item.document
                unwritten += 1
    if first_unwritten is not None:
        # One line, not one per document: an export of 50,000 articles would drown in them.
        omissions.add(
            first_unwritten,
            f"source, publication date and meta of {unwritten} document(s) are not written"
            " (XMI DocumentMetaData holds the id, title and URL only)",
        )


def attribute_features(labels: Iterable[Label]) -> dict[str, str]:
    """Attribute name -> feature name for every attribute the labels declare, in order."""
    features: dict[str, str] = {}
    for label in labels:
        for name in label.attributes:
            if name in features:
                continue
            plain = _IDENTIFIER.fullmatch(name) and name not in RESERVED
            features[name] = name if plain else f"attr{len(features) + 1}"
    return features


def export_typesystem(features: dict[str, str]) -> Any:
    """Our layer type and DKPro's DocumentMetaData, as INCEpTION defines it."""
    typesystem = _metadata_typesystem()
    layer = typesystem.create_type(LAYER_TYPE, ANNOTATION, description="Spans tagged in Tawsim")
    typesystem.create_feature(layer, "label", STRING, description="The span's label id")
    typesystem.create_feature(layer, "annotator", STRING, description="Whose layer it is")
    typesystem.create_feature(layer, "attrsJson", STRING, description="All attributes, as JSON")
    for attribute, feature in features.items():
        # The description names the attribute: the reader maps "attr3" back through it.
        typesystem.create_feature(layer, feature, STRING, description=attribute)
    return typesystem


def _metadata_typesystem() -> Any:
    """A type system holding DKPro's DocumentMetaData (cassis's DKPro types lack it)."""
    import cassis

    typesystem = cassis.TypeSystem()
    metadata = typesystem.create_type(METADATA_TYPE, DOCUMENT_ANNOTATION)
    for name in METADATA_FEATURES:
        typesystem.create_feature(metadata, name, STRING)
    typesystem.create_feature(metadata, "isLastSegment", "uima.cas.Boolean")
    return typesystem


def _document_xmi(
    typesystem: Any, features: dict[str, str], item: ExportItem, omissions: Omissions
) -> bytes | None:
    import cassis

    document = item.document
    bad = _NOT_XML.search(document.text)
    if bad is not None:
        line = document.text.count("\n", 0, bad.start()) + 1
        omissions.add(
            document,
            f"not written: its text holds U+{ord(bad.group()):04X} on line {line},"
            " which XML 1.0 cannot carry",
        )
        return None
    cas = cassis.Cas(typesystem=typesystem)
    cas.sofa_string = document.text
    cas.sofa_mime = "text/plain"
    cas.add(
        typesystem.get_type(METADATA_TYPE)(
            begin=0,
            end=len(document.text),
            language="ar",
            documentId=document.external_id,
            documentTitle=document.title or None,
            documentUri=document.url or None,
            isLastSegment=False,
        )
    )
    layer = typesystem.get_type(LAYER_TYPE)
    for span in item.spans:
        cas.add(layer(**_span_features(span, features)))
    try:
        xmi: str = cas.to_xmi()
    except ValueError:  # lxml refuses control characters in a title, label or attribute
        omissions.add(
            document,
            "not written: its title, a label or an attribute holds a character"
            " XML 1.0 cannot carry",
        )
        return None
    return xmi.encode("utf-8")


def _span_features(span: Span, features: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "begin": span.start,
        "end": span.end,
        "label": span.label,
        "annotator": span.annotator,
    }
    if span.attrs:
        values["attrsJson"] = json.dumps(span.attrs, ensure_ascii=False, sort_keys=True)
    for name, value in span.attrs.items():
        if name in features and value is not None:
            values[features[name]] = feature_text(value)
    return values


def feature_text(value: Any) -> str:
    """An attribute as a String feature: strings as they are, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class _FileNames:
    """A distinct, portable file name per document id (ids may hold "/" or ":")."""

    def __init__(self) -> None:
        self._taken: set[str] = {TYPESYSTEM_FILE.casefold()}

    def name_for(self, external_id: str) -> str:
        base = _UNSAFE_FILE_CHARS.sub("_", external_id).strip("._")[:120] or "document"
        name, number = f"{base}.xmi", 1
        # casefold: "A.xmi" and "a.xmi" are one file on Windows and macOS.
        while name.casefold() in self._taken:
            number += 1
            name = f"{base}-{number}.xmi"
        self._taken.add(name.casefold())
        return name


# ---------------------------------------------------------------------------- reading


class _Rejected(Exception):
    """A file that cannot be read as a CAS; ``location`` names file and line."""

    def __init__(self, location: str, message: str) -> None:
        super().__init__(message)
        self.location = location
        self.message = message


def read_xmi(path: Path, encoding: str | None, name: str) -> Iterator[SourceRecord | SourceError]:
    """One record per XMI file (the type system files beside them are read with them)."""
    if (oversized := oversized_file(path)) is not None:
        yield oversized
        return
    data = path.read_bytes()
    if is_typesystem(data[:4096]):
        return
    try:
        yield _read_cas(path, name, data)
    except _Rejected as error:
        yield SourceError(error.location, error.message, size=len(data))


def _read_cas(path: Path, name: str, data: bytes) -> SourceRecord:
    _refuse_declarations(path, data)
    typesystem = _typesystem_for(path, name)
    text = _scan_text(data)
    _refuse_unknown_types(path, text, typesystem)
    cas = _load_cas(path, data, text, typesystem)
    sofa = cas.sofa_string
    if not isinstance(sofa, str) or not sofa:
        raise _Rejected(f"{path}:{_line_of(text, '<cas:Sofa')}", "no document text (empty sofa)")
    metadata = _metadata(cas)
    meta: dict[str, Any] = {}
    if metadata.get("documentTitle"):
        meta["title"] = metadata["documentTitle"]
    uri = metadata.get("documentUri") or ""
    if uri.startswith(("http://", "https://")):
        meta["url"] = uri
    return SourceRecord(
        location=f"{path}",
        external_id=metadata.get("documentId") or name,
        text=sofa,
        encoding="UTF-8",
        meta=meta,
        spans=_spans(cas, typesystem),
        size=len(data),
    )


def _refuse_declarations(path: Path, data: bytes) -> None:
    """A DOCTYPE can declare entities (billion laughs, external files): refuse it unread."""
    for codec in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        for word in ("<!DOCTYPE", "<!ENTITY"):
            index = data.find(word.encode(codec))
            if index >= 0:
                line = data.count("\n".encode(codec), 0, index) + 1
                raise _Rejected(
                    f"{path}:{line}",
                    f"{word} declarations are not accepted (they can expand entities or"
                    " load other files); XMI never needs them",
                )


def _scan_text(data: bytes) -> str:
    """The file as text, for finding element names and lines (lxml decodes it for parsing)."""
    codec = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8"
    return data.decode(codec, errors="replace")


def _line_of(text: str, needle: str) -> int:
    index = text.find(needle)
    return 1 if index < 0 else text.count("\n", 0, index) + 1


def _refuse_unknown_types(path: Path, text: str, typesystem: Any) -> None:
    """Types missing from the type system would be skipped: name them rather than lose spans."""
    packages = {prefix: uri.replace("/", ".") for prefix, uri in _NAMESPACE.findall(text)}
    unknown: dict[str, int] = {}
    for match in _ELEMENT.finditer(text):
        package = packages.get(match.group(1))
        if package is None or package == "uima.cas":
            continue  # xmi:, cas:Sofa, cas:View, cas:NULL and the built-in arrays
        type_name = f"{package}.{match.group(2)}"
        if type_name in unknown or typesystem.contains_type(type_name, match_exactly=True):
            continue
        if not is_structural(type_name):
            unknown[type_name] = match.start()
    if unknown:
        first = min(unknown.values())
        raise _Rejected(
            f"{path}:{text.count(chr(10), 0, first) + 1}",
            f"types not in its type system: {', '.join(sorted(unknown))} (put the"
            f" {TYPESYSTEM_FILE} that defines them beside the file)",
        )


def _load_cas(path: Path, data: bytes, text: str, typesystem: Any) -> Any:
    import cassis

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            cas = cassis.load_cas_from_xmi(io.BytesIO(data), typesystem=typesystem, lenient=True)
        except OSError:
            raise
        except TypeError as error:  # cassis builds each annotation from its XML attributes
            feature = _UNKNOWN_FEATURE.search(str(error))
            if feature is None:
                raise _Rejected(f"{path}:1", f"not a readable UIMA CAS XMI ({error})") from error
            raise _Rejected(
                f"{path}:{_line_of(text, f' {feature.group(1)}=')}",
                f"feature {feature.group(1)!r} is not in its type system (put the"
                f" {TYPESYSTEM_FILE} that defines it beside the file)",
            ) from error
        except Exception as error:  # cassis fails in many ways on damaged input
            where = f"{path}:{getattr(error, 'lineno', None) or 1}"
            raise _Rejected(where, f"not a readable UIMA CAS XMI ({_reason(error)})") from error
    for warning in caught:
        if str(warning.message).startswith(_OFFSET_WARNING):
            raise _Rejected(
                f"{path}:1",
                "an annotation's offset splits a character or lies outside the text"
                f" ({warning.message})",
            )
    return cas


def _reason(error: Exception) -> str:
    # lxml's msg has line and column without the "(<string>, line 8)" tail of str(error).
    return str(getattr(error, "msg", None) or error or type(error).__name__)


def _metadata(cas: Any) -> dict[str, Any]:
    for fs in cas.select_all_fs():
        if fs.type.name == METADATA_TYPE:
            return {name: getattr(fs, name, None) for name in METADATA_FEATURES}
    return {}


def _spans(cas: Any, typesystem: Any) -> list[dict[str, Any]]:
    spans: list[dict[str, Any]] = []
    kinds: dict[str, bool] = {}
    for fs in cas.select_all_annotations():
        type_name = fs.type.name
        if type_name not in kinds:
            kinds[type_name] = is_span_type(fs.type, typesystem)
        # Zero-width annotations mark a point, which a span [start, end) cannot hold.
        if kinds[type_name] and fs.begin is not None and fs.end is not None and fs.begin < fs.end:
            spans.append(_span(fs, typesystem))
    return spans


def _span(fs: Any, typesystem: Any) -> dict[str, Any]:
    own = fs.type.name == LAYER_TYPE
    features = [
        feature
        for feature in fs.type.all_features
        if feature.name not in ("begin", "end", "sofa")
        and typesystem.is_primitive(feature.rangeType)
    ]
    by_name = {feature.name: getattr(fs, feature.name, None) for feature in features}
    label_feature = next(
        (n for n in LABEL_FEATURES if isinstance(by_name.get(n), str) and by_name[n]), None
    )
    label = by_name[label_feature] if label_feature else fs.type.short_name
    attrs = _json_attrs(by_name.get("attrsJson")) if own else {}
    for feature in features:
        value = by_name[feature.name]
        if value is None or feature.name == label_feature:
            continue
        if own and feature.name in LAYER_FEATURES:
            continue
        name = (feature.description or feature.name) if own else feature.name
        # attrsJson keeps the value's type; a feature edited since (in INCEpTION) wins.
        if name in attrs and feature_text(attrs[name]) == value:
            continue
        attrs[name] = value
    span: dict[str, Any] = {"start": fs.begin, "end": fs.end, "label": label, "attrs": attrs}
    annotator = by_name.get("annotator") if own else None
    if isinstance(annotator, str) and annotator.strip():
        span["annotator"] = annotator
    return span


def _json_attrs(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, str):
        return {}
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):  # ValueError: malformed, or a 4,301-digit number
        return {}
    return value if isinstance(value, dict) else {}


def is_structural(type_name: str) -> bool:
    """Tokens, sentences, metadata, parses: structure a tool made, not spans someone tagged."""
    if type_name.startswith(SPAN_PACKAGES):
        return False
    short = type_name.rsplit(".", 1)[-1]
    return type_name.startswith(STRUCTURAL_PACKAGES) or short in STRUCTURAL_NAMES


def is_span_type(type_: Any, typesystem: Any) -> bool:
    if type_.name == LAYER_TYPE:
        return True
    if is_structural(type_.name) or typesystem.subsumes(DOCUMENT_ANNOTATION, type_.name):
        return False
    # WebAnno relation layers are annotations too, placed on their dependent: not spans.
    names = {feature.name for feature in type_.all_features}
    return not {"Governor", "Dependent"} <= names


# ---------------------------------------------------------------------------- type systems


def _typesystem_for(path: Path, name: str) -> Any:
    found = _typesystem_path(path, name)
    if found is None:
        return _base_typesystem()
    try:
        stat = found.stat()
    except OSError as error:
        raise _Rejected(f"{found}", f"cannot read the type system ({error})") from error
    return _merged_typesystem(str(found), stat.st_mtime_ns, stat.st_size)


def _typesystem_path(path: Path, name: str) -> Path | None:
    """TypeSystem.xml beside the file or above it, never above the folder being imported."""
    folders = [path.parent]
    depth = len(PurePosixPath(name).parts)
    if depth > 1 and path.with_suffix("").as_posix().endswith(name):
        folders.extend(list(path.parents)[1:depth])
    candidates = [path.parent / f"{path.stem}-typesystem.xml"]
    candidates += [folder / file_name for folder in folders for file_name in TYPESYSTEM_NAMES]
    # A type system is read where it lies, never through a link to another folder.
    return next((c for c in candidates if c.is_file() and not leads_elsewhere(c)), None)


@lru_cache(maxsize=16)
def _merged_typesystem(path: str, mtime_ns: int, size: int) -> Any:
    """A TypeSystem.xml merged with DKPro Core's types; cached while the file is unchanged."""
    import cassis

    data = Path(path).read_bytes()
    _refuse_declarations(Path(path), data)
    try:
        loaded = cassis.load_typesystem(io.BytesIO(data))
    except Exception as error:  # a damaged file fails in lxml or in cassis
        where = f"{path}:{getattr(error, 'lineno', None) or 1}"
        raise _Rejected(where, f"not a readable UIMA type system ({_reason(error)})") from error
    try:
        return cassis.merge_typesystems(_base_typesystem(), loaded)
    except ValueError:
        return loaded  # it redefines a DKPro type its own way: trust the file


@lru_cache(maxsize=1)
def _base_typesystem() -> Any:
    """DKPro Core's types plus DocumentMetaData, which INCEpTION's files always hold."""
    import cassis

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # cassis's own importlib use
        dkpro = cassis.load_dkpro_core_typesystem()
    return cassis.merge_typesystems(dkpro, _metadata_typesystem())


# ---------------------------------------------------------------------------- sniffing


def is_typesystem(head: bytes) -> bool:
    return _TYPESYSTEM_ROOT.search(head[:4096]) is not None and b"www.omg.org/XMI" not in head


def sniff_xmi(path: Path, head: bytes) -> bool:
    # Type system files are claimed too, so that a folder exported by INCEpTION imports
    # without a "format not recognized" note for them; the reader reads them with the XMI.
    if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return False  # not XML at all (a JSON line that quotes "<xmi:XMI", say)
    return (
        b"<xmi:XMI" in head
        or (b"<?xml" in head and b"http://www.omg.org/XMI" in head)
        or is_typesystem(head)
    )


FORMATS: tuple[Format, ...] = (
    Format(
        "xmi",
        "UIMA CAS XMI + type system (INCEpTION, DKPro)",
        "",
        write_xmi,
        read_xmi,
        sniff_xmi,
        multi_layer=True,
        folder=True,
        suffixes=(".xmi",),
    ),
)
