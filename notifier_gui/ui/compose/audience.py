"""Compose's recipients: the chosen people of one message, Add… (the picker), Remove,
"Use selection (N)" from the Recipients tab, and the warning when no channel that is set up
reaches some of them. Only the chosen people are read (on the worker thread): the recipients
table may hold a hundred thousand.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.records import RecipientData
from ...core.storage.history import History
from ..context import AppContext
from ..keyboard import select_with_keys
from ..reach import reachable
from ..tasks import alive
from .labels import WARNING_STYLE, error_label, heading
from .picker import ID_ROLE, RecipientPicker, describe


class RecipientsBox(QWidget):
    """The chosen recipients, in the order chosen. ``send_order()`` gives this send's own
    channel order (None: each person's or the settings' order), for the reach warning.

    Signals:
        changed(): the chosen ids changed.
        peopleLoaded(list): the chosen people as read (RecipientData), e.g. for the preview.
    """

    changed = Signal()
    peopleLoaded = Signal(list)

    def __init__(self, ctx: AppContext, send_order: Callable[[], list[str] | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._send_order = send_order
        self._ids: list[int] = []
        self._people: dict[int, RecipientData] = {}
        self._load_seq = 0
        self._configured: list[str] | None = None  # None: sandbox (or not known yet)
        self._table_selection: list[int] = []
        self.picker: RecipientPicker | None = None

        self.recipient_count = QLabel()
        self.add_button = QPushButton(self.tr("&Add…"))
        self.add_button.setToolTip(self.tr("Choose recipients from the list"))
        self.add_button.clicked.connect(self.open_picker)
        self.remove_button = QPushButton(self.tr("Re&move"))
        self.remove_button.setToolTip(self.tr("Remove the selected recipients from this message (Delete)"))
        self.remove_button.clicked.connect(self.remove_selected)
        # The audience changes only here, by the operator's own click: looking at a row on
        # the Recipients tab (or an import selecting what it added) never changes it.
        self.use_selection_button = QPushButton()
        self.use_selection_button.setToolTip(self.tr("Write to the people selected on the Recipients tab "
                                                     "instead of the ones chosen here"))
        self.use_selection_button.clicked.connect(self.use_table_selection)
        self.set_table_selection([])
        head = QHBoxLayout()
        head.addWidget(heading(self.tr("Recipients")))
        head.addWidget(self.recipient_count)
        head.addStretch(1)
        head.addWidget(self.use_selection_button)
        head.addWidget(self.add_button)
        head.addWidget(self.remove_button)
        self.recipient_model = QStandardItemModel(self)
        self.recipient_list = QListView()
        self.recipient_list.setModel(self.recipient_model)
        self.recipient_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.recipient_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.recipient_list.setFixedHeight(4 * self.recipient_list.fontMetrics().height() + 16)
        select_with_keys(self.recipient_list)
        self.recipient_list.selectionModel().selectionChanged.connect(self._update_buttons)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.recipient_list, self.remove_selected,
                  Qt.ShortcutContext.WidgetShortcut)
        self.recipients_error = error_label()
        self.unreachable_note = QLabel()  # said before sending, not learnt from the log after
        self.unreachable_note.setStyleSheet(WARNING_STYLE)
        self.unreachable_note.setWordWrap(True)
        self.unreachable_note.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.recipient_list)
        layout.addWidget(self.recipients_error)
        layout.addWidget(self.unreachable_note)
        self._update_header()

    # -- the chosen ids --------------------------------------------------------------------
    def recipient_ids(self) -> list[int]:
        return list(self._ids)

    def set_recipients(self, ids: Sequence[int]) -> None:
        """Replace the chosen recipients; their names and addresses are read on the worker."""
        self._ids = list(dict.fromkeys(int(i) for i in ids))
        self._refresh_rows()
        self._load_seq += 1
        self.ctx.tasks.start(self._load_people(self._load_seq))
        self.changed.emit()

    def add_recipients(self, ids: Sequence[int]) -> None:
        self.set_recipients(self._ids + [i for i in ids if i not in self._ids])

    @Slot()
    def remove_selected(self) -> None:
        rows = {i.row() for i in self.recipient_list.selectionModel().selectedRows()}
        if rows:
            self.set_recipients([rid for n, rid in enumerate(self._ids) if n not in rows])

    @Slot(list)
    def set_table_selection(self, ids: Sequence[int]) -> None:
        """The Recipients tab's selection, offered as "Use selection (N)"; never applied by itself."""
        self._table_selection = list(ids)
        n = len(self._table_selection)
        self.use_selection_button.setText(self.tr("&Use selection (%1)").replace("%1", str(n)))
        self.use_selection_button.setEnabled(n > 0)

    @Slot()
    def use_table_selection(self) -> None:
        if self._table_selection:
            self.set_recipients(self._table_selection)

    async def _load_people(self, seq: int) -> None:
        known = await self.ctx.tasks.run(self.ctx.runtime.store.recipients_by_id, list(self._ids))
        if not alive(self) or seq != self._load_seq:
            return
        self._people = {i: known[i] for i in self._ids if i in known}
        kept = [i for i in self._ids if i in known]  # deleted meanwhile: drop them
        dropped, self._ids = kept != self._ids, kept
        self._refresh_rows()
        self.update_reach()
        self.peopleLoaded.emit([self._people[i] for i in self._ids])
        if dropped:
            self.changed.emit()

    def _refresh_rows(self) -> None:
        m = self.recipient_model
        if [m.item(i).data(ID_ROLE) for i in range(m.rowCount())] == self._ids:
            # The same people (their names just read): texts change in place, so the list's
            # current row and selection stay as the operator left them.
            for i, rid in enumerate(self._ids):
                r = self._people.get(rid)
                m.item(i).setText(describe(r) if r else f"#{rid}")
            self._update_header()
            return
        m.clear()
        for rid in self._ids:
            r = self._people.get(rid)
            item = QStandardItem(describe(r) if r else f"#{rid}")
            item.setData(rid, ID_ROLE)
            self.recipient_model.appendRow(item)
        if self._ids:
            self.recipients_error.hide()
        self._update_header()

    def _update_header(self) -> None:
        n = len(self._ids)
        self.recipient_count.setText(self.tr("(%n chosen)", None, n) if n else self.tr("(none chosen)"))
        self._update_buttons()

    @Slot()
    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(self.recipient_list.selectionModel().hasSelection())

    # -- who cannot be reached ------------------------------------------------------------
    def set_configured(self, channels: Sequence[str] | None) -> None:
        """The channels set up in Settings (None in sandbox mode), for the reach warning."""
        self._configured = None if channels is None else list(channels)
        self.update_reach()

    def unreachable(self) -> list[RecipientData]:
        """Chosen people no set-up channel of their order can reach (their sends fail at once)."""
        custom = self._send_order()
        default = self.ctx.runtime.settings.channels
        out = []
        for rid in self._ids:
            r = self._people.get(rid)
            if r is not None and not reachable(r, self._configured, custom or r.channels or default):
                out.append(r)
        return out

    @Slot()
    def update_reach(self) -> None:
        missing = self.unreachable()
        self.unreachable_note.setVisible(bool(missing))
        if missing:
            shown = ", ".join(r.name for r in missing[:3]) + ("…" if len(missing) > 3 else "")
            self.unreachable_note.setText(self.tr(
                "No channel that is set up can reach %1 of the %2 chosen recipients (%3): their messages "
                "would fail at once. Add their addresses, set the channel up in Settings, or check it above.")
                .replace("%1", str(len(missing))).replace("%2", str(len(self._ids))).replace("%3", shown))

    # -- Add… ---------------------------------------------------------------------------------
    @Slot()
    def open_picker(self) -> None:
        """The picker reads its people itself, a search at a time (compose/picker.py)."""
        self.picker = RecipientPicker(self.ctx.tasks, History(self.ctx.runtime.store.engine), self._ids, self)
        self.picker.accepted.connect(self._picker_accepted)
        self.picker.finished.connect(self.picker.deleteLater)
        self.picker.open()

    @Slot()
    def _picker_accepted(self) -> None:
        if self.picker is not None:
            self.add_recipients(self.picker.selected_ids())
