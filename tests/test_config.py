"""Configuration layers: defaults < settings file < .env (data dir, then cwd) < environment < overrides."""
from __future__ import annotations

from pathlib import Path

import pytest

from notifier_gui.core import config


def test_defaults(tmp_path: Path) -> None:
    s = config.load({"NOTIFIER_DATA_DIR": str(tmp_path)}, cwd=tmp_path).settings
    assert s.channels == ("email", "sms", "telegram")
    assert s.concurrency == 4 and s.smtp_port == 587 and s.smtp_use_tls and s.sandbox is None
    assert s.effective_database_url == f"sqlite:///{(tmp_path / 'notifier.db').as_posix()}"


def test_default_data_dir_is_the_per_user_non_roaming_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    s = config.load({}, cwd=tmp_path).settings
    assert s.data_dir == tmp_path / "xdg" / "notifier-gui"


def test_layers_in_order(tmp_path: Path) -> None:
    data = tmp_path / "data"
    work = tmp_path / "work"
    data.mkdir()
    work.mkdir()
    config.write_settings_file(data / "settings.json", {"SMTP_HOST": "file.example", "SMTP_PORT": 2525,
                                                       "NOTIFIER_CONCURRENCY": 2, "SMTP_TIMEOUT": 5})
    (data / ".env").write_text("SMTP_PORT=2526\nNOTIFIER_CONCURRENCY=3\n")
    (work / ".env").write_text("NOTIFIER_CONCURRENCY=5\nSMTP_TIMEOUT=6\n")
    env = {"NOTIFIER_DATA_DIR": str(data), "SMTP_TIMEOUT": "7"}
    loaded = config.load(env, cwd=work, overrides={"NOTIFIER_CHANNELS": "telegram,email"})
    s = loaded.settings
    assert (s.smtp_host, s.smtp_port, s.concurrency, s.smtp_timeout) == ("file.example", 2526, 5, 7.0)
    assert s.channels == ("telegram", "email")
    assert loaded.sources["SMTP_HOST"] == "settings file" and loaded.sources["SMTP_TIMEOUT"] == "environment"


def test_original_service_env_names(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "SMTP_HOST=smtp.gmail.com\nSMTP_PORT=587\nSMTP_USE_TLS=1\nSMTP_DEFAULT_USER=me@gmail.com\n"
        "SMTP_DEFAULT_PASSWORD=app-password-1234\nDEFAULT_FROM_EMAIL=me@gmail.com\n"
        "TELEGRAM_BOT_TOKEN=123456:ABCdef\nTELEGRAM_PARSE_MODE=HTML\nTELEGRAM_DISABLE_WPP=1\nTELEGRAM_TIMEOUT=10\n")
    loaded = config.load({"NOTIFIER_DATA_DIR": str(tmp_path / "d")}, cwd=tmp_path)
    s = loaded.settings
    assert (s.smtp_host, s.smtp_user, s.from_email, s.telegram_timeout) == ("smtp.gmail.com", "me@gmail.com", "me@gmail.com", 10.0)
    # Secrets are offered to the credential store, never kept as settings.
    assert loaded.environ == {"SMTP_DEFAULT_PASSWORD": "app-password-1234", "TELEGRAM_BOT_TOKEN": "123456:ABCdef"}
    assert "app-password-1234" not in repr(s)


@pytest.mark.parametrize("name,value,words", [
    ("SMTP_PORT", "abc", "SMTP_PORT"),
    ("NOTIFIER_CONCURRENCY", "0", "NOTIFIER_CONCURRENCY"),
    ("NOTIFIER_CHANNELS", "email,fax", "NOTIFIER_CHANNELS"),
    ("NOTIFIER_SANDBOX", "maybe", "NOTIFIER_SANDBOX"),
    ("SMTP_TIMEOUT", "-1", "SMTP_TIMEOUT"),
    ("EMAIL_CONFIRM_TIMEOUT", "-5", "EMAIL_CONFIRM_TIMEOUT"),
    ("IMAP_PORT", "70000", "IMAP_PORT"),
    ("IMAP_FOLDER", " ", "IMAP_FOLDER"),
    ("IMAP_HOST", "imap.example.org\r\nX: y", "IMAP_HOST"),
])
def test_bad_values_name_the_setting(tmp_path: Path, name: str, value: str, words: str) -> None:
    with pytest.raises(config.ConfigError, match=words):
        config.load({"NOTIFIER_DATA_DIR": str(tmp_path), name: value}, cwd=tmp_path)


def test_settings_file_refuses_secrets(tmp_path: Path) -> None:
    with pytest.raises(config.ConfigError, match="keyring"):
        config.write_settings_file(tmp_path / "settings.json", {"SMTP_DEFAULT_PASSWORD": "x"})
    assert not (tmp_path / "settings.json").exists()


def test_broken_settings_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_text("{not json")
    with pytest.raises(config.ConfigError, match="settings file"):
        config.load({"NOTIFIER_DATA_DIR": str(tmp_path)}, cwd=tmp_path)


def test_email_receipts_are_on_only_with_a_mailbox_and_a_window(tmp_path: Path) -> None:
    from notifier_gui.core.runtime import policy_from

    def load(**env: str) -> config.Settings:
        return config.load({"NOTIFIER_DATA_DIR": str(tmp_path), **env}, cwd=tmp_path).settings

    s = load()
    assert (s.imap_port, s.imap_folder, s.email_confirm_timeout) == (993, "INBOX", 0.0)
    assert not s.email_receipts and policy_from(s).confirm_window("email") == 0
    assert policy_from(load(EMAIL_CONFIRM_TIMEOUT="600")).confirm_window("email") == 0  # no IMAP_HOST
    assert policy_from(load(IMAP_HOST="imap.example.org")).confirm_window("email") == 0  # no window
    on = load(IMAP_HOST="imap.example.org", EMAIL_CONFIRM_TIMEOUT="600")
    assert on.email_receipts and policy_from(on).confirm_window("email") == 600
    assert policy_from(on).confirm_window("sms") == 600  # SMS keeps its own window
