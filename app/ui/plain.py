"""Project data shown literally where Qt would guess it is rich text.

Tooltips have no plain-text switch: Qt renders one as HTML whenever ``Qt.mightBeRichText``
says it looks like markup (a tag such as ``<b>`` or ``<img …>`` in its first line, or
``&lt;``). Article text, titles, label and annotator names are data, never markup, so
every tooltip that shows them goes through :func:`tooltip`. Buttons and actions read ``&``
as a keyboard mnemonic: :func:`button_text` keeps it a character.
"""

from __future__ import annotations

from PySide6.QtGui import Qt

# html.escape's table (quote=True), without importing the html package at start-up.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def tooltip(text: str) -> str:
    """``text`` for ``setToolTip`` or ``ToolTipRole``, shown exactly as it is.

    A text Qt would take for HTML is escaped and put in a paragraph that keeps its spaces
    and line breaks; any other text is returned unchanged (Qt shows it as plain text)."""
    if not Qt.mightBeRichText(text):
        return text
    return f'<p style="white-space:pre-wrap">{text.translate(_ESCAPES)}</p>'


def button_text(text: str) -> str:
    """``text`` for a button or menu item: "&" shown, not taken as a shortcut marker."""
    return text.replace("&", "&&")
