"""Add… in Compose: search the stored recipients and pick several.

The picker never holds the whole list: it shows at most :attr:`RecipientPicker.limit` people
matching the search, read by SQL (the Recipients tab's search: the recipients' full-text
index, phone numbers by their digits) on a worker thread, newest search only. Built from
every stored person, it blocked the window for 3 s at 100,000 people and 0.4 s per key
typed. To pick more people than a search shows, select them on the Recipients tab."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt, QTimer, Slot
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
from ...core.storage.history import Cancelled, History
from ..tasks import Tasks, alive

ID_ROLE = Qt.ItemDataRole.UserRole + 1


def describe(r: RecipientData) -> str:
    """One line per person in lists: name, then the addresses they have."""
    contacts = [c for c in (r.email, r.phone) if c]
    if r.telegram_chat_id:
        contacts.append("Telegram")
    return f"{r.name} — {' · '.join(contacts)}" if contacts else r.name


@dataclass(frozen=True)
class Matches:
    """One search's answer: the first people it matches (by name), how many it matches, and
    how many are stored at all."""

    people: list[RecipientData]
    count: int
    stored: int


def read_matches(history: History, text: str, limit: int, cancelled: Callable[[], bool]) -> Matches:
    """On the worker: the first ``limit`` people matching ``text`` by name, and the counts."""
    stored = history.recipients_count("")
    count = history.recipients_count(text) if text.strip() else stored
    if cancelled():
        raise Cancelled
    return Matches(history.recipients_page(text, "name", False, 0, limit, cancelled), count, stored)


class RecipientPicker(QDialog):
    """Search the recipients and pick several; ``selected_ids()`` after ``accepted``.
    ``loading`` is true while a search is read."""

    limit = 200  # people shown for one search
    debounce_ms = 150

    def __init__(self, tasks: Tasks, history: History, exclude: Sequence[int] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.history = tasks, history
        self.setWindowTitle(self.tr("Add recipients"))
        self.resize(440, 420)
        self._exclude = set(exclude)
        self._generation = 0
        self.loading = False
        self._accept_when_shown = False  # Add (Enter) came before the search's answer
        self.model = QStandardItemModel(self)

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search by name, email or phone"))
        self.search.setClearButtonEnabled(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.debounce_ms)
        self._timer.timeout.connect(self._read)
        self.search.textChanged.connect(self._typed)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.doubleClicked.connect(self._double_clicked)
        self.note = QLabel()  # what the list shows of the search's matches, or why it is empty
        self.note.setWordWrap(True)
        self.note.setVisible(False)

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
        layout.addWidget(self.note)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        self._read()

    def selected_ids(self) -> list[int]:
        """The selected people; with none selected, the current row (Enter after arrows or a search)."""
        rows = sorted(self.list.selectionModel().selectedRows(), key=lambda i: i.row())
        if not rows and self.list.currentIndex().isValid():
            rows = [self.list.currentIndex()]
        return [int(i.data(ID_ROLE)) for i in rows]

    def accept(self) -> None:
        """Add: the operator's choice among what the search shows, so Enter typed before a
        search's answer waits for it (it would add the previous answer's first person)."""
        if self.loading:
            self._accept_when_shown = True
            return
        super().accept()

    # -- searching ------------------------------------------------------------------------
    @Slot()
    def _typed(self) -> None:
        self._generation += 1  # what is read for an older text is not shown
        self.loading = True
        self._timer.start()

    @Slot()
    def _read(self) -> None:
        self._generation += 1
        self.loading = True
        self.tasks.start(self._load(self._generation, self.search.text()))

    async def _load(self, generation: int, text: str) -> None:
        def stale() -> bool:
            return generation != self._generation

        # Read a few more than shown: those already chosen are left out.
        size = self.limit + min(len(self._exclude), 5 * self.limit)
        try:
            found = await self.tasks.run(read_matches, self.history, text, size, stale)
        except Cancelled:
            return
        if not alive(self) or stale():
            return
        self.loading = False
        self._show(found, text)

    def _show(self, found: Matches, text: str) -> None:
        self.model.clear()
        offered = [r for r in found.people if r.id not in self._exclude][:self.limit]
        for r in offered:
            item = QStandardItem(describe(r))
            item.setData(r.id, ID_ROLE)
            self.model.appendRow(item)
        if not found.stored:
            note = self.tr("No recipients yet. Add them on the Recipients tab first.")
        elif not found.count:
            note = self.tr("No one matches “%1”.").replace("%1", text.strip())
        elif not offered and len(found.people) == found.count:
            note = (self.tr("Everyone is already chosen.") if not text.strip()
                    else self.tr("Everyone who matches is already chosen."))
        elif len(found.people) < found.count:
            note = (self.tr("Showing the first %1 of %2 people: type to narrow the search "
                            "(to choose more at once, select them on the Recipients tab).")
                    .replace("%1", f"{len(offered):,}").replace("%2", f"{found.count:,}"))
        else:
            note = ""
        self.note.setText(note)
        self.note.setVisible(bool(note))
        if self.model.rowCount():  # typing a search makes the first match current, so Enter adds it
            self.list.setCurrentIndex(self.model.index(0, 0))
        if self._accept_when_shown:
            self._accept_when_shown = False
            self.accept()

    @Slot(QModelIndex)
    def _double_clicked(self, index: QModelIndex) -> None:
        self.list.selectionModel().select(index, self.list.selectionModel().SelectionFlag.ClearAndSelect)
        self.accept()
