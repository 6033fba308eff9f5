"""The recipients table's name order as a plain string, so SQL can sort and index it.

The window used to sort names with a QCollator (case-blind, numeric): "Ёлкин" among the
"Е"s, "item 9" before "item 10". SQL cannot call a collator, and SQLite's ``lower()`` folds
ASCII only, so the store keeps ``recipients.sort_name``: :func:`name_sort_key` of the name,
written with every insert and update of the name and compared by code point (SQLite's
BINARY, PostgreSQL's "C" collation). An index on it makes any page of the table sorted by
name cost what one page costs.

The key: the name case-folded; "ё" read as "е" (Russian dictionaries do); accents on Latin
letters dropped ("é" sorts with "e"), while "й" stays its own letter after "и" as in the
alphabet; every run of digits compared by value (left-padded to 20 digits). Latin sorts
before Cyrillic, as the English collation the window used does.
"""
from __future__ import annotations

import re
import unicodedata

_DIGITS = re.compile(r"\d+")
_WIDTH = 20


def _pad(m: re.Match[str]) -> str:
    run = m.group(0).lstrip("0") or "0"
    return run.rjust(_WIDTH, "0")


def _fold(c: str) -> str:
    if c == "ё":
        return "е"
    if c == "й" or c.isascii():
        return c
    return "".join(d for d in unicodedata.normalize("NFD", c) if not unicodedata.combining(d))


def name_sort_key(name: str) -> str:
    """The string ``recipients.sort_name`` holds for ``name`` (see the module's text)."""
    folded = "".join(_fold(c) for c in unicodedata.normalize("NFC", name.casefold()))
    return _DIGITS.sub(_pad, folded)
