"""The whole chain with real clients against loopback servers: aiosmtpd (STARTTLS + AUTH),
a Twilio imitation and a Bot API imitation. Channels are built by the production factory."""
from __future__ import annotations

import random
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import trustme

from notifier_gui.core.config import Settings
from notifier_gui.core.delivery.channels import build_channels
from notifier_gui.core.delivery.dispatcher import Dispatcher
from notifier_gui.core.delivery.pacing import Pacers
from notifier_gui.core.delivery.policy import Policy
from notifier_gui.core.secrets import CredentialStore
from notifier_gui.core.storage.engine import open_database
from notifier_gui.core.storage.repository import Store

from tests.cli_helpers import ROOT, as_json, env_for, notifier
from tests.servers import twilio
from tests.servers.smtp import PASSWORD, USER, SMTPServer, free_port
from tests.servers.telegram import DEFAULT_TOKEN, FakeTelegram

FAST = Policy(max_tries=3, backoff=(0.05,), jitter=0, round_delay=0.05, round_delay_max=0.1, lifetime=60)
PHONE = "+79161234567"


@pytest.fixture
def smtp(ca: trustme.CA, trust_ca: Path) -> Iterator[SMTPServer]:
    s = SMTPServer(ca).start()
    yield s
    s.stop()


@pytest.fixture
def tw() -> Iterator[twilio.TwilioServer]:
    with twilio.TwilioServer() as server:
        yield server


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


@pytest.fixture
def store(sqlite_db: Path) -> Store:
    return Store(open_database(f"sqlite:///{sqlite_db}"))


def run_chain(store: Store, settings: Settings, policy: Policy = FAST) -> None:
    secrets = CredentialStore({"SMTP_DEFAULT_PASSWORD": PASSWORD, "TWILIO_AUTH_TOKEN": twilio.AUTH_TOKEN,
                               "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN})
    pacers = Pacers(settings.telegram_rate, settings.telegram_chat_rate, settings.sms_rate)
    d = Dispatcher(store, lambda: build_channels(settings, secrets, False, pacers), secrets, policy,
                   concurrency=2, rng=random.Random(1), poll_interval=0.1)
    stop = threading.Event()
    t = threading.Thread(target=d.run, args=(stop,), kwargs={"until_done": True})
    t.start()
    t.join(30)
    stop.set()
    t.join(5)
    assert not t.is_alive()


def settings_for(tmp_path: Path, smtp_port: int, tw: twilio.TwilioServer, tg: FakeTelegram) -> Settings:
    return Settings(data_dir=tmp_path, smtp_host="localhost", smtp_port=smtp_port, smtp_user=USER,
                    from_email="ops@example.org", smtp_timeout=3, sms_provider="twilio",
                    twilio_account_sid=twilio.ACCOUNT_SID, twilio_from=twilio.FROM, twilio_api_base=tw.base_url,
                    telegram_api_base=tg.base_url, sms_rate=100, telegram_rate=100, telegram_chat_rate=100)


def attempts(store: Store, nid: int) -> list[tuple[str, str]]:
    n = store.notification(nid)
    assert n is not None
    return [(a["channel"], a["outcome"]) for a in n["attempts"]]


def test_email_down_goes_to_sms(store: Store, tmp_path: Path, tw: twilio.TwilioServer, tg: FakeTelegram) -> None:
    rid = store.add_recipient("Анна", email="anna@example.org", phone=PHONE, telegram_chat_id=111)
    (nid,) = store.enqueue([rid], "Сервер перегрелся")
    run_chain(store, settings_for(tmp_path, free_port(), tw, tg))  # nothing listens: refused
    assert attempts(store, nid) == [("email", "transient")] * 3 + [("sms", "delivered")]
    assert [m["to"] for m in tw.messages] == [PHONE] and tg.messages == []
    assert store.notification(nid)["delivered_via"] == "sms"  # type: ignore[index]


def test_sms_permanent_goes_to_telegram(store: Store, tmp_path: Path, smtp: SMTPServer,
                                        tw: twilio.TwilioServer, tg: FakeTelegram) -> None:
    tg.add_chat(222)
    rid = store.add_recipient("Bob", phone="+15005550001", telegram_chat_id=222)  # Twilio's magic "invalid To"
    (nid,) = store.enqueue([rid], "<b>not markup</b>", subject="Alert")
    run_chain(store, settings_for(tmp_path, smtp.port, tw, tg))
    assert attempts(store, nid) == [("email", "unavailable"), ("sms", "permanent"), ("telegram", "delivered")]
    assert "21211" in store.notification(nid)["attempts"][1]["detail"]  # type: ignore[index]
    (msg,) = tg.messages
    assert msg.chat_id == 222 and "&lt;b&gt;not markup&lt;/b&gt;" in msg.text


def test_telegram_429_waits_retry_after(store: Store, tmp_path: Path, smtp: SMTPServer,
                                        tw: twilio.TwilioServer, tg: FakeTelegram) -> None:
    tg.add_chat(333)
    tg.fail_next(429, retry_after=1)
    rid = store.add_recipient("Clara", telegram_chat_id=333)
    (nid,) = store.enqueue([rid], "hello", channels=["telegram"])
    run_chain(store, settings_for(tmp_path, smtp.port, tw, tg))
    n = store.notification(nid)
    assert n is not None and [(a["channel"], a["outcome"]) for a in n["attempts"]] == [
        ("telegram", "transient"), ("telegram", "delivered")]
    first_end = datetime.fromisoformat(n["attempts"][0]["finished_at"])
    second_start = datetime.fromisoformat(n["attempts"][1]["started_at"])
    assert (second_start - first_end).total_seconds() >= 1.0


def test_all_permanent_fails_with_one_attempt_per_channel(store: Store, tmp_path: Path, smtp: SMTPServer,
                                                          tw: twilio.TwilioServer, tg: FakeTelegram) -> None:
    smtp.script.rcpt_replies["gone@example.org"] = "550 5.1.1 No such user"
    tg.add_chat(444, blocked=True)
    rid = store.add_recipient("Gone", email="gone@example.org", phone="+15005550001", telegram_chat_id=444)
    (nid,) = store.enqueue([rid], "hello")
    run_chain(store, settings_for(tmp_path, smtp.port, tw, tg))
    assert attempts(store, nid) == [("email", "permanent"), ("sms", "permanent"), ("telegram", "permanent")]
    n = store.notification(nid)
    assert n is not None and n["state"] == "failed"
    assert "Start" in n["attempts"][2]["detail"]


def test_recipient_without_phone_makes_sms_unavailable(store: Store, tmp_path: Path, smtp: SMTPServer,
                                                        tw: twilio.TwilioServer, tg: FakeTelegram) -> None:
    smtp.script.rcpt_replies["x@example.org"] = "550 5.1.1 No such user"
    tg.add_chat(555)
    rid = store.add_recipient("X", email="x@example.org", telegram_chat_id=555)
    (nid,) = store.enqueue([rid], "hello")
    run_chain(store, settings_for(tmp_path, smtp.port, tw, tg))
    assert attempts(store, nid) == [("email", "permanent"), ("sms", "unavailable"), ("telegram", "delivered")]
    assert "no phone" in store.notification(nid)["attempts"][1]["detail"]  # type: ignore[index]


def test_cli_check(data_dir: Path, tg: FakeTelegram) -> None:
    env = env_for(data_dir, TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN, TELEGRAM_API_BASE=tg.base_url,
                  SMTP_HOST="localhost", SMTP_PORT=str(free_port()))
    ok = as_json(notifier(data_dir, "check", "telegram", "--json", env=env))
    assert ok == {"telegram": {"ok": True, "message": ok["telegram"]["message"]}}
    assert "@notifier_test_bot" in ok["telegram"]["message"]
    r = notifier(data_dir, "check", env=env)
    assert r.returncode == 1 and "email" in r.stdout and "FAILED" in r.stdout
    assert DEFAULT_TOKEN.split(":")[1] not in r.stdout + r.stderr


def test_cli_telegram_link_waits_for_start(data_dir: Path, tg: FakeTelegram) -> None:
    env = env_for(data_dir, TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN, TELEGRAM_API_BASE=tg.base_url)
    as_json(notifier(data_dir, "users", "add", "--name", "Анна", "--json", env=env))
    proc = subprocess.Popen([sys.executable, "-m", "notifier_gui.cli", "telegram", "link", "1", "--wait", "20"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    assert proc.stdout is not None
    proc.stdout.readline()
    url = proc.stdout.readline().strip()
    m = re.fullmatch(r"https://t\.me/notifier_test_bot\?start=([A-Za-z0-9_-]{1,64})", url)
    assert m, url
    tg.send_start(987654321, "wrong-payload")
    tg.send_start(987654321, m.group(1))
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "987654321" in out
    people = as_json(notifier(data_dir, "users", "list", "--json", env=env))
    assert people[0]["telegram_chat_id"] == 987654321
