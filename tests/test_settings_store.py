"""What the Settings dialog saves: changed values only, secrets never in settings.json,
and secrets found in .env files moved to the keyring with every other line kept."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from notifier_gui.core import config as config_mod
from notifier_gui.core.config import ConfigError
from notifier_gui.core.secrets import SERVICE, CredentialStore
from notifier_gui.core.settings_store import (
    PendingSecrets,
    SecretEdits,
    changed_values,
    current_values,
    dotenv_secrets,
    move_dotenv_secrets_to_keyring,
    overridden,
    remove_dotenv_lines,
    save,
    validate,
)

PASSWORD = "pa55-Word-not-in-files"


def load(data_dir: Path, cwd: Path, environ: dict[str, str] | None = None) -> config_mod.LoadedConfig:
    env = {"NOTIFIER_DATA_DIR": str(data_dir), **(environ or {})}
    return config_mod.load(env, cwd)


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    data, cwd = tmp_path / "data", tmp_path / "cwd"
    data.mkdir()
    cwd.mkdir()
    return data, cwd


def test_only_changed_values_are_written(dirs: tuple[Path, Path], keyring_backend: object) -> None:
    data, cwd = dirs
    (data / "settings.json").write_text(json.dumps({"SMTP_TIMEOUT": 12.5}), encoding="utf-8")
    cfg = load(data, cwd, {"TELEGRAM_TIMEOUT": "7"})
    shown = current_values(cfg)
    assert shown["SMTP_TIMEOUT"] == 12.5 and shown["TELEGRAM_TIMEOUT"] == 7.0
    assert "SMTP_DEFAULT_PASSWORD" not in shown and "NOTIFIER_DATA_DIR" not in shown

    edited = dict(shown, SMTP_HOST="smtp.example.org", SMTP_PORT=465, NOTIFIER_CHANNELS=("telegram", "email"))
    assert changed_values(shown, edited) == {"SMTP_HOST": "smtp.example.org", "SMTP_PORT": 465,
                                             "NOTIFIER_CHANNELS": ("telegram", "email")}
    result = save(cfg, CredentialStore(cfg.environ), edited)

    on_disk = json.loads((data / "settings.json").read_text(encoding="utf-8"))
    # the earlier entry is kept; the environment's TELEGRAM_TIMEOUT and defaults are not copied in
    assert on_disk == {"SMTP_TIMEOUT": 12.5, "SMTP_HOST": "smtp.example.org", "SMTP_PORT": 465,
                       "NOTIFIER_CHANNELS": ["telegram", "email"]}
    assert result.written == {"SMTP_HOST": "smtp.example.org", "SMTP_PORT": 465,
                              "NOTIFIER_CHANNELS": ["telegram", "email"]}
    again = load(data, cwd).settings
    assert (again.smtp_host, again.smtp_port, again.channels) == ("smtp.example.org", 465, ("telegram", "email"))


def test_nothing_changed_writes_nothing(dirs: tuple[Path, Path], keyring_backend: object) -> None:
    data, cwd = dirs
    cfg = load(data, cwd)
    save(cfg, CredentialStore(cfg.environ), current_values(cfg))
    assert not (data / "settings.json").exists()


def test_sandbox_auto_round_trips(dirs: tuple[Path, Path], keyring_backend: object) -> None:
    data, cwd = dirs
    cfg = load(data, cwd)
    save(cfg, CredentialStore(cfg.environ), dict(current_values(cfg), NOTIFIER_SANDBOX=True))
    cfg = load(data, cwd)
    assert cfg.settings.sandbox is True
    save(cfg, CredentialStore(cfg.environ), dict(current_values(cfg), NOTIFIER_SANDBOX=None))
    assert load(data, cwd).settings.sandbox is None


def test_secrets_go_to_the_keyring_never_to_settings_json(dirs: tuple[Path, Path], keyring_backend: object) -> None:
    data, cwd = dirs
    cfg = load(data, cwd)
    store = CredentialStore(cfg.environ)
    edited = dict(current_values(cfg), SMTP_HOST="smtp.example.org", SMTP_DEFAULT_USER="ops@example.org")
    result = save(cfg, store, edited, SecretEdits(typed={"smtp_password": PASSWORD}))
    assert result.secrets_saved == ("smtp_password",)
    text = (data / "settings.json").read_text(encoding="utf-8")
    assert PASSWORD not in text and "PASSWORD" not in text
    assert keyring_backend.get_password(SERVICE, "smtp_password") == PASSWORD  # type: ignore[attr-defined]
    assert PASSWORD not in repr(SecretEdits(typed={"smtp_password": PASSWORD}))

    with pytest.raises(ConfigError):  # a secret can never be smuggled in as a setting
        save(cfg, store, dict(current_values(cfg), SMTP_DEFAULT_PASSWORD=PASSWORD))
    assert PASSWORD not in (data / "settings.json").read_text(encoding="utf-8")

    cleared = save(load(data, cwd), store, current_values(load(data, cwd)), SecretEdits(cleared={"smtp_password"}))
    assert cleared.secrets_deleted == ("smtp_password",)
    assert keyring_backend.get_password(SERVICE, "smtp_password") is None  # type: ignore[attr-defined]


def test_invalid_values_write_nothing(dirs: tuple[Path, Path], keyring_backend: object) -> None:
    data, cwd = dirs
    cfg = load(data, cwd)
    shown = current_values(cfg)
    problems = validate(cfg.settings, dict(shown, SMTP_HOST="smtp.example.org:587", DEFAULT_FROM_EMAIL="not an address",
                                           TELEGRAM_API_BASE="api.telegram.org", NOTIFIER_CHANNELS=()))
    assert set(problems) == {"SMTP_HOST", "DEFAULT_FROM_EMAIL", "TELEGRAM_API_BASE", "NOTIFIER_CHANNELS"}
    assert validate(cfg.settings, dict(shown, NOTIFIER_CONCURRENCY=0)) .keys() == {"NOTIFIER_CONCURRENCY"}
    assert validate(cfg.settings, dict(shown, DEFAULT_FROM_EMAIL="Иван <ivan@example.org>")) == {}
    with pytest.raises(ConfigError):
        save(cfg, CredentialStore(cfg.environ), dict(shown, SMTP_HOST="has space", SMTP_PORT=2525),
             SecretEdits(typed={"smtp_password": PASSWORD}))
    assert not (data / "settings.json").exists()
    assert keyring_backend.get_password(SERVICE, "smtp_password") is None  # type: ignore[attr-defined]


def test_overridden_names_the_layer(dirs: tuple[Path, Path]) -> None:
    data, cwd = dirs
    (cwd / ".env").write_text("SMTP_HOST=mail.example.org\n", encoding="utf-8")
    cfg = load(data, cwd, {"TELEGRAM_TIMEOUT": "5"})
    over = overridden(cfg)
    assert over["SMTP_HOST"] == str(cwd / ".env") and over["TELEGRAM_TIMEOUT"] == "environment"
    assert "NOTIFIER_DATA_DIR" in over  # it came from the environment too


def test_pending_secrets_answer_with_typed_values(keyring_backend: object) -> None:
    base = CredentialStore({})
    base.set("telegram_bot_token", "111:stored-token")
    pending = PendingSecrets(base, SecretEdits(typed={"smtp_password": PASSWORD}, cleared={"telegram_bot_token"}))
    assert pending.get("smtp_password") == PASSWORD
    assert pending.get("telegram_bot_token") is None
    assert pending.redactor(f"x {PASSWORD} y") == "x *** y"
    assert base.get("telegram_bot_token") == "111:stored-token"  # nothing saved or deleted


ENV_TEXT = (
    b"\xef\xbb\xbf# Notifier settings, copied from the web service\r\n"
    b"SMTP_HOST=smtp.example.org\r\n"
    b"SMTP_DEFAULT_PASSWORD='from-dotenv-pw'\r\n"
    b"   \r\n"
    b"export TELEGRAM_BOT_TOKEN = \"123:multi\r\nline\"\r\n"
    b"# TWILIO_AUTH_TOKEN=commented-out stays\r\n"
    b"SMTP_DEFAULT_PASSWORD_HINT=ask Olga\r\n"
    b"TWILIO_AUTH_TOKEN=\r\n"
    b"DEFAULT_FROM_EMAIL=ops@example.org"
)
ENV_KEPT = (
    b"\xef\xbb\xbf# Notifier settings, copied from the web service\r\n"
    b"SMTP_HOST=smtp.example.org\r\n"
    b"   \r\n"
    b"# TWILIO_AUTH_TOKEN=commented-out stays\r\n"
    b"SMTP_DEFAULT_PASSWORD_HINT=ask Olga\r\n"
    b"TWILIO_AUTH_TOKEN=\r\n"
    b"DEFAULT_FROM_EMAIL=ops@example.org"
)


def test_dotenv_secrets_found_and_moved_with_other_lines_kept(dirs: tuple[Path, Path], keyring_backend: object) -> None:
    data, cwd = dirs
    (cwd / ".env").write_bytes(ENV_TEXT)
    (data / ".env").write_text("SMSRU_API_ID=data-dir-api-id\nSMTP_DEFAULT_PASSWORD=older-pw\nSMS_PROVIDER=smsru\n",
                               encoding="utf-8")
    found = dotenv_secrets(data, cwd)
    assert found == {data / ".env": ["SMTP_DEFAULT_PASSWORD", "SMSRU_API_ID"],
                     cwd / ".env": ["SMTP_DEFAULT_PASSWORD", "TELEGRAM_BOT_TOKEN"]}  # empty TWILIO_AUTH_TOKEN is none

    cfg = load(data, cwd)
    store = CredentialStore(cfg.environ)
    result = move_dotenv_secrets_to_keyring(found, store)
    assert result.moved == found

    assert (cwd / ".env").read_bytes() == ENV_KEPT
    assert (data / ".env").read_text(encoding="utf-8") == "SMS_PROVIDER=smsru\n"
    get = keyring_backend.get_password  # type: ignore[attr-defined]
    # the current folder's .env wins over the data folder's, as in config.load
    assert get(SERVICE, "smtp_password") == "from-dotenv-pw"
    assert get(SERVICE, "telegram_bot_token").splitlines() == ["123:multi", "line"]  # as python-dotenv reads it
    assert get(SERVICE, "smsru_api_id") == "data-dir-api-id"
    assert dotenv_secrets(data, cwd) == {}
    after = load(data, cwd)
    assert after.environ == {} and after.settings.smtp_host == "smtp.example.org"
    assert CredentialStore(after.environ).status()["smtp_password"] == "keyring"


def test_same_dotenv_listed_once(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TELEGRAM_BOT_TOKEN=1:x\n", encoding="utf-8")
    assert dotenv_secrets(tmp_path, tmp_path) == {tmp_path / ".env": ["TELEGRAM_BOT_TOKEN"]}


def test_remove_lines_without_a_match_leaves_the_file_alone(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_bytes(b"A=1\nB='x'\n")
    before = env.stat().st_mtime_ns
    assert remove_dotenv_lines(env, ["SMTP_DEFAULT_PASSWORD"]) == 0
    assert env.read_bytes() == b"A=1\nB='x'\n" and env.stat().st_mtime_ns == before
