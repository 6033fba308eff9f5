"""Settings → Email, SMS, Telegram: each channel's fields and its connection test."""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFormLayout, QGroupBox

from ...core import sms_providers
from .fields import Binding
from .page import SettingsPage


class EmailPage(SettingsPage):
    def build(self, form: QFormLayout) -> None:
        self.line(form, self.tr("SMTP server"), "SMTP_HOST", "smtp.example.org")
        port = self.spin(form, self.tr("Port"), "SMTP_PORT", 1, 65535)
        if self.original["SMTP_USE_SSL"]:
            mode = "ssl"
        else:
            mode = "starttls" if self.original["SMTP_USE_TLS"] else "none"
        security = self.combo([(self.tr("STARTTLS (usually port 587)"), "starttls"),
                               (self.tr("Implicit TLS (usually port 465)"), "ssl"),
                               (self.tr("None — unencrypted"), "none")], mode)
        tls0 = bool(self.original["SMTP_USE_TLS"])
        self.row(form, self.tr("Security"), security, "SMTP_USE_SSL", lambda: security.currentData() == "ssl")
        self.bindings["SMTP_USE_TLS"] = Binding(
            "SMTP_USE_TLS", security,
            lambda: tls0 if security.currentData() == "ssl" else security.currentData() == "starttls",
            self.index, self.bindings["SMTP_USE_SSL"].error)

        def suggest_port() -> None:
            suggested = {"ssl": (587, 465), "starttls": (465, 587)}.get(security.currentData())
            if suggested and port.value() == suggested[0]:
                port.setValue(suggested[1])

        security.currentIndexChanged.connect(suggest_port)
        self.line(form, self.tr("Login"), "SMTP_DEFAULT_USER", "ops@example.org")
        self.secret(form, self.tr("Password"), "smtp_password")
        self.line(form, self.tr("From address"), "DEFAULT_FROM_EMAIL", "Notifier <ops@example.org>")
        self.line(form, self.tr("From name"), "DEFAULT_FROM_NAME")
        self.dspin(form, self.tr("Timeout"), "SMTP_TIMEOUT", 1, 600, self.tr(" s"))
        auth = self.combo([(self.tr("Hold queued email until fixed"), "hold"),
                           (self.tr("Go on to the next channel"), "next")], self.original["SMTP_AUTH_FAILURE"])
        self.row(form, self.tr("Login rejected"), auth, "SMTP_AUTH_FAILURE", auth.currentData)
        box = QGroupBox(self.tr("Bounces (IMAP)"))
        box.setToolTip(self.tr("The mailbox bounces come back to. With a server and a waiting time set, an email "
                               "that bounces (unknown address, full mailbox) moves the chain on"))
        imap = QFormLayout(box)
        imap.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(box)
        self.line(imap, self.tr("IMAP server"), "IMAP_HOST", "imap.example.org")
        self.spin(imap, self.tr("Port (TLS)"), "IMAP_PORT", 1, 65535)
        self.line(imap, self.tr("Login"), "IMAP_USER", "bounces@example.org")
        self.secret(imap, self.tr("Password"), "imap_password")
        self.line(imap, self.tr("Folder"), "IMAP_FOLDER", "INBOX")
        wait = self.dspin(imap, self.tr("Wait for a bounce"), "EMAIL_CONFIRM_TIMEOUT", 0, 1440,
                          self.tr(" min"), scale=60.0)
        wait.setSpecialValueText(self.tr("don't wait (accepted counts as delivered)"))
        wait.setToolTip(self.tr("After the mail server accepted an email, how long to watch the mailbox for a "
                                "bounce; none in that time means delivered"))
        self.check_panel(form, "email")


class SmsPage(SettingsPage):
    """``groups``: each provider's box (only the chosen one shows); ``provider``: the choice."""

    def build(self, form: QFormLayout) -> None:
        # The providers as the registry declares them (core/sms_providers.py); a label is
        # translated where this page has it (the provider's box title below).
        providers: list[tuple[str, Any]] = [(self.tr("Off"), "")]
        providers += [(self.tr(label), name) for name, label in sms_providers.providers()]
        provider = self.combo(providers, self.original["SMS_PROVIDER"])
        self.row(form, self.tr("Provider"), provider, "SMS_PROVIDER", provider.currentData)

        groups: dict[str, QGroupBox] = {}

        def group(key: str, title: str) -> QFormLayout:
            box = QGroupBox(title)
            inner = QFormLayout(box)
            inner.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            groups[key] = box
            form.addRow(box)
            return inner

        tw = group("twilio", "Twilio")
        self.line(tw, self.tr("Account SID"), "TWILIO_ACCOUNT_SID", "AC…")
        self.secret(tw, self.tr("Auth token"), "twilio_auth_token")
        self.line(tw, self.tr("From number"), "TWILIO_FROM", "+15005550006")
        self.line(tw, self.tr("Messaging service SID"), "TWILIO_MESSAGING_SERVICE_SID", "MG…")
        self.line(tw, self.tr("API base"), "TWILIO_API_BASE")
        ru = group("smsru", "SMS.ru")
        self.secret(ru, self.tr("API key (api_id)"), "smsru_api_id")
        self.line(ru, self.tr("Sender name"), "SMSRU_FROM")
        self.line(ru, self.tr("API base"), "SMSRU_API_BASE")
        an = group("android", self.tr("Android SMS gateway"))
        self.line(an, self.tr("Gateway address"), "ANDROID_SMS_URL", "http://192.168.1.20:8080")
        self.line(an, self.tr("Username"), "ANDROID_SMS_USER")
        self.secret(an, self.tr("Password"), "android_sms_password")
        self.dspin(form, self.tr("Timeout"), "SMS_TIMEOUT", 1, 600, self.tr(" s"))
        confirm = self.dspin(form, self.tr("Wait for the delivery report"), "SMS_CONFIRM_TIMEOUT", 0, 1440,
                             self.tr(" min"), scale=60.0)
        confirm.setSpecialValueText(self.tr("don't wait (accepted counts as delivered)"))
        confirm.setToolTip(self.tr("After the provider accepted an SMS, how long to wait for its delivery report "
                                   "before the chain goes on to the next channel"))

        def show_provider() -> None:
            for key, box in groups.items():
                box.setVisible(key == provider.currentData())

        provider.currentIndexChanged.connect(show_provider)
        show_provider()
        self.groups = groups
        self.provider = provider
        self.check_panel(form, "sms")


class TelegramPage(SettingsPage):
    def build(self, form: QFormLayout) -> None:
        self.secret(form, self.tr("Bot token"), "telegram_bot_token")
        mode = self.combo([("HTML", "HTML"), ("MarkdownV2", "MarkdownV2"), ("Markdown", "Markdown"),
                           (self.tr("Plain text"), "")], self.original["TELEGRAM_PARSE_MODE"])
        self.row(form, self.tr("Parse mode"), mode, "TELEGRAM_PARSE_MODE", mode.currentData)
        self.tick(form, self.tr("Disable link previews"), "TELEGRAM_DISABLE_WPP")
        self.dspin(form, self.tr("Timeout"), "TELEGRAM_TIMEOUT", 1, 600, self.tr(" s"))
        self.line(form, self.tr("API base"), "TELEGRAM_API_BASE")
        self.check_panel(form, "telegram")
