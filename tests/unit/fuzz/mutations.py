"""Byte-level mutations of a valid file: what damaged downloads, hand edits and hostile
senders make of the files the importers read.

A mutation is drawn as a plain tuple of numbers and tokens, and applied to whatever bytes
it meets: positions are taken modulo the length, so one drawn mutation fits any seed and
hypothesis can shrink it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from hypothesis import strategies as st

Mutation = tuple[str, int, int, bytes]

# Bytes that break parsers: NUL, quotes, brackets, BOM, line ends, a bad UTF-8 lead byte, a
# cut multi-byte letter, a UTF-8-encoded surrogate, markup and the tokens of our formats.
TOKENS: tuple[bytes, ...] = (
    b"\x00",
    b'"',
    b"'",
    b"[",
    b"]",
    b"{",
    b"}",
    b",",
    b":",
    b"\\",
    b"\xef\xbb\xbf",
    b"\r",
    b"\n",
    b"\r\n",
    b"\t",
    b" ",
    b"\xff",
    b"\xd8",
    b"\xed\xa0\x80",
    "ق".encode(),
    "😢".encode(),
    "\u2028".encode(),
    b"<",
    b">",
    b"&",
    b"&amp;",
    b"<!DOCTYPE x>",
    b"-1",
    b"0",
    b"99999999999999999999999",
    b"1e400",
    b"NaN",
    b"null",
    b"true",
    b"[]",
    b"{}",
    b'""',
    b"B-ACTOR",
    b"I-LOCATION",
    b"O",
    b"T1\t",
    b"#",
    b"*",
    b"_",
    b"|",
    b"=",
)
# What a number becomes: out of range, negative, huge, not an integer, a neighbour's value.
NUMBERS: tuple[bytes, ...] = (
    b"-1",
    b"0",
    b"-0",
    b"1",
    b"65536",
    b"2147483648",
    b"99999999999999999999999999999",
    b"1.5",
    b"1e9",
    b"",
)
# What a JSON string becomes: another type.
JSON_VALUES: tuple[bytes, ...] = (b"[]", b"{}", b"null", b"true", b"0", b"-7", b'""', b"[[1]]")

_NUMBER = re.compile(rb"-?[0-9]+")
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')

KINDS = (
    "flip",
    "truncate",
    "insert",
    "delete",
    "duplicate_line",
    "delete_line",
    "swap_lines",
    "number",
    "swap_numbers",
    "json_type",
)


def mutation() -> st.SearchStrategy[Mutation]:
    return st.tuples(
        st.sampled_from(KINDS),
        st.integers(0, 1 << 20),
        st.integers(0, 1 << 20),
        st.sampled_from(TOKENS),
    )


def mutations() -> st.SearchStrategy[list[Mutation]]:
    return st.lists(mutation(), min_size=1, max_size=4)


def apply_all(data: bytes, changes: Sequence[Mutation]) -> bytes:
    for change in changes:
        data = apply(data, change)
    return data


def apply(data: bytes, change: Mutation) -> bytes:
    kind, a, b, token = change
    size = len(data)
    at = a % (size + 1)
    if kind == "flip" and size:
        at = a % size
        return data[:at] + bytes([data[at] ^ (1 << (b % 8))]) + data[at + 1 :]
    if kind == "truncate":
        return data[:at]
    if kind == "insert":
        return data[:at] + token * (1 + b % 3) + data[at:]
    if kind == "delete":
        return data[:at] + data[at + 1 + b % 64 :]
    lines = data.split(b"\n")
    if kind == "duplicate_line":
        index = a % len(lines)
        return b"\n".join([*lines[: index + 1], lines[index], *lines[index + 1 :]])
    if kind == "delete_line":
        index = a % len(lines)
        return b"\n".join(lines[:index] + lines[index + 1 :])
    if kind == "swap_lines":
        i, j = a % len(lines), b % len(lines)
        lines[i], lines[j] = lines[j], lines[i]
        return b"\n".join(lines)
    if kind == "number":
        return _replace_match(data, _NUMBER, a, NUMBERS[b % len(NUMBERS)])
    if kind == "swap_numbers":
        found = list(_NUMBER.finditer(data))
        if len(found) < 2:
            return data
        index = a % (len(found) - 1)
        first, second = found[index], found[index + 1]  # start and end of one span, often
        return (
            data[: first.start()]
            + second.group()
            + data[first.end() : second.start()]
            + first.group()
            + data[second.end() :]
        )
    if kind == "json_type":
        return _replace_match(data, _STRING, a, JSON_VALUES[b % len(JSON_VALUES)])
    return data


def _replace_match(data: bytes, pattern: re.Pattern[bytes], a: int, new: bytes) -> bytes:
    found = list(pattern.finditer(data))
    if not found:
        return data
    match = found[a % len(found)]
    return data[: match.start()] + new + data[match.end() :]
