"""Compose's "Send with a different SMTP account": a login and password for this send only
(the password goes to the credential store with the notifications, never the database)."""
from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from .labels import error_label


class SmtpAccountBox(QGroupBox):
    """A checkable group: unticked, the settings' account is used; ticked, ``login`` and
    ``password`` (problems go to ``error``). Unticking forgets the typed password."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Send with a different SMTP account"), parent)
        self.setCheckable(True)
        self.setChecked(False)
        self.login = QLineEdit()
        self.login.setPlaceholderText(self.tr("Login, e.g. name@example.com"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("Password or app password"))
        self.error = error_label()
        self.fields = QWidget()
        sf = QFormLayout(self.fields)
        sf.setContentsMargins(0, 0, 0, 0)
        sf.addRow(self.tr("Login:"), self.login)
        sf.addRow(self.tr("Password:"), self.password)
        note = QLabel(self.tr("Kept in the system credential store for these messages only, never in the database."))
        note.setWordWrap(True)
        sf.addRow(note)
        sf.addRow(self.error)
        self.default_note = QLabel(self.tr("Off: email goes out through the SMTP account in the settings."))
        self.default_note.setWordWrap(True)
        sg = QVBoxLayout(self)
        sg.addWidget(self.default_note)
        sg.addWidget(self.fields)
        self.fields.setVisible(False)
        self.toggled.connect(self._toggled)

    @Slot(bool)
    def _toggled(self, on: bool) -> None:
        self.fields.setVisible(on)
        self.default_note.setVisible(not on)
        if not on:
            self.password.clear()
            self.error.hide()
