"""The field widgets Settings pages share: a masked secret, a connection test, a hint line.

None of them knows the dialog; a page puts them in its form (:mod:`.page`).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton, QVBoxLayout, QWidget

from ...core.config import SECRET_ENV_NAMES

OK_STYLE = "color: #1b7a2e;"
ERROR_STYLE = "color: #b3261e;"
HINT_STYLE = "color: palette(placeholder-text);"


@dataclass
class Binding:
    """One editable setting: its widget, how to read it, its page (index) and where errors go."""

    env: str
    widget: QWidget
    get: Callable[[], Any]
    page: int
    error: QLabel


def hint(text: str, parent: QWidget | None = None) -> QLabel:
    """A grey explanatory line under a field."""
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setStyleSheet(HINT_STYLE)
    return label


def error_label(parent: QWidget | None = None) -> QLabel:
    """A red line, hidden until a problem is shown."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    label.hide()
    return label


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
