"""The one place where Python code points and Qt's UTF-16 units are converted.

Qt (QTextCursor, QString) counts UTF-16 code units: every character outside the Basic
Multilingual Plane (emoji, some CJK, historic scripts) is two units there and one code
point here. Spans are stored in code points, so every position crossing the Qt boundary
goes through an :class:`Utf16Map` built for that text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

# Characters outside the BMP: two UTF-16 units each. A regex scan runs in C; a Python loop
# over every character of a 200,000-character article took 14 ms per document opened.
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class Utf16Map:
    """Converts positions in one text between code points and UTF-16 units in O(log n)."""

    __slots__ = ("_astral_cp", "_astral_u16", "length", "length_utf16")

    def __init__(self, text: str) -> None:
        # Code point indices of astral characters; most texts have none, so this is tiny.
        self._astral_cp = [m.start() for m in _ASTRAL.finditer(text)]
        self._astral_u16 = [cp + k for k, cp in enumerate(self._astral_cp)]
        self.length = len(text)
        self.length_utf16 = len(text) + len(self._astral_cp)

    def to_utf16(self, cp: int) -> int:
        """UTF-16 offset of code point offset ``cp`` (0 ≤ cp ≤ len(text))."""
        if not 0 <= cp <= self.length:
            raise ValueError(f"code point offset {cp} outside 0..{self.length}")
        return cp + bisect_left(self._astral_cp, cp)

    def to_code_point(self, u16: int, *, round_up: bool = False) -> int:
        """Code point offset of UTF-16 offset ``u16``.

        An offset that falls between the two halves of a surrogate pair is moved to the
        start of that character, or past it with ``round_up`` (use that for span ends).
        """
        if not 0 <= u16 <= self.length_utf16:
            raise ValueError(f"UTF-16 offset {u16} outside 0..{self.length_utf16}")
        # Astral characters whose two units both lie before u16.
        whole = bisect_right(self._astral_u16, u16 - 2)
        cp = u16 - whole
        inside_pair = whole < len(self._astral_u16) and self._astral_u16[whole] == u16 - 1
        if inside_pair and not round_up:
            return cp - 1
        return cp
