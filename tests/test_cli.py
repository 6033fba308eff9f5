"""The ``notifier`` command's contract: most of it through ``cli.main`` in this process (the
same argv, streams and environment); what only a process shows, as a real process."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.cli_helpers import as_json, env_for, notifier, notifier_process


def count(data_dir: Path, table: str) -> int:
    with sqlite3.connect(data_dir / "notifier.db") as c:
        return int(c.execute(f"select count(*) from {table}").fetchone()[0])


def test_users_add_and_list(data_dir: Path) -> None:
    assert as_json(notifier(data_dir, "users", "add", "--name", "Анна", "--email", "anna@example.org",
                            "--phone", "+7 916 123-45-67", "--telegram-chat-id", "123456789", "--json")) == {"id": 1}
    assert as_json(notifier(data_dir, "users", "add", "--name", "Bob", "--json")) == {"id": 2}
    people = as_json(notifier(data_dir, "users", "list", "--json"))
    assert people == [
        {"id": 1, "name": "Анна", "email": "anna@example.org", "phone": "+79161234567", "telegram_chat_id": 123456789},
        {"id": 2, "name": "Bob", "email": None, "phone": None, "telegram_chat_id": None},
    ]


@pytest.mark.parametrize("args,words", [
    (["users", "add", "--name", "X", "--email", "not-an-email"], "email"),
    (["users", "add", "--name", "X", "--phone", "+7 000"], "phone"),
    (["users", "add", "--name", "X", "--telegram-chat-id", "abc"], "telegram_chat_id"),
    (["users", "add", "--name", "X\r\nY"], "line breaks"),
    (["send", "--user", "1", "--message", "hi", "--subject", "a\r\nBcc: evil@example.org"], "line breaks"),
    (["send", "--user", "1", "--message", "   "], "empty"),
    (["send", "--user", "99", "--message", "hi"], "no recipient with id 99"),
    (["send", "--user", "1", "--message", "hi", "--channels", "email,fax"], "--channels"),
    (["send", "--user", "1", "--message", "hi", "--smtp-user", "a\nb", "--smtp-password-stdin"], "line breaks"),
    (["show", "42"], "no notification with id 42"),
])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(data_dir: Path, args: list[str], words: str) -> None:
    as_json(notifier(data_dir, "users", "add", "--name", "Base", "--email", "base@example.org", "--json"))
    before = (count(data_dir, "recipients"), count(data_dir, "notifications"))
    r = notifier(data_dir, *args, stdin="pw\n")
    assert r.returncode == 2, r
    assert words in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert "Traceback" not in r.stderr + r.stdout
    assert (count(data_dir, "recipients"), count(data_dir, "notifications")) == before


def test_import_csv_reports_bad_rows_by_line(data_dir: Path, tmp_path: Path) -> None:
    csv_file = tmp_path / "people.csv"
    csv_file.write_bytes(
        "\ufeffname,email,phone,telegram_chat_id\n"
        "Анна,anna@example.org,+79161234567,\n"
        "Bad email,nope,,\n"
        "Борис,,+79161234568,777\n"
        ",nameless@example.org,,\n"
        "Dup,anna@example.org,,\n"
        "Short row,x@example.org\n".encode("utf-8"))
    r = notifier(data_dir, "users", "import", str(csv_file))
    assert r.returncode == 2 and r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert [ln.split(":")[0] for ln in lines[:-1]] == ["line 3", "line 5", "line 7"]
    assert "email" in lines[0] and "name" in lines[1] and "fields" in lines[2]
    # Line 6 repeats line 2: skipped, not an error (a re-import never fails on what is there).
    assert lines[-1] == ("notifier: nothing imported: 3 line(s) rejected; skipped 1 line(s) already in the list "
                         "(or earlier in the file); fix them and import the file again")
    assert as_json(notifier(data_dir, "users", "list", "--json")) == []  # all or nothing
    # Fixed, the same file goes in whole, with nothing reported as a duplicate of a first try.
    csv_file.write_text("name,email,phone,telegram_chat_id\nАнна,anna@example.org,+79161234567,\n"
                        "Борис,,+79161234568,777\n", encoding="utf-8")
    r = notifier(data_dir, "users", "import", str(csv_file))
    assert r.returncode == 0 and r.stdout == "imported 2 recipient(s)\n" and r.stderr == ""
    names = [p["name"] for p in as_json(notifier(data_dir, "users", "list", "--json"))]
    assert names == ["Анна", "Борис"]
    r = notifier(data_dir, "users", "import", str(csv_file))  # the same file again
    assert r.returncode == 0 and r.stdout == ("imported 0 recipient(s); skipped 2 line(s) already in the list "
                                              "(or earlier in the file)\n")


def test_send_worker_show_in_sandbox(data_dir: Path) -> None:
    as_json(notifier(data_dir, "users", "add", "--name", "Анна", "--email", "anna@example.org", "--json"))
    as_json(notifier(data_dir, "users", "add", "--name", "Борис", "--phone", "+79161234567", "--json"))
    sent = as_json(notifier(data_dir, "send", "--user", "1", "--user", "2", "--message", "Привет, {name}!",
                            "--subject", "Тест", "--json"))
    assert sent == {"ids": [1, 2]}
    queued = as_json(notifier(data_dir, "show", "1", "--json"))
    assert queued == {"id": 1, "recipient_id": 1, "state": "queued", "delivered_via": None, "delivered_how": None,
                      "awaiting_receipt": False, "attempts": []}
    w = notifier(data_dir, "worker", "--until-done", "--max-seconds", "30")
    assert w.returncode == 0, w.stderr
    assert "sandbox" in w.stdout
    one, two = (as_json(notifier(data_dir, "show", str(i), "--json")) for i in (1, 2))
    assert (one["state"], one["delivered_via"]) == ("delivered", "email")
    assert (two["state"], two["delivered_via"]) == ("delivered", "sms")
    assert [(a["channel"], a["outcome"]) for a in two["attempts"]] == [("email", "unavailable"), ("sms", "delivered")]
    assert set(two["attempts"][0]) == {"channel", "outcome", "detail", "provider_message_id", "started_at", "finished_at",
                                       "receipt_at", "receipt_detail", "detail_code", "detail_params", "receipt_code",
                                       "receipt_params"}
    assert (two["attempts"][0]["detail_code"], two["attempts"][0]["detail_params"]) == ("recipient.no_email", {})
    assert two["attempts"][0]["detail"] == "the recipient has no email address"  # the English stays
    assert two["delivered_how"] == "accepted by the SMS provider"  # the outbox gives no delivery reports
    (eml,) = (data_dir / "outbox" / "email").glob("*.eml")
    assert b"anna@example.org" in eml.read_bytes()
    (sms,) = (data_dir / "outbox" / "sms").glob("*.json")
    assert "Привет, Борис!" in sms.read_text(encoding="utf-8")


def test_secrets_commands(data_dir: Path, keyring_backend) -> None:  # type: ignore[no-untyped-def]
    r = notifier(data_dir, "secrets", "set", "smtp_password", stdin="pw-from-stdin-123\n")
    assert r.returncode == 0 and "pw-from-stdin-123" not in r.stdout + r.stderr
    assert keyring_backend.get_password("notifier-gui", "smtp_password") == "pw-from-stdin-123"
    status = as_json(notifier(data_dir, "secrets", "status", "--json"))
    assert status["smtp_password"] == "keyring" and status["telegram_bot_token"] == "missing"
    assert notifier(data_dir, "secrets", "set", "nope", stdin="x\n").returncode == 2
    assert notifier(data_dir, "secrets", "delete", "smtp_password").returncode == 0
    assert keyring_backend.get_password("notifier-gui", "smtp_password") is None


def test_per_send_password_goes_to_the_keyring_not_the_database(data_dir: Path, keyring_backend) -> None:  # type: ignore[no-untyped-def]
    as_json(notifier(data_dir, "users", "add", "--name", "A", "--email", "a@example.org", "--json"))
    r = notifier(data_dir, "send", "--user", "1", "--message", "hi", "--smtp-user", "me@example.org",
                 "--smtp-password-stdin", "--json", stdin="per-send-secret-777\n")
    assert as_json(r) == {"ids": [1]}
    with sqlite3.connect(data_dir / "notifier.db") as c:
        ref = c.execute("select smtp_secret_ref from notifications").fetchone()[0]
    assert ref.startswith("send:")
    assert keyring_backend.get_password("notifier-gui", ref) == "per-send-secret-777"
    assert b"per-send-secret-777" not in (data_dir / "notifier.db").read_bytes()


def test_broken_configuration_is_one_line(data_dir: Path) -> None:
    r = notifier(data_dir, "users", "list", env=env_for(data_dir, NOTIFIER_CONCURRENCY="lots"))
    assert r.returncode == 2 and "NOTIFIER_CONCURRENCY" in r.stderr and "Traceback" not in r.stderr


def test_the_command_as_a_real_process(data_dir: Path) -> None:
    """Exit statuses, the streams and the message on stderr, seen from outside."""
    ok = notifier_process(data_dir, "users", "add", "--name", "Анна", "--email", "anna@example.org", "--json")
    assert ok.returncode == 0 and as_json(ok) == {"id": 1} and ok.stderr == ""
    bad = notifier_process(data_dir, "users", "add", "--name", "Bob", "--email", "not-an-address")
    assert bad.returncode == 2 and bad.stdout == "" and len(bad.stderr.strip().splitlines()) == 1
    assert bad.stderr.startswith("notifier: ") and "Traceback" not in bad.stderr
    usage = notifier_process(data_dir, "users", "frobnicate")
    assert usage.returncode == 2 and len(usage.stderr.strip().splitlines()) == 1
    broken = notifier_process(data_dir, "users", "list", env=env_for(data_dir, NOTIFIER_CONCURRENCY="lots"))
    assert broken.returncode == 2 and "NOTIFIER_CONCURRENCY" in broken.stderr and "Traceback" not in broken.stderr
    assert count(data_dir, "recipients") == 1


def test_send_refuses_unknown_placeholders(data_dir: Path) -> None:
    rid = as_json(notifier(data_dir, "users", "add", "--name", "Anna", "--email", "anna@example.org", "--json"))["id"]
    r = notifier(data_dir, "send", "--user", str(rid), "--message", "Hello {nmae}", "--subject", "{Name}")
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        "notifier: unknown placeholder {Name}, {nmae}; known: {name}, {email}, {phone}"]
    r = notifier(data_dir, "show", "1")
    assert r.returncode == 2  # nothing was queued
    assert notifier(data_dir, "send", "--user", str(rid), "--message", "Hello {name}").returncode == 0
