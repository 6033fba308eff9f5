"""The Settings dialog: the pages (:mod:`.page` and its subclasses), the banner for secrets
found in ``.env`` files, the connection tests and saving.

Loading, validating and saving live in :mod:`notifier_gui.core.settings_store`, the connection
checks in :mod:`notifier_gui.core.checks`; this file only wires pages to them. Slow work
(keyring reads, connection tests, saving) runs through ``ctx.tasks`` so the window never
freezes; every coroutine checks ``alive(self)`` before touching widgets again.

Signals of SettingsDialog:
    saved(): settings were written, the runtime reloaded and the worker restarted.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ...core import settings_store
from ...core.checks import check_channel
from ...core.config import SECRET_ENV_NAMES, ConfigError, Settings
from ...core.delivery.checks_base import CheckResult
from ...core.secrets import SECRET_NAMES, CredentialStore, SecretStoreError
from ...core.settings_store import PendingSecrets, SecretEdits
from ..channel_order import ChannelOrderList
from ..context import AppContext
from ..core_text import core_text
from ..secret_store_panel import SecretStorePanel
from ..tasks import alive
from .api_page import ApiPage, ApiTokenWidget
from .channel_pages import EmailPage, SmsPage, TelegramPage
from .fields import ERROR_STYLE, Binding, CheckPanel, SecretField
from .history_page import HistoryPage
from .page import SettingsPage
from .pages import DeliveryPage, GeneralPage

log = logging.getLogger("notifier.ui.settings")
P = TypeVar("P", bound=SettingsPage)


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
        self.bindings: dict[str, Binding] = {}
        self.secret_fields: dict[str, SecretField] = {}
        self.checks: dict[str, CheckPanel] = {}
        self._pages: dict[str, SettingsPage] = {}
        self._saving = False
        self.restart_requested = False

        self.pages = QListWidget(self)
        self.pages.setFixedWidth(150)
        self.stack = QStackedWidget(self)
        self.pages.currentRowChanged.connect(self.stack.setCurrentIndex)

        self.banner = self._build_banner()
        self.email_page = self._add_page("email", self.tr("Email"), EmailPage)
        self.sms_page = self._add_page("sms", self.tr("SMS"), SmsPage)
        self.telegram_page = self._add_page("telegram", self.tr("Telegram"), TelegramPage)
        self.delivery_page = self._add_page("delivery", self.tr("Delivery policy"), DeliveryPage)
        self.general_page = self._add_page("general", self.tr("General"), GeneralPage)
        self.api_page = self._add_page("api", self.tr("API"), ApiPage)
        self.history_page = self._add_page("history", self.tr("History"), HistoryPage)
        self.general_page.restart_button.clicked.connect(self._save_and_restart)
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

    # -- pages ----------------------------------------------------------------------------
    def _add_page(self, name: str, title: str, cls: type[P]) -> P:
        page = cls(self.ctx, len(self._pages), self._original, self._overridden)
        self._pages[name] = page
        self.bindings.update(page.bindings)
        self.secret_fields.update(page.secret_fields)
        for channel, panel in page.checks.items():
            self.checks[channel] = panel
            panel.button.clicked.connect(lambda _=False, c=channel: self.test_connection(c))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(page)
        self.stack.addWidget(scroll)
        QListWidgetItem(title, self.pages)
        return page

    def show_page(self, name: str) -> None:
        self.pages.setCurrentRow(self._pages[name].index)

    # the pages' widgets the window and the tests reach by name
    @property
    def sms_groups(self) -> dict[str, QGroupBox]:
        return self.sms_page.groups

    @property
    def sms_provider(self) -> QComboBox:
        return self.sms_page.provider

    @property
    def channel_order(self) -> ChannelOrderList:
        return self.delivery_page.channel_order

    @property
    def backoff_edit(self) -> QLineEdit:
        return self.delivery_page.backoff_edit

    @property
    def language(self) -> QComboBox:
        return self.general_page.language

    @property
    def keep_in_tray(self) -> QCheckBox:
        return self.general_page.keep_in_tray

    @property
    def restart_button(self) -> QPushButton:
        return self.general_page.restart_button

    @property
    def api_token(self) -> ApiTokenWidget:
        return self.api_page.api_token

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
        for page in self._pages.values():
            page.save(out)
        return out

    def validate(self) -> dict[str, str]:
        """Show problems next to their fields; returns them (empty when the values can be saved)."""
        own = {env: text for page in self._pages.values() for env, text in page.check().items()}
        problems = {**settings_store.validate(self._config.settings, self.values()), **own}
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
            result = await self.ctx.tasks.run(check_channel, channel, settings, secrets)
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
    def _save_and_restart(self) -> None:
        self.restart_requested = True
        self.save()

    @Slot()
    def save(self) -> None:
        if self._saving or self.validate():
            return
        self._set_saving(True)
        self.ctx.tasks.start(self._save(self.values(), self.secret_edits(), self.general_page.ui_values()))

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
