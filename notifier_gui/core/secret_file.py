"""An encrypted secrets file, for machines without an OS credential store.

A Linux desktop without a Secret Service (no GNOME Keyring, no KWallet) leaves keyring
with its "fail" backend: nothing can be saved, so no channel can be set up. This backend
keeps the secrets in ``<data dir>/secrets.enc`` instead, encrypted with a key derived from
a passphrase the operator chooses (scrypt, then Fernet: AES-128-CBC + HMAC-SHA256 from
``cryptography``). The passphrase itself is never stored; the window asks for it in
Settings, a headless run reads it from ``NOTIFIER_SECRETS_PASSPHRASE``.

Until a passphrase is given the store is *locked*: every call raises ``KeyringLocked``,
which the credential store turns into a sentence that says how to unlock it.
"""
from __future__ import annotations

import base64
import json
import os
import threading
from pathlib import Path

import keyring.errors
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from keyring.backend import KeyringBackend

FORMAT_VERSION = 1
# scrypt cost: ~0.1 s and 32 MiB once per unlock; the key is kept in memory afterwards.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**15, 8, 1


class WrongPassphrase(keyring.errors.KeyringError):
    """The passphrase does not open the existing secrets file."""


def _derive(passphrase: str, salt: bytes) -> bytes:
    kdf = Scrypt(salt=salt, length=32, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P)
    return base64.urlsafe_b64encode(kdf.derive(passphrase.encode("utf-8")))


class EncryptedFileKeyring(KeyringBackend):
    """keyring backend over one passphrase-encrypted JSON file ({service: {name: value}})."""

    def __init__(self, path: Path, passphrase: str | None = None) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # keyring's own, untyped
        self.path = path
        self._lock = threading.Lock()
        self._fernet: Fernet | None = None
        self._salt = b""
        if passphrase:
            self.unlock(passphrase)

    @property
    def priority(self) -> float:  # never discovered: always chosen by name
        return 0.5

    @property
    def exists(self) -> bool:
        return self.path.exists()

    @property
    def locked(self) -> bool:
        return self._fernet is None

    def unlock(self, passphrase: str) -> None:
        """Open the file with ``passphrase`` (or start a new one with it); WrongPassphrase if it does not fit."""
        if not passphrase:
            raise WrongPassphrase("an empty passphrase cannot protect the secrets")
        with self._lock:
            if self.path.exists():
                header = json.loads(self.path.read_text(encoding="utf-8"))
                salt = base64.b64decode(header["salt"])
                fernet = Fernet(_derive(passphrase, salt))
                try:
                    fernet.decrypt(header["token"].encode("ascii"))
                except InvalidToken:
                    raise WrongPassphrase("the passphrase does not open the secrets file") from None
            else:
                salt = os.urandom(16)
                fernet = Fernet(_derive(passphrase, salt))
            self._fernet, self._salt = fernet, salt

    # -- keyring API ------------------------------------------------------------------
    def get_password(self, service: str, username: str) -> str | None:
        with self._lock:
            return self._read().get(service, {}).get(username)

    def set_password(self, service: str, username: str, password: str) -> None:
        with self._lock:
            data = self._read()
            data.setdefault(service, {})[username] = password
            self._write(data)

    def delete_password(self, service: str, username: str) -> None:
        with self._lock:
            data = self._read()
            if username not in data.get(service, {}):
                raise keyring.errors.PasswordDeleteError("no such secret")
            del data[service][username]
            self._write(data)

    # -- file -------------------------------------------------------------------------
    def _key(self) -> Fernet:
        if self._fernet is None:
            raise keyring.errors.KeyringLocked("the encrypted secrets file is locked")
        return self._fernet

    def _read(self) -> dict[str, dict[str, str]]:
        fernet = self._key()
        if not self.path.exists():
            return {}
        header = json.loads(self.path.read_text(encoding="utf-8"))
        try:
            plain = fernet.decrypt(header["token"].encode("ascii"))
        except InvalidToken:
            raise WrongPassphrase("the secrets file was changed or replaced since it was unlocked") from None
        data: dict[str, dict[str, str]] = json.loads(plain)
        return data

    def _write(self, data: dict[str, dict[str, str]]) -> None:
        token = self._key().encrypt(json.dumps(data).encode("utf-8")).decode("ascii")
        body = json.dumps({"version": FORMAT_VERSION, "kdf": "scrypt", "n": _SCRYPT_N, "r": _SCRYPT_R,
                           "p": _SCRYPT_P, "salt": base64.b64encode(self._salt).decode("ascii"), "token": token})
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(body)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)  # a crash leaves the old file or the new one, never half of one
