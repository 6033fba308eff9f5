"""Settings' answer to "this computer has no credential store".

Without a Secret Service (GNOME Keyring, KWallet) keyring can save nothing, and without a
saved password or token no channel can be set up. This panel says so in words and offers
the way that works: a passphrase-encrypted secrets file in the data folder
(core/secret_file.py), or the environment / a ``.env`` file for headless runs.

Signals of SecretStorePanel:
    unlocked(): the secrets file is open now; secrets can be read and saved.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ..core.secrets import CredentialStore, SecretStoreError, system_store_missing
from .context import AppContext
from .tasks import alive

ERROR_STYLE = "color: #b00020;"


def store_description(secrets: CredentialStore) -> str:
    """Where secrets are kept, in words (not keyring's class names)."""
    backend = secrets.backend
    if secrets.store_state().startswith("file-"):
        path = getattr(backend, "path", "")
        return QCoreApplication.translate("SecretStorePanel", "an encrypted file, {path}").format(path=path)
    if system_store_missing(backend):
        return QCoreApplication.translate("SecretStorePanel", "nowhere: this computer has no credential store")
    return secrets.backend_name()


class SecretStorePanel(QFrame):
    """Hidden while secrets can be saved; otherwise the cause and the passphrase form."""

    unlocked = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.state = ""
        self.setObjectName("secretStorePanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#secretStorePanel { background: #fff4ce; border: 1px solid #e0c060; border-radius: 4px; }"
                           "#secretStorePanel QLabel { color: #4a3b00; }")
        self.text = QLabel(self)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setWordWrap(True)
        self.passphrase = QLineEdit(self)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText(self.tr("Passphrase"))
        self.repeat = QLineEdit(self)
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat.setPlaceholderText(self.tr("Repeat the passphrase"))
        self.button = QPushButton(self)
        self.button.clicked.connect(self.unlock)
        self.passphrase.returnPressed.connect(self.unlock)
        self.repeat.returnPressed.connect(self.unlock)
        self.error = QLabel(self)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        self.form = QWidget(self)
        row = QHBoxLayout(self.form)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.passphrase, 1)
        row.addWidget(self.repeat, 1)
        row.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.form)
        layout.addWidget(self.error)
        self.hide()

    def refresh(self) -> None:
        """Ask the credential store how it is (off the GUI thread: the first keyring call
        discovers a backend, over D-Bus that can take a while)."""
        self.ctx.tasks.start(self._refresh())

    async def _refresh(self) -> None:
        state = await self.ctx.tasks.run(self.ctx.runtime.secrets.store_state)
        if alive(self):
            self.set_state(state)

    def set_state(self, state: str) -> None:
        self.state = state
        no_store = self.tr("This computer has no credential store (no Secret Service such as GNOME Keyring "
                           "or KWallet is running), so passwords and tokens cannot be saved there.")
        env = self.tr("For runs without the window, the secrets and this passphrase can also be given in the "
                      "environment or a .env file (see the README).")
        if state == "none":
            self.text.setText(no_store + " " + self.tr("Give the secrets in the environment or a .env file "
                                                       "(see the README), then restart the program."))
        elif state == "file-new":
            self.text.setText(no_store + " " + self.tr("Choose a passphrase to keep them in an encrypted file in "
                                                       "the data folder instead.") + " " + env)
            self.button.setText(self.tr("Create encrypted file"))
        elif state == "file-locked":
            self.text.setText(self.tr("The secrets are kept in an encrypted file, because this computer has no "
                                      "credential store. Enter its passphrase to unlock it.") + " " + env)
            self.button.setText(self.tr("Unlock"))
        self.form.setVisible(state in ("file-new", "file-locked"))
        self.repeat.setVisible(state == "file-new")
        self.setVisible(state in ("none", "file-new", "file-locked"))

    @Slot()
    def unlock(self) -> None:
        phrase = self.passphrase.text()
        self.error.hide()
        if not phrase:
            self._fail(self.tr("Enter a passphrase."))
            return
        if self.state == "file-new" and phrase != self.repeat.text():
            self._fail(self.tr("The two passphrases differ."))
            return
        self.button.setEnabled(False)
        self.ctx.tasks.start(self._unlock(phrase))

    async def _unlock(self, phrase: str) -> None:
        try:
            await self.ctx.tasks.run(self.ctx.runtime.secrets.unlock_file, phrase)
        except SecretStoreError:
            if alive(self):
                self._fail(self.tr("This passphrase does not open the secrets file."))
            return
        finally:
            if alive(self):
                self.button.setEnabled(True)
        if not alive(self):
            return
        self.passphrase.clear()
        self.repeat.clear()
        self.set_state("file-open")
        self.unlocked.emit()

    def _fail(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
