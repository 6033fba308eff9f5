"""ShownRows: the delivery log table's copy of :class:`AttemptLogModel`'s rows in Qt's own
C++ storage, so painting the table never calls into Python.

Every call from Qt's C++ into a Python model (``data``, and ``rowCount``/``columnCount``
for each index) takes the GIL. Painting the table asks for seven roles and an index per
cell, some thousand calls a frame; while the delivery threads and the REST API's threads
run Python, each take of the GIL may wait for another thread's switch interval (5 ms), so a
frame of a Python model took 60–150 ms under 500 API requests a second (bench/measure.py
``api_window_stall``). A :class:`QStandardItemModel` answers those calls in C++.

:class:`AttemptLogModel` stays the model the panel and its tests talk to (paging, filters,
live events); this follows its signals, one row copied per inserted or changed row, in
the same order, so a row number means the same row in both.
"""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, Qt, Slot
from PySide6.QtGui import QStandardItem, QStandardItemModel

from .model import COL_DETAIL, COL_OUTCOME, AttemptLogModel


class ShownRows(QObject):
    """Owns :attr:`model`, the table's model, kept equal to ``source`` row by row."""

    def __init__(self, source: AttemptLogModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.model = QStandardItemModel(0, source.columnCount(), self)
        self.model.setHorizontalHeaderLabels(
            [str(source.headerData(c, Qt.Orientation.Horizontal)) for c in range(source.columnCount())])
        source.rowsInserted.connect(self._inserted)
        source.rowsRemoved.connect(self._removed)
        source.dataChanged.connect(self._changed)
        source.modelReset.connect(self._reset)
        self._reset()

    def _items(self, row: int) -> list[QStandardItem]:
        texts, colour, tip = self.source.shown_row(row)
        items = [QStandardItem(t) for t in texts]
        if colour is not None:
            items[COL_OUTCOME].setForeground(colour)
        if tip:
            items[COL_DETAIL].setToolTip(tip)
        return items

    @Slot()
    def _reset(self) -> None:
        self.model.setRowCount(0)
        for row in range(self.source.rowCount()):
            self.model.appendRow(self._items(row))

    @Slot(QModelIndex, int, int)
    def _inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        for row in range(first, last + 1):
            self.model.insertRow(row, self._items(row))

    @Slot(QModelIndex, int, int)
    def _removed(self, _parent: QModelIndex, first: int, last: int) -> None:
        self.model.removeRows(first, last - first + 1)

    @Slot(QModelIndex, QModelIndex)
    def _changed(self, top_left: QModelIndex, bottom_right: QModelIndex) -> None:
        """Rows in the range whose texts changed (an attempt finished) are copied again;
        the source names one range per batch, the unchanged rows in it cost a compare."""
        columns = range(self.model.columnCount())
        for row in range(top_left.row(), bottom_right.row() + 1):
            texts, colour, tip = self.source.shown_row(row)
            for c in columns:
                item = self.model.item(row, c)
                if item is None:
                    continue
                if item.text() != texts[c]:
                    item.setText(texts[c])
                if c == COL_OUTCOME and colour is not None and item.foreground().color() != colour:
                    item.setForeground(colour)
                if c == COL_DETAIL and item.toolTip() != tip:
                    item.setToolTip(tip)
