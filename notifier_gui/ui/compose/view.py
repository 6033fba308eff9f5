"""The Compose view: choose recipients, write a message, pick the channel order, send.

Sending queues the message (one notification per recipient, one transaction) through the
core and wakes the queue worker; delivery itself happens in the worker and shows up in the
delivery log. Everything that touches the database or the keyring runs through
``ctx.tasks`` so the window never waits on it.

Signals of ComposeView:
    sent(list): ids of the notifications just queued.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...core import validation as v
from ...core.records import RecipientData
from ...core.secrets import SecretStoreError
from ...core.sending import REPEAT_WINDOW_SECONDS, enqueue_send, plan_send
from ...core.templates import PLACEHOLDERS, known_names, unknown_placeholders
from ..channel_order import ChannelOrderList
from ..context import AppContext
from ..core_text import core_text
from ..plural import counted
from ..preview import PreviewInput, PreviewPane
from ..tasks import alive
from .audience import RecipientsBox
from .labels import ERROR_STYLE, OK_STYLE, WARNING_STYLE, error_label, heading
from .questions import Confirm, confirmed, question
from .smtp import SmtpAccountBox

log = logging.getLogger("notifier.ui.compose")

MANY_RECIPIENTS = 10       # more than this asks for a confirmation
PREVIEW_DELAY_MS = 150
SPLITTER_KEY = "compose/splitter"
DRAFT_KEY = "compose/draft/"


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
        self._busy = False
        self._insert_target: QLineEdit | QPlainTextEdit | None = None

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
        state.setValue(DRAFT_KEY + "recipients", ",".join(str(i) for i in self.recipient_ids()))

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
        self.audience = RecipientsBox(self.ctx, self._send_order)
        self.audience.changed.connect(self._update_recipient_header)
        self.audience.peopleLoaded.connect(self._people_loaded)
        layout.addWidget(self.audience)

        # subject and message
        self.subject = QLineEdit()
        self.subject.setPlaceholderText(self.tr("Optional; email subject and first line of SMS and Telegram"))
        self.subject.textChanged.connect(self._schedule_preview)
        self.subject.installEventFilter(self)
        self.subject_error = error_label()
        self.message = QPlainTextEdit()
        self.message.setPlaceholderText(self.tr("Write the message. {name}, {email} and {phone} are filled in for each recipient."))
        self.message.setTabChangesFocus(True)  # Tab moves on (keyboard users); a tab character is never wanted here
        self.message.textChanged.connect(self._schedule_preview)
        self.message.installEventFilter(self)
        self.message_error = error_label()
        self.placeholder_warning = QLabel()  # {nmae}: sent as written, so say so before sending
        self.placeholder_warning.setStyleSheet(WARNING_STYLE)
        self.placeholder_warning.setWordWrap(True)
        self.placeholder_warning.hide()
        layout.addWidget(heading(self.tr("Subject")))
        layout.addWidget(self.subject)
        layout.addWidget(self.subject_error)
        layout.addWidget(heading(self.tr("Message")))
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
        self.channels.changed.connect(self.audience.update_reach)
        self.channels_error = error_label()
        channel_box = QGroupBox(self.tr("Channel order for this send"))
        cb = QVBoxLayout(channel_box)
        cb.addWidget(self.channels)
        cb.addWidget(self.channels_error)

        self.smtp_group = SmtpAccountBox()
        self.smtp_group.toggled.connect(self._schedule_preview)
        self.smtp_group.login.textChanged.connect(self._schedule_preview)
        # the box's parts, by the names the rest of the view (and its tests) use
        self.smtp_login, self.smtp_password = self.smtp_group.login, self.smtp_group.password
        self.smtp_error, self.smtp_fields = self.smtp_group.error, self.smtp_group.fields

        # Word-wrapped labels under-report their height to the layout; without a floor the
        # page squeezes this box (buttons crushed, hint over the list) instead of scrolling.
        channel_box.setMinimumHeight(channel_box.sizeHint().height())
        options = QHBoxLayout()
        options.addWidget(channel_box, 2, Qt.AlignmentFlag.AlignTop)
        options.addWidget(self.smtp_group, 3, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(options)
        return form

    # -- recipients (the box does the work) ----------------------------------------------
    def recipient_ids(self) -> list[int]:
        return self.audience.recipient_ids()

    def set_recipients(self, ids: Sequence[int]) -> None:
        """Replace the chosen recipients (the main window's table selection)."""
        self.audience.set_recipients(ids)

    def set_configured(self, channels: Sequence[str] | None) -> None:
        self.audience.set_configured(channels)

    @Slot(list)
    def set_table_selection(self, ids: Sequence[int]) -> None:
        self.audience.set_table_selection(ids)

    @Slot(list)
    def _people_loaded(self, people: list[RecipientData]) -> None:
        self.preview.set_recipients(people)

    def _send_order(self) -> list[str] | None:
        """This send's own channel order, or None while the list shows the default."""
        return self.channels.channels() if self.channels.is_custom() else None

    def _update_recipient_header(self) -> None:
        if not self._busy:
            self.send_button.setText(self._send_text())

    def _send_text(self) -> str:
        """The Send button names how many people it sends to, so the count is never a surprise."""
        n = len(self.audience.recipient_ids())
        if n == 1:  # English has no plural forms without a translation file: say it right
            return self.tr("Send to 1 recipient")
        return self.tr("Send to %n recipients", None, n) if n else self.tr("Send")

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
            self.status.setText(self.tr("Queuing the message (recipients: %1)…").replace("%1", str(len(self.recipient_ids()))))
        self.send_button.setEnabled(not busy)
        self.send_button.setText(self.tr("Queuing…") if busy else self._send_text())

    def _validate(self) -> tuple[str, str, str | None, str | None] | None:
        """Check the form with the core validators; show each problem under its field."""
        for label in (self.audience.recipients_error, self.subject_error, self.message_error,
                      self.channels_error, self.smtp_error):
            label.hide()
        ok = True
        subject = body = ""
        if not self.recipient_ids():
            self._show_error(self.audience.recipients_error, self.tr("Choose at least one recipient."))
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
        self.ctx.tasks.start(self._send(self.recipient_ids(), subject, body, channels, user, password))

    async def _send(self, ids: list[int], subject: str, body: str, channels: list[str] | None,
                    user: str | None, password: str | None) -> None:
        try:
            if len(ids) > MANY_RECIPIENTS and not await confirmed(self.confirm_many, len(ids)):
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
            if plan.repeats and not await confirmed(self.confirm_repeat, plan.repeats):
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

    async def _ask_many(self, count: int) -> bool:
        return await question(
            self, self.ctx.tasks.loop, self.tr("Send to many recipients?"),
            counted(self.tr("This message goes to %n recipient(s). Queue it for all of them?", None, count), count))

    async def _ask_repeat(self, names: list[str]) -> bool:
        shown = ", ".join(names[:5]) + (self.tr(" and %n more", None, len(names) - 5) if len(names) > 5 else "")
        return await question(
            self, self.ctx.tasks.loop, self.tr("Send the same message again?"),
            self.tr("The same message was queued for {names} within the last {minutes} minutes. "
                    "Send it again to all {count} recipients of this message?").format(
                names=shown, minutes=REPEAT_WINDOW_SECONDS // 60, count=len(self.recipient_ids())))
