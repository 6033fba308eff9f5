"""Secrets in the OS credential store (keyring), and redaction of secret values.

The keyring backend is chosen the standard way (``PYTHON_KEYRING_BACKEND`` or keyring's
own discovery); a store can also be given an explicit backend. Environment values
(``SMTP_DEFAULT_PASSWORD`` …) are accepted for headless runs and win over the keyring,
like every other setting. Nothing here ever logs or formats a secret value.
"""
from __future__ import annotations

import logging
import os
import re
import sys
import threading
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import quote, quote_plus

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from .config import SECRET_ENV_NAMES, SECRETS_PASSPHRASE_ENV

SERVICE = "notifier-gui"
SECRET_NAMES = tuple(SECRET_ENV_NAMES)
PER_SEND_PREFIX = "send:"
SECRETS_FILE = "secrets.enc"
PASSPHRASE_ENV = SECRETS_PASSPHRASE_ENV

log = logging.getLogger("notifier.secrets")


def configure_frozen_backend() -> None:
    """In a frozen Windows build, name the backend instead of discovering it.

    keyring discovers backends through package entry points, which PyInstaller bundles do
    not always carry; the result would be the "fail" backend and no way to save a secret.
    An explicit PYTHON_KEYRING_BACKEND still wins.
    """
    if getattr(sys, "frozen", False) and sys.platform == "win32" and not os.environ.get("PYTHON_KEYRING_BACKEND"):
        from keyring.backends.Windows import WinVaultKeyring

        keyring.set_keyring(WinVaultKeyring())


class SecretStoreError(RuntimeError):
    """The credential store cannot be used; the message says why (never the value)."""


class Redactor:
    """Replaces every known secret value (and Telegram bot tokens in URLs) with ``***``.

    Thread-safe; values are added as they become known (keyring reads, per-send passwords).
    """

    # /bot<digits>:<token>/ in Bot API URLs, whatever the value: catches tokens we never saw.
    _BOT_URL = re.compile(r"(/bot)\d+:[A-Za-z0-9_-]+")
    _BASIC = re.compile(r"(?i)(\bbasic\s+)[A-Za-z0-9+/]{8,}={0,2}")

    def __init__(self, values: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._values: set[str] = set()
        self._longest_first: tuple[str, ...] = ()  # re-sorted on add, not on every call
        for v in values:
            self.add(v)

    def add(self, value: str | None) -> None:
        if value and len(value) >= 4:
            with self._lock:
                before = len(self._values)
                self._values.add(value)
                # percent-encoded forms show up in URLs and form bodies
                self._values.add(quote(value, safe=""))
                self._values.add(quote_plus(value, safe=""))
                if len(self._values) != before:
                    self._longest_first = tuple(sorted(self._values, key=len, reverse=True))

    def __call__(self, text: str) -> str:
        if not text:
            return text
        text = self._BOT_URL.sub(r"\1***", text)
        text = self._BASIC.sub(r"\1***", text)
        for v in self._longest_first:  # an immutable snapshot: no lock needed to read it
            if v in text:
                text = text.replace(v, "***")
        return text


class CredentialStore:
    """Named secrets: keyring entries under service ``notifier-gui``, environment as override."""

    def __init__(
        self,
        environ: Mapping[str, str] | None = None,
        backend: KeyringBackend | None = None,
        redactor: Redactor | None = None,
    ) -> None:
        self._environ = dict(environ or {})
        self._backend = backend
        self.redactor = redactor or Redactor()
        for value in self._environ.values():
            self.redactor.add(value)

    @property
    def backend(self) -> KeyringBackend:
        return self._backend or self._fallback_or_system()

    def backend_name(self) -> str:
        b = self.backend
        return f"{type(b).__module__}.{type(b).__name__}"

    def _check_name(self, name: str) -> None:
        if name not in SECRET_NAMES and not name.startswith(PER_SEND_PREFIX):
            raise SecretStoreError(f"unknown secret {name!r}; known: {', '.join(SECRET_NAMES)}")

    def env_value(self, name: str) -> str | None:
        env_name = SECRET_ENV_NAMES.get(name)
        return self._environ.get(env_name) if env_name else None

    def get(self, name: str) -> str | None:
        self._check_name(name)
        value = self.env_value(name)
        if value:
            return value
        try:
            value = self.backend.get_password(SERVICE, name)
        except keyring.errors.KeyringError as exc:
            raise SecretStoreError(self.problem() or f"the credential store ({self.backend_name()}) cannot be read: "
                                   f"{type(exc).__name__}") from None
        self.redactor.add(value)
        return value

    def set(self, name: str, value: str) -> None:
        self._check_name(name)
        if not value:
            raise SecretStoreError("an empty secret cannot be stored; use delete")
        self.redactor.add(value)
        try:
            self.backend.set_password(SERVICE, name, value)
        except keyring.errors.KeyringError as exc:
            raise SecretStoreError(self.problem() or f"the credential store ({self.backend_name()}) refused to save "
                                   f"{name}: {type(exc).__name__}") from None
        log.info("secret %s saved to %s", name, self.backend_name())

    def delete(self, name: str) -> bool:
        self._check_name(name)
        try:
            self.backend.delete_password(SERVICE, name)
        except keyring.errors.PasswordDeleteError:
            return False
        except keyring.errors.KeyringError as exc:
            raise SecretStoreError(self.problem() or f"the credential store ({self.backend_name()}) refused to "
                                   f"delete {name}: {type(exc).__name__}") from None
        log.info("secret %s deleted", name)
        return True

    def status(self) -> dict[str, str]:
        """Where each secret comes from: 'environment', 'keyring' or 'missing'. Never values."""
        out: dict[str, str] = {}
        for name in SECRET_NAMES:
            if self.env_value(name):
                out[name] = "environment"
                continue
            try:
                stored = self.backend.get_password(SERVICE, name)
            except keyring.errors.KeyringError:
                out[name] = "unreadable"
                continue
            out[name] = "keyring" if stored else "missing"
        return out

    # Per-send SMTP passwords: a keyring entry referenced from the notification row.
    def put_per_send(self, value: str) -> str:
        ref = f"{PER_SEND_PREFIX}{uuid.uuid4().hex}"
        self.set(ref, value)
        return ref

    def load_all(self) -> None:
        """Read every named secret once so the redactor knows them (before logging starts)."""
        for name in SECRET_NAMES:
            try:
                self.get(name)
            except SecretStoreError:
                pass

    # -- no OS credential store: an encrypted file instead (see secret_file.py) -----------
    file_fallback: Path | None = None  # set by Runtime: <data dir>/secrets.enc

    def _fallback_or_system(self) -> KeyringBackend:
        """keyring's own choice, unless that is "none at all" and a secrets file is allowed."""
        system = keyring.get_keyring()
        if self.file_fallback is None or not system_store_missing(system):
            return system
        from .secret_file import EncryptedFileKeyring, WrongPassphrase

        backend = EncryptedFileKeyring(self.file_fallback)
        passphrase = self._environ.get(PASSPHRASE_ENV)
        if passphrase:
            try:
                backend.unlock(passphrase)
            except WrongPassphrase:
                log.warning("%s does not open %s; the secrets file stays locked", PASSPHRASE_ENV, self.file_fallback)
        self._backend = backend
        return backend

    def store_state(self) -> str:
        """'system' (an OS credential store), 'none' (none, and no file allowed), or the
        secrets file's state: 'file-new' (no file yet), 'file-locked', 'file-open'."""
        b = self.backend
        # Only a store that fell back to the file has imported it (and cryptography): no
        # import here just to ask, the window's start-up pays for nothing it does not use.
        secret_file = sys.modules.get(f"{__package__}.secret_file")
        if secret_file is not None and isinstance(b, secret_file.EncryptedFileKeyring):
            if not b.locked:
                return "file-open"
            return "file-locked" if b.exists else "file-new"
        return "none" if system_store_missing(b) else "system"

    def unlock_file(self, passphrase: str) -> None:
        """Open (or start) the secrets file with ``passphrase``; SecretStoreError if it does not fit."""
        from .secret_file import EncryptedFileKeyring, WrongPassphrase

        b = self.backend
        if not isinstance(b, EncryptedFileKeyring):
            raise SecretStoreError("secrets are not kept in an encrypted file here")
        self.redactor.add(passphrase)
        try:
            b.unlock(passphrase)
        except WrongPassphrase as exc:
            raise SecretStoreError(str(exc)) from None
        log.info("secrets file %s unlocked", b.path)

    def problem(self) -> str | None:
        """Why secrets cannot be saved or read, in words, with what to do; None if they can."""
        return store_problem(self.store_state(), self.file_fallback)


def system_store_missing(backend: KeyringBackend) -> bool:
    """keyring found no credential store (its "fail" backend, or a chain of nothing)."""
    from keyring.backends import chainer, fail

    if isinstance(backend, fail.Keyring):
        return True
    return isinstance(backend, chainer.ChainerBackend) and not backend.backends


NO_STORE = ("this computer has no credential store (no Secret Service such as GNOME Keyring or KWallet "
            "is running)")


def store_problem(state: str, path: Path | None = None) -> str | None:
    """The sentence for a store ``state`` (CredentialStore.store_state) that cannot be used."""
    if state == "none":
        return f"{NO_STORE}: give the secrets in the environment or a .env file instead"
    if state == "file-new":
        return (f"{NO_STORE}: choose a passphrase in Settings (or set {PASSPHRASE_ENV}) to keep the secrets "
                f"in an encrypted file, or give them in the environment or a .env file")
    if state == "file-locked":
        return (f"the secrets are in an encrypted file ({path}) and it is locked: enter its passphrase in "
                f"Settings, or set {PASSPHRASE_ENV}")
    return None
