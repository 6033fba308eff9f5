"""Settings → API: switch the REST API on, where it listens, and its token."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLineEdit, QPushButton, QWidget

from ..tasks import Tasks, alive
from .fields import hint
from .page import SettingsPage


class ApiTokenWidget(QWidget):
    """The token, hidden until shown; Copy and Regenerate. Keyring calls run off the GUI thread."""

    def __init__(self, tokens: Any, tasks: Tasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tokens = tokens
        self.tasks = tasks
        self.edit = QLineEdit()
        self.edit.setReadOnly(True)
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setPlaceholderText(self.tr("reading the credential store…"))
        self.show_button = QPushButton(self.tr("Show"))
        self.show_button.setCheckable(True)
        self.copy_button = QPushButton(self.tr("Copy"))
        self.regenerate_button = QPushButton(self.tr("Regenerate"))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        for b in (self.show_button, self.copy_button, self.regenerate_button):
            row.addWidget(b)
        self.show_button.toggled.connect(self._show)
        self.copy_button.clicked.connect(self.copy)
        self.regenerate_button.clicked.connect(self.regenerate)
        self._busy(True)
        # Only read here: opening Settings must not write to the credential store. The
        # token is made when the API first starts, or by Regenerate.
        self.tasks.start(self._load(self.tokens.peek))

    def _busy(self, busy: bool) -> None:
        for b in (self.copy_button, self.regenerate_button):
            b.setEnabled(not busy)

    async def _load(self, call: Any) -> None:
        try:
            token = await self.tasks.run(call)
        except Exception as exc:  # the credential store refused; say so in the field
            if alive(self):
                self.edit.setPlaceholderText(self.tr("the credential store cannot be used: %1")
                                             .replace("%1", type(exc).__name__))
            return
        if not alive(self):
            return
        if token:
            self.edit.setText(token)
        else:
            self.edit.setPlaceholderText(self.tr("none yet: made when the API first starts, or with Regenerate"))
        self._busy(False)
        self.copy_button.setEnabled(bool(token))

    @Slot(bool)
    def _show(self, shown: bool) -> None:
        self.edit.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.show_button.setText(self.tr("Hide") if shown else self.tr("Show"))

    @Slot()
    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.edit.text())

    @Slot()
    def regenerate(self) -> None:
        """A new token at once: callers using the old one get 401 from now on."""
        self._busy(True)
        self.tasks.start(self._load(self.tokens.regenerate))


class ApiPage(SettingsPage):
    """``api_token``: the token's field (shown, copied, regenerated off the GUI thread)."""

    def build(self, form: QFormLayout) -> None:
        self.tick(form, self.tr("Serve the REST API (the original service's /api/users/ and /api/notifications/)"),
                  "NOTIFIER_API")
        self.line(form, self.tr("Address"), "NOTIFIER_API_HOST", "127.0.0.1")
        self.spin(form, self.tr("Port"), "NOTIFIER_API_PORT", 0, 65535)
        self.tick(form, self.tr("Allow other computers to connect (plain HTTP: only the token protects it)"),
                  "NOTIFIER_API_ALLOW_REMOTE")
        tokens: Any
        if self.ctx.api is not None:
            tokens = self.ctx.api.tokens()
        else:
            from ...api.security import TokenSource

            tokens = TokenSource(self.ctx.runtime.secrets)
        self.api_token = ApiTokenWidget(tokens, self.ctx.tasks)
        self.row(form, self.tr("Token"), self.api_token, None)
        form.addRow("", hint(self.tr("Programs send it as the header “Authorization: Token <token>”. "
                                     "While the API runs, its documentation is at /api/docs/ on its address.")))
