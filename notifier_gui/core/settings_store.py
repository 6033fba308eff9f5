"""Load, check and save what the Settings dialog edits (Qt-free, so it is testable headless).

The dialog shows the *effective* value of each setting (whatever layer it came from) and
saves back only what the operator changed: a value that came from a ``.env`` file or the
environment and was left alone is not copied into ``settings.json``. Secrets never go to
the settings file; they go to the credential store.

``.env`` files of the original web service often hold secrets. Environment values (and
``.env`` values) win over the keyring, so :func:`move_dotenv_secrets_to_keyring` stores
them in the keyring and then removes exactly those lines from the ``.env`` files (every
other byte is kept), after which the keyring value applies.
"""
from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from dotenv import dotenv_values

from .config import (
    FILE_HOLDS_SECRETS,
    SECRET_ENV_NAMES,
    UNKNOWN_OR_READ_ONLY,
    ConfigError,
    LoadedConfig,
    Settings,
    option_names,
    problem,
    read_settings_file,
    with_overrides,
    write_settings_file,
)
from .messages import PLAIN, Msg
from .secrets import NOT_KEPT, SERVICE, CredentialStore, SecretStoreError

log = logging.getLogger("notifier.settings")

# Settings the dialog never edits: where the data lives is decided before settings.json is read.
NOT_EDITABLE = frozenset({"NOTIFIER_DATA_DIR", "DATABASE_URL"})
SOURCE_FILE = "settings file"

_SECRET_ENV_TO_NAME = {env: name for name, env in SECRET_ENV_NAMES.items()}
_ENV_TO_FIELD = option_names()


# -- values -------------------------------------------------------------------------------
def current_values(config: LoadedConfig) -> dict[str, Any]:
    """Every editable non-secret setting by environment name, typed (what the dialog shows)."""
    out: dict[str, Any] = {}
    for f in fields(Settings):
        env = f.metadata["env"]
        if env in NOT_EDITABLE or env in _SECRET_ENV_TO_NAME:
            continue
        out[env] = getattr(config.settings, f.name)
    return out


def overridden(config: LoadedConfig) -> dict[str, str]:
    """Settings (and secrets) whose value comes from outside the settings file, and where from.

    A value saved to ``settings.json`` does not apply while one of these layers sets it.
    """
    return {env: src for env, src in config.sources.items()
            if src != SOURCE_FILE and (env in _ENV_TO_FIELD or env in _SECRET_ENV_TO_NAME)}


def changed_values(original: Mapping[str, Any], edited: Mapping[str, Any]) -> dict[str, Any]:
    """The edited values that differ from what was shown (tuples compare by items)."""
    out: dict[str, Any] = {}
    for env, value in edited.items():
        if env not in _ENV_TO_FIELD or env in NOT_EDITABLE:
            raise ConfigError(UNKNOWN_OR_READ_ONLY(env=env), env)
        if env not in original or _norm(original[env]) != _norm(value):
            out[env] = value
    return out


def _norm(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def to_json(value: Any) -> Any:
    """A typed value as the settings file stores it (read back by ``config.load``)."""
    if value is None:
        return ""  # an optional setting left on "auto" (e.g. NOTIFIER_SANDBOX)
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, Path):
        return str(value)
    return value


def apply(settings: Settings, values: Mapping[str, Any]) -> Settings:
    """``settings`` with the dialog's values applied (for checks before saving); ConfigError if unusable."""
    changes = {_ENV_TO_FIELD[env]: value for env, value in values.items() if env in _ENV_TO_FIELD}
    return with_overrides(settings, **changes)


def validate(settings: Settings, values: Mapping[str, Any]) -> dict[str, Msg]:
    """Problems with the dialog's values: environment name -> message (empty when all is well).

    Each value is checked by its setting's declaration (config.Settings, with the dialog's
    stricter rules); a problem is filed under the setting the error names by key ("" for one
    that is no single setting's), never found by reading the message.
    """
    problems: dict[str, Msg] = {}
    for env, value in values.items():
        if env in _ENV_TO_FIELD:
            found = problem(env, value, editing=True)
            if found is not None:
                problems[env] = found
    if not problems:
        try:
            apply(settings, values)
        except ConfigError as exc:
            problems[exc.setting if exc.setting in _ENV_TO_FIELD else ""] = _carried(exc.msg)
        except (TypeError, ValueError) as exc:
            problems[""] = PLAIN(text=str(exc))
    return problems


def _carried(text: str) -> Msg:
    return text if isinstance(text, Msg) else PLAIN(text=text)




# -- saving -------------------------------------------------------------------------------
@dataclass
class SecretEdits:
    """What the operator did to the secrets: typed a new value, or asked to delete it."""

    typed: dict[str, str] = field(default_factory=dict)  # secret name -> new value
    cleared: set[str] = field(default_factory=set)

    def __repr__(self) -> str:  # never show values, even in a debugger or a traceback
        return f"SecretEdits(typed={sorted(self.typed)}, cleared={sorted(self.cleared)})"


@dataclass(frozen=True)
class SaveResult:
    written: dict[str, Any]  # the settings file's new entries (changed values only)
    secrets_saved: tuple[str, ...]
    secrets_deleted: tuple[str, ...]


def save_settings(path: Path, original: Mapping[str, Any], edited: Mapping[str, Any]) -> dict[str, Any]:
    """Write only the changed values into the settings file, keeping its other entries."""
    changed = changed_values(original, edited)
    if not changed:
        return {}
    existing = read_settings_file(path)
    secret_keys = [k for k in existing if k in _SECRET_ENV_TO_NAME]
    if secret_keys:
        raise ConfigError(FILE_HOLDS_SECRETS(path=path, names=", ".join(secret_keys)))
    kept = {}
    for k, v in existing.items():
        if k in _ENV_TO_FIELD:
            kept[k] = v
        else:
            log.warning("dropping unknown setting %s from %s", k, path)
    kept.update({env: to_json(v) for env, v in changed.items()})
    write_settings_file(path, kept)
    log.info("settings saved: %s", ", ".join(sorted(changed)))
    return {env: to_json(v) for env, v in changed.items()}


def save_secrets(store: CredentialStore, edits: SecretEdits) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Store typed secrets and delete cleared ones; raises SecretStoreError (no values in it)."""
    saved, deleted = [], []
    for name, value in edits.typed.items():
        if value:
            store.set(name, value)
            saved.append(name)
    for name in edits.cleared - set(edits.typed):
        if store.delete(name):
            deleted.append(name)
    return tuple(saved), tuple(deleted)


def save(config: LoadedConfig, store: CredentialStore, edited: Mapping[str, Any],
         secrets: SecretEdits | None = None) -> SaveResult:
    """Save the dialog: changed settings to ``settings.json``, secrets to the keyring.

    Validates first, so nothing is written when a value is unusable (ConfigError).
    """
    problems = validate(config.settings, edited)
    if problems:
        setting, first = next(iter(problems.items()))
        raise ConfigError(first if len(problems) == 1 else "; ".join(problems.values()), setting)
    written = save_settings(config.settings.settings_file, current_values(config), edited)
    saved, deleted = save_secrets(store, secrets or SecretEdits())
    return SaveResult(written, saved, deleted)


class PendingSecrets(CredentialStore):
    """A credential store that answers with the dialog's unsaved secrets, for "Test connection"."""

    def __init__(self, base: CredentialStore, edits: SecretEdits) -> None:
        environ = {env: v for name, env in SECRET_ENV_NAMES.items() if (v := base.env_value(name))}
        super().__init__(environ, base.backend, base.redactor, base.withheld, base.intents_dir)
        self._edits = edits
        for value in edits.typed.values():
            self.redactor.add(value)

    def get(self, name: str) -> str | None:
        if self._edits.typed.get(name):
            return self._edits.typed[name]
        if name in self._edits.cleared and not self.env_value(name):
            return None
        return super().get(name)


# -- secrets in .env files ----------------------------------------------------------------
def dotenv_paths(data_dir: Path, cwd: Path) -> list[Path]:
    """The ``.env`` files ``config.load`` reads, lowest precedence first, each once."""
    out: list[Path] = []
    for p in (data_dir / ".env", cwd / ".env"):
        if p.is_file() and not any(_same(p, q) for q in out):
            out.append(p)
    return out


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b


def dotenv_secrets(data_dir: Path, cwd: Path) -> dict[Path, list[str]]:
    """``.env`` file -> the secret environment names it sets (non-empty values only)."""
    found: dict[Path, list[str]] = {}
    for path in dotenv_paths(data_dir, cwd):
        try:
            values = dotenv_values(path)
        except (OSError, UnicodeDecodeError) as exc:
            log.warning("cannot read %s: %s", path, type(exc).__name__)
            continue
        names = [env for env in SECRET_ENV_NAMES.values() if values.get(env)]
        if names:
            found[path] = names
    return found


@dataclass(frozen=True)
class MoveResult:
    moved: dict[Path, list[str]]  # file -> secret env names stored in the keyring and removed


def move_dotenv_secrets_to_keyring(found: Mapping[Path, Iterable[str]], store: CredentialStore) -> MoveResult:
    """Store the secrets of ``found`` in the keyring, then remove their lines from the files.

    When two files set the same secret, the one ``config.load`` prefers (the later, the
    current folder's) is stored. A line is removed only after its value was read back from
    the keyring, so a failing keyring never loses a secret (SecretStoreError is raised).
    """
    files = list(found.items())
    chosen: dict[str, str] = {}
    for path, names in files:
        values = dotenv_values(path)
        for env in names:
            value = values.get(env)
            if value:
                chosen[env] = value
    for env, value in chosen.items():
        name = _SECRET_ENV_TO_NAME[env]
        store.set(name, value)
        try:
            back = store.backend.get_password(SERVICE, name)
        except Exception:
            back = None
        if back != value:
            raise SecretStoreError(NOT_KEPT(secret=name))
    moved: dict[Path, list[str]] = {}
    for path, names in files:
        wanted = [env for env in names if env in chosen]
        if wanted:
            remove_dotenv_lines(path, wanted)
            moved[path] = wanted
            log.info("moved %s from %s to the credential store", ", ".join(wanted), path)
    return MoveResult(moved)


_BOM = b"\xef\xbb\xbf"


def remove_dotenv_lines(path: Path, names: Iterable[str]) -> int:
    """Remove the assignments of ``names`` from a .env file, keeping every other byte.

    Understands ``export NAME=…``, spaces around ``=``, and quoted values spanning lines.
    Returns the number of lines removed. Writes atomically and keeps the file's mode.
    """
    keys = b"|".join(re.escape(n.encode()) for n in names)
    assign = re.compile(rb"^[ \t]*(?:export[ \t]+)?(?:" + keys + rb")[ \t]*=[ \t]*(.*)$", re.DOTALL)
    data = path.read_bytes()
    lines = data.splitlines(keepends=True)
    out: list[bytes] = []
    removed = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        bom = _BOM if i == 0 and line.startswith(_BOM) else b""
        m = assign.match(line[len(bom):])
        if not m:
            out.append(line)
            i += 1
            continue
        end = _value_end(lines, i, m.group(1))
        removed += end - i + 1
        if bom:
            out.append(bom)
        i = end + 1
    if removed:
        tmp = path.with_name(path.name + ".notifier-tmp")
        tmp.write_bytes(b"".join(out))
        try:
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        except OSError:
            pass
        os.replace(tmp, path)
    return removed


def _value_end(lines: list[bytes], start: int, value: bytes) -> int:
    """Index of the last line of a value beginning with ``value`` on line ``start``."""
    if value[:1] not in (b'"', b"'"):
        return start
    quote = value[:1]
    text = value[1:]
    i = start
    while True:
        if _closes(text, quote):
            return i
        i += 1
        if i >= len(lines):
            return start  # never closed: python-dotenv reads just this line
        text = lines[i]


def _closes(text: bytes, quote: bytes) -> bool:
    escaped = False
    for ch in text:
        c = bytes([ch])
        if escaped:
            escaped = False
        elif c == b"\\" and quote == b'"':
            escaped = True
        elif c == quote:
            return True
    return False
