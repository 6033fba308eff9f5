"""Search and sort for the recipients table, on the raw values the model exposes."""
from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import (
    QCollator,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from .model import Column, SearchRole, SortRole

_Index = QModelIndex | QPersistentModelIndex
_PHONE_LIKE = re.compile(r"[\d\s()+\-.]*\d[\d\s()+\-.]*")


class RecipientsFilter(QSortFilterProxyModel):
    """Keeps rows whose name, email or phone contain every word of the search text.

    Case-insensitive (case-folded, so "ИВАН" finds "Иван"). A search that looks like a
    phone number ("916 123-45") is also matched on digits only, because phones are stored
    as E.164. Sorting uses :data:`SortRole`: strings through a locale collator (so "Ёлкин"
    sorts among the "Е"s), empty values last.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SortRole)
        self._words: list[str] = []
        self._digits = ""
        locale = QLocale()
        if locale.language() == QLocale.Language.C:  # POSIX "C" collates by code point: Ё after Я
            locale = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
        self._collator = QCollator(locale)
        self._collator.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._collator.setNumericMode(True)

    def search_text(self) -> str:
        return " ".join(self._words)

    def set_search(self, text: str) -> None:
        words = text.casefold().split()
        digits = "".join(c for c in text if c.isdigit()) if _PHONE_LIKE.fullmatch(text.strip()) else ""
        if words == self._words and digits == self._digits:
            return
        self.beginFilterChange()
        self._words, self._digits = words, digits
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        if not self._words:
            return True
        model = self.sourceModel()
        haystack = model.index(source_row, Column.NAME, source_parent).data(SearchRole) or ""
        if all(w in haystack for w in self._words):
            return True
        return bool(self._digits) and self._digits in haystack

    def lessThan(self, left: _Index, right: _Index) -> bool:
        a: Any = left.data(SortRole)
        b: Any = right.data(SortRole)
        if a is None or b is None:
            return a is not None  # a value sorts before an empty cell
        if isinstance(a, str) and isinstance(b, str):
            return self._collator.compare(a, b) < 0
        return bool(a < b)
