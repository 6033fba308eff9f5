"""The Compose view: choose recipients, write a message, pick the channel order, send.

Sending queues the message (one notification per recipient, one transaction) through the
core and wakes the queue worker; delivery itself happens in the worker and shows up in the
delivery log. Everything that touches the database or the keyring runs through
``ctx.tasks`` so the window never waits on it.

Signals of ComposeView:
    sent(list): ids of the notifications just queued.
"""
from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Sequence

from PySide6.QtCore import QEvent, QModelIndex, QObject, QSettings, QSortFilterProxyModel, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFont, QKeySequence, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core import validation as v
from ..core.secrets import SecretStoreError
from ..core.sending import REPEAT_WINDOW_SECONDS, enqueue_send, plan_send
from ..core.records import RecipientData
from ..core.templates import PLACEHOLDERS, known_names, unknown_placeholders
from .channel_order import ChannelOrderList
from .context import AppContext
from .core_text import core_text
from .keyboard import select_with_keys
from .plural import counted
from .preview import PreviewInput, PreviewPane
from .reach import reachable
from .tasks import alive

log = logging.getLogger("notifier.ui.compose")

MANY_RECIPIENTS = 10       # more than this asks for a confirmation
PREVIEW_DELAY_MS = 150
ERROR_STYLE = "color: #b00020;"
OK_STYLE = "color: #1b7a2f;"
WARNING_STYLE = "color: #8a5a00;"
SPLITTER_KEY = "compose/splitter"
DRAFT_KEY = "compose/draft/"
ID_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2

Confirm = Callable[..., bool | Awaitable[bool]]


def describe(r: RecipientData) -> str:
    """One line per person in lists: name, then the addresses they have."""
    contacts = [c for c in (r.email, r.phone) if c]
    if r.telegram_chat_id:
        contacts.append("Telegram")
    return f"{r.name} — {' · '.join(contacts)}" if contacts else r.name


# --------------------------------------------------------------------------------------
# Recipient picker
# --------------------------------------------------------------------------------------
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
# The view
# --------------------------------------------------------------------------------------
def _error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setBold(True)
    label.setFont(font)
    return label


class ComposeView(QWidget):
    """Write one message to several recipients and queue it.

    ``confirm_many(count)`` and ``confirm_repeat(names)`` decide the two confirmations
    (more than ten recipients; the same text sent to someone minutes ago). They may return
    a bool or an awaitable bool; by default they show a window-modal question. Tests
    inject plain functions.

    Signals:
        sent(list): notification ids just queued.
    """

    sent = Signal(list)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 confirm_many: Confirm | None = None, confirm_repeat: Confirm | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.confirm_many: Confirm = confirm_many or self._ask_many
        self.confirm_repeat: Confirm = confirm_repeat or self._ask_repeat
        self._ids: list[int] = []
        self._people: dict[int, RecipientData] = {}
        self._load_seq = 0
        self._busy = False
        self._insert_target: QLineEdit | QPlainTextEdit | None = None
        self.picker: RecipientPicker | None = None

        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self._update_preview)

        form = self._build_form()
        self.preview = PreviewPane(ctx)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(form)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(0, 11)
        splitter.setStretchFactor(1, 9)
        splitter.setSizes([550, 450])
        saved = ctx.ui_state.value(SPLITTER_KEY)
        if saved is not None:
            splitter.restoreState(saved)
        splitter.splitterMoved.connect(self._save_splitter)
        self.splitter = splitter

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.send_button = QPushButton(self.tr("Send"))
        self.send_button.setDefault(True)
        self.send_button.setToolTip(self.tr("Queue the message for every chosen recipient (Ctrl+Enter)"))
        self.send_button.setMinimumWidth(120)
        self.send_button.clicked.connect(self.send)
        for keys in (QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")):
            QShortcut(keys, self, self.send)
        # Sending feedback: a busy bar with the count while the core queues (2,000 rows take
        # seconds), then the result in ``status``. The main window keeps this bar outside
        # the page's scroll area, so Send and its feedback never sit below the fold.
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(160)
        self.progress.hide()
        self.send_bar = QWidget()
        bottom = QHBoxLayout(self.send_bar)
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.progress)
        bottom.addWidget(self.send_button)

        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.send_bar)

        self.channels.set_default(ctx.runtime.settings.channels)
        self._update_recipient_header()
        self._update_preview()
        ctx.tasks.start(self._check_sandbox())

    # -- draft that survives a restart ------------------------------------------------
    def save_draft(self, state: QSettings) -> None:
        """Subject, message and recipients not sent yet (never the one-off SMTP password)."""
        state.setValue(DRAFT_KEY + "subject", self.subject.text())
        state.setValue(DRAFT_KEY + "message", self.message.toPlainText())
        state.setValue(DRAFT_KEY + "recipients", ",".join(str(i) for i in self._ids))

    def restore_draft(self, state: QSettings) -> None:
        self.subject.setText(str(state.value(DRAFT_KEY + "subject", "") or ""))
        self.message.setPlainText(str(state.value(DRAFT_KEY + "message", "") or ""))
        ids = [int(x) for x in str(state.value(DRAFT_KEY + "recipients", "") or "").split(",") if x.isdigit()]
        if ids:
            self.set_recipients(ids)  # people deleted meanwhile drop out as the list loads

    @Slot()
    def _save_splitter(self) -> None:
        self.ctx.ui_state.setValue(SPLITTER_KEY, self.splitter.saveState())

    # -- construction -----------------------------------------------------------------
    def _build_form(self) -> QWidget:
        form = QWidget()
        layout = QVBoxLayout(form)
        layout.setContentsMargins(0, 0, 6, 0)

        # recipients
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
        self._table_selection: list[int] = []
        self.set_table_selection([])
        head = QHBoxLayout()
        head.addWidget(_heading(self.tr("Recipients")))
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
        self.recipients_error = _error_label()
        self._configured: list[str] | None = None  # None: sandbox (or not known yet)
        self.unreachable_note = QLabel()  # said before sending, not learnt from the log after
        self.unreachable_note.setStyleSheet(WARNING_STYLE)
        self.unreachable_note.setWordWrap(True)
        self.unreachable_note.hide()
        layout.addLayout(head)
        layout.addWidget(self.recipient_list)
        layout.addWidget(self.recipients_error)
        layout.addWidget(self.unreachable_note)

        # subject and message
        self.subject = QLineEdit()
        self.subject.setPlaceholderText(self.tr("Optional; email subject and first line of SMS and Telegram"))
        self.subject.textChanged.connect(self._schedule_preview)
        self.subject.installEventFilter(self)
        self.subject_error = _error_label()
        self.message = QPlainTextEdit()
        self.message.setPlaceholderText(self.tr("Write the message. {name}, {email} and {phone} are filled in for each recipient."))
        self.message.setTabChangesFocus(True)  # Tab moves on (keyboard users); a tab character is never wanted here
        self.message.textChanged.connect(self._schedule_preview)
        self.message.installEventFilter(self)
        self.message_error = _error_label()
        self.placeholder_warning = QLabel()  # {nmae}: sent as written, so say so before sending
        self.placeholder_warning.setStyleSheet(WARNING_STYLE)
        self.placeholder_warning.setWordWrap(True)
        self.placeholder_warning.hide()
        layout.addWidget(_heading(self.tr("Subject")))
        layout.addWidget(self.subject)
        layout.addWidget(self.subject_error)
        layout.addWidget(_heading(self.tr("Message")))
        layout.addWidget(self.message, 1)
        layout.addWidget(self.message_error)
        layout.addWidget(self.placeholder_warning)

        # placeholders
        hint = QHBoxLayout()
        hint.addWidget(QLabel(self.tr("Insert a placeholder:")))
        self.placeholder_buttons: dict[str, QToolButton] = {}
        tips = {"name": self.tr("The recipient's name"), "email": self.tr("The recipient's email address"),
                "phone": self.tr("The recipient's phone number")}
        for name in PLACEHOLDERS:
            button = QToolButton()
            button.setText("{" + name + "}")
            button.setToolTip(tips.get(name, ""))
            button.clicked.connect(lambda _=False, n=name: self.insert_placeholder(n))
            self.placeholder_buttons[name] = button
            hint.addWidget(button)
        hint.addStretch(1)
        layout.addLayout(hint)

        # channel order and per-send SMTP account, side by side
        self.channels = ChannelOrderList()
        self.channels.changed.connect(self._schedule_preview)
        self.channels.changed.connect(self._update_reach)
        self.channels_error = _error_label()
        channel_box = QGroupBox(self.tr("Channel order for this send"))
        cb = QVBoxLayout(channel_box)
        cb.addWidget(self.channels)
        cb.addWidget(self.channels_error)

        self.smtp_group = QGroupBox(self.tr("Send with a different SMTP account"))
        self.smtp_group.setCheckable(True)
        self.smtp_group.setChecked(False)
        self.smtp_login = QLineEdit()
        self.smtp_login.setPlaceholderText(self.tr("Login, e.g. name@example.com"))
        self.smtp_login.textChanged.connect(self._schedule_preview)
        self.smtp_password = QLineEdit()
        self.smtp_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.smtp_password.setPlaceholderText(self.tr("Password or app password"))
        self.smtp_error = _error_label()
        self.smtp_fields = QWidget()
        sf = QFormLayout(self.smtp_fields)
        sf.setContentsMargins(0, 0, 0, 0)
        sf.addRow(self.tr("Login:"), self.smtp_login)
        sf.addRow(self.tr("Password:"), self.smtp_password)
        note = QLabel(self.tr("Kept in the system credential store for these messages only, never in the database."))
        note.setWordWrap(True)
        sf.addRow(note)
        sf.addRow(self.smtp_error)
        self.smtp_default_note = QLabel(self.tr("Off: email goes out through the SMTP account in the settings."))
        self.smtp_default_note.setWordWrap(True)
        sg = QVBoxLayout(self.smtp_group)
        sg.addWidget(self.smtp_default_note)
        sg.addWidget(self.smtp_fields)
        self.smtp_fields.setVisible(False)
        self.smtp_group.toggled.connect(self._smtp_toggled)

        # Word-wrapped labels under-report their height to the layout; without a floor the
        # page squeezes this box (buttons crushed, hint over the list) instead of scrolling.
        channel_box.setMinimumHeight(channel_box.sizeHint().height())
        options = QHBoxLayout()
        options.addWidget(channel_box, 2, Qt.AlignmentFlag.AlignTop)
        options.addWidget(self.smtp_group, 3, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(options)
        self._update_recipient_header()
        return form

    # -- recipients -------------------------------------------------------------------
    def recipient_ids(self) -> list[int]:
        return list(self._ids)

    def set_recipients(self, ids: Sequence[int]) -> None:
        """Replace the chosen recipients (the main window's table selection)."""
        self._ids = list(dict.fromkeys(int(i) for i in ids))
        self._refresh_recipient_rows()
        self._load_seq += 1
        self.ctx.tasks.start(self._load_people(self._load_seq))

    def set_configured(self, channels: Sequence[str] | None) -> None:
        """The channels set up in Settings (None in sandbox mode), for the reach warning."""
        self._configured = None if channels is None else list(channels)
        self._update_reach()

    def unreachable(self) -> list[RecipientData]:
        """Chosen people no set-up channel of their order can reach (their sends fail at once)."""
        custom = self.channels.channels() if self.channels.is_custom() else None
        default = self.ctx.runtime.settings.channels
        out = []
        for rid in self._ids:
            r = self._people.get(rid)
            if r is not None and not reachable(r, self._configured, custom or r.channels or default):
                out.append(r)
        return out

    @Slot()
    def _update_reach(self) -> None:
        missing = self.unreachable()
        self.unreachable_note.setVisible(bool(missing))
        if missing:
            shown = ", ".join(r.name for r in missing[:3]) + ("…" if len(missing) > 3 else "")
            self.unreachable_note.setText(self.tr(
                "No channel that is set up can reach %1 of the %2 chosen recipients (%3): their messages "
                "would fail at once. Add their addresses, set the channel up in Settings, or check it above.")
                .replace("%1", str(len(missing))).replace("%2", str(len(self._ids))).replace("%3", shown))

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

    def add_recipients(self, ids: Sequence[int]) -> None:
        self.set_recipients(self._ids + [i for i in ids if i not in self._ids])

    @Slot()
    def remove_selected(self) -> None:
        rows = {i.row() for i in self.recipient_list.selectionModel().selectedRows()}
        if rows:
            self.set_recipients([rid for n, rid in enumerate(self._ids) if n not in rows])

    async def _load_people(self, seq: int) -> None:
        # Only the chosen people: the recipients table may hold a hundred thousand.
        known = await self.ctx.tasks.run(self.ctx.runtime.store.recipients_by_id, list(self._ids))
        if not alive(self) or seq != self._load_seq:
            return
        self._people = {i: known[i] for i in self._ids if i in known}
        self._ids = [i for i in self._ids if i in known]  # deleted meanwhile: drop them
        self._refresh_recipient_rows()
        self._update_reach()
        self.preview.set_recipients([self._people[i] for i in self._ids])

    def _refresh_recipient_rows(self) -> None:
        m = self.recipient_model
        if [m.item(i).data(ID_ROLE) for i in range(m.rowCount())] == self._ids:
            # The same people (their names just read): texts change in place, so the list's
            # current row and selection stay as the operator left them.
            for i, rid in enumerate(self._ids):
                r = self._people.get(rid)
                m.item(i).setText(describe(r) if r else f"#{rid}")
            self._update_recipient_header()
            return
        m.clear()
        for rid in self._ids:
            r = self._people.get(rid)
            item = QStandardItem(describe(r) if r else f"#{rid}")
            item.setData(rid, ID_ROLE)
            self.recipient_model.appendRow(item)
        if self._ids:
            self.recipients_error.hide()
        self._update_recipient_header()

    def _update_recipient_header(self) -> None:
        n = len(self._ids)
        self.recipient_count.setText(self.tr("(%n chosen)", None, n) if n else self.tr("(none chosen)"))
        if hasattr(self, "send_button") and not self._busy:
            self.send_button.setText(self._send_text())
        self._update_buttons()

    def _send_text(self) -> str:
        """The Send button names how many people it sends to, so the count is never a surprise."""
        n = len(self._ids)
        if n == 1:  # English has no plural forms without a translation file: say it right
            return self.tr("Send to 1 recipient")
        return self.tr("Send to %n recipients", None, n) if n else self.tr("Send")

    @Slot()
    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(self.recipient_list.selectionModel().hasSelection())

    @Slot()
    def open_picker(self) -> None:
        self.add_button.setEnabled(False)
        self.ctx.tasks.start(self._open_picker())

    async def _open_picker(self) -> None:
        try:
            people = await self.ctx.tasks.run(self.ctx.runtime.store.list_recipients)
        finally:
            if alive(self):
                self.add_button.setEnabled(True)
        if not alive(self):
            return
        self.picker = RecipientPicker(people, self._ids, self)
        self.picker.accepted.connect(self._picker_accepted)
        self.picker.finished.connect(self.picker.deleteLater)
        self.picker.open()

    @Slot()
    def _picker_accepted(self) -> None:
        if self.picker is not None:
            self.add_recipients(self.picker.selected_ids())

    @Slot()
    def reload_settings(self) -> None:
        """After the settings changed: new default order (unless customised), fresh preview."""
        self.channels.set_default(self.ctx.runtime.settings.channels, keep_custom=True)
        self._update_preview()
        self.ctx.tasks.start(self._check_sandbox())

    # -- text -------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Remember which text field placeholders should go into."""
        if event.type() == QEvent.Type.FocusIn and watched in (self.subject, self.message):
            self._insert_target = self.subject if watched is self.subject else self.message
        return super().eventFilter(watched, event)

    def insert_placeholder(self, name: str) -> None:
        target = self._insert_target or self.message
        token = "{" + name + "}"
        if isinstance(target, QLineEdit):
            target.insert(token)
        else:
            target.insertPlainText(token)
        target.setFocus()

    @Slot(bool)
    def _smtp_toggled(self, on: bool) -> None:
        self.smtp_fields.setVisible(on)
        self.smtp_default_note.setVisible(not on)
        if not on:
            self.smtp_password.clear()
            self.smtp_error.hide()
        self._schedule_preview()

    # -- preview ----------------------------------------------------------------------
    @Slot()
    def _schedule_preview(self) -> None:
        self._preview_timer.start()

    def _warn_placeholders(self) -> None:
        unknown = unknown_placeholders(self.subject.text(), self.message.toPlainText())
        self.placeholder_warning.setVisible(bool(unknown))
        if unknown:
            self.placeholder_warning.setText(self.tr(
                "Not a placeholder, sent exactly as written: {unknown}. The placeholders are {known}.").format(
                    unknown=", ".join(unknown), known=known_names()))

    @Slot()
    def _update_preview(self) -> None:
        self._warn_placeholders()
        self.preview.show_message(PreviewInput(
            subject=self.subject.text(),
            body=self.message.toPlainText(),
            smtp_user=self.smtp_login.text().strip() if self.smtp_group.isChecked() else None,
            channels=tuple(self.channels.channels()),
        ))

    async def _check_sandbox(self) -> None:
        sandbox = await self.ctx.tasks.run(self.ctx.runtime.sandbox)
        if alive(self):
            self.preview.set_sandbox(sandbox)

    # -- sending ----------------------------------------------------------------------
    def _show_error(self, label: QLabel, text: str) -> None:
        label.setText(text[:1].upper() + text[1:])
        label.show()

    def _set_status(self, text: str, ok: bool) -> None:
        self.status.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.status.setText(text)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.progress.setVisible(busy)
        if busy:
            self.status.setStyleSheet("")
            self.status.setText(self.tr("Queuing the message (recipients: %1)…").replace("%1", str(len(self._ids))))
        self.send_button.setEnabled(not busy)
        self.send_button.setText(self.tr("Queuing…") if busy else self._send_text())

    def _validate(self) -> tuple[str, str, str | None, str | None] | None:
        """Check the form with the core validators; show each problem under its field."""
        for label in (self.recipients_error, self.subject_error, self.message_error,
                      self.channels_error, self.smtp_error):
            label.hide()
        ok = True
        subject = body = ""
        if not self._ids:
            self._show_error(self.recipients_error, self.tr("Choose at least one recipient."))
            ok = False
        try:
            subject = v.subject(self.subject.text())
        except v.ValidationError as exc:
            self._show_error(self.subject_error, core_text(exc.message))
            ok = False
        try:
            body = v.message(self.message.toPlainText())
        except v.ValidationError as exc:
            self._show_error(self.message_error, core_text(exc.message))
            ok = False
        if not self.channels.channels():
            self._show_error(self.channels_error, self.tr("Choose at least one channel."))
            ok = False
        user: str | None = None
        password: str | None = None
        if self.smtp_group.isChecked():
            try:
                user = v.header_value(self.smtp_login.text(), "login") or None
            except v.ValidationError as exc:
                self._show_error(self.smtp_error, core_text(exc.message))
                ok = False
            else:
                password = self.smtp_password.text() or None
                if not user or not password:
                    self._show_error(self.smtp_error, self.tr("Enter both the login and the password, "
                                                              "or untick this group to use the default account."))
                    ok = False
        return (subject, body, user, password) if ok else None

    @Slot()
    def send(self) -> None:
        """Validate here; the confirmations and the queuing run as one background task."""
        if self._busy:
            return
        self.status.clear()
        checked = self._validate()
        if checked is None:
            return
        subject, body, user, password = checked
        if password:
            self.ctx.runtime.secrets.redactor.add(password)
        channels = self.channels.channels() if self.channels.is_custom() else None
        self._set_busy(True)
        self.ctx.tasks.start(self._send(list(self._ids), subject, body, channels, user, password))

    async def _send(self, ids: list[int], subject: str, body: str, channels: list[str] | None,
                    user: str | None, password: str | None) -> None:
        try:
            if len(ids) > MANY_RECIPIENTS and not await self._confirmed(self.confirm_many, len(ids)):
                if alive(self):
                    self._set_status(self.tr("Not sent."), ok=False)
                return
            if not alive(self):
                return
            store = self.ctx.runtime.store
            plan = await self.ctx.tasks.run(plan_send, store, ids, subject, body)
            if not alive(self):
                return
            if plan.missing:
                self._set_status(self.tr("Some recipients were deleted meanwhile; check the list and send again."), ok=False)
                self.set_recipients(plan.ids)
                return
            if plan.repeats and not await self._confirmed(self.confirm_repeat, plan.repeats):
                if alive(self):
                    self._set_status(self.tr("Not sent again."), ok=False)
                return
            if not alive(self):
                return
            nids = await self.ctx.tasks.run(enqueue_send, self.ctx.runtime, plan, subject, body, channels,
                                            user, password)
            self.ctx.bridge.wake()
            if not alive(self):
                return
            self.smtp_password.clear()
            self.message.clear()
            self.message_error.hide()
            self._set_status(counted(self.tr("Queued %n notification(s).", None, len(nids)), len(nids)), ok=True)
            self.sent.emit(nids)
        except (v.ValidationError, SecretStoreError) as exc:
            if alive(self):
                self._set_status(core_text(str(exc)), ok=False)
        except Exception:
            log.exception("queuing a message failed")
            if alive(self):
                self._set_status(self.tr("The message could not be queued; see the log for details."), ok=False)
        finally:
            if alive(self):
                self._set_busy(False)

    @staticmethod
    async def _confirmed(confirm: Confirm, arg: object) -> bool:
        answer = confirm(arg)
        if inspect.isawaitable(answer):
            answer = await answer
        return bool(answer)

    async def _question(self, title: str, text: str) -> bool:
        """A window-modal Yes/No box awaited without a nested event loop (no exec())."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        future = self.ctx.tasks.loop.create_future()

        def done(result: int) -> None:
            if not future.done():
                future.set_result(result == QMessageBox.StandardButton.Yes.value)

        box.finished.connect(done)
        box.open()
        try:
            return bool(await future)
        finally:
            if alive(box):
                box.deleteLater()

    async def _ask_many(self, count: int) -> bool:
        return await self._question(
            self.tr("Send to many recipients?"),
            counted(self.tr("This message goes to %n recipient(s). Queue it for all of them?", None, count), count))

    async def _ask_repeat(self, names: list[str]) -> bool:
        shown = ", ".join(names[:5]) + (self.tr(" and %n more", None, len(names) - 5) if len(names) > 5 else "")
        return await self._question(
            self.tr("Send the same message again?"),
            self.tr("The same message was queued for {names} within the last {minutes} minutes. "
                    "Send it again to all {count} recipients of this message?").format(
                names=shown, minutes=REPEAT_WINDOW_SECONDS // 60, count=len(self._ids)))
