"""Search for the recipients table; sorting is the model's own (see :mod:`.model`)."""
from __future__ import annotations

import re

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt

from .model import Column, SearchRole

_Index = QModelIndex | QPersistentModelIndex
_PHONE_LIKE = re.compile(r"[\d\s()+\-.]*\d[\d\s()+\-.]*")


class RecipientsFilter(QSortFilterProxyModel):
    """Keeps rows whose name, email or phone contain every word of the search text.

    Case-insensitive (case-folded, so "ИВАН" finds "Иван"). A search that looks like a
    phone number ("916 123-45") is also matched on digits only, because phones are stored
    as E.164. Sorting is handed to the source model (:meth:`sort`); the proxy keeps its
    rows in the model's order, so no comparison calls back into Python per pair of rows.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self._digits = ""

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

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)
