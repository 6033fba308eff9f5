"""The Settings dialog: channels, secrets, delivery policy, and a connection test per channel.

Loading, validating and saving live in :mod:`notifier_gui.core.settings_store`; this file
only builds widgets and calls it. Slow work (keyring reads, connection tests, saving)
runs through ``ctx.tasks`` so the window never freezes; every coroutine checks
``alive(self)`` before touching widgets again.

Signals of SettingsDialog:
    saved(): settings were written, the runtime reloaded and the worker restarted.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..core import settings_store
from ..core.checks import check_email
from ..core.config import SECRET_ENV_NAMES, ConfigError, Settings, option_names
from ..core.delivery.checks_base import CheckResult
from ..core.secrets import SECRET_NAMES, CredentialStore, SecretStoreError
from ..core.settings_store import PendingSecrets, SecretEdits
from .channel_order import ChannelOrderList
from .context import AppContext
from .core_text import core_text
from .secret_store_panel import SecretStorePanel, store_description
from .tasks import alive
from .tray import KEEP_RUNNING_KEY, keep_running_in_tray

log = logging.getLogger("notifier.ui.settings")

LANGUAGE_KEY = "language"  # ui_state: "" (follow the system), "en", "ru"; applied at the next start
OK_STYLE = "color: #1b7a2e;"
ERROR_STYLE = "color: #b3261e;"
HINT_STYLE = "color: palette(placeholder-text);"


def ui_language(state: QSettings) -> str:
    """The language chosen in Settings ("" = the system's), for the translator at start-up."""
    return str(state.value(LANGUAGE_KEY, "") or "")


def _check_telegram(settings: Settings, secrets: CredentialStore) -> CheckResult:
    try:
        token = secrets.get("telegram_bot_token")
    except SecretStoreError as exc:
        return CheckResult(False, str(exc))
    from ..core.delivery.channels.telegram import check_telegram

    return check_telegram(settings, token, secrets.redactor)


def _check_sms(settings: Settings, secrets: CredentialStore) -> CheckResult:
    from ..core.delivery.channels.sms import check_sms

    return check_sms(settings, secrets)


CHECKS: dict[str, Callable[[Settings, CredentialStore], CheckResult]] = {
    "email": check_email,
    "sms": _check_sms,
    "telegram": _check_telegram,
}


@dataclass
class _Binding:
    """One editable setting: its widget, how to read and write it, where errors go."""

    env: str
    widget: QWidget
    get: Callable[[], Any]
    page: int
    error: QLabel


class SecretField(QWidget):
    """A masked secret: shows whether one is stored, never its value.

    ``typed()`` is what the operator typed (written only then); ``cleared`` asks to delete
    the stored one on save.
    """

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.env_name = SECRET_ENV_NAMES.get(name, name)
        self.cleared = False
        self.status = ""
        self.source = ""
        self.edit = QLineEdit(self)
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setClearButtonEnabled(False)
        self.edit.setPlaceholderText(self.tr("checking the credential store…"))
        self.edit.textEdited.connect(self._update)
        self.clear_button = QPushButton(self.tr("Clear"), self)
        self.clear_button.setToolTip(self.tr("Delete the stored value when you save"))
        self.clear_button.clicked.connect(self.clear)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.clear_button)
        self._update()

    def set_status(self, status: str, source: str = "") -> None:
        """``status`` from CredentialStore.status(); ``source`` names the .env file or 'environment'."""
        self.status, self.source = status, source
        self._update()

    def typed(self) -> str | None:
        return self.edit.text() or None

    @Slot()
    def clear(self) -> None:
        self.edit.clear()
        self.cleared = True
        self._update()

    def _update(self) -> None:
        if self.cleared and self.status == "keyring":
            text = self.tr("will be deleted from the credential store when you save")
        elif self.status == "keyring":
            text = self.tr("stored in the credential store — type to replace")
        elif self.status == "environment":
            if self.source in ("", "environment"):
                text = self.tr("set in the environment ({name})").format(name=self.env_name)
            else:
                text = self.tr("set in a .env file ({name})").format(name=self.env_name)
        elif self.status == "missing":
            text = self.tr("not set")
        elif self.status == "unreadable":
            text = self.tr("cannot be saved here yet: see the note at the top")
        else:
            text = self.tr("checking the credential store…")
        self.edit.setPlaceholderText(text)
        # Wide enough for the whole placeholder, in any language (#13 item 22: it was cut).
        margins = self.edit.textMargins()
        self.edit.setMinimumWidth(self.edit.fontMetrics().horizontalAdvance(text) + margins.left()
                                  + margins.right() + 16)
        self.edit.setToolTip(self.tr("{name} comes from {source} and wins over the credential store").format(
            name=self.env_name, source=self.source or self.tr("the environment")) if self.status == "environment" else "")
        self.clear_button.setEnabled((self.status == "keyring" and not self.cleared) or bool(self.edit.text()))


class CheckPanel(QWidget):
    """"Test connection" button, busy indicator and the result in place (green / red)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.button = QPushButton(self.tr("Test connection"), self)
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)  # indeterminate
        self.busy.setTextVisible(False)
        self.busy.setFixedWidth(90)
        self.busy.setMaximumHeight(self.button.sizeHint().height() // 2)
        self.busy.hide()
        self.result = QLabel(self)
        self.result.setTextFormat(Qt.TextFormat.PlainText)
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.button)
        top.addWidget(self.busy)
        top.addStretch(1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 8, 0, 0)
        box.addLayout(top)
        box.addWidget(self.result)

    @property
    def running(self) -> bool:
        return not self.button.isEnabled()

    def set_running(self, running: bool) -> None:
        self.button.setEnabled(not running)
        self.busy.setVisible(running)
        if running:
            self.result.setStyleSheet(HINT_STYLE)
            self.result.setText(self.tr("Testing…"))

    def show_result(self, ok: bool, message: str) -> None:
        self.result.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        head = self.tr("OK") if ok else self.tr("Failed")
        self.result.setText(f"{head}: {message}")


class SettingsDialog(QDialog):
    """Edit settings and secrets; see the module docstring for the signals."""

    saved = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Settings"))
        self.setObjectName("SettingsDialog")
        self._config = ctx.runtime.config
        self._original = settings_store.current_values(self._config)
        self._overridden = settings_store.overridden(self._config)
        self._known = option_names()
        self.bindings: dict[str, _Binding] = {}
        self.secret_fields: dict[str, SecretField] = {}
        self.checks: dict[str, CheckPanel] = {}
        self._page_names: list[str] = []
        self._saving = False

        self.pages = QListWidget(self)
        self.pages.setFixedWidth(150)
        self.stack = QStackedWidget(self)
        self.pages.currentRowChanged.connect(self.stack.setCurrentIndex)

        self.banner = self._build_banner()
        self._add_page("email", self.tr("Email"), self._email_page)
        self._add_page("sms", self.tr("SMS"), self._sms_page)
        self._add_page("telegram", self.tr("Telegram"), self._telegram_page)
        self._add_page("delivery", self.tr("Delivery policy"), self._delivery_page)
        self._add_page("general", self.tr("General"), self._general_page)
        from .api_page import build_api_page  # its own file: the API's settings and token

        self._add_page("api", self.tr("API"), lambda form, page: build_api_page(self, form, page))
        from .history_page import HistoryPage  # a page of its own (retention), in its own file

        self.history_page = HistoryPage(ctx, self)
        self._add_page("history", self.tr("History"), self.history_page.build)
        self.pages.setCurrentRow(0)

        self.error = QLabel(self)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        body = QHBoxLayout()
        body.addWidget(self.pages)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        self.store_panel = SecretStorePanel(ctx, self)  # no credential store: the encrypted file
        self.store_panel.unlocked.connect(self._store_unlocked)
        layout.addWidget(self.store_panel)
        layout.addLayout(body, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(800, 580)

        self._refresh_banner()
        self.store_panel.refresh()
        self.ctx.tasks.start(self._load_secret_status())

    # -- page building --------------------------------------------------------------
    def _add_page(self, name: str, title: str, build: Callable[[QFormLayout, int], None]) -> None:
        index = len(self._page_names)
        self._page_names.append(name)
        inner = QWidget()
        form = QFormLayout(inner)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        build(form, index)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        self.stack.addWidget(scroll)
        QListWidgetItem(title, self.pages)

    def show_page(self, name: str) -> None:
        self.pages.setCurrentRow(self._page_names.index(name))

    def _row(self, form: QFormLayout, page: int, label: str, widget: QWidget, env: str | None,
             get: Callable[[], Any] | None = None) -> None:
        """Add ``widget`` with an (initially hidden) error line and, if set elsewhere, a hint."""
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        col.addWidget(widget)
        error = QLabel(box)
        error.setTextFormat(Qt.TextFormat.PlainText)
        error.setWordWrap(True)
        error.setStyleSheet(ERROR_STYLE)
        error.hide()
        col.addWidget(error)
        if env and env in self._overridden:
            col.addWidget(self._hint(self._override_text(env), box))
        form.addRow(label, box)
        if env and get is not None:
            self.bindings[env] = _Binding(env, widget, get, page, error)

    def _override_text(self, env: str) -> str:
        source = self._overridden[env]
        if source == "environment":
            return self.tr("{name} is set in the environment and wins over what you save here.").format(name=env)
        if source == "command line":
            return self.tr("{name} is set on the command line and wins over what you save here.").format(name=env)
        return self.tr("{name} is set in {file} and wins over what you save here.").format(name=env, file=source)

    @staticmethod
    def _hint(text: str, parent: QWidget | None = None) -> QLabel:
        label = QLabel(text, parent)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        label.setStyleSheet(HINT_STYLE)
        return label

    def _line(self, form: QFormLayout, page: int, label: str, env: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(str(self._original.get(env, "") or ""))
        edit.setPlaceholderText(placeholder)
        self._row(form, page, label, edit, env, lambda: edit.text().strip())
        return edit

    def _spin(self, form: QFormLayout, page: int, label: str, env: str, lo: int, hi: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(lo, hi)
        spin.setValue(int(self._original[env]))
        self._row(form, page, label, spin, env, spin.value)
        return spin

    def _dspin(self, form: QFormLayout, page: int, label: str, env: str, lo: float, hi: float,
               suffix: str, scale: float = 1.0, decimals: int = 1) -> QDoubleSpinBox:
        """A float setting shown in ``scale`` units; an untouched value is returned unrounded."""
        original = float(self._original[env])
        spin = QDoubleSpinBox()
        spin.setDecimals(decimals)
        spin.setRange(lo, hi)
        spin.setSuffix(suffix)
        spin.setValue(original / scale)
        shown = spin.value()
        self._row(form, page, label, spin, env, lambda: original if spin.value() == shown else spin.value() * scale)
        return spin

    def _check(self, form: QFormLayout, page: int, text: str, env: str) -> QCheckBox:
        box = QCheckBox(text)
        box.setChecked(bool(self._original[env]))
        self._row(form, page, "", box, env, box.isChecked)
        return box

    def _combo(self, items: list[tuple[str, Any]], current: Any) -> QComboBox:
        combo = QComboBox()
        for text, value in items:
            combo.addItem(text, value)
        index = next((i for i, (_t, v) in enumerate(items) if v == current), 0)
        combo.setCurrentIndex(index)
        return combo

    def _secret(self, form: QFormLayout, page: int, label: str, name: str) -> SecretField | None:
        if name not in SECRET_NAMES:
            return None
        field = SecretField(name)
        self.secret_fields[name] = field
        self._row(form, page, label, field, None)  # the field itself says where a value comes from
        return field

    def _check_panel(self, form: QFormLayout, channel: str) -> None:
        panel = CheckPanel()
        panel.button.clicked.connect(lambda: self.test_connection(channel))
        self.checks[channel] = panel
        form.addRow(panel)

    # -- pages ----------------------------------------------------------------------
    def _email_page(self, form: QFormLayout, page: int) -> None:
        self._line(form, page, self.tr("SMTP server"), "SMTP_HOST", "smtp.example.org")
        port = self._spin(form, page, self.tr("Port"), "SMTP_PORT", 1, 65535)
        if self._original["SMTP_USE_SSL"]:
            mode = "ssl"
        else:
            mode = "starttls" if self._original["SMTP_USE_TLS"] else "none"
        security = self._combo([(self.tr("STARTTLS (usually port 587)"), "starttls"),
                                (self.tr("Implicit TLS (usually port 465)"), "ssl"),
                                (self.tr("None — unencrypted"), "none")], mode)
        tls0 = bool(self._original["SMTP_USE_TLS"])
        self._row(form, page, self.tr("Security"), security, "SMTP_USE_SSL", lambda: security.currentData() == "ssl")
        self.bindings["SMTP_USE_TLS"] = _Binding(
            "SMTP_USE_TLS", security,
            lambda: tls0 if security.currentData() == "ssl" else security.currentData() == "starttls",
            page, self.bindings["SMTP_USE_SSL"].error)

        def suggest_port() -> None:
            suggested = {"ssl": (587, 465), "starttls": (465, 587)}.get(security.currentData())
            if suggested and port.value() == suggested[0]:
                port.setValue(suggested[1])

        security.currentIndexChanged.connect(suggest_port)
        self._line(form, page, self.tr("Login"), "SMTP_DEFAULT_USER", "ops@example.org")
        self._secret(form, page, self.tr("Password"), "smtp_password")
        self._line(form, page, self.tr("From address"), "DEFAULT_FROM_EMAIL", "Notifier <ops@example.org>")
        self._line(form, page, self.tr("From name"), "DEFAULT_FROM_NAME")
        self._dspin(form, page, self.tr("Timeout"), "SMTP_TIMEOUT", 1, 600, self.tr(" s"))
        auth = self._combo([(self.tr("Hold queued email until fixed"), "hold"),
                            (self.tr("Go on to the next channel"), "next")], self._original["SMTP_AUTH_FAILURE"])
        self._row(form, page, self.tr("Login rejected"), auth, "SMTP_AUTH_FAILURE", auth.currentData)
        box = QGroupBox(self.tr("Bounces (IMAP)"))
        box.setToolTip(self.tr("The mailbox bounces come back to. With a server and a waiting time set, an email "
                               "that bounces (unknown address, full mailbox) moves the chain on"))
        imap = QFormLayout(box)
        imap.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(box)
        self._line(imap, page, self.tr("IMAP server"), "IMAP_HOST", "imap.example.org")
        self._spin(imap, page, self.tr("Port (TLS)"), "IMAP_PORT", 1, 65535)
        self._line(imap, page, self.tr("Login"), "IMAP_USER", "bounces@example.org")
        self._secret(imap, page, self.tr("Password"), "imap_password")
        self._line(imap, page, self.tr("Folder"), "IMAP_FOLDER", "INBOX")
        wait = self._dspin(imap, page, self.tr("Wait for a bounce"), "EMAIL_CONFIRM_TIMEOUT", 0, 1440,
                           self.tr(" min"), scale=60.0)
        wait.setSpecialValueText(self.tr("don't wait (accepted counts as delivered)"))
        wait.setToolTip(self.tr("After the mail server accepted an email, how long to watch the mailbox for a "
                                "bounce; none in that time means delivered"))
        self._check_panel(form, "email")

    def _sms_page(self, form: QFormLayout, page: int) -> None:
        providers: list[tuple[str, Any]] = [(self.tr("Off"), ""), ("Twilio", "twilio"), ("SMS.ru", "smsru")]
        has_android = "ANDROID_SMS_URL" in self._known
        if has_android:
            providers.append((self.tr("Android SMS gateway"), "android"))
        provider = self._combo(providers, self._original["SMS_PROVIDER"])
        self._row(form, page, self.tr("Provider"), provider, "SMS_PROVIDER", provider.currentData)

        groups: dict[str, QGroupBox] = {}

        def group(key: str, title: str) -> QFormLayout:
            box = QGroupBox(title)
            inner = QFormLayout(box)
            inner.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            groups[key] = box
            form.addRow(box)
            return inner

        tw = group("twilio", "Twilio")
        self._line(tw, page, self.tr("Account SID"), "TWILIO_ACCOUNT_SID", "AC…")
        self._secret(tw, page, self.tr("Auth token"), "twilio_auth_token")
        self._line(tw, page, self.tr("From number"), "TWILIO_FROM", "+15005550006")
        self._line(tw, page, self.tr("Messaging service SID"), "TWILIO_MESSAGING_SERVICE_SID", "MG…")
        self._line(tw, page, self.tr("API base"), "TWILIO_API_BASE")
        ru = group("smsru", "SMS.ru")
        self._secret(ru, page, self.tr("API key (api_id)"), "smsru_api_id")
        self._line(ru, page, self.tr("Sender name"), "SMSRU_FROM")
        self._line(ru, page, self.tr("API base"), "SMSRU_API_BASE")
        if has_android:
            an = group("android", self.tr("Android SMS gateway"))
            self._line(an, page, self.tr("Gateway address"), "ANDROID_SMS_URL", "http://192.168.1.20:8080")
            if "ANDROID_SMS_USER" in self._known:
                self._line(an, page, self.tr("Username"), "ANDROID_SMS_USER")
            self._secret(an, page, self.tr("Password"), "android_sms_password")
        self._dspin(form, page, self.tr("Timeout"), "SMS_TIMEOUT", 1, 600, self.tr(" s"))
        confirm = self._dspin(form, page, self.tr("Wait for the delivery report"), "SMS_CONFIRM_TIMEOUT", 0, 1440,
                              self.tr(" min"), scale=60.0)
        confirm.setSpecialValueText(self.tr("don't wait (accepted counts as delivered)"))
        confirm.setToolTip(self.tr("After the provider accepted an SMS, how long to wait for its delivery report "
                                   "before the chain goes on to the next channel"))

        def show_provider() -> None:
            for key, box in groups.items():
                box.setVisible(key == provider.currentData())

        provider.currentIndexChanged.connect(show_provider)
        show_provider()
        self.sms_groups = groups
        self.sms_provider = provider
        self._check_panel(form, "sms")

    def _telegram_page(self, form: QFormLayout, page: int) -> None:
        self._secret(form, page, self.tr("Bot token"), "telegram_bot_token")
        mode = self._combo([("HTML", "HTML"), ("MarkdownV2", "MarkdownV2"), ("Markdown", "Markdown"),
                            (self.tr("Plain text"), "")], self._original["TELEGRAM_PARSE_MODE"])
        self._row(form, page, self.tr("Parse mode"), mode, "TELEGRAM_PARSE_MODE", mode.currentData)
        self._check(form, page, self.tr("Disable link previews"), "TELEGRAM_DISABLE_WPP")
        self._dspin(form, page, self.tr("Timeout"), "TELEGRAM_TIMEOUT", 1, 600, self.tr(" s"))
        self._line(form, page, self.tr("API base"), "TELEGRAM_API_BASE")
        self._check_panel(form, "telegram")

    def _delivery_page(self, form: QFormLayout, page: int) -> None:
        # the same control as Compose's order for one send (channel_order.py), without its Reset
        order = ChannelOrderList(per_send=False)
        order.set_default(list(self._original["NOTIFIER_CHANNELS"]))
        order.list.setCurrentRow(0)
        self.channel_order = order
        self._row(form, page, self.tr("Channel order"), order, "NOTIFIER_CHANNELS", lambda: tuple(order.channels()))
        self.bindings["NOTIFIER_CHANNELS"].widget = order.list
        form.addRow("", self._hint(self.tr("Tick the channels to use; the first is tried first. "
                                           "Drag or use the buttons to reorder.")))
        self._spin(form, page, self.tr("Tries per channel"), "NOTIFIER_MAX_TRIES", 1, 20)
        original_backoff = tuple(self._original["NOTIFIER_BACKOFF"])
        backoff = QLineEdit(", ".join(f"{b:g}" for b in original_backoff))
        backoff.setPlaceholderText("2, 10")
        self.backoff_edit = backoff

        def backoff_value() -> tuple[float, ...]:
            return self._parse_backoff(backoff.text()) or ()

        self._row(form, page, self.tr("Waits between tries (s)"), backoff, "NOTIFIER_BACKOFF", backoff_value)
        self._dspin(form, page, self.tr("Give up after"), "NOTIFIER_LIFETIME", 0.1, 24 * 90, self.tr(" h"),
                    scale=3600.0)
        self._spin(form, page, self.tr("Concurrent sends"), "NOTIFIER_CONCURRENCY", 1, 64)

    def _general_page(self, form: QFormLayout, page: int) -> None:
        folder = QLineEdit(str(self._config.settings.data_dir))
        folder.setReadOnly(True)
        open_button = QPushButton(self.tr("Open folder"))
        open_button.clicked.connect(self.open_data_folder)
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(folder, 1)
        row.addWidget(open_button)
        self._row(form, page, self.tr("Data folder"), box, None)

        self.language = self._combo([(self.tr("System"), ""), ("English", "en"), ("Русский", "ru")],
                                    ui_language(self.ctx.ui_state))
        self._row(form, page, self.tr("Language"), self.language, None)
        form.addRow("", self._hint(self.tr("The language changes at the next start.")))
        # A new language needs a new start: offer it instead of leaving the operator to find Quit.
        self.restart_requested = False
        self.restart_button = QPushButton(self.tr("Save and restart now"))
        self.restart_button.clicked.connect(self._save_and_restart)
        self.restart_button.setVisible(False)
        self.language.currentIndexChanged.connect(
            lambda: self.restart_button.setVisible(self.language.currentData() != ui_language(self.ctx.ui_state)))
        form.addRow("", self.restart_button)

        import phonenumbers  # the regions it knows are the ones a number can be read for

        region = self._combo([(self.tr("None — numbers need their +country code"), ""),
                              *[(code, code) for code in sorted(phonenumbers.SUPPORTED_REGIONS)]],
                             self._original["NOTIFIER_PHONE_REGION"] or "")
        self._row(form, page, self.tr("Phone region"), region, "NOTIFIER_PHONE_REGION", region.currentData)
        form.addRow("", self._hint(self.tr("Numbers typed without +country code (8 916 …) are read for this "
                                           "region, in the window, the CLI and imports.")))

        sandbox = self._combo([(self.tr("Auto — when no channel is configured"), None),
                               (self.tr("On — write to the outbox, send nothing"), True),
                               (self.tr("Off — really send"), False)], self._original["NOTIFIER_SANDBOX"])
        self._row(form, page, self.tr("Sandbox mode"), sandbox, "NOTIFIER_SANDBOX", sandbox.currentData)
        self.keep_in_tray = QCheckBox(self.tr("Keep running in the tray when the window is closed"))
        self.keep_in_tray.setChecked(keep_running_in_tray(self.ctx.ui_state))
        self._row(form, page, "", self.keep_in_tray, None)
        store = self._hint(self.tr("Secrets are kept in: {backend}").format(
            backend=store_description(self.ctx.runtime.secrets)))
        form.addRow(self.tr("Credential store"), store)

    @staticmethod
    def _parse_backoff(text: str) -> tuple[float, ...] | None:
        parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
        try:
            values = tuple(float(p) for p in parts)
        except ValueError:
            return None
        return values if all(0 <= v <= 86400 for v in values) else None

    # -- banner: secrets found in .env files --------------------------------------------
    def _build_banner(self) -> QFrame:
        banner = QFrame(self)
        banner.setObjectName("dotenvBanner")
        banner.setFrameShape(QFrame.Shape.StyledPanel)
        banner.setStyleSheet("#dotenvBanner { background: #fff4ce; border: 1px solid #e0c060; border-radius: 4px; }"
                             "#dotenvBanner QLabel { color: #4a3b00; }")
        self.banner_text = QLabel(banner)
        self.banner_text.setTextFormat(Qt.TextFormat.PlainText)
        self.banner_text.setWordWrap(True)
        self.move_button = QPushButton(self.tr("Move to the credential store"), banner)
        self.move_button.clicked.connect(self.move_dotenv_secrets)
        row = QHBoxLayout(banner)
        row.addWidget(self.banner_text, 1)
        row.addWidget(self.move_button)
        banner.hide()
        return banner

    def _cwd(self) -> Path:
        return Path(self.ctx.runtime.load_args[1] or Path.cwd())

    def _refresh_banner(self) -> None:
        self._dotenv = settings_store.dotenv_secrets(self._config.settings.data_dir, self._cwd())
        if not self._dotenv:
            return
        lines = [f"{', '.join(names)} — {path}" for path, names in self._dotenv.items()]
        self.banner_text.setText(self.tr(
            "Secrets were found in .env files, stored as plain text:\n{files}\n"
            "Move them into the credential store; the other lines of the files stay as they are."
        ).format(files="\n".join(lines)))
        self.move_button.setEnabled(True)
        self.banner.show()

    @Slot()
    def move_dotenv_secrets(self) -> None:
        self.move_button.setEnabled(False)
        self.ctx.tasks.start(self._move_dotenv_secrets())

    async def _move_dotenv_secrets(self) -> None:
        ctx, found = self.ctx, self._dotenv
        try:
            result = await ctx.tasks.run(settings_store.move_dotenv_secrets_to_keyring, found, ctx.runtime.secrets)
        except (SecretStoreError, OSError) as exc:
            if alive(self):
                self.banner_text.setText(self.tr("The secrets could not be moved: {error}").format(
                    error=core_text(ctx.runtime.secrets.redactor(str(exc)))))
                self.move_button.setEnabled(True)
            return
        try:
            ctx.runtime.reload()  # the .env no longer sets them, so the keyring value applies
        except ConfigError as exc:
            log.error("settings cannot be reloaded after moving secrets: %s", exc)
        if not alive(self):
            return
        count = sum(len(v) for v in result.moved.values())
        self.banner_text.setText(self.tr("Moved {count} secret(s) to the credential store and removed them "
                                         "from the .env files.").format(count=count))
        self.move_button.hide()
        self._dotenv = {}
        await self._load_secret_status()

    # -- secrets ----------------------------------------------------------------------
    @Slot()
    def _store_unlocked(self) -> None:
        self.ctx.tasks.start(self._load_secret_status())

    async def _load_secret_status(self) -> None:
        ctx = self.ctx
        try:
            status = await ctx.tasks.run(ctx.runtime.secrets.status)
        except Exception:
            log.exception("reading the credential store status failed")
            status = {name: "unreadable" for name in SECRET_NAMES}
        if not alive(self):
            return
        sources = ctx.runtime.config.sources
        for name, field in self.secret_fields.items():
            field.set_status(status.get(name, "missing"), sources.get(SECRET_ENV_NAMES.get(name, ""), ""))

    def secret_edits(self) -> SecretEdits:
        edits = SecretEdits()
        for name, field in self.secret_fields.items():
            value = field.typed()
            if value:
                edits.typed[name] = value
            elif field.cleared:
                edits.cleared.add(name)
        return edits

    # -- values, validation ----------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """Every non-secret setting by environment name: the shown ones as edited, others as loaded."""
        out = dict(self._original)
        for env, binding in self.bindings.items():
            out[env] = binding.get()
        return out

    def validate(self) -> dict[str, str]:
        """Show problems next to their fields; returns them (empty when the values can be saved)."""
        values = self.values()
        problems: dict[str, str] = {}
        if self._parse_backoff(self.backoff_edit.text()) is None:
            problems["NOTIFIER_BACKOFF"] = self.tr("numbers of seconds separated by commas, e.g. 2, 10")
        problems = {**settings_store.validate(self._config.settings, values), **problems}
        self.show_problems(problems)
        return problems

    def show_problems(self, problems: dict[str, str]) -> None:
        # the core's words name settings by variable: the window names the field and its page
        problems = {env: core_text(text) for env, text in problems.items()}
        for env, binding in self.bindings.items():
            text = problems.get(env)
            binding.error.setText(text or "")
            binding.error.setVisible(bool(text))
        general = [text for env, text in problems.items() if env not in self.bindings]
        self.error.setText("\n".join(general))
        self.error.setVisible(bool(general))
        first = next((self.bindings[e] for e in self.bindings if e in problems), None)
        if first is not None:
            self.pages.setCurrentRow(first.page)
            first.widget.setFocus()

    # -- test connection --------------------------------------------------------------
    def test_connection(self, channel: str) -> None:
        """Run the channel's core check on a worker thread with the values as they are now."""
        panel = self.checks[channel]
        if panel.running:
            return
        if self.validate():
            panel.show_result(False, self.tr("fix the highlighted values first"))
            return
        settings = settings_store.apply(self.ctx.runtime.settings, self.values())
        secrets = PendingSecrets(self.ctx.runtime.secrets, self.secret_edits())
        panel.set_running(True)
        self.ctx.tasks.start(self._test(channel, settings, secrets))

    async def _test(self, channel: str, settings: Settings, secrets: CredentialStore) -> None:
        try:
            result = await self.ctx.tasks.run(CHECKS[channel], settings, secrets)
        except Exception as exc:  # the checks never raise; this is a last resort
            log.exception("the %s check failed", channel)
            result = CheckResult(False, secrets.redactor(f"{type(exc).__name__}: {exc}"))
        if not alive(self):
            return
        panel = self.checks[channel]
        panel.set_running(False)
        panel.show_result(result.ok, core_text(secrets.redactor(result.message)))

    # -- saving -----------------------------------------------------------------------
    @Slot()
    @Slot()
    def _save_and_restart(self) -> None:
        self.restart_requested = True
        self.save()

    def save(self) -> None:
        if self._saving or self.validate():
            return
        self._set_saving(True)
        ui = {LANGUAGE_KEY: self.language.currentData(), KEEP_RUNNING_KEY: self.keep_in_tray.isChecked()}
        self.ctx.tasks.start(self._save(self.values(), self.secret_edits(), ui))

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self.buttons.setEnabled(not saving)
        self.save_button.setText(self.tr("Saving…") if saving else self.tr("Save"))

    async def _save(self, values: dict[str, Any], edits: SecretEdits, ui: dict[str, Any]) -> None:
        ctx = self.ctx
        try:
            await ctx.tasks.run(settings_store.save, self._config, ctx.runtime.secrets, values, edits)
        except (ConfigError, SecretStoreError, OSError) as exc:
            if alive(self):
                self._set_saving(False)
                self.show_problems({"": self.tr("Nothing was saved: {error}").format(
                    error=core_text(ctx.runtime.secrets.redactor(str(exc))))})
            return
        for key, value in ui.items():
            ctx.ui_state.setValue(key, value)
        try:
            ctx.runtime.reload()
        except ConfigError as exc:
            if alive(self):
                self._set_saving(False)
                self.show_problems({"": self.tr("Saved, but the settings cannot be applied: {error}").format(
                    error=core_text(str(exc)))})
            return
        if ctx.bridge.state != "stopped":  # a stopped worker stays stopped: starting it is the window's call
            ctx.bridge.restart()  # returns at once; a paused worker comes back paused
        if not alive(self):
            return
        self._set_saving(False)
        self.saved.emit()
        self.accept()

    def reject(self) -> None:
        if not self._saving:  # a save in progress finishes first
            super().reject()

    @Slot()
    def open_data_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._config.settings.data_dir)))
