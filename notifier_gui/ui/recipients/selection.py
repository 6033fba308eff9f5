"""The recipients table's selection kept as ids, not rows: it survives pages leaving memory,
a new sort and a reload. Rows not in memory (Ctrl+A, a Shift+click far away) are read as ids
on the worker thread, never the GUI's; the operator's changes apply in the order made."""
from __future__ import annotations

import collections
import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QItemSelectionRange, QObject, Signal, Slot
from PySide6.QtWidgets import QTableView

from ..tasks import Tasks, alive
from .model import Column, RecipientsModel

log = logging.getLogger("notifier.ui.recipients")

_Ids = list[int] | Callable[[], list[int]]  # ids held, or their read for the worker thread


@dataclass
class _SelectionChange:
    """One change of the table's selection, in ids; ``replace``: nothing else stays selected."""

    selected: list[_Ids]
    deselected: list[_Ids]
    replace: bool

    def unread(self) -> bool:
        return any(callable(p) for p in (*self.selected, *self.deselected))

    async def read(self, tasks: Tasks) -> None:
        for parts in (self.selected, self.deselected):
            for i, part in enumerate(parts):
                if callable(part):
                    try:
                        parts[i] = await tasks.run(part)
                    except Exception:
                        log.exception("reading the selected recipients' ids failed")
                        parts[i] = []

    def apply(self, held: dict[int, None]) -> None:
        def ids(parts: list[_Ids]) -> list[int]:
            return [i for p in parts if not callable(p) for i in p]

        if self.replace:
            held.clear()
        else:
            for rid in ids(self.deselected):
                held.pop(rid, None)
        held.update(dict.fromkeys(ids(self.selected)))


class IdSelection(QObject):
    """``held``: the selected ids in the order selected (the view sets it for a new answer);
    ``reading``: a change waits for ids from the database.

    Signals:
        changed(): the operator changed the selection and ``held`` follows it.
    """

    changed = Signal()

    def __init__(self, table: QTableView, model: RecipientsModel, tasks: Tasks, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.table, self.model, self.tasks = table, model, tasks
        self.held: dict[int, None] = {}
        self._changes: collections.deque[_SelectionChange] = collections.deque()
        self._reading_ids = False  # the first change waits for its ids from the database
        self._applying = False  # the table is being selected from ``held``: not the operator's change
        table.selectionModel().selectionChanged.connect(self._on_selection)

    def ids(self) -> list[int]:
        return list(self.held)

    @property
    def reading(self) -> bool:
        return bool(self._changes)

    def show(self, first: int = 0, last: int | None = None, clear: bool = False) -> None:
        """Select the held rows ``first``..``last`` whose ids are selected (pages arriving,
        a new answer): the view's selection follows the ids, not the other way round."""
        if last is None:
            last = self.model.rowCount() - 1
        selection = QItemSelection()
        row_of = self.model.row_of
        rows = sorted(r for r in (row_of(i) for i in self.held) if r is not None and first <= r <= last)
        i = 0
        while i < len(rows):  # contiguous runs, one range each
            j = i
            while j + 1 < len(rows) and rows[j + 1] == rows[j] + 1:
                j += 1
            selection.select(self.model.index(rows[i], 0), self.model.index(rows[j], len(Column) - 1))
            i = j + 1
        flags = QItemSelectionModel.SelectionFlag.Select
        if clear:
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        if selection.isEmpty() and not clear:
            return
        self._applying = True
        try:
            self.table.selectionModel().select(selection, flags)
        finally:
            self._applying = False

    @Slot(QItemSelection, QItemSelection)
    def _on_selection(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        """The operator changed the selection: follow it in ids (a click that leaves only what
        it selected replaces the whole selection). Rows not in memory (Ctrl+A, a Shift+click
        far away) are read as ids on the worker thread; changes apply in the order made."""
        if self._applying:
            return

        def parts(sel: QItemSelection) -> list[_Ids]:
            ranges: list[QItemSelectionRange] = list(sel)  # type: ignore[call-overload]
            return [self.model.ids_in_rows(r.top(), r.bottom()) for r in sorted(ranges, key=QItemSelectionRange.top)]

        whole = self.table.selectionModel().selection()
        replace = whole == selected  # a click, Ctrl+A, a key
        change = _SelectionChange(parts(selected), [] if replace else parts(deselected), replace)
        if change.unread():  # e.g. a click after Ctrl+A: what is left may be all in memory
            now = parts(whole)
            if not any(callable(p) for p in now):
                change = _SelectionChange(now, [], True)
        self._changes.append(change)
        self._follow()

    def _follow(self) -> None:
        """Apply the queued selection changes; one that needs a read waits for it (on the
        worker thread) and the ones after it wait their turn."""
        while self._changes and not self._reading_ids:
            change = self._changes[0]
            if change.unread():
                self._reading_ids = True
                self.tasks.start(self._read_ids(change))
                return
            self._changes.popleft()
            change.apply(self.held)
            self.changed.emit()

    async def _read_ids(self, change: _SelectionChange) -> None:
        try:
            await change.read(self.tasks)
        finally:
            if alive(self):
                self._reading_ids = False
        if alive(self):
            self._follow()
