"""AttemptLogModel: a bounded window onto the attempts table, fed by pages and live events.

The model never holds the history. It holds at most :attr:`AttemptLogModel.budget` rows:
a contiguous run of the attempts that match the current :class:`LogQuery`, in attempt-id
order. The panel loads pages at either end (keyset on the id) as the operator scrolls and
the model drops rows at the far end, so scrolling to the oldest row of a year costs what a
day costs. Live events from the worker bridge enter only while the window reaches the
newest attempt, and only when they match the filter.

Rows are kept column-wise (arrays of numbers, interned strings), internally in ascending
id order; :attr:`newest_first` flips how they are shown. A batch of events becomes one
``beginInsertRows`` plus one ``dataChanged`` range — never a signal per row.
(Just over 450 lines: the row store, paging at both ends and live rows belong together.)
"""
from __future__ import annotations

import bisect
import math
import sys
from array import array
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from ...core.delivery.details import attempt_detail
from ...core.delivery.dispatcher import AttemptFinished, AttemptStarted
from ...core.records import AttemptRow
from ...core.sending import Queued
from ...core.storage.history import LogQuery
from ..core_text import core_text
from ..timefmt import format_time, to_local

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
# Outcome groups the operator thinks in; "failed" covers every kind of failure.
OUTCOME_GROUPS: dict[str, frozenset[str]] = {
    "delivered": frozenset({"delivered", "confirmed"}),
    "failed": frozenset({"transient", "permanent", "unavailable", "interrupted", "undelivered"}),
    "accepted": frozenset({"accepted"}),  # accepted by the provider, its delivery report not in yet
    "sending": frozenset({SENDING}),
    "transient": frozenset({"transient"}),
    "permanent": frozenset({"permanent"}),
    "unavailable": frozenset({"unavailable"}),
}



def _intern(text: str) -> str:
    """Plain text interned; a message of the core (a ``Msg``, rendered by its code) kept as it is."""
    return sys.intern(text) if type(text) is str and len(text) < 256 else text


STAND_IN_STEP = 2.0 ** -20  # exact in a double for ids below 2**32


def _just_above(top: float) -> float:
    """A key for a row without an attempt id (a stand-in): above ``top``, below the next
    integer (the next attempt id). Steps of 2**-20 leave room for about a million stand-ins
    between two attempts; halving the distance, as before, ran out after 52 (an API flood
    queues hundreds between two attempts), and the 53rd key was the next attempt's id."""
    base = math.floor(top)
    if top + STAND_IN_STEP < base + 1:
        return top + STAND_IN_STEP
    return max(top + (base + 1 - top) / 2, math.nextafter(top, math.inf))


_FIELDS = ("key", "nid", "started", "finished", "recipient", "channel", "outcome", "detail")


class _Columns:
    """Column-wise rows in ascending key order (key: the attempt id; a live row recorded
    without one gets a key just above the newest it follows)."""

    def __init__(self) -> None:
        self.key: array[float] = array("d")
        self.nid: array[int] = array("q")
        self.started: array[float] = array("d")
        self.finished: array[float] = array("d")  # NaN while in flight
        self.recipient: list[str] = []
        self.channel: list[str] = []
        self.outcome: list[str] = []
        self.detail: list[str] = []

    def __len__(self) -> int:
        return len(self.key)

    def append(self, key: float, nid: int, recipient: str, channel: str, outcome: str,
               detail: str, started: float, finished: float) -> None:
        self.key.append(key)
        self.nid.append(nid)
        self.recipient.append(_intern(recipient))
        self.channel.append(_intern(channel))
        self.outcome.append(_intern(outcome))
        self.detail.append(_intern(detail))
        self.started.append(started)
        self.finished.append(finished)

    def insert(self, i: int, other: _Columns) -> None:
        for name in _FIELDS:
            col = getattr(self, name)
            col[i:i] = getattr(other, name)

    def delete(self, start: int, stop: int) -> None:
        for name in _FIELDS:
            del getattr(self, name)[start:stop]

    def find(self, key: float) -> int | None:
        i = bisect.bisect_left(self.key, key)
        return i if i < len(self.key) and self.key[i] == key else None

    def finish(self, row: int, outcome: str, detail: str, finished: float) -> None:
        self.outcome[row] = _intern(outcome)
        self.detail[row] = _intern(detail)
        self.finished[row] = finished


def _columns(rows: Sequence[AttemptRow]) -> _Columns:
    out = _Columns()
    for a in rows:
        end = a.receipt_at or a.finished_at  # a delivery report: its time and reason, as live
        finished = end.timestamp() if end else math.nan
        out.append(float(a.id), a.notification_id, a.recipient_name, a.channel, a.outcome or SENDING,
                   attempt_detail(a, "receipt") or attempt_detail(a), a.started_at.timestamp(), finished)
    return out


class AttemptLogModel(QAbstractTableModel):
    page_size = 200
    budget = 1000  # rows held at most, wherever the operator scrolls

    def __init__(self, parent: QObject | None = None, newest_first: bool = True) -> None:
        super().__init__(parent)
        self._rows = _Columns()
        self.newest_first = newest_first
        self.query = LogQuery()
        # Does the window reach the newest / the oldest matching attempt? Live rows enter only
        # at the newest end; the panel loads more only at an end that is not reached.
        self.at_newest = False
        self.at_oldest = False
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

    def _at(self, row: int) -> int:
        """Internal position of a shown row."""
        return len(self._rows) - 1 - row if self.newest_first else row

    def _shown(self, start: int, stop: int) -> tuple[int, int]:
        """First and last shown row of the internal range [start, stop)."""
        n = len(self._rows)
        return (n - stop, n - start - 1) if self.newest_first else (start, stop - 1)

    def _text(self, r: int, c: int) -> str:
        """The shown text of internal row ``r`` in column ``c``."""
        d = self._rows
        if c == COL_TIME:
            return format_time(d.started[r])
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
        dur = self._duration(r)
        return "" if dur is None else self.tr("{seconds} s").format(seconds=f"{dur:.2f}")

    def shown_row(self, row: int) -> tuple[list[str], QColor | None, str]:
        """What the table shows for ``row``: the texts, the outcome's colour and the
        detail's tooltip (what :meth:`data` answers for those roles, in one call)."""
        r = self._at(row)
        texts = [self._text(r, c) for c in range(len(self._headers))]
        return texts, OUTCOME_COLOURS.get(self._rows.outcome[r]), texts[COL_DETAIL]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        r, c = self._at(index.row()), index.column()
        d = self._rows
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(r, c)
        elif role == Qt.ItemDataRole.ForegroundRole and c == COL_OUTCOME:
            return OUTCOME_COLOURS.get(d.outcome[r])
        elif role == Qt.ItemDataRole.ToolTipRole and c == COL_DETAIL:
            return core_text(d.detail[r]) or None
        elif role == SortRole:
            return (d.started[r], d.nid[r], d.recipient[r], d.channel[r], d.outcome[r],
                    d.detail[r], self._duration(r) or 0.0)[c]
        elif role == OutcomeRole:
            return d.outcome[r]
        elif role == ChannelRole:
            return d.channel[r]
        elif role == NotificationRole:
            return d.nid[r]
        return None

    # -- reading -----------------------------------------------------------------------
    def _duration(self, i: int) -> float | None:
        f = self._rows.finished[i]
        return None if math.isnan(f) else max(f - self._rows.started[i], 0.0)

    def duration(self, row: int) -> float | None:
        return self._duration(self._at(row))

    def outcome_name(self, outcome: str) -> str:
        """The outcome as shown to the operator (translated)."""
        return self._outcome_names.get(outcome, outcome)

    def notification_at(self, row: int) -> int:
        return self._rows.nid[self._at(row)]

    def outcome_at(self, row: int) -> str:
        return self._rows.outcome[self._at(row)]

    def attempt_id_at(self, row: int) -> int:
        return int(self._rows.key[self._at(row)])

    def values_of(self, a: AttemptRow) -> list[str]:
        """A database row for the CSV export: as the log shows it, except what a spreadsheet
        should compute with: the full local date and time, and the duration as a plain
        number of seconds."""
        dur = "" if a.finished_at is None else f"{max((a.finished_at - a.started_at).total_seconds(), 0.0):.3f}"
        return [to_local(a.started_at).strftime("%Y-%m-%d %H:%M:%S"), f"#{a.notification_id}", a.recipient_name,
                a.channel, self.outcome_name(a.outcome or SENDING), core_text(attempt_detail(a)), dur]

    def row_for_notification(self, nid: int) -> int | None:
        """The shown row of the newest attempt of notification ``nid`` in the window."""
        d = self._rows
        for i in range(len(d) - 1, -1, -1):
            if d.nid[i] == nid:
                return self._at(i)
        return None

    @property
    def oldest_id(self) -> int | None:
        return int(self._rows.key[0]) if len(self._rows) else None

    @property
    def newest_id(self) -> int | None:
        """The newest attempt id loaded from the database or a live event (keys of live rows
        recorded without an id are not ids)."""
        for k in reversed(self._rows.key):
            if k.is_integer():
                return int(k)
        return None

    # -- pages ---------------------------------------------------------------------------
    def reset(self, query: LogQuery, rows: Sequence[AttemptRow], at_newest: bool, at_oldest: bool) -> None:
        """Show ``rows`` (ascending ids) as the window for ``query``."""
        self.beginResetModel()
        self.query = query
        self._rows = _columns(rows[-self.budget:])
        self.at_newest = at_newest
        self.at_oldest = at_oldest and len(rows) <= self.budget
        self.endResetModel()

    def add_older(self, rows: Sequence[AttemptRow], reached_oldest: bool) -> None:
        """A page of older rows (ascending, all older than the window); drops rows at the
        newest end beyond the budget."""
        low = self.oldest_id
        fresh = _columns([r for r in rows if low is None or r.id < low])
        if len(fresh):
            self._insert(0, fresh)
            excess = len(self._rows) - self.budget
            if excess > 0:
                self._remove(len(self._rows) - excess, len(self._rows))
                self.at_newest = False
        self.at_oldest = reached_oldest

    def add_newer(self, rows: Sequence[AttemptRow], reached_newest: bool) -> None:
        """A page of newer rows (ascending); drops rows at the oldest end beyond the budget."""
        fresh = [r for r in rows if self._rows.find(float(r.id)) is None]
        self._drop_stand_ins(fresh)
        self._add_at_newest(_columns(fresh))
        self.at_newest = reached_newest

    @staticmethod
    def _recorded(d: _Columns, nid: int, channel: str, started: float, near: int = 200) -> bool:
        """Whether a database row (an integer key) for this attempt is among the newest
        ``near`` rows: an attempt recorded without an id in its event (no network call) is
        known by its notification, channel and start time."""
        for i in range(len(d) - 1, max(len(d) - near, 0) - 1, -1):
            if (d.key[i].is_integer() and d.nid[i] == nid and d.channel[i] == channel
                    and abs(d.started[i] - started) < 0.001):
                return True
        return False

    def _drop_stand_ins(self, rows: Sequence[AttemptRow]) -> None:
        """A live row recorded without an attempt id (an unavailable channel: no network call)
        stands in for its database row; when that row arrives with its id, the stand-in goes.
        Stand-ins are few: they are found once, not once per row of a page (a page of 200
        against 1,000 rows held was 200,000 steps on the GUI thread)."""
        d = self._rows
        stand_ins = [i for i, k in enumerate(d.key) if not k.is_integer()] if rows else []
        for r in rows:
            if not stand_ins:
                return
            for j in range(len(stand_ins) - 1, -1, -1):
                i = stand_ins[j]
                if d.nid[i] == r.notification_id and d.channel[i] == r.channel and d.outcome[i] == (r.outcome or SENDING):
                    self._remove(i, i + 1)
                    stand_ins = stand_ins[:j] + [k - 1 for k in stand_ins[j + 1:]]
                    break

    def _add_at_newest(self, fresh: _Columns) -> None:
        if not len(fresh):
            return
        # Rows that sort above the newest shown go in as one block (one insert signal); the
        # few that sort below it (an attempt that started on another delivery thread just
        # before the newest row's) go one at a time, each in its place.
        top = self._rows.key[-1] if len(self._rows) else -math.inf
        late = bisect.bisect_right(fresh.key, top)
        for i in range(late):
            one = _Columns()
            one.append(fresh.key[i], fresh.nid[i], fresh.recipient[i], fresh.channel[i], fresh.outcome[i],
                       fresh.detail[i], fresh.started[i], fresh.finished[i])
            self._insert(bisect.bisect_right(self._rows.key, fresh.key[i]), one)
        if late < len(fresh):
            block = fresh if late == 0 else _Columns()
            if late:
                for name in _FIELDS:
                    getattr(block, name)[:] = getattr(fresh, name)[late:]
            self._insert(len(self._rows), block)
        excess = len(self._rows) - self.budget
        if excess > 0:
            self._remove(0, excess)
            self.at_oldest = False

    def _insert(self, pos: int, cols: _Columns) -> None:
        n, k = len(self._rows), len(cols)
        first = n - pos if self.newest_first else pos
        self.beginInsertRows(QModelIndex(), first, first + k - 1)
        self._rows.insert(pos, cols)
        self.endInsertRows()

    def _remove(self, start: int, stop: int) -> None:
        first, last = self._shown(start, stop)
        self.beginRemoveRows(QModelIndex(), first, last)
        self._rows.delete(start, stop)
        self.endRemoveRows()

    # -- live events ---------------------------------------------------------------------
    def apply(self, events: Sequence[Any]) -> None:
        """Apply a batch of dispatcher events: rows that match the filter enter at the newest
        end (while the window reaches it); rows in the window are updated in place."""
        changed: list[int] = []
        fresh = _Columns()
        fresh_at: dict[float, int] = {}
        q = self.query
        d = self._rows
        for e in events:
            if isinstance(e, AttemptStarted):
                key = float(e.attempt_id)
                if (self.at_newest and key not in fresh_at and d.find(key) is None
                        and (not len(d) or key > d.key[0])
                        and q.matches(e.notification_id, e.recipient, e.channel, None, "", e.started_at)):
                    fresh_at[key] = len(fresh)
                    fresh.append(key, e.notification_id, e.recipient, e.channel, SENDING, "",
                                 e.started_at.timestamp(), math.nan)
            elif isinstance(e, AttemptFinished):
                finished = e.finished_at.timestamp()
                if e.attempt_id is not None:
                    key = float(e.attempt_id)
                    if key in fresh_at:
                        fresh.finish(fresh_at[key], e.outcome, e.detail, finished)
                        continue
                    i = d.find(key)
                    if i is not None:
                        d.finish(i, e.outcome, e.detail, finished)
                        changed.append(i)
                        continue
                    if len(d) and key < d.key[0]:
                        continue  # older than the window: not shown
                else:
                    if self._recorded(d, e.notification_id, e.channel, e.started_at.timestamp()):
                        continue  # its database row is shown already (read while this event waited)
                    top = max(d.key[-1] if len(d) else 0.0, fresh.key[-1] if len(fresh) else 0.0)
                    key = _just_above(top)
                if self.at_newest and q.matches(e.notification_id, e.recipient, e.channel, e.outcome,
                                                e.detail, e.started_at):
                    fresh_at[key] = len(fresh)
                    fresh.append(key, e.notification_id, e.recipient, e.channel, e.outcome, e.detail,
                                 e.started_at.timestamp(), finished)
            elif isinstance(e, Queued) and self.at_newest and e.notification_ids:
                # One row per request (its source in the detail); a stand-in like an
                # unavailable channel's, just above the newest attempt. Not an attempt: the
                # database's pages do not hold it, so it goes when the window pages away.
                n = len(e.notification_ids)
                who = e.recipients[0] if n == 1 else f"{e.recipients[0]} +{n - 1}"
                if q.matches(e.notification_ids[0], who, "", QUEUED, e.source,
                             datetime.fromtimestamp(e.at, timezone.utc)):
                    top = max(d.key[-1] if len(d) else 0.0, fresh.key[-1] if len(fresh) else 0.0)
                    key = _just_above(top)
                    fresh_at[key] = len(fresh)
                    fresh.append(key, e.notification_ids[0], who, "", QUEUED, e.source, e.at, math.nan)
        if len(fresh):
            order = sorted(range(len(fresh)), key=lambda i: fresh.key[i])
            if order != list(range(len(fresh))):
                ordered = _Columns()
                for i in order:
                    ordered.append(fresh.key[i], fresh.nid[i], fresh.recipient[i], fresh.channel[i],
                                   fresh.outcome[i], fresh.detail[i], fresh.started[i], fresh.finished[i])
                fresh = ordered
        if changed:
            rows = [self._shown(i, i + 1)[0] for i in changed]
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), self.columnCount() - 1))
        self._add_at_newest(fresh)

