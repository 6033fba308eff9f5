"""Secrets in the OS credential store (keyring), and redaction of secret values.

The keyring backend is chosen the standard way (``PYTHON_KEYRING_BACKEND`` or keyring's
own discovery); a store can also be given an explicit backend. Environment values
(``SMTP_DEFAULT_PASSWORD`` …) are accepted for headless runs and win over the keyring,
like every other setting. Nothing here ever logs or formats a secret value.
"""
from __future__ import annotations

import base64
import binascii
import logging
import os
import re
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import quote, quote_plus

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

from .config import SECRET_ENV_NAMES, SECRETS_PASSPHRASE_ENV
from .messages import Msg, Template

SERVICE = "notifier-gui"
SECRET_NAMES = tuple(SECRET_ENV_NAMES)
PER_SEND_PREFIX = "send:"
SECRETS_FILE = "secrets.enc"
PASSPHRASE_ENV = SECRETS_PASSPHRASE_ENV

log = logging.getLogger("notifier.secrets")
T = TypeVar("T")


def configure_frozen_backend() -> None:
    """In a frozen Windows build, name the backend instead of discovering it.

    keyring discovers backends through package entry points, which PyInstaller bundles do
    not always carry; the result would be the "fail" backend and no way to save a secret.
    An explicit PYTHON_KEYRING_BACKEND still wins.
    """
    if getattr(sys, "frozen", False) and sys.platform == "win32" and not os.environ.get("PYTHON_KEYRING_BACKEND"):
        import keyring
        from keyring.backends.Windows import WinVaultKeyring

        keyring.set_keyring(WinVaultKeyring())


def _password_delete_error() -> type[Exception]:
    """keyring's "no such entry" error; keyring is imported only once a secret is touched
    (``users list`` and the other commands that need none start faster without it)."""
    import keyring.errors

    return keyring.errors.PasswordDeleteError


class SecretStoreError(RuntimeError):
    """The credential store cannot be used; the message says why (never the value): a ``Msg``
    where the sentence is ours, the backend's or file's own words otherwise."""


class Redactor:
    """Replaces every known secret value (and Telegram bot tokens in URLs) with ``***``.

    Thread-safe; values are added as they become known (keyring reads, per-send passwords).
    """

    # /bot<digits>:<token>/ in Bot API URLs, whatever the value: catches tokens we never saw.
    _BOT_URL = re.compile(r"(/bot)\d+:[A-Za-z0-9_-]+")
    _BASIC = re.compile(r"(?i)(\bbasic\s+)[A-Za-z0-9+/]{8,}={0,2}")
    # Anything that may be base64 (standard or URL-safe): a server may echo what the client
    # sent encoded, e.g. SMTP AUTH PLAIN (``\0user\0password``), AUTH LOGIN (the password
    # alone) or an HTTP Basic header (``user:password``), whatever the user name is.
    _BASE64 = re.compile(r"[A-Za-z0-9+/_-]{6,}={0,2}")

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
        if isinstance(text, Msg):  # its parameters too, and it keeps its code
            return text.redacted(self)
        text = self._BOT_URL.sub(r"\1***", text)
        text = self._BASIC.sub(r"\1***", text)
        values = self._longest_first  # an immutable snapshot: no lock needed to read it
        for v in values:
            if v in text:
                text = text.replace(v, "***")
        if values:
            text = self._BASE64.sub(lambda m: "***" if self._hides_secret(m.group(0), values) else m.group(0), text)
        return text

    @staticmethod
    def _hides_secret(token: str, values: tuple[str, ...]) -> bool:
        raw = token.rstrip("=")
        for alphabet in (None, b"-_"):
            try:
                decoded = base64.b64decode(raw + "=" * (-len(raw) % 4), altchars=alphabet, validate=False)
            except (binascii.Error, ValueError):
                continue
            if len(decoded) < 4:
                return False
            text = decoded.decode("utf-8", "replace")
            if any(v in text for v in values):
                return True
        return False


# One lock for every keyring call in the process: backends are not all thread-safe
# (keyrings.alt's file backend rewrites one file; concurrent writers from worker threads
# corrupted it and raised configparser errors).
_KEYRING_LOCK = threading.RLock()
# A per-send intent older than this whose process cannot be checked is taken as abandoned.
INTENT_GRACE_SECONDS = 3600.0


def _process_id() -> str:
    """This process as pid/start time, so a reused pid is not mistaken for it."""
    import psutil

    return f"{os.getpid()}/{int(psutil.Process(os.getpid()).create_time())}"


def _process_alive(ident: str) -> bool | None:
    import psutil

    try:
        pid, created = (int(x) for x in ident.split("/"))
    except ValueError:
        return None
    try:
        return int(psutil.Process(pid).create_time()) == created
    except (psutil.NoSuchProcess, psutil.ZombieProcess):
        return False
    except psutil.Error:
        return None


class CredentialStore:
    """Named secrets: keyring entries under service ``notifier-gui``, environment as override.

    ``withheld``: secrets not to hand out in this run, with the reason (a ``./.env``
    would send them elsewhere; see ``config.LoadedConfig.withheld``). ``intents_dir``: where
    per-send entries are announced before they are written (see :meth:`put_per_send`).
    """

    def __init__(
        self,
        environ: Mapping[str, str] | None = None,
        backend: KeyringBackend | None = None,
        redactor: Redactor | None = None,
        withheld: Mapping[str, str] | None = None,
        intents_dir: Path | None = None,
    ) -> None:
        self._environ = dict(environ or {})
        self._backend = backend
        self.redactor = redactor or Redactor()
        self.withheld = dict(withheld or {})
        self.intents_dir = intents_dir
        self._warned: set[str] = set()
        for value in self._environ.values():
            self.redactor.add(value)

    def _call(self, what: Msg, fn: Callable[[], T]) -> T:
        """Run one backend call under the process-wide lock; any backend failure is a SecretStoreError."""
        with _KEYRING_LOCK:
            try:
                return fn()
            except _password_delete_error():
                raise
            except Exception as exc:  # backends raise more than KeyringError (configparser, OSError, dbus)
                failure = type(exc).__name__
        # Why, in words, where the store itself is the problem (none at all, a locked file).
        raise SecretStoreError(self.problem() or STORE_FAILED(backend=self.backend_name(), what=what, failure=failure))

    @property
    def backend(self) -> KeyringBackend:
        return self._backend or self._fallback_or_system()

    def backend_name(self) -> str:
        b = self.backend
        return f"{type(b).__module__}.{type(b).__name__}"

    def _check_name(self, name: str) -> None:
        if name not in SECRET_NAMES and not name.startswith(PER_SEND_PREFIX):
            raise SecretStoreError(UNKNOWN_SECRET(name=name, names=", ".join(SECRET_NAMES)))

    def env_value(self, name: str) -> str | None:
        env_name = SECRET_ENV_NAMES.get(name)
        return self._environ.get(env_name) if env_name else None

    def get(self, name: str) -> str | None:
        self._check_name(name)
        if name in self.withheld:  # from the keyring, the environment or the data folder's .env
            if name not in self._warned:
                self._warned.add(name)
                log.warning("%s withheld: %s", name, self.withheld[name])
            return None
        value = self.env_value(name)
        if value:
            return value
        value = self._call(CANNOT_READ(), lambda: self.backend.get_password(SERVICE, name))
        self.redactor.add(value)
        return value

    def set(self, name: str, value: str) -> None:
        self._check_name(name)
        if not value:
            raise SecretStoreError(EMPTY_SECRET())
        self.redactor.add(value)
        self._call(REFUSED_SAVE(secret=name), lambda: self.backend.set_password(SERVICE, name, value))
        log.info("secret %s saved to %s", name, self.backend_name())

    def delete(self, name: str) -> bool:
        self._check_name(name)
        try:
            self._call(REFUSED_DELETE(secret=name), lambda: self.backend.delete_password(SERVICE, name))
        except _password_delete_error():
            return False
        log.info("secret %s deleted", name)
        return True

    def status(self) -> dict[str, str]:
        """Where each secret comes from: 'environment', 'keyring', 'withheld' or 'missing'. Never values."""
        out: dict[str, str] = {}
        for name in SECRET_NAMES:
            if self.env_value(name):
                out[name] = "withheld" if name in self.withheld else "environment"
                continue
            try:
                stored = self._call(CANNOT_READ(), lambda: self.backend.get_password(SERVICE, name))
            except SecretStoreError:
                out[name] = "unreadable"
                continue
            out[name] = ("withheld" if name in self.withheld else "keyring") if stored else "missing"
        return out

    # Per-send SMTP passwords: one keyring entry per send, referenced from its notification rows.
    # Each entry is announced by an intent file (``intents_dir/<ref>``, naming this process)
    # *before* it is written, so an entry a crash left behind can be found again: the
    # keyring cannot list its entries. :meth:`sweep_per_send` removes what nothing needs.
    def put_per_send(self, value: str) -> str:
        ref = f"{PER_SEND_PREFIX}{uuid.uuid4().hex}"
        if self.intents_dir is not None:
            self.intents_dir.mkdir(parents=True, exist_ok=True)
            intent = self.intents_dir / ref.removeprefix(PER_SEND_PREFIX)
            with open(intent, "x", encoding="ascii") as fh:
                fh.write(_process_id())
                fh.flush()
                os.fsync(fh.fileno())
        self.set(ref, value)
        return ref

    def drop_per_send(self, ref: str) -> None:
        """Remove a per-send entry and its intent (SecretStoreError leaves the intent for a later sweep)."""
        self.delete(ref)
        if self.intents_dir is not None:
            (self.intents_dir / ref.removeprefix(PER_SEND_PREFIX)).unlink(missing_ok=True)

    def sweep_per_send(self, in_use: Iterable[str], now: float | None = None) -> int:
        """Remove per-send entries that no unfinished notification references (``in_use``).

        An intent of a live process is kept (it may be between writing the entry and
        queuing its notifications); one of a dead process, or older than an hour when its
        process cannot be told, is not. Returns the number of entries removed.
        """
        if self.intents_dir is None or not self.intents_dir.is_dir():
            return 0
        used = set(in_use)
        now = time.time() if now is None else now
        removed = 0
        for intent in self.intents_dir.iterdir():
            ref = f"{PER_SEND_PREFIX}{intent.name}"
            if ref in used or not intent.is_file():
                continue
            try:
                owner = intent.read_text(encoding="ascii").strip()
                age = now - intent.stat().st_mtime
            except (OSError, UnicodeDecodeError):
                continue
            alive = _process_alive(owner)
            if alive or (alive is None and age < INTENT_GRACE_SECONDS):
                continue
            try:
                self.drop_per_send(ref)
            except SecretStoreError as exc:
                log.error("an unused per-send SMTP password was not removed: %s", exc)
                continue
            removed += 1
        if removed:
            log.info("removed %d unused per-send SMTP password(s) from the credential store", removed)
        return removed

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
        import keyring  # imported on first use: commands that never touch a secret skip it

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
            raise SecretStoreError(NO_SECRETS_FILE())
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


# The credential store's sentences (shown by the CLI, the window's Settings, the log).
NO_STORE = Template("secrets.no_store", "this computer has no credential store (no Secret Service such as GNOME "
                                        "Keyring or KWallet is running)")
USE_ENVIRONMENT = Template("secrets.use_environment",
                           "{store}: give the secrets in the environment or a .env file instead")
CHOOSE_PASSPHRASE = Template("secrets.choose_passphrase",
                             "{store}: choose a passphrase in Settings (or set {env}) to keep the secrets in an "
                             "encrypted file, or give them in the environment or a .env file")
FILE_LOCKED = Template("secrets.file_locked", "the secrets are in an encrypted file ({path}) and it is locked: enter "
                                              "its passphrase in Settings, or set {env}")
STORE_FAILED = Template("secrets.failed", "the credential store ({backend}) {what}: {failure}")
CANNOT_READ = Template("secrets.cannot_read", "cannot be read")
REFUSED_SAVE = Template("secrets.refused_save", "refused to save {secret}")
REFUSED_DELETE = Template("secrets.refused_delete", "refused to delete {secret}")
UNKNOWN_SECRET = Template("secrets.unknown", "unknown secret {name!r}; known: {names}")
NOT_KEPT = Template("settings.secret_not_kept", "the credential store did not keep {secret}; the .env files were "
                                               "left as they were")
EMPTY_SECRET = Template("secrets.empty", "an empty secret cannot be stored; use delete")
NO_SECRETS_FILE = Template("secrets.no_file", "secrets are not kept in an encrypted file here")


def store_problem(state: str, path: Path | None = None) -> Msg | None:
    """The sentence for a store ``state`` (CredentialStore.store_state) that cannot be used."""
    if state == "none":
        return USE_ENVIRONMENT(store=NO_STORE())
    if state == "file-new":
        return CHOOSE_PASSPHRASE(store=NO_STORE(), env=PASSPHRASE_ENV)
    if state == "file-locked":
        return FILE_LOCKED(path=path, env=PASSPHRASE_ENV)
    return None
