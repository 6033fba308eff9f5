"""Secrets in a real keyring backend chosen by PYTHON_KEYRING_BACKEND; redaction."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from notifier_gui.core.secrets import SERVICE, CredentialStore, Redactor, SecretStoreError

from tests.cli_helpers import env_for, notifier


def test_backend_is_the_one_named_in_the_environment(keyring_backend) -> None:  # type: ignore[no-untyped-def]
    store = CredentialStore()
    assert store.backend_name() == os.environ["PYTHON_KEYRING_BACKEND"]


def test_set_get_delete_status(keyring_backend) -> None:  # type: ignore[no-untyped-def]
    store = CredentialStore()
    assert store.status()["smtp_password"] == "missing"
    store.set("smtp_password", "pw-1234-abcd")
    assert keyring_backend.get_password(SERVICE, "smtp_password") == "pw-1234-abcd"
    assert CredentialStore().get("smtp_password") == "pw-1234-abcd"
    assert store.status()["smtp_password"] == "keyring"
    assert store.delete("smtp_password") is True
    assert store.delete("smtp_password") is False
    assert CredentialStore().get("smtp_password") is None


def test_environment_wins_for_headless_runs(keyring_backend) -> None:  # type: ignore[no-untyped-def]
    CredentialStore().set("telegram_bot_token", "111:stored")
    store = CredentialStore({"TELEGRAM_BOT_TOKEN": "222:fromenv"})
    assert store.get("telegram_bot_token") == "222:fromenv"
    assert store.status()["telegram_bot_token"] == "environment"


def test_unknown_names_and_empty_values_are_refused(keyring_backend) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SecretStoreError, match="unknown secret"):
        CredentialStore().set("password", "x")
    with pytest.raises(SecretStoreError, match="empty"):
        CredentialStore().set("smtp_password", "")


def test_per_send_entries(keyring_backend) -> None:  # type: ignore[no-untyped-def]
    store = CredentialStore()
    ref = store.put_per_send("one-time-pass-99")
    assert ref.startswith("send:") and "one-time" not in ref
    assert store.get(ref) == "one-time-pass-99"
    assert store.delete(ref)


def test_redactor() -> None:
    r = Redactor(["hunter2 s/cret"])
    text = ("POST https://api.telegram.org/bot123456:AAE-x_yZ/sendMessage failed; pw=hunter2 s/cret; "
            "q=hunter2%20s%2Fcret form=hunter2+s%2Fcret Authorization: Basic QUM6c2VjcmV0")
    out = r(text)
    assert "123456:AAE-x_yZ" not in out and "hunter2" not in out and "QUM6c2VjcmV0" not in out
    assert "/bot***/sendMessage" in out


def test_redactor_learns_values_later_and_replaces_the_longest_first() -> None:
    r = Redactor()
    assert r("token abcd-efgh-1234") == "token abcd-efgh-1234"
    r.add("abcd")
    r.add("abcd-efgh-1234")  # contains the shorter one: replacing that first would leave "-efgh-1234"
    assert r("token abcd-efgh-1234, pin abcd") == "token ***, pin ***"


CLI_SECRET = "s3cret-smtp-password"


def test_cli_secrets_set_explains_then_works_with_a_passphrase(data_dir: Path) -> None:
    env = env_for(data_dir, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")  # no credential store
    r = notifier(data_dir, "secrets", "set", "smtp_password", stdin=CLI_SECRET + "\n", env=env)
    assert r.returncode == 1
    assert "no credential store" in r.stderr and "NoKeyringError" not in r.stderr and CLI_SECRET not in r.stderr
    env["NOTIFIER_SECRETS_PASSPHRASE"] = "correct horse"
    r = notifier(data_dir, "secrets", "set", "smtp_password", stdin=CLI_SECRET + "\n", env=env)
    assert r.returncode == 0, r.stderr
    r = notifier(data_dir, "secrets", "status", "--json", env=env)
    assert '"smtp_password": "keyring"' in r.stdout
