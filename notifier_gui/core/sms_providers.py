"""The SMS providers, declared once: what each is called, which settings and secrets it uses,
where its requests go, and which module implements it (``delivery/channels/sms/<name>.py``).

Everything that lists providers reads this table: ``config`` (the SMS_PROVIDER values, the
secrets' environment names, the settings a secret is sent to), ``settings_store`` (the API
base URLs to check), the environment prefixes tests and benchmarks strip
(:func:`env_prefixes`), the Settings dialog's provider list (:func:`providers`) and the SMS
channel (:func:`load_builder`). Adding a provider is one :class:`ProviderSpec` in
:data:`SPECS` plus its module (which defines ``build(settings, secrets)``) and its Settings
fields.

Imports nothing of the program and no third-party package, and sits beside ``config.py``
rather than under ``delivery/channels``, so configuration reads it at start-up without loading
any channel code: the implementation is imported by :func:`load_builder` only when a channel is
built.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ProviderSpec",
    "SPECS",
    "SmsLimits",
    "api_base_settings",
    "env_prefixes",
    "load_builder",
    "names",
    "names_text",
    "own_server_settings",
    "providers",
    "registered",
    "secret_env_names",
    "spec",
    "unknown",
]


@dataclass(frozen=True)
class SmsLimits:
    """What a provider accepts in one message. ``None`` means no documented limit."""

    max_chars: int | None = None  # e.g. Twilio's 1,600 characters
    max_segments: int | None = None  # e.g. SMS.ru's 8 SMS


@dataclass(frozen=True)
class ProviderSpec:
    """One SMS provider, as every part of the program knows it."""

    name: str  # the SMS_PROVIDER value
    label: str  # how the Settings dialog lists it (English; the dialog translates)
    title: str  # how messages name it ("Twilio", "the Android SMS gateway")
    module: str  # the implementing module: defines ``build(settings, secrets) -> SmsProvider``
    settings: tuple[str, ...]  # environment names of its (non-secret) settings
    secrets: Mapping[str, str]  # keyring name -> environment name accepted for headless runs
    api_base: str  # the setting naming where its requests (and so its secrets) go
    # True: a public API with a default base URL (Settings checks it is an http(s) address).
    # False: the operator's own server, empty until set up (a .env changing it only redirects
    # the secret once an address was set).
    api_base_fixed: bool = True
    limits: SmsLimits = field(default_factory=SmsLimits)

    @property
    def env_names(self) -> tuple[str, ...]:
        return (*self.settings, *self.secrets.values())


_PKG = "notifier_gui.core.delivery.channels.sms"

SPECS: list[ProviderSpec] = [
    ProviderSpec(
        name="twilio", label="Twilio", title="Twilio", module=f"{_PKG}.twilio",
        settings=("TWILIO_ACCOUNT_SID", "TWILIO_FROM", "TWILIO_MESSAGING_SERVICE_SID", "TWILIO_API_BASE",
                  "TWILIO_API_KEY_SID"),
        secrets={"twilio_auth_token": "TWILIO_AUTH_TOKEN"},
        api_base="TWILIO_API_BASE",
        limits=SmsLimits(max_chars=1600),
    ),
    ProviderSpec(
        name="smsru", label="SMS.ru", title="SMS.ru", module=f"{_PKG}.smsru",
        settings=("SMSRU_FROM", "SMSRU_API_BASE"),
        secrets={"smsru_api_id": "SMSRU_API_ID"},
        api_base="SMSRU_API_BASE",
        limits=SmsLimits(max_segments=8),
    ),
    ProviderSpec(
        name="android", label="Android SMS gateway", title="the Android SMS gateway", module=f"{_PKG}.android",
        settings=("ANDROID_SMS_URL", "ANDROID_SMS_USER", "ANDROID_SMS_SIM"),
        secrets={"android_sms_password": "ANDROID_SMS_PASSWORD"},
        api_base="ANDROID_SMS_URL",
        api_base_fixed=False,
    ),
]
"""The providers, in the order the Settings dialog lists them."""


def names() -> tuple[str, ...]:
    """The SMS_PROVIDER values (besides the empty one: SMS off)."""
    return tuple(s.name for s in SPECS)


def names_text() -> str:
    """The SMS_PROVIDER values as a sentence does: ``twilio, smsru or android``."""
    *head, last = names()
    return f"{', '.join(head)} or {last}" if head else last


def unknown(value: str) -> str | None:
    """Why ``value`` cannot be SMS_PROVIDER (empty can: SMS is off), or None."""
    if not value or value in names():
        return None
    return f"SMS_PROVIDER={value!r} is not a known provider ({', '.join(sorted(names()))})"


def providers() -> list[tuple[str, str]]:
    """(name, label) of every provider, for a list to choose from (the Settings dialog)."""
    return [(s.name, s.label) for s in SPECS]


def spec(name: str) -> ProviderSpec:
    """The provider called ``name``; KeyError when there is none."""
    for s in SPECS:
        if s.name == name:
            return s
    raise KeyError(name)


def secret_env_names() -> dict[str, str]:
    """Keyring name -> environment name of every provider's secrets."""
    return {secret: env for s in SPECS for secret, env in s.secrets.items()}


def api_base_settings() -> tuple[str, ...]:
    """Settings that must hold an http(s) base URL (the public APIs')."""
    return tuple(s.api_base for s in SPECS if s.api_base_fixed)


def own_server_settings() -> tuple[str, ...]:
    """Endpoint settings that are empty until the operator sets up their own server."""
    return tuple(s.api_base for s in SPECS if not s.api_base_fixed)


def env_prefixes() -> tuple[str, ...]:
    """The prefixes (up to the first ``_``) of every provider's environment names."""
    return tuple(dict.fromkeys(env.split("_", 1)[0] + "_" for s in SPECS for env in s.env_names))


def load_builder(name: str) -> Callable[[Any, Any], Any]:
    """The ``build(settings, secrets)`` of provider ``name``, importing its module now."""
    module = importlib.import_module(spec(name).module)
    builder: Callable[[Any, Any], Any] = module.build
    return builder


@contextmanager
def registered(extra: ProviderSpec) -> Iterator[ProviderSpec]:
    """``extra`` is a provider while the block runs (tests: a provider that only a test knows)."""
    if extra.name in names():
        raise ValueError(f"an SMS provider called {extra.name!r} is registered already")
    SPECS.append(extra)
    try:
        yield extra
    finally:
        SPECS.remove(extra)
