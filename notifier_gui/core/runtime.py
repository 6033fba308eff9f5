"""Wires the core together from configuration: the one place both faces (CLI, window) start.

Everything is passed in explicitly; nothing here is a global.
"""
from __future__ import annotations

import getpass
import logging
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from . import config as config_mod
from . import logs, permissions
from .config import LoadedConfig, Settings, StartupError
from .delivery.pacing import Pacers

if TYPE_CHECKING:  # the delivery machinery is imported when delivering, not by every command
    from .delivery.channels import ChannelFactory
    from .delivery.dispatcher import Dispatcher, EventSink
from .delivery.policy import Policy
from .secrets import SECRETS_FILE, CredentialStore
from .storage.checkpoint import WalCheckpointer
from .storage.engine import open_database, os_problem
from .storage.repository import Store

log = logging.getLogger("notifier.runtime")
INTENTS_DIR = "secret-intents"  # under the data folder: per-send keyring entries announced before writing


def policy_from(settings: Settings) -> Policy:
    return Policy(
        max_tries=settings.max_tries,
        backoff=settings.backoff,
        jitter=settings.jitter,
        round_delay=settings.round_delay,
        round_delay_max=settings.round_delay_max,
        lifetime=settings.lifetime,
        confirm=((("sms", settings.sms_confirm_timeout),) if settings.sms_confirm_timeout > 0 else ())
        + ((("email", settings.email_confirm_timeout),) if settings.email_receipts else ()),
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
    checkpointer: WalCheckpointer | None = None


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
        upgrade_progress: Callable[[int, int], None] | None = None,
    ) -> Runtime:
        """Load the configuration and open (creating or upgrading) the database.

        ``upgrade_progress(done, total)`` hears a long upgrade of an existing database
        (search tables filled over its history)."""
        cfg = config_mod.load(environ, cwd, overrides)
        s = cfg.settings
        store_secrets = secrets or CredentialStore(cfg.environ, withheld=cfg.withheld,
                                                   intents_dir=s.data_dir / INTENTS_DIR)
        if secrets is None:  # no OS credential store: a passphrase-encrypted file instead
            store_secrets.file_fallback = s.data_dir / SECRETS_FILE
        if s.data_dir.exists() and not s.data_dir.is_dir():
            raise StartupError(f"the data folder {s.data_dir} is a file, not a folder; move it away or set "
                               "NOTIFIER_DATA_DIR (--data-dir) to a folder")
        try:
            permissions.tighten_data_dir(s.data_dir)
            log_path = logs.setup(s.log_dir, store_secrets.redactor, s.log_level)
        except OSError as exc:
            raise StartupError(os_problem(exc, f"the data folder {s.data_dir}")) from None
        engine = open_database(s.effective_database_url, upgrade_progress)
        pacers = Pacers(s.telegram_rate, s.telegram_chat_rate, s.sms_rate)
        rt = cls(cfg, store_secrets, engine, Store(engine), log_path, pacers, (environ, cwd, overrides))
        rt.checkpointer = WalCheckpointer(engine).start()  # off the commits' path (storage/checkpoint.py)
        return rt

    def reload(self) -> None:
        """Re-read the configuration after the settings changed (the database stays)."""
        environ, cwd, overrides = self.load_args
        self.config = config_mod.load(environ, cwd, overrides)
        fallback = self.secrets.file_fallback
        self.secrets = CredentialStore(self.config.environ, self.secrets._backend, self.secrets.redactor,
                                       self.config.withheld, self.secrets.intents_dir)
        self.secrets.file_fallback = fallback
        s = self.settings
        self.pacers = Pacers(s.telegram_rate, s.telegram_chat_rate, s.sms_rate)

    def release_holds(self) -> int:
        """The operator retries: credentials the server rejected may log in once more
        (held email is looked at again within a minute). Returns how many were held."""
        return self.pacers.email.breaker.reset()

    def sandbox(self) -> bool:
        from .delivery.channels import is_sandbox

        return is_sandbox(self.settings, self.secrets)

    def channel_factory(self) -> ChannelFactory:
        from .delivery.channels import build_channels

        sandbox = self.sandbox()
        settings, secrets = self.settings, self.secrets
        pacers = self.pacers
        store = self.store

        def migrated(recipient_id: int, old_chat: int, new_chat: int) -> None:
            store.migrate_telegram_chat(recipient_id, old_chat, new_chat)

        return lambda: build_channels(settings, secrets, sandbox, pacers, migrated)

    def dispatcher(self, on_event: EventSink | None = None, concurrency: int | None = None,
                   rng: random.Random | None = None) -> Dispatcher:
        from .delivery.dispatcher import Dispatcher

        return Dispatcher(
            self.store,
            self.channel_factory(),
            self.secrets,
            policy_from(self.settings),
            concurrency=concurrency or self.settings.concurrency,
            lease_seconds=self.settings.lease_seconds,
            on_event=on_event,
            rng=rng,
            data_dir=self.settings.data_dir,
            receipt_sweep=self.settings.receipt_poll,
            receipt_first_gap=self.settings.receipt_poll,
        )

    def close(self) -> None:
        if self.checkpointer is not None:
            self.checkpointer.stop()
        self.engine.dispose()
