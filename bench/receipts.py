#!/usr/bin/env python3
"""What polling delivery reports costs: 10,000 outstanding SMS receipts, none confirming
(the worst case: every one stays outstanding the whole time), accepted evenly over the last
600 s (SMS_CONFIRM_TIMEOUT: that is how 10,000 come to be outstanding at once), polled by the program's
ReceiptPoller with its production settings (a sweep every 15 s, each message first asked
after 15 s, then after gaps doubling up to 2 min) against the loopback imitations of Twilio
and SMS.ru, each in a process of its own so its CPU is not counted.

Reports per provider: the poller process's CPU time over the wall time (% of one core),
the status requests per second (peak over any 1 s window, and mean) against the provider's
limit, and the most requests in flight at once.

    .venv/bin/python bench/receipts.py                 # 10,000 receipts, 60 s per provider
    .venv/bin/python bench/receipts.py --count 2000 --seconds 20
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, update  # noqa: E402

from notifier_gui.core.config import Settings  # noqa: E402
from notifier_gui.core.delivery.channels import build_channels  # noqa: E402
from notifier_gui.core.delivery.pacing import Pacers  # noqa: E402
from notifier_gui.core.delivery.receipts import ReceiptPoller  # noqa: E402
from notifier_gui.core.secrets import CredentialStore  # noqa: E402
from notifier_gui.core.storage.engine import open_database  # noqa: E402
from notifier_gui.core.storage.repository import Store  # noqa: E402
from notifier_gui.core.storage.schema import ATTEMPTS, NOTIFICATIONS  # noqa: E402

# The server side: an imitation filled with ``count`` accepted messages, in its own process;
# it logs the time of every status request (to count the rate the provider sees).
SERVER = r'''
import json, sys, time, threading
sys.path.insert(0, sys.argv[1])
kind, count = sys.argv[2], int(sys.argv[3])
stamps = []
if kind == "twilio":
    from tests.servers import twilio as m
    server = m.TwilioServer().start()
    for i in range(count):
        server.create_message({"To": f"+7916{i:07d}", "From": m.FROM, "Body": "x"}, m.ACCOUNT_SID)
    ids = [x["sid"] for x in server.messages]
    original = server.fetch_message
    def fetch(sid):
        stamps.append(time.monotonic())
        return original(sid)
    server.fetch_message = fetch
else:
    from tests.servers import smsru as m
    server = m.SmsRuServer(balance=10 ** 9).start()
    for i in range(count):
        server.send({"to": f"7916{i:07d}", "msg": "x"})
    ids = [x["sms_id"] for x in server.messages]
    old_answer = server.answer
    def answer(path, p):
        if path == "/sms/status":
            stamps.append(time.monotonic())
        return old_answer(path, p)
    server.answer = answer
for phone in [x.get("to") for x in server.messages]:
    server.reports.set(phone if phone.startswith("+") else "+" + phone, "never")
print(json.dumps({"url": server.base_url, "ids": ids}), flush=True)
sys.stdin.readline()
print(json.dumps(stamps), flush=True)
'''

LIMITS = {"twilio": 1.0, "smsru": 1.0}  # the program's own pace (README); Twilio: one request at a time


def fill(store: Store, channel_ids: list[str]) -> None:
    """``len(channel_ids)`` notifications waiting for the delivery report of an accepted SMS."""
    rids = store.add_recipients({"name": f"R{i}", "phone": f"+7916{i:07d}"} for i in range(len(channel_ids)))
    nids = store.enqueue(rids, "hello", channels=["sms"])
    now = store.clock()
    step = 600.0 / len(channel_ids)  # accepted evenly over the last SMS_CONFIRM_TIMEOUT (~17 SMS/s for 10,000)
    with store.engine.begin() as conn:
        for i, (nid, pid) in enumerate(zip(nids, channel_ids)):
            at = now - timedelta(seconds=600.0 - i * step)
            aid = conn.execute(insert(ATTEMPTS).values(
                notification_id=nid, channel="sms", started_at=at, finished_at=at, outcome="accepted",
                detail="", provider_message_id=pid, round_no=0, try_no=1).returning(ATTEMPTS.c.id)).scalar_one()
            conn.execute(update(NOTIFICATIONS).where(NOTIFICATIONS.c.id == nid).values(
                awaiting_attempt_id=aid, next_attempt_at=now + timedelta(hours=1)))


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def one(kind: str, count: int, seconds: float, sweep: float, first_gap: float) -> dict[str, Any]:
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(ROOT), kind, str(count)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None and server.stdin is not None
        info = json.loads(server.stdout.readline())
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(open_database(f"sqlite:///{Path(tmp) / 'n.db'}"))
            fill(store, info["ids"])
            if kind == "twilio":
                from tests.servers import twilio as m
                settings = Settings(data_dir=Path(tmp), sms_provider="twilio", twilio_account_sid=m.ACCOUNT_SID,
                                    twilio_from=m.FROM, twilio_api_base=info["url"])
                secrets = CredentialStore({"TWILIO_AUTH_TOKEN": m.AUTH_TOKEN})
            else:
                from tests.servers import smsru as m2
                settings = Settings(data_dir=Path(tmp), sms_provider="smsru", smsru_api_base=info["url"])
                secrets = CredentialStore({"SMSRU_API_ID": m2.API_ID})
            pacers = Pacers()
            in_flight = [0, 0]  # now, most
            lock = threading.Lock()

            def channels() -> dict[str, Any]:
                built = build_channels(settings, secrets, False, pacers)
                sms = built["sms"]
                fetch = sms.fetch_receipts

                def counted(ids: Any) -> Any:
                    with lock:
                        in_flight[0] += 1
                        in_flight[1] = max(in_flight)
                    try:
                        return fetch(ids)
                    finally:
                        with lock:
                            in_flight[0] -= 1

                sms.fetch_receipts = counted  # type: ignore[method-assign]
                return built

            # Accepted a while ago: the first looks are due at once (the busiest start).
            poller = ReceiptPoller(store, channels, sweep=sweep, first_gap=first_gap, max_gap=120.0)
            stop = threading.Event()
            t = threading.Thread(target=poller.run, args=(stop,))
            c0, w0 = cpu(), time.monotonic()
            t.start()
            time.sleep(seconds)
            stop.set()
            t.join()
            used, wall = cpu() - c0, time.monotonic() - w0
            store.engine.dispose()
        server.stdin.write("\n")
        server.stdin.flush()
        stamps = json.loads(server.stdout.readline())
    finally:
        server.kill()
        server.wait()
    stamps.sort()
    peak = 0
    j = 0
    for i, s in enumerate(stamps):  # most requests in any 1 s window
        while stamps[j] <= s - 1.0:  # a half-open second (s - 1, s]
            j += 1
        peak = max(peak, i - j + 1)
    asked = poller.requests * (100 if kind == "smsru" else 1)
    return {"provider": kind, "outstanding": count, "seconds": round(wall, 1),
            "cpu_percent_of_a_core": round(100 * used / wall, 2), "status_requests": len(stamps),
            "requests_per_second_mean": round(len(stamps) / wall, 2), "requests_in_any_second_max": peak,
            "pace_limit_per_second": LIMITS[kind], "most_in_flight": in_flight[1],
            "message_looks": asked}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--only", default="twilio,smsru")
    a = ap.parse_args()
    results = [one(kind, a.count, a.seconds, sweep=15.0, first_gap=0.0) for kind in a.only.split(",")]
    out = ROOT / "bench" / "results" / "receipts-latest.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    for r in results:
        print(json.dumps(r))


if __name__ == "__main__":
    main()
