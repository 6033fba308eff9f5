"""`notifier users` edit / delete / search, output into a closed pipe, local times in text
output, and what `send` says afterwards (#13 items 16, 18, 23)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.cli_helpers import as_json, env_for, notifier


def add(data_dir: Path, *args: str) -> int:
    return int(as_json(notifier(data_dir, "users", "add", *args, "--json"))["id"])


def test_edit_changes_only_the_given_fields(data_dir: Path) -> None:
    rid = add(data_dir, "--name", "Anna", "--email", "anna@example.org", "--phone", "+79161234567")
    r = notifier(data_dir, "users", "edit", str(rid), "--phone", "", "--name", "Анна Смирнова")
    assert r.returncode == 0 and r.stdout == f"updated recipient {rid}\n"
    (row,) = as_json(notifier(data_dir, "users", "list", "--json"))
    assert row == {"id": rid, "name": "Анна Смирнова", "email": "anna@example.org", "phone": None,
                   "telegram_chat_id": None}
    bad = notifier(data_dir, "users", "edit", str(rid), "--email", "not-an-email")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
    assert notifier(data_dir, "users", "edit", "999", "--name", "X").stderr == "notifier: no recipient with id 999\n"
    assert notifier(data_dir, "users", "edit", str(rid)).returncode == 2  # nothing to change
    (row,) = as_json(notifier(data_dir, "users", "list", "--json"))
    assert row["email"] == "anna@example.org"  # the refused edits wrote nothing


def test_search_and_delete(data_dir: Path) -> None:
    anna = add(data_dir, "--name", "Anna", "--email", "anna@example.org", "--phone", "+79161234567")
    boris = add(data_dir, "--name", "Boris", "--email", "boris@example.org")
    found = as_json(notifier(data_dir, "users", "search", "ANNA", "--json"))
    assert [p["id"] for p in found] == [anna]
    assert [p["id"] for p in as_json(notifier(data_dir, "users", "search", "916 123", "--json"))] == [anna]
    assert [p["id"] for p in as_json(notifier(data_dir, "users", "search", "9161234567", "--json"))] == [anna]
    assert "Boris" in notifier(data_dir, "users", "search", "example").stdout
    # the window's search (every word, any script's case) and, for a number, chat ids
    edited = notifier(data_dir, "users", "edit", str(anna), "--name", "Анна Смирнова", "--telegram-chat-id", "-100777")
    assert edited.returncode == 0, edited.stderr
    for text in ("смирнова АН", "-100777", "777", "anna@ 9161"):
        assert [p["id"] for p in as_json(notifier(data_dir, "users", "search", text, "--json"))] == [anna], text
    assert as_json(notifier(data_dir, "users", "search", "boris anna", "--json")) == []

    as_json(notifier(data_dir, "send", "--user", str(boris), "--message", "hi", "--json"))
    held = notifier(data_dir, "users", "delete", str(boris))
    assert held.returncode == 2 and "still queued" in held.stderr
    r = notifier(data_dir, "users", "delete", str(anna))
    assert r.returncode == 0 and r.stdout == f"deleted recipient {anna} (Анна Смирнова)\n"
    assert [p["id"] for p in as_json(notifier(data_dir, "users", "list", "--json"))] == [boris]


def test_send_says_a_worker_must_run_and_has_help(data_dir: Path) -> None:
    rid = add(data_dir, "--name", "Anna", "--email", "anna@example.org")
    r = notifier(data_dir, "send", "--user", str(rid), "--message", "hi")
    assert r.returncode == 0 and "notifier worker" in r.stdout
    assert json.loads(notifier(data_dir, "send", "--user", str(rid), "--message", "hi2", "--json").stdout) == {"ids": [2]}
    helptext = notifier(data_dir, "send", "--help").stdout
    assert "{name}, {email}, {phone} are filled in" in " ".join(helptext.split())


def test_list_into_a_closed_pipe_ends_quietly(data_dir: Path) -> None:
    csv = data_dir.parent / "many.csv"
    csv.write_text("name,email\n" + "".join(f"Person {n},p{n}@example.org\n" for n in range(3000)), encoding="utf-8")
    assert notifier(data_dir, "users", "import", str(csv)).returncode == 0
    env = env_for(data_dir)
    lister = subprocess.Popen([sys.executable, "-m", "notifier_gui.cli", "users", "list"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=data_dir.parent)
    head = subprocess.run(["head", "-3"], stdin=lister.stdout, capture_output=True, text=True, timeout=60)
    assert lister.stdout is not None
    lister.stdout.close()
    _, err = lister.communicate(timeout=60)
    assert len(head.stdout.splitlines()) == 3
    assert b"BrokenPipeError" not in err and b"Traceback" not in err and err == b""
    assert lister.returncode == 141


def test_show_prints_local_time_and_json_stays_utc(data_dir: Path) -> None:
    rid = add(data_dir, "--name", "Anna", "--email", "anna@example.org")
    as_json(notifier(data_dir, "send", "--user", str(rid), "--message", "hi", "--json"))
    env = env_for(data_dir, NOTIFIER_SANDBOX="1")
    assert notifier(data_dir, "worker", "--until-done", "--max-seconds", "30", env=env).returncode == 0
    moscow = notifier(data_dir, "show", "1", env=env_for(data_dir, TZ="Europe/Moscow")).stdout
    utc = notifier(data_dir, "show", "1", env=env_for(data_dir, TZ="UTC")).stdout
    assert "+0300" in moscow.splitlines()[1] and "+0000" in utc.splitlines()[1]
    data = as_json(notifier(data_dir, "show", "1", "--json", env=env_for(data_dir, TZ="Europe/Moscow")))
    assert "attempts" in data
