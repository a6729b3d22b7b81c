"""Colours for agreement values and counts, shared by the HTML report and the dashboard.

One scale everywhere, so a lead who reads the mailed report and the dashboard sees the
same colour for the same number. Agreement coefficients run from -1 to 1: blue for
agreement, white at chance (0), red below chance. Undefined values get a neutral grey,
never a colour that could be read as a number.
"""

from __future__ import annotations

UNDEFINED = "#e0e0e0"
_CHANCE = (247, 247, 247)
_AGREE = (8, 81, 156)
_DISAGREE = (178, 24, 43)
_COUNT = (33, 102, 172)


def _mix(start: tuple[int, int, int], end: tuple[int, int, int], fraction: float) -> str:
    fraction = min(1.0, max(0.0, fraction))
    red, green, blue = (round(a + (b - a) * fraction) for a, b in zip(start, end, strict=True))
    return f"#{red:02x}{green:02x}{blue:02x}"


def agreement_color(value: float | None) -> str:
    """Fill for an agreement value in [-1, 1] (clamped); grey when undefined."""
    if value is None:
        return UNDEFINED
    if value >= 0:
        return _mix(_CHANCE, _AGREE, value)
    return _mix(_CHANCE, _DISAGREE, -value)


def count_color(count: int, largest: int) -> str:
    """Fill for a count, darker as it nears ``largest`` (square-root scale: small counts of
    confusion must stay visible next to the thousands of tokens both left untagged)."""
    if count <= 0 or largest <= 0:
        return "#ffffff"
    return _mix((255, 255, 255), _COUNT, (count / largest) ** 0.5)


def text_color(fill: str) -> str:
    """Black or white, whichever reads better on ``fill`` (#rrggbb)."""
    red, green, blue = (int(fill[i : i + 2], 16) for i in (1, 3, 5))
    luminance = (0.299 * red + 0.587 * green + 0.114 * blue) / 255
    return "#000000" if luminance > 0.55 else "#ffffff"
