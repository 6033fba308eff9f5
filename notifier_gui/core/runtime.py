"""Wires the core together from configuration: the one place both faces (CLI, window) start.

Everything is passed in explicitly; nothing here is a global.
"""
from __future__ import annotations

import getpass
import logging
import random
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from . import config as config_mod
from . import logs
from .config import LoadedConfig, Settings
from .delivery.channels import ChannelFactory, build_channels, is_sandbox
from .delivery.dispatcher import Dispatcher, EventSink
from .delivery.pacing import Pacers
from .delivery.policy import Policy
from .secrets import SECRETS_FILE, CredentialStore
from .storage.engine import open_database
from .storage.repository import Store

log = logging.getLogger("notifier.runtime")


def policy_from(settings: Settings) -> Policy:
    return Policy(
        max_tries=settings.max_tries,
        backoff=settings.backoff,
        jitter=settings.jitter,
        round_delay=settings.round_delay,
        round_delay_max=settings.round_delay_max,
        lifetime=settings.lifetime,
    )


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in some service contexts
        return ""


@dataclass
class Runtime:
    config: LoadedConfig
    secrets: CredentialStore
    engine: Engine
    store: Store
    log_path: Path
    pacers: Pacers
    load_args: tuple[Mapping[str, str] | None, Path | None, Mapping[str, Any] | None] = (None, None, None)


    @property
    def settings(self) -> Settings:
        return self.config.settings

    @classmethod
    def open(
        cls,
        environ: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        overrides: Mapping[str, Any] | None = None,
        secrets: CredentialStore | None = None,
    ) -> Runtime:
        cfg = config_mod.load(environ, cwd, overrides)
        store_secrets = secrets or CredentialStore(cfg.environ)
        s = cfg.settings
        if secrets is None:  # no OS credential store: a passphrase-encrypted file instead
            store_secrets.file_fallback = s.data_dir / SECRETS_FILE
        s.data_dir.mkdir(parents=True, exist_ok=True)
        log_path = logs.setup(s.log_dir, store_secrets.redactor, s.log_level)
        engine = open_database(s.effective_database_url)
        pacers = Pacers(s.telegram_rate, s.telegram_chat_rate, s.sms_rate)
        return cls(cfg, store_secrets, engine, Store(engine), log_path, pacers, (environ, cwd, overrides))

    def reload(self) -> None:
        """Re-read the configuration after the settings changed (the database stays)."""
        environ, cwd, overrides = self.load_args
        self.config = config_mod.load(environ, cwd, overrides)
        fallback = self.secrets.file_fallback
        self.secrets = CredentialStore(self.config.environ, self.secrets._backend, self.secrets.redactor)
        self.secrets.file_fallback = fallback
        s = self.settings
        self.pacers = Pacers(s.telegram_rate, s.telegram_chat_rate, s.sms_rate)

    def sandbox(self) -> bool:
        return is_sandbox(self.settings, self.secrets)

    def channel_factory(self) -> ChannelFactory:
        sandbox = self.sandbox()
        settings, secrets = self.settings, self.secrets
        pacers = self.pacers
        store = self.store

        def migrated(recipient_id: int, old_chat: int, new_chat: int) -> None:
            store.migrate_telegram_chat(recipient_id, old_chat, new_chat)

        return lambda: build_channels(settings, secrets, sandbox, pacers, migrated)

    def dispatcher(self, on_event: EventSink | None = None, concurrency: int | None = None,
                   rng: random.Random | None = None) -> Dispatcher:
        return Dispatcher(
            self.store,
            self.channel_factory(),
            self.secrets,
            policy_from(self.settings),
            concurrency=concurrency or self.settings.concurrency,
            lease_seconds=self.settings.lease_seconds,
            on_event=on_event,
            rng=rng,
        )

    def close(self) -> None:
        self.engine.dispose()
