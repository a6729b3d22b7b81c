"""One line of a JSON-lines file, parsed or named as the error it is."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from app.formats.records import MAX_RECORD_BYTES, SourceError, too_large

NumberedLine = tuple[int, str]  # (line number from 1, the line)


def parse_line(location: str, line: str, size: int) -> Any | SourceError:
    """The JSON value on ``line``, or a SourceError at ``location`` (also for nesting so
    deep that the parser gives up, and for a line too big to be one document)."""
    if size > MAX_RECORD_BYTES:
        return SourceError(location, f"the line is {too_large(size)}; not read", size=size)
    try:
        return json.loads(line)
    except json.JSONDecodeError as error:
        return SourceError(location, f"malformed JSON ({error.msg})", size=size)
    except RecursionError:
        return SourceError(location, "malformed JSON (nested too deeply)", size=size)
    except ValueError:  # an integer of more than 4,300 digits (sys.get_int_max_str_digits)
        return SourceError(location, "malformed JSON (a number too long to read)", size=size)


def split_lines(text: str) -> Iterator[str]:
    """``text.split("\n")`` one line at a time: a big file is not held twice."""
    start = 0
    while (end := text.find("\n", start)) >= 0:
        yield text[start:end]
        start = end + 1
    yield text[start:]


def lines_that_decode(path: object, data: bytes) -> Iterator[NumberedLine | SourceError]:
    """A file whose UTF-8 is damaged, line by line: every line that decodes, and an error
    naming each one that does not (the good records of a damaged file are still read)."""
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            yield number, raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            reason = f"invalid UTF-8 byte 0x{raw[error.start]:02x} at column {error.start + 1}"
            yield SourceError(f"{path}:{number}", reason, size=len(raw) + 1)
