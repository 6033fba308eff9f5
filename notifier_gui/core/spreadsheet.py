"""CSV cells a spreadsheet shows as text and never runs as a formula ("CSV injection", OWASP).

A cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR is a formula to Excel and
LibreOffice: a recipient named ``=HYPERLINK(...)`` or a server's error text in the delivery
log would run when an export is opened, and E.164 phones would turn into numbers. Such a
cell gets a leading ``'``, which spreadsheets show as a text marker, not as part of the value;
:func:`from_cell` removes it again on import, so exports import back unchanged.
"""
from __future__ import annotations

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> str:
    """The text to write for ``value`` (None: an empty cell)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def from_cell(text: str) -> str:
    """A cell as :func:`spreadsheet_cell` wrote it, back to the value."""
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_START) else text
