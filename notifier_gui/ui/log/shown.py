"""ShownRows: the delivery log table's copy of :class:`AttemptLogModel`'s rows in Qt's own
C++ storage, so painting the table never calls into Python, filled by a time budget per
tick so that no page, filter or trim stalls the window whatever its size.

Every call from Qt's C++ into a Python model (``data``, and ``rowCount``/``columnCount``
for each index) takes the GIL. Painting the table asks for seven roles and an index per
cell, some thousand calls a frame; while the delivery threads and the REST API's threads
run Python, each take of the GIL may wait for another thread's switch interval (5 ms), so a
frame of a Python model took 60–150 ms under 500 API requests a second (bench/measure.py
``api_window_stall``). A :class:`QStandardItemModel` answers those calls in C++.

Copying is the cost that grows with a page: texts for every cell plus an item each, about
40 µs a row, so a filter's reset of 1,000 rows held took ~30 ms and a scrolled-in page of
200 (with 200 trimmed at the far end) ~35 ms on the GUI thread (bench/history.py ``log``,
largest stall 41–73 ms against < 50). So:

- The rows themselves (insert, remove, reset) follow the source at once, as empty rows, so
  a row number means the same row in both at every moment (selection, scrolling and the
  panel's position keeping read the source by row number).
- Their texts are copied by a time budget per tick (:attr:`budget_s`, at least one row a
  tick), the rows on screen first (:meth:`fill_visible`, called when the view scrolls), the
  rest on the following ticks; :attr:`pending` counts the rows still to copy.
- The rows live in a :class:`QTableWidget`'s own model, not a :class:`QStandardItemModel`:
  the latter finds an item's row by searching outwards from where the item last was, and
  every removed item is looked up, so after a page went in above them, trimming 200 rows
  took 8–12 ms and clearing 1,000 took 20–26 ms in C++ alone (bench/README's measurements);
  the table widget's model drops removed items without a lookup (0.4 and 1.2 ms).
- Items are copies of a prototype made in C++ (``clone``) and replaced whole, never changed
  in place: an item made by a Python constructor keeps a Python wrapper for its life (its
  deletion calls back into Python), and changing an item in place looks its row up.

:class:`AttemptLogModel` stays the model the panel and its tests talk to (paging, filters,
live events); this follows its signals, in the same order.
"""
from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

from .model import COL_DETAIL, COL_OUTCOME, AttemptLogModel


def _nothing_visible() -> range:
    return range(0)


class ShownRows(QObject):
    """Keeps ``table``'s rows equal to ``source`` row by row (the texts within a few ticks,
    the rows on screen at once)."""

    budget_s = 0.004  # copying per tick; the rest waits for the next tick

    def __init__(self, source: AttemptLogModel, table: QTableWidget,
                 visible: Callable[[], range] = _nothing_visible) -> None:
        super().__init__(table)
        self.source = source
        self.table = table
        self.visible = visible  # the rows on screen now (the panel's table knows)
        table.setColumnCount(source.columnCount())
        table.setHorizontalHeaderLabels(
            [str(source.headerData(c, Qt.Orientation.Horizontal)) for c in range(source.columnCount())])
        self._prototype = QTableWidgetItem()
        self._stale: list[bool] = []  # per row: its texts are still to be copied
        self._pending = 0
        self._cursor = 0  # where the search for the next stale row starts
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._fill)
        source.rowsInserted.connect(self._inserted)
        source.rowsRemoved.connect(self._removed)
        source.dataChanged.connect(self._changed)
        source.modelReset.connect(self._reset)
        self._reset()

    @property
    def model(self) -> QAbstractItemModel:
        """The table's model (what the view paints)."""
        return self.table.model()

    @property
    def pending(self) -> int:
        """Rows whose texts are not copied yet (0: the copy equals the source)."""
        return self._pending

    # -- following the source's rows ------------------------------------------------------
    @Slot()
    def _reset(self) -> None:
        n = self.source.rowCount()
        self._stale, self._pending = [], 0
        self.table.setRowCount(0)
        self.table.setRowCount(n)
        self._stale = [True] * n
        self._pending = n
        self._cursor = 0
        self._copied_some()

    @Slot(QModelIndex, int, int)
    def _inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        k = last - first + 1
        self.model.insertRows(first, k)
        self._stale[first:first] = [True] * k
        self._pending += k
        self._copied_some()

    @Slot(QModelIndex, int, int)
    def _removed(self, _parent: QModelIndex, first: int, last: int) -> None:
        self._pending -= sum(self._stale[first:last + 1])
        del self._stale[first:last + 1]
        self.model.removeRows(first, last - first + 1)
        if self._cursor > first:
            self._cursor = first

    @Slot(QModelIndex, QModelIndex)
    def _changed(self, top_left: QModelIndex, bottom_right: QModelIndex) -> None:
        """Changed rows (an attempt finished) are copied again; the source names one range
        per batch)."""
        for row in range(top_left.row(), bottom_right.row() + 1):
            if not self._stale[row]:
                self._stale[row] = True
                self._pending += 1
        self._cursor = min(self._cursor, top_left.row())
        self._copied_some()

    # -- copying ------------------------------------------------------------------------------
    def _copied_some(self) -> None:
        """The rows on screen now, then the rest on the next ticks."""
        self.fill_visible()
        if self._pending and not self._timer.isActive():
            self._timer.start()

    def fill_visible(self) -> None:
        """Copy the rows on screen that are not copied yet (called when the view scrolls, so
        the operator never sees an empty row)."""
        stale = self._stale
        if not self._pending or len(stale) != self.table.rowCount():
            return  # nothing to copy, or called from inside a change of the rows (copied after it)
        for row in self.visible():
            if 0 <= row < len(stale) and stale[row]:
                self._copy(row)

    @Slot()
    def _fill(self) -> None:
        """One tick's share: rows in order from the cursor until the budget is spent."""
        stale = self._stale
        deadline = time.perf_counter() + self.budget_s
        while self._pending:
            try:
                row = stale.index(True, self._cursor)
            except ValueError:
                row = stale.index(True)
            self._copy(row)
            self._cursor = row + 1
            if time.perf_counter() >= deadline:
                break
        if self._pending:
            self._timer.start()

    def _copy(self, row: int) -> None:
        texts, colour, tip = self.source.shown_row(row)
        table, prototype = self.table, self._prototype
        for c, text in enumerate(texts):
            item = prototype.clone()
            item.setText(text)
            if c == COL_OUTCOME and colour is not None:
                item.setForeground(colour)
            elif c == COL_DETAIL and tip:
                item.setToolTip(tip)
            table.setItem(row, c, item)
        self._stale[row] = False
        self._pending -= 1
