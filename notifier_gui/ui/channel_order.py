"""The channel-order control of Compose (the order for one send) and of Settings → Delivery
policy (the default order): one widget, so both read and behave the same (#13 item 21).

A checkable, reorderable email/sms/telegram list: drag a row, or make it current and use
"Move up" / "Move down". Compose also has "Reset" (back to the settings' order) and a line
saying whom the order applies to (``per_send=True``).
"""
from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core.config import CHANNEL_NAMES

ID_ROLE = Qt.ItemDataRole.UserRole + 1


class ChannelOrderList(QWidget):
    """Checked channels, top to bottom, are the order they are tried in.

    Compose (``per_send``): while the list matches the default order, recipients' own
    preferred orders still apply; once changed, the shown order is used for everyone in
    this send.

    Signals:
        changed(): the order or a check box changed.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, per_send: bool = True) -> None:
        super().__init__(parent)
        self.per_send = per_send
        self._default: tuple[str, ...] = ()
        self._loading = False
        self.titles = {"email": self.tr("Email"), "sms": self.tr("SMS"), "telegram": self.tr("Telegram")}
        self.list = QListWidget()
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setFixedHeight(len(CHANNEL_NAMES) * self.list.fontMetrics().height() + 28)
        self.list.itemChanged.connect(self._on_changed)
        model = self.list.model()
        model.rowsMoved.connect(self._on_changed)
        model.rowsInserted.connect(self._on_changed)

        self.up = QToolButton()
        self.up.setText(self.tr("Move up"))
        self.up.setToolTip(self.tr("Try this channel earlier"))
        self.up.clicked.connect(lambda: self.move_current(-1))
        self.down = QToolButton()
        self.down.setText(self.tr("Move down"))
        self.down.setToolTip(self.tr("Try this channel later"))
        self.down.clicked.connect(lambda: self.move_current(1))
        self.reset = QToolButton()
        self.reset.setText(self.tr("Reset"))
        self.reset.setToolTip(self.tr("Back to the default order from the settings"))
        self.reset.clicked.connect(self.restore_default)
        self.reset.setVisible(per_send)
        shown = (self.up, self.down, self.reset) if per_send else (self.up, self.down)
        width = max(b.sizeHint().width() for b in shown)
        buttons = QVBoxLayout()
        buttons.setSpacing(2)
        for button in shown:
            button.setMinimumWidth(width)
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.hint = QLabel()
        self.hint.setWordWrap(True)
        small = QFont(self.hint.font())
        small.setPointSizeF(small.pointSizeF() * 0.9)
        self.hint.setFont(small)
        self.hint.setVisible(per_send)

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.list, 1, Qt.AlignmentFlag.AlignTop)
        row.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        if per_send:
            layout.addWidget(self.hint)
        else:
            self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def set_default(self, order: Sequence[str], keep_custom: bool = False) -> None:
        """The settings' order: checked in that order, any other channel unchecked below.

        ``keep_custom``: an order the operator already changed stays as it is.
        """
        custom = keep_custom and bool(self._default) and self.is_custom()
        self._default = tuple(order)
        if custom:
            self._on_changed()
        else:
            self.restore_default()

    @Slot()
    def restore_default(self) -> None:
        self.set_order(self._default, [c for c in self.titles if c not in self._default])

    def set_order(self, checked: Sequence[str], unchecked: Sequence[str] = ()) -> None:
        self._loading = True
        self.list.clear()
        for name, on in [(c, True) for c in checked] + [(c, False) for c in unchecked]:
            item = QListWidgetItem(self.titles.get(name, name))
            item.setData(ID_ROLE, name)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                          | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsDragEnabled)
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self._loading = False
        self._on_changed()

    def channels(self) -> list[str]:
        """Checked channels, top to bottom: the order they are tried in."""
        out = []
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(str(item.data(ID_ROLE)))
        return out

    def is_custom(self) -> bool:
        return tuple(self.channels()) != self._default

    def move_current(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)
        self._on_changed()

    @Slot()
    def _on_changed(self, *_: object) -> None:
        if self._loading:
            return
        if self.is_custom():
            self.hint.setText(self.tr("This order is used for every recipient of this send."))
        else:
            self.hint.setText(self.tr("Recipients with a preferred order of their own keep it."))
        self.reset.setEnabled(self.is_custom())
        self.changed.emit()
