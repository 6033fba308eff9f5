"""The recipients table: a bounded window onto the ``recipients`` table, read a page at a time.

The model never holds the whole list. It knows how many people match the search (one count)
and keeps at most :attr:`RecipientsModel.budget` rows in memory, in pages of
:attr:`RecipientsModel.page_size` read by ``History.recipients_page`` on a worker thread
(``ctx.tasks``) when the view first asks for a row of a page; the pages used longest ago are
dropped. Search and sort are SQL (the recipients FTS table; ``ORDER BY`` the column, names by
their indexed ``sort_name``), so 100,000 people cost what one screen costs.

Every search, sort or reload is a new *generation*: a read of an older one stops (its
``cancelled`` turns true) and its result is thrown away, so only the newest answer shows.
While a read is under way the table keeps showing the previous answer.

Each row is prepared once when its page arrives (display text per column, the "Reachable
via" tip and colour), so ``data()`` is a lookup.
"""
from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from ...core.records import RecipientData
from ...core.storage.history import Cancelled, History
from ..reach import addressed, reachable
from ..tasks import Tasks, alive

SortRole = int(Qt.ItemDataRole.UserRole) + 1
"""Raw value of a cell as the table sorts it: str, int, or None (sorts last)."""
IdRole = int(Qt.ItemDataRole.UserRole) + 3
"""On any column: the recipient id."""

_Index = QModelIndex | QPersistentModelIndex
_MISSING_COLOR = QColor("#b3261e")  # readable on light and dark bases


class Column(IntEnum):
    NAME = 0
    EMAIL = 1
    PHONE = 2
    TELEGRAM = 3
    REACHABLE = 4


SQL_SORT = {Column.NAME: "name", Column.EMAIL: "email", Column.PHONE: "phone",
            Column.TELEGRAM: "telegram_chat_id", Column.REACHABLE: "reach"}


@dataclass(frozen=True)
class _Row:
    recipient: RecipientData
    display: tuple[str, ...]
    sort: tuple[Any, ...]
    reach_tip: str
    reachable: bool


@dataclass(frozen=True)
class Loaded:
    """A generation's first answer: the counts, the first page (and the page holding
    ``focus``), which of the ids to keep still match, and the row of ``focus``."""

    total: int
    count: int
    pages: dict[int, list[RecipientData]]
    kept: list[int]
    focus_row: int | None
    asked: list[int]  # the ids whose matching ``kept`` tells
    new_order: bool = False  # a new search or sort: the view starts at the top


class RecipientsModel(QAbstractTableModel):
    """Read-only table over the recipients the search matches, in the header's order.

    Signals:
        loaded(object): a :class:`Loaded` — a search, sort or reload has its first page in
            (the model was reset just before).
        pageLoaded(int, int): rows ``first``..``last`` were read (``dataChanged`` too).
    """

    loaded = Signal(object)
    pageLoaded = Signal(int, int)

    # What Qt's calls read (rowCount, data) answers "empty" even from an object whose instance
    # attributes are gone: a cycle collected with its view clears this wrapper's attributes
    # while the C++ model still answers the view's teardown ("no attribute '_count'", seen
    # under load in the UI tests). The instance sets its own in __init__.
    _count = 0

    def __init__(self, tasks: Tasks, history: History, parent: QObject | None = None,
                 page_size: int = 200, budget: int = 2000) -> None:
        super().__init__(parent)
        self.tasks, self.history = tasks, history
        self.page_size, self.budget = page_size, max(budget, 2 * page_size)
        self._pages: OrderedDict[int, list[_Row]] = OrderedDict()  # least recently used first
        self._row_of: dict[int, int] = {}
        self._pending: set[int] = set()
        self._count = 0
        self._total = 0
        self._generation = 0
        self._latest = [0]  # the newest generation, for the worker threads' ``cancelled``
        self._reading = 0  # reads under way (first answers and pages)
        self._text = ""
        self._configured: tuple[str, ...] | None = None  # None: sandbox, every channel counts
        self._sort_column = int(Column.NAME)
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._started = False
        self.selected: list[int] = []  # the view's selection, kept across a re-sort (set by the view)
        self._answered = False  # a first answer is in (so its total is known)

    # -- what is shown ------------------------------------------------------------------
    @property
    def total(self) -> int:
        """Everyone stored, whatever the search (as of the last answer)."""
        return self._total

    @property
    def loading(self) -> bool:
        return self._reading > 0

    @property
    def rows_held(self) -> int:
        return sum(len(rows) for rows in self._pages.values())

    def search_text(self) -> str:
        return self._text

    def set_search(self, text: str, keep: Sequence[int] = ()) -> None:
        self._text = text
        self.reload(keep, new_order=True)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order by ``column`` in SQL: names as people read them ("Ёлкин" among the "Е"s,
        "item 9" before "item 10"), emails case-blind, chats by number, "Reachable via" by
        how many set-up channels reach the person; empty cells last ascending, first descending."""
        if not 0 <= column < len(Column) or (column, order) == (self._sort_column, self._sort_order):
            return
        self._sort_column, self._sort_order = column, order
        if self._started:
            self.reload(self.selected, new_order=True)

    def set_configured(self, channels: Sequence[str] | None) -> None:
        """The channels set up in Settings (None in sandbox mode: all write to the outbox);
        "Reachable via" names only those, so a phone-only person shows "No channel" when
        SMS is not set up."""
        configured = None if channels is None else tuple(channels)
        if configured == self._configured:
            return
        self._configured = configured
        if self._sort_column == Column.REACHABLE and self._started:
            self.reload(self.selected, new_order=True)
            return
        for page, rows in self._pages.items():
            self._pages[page] = [self._make_row(r.recipient) for r in rows]
        if self._count:
            self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, len(Column) - 1))

    # -- reading ------------------------------------------------------------------------
    def _query(self) -> tuple[str, str, bool]:
        return (self._text, SQL_SORT[Column(self._sort_column)],
                self._sort_order == Qt.SortOrder.DescendingOrder)

    def reload(self, keep: Sequence[int] = (), focus: int | None = None, new_order: bool = False) -> None:
        """Read the counts and the first page again (a new generation; older reads stop).
        ``keep``: ids to report back in :attr:`Loaded.kept` if they still exist and match;
        ``focus``: an id whose row and page are read too (to show it)."""
        self._started = True
        self._generation += 1
        self._latest[0] = self._generation
        self._reading += 1  # counted from now, not from when the task first runs
        self.tasks.start(self._load(self._generation, list(keep), focus, new_order))

    def _current(self, generation: int) -> Callable[[], bool]:
        """``cancelled`` for a read of ``generation``, polled on the worker thread: it reads a
        plain Python object, never this QObject (which the GUI thread may be deleting)."""
        latest = self._latest
        return lambda: generation != latest[0]

    async def _load(self, generation: int, keep: list[int], focus: int | None, new_order: bool) -> None:
        try:
            answer = await self.tasks.run(_read_first, self.history, self.page_size, *self._query(),
                                          self._configured, keep, focus, self._current(generation),
                                          self._total if new_order and self._answered else None)
        except Cancelled:
            return
        finally:
            if alive(self):
                self._reading -= 1
        if not alive(self) or generation != self._generation:
            return
        self.beginResetModel()
        self._pages.clear()
        self._row_of.clear()
        self._pending.clear()
        self._count, self._total = answer.count, answer.total
        self._answered = True
        for page, rows in answer.pages.items():
            self._store(page, rows)
        self.endResetModel()
        self.loaded.emit(replace(answer, new_order=new_order))

    def _request(self, page: int) -> None:
        if page in self._pending:
            return
        self._pending.add(page)
        self._reading += 1
        self.tasks.start(self._fetch(self._generation, page))

    async def _fetch(self, generation: int, page: int) -> None:
        try:
            text, sort, descending = self._query()
            rows = await self.tasks.run(self.history.recipients_page, text, sort, descending,
                                        page * self.page_size, self.page_size, self._current(generation),
                                        configured=self._configured)
        except Cancelled:
            return
        finally:
            if alive(self):
                self._reading -= 1
                if generation == self._generation:
                    self._pending.discard(page)
        if not alive(self) or generation != self._generation:
            return
        first = page * self.page_size
        last = min(first + self.page_size, self._count) - 1
        self._store(page, rows[: max(0, last - first + 1)])
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(Column) - 1))
            self.pageLoaded.emit(first, last)

    def _store(self, page: int, recipients: Sequence[RecipientData]) -> None:
        """Hold ``page``; drop the pages used longest ago beyond the budget."""
        first = page * self.page_size
        self._pages[page] = [self._make_row(r) for r in recipients]
        self._pages.move_to_end(page)
        for i, r in enumerate(recipients):
            self._row_of[r.id] = first + i
        while len(self._pages) * self.page_size > self.budget:
            old, rows = self._pages.popitem(last=False)
            for row in rows:
                if self._row_of.get(row.recipient.id, -1) // self.page_size == old:
                    del self._row_of[row.recipient.id]

    def _row(self, row: int) -> _Row | None:
        page = row // self.page_size
        rows = self._pages.get(page)
        if rows is None:
            self._request(page)
            return None
        if page != next(reversed(self._pages)):
            self._pages.move_to_end(page)
        i = row - page * self.page_size
        return rows[i] if i < len(rows) else None

    # -- rows the view asks about -------------------------------------------------------
    def recipient_at(self, row: int) -> RecipientData | None:
        """The recipient on ``row`` if its page is in memory."""
        held = self._row(row) if 0 <= row < self._count else None
        return held.recipient if held else None

    def row_of(self, recipient_id: int) -> int | None:
        """The row of ``recipient_id`` if its page is in memory."""
        return self._row_of.get(recipient_id)

    def ids_in_rows(self, first: int, last: int) -> list[int] | Callable[[], list[int]]:
        """The ids on rows ``first``..``last``: from memory when every page is held, else a
        read for the worker thread (a Shift+click far away, Ctrl+A): one id-only query in the
        table's order as it is now, so a later search or sort does not change its answer."""
        held: list[int] = []
        for row in range(first, last + 1):
            rows = self._pages.get(row // self.page_size)
            if rows is None or row - (row // self.page_size) * self.page_size >= len(rows):
                text, sort, descending = self._query()
                return functools.partial(self.history.recipient_ids_page, text, sort, descending, first,
                                         last - first + 1, self._configured)
            held.append(rows[row % self.page_size].recipient.id)
        return held

    def reachable_channels(self, r: RecipientData) -> list[str]:
        """Translated names of the channels that have an address for ``r`` and are set up.

        The store only holds values that passed the core validators (email normalised,
        phone E.164, chat id in range), so "has an address" is "has a valid address" —
        the same rule the dispatcher applies when it marks a channel unavailable.
        """
        titles = {"email": self.tr("Email"), "sms": self.tr("SMS"), "telegram": self.tr("Telegram")}
        return [titles[c] for c in reachable(r, self._configured)]

    def _make_row(self, r: RecipientData) -> _Row:
        reach = self.reachable_channels(r)
        missing = []
        titles = {"email": self.tr("Email"), "sms": self.tr("SMS"), "telegram": self.tr("Telegram")}
        for channel in addressed(r):
            if self._configured is not None and channel not in self._configured:
                missing.append(self.tr("%1 is not set up in Settings.").replace("%1", titles[channel]))
        if not r.email:
            missing.append(self.tr("No email address: Email is skipped."))
        if not r.phone:
            missing.append(self.tr("No phone number: SMS is skipped."))
        if not r.telegram_chat_id:
            missing.append(self.tr("Telegram is not linked: use “Link Telegram…”."))
        mask = (1 if r.email else 0) | (2 if r.phone else 0) | (4 if r.telegram_chat_id else 0)
        display = (
            r.name,
            r.email or "",
            r.phone or "",
            str(r.telegram_chat_id) if r.telegram_chat_id else "",
            " · ".join(reach) if reach else self.tr("No channel"),
        )
        sort = (r.name, r.email, r.phone, r.telegram_chat_id, len(reach) * 8 + mask)
        return _Row(r, display, sort, "\n".join(missing), bool(reach))

    # -- QAbstractTableModel ------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self._count:
            return None
        row = self._row(index.row())
        if row is None:  # its page is on the way; the view repaints when it arrives
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return row.display[col]
        if role == SortRole:
            return row.sort[col]
        if role == IdRole:
            return row.recipient.id
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == Column.NAME and row.recipient.notes:
                return row.recipient.notes
            if col == Column.REACHABLE and row.reach_tip:
                return row.reach_tip
            return None
        if role == Qt.ItemDataRole.ForegroundRole and col == Column.REACHABLE and not row.reachable:
            return _MISSING_COLOR
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("Name"), self.tr("Email"), self.tr("Phone"), self.tr("Telegram chat"),
                    self.tr("Reachable via"))[section]
        if role == Qt.ItemDataRole.ToolTipRole and section == Column.REACHABLE:
            return self.tr("Channels that are set up and have an address for this person")
        return None

    # No flags(): QAbstractTableModel's own (enabled, selectable, no children) is the same answer
    # in C++, and Qt asks it for every cell of a selection (Ctrl+A over 100,000 rows: 500,000
    # calls, seconds of a frozen window when they were Python).


def _read_first(h: History, page_size: int, text: str, sort: str, descending: bool,
                configured: tuple[str, ...] | None, keep: list[int], focus: int | None,
                cancelled: Callable[[], bool], total_known: int | None = None) -> Loaded:
    """On the worker: everything one search/sort answer needs, in one go. A plain function:
    nothing on the worker thread touches the model (a QObject the GUI thread owns)."""
    count = h.recipients_count(text)
    if not text.strip():
        total = count
    elif total_known is not None:  # a new search over the same people: no second count
        total = total_known
    else:
        total = h.recipients_count("")
    if cancelled():
        raise Cancelled
    kept = h.recipients_among(text, keep) if keep else []
    focus_row = (h.recipient_position(text, sort, descending, focus, configured)
                 if focus is not None else None)
    pages = {0}
    if focus_row is not None:
        pages.add(focus_row // page_size)
    read = {p: h.recipients_page(text, sort, descending, p * page_size, page_size, cancelled,
                                 configured=configured) for p in sorted(pages)}
    return Loaded(total, count, read, kept, focus_row, keep)
