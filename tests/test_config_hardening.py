"""Every setting checked at load (one line naming it), and the current folder's .env rule."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from notifier_gui.core import config
from notifier_gui.core.secrets import CredentialStore


def load(tmp_path: Path, **env: str) -> config.LoadedConfig:
    data = tmp_path / "data"
    work = tmp_path / "work"
    data.mkdir(exist_ok=True)
    work.mkdir(exist_ok=True)
    return config.load({"NOTIFIER_DATA_DIR": str(data), **env}, cwd=work)


@pytest.mark.parametrize("name, value", [
    ("NOTIFIER_LIFETIME", "inf"), ("NOTIFIER_LIFETIME", "0"), ("NOTIFIER_LIFETIME", "1e300"),
    ("NOTIFIER_LEASE_SECONDS", "0"), ("NOTIFIER_LEASE_SECONDS", "nan"),
    ("SMTP_TIMEOUT", "0"), ("SMTP_TIMEOUT", "-1"), ("TELEGRAM_TIMEOUT", "0"), ("SMS_TIMEOUT", "inf"),
    ("NOTIFIER_BACKOFF", "2,-1"), ("NOTIFIER_BACKOFF", "inf"), ("NOTIFIER_ROUND_DELAY", "-5"),
    ("DEFAULT_FROM_NAME", "Ops\r\nBcc: x@evil.example"), ("DEFAULT_FROM_NAME", "=?utf-8?q?Ops=0D=0ABcc:_x?="),
    ("DEFAULT_FROM_EMAIL", "Ops\n <ops@example.org>"), ("SMTP_HOST", "smtp.example.org\r\nRCPT"),
])
def test_unusable_values_are_refused_at_load_naming_the_setting(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(config.ConfigError) as info:
        load(tmp_path, **{name: value})
    message = str(info.value)
    assert name in message and "\n" not in message


def test_a_secret_in_the_settings_file_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "settings.json").write_text(json.dumps({"SMTP_HOST": "smtp.example.org",
                                                   "SMTP_DEFAULT_PASSWORD": "hunter2-pass"}))
    with pytest.raises(config.ConfigError) as info:
        config.load({"NOTIFIER_DATA_DIR": str(data)}, cwd=tmp_path)
    assert "SMTP_DEFAULT_PASSWORD" in str(info.value) and "hunter2" not in str(info.value)


def test_good_values_still_load(tmp_path: Path) -> None:
    s = load(tmp_path, NOTIFIER_LIFETIME="3600", NOTIFIER_BACKOFF="0,1.5", SMS_RATE="0",
             DEFAULT_FROM_NAME="Дежурный").settings
    assert (s.lifetime, s.backoff, s.sms_rate, s.from_name) == (3600.0, (0.0, 1.5), 0.0, "Дежурный")


# -- the current folder's .env ---------------------------------------------------------------
def _setup(tmp_path: Path, dotenv: str, settings: dict[str, object] | None = None) -> tuple[Path, Path]:
    data = tmp_path / "data"
    work = tmp_path / "work"
    data.mkdir()
    work.mkdir()
    config.write_settings_file(data / "settings.json", settings if settings is not None else {
        "SMTP_HOST": "smtp.example.org", "SMTP_DEFAULT_USER": "ops@example.org",
        "TELEGRAM_API_BASE": "https://api.telegram.org", "IMAP_HOST": "imap.example.org"})
    (work / ".env").write_text(dotenv, encoding="utf-8")
    return data, work


@pytest.mark.parametrize("dotenv, secret", [
    ("SMTP_HOST=evil.example\n", "smtp_password"),
    ("SMTP_USE_TLS=0\n", "smtp_password"),
    ("SMTP_PORT=2525\n", "smtp_password"),
    ("TELEGRAM_API_BASE=http://evil.example\n", "telegram_bot_token"),
    ("SMSRU_API_BASE=http://evil.example\n", "smsru_api_id"),
    ("IMAP_HOST=evil.example\n", "imap_password"),
    ("IMAP_PORT=143\n", "imap_password"),
    ("NOTIFIER_DATA_DIR={evil}\n", "telegram_bot_token"),
])
def test_a_dotenv_in_the_current_folder_does_not_redirect_keyring_secrets(
        tmp_path: Path, keyring_backend, dotenv: str, secret: str) -> None:  # type: ignore[no-untyped-def]
    evil = tmp_path / "evil"
    evil.mkdir()
    config.write_settings_file(evil / "settings.json", {"TELEGRAM_API_BASE": "http://evil.example"})
    data, work = _setup(tmp_path, dotenv.format(evil=evil))
    CredentialStore().set(secret, "stored-secret-value")
    env = {} if "NOTIFIER_DATA_DIR" in dotenv else {"NOTIFIER_DATA_DIR": str(data)}
    loaded = config.load(env, cwd=work)
    assert secret in loaded.withheld and ".env" in loaded.withheld[secret]
    store = CredentialStore(loaded.environ, withheld=loaded.withheld)
    assert store.get(secret) is None
    assert store.status()[secret] == "withheld"
    # The operator confirms by naming the file: then the secret goes where it says.
    named = config.load(dict(env, NOTIFIER_ENV_FILE=str(work / ".env")), cwd=tmp_path)
    assert named.withheld == {}
    CredentialStore().delete(secret)


def test_a_dotenv_may_set_what_nothing_else_configures_or_bring_its_own_secret(tmp_path: Path) -> None:
    # Running from source, the original service's way: everything in ./.env.
    data, work = _setup(tmp_path, "SMTP_HOST=smtp.example.org\nSMTP_DEFAULT_PASSWORD=own-pass\n"
                                  "TELEGRAM_API_BASE=http://127.0.0.1:9\n", settings={})
    loaded = config.load({"NOTIFIER_DATA_DIR": str(data)}, cwd=work)
    assert "smtp_password" not in loaded.withheld and loaded.settings.smtp_host == "smtp.example.org"
    (work / ".env").write_text("SMTP_HOST=smtp.example.org\nSMTP_USE_TLS=1\n", encoding="utf-8")
    assert config.load({"NOTIFIER_DATA_DIR": str(data)}, cwd=work).withheld == {}  # sets, redirects nothing


def test_the_environment_is_the_operators_own(tmp_path: Path) -> None:
    data, work = _setup(tmp_path, "")
    loaded = config.load({"NOTIFIER_DATA_DIR": str(data), "SMTP_HOST": "other.example.org"}, cwd=work)
    assert loaded.withheld == {} and loaded.settings.smtp_host == "other.example.org"


def test_a_missing_env_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(config.ConfigError, match="not a file"):
        config.load({"NOTIFIER_DATA_DIR": str(tmp_path), "NOTIFIER_ENV_FILE": str(tmp_path / "nope.env")}, cwd=tmp_path)


def test_an_environment_secret_is_not_redirected_by_a_dotenv_either(tmp_path: Path) -> None:
    data, work = _setup(tmp_path, "SMTP_HOST=evil.example\n")
    loaded = config.load({"NOTIFIER_DATA_DIR": str(data), "SMTP_DEFAULT_PASSWORD": "env-pass-1234"}, cwd=work)
    assert "smtp_password" in loaded.withheld
    store = CredentialStore(loaded.environ, withheld=loaded.withheld)
    assert store.get("smtp_password") is None and store.status()["smtp_password"] == "withheld"
