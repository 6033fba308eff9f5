"""The SMS provider registry (core/sms_providers.py) is the one list of providers: configuration, the settings checks,
the environment prefixes tests and benchmarks strip, the Settings dialog's list and the SMS
channel all read it. A provider only this test knows proves it (#15 item 6): were any of
those lists typed out again, the fake provider would be missing from it."""
from __future__ import annotations

import dataclasses
import importlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from notifier_gui.core import config, settings_store
from notifier_gui.core import sms_providers as registry
from notifier_gui.core.config import ConfigError, Settings
from notifier_gui.core.delivery.channels.base import Sent
from notifier_gui.core.delivery.channels.sms.channel import PROVIDERS, SmsChannel, build_sms, check_sms
from notifier_gui.core.delivery.channels.sms.provider import SmsProvider, provider_limits
from notifier_gui.core.delivery.checks_base import CheckResult
from notifier_gui.core.delivery.pacing import Pacers
from notifier_gui.core.secrets import CredentialStore

from tests.cli_helpers import env_for
from tests.sms_helpers import sms_message

ROOT = Path(__file__).resolve().parent.parent

PIGEON = registry.ProviderSpec(
    name="pigeon", label="Pigeon post", title="the pigeon loft", module=__name__,
    settings=("PIGEON_LOFT", "PIGEON_API_BASE"), secrets={"pigeon_key": "PIGEON_KEY"},
    api_base="PIGEON_API_BASE", limits=registry.SmsLimits(max_chars=12),
)


class PigeonProvider(SmsProvider):
    name = PIGEON.name
    title = PIGEON.title
    limits = PIGEON.limits
    sent: list[tuple[str, str]] = []

    def send(self, phone_e164: str, text: str, ref: str | None = None) -> Sent:
        self.sent.append((phone_e164, text))
        return Sent("coo-1", "the pigeon took it")

    def check(self) -> CheckResult:
        return CheckResult(True, "the pigeons are ready")


def build(settings: Settings, secrets: CredentialStore) -> PigeonProvider:
    """The fake provider module's builder: the registry finds it by this module's name."""
    return PigeonProvider()


@pytest.fixture
def pigeon() -> Iterator[registry.ProviderSpec]:
    with registry.registered(PIGEON) as spec:
        yield spec


def test_config_accepts_a_registered_provider_only(tmp_path: Path) -> None:
    environ = {"SMS_PROVIDER": "pigeon", "NOTIFIER_DATA_DIR": str(tmp_path)}
    with pytest.raises(ConfigError, match="pigeon"):
        config.load(environ=environ, cwd=tmp_path)
    with registry.registered(PIGEON):
        assert config.load(environ=environ, cwd=tmp_path).settings.sms_provider == "pigeon"
        with pytest.raises(ConfigError, match=r"SMS_PROVIDER must be twilio, smsru, android, pigeon or empty"):
            config.load(environ={**environ, "SMS_PROVIDER": "owl"}, cwd=tmp_path)


def test_env_prefixes_include_a_registered_providers(pigeon: registry.ProviderSpec, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    assert "PIGEON_" in config.env_prefixes()
    monkeypatch.setenv("PIGEON_KEY", "developer's own key")
    assert "PIGEON_KEY" not in env_for(tmp_path)  # what the CLI tests hand their child processes


def test_env_prefixes_cover_every_setting_and_secret() -> None:
    prefixes = config.env_prefixes()
    for env in (*config.option_names(), *config.SECRET_ENV_NAMES.values(), config.SECRETS_PASSPHRASE_ENV):
        assert env.startswith(prefixes), env
    without = config.env_prefixes()
    with registry.registered(PIGEON):
        assert set(config.env_prefixes()) - set(without) == {"PIGEON_"}


def test_the_settings_check_every_providers_api_base(tmp_path: Path) -> None:
    """A provider's API base is a Settings field declared as an address (config.Settings); the
    registry names it. Both must agree, or the dialog would save a base it never checked."""
    for env in registry.api_base_settings():
        problems = settings_store.validate(Settings(data_dir=tmp_path), {env: "ftp://loft"})
        assert env in problems, env


def test_the_dialogs_list_and_the_channel_come_from_the_registry(pigeon: registry.ProviderSpec,
                                                                 tmp_path: Path) -> None:
    assert ("pigeon", "Pigeon post") in registry.providers()
    settings = Settings(data_dir=tmp_path, sms_provider="pigeon")
    assert "pigeon" in PROVIDERS and provider_limits(settings) == registry.SmsLimits(max_chars=12)
    channel = build_sms(settings, CredentialStore(), Pacers(sms_rate=0))
    assert isinstance(channel, SmsChannel) and isinstance(channel.provider, PigeonProvider)
    assert channel.send(sms_message(subject="", body="coo")).provider_message_id == "coo-1"
    assert check_sms(settings, CredentialStore()) == CheckResult(True, "the pigeons are ready")


def test_every_declaration_matches_its_module_and_the_settings() -> None:
    names = config.option_names()
    for spec in registry.SPECS:
        assert set(spec.settings) <= set(names), spec.name  # a typed Settings field each
        assert spec.api_base in spec.settings
        for secret, env in spec.secrets.items():
            assert config.SECRET_ENV_NAMES[secret] == env
            assert config.SECRET_ENDPOINTS[secret] == (spec.api_base,)
        module = importlib.import_module(spec.module)
        providers = [v for v in vars(module).values()
                     if isinstance(v, type) and issubclass(v, SmsProvider) and getattr(v, "name", None) == spec.name]
        assert len(providers) == 1, spec.name
        assert (providers[0].title, providers[0].limits) == (spec.title, spec.limits)
        assert callable(module.build)
    default = Settings()
    for env in registry.api_base_settings():
        assert getattr(default, names[env]).startswith("https://")
    for env in registry.own_server_settings():
        assert getattr(default, names[env]) == ""


def test_readme_lists_the_registered_providers() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `SMS_PROVIDER` |"))
    assert sorted(re.findall(r"`(\w+)`", row.split("|")[3])) == sorted(registry.names())
    for spec in registry.SPECS:
        for env in spec.env_names:
            assert f"`{env}`" in readme, env
        for secret in spec.secrets:
            assert f"`{secret}`" in readme, secret


def test_config_the_registry_and_the_preview_load_neither_requests_nor_a_provider() -> None:
    """Configuration reads the registry without loading channel code; the compose preview's SMS
    and Telegram texts come from pure modules (#15 item 3)."""
    code = ("import sys; import notifier_gui.core.config, notifier_gui.core.settings_store;"
            "config = sorted(m for m in sys.modules if m.startswith('notifier_gui.core.delivery.channels'));"
            "import notifier_gui.ui.preview;"
            "from notifier_gui.core.delivery.channels.sms.provider import compose_text, provider_limits;"
            "from notifier_gui.core.delivery.channels.telegram_text import format_parts;"
            "print(config, sorted(m for m in sys.modules if m == 'requests' or m.endswith(('.twilio', '.smsru', '.android'))))")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True, env=env)
    assert out.stdout.strip() == "[] []", out.stdout + out.stderr


def test_a_name_cannot_be_registered_twice() -> None:
    with pytest.raises(ValueError, match="twilio"):
        with registry.registered(dataclasses.replace(PIGEON, name="twilio")):
            pass  # pragma: no cover
