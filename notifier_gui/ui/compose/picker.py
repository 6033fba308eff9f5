"""Add… in Compose: search the stored recipients and pick several."""
from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Slot
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.records import RecipientData

ID_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2


def describe(r: RecipientData) -> str:
    """One line per person in lists: name, then the addresses they have."""
    contacts = [c for c in (r.email, r.phone) if c]
    if r.telegram_chat_id:
        contacts.append("Telegram")
    return f"{r.name} — {' · '.join(contacts)}" if contacts else r.name


class RecipientPicker(QDialog):
    """Search the recipients and pick several; ``selected_ids()`` after ``accepted``."""

    def __init__(self, people: Sequence[RecipientData], exclude: Sequence[int] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add recipients"))
        self.resize(440, 420)
        skip = set(exclude)
        self.model = QStandardItemModel(self)
        for r in people:
            if r.id in skip:
                continue
            item = QStandardItem(describe(r))
            item.setEditable(False)
            item.setData(r.id, ID_ROLE)
            item.setData(" ".join(str(x) for x in (r.name, r.email, r.phone, r.telegram_chat_id) if x), SEARCH_ROLE)
            self.model.appendRow(item)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(SEARCH_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search by name, email or phone"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.search.textChanged.connect(self._first_match_current)
        self.list = QListView()
        self.list.setModel(self.proxy)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.doubleClicked.connect(self._double_clicked)
        self.empty = QLabel(self.tr("No recipients yet. Add them on the Recipients tab first.")
                            if not people else self.tr("Everyone is already chosen."))
        self.empty.setWordWrap(True)
        self.empty.setVisible(self.model.rowCount() == 0)

        select_all = QPushButton(self.tr("Select all shown"))
        select_all.clicked.connect(self.list.selectAll)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Add"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(select_all)
        row.addStretch(1)
        row.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.empty)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)

    def selected_ids(self) -> list[int]:
        """The selected people; with none selected, the current row (Enter after arrows or a search)."""
        rows = sorted(self.list.selectionModel().selectedRows(), key=lambda i: i.row())
        if not rows and self.list.currentIndex().isValid():
            rows = [self.list.currentIndex()]
        return [int(i.data(ID_ROLE)) for i in rows]

    @Slot()
    def _first_match_current(self) -> None:
        """Typing a search makes the first match current, so Enter adds it."""
        if self.proxy.rowCount() and not self.list.selectionModel().hasSelection():
            self.list.setCurrentIndex(self.proxy.index(0, 0))

    @Slot(QModelIndex)
    def _double_clicked(self, index: QModelIndex) -> None:
        self.list.selectionModel().select(index, self.list.selectionModel().SelectionFlag.ClearAndSelect)
        self.accept()


# --------------------------------------------------------------------------------------
