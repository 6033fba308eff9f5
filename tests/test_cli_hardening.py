"""The command line under hostile or unlucky conditions: raw control characters, start-up faults."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from notifier_gui.core.runtime import Runtime

from notifier_gui.cli import main


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


@pytest.mark.parametrize("case, words", [
    ("file", "is a file, not a folder"),
    ("not sqlite", "is not a Notifier database"),
    ("newer", "made by a newer version of Notifier (schema revision 0999)"),
    ("garbage url", "DATABASE_URL is not a database address"),
    ("url without scheme", "DATABASE_URL is not a database address"),
    ("huge id", "is not an id"),
])
def test_start_up_faults_are_one_line_and_exit_2(tmp_path: Path, case: str, words: str) -> None:
    from tests.cli_helpers import env_for, newer_database, notifier

    data = tmp_path / "data"
    extra: dict[str, str] = {}
    args = ["users", "list"]
    if case == "file":
        data.write_text("not a folder")
    else:
        data.mkdir()
    if case == "not sqlite":
        (data / "notifier.db").write_bytes(b"this is not a database " * 100)
    elif case == "newer":
        newer_database(data)
    elif case == "garbage url":
        extra["DATABASE_URL"] = "garbage://user:topsecret@host/db"
    elif case == "url without scheme":
        extra["DATABASE_URL"] = "not a url"
    elif case == "huge id":
        args = ["show", "99999999999999999999"]
    result = notifier(data, *args, env=env_for(data, **extra))
    assert result.returncode == 2, result
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr and "topsecret" not in result.stderr


@pytest.fixture
def tiny_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A 256 KiB tmpfs, filled up (needs root: CI and this machine run tests as root)."""
    import subprocess

    mount = tmp_path / "tiny"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_at_start_is_one_line_and_exit_2(tiny_disk: Path) -> None:
    from tests.cli_helpers import env_for, notifier

    data = tiny_disk / "data"
    import os

    fd = os.open(tiny_disk / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(fd, b"\0" * 1024):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)
    result = notifier(data, "users", "list", env=env_for(data))
    assert result.returncode == 2, result
    assert "full" in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
