"""Settings: one declarative schema, loaded from layered sources.

Precedence (lowest first): defaults < settings file (``<data dir>/settings.json``) <
``.env`` in the data dir < ``.env`` in the current folder < environment < explicit
overrides (CLI flags). The names are the original web service's ``.env`` names, so an
existing ``.env`` keeps working.

The current folder's ``.env`` (or the file named by ``--env-file`` / ``NOTIFIER_ENV_FILE``
instead) is for running from source and for the original service's users. An implicit
``./.env`` never redirects a secret stored in the keyring: when it changes an endpoint
that secret is sent to (or turns TLS off) from what the other layers say, the secret is
*withheld* (see ``LoadedConfig.withheld``) until the operator confirms by saving the
setting, or by naming the file with ``--env-file``. Nor does it choose the data folder
whose settings are trusted: a data folder named by ``./.env`` is trusted no more than it.

Secrets are *not* settings: they live in the keyring (see :mod:`secrets`). Their
environment names are listed in ``SECRET_ENV_NAMES`` so the settings file refuses them.
(Just over 450 lines: the one declaration of every setting is most of it.)
"""
from __future__ import annotations

import json
import math
import os
import types
import typing
from collections.abc import Mapping
from dataclasses import Field, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

from . import setting_rules as r
from . import sms_providers as sms_registry
from .messages import Msg, Template

APP_NAME = "notifier-gui"
CHANNEL_NAMES = ("email", "sms", "telegram")

# Secret name in the keyring -> environment name accepted for headless runs.
SECRET_ENV_NAMES: dict[str, str] = {
    "smtp_password": "SMTP_DEFAULT_PASSWORD",
    "telegram_bot_token": "TELEGRAM_BOT_TOKEN",
    **sms_registry.secret_env_names(),
    "imap_password": "IMAP_PASSWORD",
    "api_token": "NOTIFIER_API_TOKEN",
}

# Opens the encrypted secrets file where the OS has no credential store (core/secret_file.py).
SECRETS_PASSPHRASE_ENV = "NOTIFIER_SECRETS_PASSPHRASE"


class ConfigError(ValueError):
    """A setting has a value that cannot be used. ``str()`` is the English line (naming the
    setting's environment name, for the log and the CLI); ``msg`` is the same as data, and
    ``setting`` the environment name of the setting at fault ("" when it is no one setting)."""

    def __init__(self, msg: str, setting: str = "") -> None:
        super().__init__(msg)
        self.msg = msg
        self.setting = setting


class StartupError(RuntimeError):
    """The program cannot start here (data folder, database, disk); the message says why in one line."""


def _opt(env: str, help: str, *rules: r.Rule, sends: str = "", host: str = "") -> dict[str, Any]:
    """A setting's declaration beside its type and default: environment name, meaning, the
    rules its value must meet (setting_rules.py), which every check of it reads; ``sends``: the
    secret it says where to send (an implicit ./.env must not change it: see ``_redirected``),
    and ``host`` the setting without which nothing is sent there."""
    return {"env": env, "help": help, "rules": rules, "sends": sends, "host": host}


def sms_provider_names() -> tuple[str, ...]:
    """The SMS providers SMS_PROVIDER may name (the registry's, core/sms_providers.py)."""
    return sms_registry.names()


_HEADER = r.HeaderSafe()
_POSITIVE = r.Seconds(positive=True)
_NOT_NEGATIVE = r.Seconds(positive=False)
_URL = r.HttpUrl()
_URL_OR_EMPTY = r.HttpUrl(optional=True)


@dataclass(frozen=True)
class Settings:
    """Every setting, with its environment name and meaning. Frozen: derive with ``replace``."""

    # Email (SMTP)
    smtp_host: str = field(default="", metadata=_opt("SMTP_HOST", "SMTP server host name", _HEADER, r.Host(), sends="smtp_password", host="SMTP_HOST"))
    smtp_port: int = field(default=587, metadata=_opt("SMTP_PORT", "SMTP server port (587 STARTTLS, 465 implicit TLS)", r.port(), sends="smtp_password", host="SMTP_HOST"))
    smtp_use_tls: bool = field(default=True, metadata=_opt("SMTP_USE_TLS", "Upgrade the connection with STARTTLS (ignored with SMTP_USE_SSL)", sends="smtp_password"))
    smtp_use_ssl: bool = field(default=False, metadata=_opt("SMTP_USE_SSL", "Implicit TLS from the first byte (port 465)", sends="smtp_password"))
    smtp_user: str = field(default="", metadata=_opt("SMTP_DEFAULT_USER", "SMTP login", _HEADER))
    from_email: str = field(default="", metadata=_opt("DEFAULT_FROM_EMAIL", "From address (optionally 'Name <addr>')", _HEADER, r.EmailAddress()))
    from_name: str = field(default="", metadata=_opt("DEFAULT_FROM_NAME", "Display name in From", _HEADER))
    smtp_timeout: float = field(default=30.0, metadata=_opt("SMTP_TIMEOUT", "Seconds to wait for the SMTP server", _POSITIVE))
    smtp_auth_failure: str = field(default="hold", metadata=_opt("SMTP_AUTH_FAILURE", "After the server rejects the SMTP login: hold (queued email waits until the credentials change or the operator retries) or next (go on to the next channel)", r.Choice(lambda: ("hold", "next"))))
    # Email bounces (IMAP): on only with IMAP_HOST set and EMAIL_CONFIRM_TIMEOUT above 0
    email_confirm_timeout: float = field(default=0.0, metadata=_opt("EMAIL_CONFIRM_TIMEOUT", "Seconds to wait for a bounce after the SMTP server accepted an email (no bounce in that time: delivered; a hard bounce: the chain goes on); 0: accepted counts as delivered", _NOT_NEGATIVE))
    imap_host: str = field(default="", metadata=_opt("IMAP_HOST", "IMAP server of the mailbox bounces come back to (empty: no email receipts)", _HEADER, sends="imap_password", host="IMAP_HOST"))
    imap_port: int = field(default=993, metadata=_opt("IMAP_PORT", "IMAP server port (implicit TLS)", r.port(), sends="imap_password", host="IMAP_HOST"))
    imap_user: str = field(default="", metadata=_opt("IMAP_USER", "IMAP login of the bounce mailbox", _HEADER))
    imap_folder: str = field(default="INBOX", metadata=_opt("IMAP_FOLDER", "IMAP folder bounces arrive in", _HEADER, r.NotBlank(r.FOLDER)))

    # SMS
    sms_provider: str = field(default="", metadata=_opt("SMS_PROVIDER", f"{sms_registry.names_text()} (empty: SMS off)", r.Choice(sms_provider_names, empty=True)))
    twilio_account_sid: str = field(default="", metadata=_opt("TWILIO_ACCOUNT_SID", "Twilio Account SID"))
    twilio_from: str = field(default="", metadata=_opt("TWILIO_FROM", "Twilio sender number (E.164)", _HEADER))
    twilio_messaging_service_sid: str = field(default="", metadata=_opt("TWILIO_MESSAGING_SERVICE_SID", "Twilio Messaging Service SID"))
    twilio_api_base: str = field(default="https://api.twilio.com", metadata=_opt("TWILIO_API_BASE", "Twilio API base URL", _URL, sends="twilio_auth_token"))
    smsru_from: str = field(default="", metadata=_opt("SMSRU_FROM", "SMS.ru sender name", _HEADER))
    smsru_api_base: str = field(default="https://sms.ru", metadata=_opt("SMSRU_API_BASE", "SMS.ru API base URL", _URL, sends="smsru_api_id"))
    twilio_api_key_sid: str = field(default="", metadata=_opt("TWILIO_API_KEY_SID", "Twilio API key SID (SK…); the auth token then holds the key's secret"))
    android_sms_url: str = field(default="", metadata=_opt("ANDROID_SMS_URL", "Android SMS gateway base URL", _URL_OR_EMPTY, sends="android_sms_password", host="ANDROID_SMS_URL"))
    android_sms_user: str = field(default="", metadata=_opt("ANDROID_SMS_USER", "Android SMS gateway user name"))
    android_sms_sim: int = field(default=0, metadata=_opt("ANDROID_SMS_SIM", "SIM slot on the gateway phone (0: default)"))
    sms_timeout: float = field(default=15.0, metadata=_opt("SMS_TIMEOUT", "Seconds to wait for the SMS provider", _POSITIVE))
    sms_rate: float = field(default=1.0, metadata=_opt("SMS_RATE", "SMS messages per second, across all workers", _NOT_NEGATIVE))
    sms_confirm_timeout: float = field(default=600.0, metadata=_opt("SMS_CONFIRM_TIMEOUT", "Seconds to wait for the SMS provider's delivery report before the chain goes on (0: accepted counts as delivered)", _NOT_NEGATIVE))
    receipt_poll: float = field(default=15.0, metadata=_opt("NOTIFIER_RECEIPT_POLL", "Seconds between looks for delivery reports (each message is asked after this, then less often)", _POSITIVE))

    # Telegram
    telegram_parse_mode: str = field(default="HTML", metadata=_opt("TELEGRAM_PARSE_MODE", "HTML, MarkdownV2 or empty for plain text", r.Choice(lambda: ("HTML", "MarkdownV2", "Markdown"), empty=True)))
    telegram_disable_wpp: bool = field(default=True, metadata=_opt("TELEGRAM_DISABLE_WPP", "Disable link previews"))
    telegram_timeout: float = field(default=10.0, metadata=_opt("TELEGRAM_TIMEOUT", "Seconds to wait for the Bot API", _POSITIVE))
    telegram_api_base: str = field(default="https://api.telegram.org", metadata=_opt("TELEGRAM_API_BASE", "Bot API base URL", _URL, sends="telegram_bot_token"))
    telegram_rate: float = field(default=25.0, metadata=_opt("TELEGRAM_RATE", "Telegram messages per second overall", _NOT_NEGATIVE))
    telegram_chat_rate: float = field(default=1.0, metadata=_opt("TELEGRAM_CHAT_RATE", "Telegram messages per second per chat", _NOT_NEGATIVE))

    # Delivery
    channels: tuple[str, ...] = field(default=CHANNEL_NAMES, metadata=_opt("NOTIFIER_CHANNELS", "Default channel order", r.Channels(CHANNEL_NAMES)))
    concurrency: int = field(default=4, metadata=_opt("NOTIFIER_CONCURRENCY", "Worker threads", r.Between(1, 64)))
    sandbox: bool | None = field(default=None, metadata=_opt("NOTIFIER_SANDBOX", "Write to the outbox instead of sending (empty: when nothing is configured)"))
    max_tries: int = field(default=3, metadata=_opt("NOTIFIER_MAX_TRIES", "Tries per channel within one round", r.AtLeast(1)))
    backoff: tuple[float, ...] = field(default=(2.0, 10.0), metadata=_opt("NOTIFIER_BACKOFF", "Seconds between tries on one channel", r.SecondsList()))
    jitter: float = field(default=0.2, metadata=_opt("NOTIFIER_JITTER", "Relative jitter applied to waits (0.2 = +/-20%)", r.Fraction()))
    round_delay: float = field(default=300.0, metadata=_opt("NOTIFIER_ROUND_DELAY", "Seconds before a new round after a round of transient failures", _NOT_NEGATIVE))
    round_delay_max: float = field(default=3600.0, metadata=_opt("NOTIFIER_ROUND_DELAY_MAX", "Cap on the doubling round delay", _NOT_NEGATIVE))
    lifetime: float = field(default=86400.0, metadata=_opt("NOTIFIER_LIFETIME", "Seconds after which a notification gives up", _POSITIVE))
    lease_seconds: float = field(default=120.0, metadata=_opt("NOTIFIER_LEASE_SECONDS", "How long a claim is valid without renewal", _POSITIVE))
    phone_region: str = field(default="", metadata=_opt("NOTIFIER_PHONE_REGION", "Region for numbers without +country code, e.g. RU"))

    # HTTP API (the original service's REST API; see notifier_gui/api)
    api: bool = field(default=False, metadata=_opt("NOTIFIER_API", "Serve the REST API from the window (notifier serve always serves)"))
    api_host: str = field(default="127.0.0.1", metadata=_opt("NOTIFIER_API_HOST", "Address the REST API listens on", r.NotBlank()))
    api_port: int = field(default=8000, metadata=_opt("NOTIFIER_API_PORT", "Port the REST API listens on", r.port(low=0)))
    api_allow_remote: bool = field(default=False, metadata=_opt("NOTIFIER_API_ALLOW_REMOTE", "Allow NOTIFIER_API_HOST to be an address other computers can reach"))
    api_rate: float = field(default=100.0, metadata=_opt("NOTIFIER_API_RATE", "REST API requests per second per client address (0: no limit)"))

    # Storage
    data_dir: Path = field(default=Path("."), metadata=_opt("NOTIFIER_DATA_DIR", "Folder for the database, logs and outbox"))
    database_url: str = field(default="", metadata=_opt("DATABASE_URL", "SQLAlchemy URL (default: SQLite in the data dir)"))
    log_level: str = field(default="INFO", metadata=_opt("NOTIFIER_LOG_LEVEL", "Log level of the log file"))
    keep_days: int | None = field(default=None, metadata=_opt("NOTIFIER_KEEP_DAYS", "Days of finished history to keep; older is pruned (empty: keep everything)", r.AtLeast(1, optional=True)))

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'notifier.db').as_posix()}"

    @property
    def email_receipts(self) -> bool:
        """Email waits for bounces: an IMAP mailbox is set and the window is above 0."""
        return bool(self.imap_host) and self.email_confirm_timeout > 0

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


def env_prefixes() -> tuple[str, ...]:
    """Prefixes (up to the first ``_``) of every environment name the program reads: settings,
    secrets, and every registered SMS provider's. Tests and benchmarks strip these."""
    envs = [*option_names(), *SECRET_ENV_NAMES.values(), SECRETS_PASSPHRASE_ENV]
    found = (env.split("_", 1)[0] + "_" for env in envs)
    return tuple(dict.fromkeys([*found, *sms_registry.env_prefixes()]))
_FIELDS: dict[str, Field[Any]] = {f.metadata["env"]: f for f in fields(Settings)}


_TRUE = {"1", "true", "yes", "on", "y"}
_FALSE = {"0", "false", "no", "off", "n", ""}


def _parse(env: str, hint: Any, raw: Any) -> Any:
    if not isinstance(raw, str):
        raw = json.dumps(raw) if isinstance(raw, (list, tuple)) else str(raw)
    text = raw.strip()
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType) and type(None) in args:
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
            if not math.isfinite(value) or value < 0:
                raise ValueError
            return value
        if hint is Path:
            return Path(text).expanduser()
        if origin is tuple:
            items = [p.strip() for p in text.strip("[]").replace('"', "").split(",") if p.strip()]
            parsed = tuple(args[0](p) for p in items)
            if args[0] is float and not all(math.isfinite(x) and x >= 0 for x in parsed):
                raise ValueError
            return parsed
        return text
    except ValueError:
        what: Msg = _WHAT.get(hint, r.A_WHOLE_NUMBER)()
        if origin is tuple:
            what = (r.A_NUMBER_LIST if args[0] is float else r.A_LIST)()
        raise ConfigError(r.NOT_VALID(env=env, raw=raw, what=what), env) from None


# What a value of each type should have been, when it is not (only these can fail to parse).
_WHAT = {float: r.A_NUMBER, bool: r.A_YES_NO, int: r.A_WHOLE_NUMBER}


def default_data_dir() -> Path:
    # Non-roaming per-user data folder: %LOCALAPPDATA%\notifier-gui on Windows.
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False))


def _read_dotenv(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    from dotenv import dotenv_values  # only when there is a .env: most runs have none

    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def read_settings_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(FILE_UNREADABLE(path=path, reason=str(exc))) from None
    if not isinstance(data, dict):
        raise ConfigError(FILE_NOT_OBJECT(path=path))
    return data


FILE_UNREADABLE = Template("config.file.unreadable", "settings file {path} cannot be read: {reason}")
FILE_NOT_OBJECT = Template("config.file.not_object", "settings file {path} must hold a JSON object")
SECRET_IN_FILE = Template("config.file.secret", "{env} is a secret and must not be in {path}; remove it from the file "
                                                "and store it with `notifier secrets set {secret}` (or in Settings)")
SECRET_NOT_SETTING = Template("config.secret_not_setting",
                              "{env} is a secret; it belongs in the keyring, not the settings file")
UNKNOWN_SETTING = Template("config.unknown_setting", "unknown setting {env}")
UNKNOWN_OR_READ_ONLY = Template("settings.unknown", "unknown or read-only setting {env}")
FILE_HOLDS_SECRETS = Template("settings.file_holds_secrets", "{path} holds secret(s) {names}; remove them from the "
                                                             "file and save them in Settings instead")
ENV_FILE_MISSING = Template("config.env_file.missing", "NOTIFIER_ENV_FILE / --env-file: {path} is not a file")


def _refuse_secrets_in(path: Path, values: Mapping[str, Any]) -> None:
    found = [k for k in values if k in SECRET_ENV_NAMES.values() and values[k]]
    if found:
        raise ConfigError(SECRET_IN_FILE(env=found[0], path=path, secret=_SECRET_BY_ENV[found[0]]), found[0])


_SECRET_BY_ENV = {env: name for name, env in SECRET_ENV_NAMES.items()}

# Secret -> the settings that say where it is sent (from the declarations' ``sends``).
SECRET_ENDPOINTS: dict[str, tuple[str, ...]] = {
    secret: tuple(f.metadata["env"] for f in fields(Settings) if f.metadata["sends"] == secret)
    for secret in SECRET_ENV_NAMES if any(f.metadata["sends"] == secret for f in fields(Settings))}


def write_settings_file(path: Path, values: Mapping[str, Any]) -> None:
    """Save non-secret settings by environment name; refuses secrets."""
    known = option_names()
    for name in values:
        if name in SECRET_ENV_NAMES.values():
            raise ConfigError(SECRET_NOT_SETTING(env=name), name)
        if name not in known:
            raise ConfigError(UNKNOWN_SETTING(env=name))
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
    # Secrets not to be sent in this run -> why (an implicit ./.env redirects them).
    withheld: Mapping[str, str] = field(default_factory=dict)


def _merge(layers: list[tuple[str, Mapping[str, Any]]]) -> tuple[dict[str, Any], dict[str, str]]:
    merged: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for origin, layer in layers:
        for key, value in layer.items():
            merged[key] = value
            sources[key] = origin
    return merged, sources


def _typed(merged: Mapping[str, Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(Settings)
    values: dict[str, Any] = {}
    for f in fields(Settings):
        name = f.metadata["env"]
        if name in merged:
            values[f.name] = _parse(name, hints[f.name], merged[name])
    return values


def load(
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> LoadedConfig:
    """Build settings from every layer. Raises ConfigError naming the bad setting.

    ``overrides`` may hold ``NOTIFIER_ENV_FILE`` (the CLI's ``--env-file``): that file is
    read instead of ``./.env`` and trusted like the operator's own settings.
    """
    env = dict(os.environ if environ is None else environ)
    cwd = Path.cwd() if cwd is None else cwd
    overrides = dict(overrides or {})
    named = overrides.pop("NOTIFIER_ENV_FILE", None) or env.get("NOTIFIER_ENV_FILE")
    if named:
        env_path = Path(str(named)).expanduser()
        if not env_path.is_file():
            raise ConfigError(ENV_FILE_MISSING(path=env_path), "NOTIFIER_ENV_FILE")
    else:
        env_path = cwd / ".env"
    cwd_dotenv = _read_dotenv(env_path)
    trusted_cwd = bool(named)

    raw_dir = overrides.get("NOTIFIER_DATA_DIR") or env.get("NOTIFIER_DATA_DIR") or cwd_dotenv.get("NOTIFIER_DATA_DIR")
    dir_from_dotenv = not (overrides.get("NOTIFIER_DATA_DIR") or env.get("NOTIFIER_DATA_DIR")) and bool(raw_dir)
    data_dir = Path(str(raw_dir)).expanduser() if raw_dir else default_data_dir()
    data_dotenv = _read_dotenv(data_dir / ".env")
    file_values = read_settings_file(data_dir / "settings.json")
    _refuse_secrets_in(data_dir / "settings.json", file_values)

    own: list[tuple[str, Mapping[str, Any]]] = [("settings file", file_values), (f"{data_dir / '.env'}", data_dotenv)]
    outside: list[tuple[str, Mapping[str, Any]]] = [("environment", env), ("command line", overrides)]
    merged, sources = _merge([*own, (f"{env_path}", cwd_dotenv), *outside])
    values = _typed(merged)
    values["data_dir"] = data_dir
    settings = Settings(**values)
    _check(settings)
    secret_env = {k: str(v) for k, v in merged.items()
                  if (k in SECRET_ENV_NAMES.values() or k == SECRETS_PASSPHRASE_ENV) and str(v)}
    withheld: dict[str, str] = {}
    if cwd_dotenv and not trusted_cwd:
        # What the operator's own layers say, without ./.env (nor a data folder it chose).
        base_merged, _ = _merge([*([] if dir_from_dotenv else own), *outside])
        untrusted, _ = _merge([*(own if dir_from_dotenv else []), ("", cwd_dotenv)])
        own_secrets = {k for k in secret_env if sources.get(k) == f"{env_path}"}
        withheld = _redirected(settings, base_merged, untrusted, own_secrets, env_path)
    return LoadedConfig(settings=settings, environ=secret_env, sources=sources, withheld=withheld)


def _redirected(settings: Settings, base_merged: Mapping[str, Any], dotenv: Mapping[str, Any],
                own_secrets: set[str], path: Path) -> dict[str, str]:
    """Keyring secrets that ``dotenv`` (an implicit ./.env, and a data folder it chose) would
    send elsewhere -> why."""
    try:
        base = Settings(**_typed(base_merged))
    except (ConfigError, TypeError):
        base = Settings()
    by_env = option_names()
    out: dict[str, str] = {}
    for secret, names in SECRET_ENDPOINTS.items():
        if SECRET_ENV_NAMES[secret] in own_secrets:
            continue  # that .env brings its own secret: it goes where the same file says
        for name in names:
            if name not in dotenv:
                continue
            now, before = getattr(settings, by_env[name]), getattr(base, by_env[name])
            if name in ("SMTP_USE_TLS", "SMTP_USE_SSL"):
                downgrade = (base.smtp_use_tls or base.smtp_use_ssl) and not (settings.smtp_use_tls or settings.smtp_use_ssl)
                if not downgrade:
                    continue
            elif now == before or ((host := _FIELDS[name].metadata["host"]) and not getattr(base, by_env[host])):
                continue  # unchanged, or nothing was configured there before: nothing is redirected
            out[secret] = WITHHELD(path=path, env=name, value=dotenv[name], before=_shown(before), secret=secret)
            break
    return out


WITHHELD = Template("config.withheld", "{path} sets {env}={value!r} (otherwise {before}); the stored {secret} is "
                                       "not sent there. To use it, save {env} in Settings, or run with --env-file {path}")
NOT_SET = Template("config.not_set", "not set")


def _shown(value: Any) -> str:
    return repr(value) if value not in ("", None) else NOT_SET()


MAX_SECONDS = r.MAX_SECONDS


def rules(f: Field[Any]) -> tuple[r.Rule, ...]:
    """The rules a setting's value must meet, from its declaration."""
    found: tuple[r.Rule, ...] = f.metadata.get("rules", ())
    return found


def problem(env: str, value: Any, editing: bool = False) -> Msg | None:
    """What is wrong with ``value`` for the setting ``env`` by its declaration (None: nothing).
    ``editing``: the Settings dialog's stricter rules and wording (see setting_rules.py)."""
    f = _FIELDS[env]
    return r.first_problem(rules(f), env, value, editing)


def _check(s: Settings) -> None:
    for f in fields(Settings):
        env = f.metadata["env"]
        found = r.first_problem(rules(f), env, getattr(s, f.name), editing=False)
        if found is not None:
            raise ConfigError(found, env)


def with_overrides(settings: Settings, **changes: Any) -> Settings:
    new = replace(settings, **changes)
    _check(new)
    return new
