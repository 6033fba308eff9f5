"""Filters of the delivery log: outcome, channel and free text (case-insensitive)."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel

from .model import AttemptLogModel, SortRole


class LogFilter(QSortFilterProxyModel):
    # Outcome groups the operator thinks in; "failed" covers every kind of failure.
    GROUPS = {
        "delivered": {"delivered", "confirmed"},
        "failed": {"transient", "permanent", "unavailable", "interrupted", "undelivered"},
        "accepted": {"accepted"},  # accepted by the provider, its delivery report not in yet
        "sending": {"sending"},
        "transient": {"transient"},
        "permanent": {"permanent"},
        "unavailable": {"unavailable"},
    }

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._outcomes: set[str] | None = None
        self._channel: str | None = None
        self._text = ""
        self.setSortRole(SortRole)

    def set_outcome_group(self, group: str | None) -> None:
        self.beginFilterChange()
        self._outcomes = self.GROUPS.get(group) if group else None
        self.endFilterChange()

    def set_channel(self, channel: str | None) -> None:
        self.beginFilterChange()
        self._channel = channel or None
        self.endFilterChange()

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.strip().casefold()
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        assert isinstance(model, AttemptLogModel)
        if self._outcomes is not None and model.outcome_at(source_row) not in self._outcomes:
            return False
        if self._channel is not None and model._rows.channel[source_row] != self._channel:
            return False
        if self._text and self._text not in model.text_at(source_row).casefold():
            return False
        return True
