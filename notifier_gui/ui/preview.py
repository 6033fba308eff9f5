"""Per-channel preview of a message as it will really go out (Email, SMS, Telegram tabs).

Every text shown here comes from the core function the channel itself uses when sending
(``build_email``, ``compose_text`` + segment counting, ``format_parts``), so the preview
cannot drift from what is delivered. All of them are pure and fast; nothing here touches
the database, the keyring or the network. While the pane is hidden (the Compose tab is not
the current one, as at start-up) rendering waits for the pane to be shown: the SMS and
Telegram formatters pull in ``requests``, which the window does not need to appear.
"""
from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, replace

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..core.config import Settings
from ..core.delivery.channels.base import Message
from ..core.delivery.channels.email_message import build_email
from ..core.delivery.errors import DeliveryError
from ..core.records import RecipientData
from ..core.templates import render
from .context import AppContext
from .core_text import core_text
from .plural import counted

# What the sandbox outbox puts in From when no sender is configured (outbox.py does the
# same), so the sandbox preview shows the email the outbox will write.
SANDBOX_FROM = "Notifier sandbox <sandbox@notifier.invalid>"
WARNING_STYLE = "color: #a15c00;"


@dataclass(frozen=True)
class PreviewInput:
    """What the operator has typed; the pane fills placeholders for the previewed person."""

    subject: str = ""
    body: str = ""
    smtp_user: str | None = None
    channels: tuple[str, ...] = ("email", "sms", "telegram")


def _text_view() -> QPlainTextEdit:
    view = QPlainTextEdit()
    view.setReadOnly(True)
    view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
    view.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                 | Qt.TextInteractionFlag.TextSelectableByKeyboard)
    return view


def _label(selectable: bool = True) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    # Plain text: a subject "<b>x</b>" is sent as those characters, so it shows as them
    # (Qt's AutoText would render it bold).
    label.setTextFormat(Qt.TextFormat.PlainText)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class PreviewPane(QWidget):
    """Tabs showing one message per channel for one chosen recipient.

    ``set_recipients`` fills the "Preview for" choice (first person by default);
    ``show_message`` re-renders with new text. Tabs: 0 Email, 1 SMS, 2 Telegram.
    """

    EMAIL, SMS, TELEGRAM = 0, 1, 2

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.sandbox = False
        self._stale = True  # rendered on the first show
        self._input = PreviewInput()
        self._people: list[RecipientData] = []

        self.person = QComboBox()
        self.person.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.person.setMinimumContentsLength(16)
        self.person.currentIndexChanged.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Preview for:")))
        top.addWidget(self.person, 1)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._email_tab(), self.tr("Email"))
        self.tabs.addTab(self._sms_tab(), self.tr("SMS"))
        self.tabs.addTab(self._telegram_tab(), self.tr("Telegram"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        self.refresh()

    # -- construction -----------------------------------------------------------------
    def _email_tab(self) -> QWidget:
        page = QWidget()
        self.email_note = _label()
        self.email_note.setStyleSheet(WARNING_STYLE)
        self.email_from, self.email_to, self.email_subject = _label(), _label(), _label()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("From:"), self.email_from)
        form.addRow(self.tr("To:"), self.email_to)
        form.addRow(self.tr("Subject:"), self.email_subject)
        self.email_body = _text_view()
        layout = QVBoxLayout(page)
        layout.addWidget(self.email_note)
        layout.addLayout(form)
        layout.addWidget(self.email_body, 1)
        return page

    def _sms_tab(self) -> QWidget:
        page = QWidget()
        self.sms_summary = _label()
        bold = QFont(self.sms_summary.font())
        bold.setBold(True)
        self.sms_summary.setFont(bold)
        self.sms_note = _label()
        self.sms_note.setStyleSheet(WARNING_STYLE)
        self.sms_text = _text_view()
        layout = QVBoxLayout(page)
        layout.addWidget(self.sms_summary)
        layout.addWidget(self.sms_note)
        layout.addWidget(self.sms_text, 1)
        return page

    def _telegram_tab(self) -> QWidget:
        page = QWidget()
        self.telegram_summary = _label()
        bold = QFont(self.telegram_summary.font())
        bold.setBold(True)
        self.telegram_summary.setFont(bold)
        self.telegram_note = _label()
        self.telegram_note.setStyleSheet(WARNING_STYLE)
        # As Telegram shows it (bold subject, the operator's text literal), not the escaped source.
        self.telegram_text = QTextBrowser()
        self.telegram_text.setOpenLinks(False)
        layout = QVBoxLayout(page)
        layout.addWidget(self.telegram_summary)
        layout.addWidget(self.telegram_note)
        layout.addWidget(self.telegram_text, 1)
        return page

    # -- inputs -----------------------------------------------------------------------
    def set_recipients(self, people: Sequence[RecipientData]) -> None:
        """The chosen recipients; keeps the previewed person if they are still chosen."""
        current = self.current_recipient()
        self._people = list(people)
        self.person.blockSignals(True)
        self.person.clear()
        for r in self._people:
            self.person.addItem(r.name, r.id)
        if current is not None:
            index = self.person.findData(current.id)
            self.person.setCurrentIndex(max(index, 0))
        self.person.setEnabled(bool(self._people))
        if not self._people:
            self.person.addItem(self.tr("(no recipient chosen)"))
        self.person.blockSignals(False)
        self.refresh()

    def set_sandbox(self, sandbox: bool) -> None:
        self.sandbox = sandbox
        self.refresh()

    def show_message(self, data: PreviewInput) -> None:
        self._input = data
        self.refresh()

    def current_recipient(self) -> RecipientData | None:
        index = self.person.currentIndex()
        if 0 <= index < len(self._people):
            return self._people[index]
        return None

    # -- rendering --------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    @Slot()
    def refresh(self) -> None:
        """Re-render all three tabs from the last input (cheap, pure core calls); while the
        pane is hidden, only note that it must be rendered when shown."""
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        settings = self.ctx.runtime.settings
        person = self.current_recipient()
        subject, body = self._input.subject, self._input.body
        if person is not None:
            subject, body = render(subject, person), render(body, person)
        self._render_email(settings, person, subject, body)
        self._render_sms(settings, person, subject, body)
        self._render_telegram(settings, person, subject, body)
        for index, name in ((self.EMAIL, "email"), (self.SMS, "sms"), (self.TELEGRAM, "telegram")):
            used = name in self._input.channels
            self.tabs.setTabToolTip(index, "" if used else self.tr("Not used for this send"))

    def _off_note(self, channel: str) -> str:
        return "" if channel in self._input.channels else self.tr("This channel is switched off for this send.")

    @staticmethod
    def _show_note(label: QLabel, parts: Sequence[str]) -> None:
        text = "\n".join(p for p in parts if p)
        label.setText(text)
        label.setVisible(bool(text))

    def _render_email(self, settings: Settings, person: RecipientData | None, subject: str, body: str) -> None:
        notes = [self._off_note("email")]
        fields = ("", "", "")
        content = ""
        if person is None:
            notes.append(self.tr("Choose a recipient to see the email as it will be sent."))
        elif not person.email:
            notes.append(self.tr("{name} has no email address; email is skipped for them.").format(name=person.name))
        else:
            msg = Message(0, person, subject, body, smtp_user=self._input.smtp_user or None)
            try:
                try:
                    em = build_email(settings, msg)
                except DeliveryError:
                    if not self.sandbox or settings.from_email or settings.smtp_user:
                        raise
                    em = build_email(replace(settings, from_email=SANDBOX_FROM), msg)
                fields = (str(em["From"]), str(em["To"]), str(em["Subject"]))
                content = str(em.get_content()).rstrip("\n")
            except DeliveryError as exc:
                notes.append(core_text(exc.detail))
        self._show_note(self.email_note, notes)
        for label, value in zip((self.email_from, self.email_to, self.email_subject), fields):
            label.setText(value)
        self.email_body.setPlainText(content)

    def _render_sms(self, settings: Settings, person: RecipientData | None, subject: str, body: str) -> None:
        # Imported here: the SMS and Telegram modules pull in requests, which the window's
        # start-up does not need.
        from ..core.delivery.channels.sms import segments as seg
        from ..core.delivery.channels.sms.provider import compose_text, length_problem, provider_limits

        text = compose_text(subject, body)
        info = seg.count(text)
        summary = " · ".join((
            counted(self.tr("%n character(s)", None, len(text)), len(text)),
            info.encoding,
            counted(self.tr("%n segment(s)", None, info.segments), info.segments),
        ))
        notes = [self._off_note("sms")]
        if info.ucs2_chars:
            shown = ", ".join(f"“{c}”" if c.isprintable() else repr(c)[1:-1] for c in info.ucs2_chars[:5])
            if len(info.ucs2_chars) > 5:
                shown += " …"
            notes.append(self.tr("UCS-2 because of {chars}").format(chars=shown))
        limits = provider_limits(settings)
        if limits is not None and text:
            problem = length_problem(text, limits, settings.sms_provider)
            if problem:
                notes.append(problem)
        if person is not None and not person.phone:
            notes.append(self.tr("{name} has no phone number; SMS is skipped for them.").format(name=person.name))
        self.sms_summary.setText(summary)
        self._show_note(self.sms_note, notes)
        self.sms_text.setPlainText(text)

    def _render_telegram(self, settings: Settings, person: RecipientData | None, subject: str, body: str) -> None:
        from ..core.delivery.channels.telegram_text import format_parts, telegram_length

        mode = settings.telegram_parse_mode
        parts = format_parts(subject, body, mode)
        length = sum(telegram_length(p.plain) for p in parts)
        summary = " · ".join((
            counted(self.tr("%n character(s)", None, length), length),
            counted(self.tr("%n part(s)", None, len(parts)), len(parts)),
            mode or self.tr("plain text"),
        ))
        notes = [self._off_note("telegram")]
        if person is not None and not person.telegram_chat_id:
            notes.append(self.tr("{name} has no linked Telegram chat; Telegram is skipped for them.")
                         .format(name=person.name))
        def shown(part_text: str) -> str:  # Telegram's HTML subset renders here; plain text stays text
            return part_text.replace("\n", "<br>") if mode else html.escape(part_text).replace("\n", "<br>")

        if len(parts) == 1:
            text = shown(parts[0].text)
        else:
            text = "<br><br>".join(
                "<i>" + html.escape(self.tr("── part {n} of {total} ──").format(n=i + 1, total=len(parts)))
                + "</i><br>" + shown(p.text) for i, p in enumerate(parts))
        self.telegram_summary.setText(summary)
        self._show_note(self.telegram_note, notes)
        self.telegram_text.setHtml(text)
