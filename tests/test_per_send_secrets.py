"""Per-send SMTP passwords: one keyring entry per send, announced before it is written, swept
when nothing needs it; keyring calls serialised and every backend failure a SecretStoreError."""
from __future__ import annotations

import configparser
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from notifier_gui.core.runtime import Runtime
from notifier_gui.core.secrets import CredentialStore, SecretStoreError

from tests.cli_helpers import env_for, notifier

PASSWORD = "per-send-pass-7781"


def per_send_entries(backend) -> list[str]:  # type: ignore[no-untyped-def]
    """The per-send entries in keyrings.alt's file (the keyring API cannot list entries)."""
    path = Path(backend.file_path)
    if not path.exists():
        return []
    parser = configparser.RawConfigParser()
    parser.read(path, encoding="utf-8")
    return [o for s in parser.sections() for o in parser.options(s) if o.startswith("send_3a")]


@pytest.fixture
def new_entries(keyring_backend):  # type: ignore[no-untyped-def]
    """The per-send entries made since the test started (others may belong to other tests' queues)."""
    before = set(per_send_entries(keyring_backend))
    return lambda: [e for e in per_send_entries(keyring_backend) if e not in before]


def add_people(n: int) -> list[int]:
    rt = Runtime.open()
    try:
        return rt.store.add_recipients([{"name": f"P{i}", "email": f"p{i}@example.org", "phone": None,
                                         "telegram_chat_id": None, "channels": (), "notes": ""} for i in range(n)])
    finally:
        rt.close()


def test_one_entry_per_send_and_it_goes_with_the_last_notification(data_dir: Path, new_entries) -> None:  # type: ignore[no-untyped-def]
    ids = add_people(5)
    args = [a for i in ids for a in ("--user", str(i))]
    result = notifier(data_dir, "send", *args, "--message", "hi", "--smtp-user", "me@example.org",
                      "--smtp-password-stdin", stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert len(new_entries()) == 1
    assert len(list((data_dir / "secret-intents").iterdir())) == 1
    assert notifier(data_dir, "--sandbox", "worker", "--until-done", "--max-seconds", "60").returncode == 0
    assert new_entries() == []
    assert list((data_dir / "secret-intents").iterdir()) == []


def test_a_send_killed_midway_leaves_no_password_behind(data_dir: Path, new_entries) -> None:  # type: ignore[no-untyped-def]
    ids = add_people(300)
    args = [a for i in ids for a in ("--user", str(i))]
    proc = subprocess.Popen([sys.executable, "-m", "notifier_gui.cli", "send", *args, "--message", "hi",
                             "--smtp-user", "me@example.org", "--smtp-password-stdin"],
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
                            env=env_for(data_dir), cwd=data_dir.parent)
    assert proc.stdin is not None
    proc.stdin.write(PASSWORD + "\n")
    proc.stdin.close()
    deadline = time.monotonic() + 60
    while not new_entries() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)  # polling a condition: the first per-send entry is on disk
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # The next start sweeps what nothing references; the rest goes as its notifications finish.
    assert notifier(data_dir, "--sandbox", "worker", "--until-done", "--max-seconds", "120").returncode == 0
    assert new_entries() == []


def test_the_sweep_keeps_entries_of_live_senders_and_of_queued_work(data_dir: Path, new_entries) -> None:  # type: ignore[no-untyped-def]
    store = CredentialStore(intents_dir=data_dir / "secret-intents")
    mine = store.put_per_send(PASSWORD)  # this process is alive: maybe about to queue
    dead = store.put_per_send(PASSWORD)
    (data_dir / "secret-intents" / dead.removeprefix("send:")).write_text("999999999/1", encoding="ascii")
    queued = store.put_per_send(PASSWORD)
    (data_dir / "secret-intents" / queued.removeprefix("send:")).write_text("999999999/1", encoding="ascii")
    assert store.sweep_per_send({queued}) == 1
    assert store.get(mine) == PASSWORD and store.get(queued) == PASSWORD and store.get(dead) is None
    for ref in (mine, queued):
        store.drop_per_send(ref)
    assert new_entries() == []


def test_keyring_calls_from_many_threads_are_serialised(tmp_path: Path, new_entries) -> None:  # type: ignore[no-untyped-def]
    store = CredentialStore(intents_dir=tmp_path / "intents")
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(15):
                ref = store.put_per_send(PASSWORD)
                assert store.get(ref) == PASSWORD
                store.drop_per_send(ref)
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert new_entries() == []


def test_a_backend_failure_of_any_kind_is_a_secret_store_error(keyring_backend) -> None:  # type: ignore[no-untyped-def]
    path = Path(keyring_backend.file_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    before = path.read_bytes() if path.exists() else None
    path.write_text("[notifier_2Dgui\nbroken = \n\tx\n", encoding="utf-8")  # what racing writers left
    try:
        with pytest.raises(SecretStoreError) as info:
            CredentialStore().get("smtp_password")
        assert "cannot be read" in str(info.value)
    finally:
        if before is None:
            path.unlink()
        else:
            path.write_bytes(before)
