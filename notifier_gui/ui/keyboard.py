"""Keyboard use of item views (#13 item 9): the row the keyboard lands on is selected, as a
mouse click would select it, so the actions (Edit, Delete, Remove) apply to the row the
operator sees highlighted."""
from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication


def select_with_keys(view: QAbstractItemView) -> None:
    """Rows, not cells, are selected; and when the current row moves with nothing selected
    (Tab into the view puts the current row on the first one unselected), it is selected."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    model = view.selectionModel()

    def on_current(current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid() or model.hasSelection():
            return
        if (QApplication.mouseButtons() != Qt.MouseButton.NoButton
                or QApplication.keyboardModifiers() & Qt.KeyboardModifier.ControlModifier):
            return  # a Ctrl+click that just deselected the last row stays as the operator left it
        model.select(current, QItemSelectionModel.SelectionFlag.ClearAndSelect
                     | QItemSelectionModel.SelectionFlag.Rows)

    model.currentChanged.connect(on_current)
