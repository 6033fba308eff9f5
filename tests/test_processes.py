"""Durability with real processes: SIGKILL mid-run, two workers on one database, and a
search of everything the program wrote for secret values."""
from __future__ import annotations

import collections
import signal
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from notifier_gui.core.storage.engine import open_database
from notifier_gui.core.storage.repository import Store

from tests.cli_helpers import as_json, env_for, notifier, start_worker
from tests.servers.smtp import PASSWORD, USER, Script, SMTPServer, free_port

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="uses SIGKILL")]


@pytest.fixture
def server(ca: trustme.CA) -> Iterator[SMTPServer]:
    s = SMTPServer(ca, script=Script(data_delay=0.004)).start()
    yield s
    s.stop()


def smtp_env(data_dir: Path, server: SMTPServer, ca: trustme.CA, **extra: str) -> dict[str, str]:
    pem = data_dir.parent / "ca.pem"
    ca.cert_pem.write_to_path(str(pem))
    values = dict(SMTP_HOST="localhost", SMTP_PORT=str(server.port), SMTP_DEFAULT_USER=USER,
                  SMTP_DEFAULT_PASSWORD=PASSWORD, DEFAULT_FROM_EMAIL="ops@example.org",
                  SSL_CERT_FILE=str(pem), NOTIFIER_CHANNELS="email")
    values.update(extra)
    return env_for(data_dir, **values)


def fill(data_dir: Path, n: int) -> list[int]:
    store = Store(open_database(f"sqlite:///{data_dir / 'notifier.db'}"))
    ids = store.add_recipients({"name": f"R{i}", "email": f"r{i}@example.net"} for i in range(n))
    out = store.enqueue(ids, "Проверка доставки")
    store.engine.dispose()
    return out


def received_ids(server: SMTPServer) -> collections.Counter[int]:
    with server.handler.lock:
        return collections.Counter(int(m["X-Notifier-Notification-Id"]) for m in server.messages)


def wait_line(proc, words: str) -> None:  # type: ignore[no-untyped-def]
    line = proc.stdout.readline()
    assert words in line, line + proc.stderr.read()


def test_sigkill_mid_run_loses_nothing(data_dir: Path, server: SMTPServer, ca: trustme.CA) -> None:
    concurrency = 4
    ids = fill(data_dir, 300)
    env = smtp_env(data_dir, server, ca)
    worker = start_worker(data_dir, "--concurrency", str(concurrency), env=env)
    assert server.handler.wait_for(60, timeout=60), "the worker delivered nothing"
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)
    before = sum(received_ids(server).values())
    assert before < len(ids), "the worker finished before it was killed; the test proves nothing"

    with sqlite3.connect(data_dir / "notifier.db") as c:
        in_flight = c.execute("select count(*) from attempts where outcome is null").fetchone()[0]
    assert in_flight <= concurrency

    again = start_worker(data_dir, "--concurrency", str(concurrency), "--until-done", "--max-seconds", "120", env=env)
    out, err = again.communicate(timeout=150)
    assert again.returncode == 0, err

    got = received_ids(server)
    assert set(got) == set(ids)  # none lost
    duplicates = sum(n - 1 for n in got.values())
    assert duplicates <= concurrency
    with sqlite3.connect(data_dir / "notifier.db") as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        states = dict(c.execute("select state, count(*) from notifications group by state").fetchall())
        assert states == {"delivered": len(ids)}
        assert c.execute("select count(*) from attempts where outcome is null").fetchone()[0] == 0
        interrupted = c.execute("select count(*) from attempts where outcome = 'interrupted'").fetchone()[0]
    assert interrupted == in_flight
    print(f"\nkilled after {before} deliveries; {in_flight} in flight; {duplicates} duplicate(s)")


def test_two_workers_claim_each_notification_once(data_dir: Path, server: SMTPServer, ca: trustme.CA) -> None:
    env = smtp_env(data_dir, server, ca)
    notifier(data_dir, "users", "list", env=env)  # create and migrate the database first
    workers = [start_worker(data_dir, "--concurrency", "3", env=env) for _ in range(2)]
    try:
        for w in workers:
            wait_line(w, "worker started")
        ids = fill(data_dir, 150)
        assert server.handler.wait_for(len(ids), timeout=90)
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        for w in workers:
            w.communicate(timeout=30)
    got = received_ids(server)
    assert set(got) == set(ids) and max(got.values()) == 1  # each sent exactly once
    with sqlite3.connect(data_dir / "notifier.db") as c:
        per_note = c.execute("select max(n) from (select count(*) n from attempts group by notification_id)").fetchone()[0]
        slots = [w for (w,) in c.execute("select distinct worker from attempts")]
    assert per_note == 1
    # owners are "<machine>/<pid>/<start>/<slot>": the worker slot holds each attempt
    assert len({s.rsplit("/", 1)[0] for s in slots}) == 2, "only one worker took work; the race was not exercised"
    assert [w.returncode for w in workers] == [0, 0]  # SIGTERM is a clean stop


def test_no_secret_reaches_disk_or_output(data_dir: Path, server: SMTPServer, ca: trustme.CA) -> None:
    token = "7654321:AAHsecretTokenValue_xyz-123"
    per_send = "per-send-pass-Zq81"
    server.script.rcpt_replies["gone@example.net"] = "550 5.1.1 No such user"
    server.script.rcpt_replies["later@example.net"] = "451 4.3.0 Try later"
    env = smtp_env(data_dir, server, ca, TELEGRAM_BOT_TOKEN=token, NOTIFIER_LOG_LEVEL="DEBUG",
                   NOTIFIER_CHANNELS="email,sms,telegram", NOTIFIER_BACKOFF="0.05", NOTIFIER_LIFETIME="2",
                   NOTIFIER_ROUND_DELAY="0.2", TELEGRAM_API_BASE=f"http://127.0.0.1:{free_port()}")
    outputs = []
    for name, email in (("Gone", "gone@example.net"), ("Later", "later@example.net"), ("Fine", "fine@example.net")):
        r = notifier(data_dir, "users", "add", "--name", name, "--email", email, "--telegram-chat-id", "42", "--json", env=env)
        outputs.append(r)
        as_json(r)
    outputs.append(notifier(data_dir, "send", "--user", "1", "--user", "2", "--user", "3", "--message", "hi", env=env))
    outputs.append(notifier(data_dir, "send", "--user", "3", "--message", "hi", "--smtp-user", USER,
                            "--smtp-password-stdin", stdin=per_send + "\n", env=env))
    # A wrong per-send password: the server answers 535.
    outputs.append(notifier(data_dir, "send", "--user", "3", "--message", "hi", "--smtp-user", USER,
                            "--smtp-password-stdin", stdin=per_send + "-wrong\n", env=env))
    outputs.append(notifier(data_dir, "worker", "--until-done", "--max-seconds", "60", env=env))
    outputs.extend(notifier(data_dir, "show", str(i), env=env) for i in range(1, 6))
    outputs.append(notifier(data_dir, "secrets", "status", env=env))
    assert all(o.returncode == 0 for o in outputs), [o.stderr for o in outputs if o.returncode]
    text_out = "".join(o.stdout + o.stderr for o in outputs)
    assert "failed" in text_out and "delivered" in text_out  # the run really had failures and successes
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert any(p.suffix == ".log" for p in files) and any(p.name == "notifier.db" for p in files)
    for secret in (PASSWORD, token, per_send, token.split(":")[1]):
        assert secret not in text_out
        for p in files:
            assert secret.encode() not in p.read_bytes(), f"{secret[:4]}… found in {p.name}"


def test_a_send_slower_than_the_lease_is_sent_once(data_dir: Path, server: SMTPServer, ca: trustme.CA) -> None:
    """Each SMTP command answered after 0.8 s makes every send take several seconds, far
    longer than a 1 s lease: the heartbeat keeps the lease, so no other worker thread takes
    the work again while it is being sent, and nothing is called "interrupted"."""
    server.script.data_delay = 0.0
    server.script.command_delay = 0.8
    ids = fill(data_dir, 9)
    env = smtp_env(data_dir, server, ca, NOTIFIER_LEASE_SECONDS="1")
    worker = start_worker(data_dir, "--concurrency", "3", "--until-done", "--max-seconds", "90", env=env)
    out, err = worker.communicate(timeout=120)
    assert worker.returncode == 0, err
    got = received_ids(server)
    assert set(got) == set(ids) and max(got.values()) == 1, f"deliveries per notification: {dict(got)}"
    assert "worker stopped" not in out and "interrupted" not in out, out
    with sqlite3.connect(data_dir / "notifier.db") as c:
        outcomes = [o for (o,) in c.execute("select outcome from attempts")]
    assert outcomes == ["delivered"] * len(ids)
