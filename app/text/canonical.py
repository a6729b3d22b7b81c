"""Canonicalization at import: the only moment a document's text is ever changed.

Decoding is restricted to the encodings Arabic news actually arrives in (DESIGN §3.1):
UTF-8 with or without BOM, UTF-16 with BOM, Windows-1256 and ISO-8859-6. After decoding,
line ends become LF and Arabic presentation forms (left by copying from reshaped PDFs or
old web pages) are folded back to ordinary letters with NFKC. Everything else is kept
exactly: harakat, tatweel, bidi marks, NBSP and emoji are the author's text.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

import charset_normalizer

LEGACY_ENCODINGS = ("cp1256", "iso8859_6")
ENCODING_NAMES = {
    "utf_8": "UTF-8",
    "utf_8_sig": "UTF-8 with BOM",
    "utf_16": "UTF-16 with BOM",
    "cp1256": "Windows-1256",
    "iso8859_6": "ISO-8859-6",
}


class DecodeError(ValueError):
    """Bytes that are not text in any supported encoding; the message names the line."""


@dataclass(frozen=True)
class Canonical:
    """Canonical text plus a map from each raw code point offset to its canonical offset.

    ``raw_to_canonical`` is None when canonicalization changed nothing (the usual case),
    and offsets then map to themselves.
    """

    text: str
    mapping: list[int] | None = field(default=None, repr=False)
    notes: tuple[str, ...] = ()

    @property
    def raw_to_canonical(self) -> list[int]:
        if self.mapping is None:
            return list(range(len(self.text) + 1))
        return self.mapping

    def map_offset(self, raw_offset: int) -> int:
        if self.mapping is None:
            return raw_offset
        return self.mapping[raw_offset]


# Anything canonicalization would change: CR, presentation forms (not U+FEFF).
_NEEDS_WORK = re.compile("[\r\ufb50-\ufdff\ufe70-\ufefe]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_presentation_form(ch: str) -> bool:
    # U+FEFF (BOM / zero-width no-break space) sits in the block but is not a letter form.
    return ("\ufb50" <= ch <= "\ufdff") or ("\ufe70" <= ch <= "\ufefe")


def canonicalize(raw: str) -> Canonical:
    """Drop a leading BOM, turn CRLF/CR into LF and repair presentation forms."""
    if not raw.startswith("\ufeff") and not _NEEDS_WORK.search(raw):
        return Canonical(text=raw)
    out: list[str] = []
    mapping: list[int] = []
    repaired = 0
    position = 0
    i = 0
    n = len(raw)
    if raw.startswith("\ufeff"):
        mapping.append(0)
        i = 1
    while i < n:
        ch = raw[i]
        mapping.append(position)
        if ch == "\r":
            out.append("\n")
            position += 1
            if i + 1 < n and raw[i + 1] == "\n":
                mapping.append(position - 1)  # the LF of CRLF merges into the same newline
                i += 1
        elif is_presentation_form(ch):
            folded = unicodedata.normalize("NFKC", ch)
            out.append(folded)
            position += len(folded)
            repaired += 1
        else:
            out.append(ch)
            position += 1
        i += 1
    mapping.append(position)
    notes: list[str] = []
    if repaired:
        notes.append(
            f"repaired {repaired} Arabic presentation-form characters with NFKC "
            "(the text was copied from a reshaped source)"
        )
    if "\r" in raw:
        notes.append("line ends converted to LF")
    return Canonical(text="".join(out), mapping=mapping, notes=tuple(notes))


def check_text(text: str) -> str | None:
    """Why a decoded text cannot be a document, or None when it can."""
    if not text.strip():
        return "empty document (no text after decoding)"
    surrogate = _SURROGATE.search(text)
    if surrogate is not None:
        line = text.count("\n", 0, surrogate.start()) + 1
        code = ord(surrogate.group())
        return f"line {line}: unpaired surrogate U+{code:04X} (not valid Unicode text)"
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return f"line {line}: NUL character (binary data, not text)"
    return None


def _line_of(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - line_start + 1


def _looks_binary(data: bytes) -> bool:
    if b"\x00" in data[:8192]:
        return True
    sample = data[:8192]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > max(2, len(sample) // 100)


def _count_utf8_sequences(data: bytes) -> tuple[int, int]:
    """(valid multi-byte sequences, invalid bytes): damaged UTF-8 has many of the first."""
    text = data.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    valid = sum(1 for ch in text if ord(ch) > 0x7F and ch != "\ufffd")
    return valid, invalid


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Bytes to text; returns (text, encoding name). Raises DecodeError naming the line."""
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as error:
            if isinstance(error, UnicodeDecodeError):
                line, col = _line_of(data, error.start)
                raise DecodeError(f"line {line}, column {col}: not valid {encoding}") from error
            raise DecodeError(f"unknown encoding {encoding!r}") from error
    if not data:
        raise DecodeError("empty file")
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data, "utf_8_sig"), ENCODING_NAMES["utf_8_sig"]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf_16"), ENCODING_NAMES["utf_16"]
    if _looks_binary(data):
        hint = " (UTF-16 without a BOM is not supported: re-save it as UTF-8)"
        raise DecodeError("binary file, not text" + (hint if b"\x00" in data[:64] else ""))
    try:
        return data.decode("utf-8"), ENCODING_NAMES["utf_8"]
    except UnicodeDecodeError as error:
        utf8_error = error
    valid, invalid = _count_utf8_sequences(data)
    line, col = _line_of(data, utf8_error.start)
    # Legacy Arabic text has about one valid UTF-8 sequence per hundred invalid bytes, so
    # twice as many valid sequences as invalid bytes is already damaged UTF-8, not mojibake.
    if valid >= 2 * invalid:
        raise DecodeError(
            f"line {line}, column {col}: invalid UTF-8 byte 0x{data[utf8_error.start]:02x}"
            " (the file is UTF-8 but damaged or truncated)"
        ) from utf8_error
    return _legacy(data, line, col)


def _strict(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        line, col = _line_of(data, error.start)
        raise DecodeError(
            f"line {line}, column {col}: invalid {ENCODING_NAMES[codec]} data"
        ) from error


def _legacy(data: bytes, line: int, col: int) -> tuple[str, str]:
    """Windows-1256 or ISO-8859-6, whichever reads as Arabic with less chaos."""
    candidates: list[tuple[float, str, str]] = []
    best = charset_normalizer.from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS)).best()
    for codec in LEGACY_ENCODINGS:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        letters = [ch for ch in text if ch.isalpha()]
        arabic = sum(1 for ch in letters if "\u0600" <= ch <= "\u06ff")
        if not letters or arabic / len(letters) < 0.5:
            continue
        preferred = best is not None and best.encoding == codec
        candidates.append((arabic / len(letters) + (0.5 if preferred else 0.0), codec, text))
    if not candidates:
        raise DecodeError(
            f"line {line}, column {col}: not UTF-8, and not Arabic text in Windows-1256 or "
            "ISO-8859-6 either"
        )
    _, codec, text = max(candidates)
    return text, ENCODING_NAMES[codec]
