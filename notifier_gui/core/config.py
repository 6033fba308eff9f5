"""Settings: one declarative schema, loaded from layered sources.

Precedence (lowest first): defaults < settings file (``<data dir>/settings.json``) <
``.env`` in the data dir < ``.env`` in the current folder < environment < explicit
overrides (CLI flags). The names are the original web service's ``.env`` names, so an
existing ``.env`` keeps working.

Secrets are *not* settings: they live in the keyring (see :mod:`secrets`). Their
environment names are listed in ``SECRET_ENV_NAMES`` so the settings file refuses them.
"""
from __future__ import annotations

import json
import os
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import platformdirs
from dotenv import dotenv_values

APP_NAME = "notifier-gui"
CHANNEL_NAMES = ("email", "sms", "telegram")

# Secret name in the keyring -> environment name accepted for headless runs.
SECRET_ENV_NAMES: dict[str, str] = {
    "smtp_password": "SMTP_DEFAULT_PASSWORD",
    "telegram_bot_token": "TELEGRAM_BOT_TOKEN",
    "twilio_auth_token": "TWILIO_AUTH_TOKEN",
    "smsru_api_id": "SMSRU_API_ID",
    "android_sms_password": "ANDROID_SMS_PASSWORD",
}

# Opens the encrypted secrets file where the OS has no credential store (core/secret_file.py).
SECRETS_PASSPHRASE_ENV = "NOTIFIER_SECRETS_PASSPHRASE"


class ConfigError(ValueError):
    """A setting has a value that cannot be used; the message names the setting."""


def _opt(env: str, help: str) -> dict[str, str]:
    return {"env": env, "help": help}


@dataclass(frozen=True)
class Settings:
    """Every setting, with its environment name and meaning. Frozen: derive with ``replace``."""

    # Email (SMTP)
    smtp_host: str = field(default="", metadata=_opt("SMTP_HOST", "SMTP server host name"))
    smtp_port: int = field(default=587, metadata=_opt("SMTP_PORT", "SMTP server port (587 STARTTLS, 465 implicit TLS)"))
    smtp_use_tls: bool = field(default=True, metadata=_opt("SMTP_USE_TLS", "Upgrade the connection with STARTTLS (ignored with SMTP_USE_SSL)"))
    smtp_use_ssl: bool = field(default=False, metadata=_opt("SMTP_USE_SSL", "Implicit TLS from the first byte (port 465)"))
    smtp_user: str = field(default="", metadata=_opt("SMTP_DEFAULT_USER", "SMTP login"))
    from_email: str = field(default="", metadata=_opt("DEFAULT_FROM_EMAIL", "From address (optionally 'Name <addr>')"))
    from_name: str = field(default="", metadata=_opt("DEFAULT_FROM_NAME", "Display name in From"))
    smtp_timeout: float = field(default=30.0, metadata=_opt("SMTP_TIMEOUT", "Seconds to wait for the SMTP server"))

    # SMS
    sms_provider: str = field(default="", metadata=_opt("SMS_PROVIDER", "twilio, smsru or android (empty: SMS off)"))
    twilio_account_sid: str = field(default="", metadata=_opt("TWILIO_ACCOUNT_SID", "Twilio Account SID"))
    twilio_from: str = field(default="", metadata=_opt("TWILIO_FROM", "Twilio sender number (E.164)"))
    twilio_messaging_service_sid: str = field(default="", metadata=_opt("TWILIO_MESSAGING_SERVICE_SID", "Twilio Messaging Service SID"))
    twilio_api_base: str = field(default="https://api.twilio.com", metadata=_opt("TWILIO_API_BASE", "Twilio API base URL"))
    smsru_from: str = field(default="", metadata=_opt("SMSRU_FROM", "SMS.ru sender name"))
    smsru_api_base: str = field(default="https://sms.ru", metadata=_opt("SMSRU_API_BASE", "SMS.ru API base URL"))
    twilio_api_key_sid: str = field(default="", metadata=_opt("TWILIO_API_KEY_SID", "Twilio API key SID (SK…); the auth token then holds the key's secret"))
    android_sms_url: str = field(default="", metadata=_opt("ANDROID_SMS_URL", "Android SMS gateway base URL"))
    android_sms_user: str = field(default="", metadata=_opt("ANDROID_SMS_USER", "Android SMS gateway user name"))
    android_sms_sim: int = field(default=0, metadata=_opt("ANDROID_SMS_SIM", "SIM slot on the gateway phone (0: default)"))
    sms_timeout: float = field(default=15.0, metadata=_opt("SMS_TIMEOUT", "Seconds to wait for the SMS provider"))
    sms_rate: float = field(default=1.0, metadata=_opt("SMS_RATE", "SMS messages per second, across all workers"))

    # Telegram
    telegram_parse_mode: str = field(default="HTML", metadata=_opt("TELEGRAM_PARSE_MODE", "HTML, MarkdownV2 or empty for plain text"))
    telegram_disable_wpp: bool = field(default=True, metadata=_opt("TELEGRAM_DISABLE_WPP", "Disable link previews"))
    telegram_timeout: float = field(default=10.0, metadata=_opt("TELEGRAM_TIMEOUT", "Seconds to wait for the Bot API"))
    telegram_api_base: str = field(default="https://api.telegram.org", metadata=_opt("TELEGRAM_API_BASE", "Bot API base URL"))
    telegram_rate: float = field(default=25.0, metadata=_opt("TELEGRAM_RATE", "Telegram messages per second overall"))
    telegram_chat_rate: float = field(default=1.0, metadata=_opt("TELEGRAM_CHAT_RATE", "Telegram messages per second per chat"))

    # Delivery
    channels: tuple[str, ...] = field(default=CHANNEL_NAMES, metadata=_opt("NOTIFIER_CHANNELS", "Default channel order"))
    concurrency: int = field(default=4, metadata=_opt("NOTIFIER_CONCURRENCY", "Worker threads"))
    sandbox: bool | None = field(default=None, metadata=_opt("NOTIFIER_SANDBOX", "Write to the outbox instead of sending (empty: when nothing is configured)"))
    max_tries: int = field(default=3, metadata=_opt("NOTIFIER_MAX_TRIES", "Tries per channel within one round"))
    backoff: tuple[float, ...] = field(default=(2.0, 10.0), metadata=_opt("NOTIFIER_BACKOFF", "Seconds between tries on one channel"))
    jitter: float = field(default=0.2, metadata=_opt("NOTIFIER_JITTER", "Relative jitter applied to waits (0.2 = +/-20%)"))
    round_delay: float = field(default=300.0, metadata=_opt("NOTIFIER_ROUND_DELAY", "Seconds before a new round after a round of transient failures"))
    round_delay_max: float = field(default=3600.0, metadata=_opt("NOTIFIER_ROUND_DELAY_MAX", "Cap on the doubling round delay"))
    lifetime: float = field(default=86400.0, metadata=_opt("NOTIFIER_LIFETIME", "Seconds after which a notification gives up"))
    lease_seconds: float = field(default=120.0, metadata=_opt("NOTIFIER_LEASE_SECONDS", "How long a claim is valid without renewal"))
    phone_region: str = field(default="", metadata=_opt("NOTIFIER_PHONE_REGION", "Region for numbers without +country code, e.g. RU"))

    # Storage
    data_dir: Path = field(default=Path("."), metadata=_opt("NOTIFIER_DATA_DIR", "Folder for the database, logs and outbox"))
    database_url: str = field(default="", metadata=_opt("DATABASE_URL", "SQLAlchemy URL (default: SQLite in the data dir)"))
    log_level: str = field(default="INFO", metadata=_opt("NOTIFIER_LOG_LEVEL", "Log level of the log file"))

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'notifier.db').as_posix()}"

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def settings_file(self) -> Path:
        return self.data_dir / "settings.json"


def option_names() -> dict[str, str]:
    """Environment name -> field name, for every setting."""
    return {f.metadata["env"]: f.name for f in fields(Settings)}


_TRUE = {"1", "true", "yes", "on", "y"}
_FALSE = {"0", "false", "no", "off", "n", ""}


def _parse(env: str, hint: Any, raw: Any) -> Any:
    if not isinstance(raw, str):
        raw = json.dumps(raw) if isinstance(raw, (list, tuple)) else str(raw)
    text = raw.strip()
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType")) and type(None) in args:
        if text == "":
            return None
        (hint,) = [a for a in args if a is not type(None)]
        origin, args = typing.get_origin(hint), typing.get_args(hint)
    try:
        if hint is bool:
            low = text.lower()
            if low in _TRUE:
                return True
            if low in _FALSE:
                return False
            raise ValueError
        if hint is int:
            return int(text)
        if hint is float:
            value = float(text)
            if value != value or value < 0:
                raise ValueError
            return value
        if hint is Path:
            return Path(text).expanduser()
        if origin is tuple:
            items = [p.strip() for p in text.strip("[]").replace('"', "").split(",") if p.strip()]
            return tuple(args[0](p) for p in items)
        return text
    except ValueError:
        raise ConfigError(f"{env}={raw!r} is not a valid {getattr(hint, '__name__', hint)}") from None


def default_data_dir() -> Path:
    # Non-roaming per-user data folder: %LOCALAPPDATA%\notifier-gui on Windows.
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False))


def _read_dotenv(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def read_settings_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"settings file {path} cannot be read: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"settings file {path} must hold a JSON object")
    return data


def write_settings_file(path: Path, values: Mapping[str, Any]) -> None:
    """Save non-secret settings by environment name; refuses secrets."""
    known = option_names()
    for name in values:
        if name in SECRET_ENV_NAMES.values():
            raise ConfigError(f"{name} is a secret; it belongs in the keyring, not the settings file")
        if name not in known:
            raise ConfigError(f"unknown setting {name}")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(dict(values), indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


@dataclass(frozen=True)
class LoadedConfig:
    settings: Settings
    # Merged raw values from .env files and the environment: secrets are looked up here too.
    environ: Mapping[str, str]
    sources: Mapping[str, str]  # env name -> where its value came from


def load(
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> LoadedConfig:
    """Build settings from every layer. Raises ConfigError naming the bad setting."""
    env = dict(os.environ if environ is None else environ)
    cwd = Path.cwd() if cwd is None else cwd
    overrides = dict(overrides or {})
    cwd_dotenv = _read_dotenv(cwd / ".env")

    raw_dir = overrides.get("NOTIFIER_DATA_DIR") or env.get("NOTIFIER_DATA_DIR") or cwd_dotenv.get("NOTIFIER_DATA_DIR")
    data_dir = Path(str(raw_dir)).expanduser() if raw_dir else default_data_dir()
    data_dotenv = _read_dotenv(data_dir / ".env")
    file_values = read_settings_file(data_dir / "settings.json")

    layers: list[tuple[str, Mapping[str, Any]]] = [
        ("settings file", file_values),
        (f"{data_dir / '.env'}", data_dotenv),
        (f"{cwd / '.env'}", cwd_dotenv),
        ("environment", env),
        ("command line", overrides),
    ]
    merged: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for origin, layer in layers:
        for key, value in layer.items():
            merged[key] = value
            sources[key] = origin

    hints = typing.get_type_hints(Settings)
    values: dict[str, Any] = {}
    for f in fields(Settings):
        name = f.metadata["env"]
        if name in merged:
            values[f.name] = _parse(name, hints[f.name], merged[name])
    values["data_dir"] = data_dir
    settings = Settings(**values)
    _check(settings)
    secret_env = {k: str(v) for k, v in merged.items()
                  if (k in SECRET_ENV_NAMES.values() or k == SECRETS_PASSPHRASE_ENV) and str(v)}
    return LoadedConfig(settings=settings, environ=secret_env, sources=sources)


def _check(s: Settings) -> None:
    unknown = [c for c in s.channels if c not in CHANNEL_NAMES]
    if unknown or not s.channels:
        raise ConfigError(f"NOTIFIER_CHANNELS must list some of {', '.join(CHANNEL_NAMES)}; got {','.join(s.channels) or 'nothing'}")
    if len(set(s.channels)) != len(s.channels):
        raise ConfigError("NOTIFIER_CHANNELS names a channel twice")
    if not 1 <= s.concurrency <= 64:
        raise ConfigError(f"NOTIFIER_CONCURRENCY must be between 1 and 64, got {s.concurrency}")
    if not 1 <= s.smtp_port <= 65535:
        raise ConfigError(f"SMTP_PORT must be a port number, got {s.smtp_port}")
    if s.max_tries < 1:
        raise ConfigError("NOTIFIER_MAX_TRIES must be at least 1")
    if not s.backoff:
        raise ConfigError("NOTIFIER_BACKOFF needs at least one number of seconds")
    if not 0 <= s.jitter < 1:
        raise ConfigError("NOTIFIER_JITTER must be between 0 and 1")
    if s.sms_provider not in {"", "twilio", "smsru", "android"}:
        raise ConfigError(f"SMS_PROVIDER must be twilio, smsru or android, got {s.sms_provider!r}")
    if s.telegram_parse_mode not in {"", "HTML", "MarkdownV2", "Markdown"}:
        raise ConfigError("TELEGRAM_PARSE_MODE must be HTML, MarkdownV2, Markdown or empty")


def with_overrides(settings: Settings, **changes: Any) -> Settings:
    new = replace(settings, **changes)
    _check(new)
    return new
