"""AttemptLogModel: one row per attempt, fed in batches from the worker bridge.

Rows are kept column-wise (arrays of numbers, interned strings) so 100,000 attempts cost a
few megabytes, and a batch of events becomes one ``beginInsertRows`` plus one
``dataChanged`` range — never a signal per row.
"""
from __future__ import annotations

import math
import sys
from array import array
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from ...core.delivery.dispatcher import AttemptFinished, AttemptStarted
from ...core.sending import Queued
from ...core.storage.repository import AttemptRow
from ..core_text import core_text

Index = QModelIndex | QPersistentModelIndex

SortRole = Qt.ItemDataRole.UserRole + 1
OutcomeRole = Qt.ItemDataRole.UserRole + 2
ChannelRole = Qt.ItemDataRole.UserRole + 3
NotificationRole = Qt.ItemDataRole.UserRole + 4

COL_TIME, COL_NOTIFICATION, COL_RECIPIENT, COL_CHANNEL, COL_OUTCOME, COL_DETAIL, COL_DURATION = range(7)

OUTCOME_COLOURS = {
    "delivered": QColor("#1b7f3b"),
    "transient": QColor("#b26a00"),
    "permanent": QColor("#c62828"),
    "unavailable": QColor("#6b6b6b"),
    "interrupted": QColor("#7b1fa2"),
    "sending": QColor("#1565c0"),
    "accepted": QColor("#00838f"),
    "confirmed": QColor("#1b7f3b"),
    "undelivered": QColor("#c62828"),
}
SENDING = "sending"
ACCEPTED = "accepted"  # the provider took it; the row changes again when its delivery report comes
QUEUED = "queued"  # a row for notifications queued by the REST API: its detail is the source


def _intern(text: str) -> str:
    return sys.intern(text) if len(text) < 256 else text


class _Columns:
    """Column-wise storage of attempts (also used for rows not yet announced to Qt)."""

    def __init__(self) -> None:
        self.attempt: array[int] = array("q")  # -1: no attempt id (recorded as finished)
        self.nid: array[int] = array("q")
        self.started: array[float] = array("d")
        self.finished: array[float] = array("d")  # NaN while in flight
        self.recipient: list[str] = []
        self.channel: list[str] = []
        self.outcome: list[str] = []
        self.detail: list[str] = []

    def __len__(self) -> int:
        return len(self.nid)

    def append(self, attempt_id: int | None, nid: int, recipient: str, channel: str, outcome: str,
               detail: str, started: float, finished: float) -> None:
        self.attempt.append(-1 if attempt_id is None else attempt_id)
        self.nid.append(nid)
        self.recipient.append(_intern(recipient))
        self.channel.append(_intern(channel))
        self.outcome.append(_intern(outcome))
        self.detail.append(_intern(detail))
        self.started.append(started)
        self.finished.append(finished)

    def extend(self, other: _Columns) -> None:
        for name in ("attempt", "nid", "started", "finished", "recipient", "channel", "outcome", "detail"):
            getattr(self, name).extend(getattr(other, name))

    def finish(self, row: int, outcome: str, detail: str, finished: float) -> None:
        self.outcome[row] = _intern(outcome)
        self.detail[row] = _intern(detail)
        self.finished[row] = finished


class AttemptLogModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows = _Columns()
        self._staged = _Columns()  # rows of the batch being applied, before beginInsertRows
        # attempt id -> row, only for attempts still in flight (rows >= len(_rows) are staged).
        # Finished rows need no lookup, so 100,000 rows do not cost a 100,000-entry dict.
        self._open: dict[int, int] = {}
        # Attempts up to this id come from the history load (the database is their truth);
        # live events for them only update rows already shown in flight.
        self.history_until: int | None = None
        self._headers = (self.tr("Time"), self.tr("Notification"), self.tr("Recipient"), self.tr("Channel"),
                         self.tr("Outcome"), self.tr("Detail"), self.tr("Duration"))
        self._outcome_names = {
            "delivered": self.tr("delivered"), "transient": self.tr("transient"),
            "permanent": self.tr("permanent"), "unavailable": self.tr("unavailable"),
            "interrupted": self.tr("interrupted"), SENDING: self.tr("sending…"),
            QUEUED: self.tr("queued"), ACCEPTED: self.tr("accepted, not confirmed yet"),
            "confirmed": self.tr("confirmed"), "undelivered": self.tr("undelivered"),
        }

    # -- Qt model API ------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        d = self._rows
        if r >= len(d):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if c == COL_TIME:
                return datetime.fromtimestamp(d.started[r]).strftime("%Y-%m-%d %H:%M:%S")
            if c == COL_NOTIFICATION:
                return f"#{d.nid[r]}"
            if c == COL_RECIPIENT:
                return d.recipient[r]
            if c == COL_CHANNEL:
                return d.channel[r]
            if c == COL_OUTCOME:
                return self._outcome_names.get(d.outcome[r], d.outcome[r])
            if c == COL_DETAIL:
                return core_text(d.detail[r])
            if c == COL_DURATION:
                dur = self.duration(r)
                return "" if dur is None else self.tr("{seconds} s").format(seconds=f"{dur:.2f}")
        elif role == Qt.ItemDataRole.ForegroundRole and c == COL_OUTCOME:
            return OUTCOME_COLOURS.get(d.outcome[r])
        elif role == Qt.ItemDataRole.ToolTipRole and c == COL_DETAIL:
            return core_text(d.detail[r]) or None
        elif role == SortRole:
            return (d.started[r], d.nid[r], d.recipient[r], d.channel[r], d.outcome[r],
                    d.detail[r], self.duration(r) or 0.0)[c]
        elif role == OutcomeRole:
            return d.outcome[r]
        elif role == ChannelRole:
            return d.channel[r]
        elif role == NotificationRole:
            return d.nid[r]
        return None

    # -- reading -----------------------------------------------------------------------
    def duration(self, row: int) -> float | None:
        f = self._rows.finished[row]
        return None if math.isnan(f) else max(f - self._rows.started[row], 0.0)

    def outcome_name(self, outcome: str) -> str:
        """The outcome as shown to the operator (translated)."""
        return self._outcome_names.get(outcome, outcome)

    def notification_at(self, row: int) -> int:
        return self._rows.nid[row]

    def outcome_at(self, row: int) -> str:
        return self._rows.outcome[row]

    def row_values(self, row: int) -> list[str]:
        return [str(self.data(self.index(row, c)) or "") for c in range(self.columnCount())]

    def text_at(self, row: int) -> str:
        """What the text filter searches: notification id, recipient, channel and detail (as
        stored and as shown, so words of either language find it)."""
        d = self._rows
        detail = d.detail[row]
        shown = core_text(detail)
        both = detail if shown == detail else f"{detail} {shown}"
        return f"#{d.nid[row]} {d.recipient[row]} {d.channel[row]} {both}"

    # -- feeding -----------------------------------------------------------------------
    def _add(self, attempt_id: int | None, *values: Any) -> None:
        if attempt_id is not None and values[3] in (SENDING, ACCEPTED):
            self._open[attempt_id] = len(self._rows) + len(self._staged)
        self._staged.append(attempt_id, *values)

    def _historical(self, attempt_id: int | None) -> bool:
        return attempt_id is not None and self.history_until is not None and attempt_id <= self.history_until

    def _finish(self, row: int, outcome: str, detail: str, finished: float, changed: list[int]) -> None:
        base = len(self._rows)
        if row < base:
            self._rows.finish(row, outcome, detail, finished)
            changed.append(row)
        else:
            self._staged.finish(row - base, outcome, detail, finished)

    def apply(self, events: Sequence[Any]) -> None:
        """Apply a batch of dispatcher events: one insert notification, one change range."""
        changed: list[int] = []
        for e in events:
            if isinstance(e, AttemptStarted):
                if e.attempt_id not in self._open and not self._historical(e.attempt_id):
                    self._add(e.attempt_id, e.notification_id, e.recipient, e.channel, SENDING, "",
                              e.started_at.timestamp(), math.nan)
            elif isinstance(e, AttemptFinished):
                row = self._open.pop(e.attempt_id, None) if e.attempt_id is not None else None
                if row is not None:
                    self._finish(row, e.outcome, e.detail, e.finished_at.timestamp(), changed)
                    if e.outcome == ACCEPTED:  # its second stage updates the same row
                        self._open[e.attempt_id] = row  # type: ignore[index]
                elif not self._historical(e.attempt_id):
                    self._add(e.attempt_id, e.notification_id, e.recipient, e.channel, e.outcome,
                              e.detail, e.started_at.timestamp(), e.finished_at.timestamp())
            elif isinstance(e, Queued):
                for nid, name in zip(e.notification_ids, e.recipients):
                    self._add(None, nid, name, "", QUEUED, e.source, e.at, math.nan)  # no duration
        self._announce(changed)

    def load_history(self, rows: Iterable[AttemptRow]) -> None:
        changed: list[int] = []
        for a in rows:
            end = a.receipt_at or a.finished_at  # a delivery report: its time and reason, as live
            finished = end.timestamp() if end else math.nan
            self._add(a.id, a.notification_id, a.recipient_name, a.channel, a.outcome or SENDING,
                      a.receipt_detail or a.detail, a.started_at.timestamp(), finished)
        self._announce(changed)

    def _announce(self, changed: list[int]) -> None:
        if len(self._staged):
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(self._staged) - 1)
            self._rows.extend(self._staged)
            self._staged = _Columns()
            self.endInsertRows()
        if changed:
            self.dataChanged.emit(self.index(min(changed), 0), self.index(max(changed), self.columnCount() - 1))
