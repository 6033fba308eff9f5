"""The command line under hostile or unlucky conditions: raw control characters, start-up faults."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from notifier_gui.cli import main
from notifier_gui.core.runtime import Runtime


def run(*argv: str, stdin: str = "") -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out, stdin=io.StringIO(stdin))
    return code, out.getvalue()


def test_users_list_and_show_never_print_raw_control_characters(data_dir: Path) -> None:
    rt = Runtime.open()
    try:  # an older row, written before names were checked: the store takes it as it is
        rid = rt.store.add_recipient(name="Eve\x1b]0;pwned\x07\x1b[2J\u202e", email="eve@example.org", phone=None,
                                     telegram_chat_id=None, channels=(), notes="")
        (nid,) = rt.store.enqueue([rid], "hi", subject="s")
    finally:
        rt.close()
    code, text = run("users", "list")
    assert code == 0 and "Eve" in text
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "\\x1b" in text
    code, text = run("show", str(nid))
    assert code == 0 and "\x1b" not in text and "\\x1b" in text
    code, text = run("--sandbox", "worker", "--until-done")
    assert code == 0 and "Eve" in text and "\x1b" not in text


@pytest.mark.parametrize("args", [
    ["users", "add", "--name", "Ann\u202eevil"],
    ["users", "add", "--name", "A\x00B"],
    ["send", "--user", "1", "--message", "a\x1b[2Jb"],
    ["send", "--user", "1", "--message", "hi", "--subject", "=?utf-8?q?Alert=0D=0AReply-To:_x@evil.example?="],
])
def test_control_characters_and_encoded_line_breaks_are_bad_input(
        data_dir: Path, args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run(*args)
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "must not contain" in err


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_a_dotenv_in_the_current_folder_gets_no_stored_password(
        data_dir: Path, ca, trust_ca: Path, keyring_backend) -> None:  # type: ignore[no-untyped-def]
    """A worker started in a folder whose .env points SMTP elsewhere, without TLS: the
    keyring's password is not sent there (it was, in clear, before)."""
    from notifier_gui.core import config
    from notifier_gui.core.secrets import CredentialStore
    from tests.cli_helpers import env_for, notifier
    from tests.servers.smtp import PASSWORD, USER, SMTPServer

    good, evil = SMTPServer(ca).start(), SMTPServer(ca, tls="none").start()
    try:
        config.write_settings_file(data_dir / "settings.json", {
            "SMTP_HOST": "localhost", "SMTP_PORT": good.port, "SMTP_DEFAULT_USER": USER,
            "DEFAULT_FROM_EMAIL": USER})
        CredentialStore().set("smtp_password", PASSWORD)
        (data_dir.parent / ".env").write_text(f"SMTP_PORT={evil.port}\nSMTP_USE_TLS=0\n", encoding="utf-8")
        env = env_for(data_dir, SSL_CERT_FILE=str(trust_ca))
        result = notifier(data_dir, "check", "email", env=env)
        assert evil.handler.logins == [] and PASSWORD not in result.stdout + result.stderr
        assert result.returncode != 0 and "smtp_password is not sent there" in result.stderr
        # Named explicitly, the file is the operator's choice: here it points back to the real server.
        (data_dir.parent / "mine.env").write_text(f"SMTP_PORT={good.port}\n", encoding="utf-8")
        result = notifier(data_dir, "--env-file", str(data_dir.parent / "mine.env"), "check", "email", env=env)
        assert result.returncode == 0, result.stderr
        assert good.handler.logins == [USER] and evil.handler.logins == []
    finally:
        good.stop()
        evil.stop()
