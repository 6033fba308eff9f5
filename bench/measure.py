"""One measurement per process: ``python bench/measure.py TASK '{json args}'``.

Each task prints ``RESULT {json}`` as its last line. bench/run.py starts a fresh process for
every run of every figure, so no run inherits another's heap, caches or threads.

The program is driven only through its public entry points: ``Runtime.open``,
``store.add_recipients``, ``store.enqueue``, ``rt.dispatcher(...).run(stop, until_done=True)``,
``store.counts()``, ``store.notification(id)`` (and, for the window figures, the worker
bridge, the log panel and ``python -m notifier_gui``).
"""
from __future__ import annotations

import json
import os
import shutil
import smtplib
import sqlite3
import ssl
import sys
import tempfile
import threading
import time
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import FROM, ROOT, SMTP_PASSWORD, SMTP_USER, emit, rcpt  # noqa: E402

sys.path.insert(0, str(ROOT))
from notifier_gui.core.config import env_prefixes  # noqa: E402

SUBJECT = "Server room alert"
BODY = "Hello {name}, the server room is above 30 °C. Please check the air conditioning."
_PREFIXES = env_prefixes()  # every setting's, secret's and SMS provider's (the registry's)


# ----------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------
def program_env(data: Path, **settings: Any) -> dict[str, str]:
    """The environment a headless run of the program gets: nothing inherited from a developer's
    own settings, the data in a fresh folder, everything else from ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_PREFIXES)}
    env["NOTIFIER_DATA_DIR"] = str(data)
    env.update({k: str(v) for k, v in settings.items()})
    os.environ.clear()
    os.environ.update(env)  # OpenSSL and friends read the process environment
    return env


def smtp_settings(mode: str, port: int) -> dict[str, Any]:
    s: dict[str, Any] = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "SMTP_USE_SSL": 0,
                         "DEFAULT_FROM_EMAIL": FROM, "NOTIFIER_CHANNELS": "email", "NOTIFIER_SANDBOX": 0}
    if mode == "starttls":
        s.update(SMTP_USE_TLS=1, SMTP_DEFAULT_USER=SMTP_USER, SMTP_DEFAULT_PASSWORD=SMTP_PASSWORD)
    else:
        s.update(SMTP_USE_TLS=0)
    return s


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


class RssSampler:
    """Peak RSS of this process while running, sampled every ``interval`` seconds."""

    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self.peak = rss_mb()
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, rss_mb())

    def __enter__(self) -> RssSampler:
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()
        self.peak = max(self.peak, rss_mb())


def text_name(i: int, personal: bool) -> str:
    """The name in the text: each person's own ({name} filled per recipient), or one text
    for everybody ("there"). Every system, the program and each baseline, gets the same."""
    return f"Person {i}" if personal else "there"


def build_message(i: int, name: str, to: str, body_name: str | None = None) -> EmailMessage:
    """What the baselines send: the same headers and text the program's emails carry."""
    msg = EmailMessage()
    msg["Subject"] = SUBJECT
    msg["From"] = FROM
    msg["To"] = f"{name} <{to}>"
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain="example.org")
    msg["X-Bench-Id"] = str(i)
    msg.set_content(BODY.format(name=name if body_name is None else body_name))
    return msg


def open_smtp(mode: str, port: int) -> smtplib.SMTP:
    conn = smtplib.SMTP("127.0.0.1", port, local_hostname="localhost", timeout=30)
    if mode == "starttls":
        conn.starttls(context=ssl.create_default_context())
        conn.login(SMTP_USER, SMTP_PASSWORD)
    return conn


def profile_gate(a: dict[str, Any]) -> None:
    """With ``go_file`` (the profile section): say the set-up is done, then wait until the
    harness has attached py-spy and created the file, so the profile shows only the run."""
    go = a.get("go_file")
    if not go:
        return
    print(f"PROFILE-READY {os.getpid()}", flush=True)
    deadline = time.monotonic() + 60
    while not os.path.exists(go) and time.monotonic() < deadline:
        time.sleep(0.01)


def _tmp(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))


# ----------------------------------------------------------------------------------------
# baselines
# ----------------------------------------------------------------------------------------
def task_smtplib(a: dict[str, Any]) -> dict[str, Any]:
    """Bare smtplib: ``reuse`` one connection for every message, or a new connection
    (STARTTLS + AUTH) per message. EmailMessage built per message; no database."""
    n, mode, port, reuse = a["n"], a["mode"], a["port"], a["reuse"]
    personal = a.get("personal", True)
    t0 = time.monotonic()
    c0 = time.process_time()
    if reuse:
        conn = open_smtp(mode, port)
        for i in range(n):
            conn.send_message(build_message(i, f"Person {i}", rcpt(i), text_name(i, personal)))
        conn.quit()
    else:
        for i in range(n):
            conn = open_smtp(mode, port)
            conn.send_message(build_message(i, f"Person {i}", rcpt(i), text_name(i, personal)))
            conn.quit()
    return {"t0": t0, "t_client_done": time.monotonic(), "cpu_s": time.process_time() - c0}


def task_apprise(a: dict[str, Any]) -> dict[str, Any]:
    """Apprise: a fresh Apprise object and one notify() per recipient (a reused object is
    throttled between notifications by default). mailtos:// = STARTTLS + AUTH, certificate
    verified with ssl.create_default_context() (so SSL_CERT_FILE = the bench CA); mailto:// =
    plain SMTP."""
    from urllib.parse import quote

    import apprise

    n, mode, port = a["n"], a["mode"], a["port"]
    frm = "bench@example.org"
    if mode == "starttls":
        base = (f"mailtos://{quote(SMTP_USER, safe='')}:{quote(SMTP_PASSWORD, safe='')}@127.0.0.1:{port}"
                f"?mode=starttls&from={frm}")
    else:
        base = f"mailto://127.0.0.1:{port}?mode=insecure&from={frm}&user=&pass="
    failures = 0
    personal = a.get("personal", True)
    t0 = time.monotonic()
    c0 = time.process_time()
    for i in range(n):
        ap = apprise.Apprise()
        ap.add(f"{base}&to={rcpt(i)}&name=Notifier+bench&+X-Bench-Id={i}")
        if not ap.notify(body=BODY.format(name=text_name(i, personal)), title=SUBJECT):
            failures += 1
    return {"t0": t0, "t_client_done": time.monotonic(), "failures": failures,
            "apprise_version": apprise.__version__, "cpu_s": time.process_time() - c0}


def task_celery_produce(a: dict[str, Any]) -> dict[str, Any]:
    """The producer side of the Celery baseline: one task per email (as the web service's
    view did), sent as fast as ``delay()`` goes. The worker is already running."""
    os.environ["BENCH_REDIS_URL"] = a["redis_url"]
    from celery_app import app, send_email

    n, mode, port = a["n"], a["mode"], a["port"]
    with app.connection_for_write() as conn:  # connect before the clock starts
        conn.ensure_connection(max_retries=3)
    t0 = time.monotonic()
    for i in range(n):
        send_email.delay(str(i), rcpt(i), SUBJECT, BODY.format(name=text_name(i, a.get("personal", True))), port,
                         mode == "starttls")
    return {"t0": t0, "t_client_done": time.monotonic()}


def task_celery_ping(a: dict[str, Any]) -> dict[str, Any]:
    os.environ["BENCH_REDIS_URL"] = a["redis_url"]
    from celery_app import app

    deadline = time.monotonic() + a.get("timeout", 60)
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1.0)
        if replies:
            return {"ok": True, "replies": len(replies)}
    return {"ok": False}


def task_ceiling_client(a: dict[str, Any]) -> dict[str, Any]:
    """One of several parallel clients measuring the sink itself: prebuilt message bytes
    over one reused connection (the least client work there is), starting at ``start_at``."""
    n, mode, port, tag = a["n"], a["mode"], a["port"], a["tag"]
    conn = open_smtp(mode, port)
    template = build_message(0, "Person 0", rcpt(0))
    template.replace_header("X-Bench-Id", "@@ID@@")
    blob = template.as_bytes()
    raw = [blob.replace(b"@@ID@@", f"{tag}-{i}".encode()) for i in range(n)]
    late = time.monotonic() - a["start_at"]
    while time.monotonic() < a["start_at"]:
        time.sleep(0.002)
    t_start = time.monotonic()
    for i, data in enumerate(raw):
        conn.sendmail("bench@example.org", [rcpt(i)], data)
    t_done = time.monotonic()
    conn.quit()
    return {"t_start": t_start, "t_client_done": t_done, "late_s": late, "rate": n / (t_done - t_start)}


def task_sqlite_commits(a: dict[str, Any]) -> dict[str, Any]:
    """The cost of one durable commit here: single-row INSERT + COMMIT, WAL, synchronous=FULL
    (the program's settings), with the stdlib sqlite3 module and with SQLAlchemy Core."""
    from sqlalchemy import create_engine, event, text

    n = a["n"]
    d = _tmp("bench-sqlite-")
    try:
        db = sqlite3.connect(d / "raw.db", isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
        t0 = time.perf_counter()
        for i in range(n):
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO t (v) VALUES (?)", (f"row {i}",))
            db.execute("COMMIT")
        raw = n / (time.perf_counter() - t0)
        db.close()

        eng = create_engine(f"sqlite:///{d / 'sa.db'}")

        @event.listens_for(eng, "connect")
        def _pragmas(conn: Any, _rec: Any) -> None:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")

        with eng.begin() as c:
            c.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"))
        t0 = time.perf_counter()
        for i in range(n):
            with eng.begin() as c:
                c.execute(text("INSERT INTO t (v) VALUES (:v)"), {"v": f"row {i}"})
        sa = n / (time.perf_counter() - t0)
        eng.dispose()
        return {"sqlite3_commits_per_s": raw, "sqlalchemy_commits_per_s": sa}
    finally:
        shutil.rmtree(d, ignore_errors=True)


# ----------------------------------------------------------------------------------------
# the program
# ----------------------------------------------------------------------------------------
def _open_runtime(data: Path, **settings: Any) -> Any:
    env = program_env(data, **settings)
    from notifier_gui.core.runtime import Runtime

    return Runtime.open(environ=env, cwd=data)


def task_notifier(a: dict[str, Any]) -> dict[str, Any]:
    """Durable end to end: enqueue ``n`` notifications to distinct recipients (email only),
    then run the dispatcher until done. The clock runs from the enqueue call until
    ``counts()`` shows every notification delivered (every state committed)."""
    import random

    n, mode, port, conc = a["n"], a["mode"], a["port"], a["concurrency"]
    data = _tmp("bench-notifier-")
    try:
        rt = _open_runtime(data, **smtp_settings(mode, port))
        ids = rt.store.add_recipients([{"name": f"Person {i}", "email": rcpt(i)} for i in range(n)])
        stop = threading.Event()
        profile_gate(a)
        personal = a.get("personal", False)
        t0 = time.monotonic()
        c0 = time.process_time()
        # As compose and `notifier send` queue a text with {name}: one filled text per person.
        bodies = [BODY.format(name=text_name(i, True)) for i in range(n)] if personal else None
        nids = rt.store.enqueue(ids, BODY.format(name="there"), subject=SUBJECT, bodies=bodies,
                                default_channels=rt.settings.channels, queued_by="bench")
        t_enqueued = time.monotonic()
        rt.dispatcher(on_event=None, concurrency=conc).run(stop, until_done=True)
        t_run = time.monotonic()
        cpu = time.process_time() - c0
        counts = rt.store.counts()
        t_end = time.monotonic()
        sample = [rt.store.notification(i) for i in random.Random(1).sample(nids, min(5, len(nids)))]
        ok = counts["delivered"] == n and all(s and s["state"] == "delivered" for s in sample)
        attempts = [len(s["attempts"]) for s in sample if s]
        rt.close()
        return {"t0": t0, "t_enqueued": t_enqueued, "t_run_done": t_run, "t_end": t_end, "counts": counts,
                "ok": ok, "sample_attempts": attempts, "cpu_s": cpu}
    finally:
        shutil.rmtree(data, ignore_errors=True)


def task_enqueue(a: dict[str, Any]) -> dict[str, Any]:
    """10,000 notifications through one ``store.enqueue`` call (the compose/CLI path)."""
    n = a["n"]
    data = _tmp("bench-enqueue-")
    try:
        rt = _open_runtime(data, NOTIFIER_SANDBOX=1, NOTIFIER_CHANNELS="email,sms,telegram")
        ids = rt.store.add_recipients([{"name": f"Person {i}", "email": rcpt(i)} for i in range(n)])
        bodies = [BODY.format(name=f"Person {i}") for i in range(n)]
        t0 = time.perf_counter()
        nids = rt.store.enqueue(ids, BODY, subject=SUBJECT, default_channels=rt.settings.channels,
                                queued_by="bench", bodies=bodies)
        dt = time.perf_counter() - t0
        counts = rt.store.counts()
        rt.close()
        return {"seconds": dt, "per_s": n / dt, "ok": len(nids) == n and counts["queued"] == n}
    finally:
        shutil.rmtree(data, ignore_errors=True)


def task_pacing(a: dict[str, Any]) -> dict[str, Any]:
    """1,000 Telegram messages to 1,000 chats against the loopback Bot API imitation
    (tests/servers/telegram.py) enforcing ``server_rate`` messages/s with 429 + retry_after."""
    sys.path.insert(0, str(ROOT))
    from tests.servers.telegram import DEFAULT_TOKEN, FakeTelegram

    n, rate, bound = a["n"], a["rate"], a["bound"]
    fake = FakeTelegram(rate_limit=a["server_rate"]).start()
    data = _tmp("bench-pacing-")
    try:
        chats = [5_000_000_000 + i for i in range(n)]
        for i, c in enumerate(chats):
            fake.add_chat(c, first_name=f"Person {i}")
        rt = _open_runtime(data, TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN, TELEGRAM_API_BASE=fake.base_url,
                           NOTIFIER_CHANNELS="telegram", NOTIFIER_SANDBOX=0, TELEGRAM_RATE=rate)
        ids = rt.store.add_recipients([{"name": f"Person {i}", "telegram_chat_id": c} for i, c in enumerate(chats)])
        stop = threading.Event()
        disp = rt.dispatcher(on_event=None)
        t0 = time.monotonic()
        nids = rt.store.enqueue(ids, BODY.format(name="there"), subject=SUBJECT,
                                default_channels=rt.settings.channels, queued_by="bench")
        worker = threading.Thread(target=disp.run, args=(stop,), kwargs={"until_done": True}, daemon=True)
        worker.start()
        worker.join(bound)
        finished = not worker.is_alive()
        if not finished:
            stop.set()
            worker.join(60)
        t_end = time.monotonic()
        counts = rt.store.counts()
        calls = fake.calls_of("sendMessage")
        msgs = fake.messages
        per_chat: dict[int, int] = {}
        for m in msgs:
            per_chat[m.chat_id] = per_chat.get(m.chat_id, 0) + 1
        times = sorted(m.time for m in msgs)
        achieved = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 and times[-1] > times[0] else None
        # the busiest sliding second the server saw (accepted messages)
        busiest, j = 0, 0
        for i, t in enumerate(times):
            while times[j] <= t - 1.0:
                j += 1
            busiest = max(busiest, i - j + 1)
        waiting = []
        if counts["delivered"] < n:
            from datetime import datetime

            now = datetime.now().astimezone()
            for nid in nids:
                info = rt.store.notification(nid)
                if info and info["state"] == "queued" and info["next_attempt_at"]:
                    at = datetime.fromisoformat(info["next_attempt_at"])
                    if at.tzinfo is None:
                        at = at.astimezone()
                    waiting.append(round((at - now).total_seconds(), 1))
        rt.close()
        return {
            "finished": finished, "seconds": t_end - t0, "counts": counts,
            "last_accepted_s": (times[-1] - t0) if times else None, "waiting_next_attempt_in_s": sorted(waiting),
            "delivered_at_server": len(msgs), "chats_reached": len(per_chat),
            "duplicates": sum(v - 1 for v in per_chat.values() if v > 1),
            "missing": n - len(per_chat),
            "calls": len(calls), "status_429": sum(1 for c in calls if c.status == 429),
            "other_errors": sum(1 for c in calls if c.status not in (200, 429)),
            "achieved_rate": achieved, "overall_rate": len(msgs) / (t_end - t0),
            "busiest_second": busiest, "configured_rate": rate, "server_rate": a["server_rate"],
            "cpu_s": sum(os.times()[:2]),
        }
    finally:
        fake.stop()
        shutil.rmtree(data, ignore_errors=True)


def task_scale(a: dict[str, Any]) -> dict[str, Any]:
    """Sandbox throughput with ``n`` notifications in the queue: time until the first
    ``k`` are delivered (all of them when k == n), and the process RSS meanwhile."""
    from notifier_gui.core.delivery.dispatcher import NotificationUpdated

    n, k = a["n"], a["k"]
    data = _tmp("bench-scale-")
    try:
        rt = _open_runtime(data, NOTIFIER_SANDBOX=1, NOTIFIER_CHANNELS="email")
        people = 1000
        rids = rt.store.add_recipients([{"name": f"Person {i}", "email": rcpt(i)} for i in range(people)])
        t0 = time.perf_counter()
        rt.store.enqueue([rids[i % people] for i in range(n)], BODY, subject=SUBJECT,
                         default_channels=rt.settings.channels, queued_by="bench")
        enqueue_s = time.perf_counter() - t0
        rss_before = rss_mb()
        delivered = [0]
        lock = threading.Lock()
        done = threading.Event()
        stop = threading.Event()

        def on_event(e: Any) -> None:
            if isinstance(e, NotificationUpdated) and e.state == "delivered":
                with lock:
                    delivered[0] += 1
                    if delivered[0] >= k:
                        done.set()

        disp = rt.dispatcher(on_event=on_event)
        profile_gate(a)
        with RssSampler() as sampler:
            t0 = time.perf_counter()
            worker = threading.Thread(target=disp.run, args=(stop,), kwargs={"until_done": k >= n}, daemon=True)
            worker.start()
            done.wait(a.get("bound", 300))
            t_k = time.perf_counter()
            stop.set()
            worker.join(60)
        got = delivered[0]
        counts = rt.store.counts()
        rt.close()
        return {"n": n, "k": k, "delivered": got, "seconds": t_k - t0, "per_s": got / (t_k - t0),
                "enqueue_s": enqueue_s, "rss_before_mb": rss_before, "rss_peak_mb": sampler.peak,
                "rss_after_mb": rss_mb(), "counts": counts, "ok": got >= k}
    finally:
        shutil.rmtree(data, ignore_errors=True)


# ----------------------------------------------------------------------------------------
# the window
# ----------------------------------------------------------------------------------------
class GapTicker:
    """A 5 ms QTimer that records the gaps between its ticks: the GUI event loop's stalls.

    On Linux it also splits every gap over 30 ms with the GUI thread's scheduler statistics
    (/proc/thread-self/schedstat): its own CPU time, the time it was ready to run but waited
    for a core (the run queue), and the rest (blocked: the GIL, a lock, an idle wait)."""

    SLOW_MS = 30

    def __init__(self) -> None:
        from PySide6.QtCore import QElapsedTimer, QTimer

        self.gaps: list[float] = []
        self.slow = [0, 0.0, 0.0, 0.0]  # gaps over SLOW_MS: count, their ms, GUI CPU ms, run-queue ms
        self._sched: tuple[int, int] | None = None
        self._clock = QElapsedTimer()
        self._last = 0
        self._timer = QTimer()
        self._timer.setInterval(5)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._clock.start()
        self._last = self._clock.elapsed()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = self._clock.elapsed()
        gap = now - self._last
        self.gaps.append(gap)
        self._last = now
        sched = _schedstat()
        if sched is not None and self._sched is not None and gap > self.SLOW_MS:
            s = self.slow
            s[0] += 1
            s[1] += gap
            s[2] += (sched[0] - self._sched[0]) / 1e6
            s[3] += (sched[1] - self._sched[1]) / 1e6
        self._sched = sched

    def summary(self) -> dict[str, Any]:
        g = self.gaps
        n, total, cpu, queued = self.slow
        return {"max_gap_ms": max(g) if g else None, "ticks": len(g),
                "p99_gap_ms": sorted(g)[int(len(g) * 0.99)] if g else None,
                "slow_gaps": n, "slow_gaps_ms": round(total), "slow_gaps_gui_cpu_ms": round(cpu),
                "slow_gaps_run_queue_ms": round(queued)}


def _schedstat() -> tuple[int, int] | None:
    """The calling thread's CPU time and run-queue wait so far, in ns (Linux), else None."""
    try:
        with open("/proc/thread-self/schedstat", encoding="ascii") as f:
            cpu, queued, _ = f.read().split()
        return int(cpu), int(queued)
    except (OSError, ValueError):
        return None


def _events(n: int) -> list[Any]:
    """The same attempt events as tests/ui/test_log.py's flood: started + finished per attempt."""
    from datetime import datetime, timedelta, timezone

    from notifier_gui.core.delivery.dispatcher import AttemptFinished, AttemptStarted

    t0 = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
    out: list[Any] = []
    for i in range(1, n + 1):
        t = t0 + timedelta(seconds=i)
        out.append(AttemptStarted(i, i, f"Person {i % 50}", "email", t))
        outcome = ("delivered", "transient", "permanent")[i % 3]
        out.append(AttemptFinished(i, i, f"Person {i % 50}", "email", outcome, f"detail {i % 7}", t,
                                   t + timedelta(milliseconds=120)))
    return out


def task_window_flood(a: dict[str, Any]) -> dict[str, Any]:
    """``n`` attempts (2n events) pushed through WorkerBridge.push from a producer thread as
    fast as it goes (releasing the GIL every 1,000 events, as the dispatcher threads do on
    every commit) into a shown LogPanel, offscreen. A 5 ms QTimer measures the largest gap
    in the GUI event loop. Then the log model alone is fed the same events under
    tracemalloc, for the memory its rows cost."""
    import asyncio
    import gc
    import tracemalloc

    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    n = a["n"]
    data = _tmp("bench-window-")
    try:
        rt = _open_runtime(data, NOTIFIER_SANDBOX=1, QT_QPA_PLATFORM="offscreen")
        import qasync
        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QApplication

        from notifier_gui.ui.context import AppContext
        from notifier_gui.ui.log.model import AttemptLogModel
        from notifier_gui.ui.log.panel import LogPanel
        from notifier_gui.ui.tasks import Tasks
        from notifier_gui.ui.worker import WorkerBridge

        app = QApplication([sys.argv[0]])
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        tasks = Tasks(loop)
        bridge = WorkerBridge(lambda sink: rt.dispatcher(sink))
        ctx = AppContext(rt, tasks, bridge, QSettings(str(data / "ui-state.ini"), QSettings.Format.IniFormat))
        panel = LogPanel(ctx)
        panel.resize(1000, 400)
        panel.show()
        panel.load_history()  # the window at the newest end, where live rows enter
        bridge.start()  # the real dispatcher (sandbox, empty queue) + the batching timer
        batch = _events(n)
        gc.collect()
        gc.freeze()  # test scaffolding, as the app freezes its own start-up heap
        rss0 = rss_mb()

        def producer() -> None:
            for i, e in enumerate(batch):
                bridge.push(e)
                if i % 1000 == 999:
                    time.sleep(0.001)

        ticker = GapTicker()
        model = panel.model

        async def run() -> float:
            await asyncio.sleep(0.3)  # let the window settle (first paint, history load)
            ticker.start()
            t = threading.Thread(target=producer)
            started = time.perf_counter()
            t.start()
            deadline = started + 120
            while time.perf_counter() < deadline:
                # Newest first, within its row budget: done when attempt n is shown finished.
                if model.rowCount() and model.attempt_id_at(0) == n and model.outcome_at(0) != "sending":
                    break
                await asyncio.sleep(0.01)
            elapsed = time.perf_counter() - started
            t.join()
            ticker.stop()
            return elapsed

        with loop:
            elapsed = loop.run_until_complete(run())
        rows = model.rowCount()
        rss_after = rss_mb()
        bridge.stop()
        tasks.shutdown()
        gc.unfreeze()

        # The model alone, under tracemalloc: bytes its 100k rows hold (events already exist).
        from notifier_gui.core.storage.history import LogQuery

        m2 = AttemptLogModel()
        m2.reset(LogQuery(), [], at_newest=True, at_oldest=True)
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for i in range(0, len(batch), 2000):
            m2.apply(batch[i:i + 2000])
        gc.collect()
        model_bytes = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        rt.close()
        return {"n": n, "rows": rows, "seconds": elapsed, **ticker.summary(),
                "model_mb": model_bytes / 2**20, "rss_delta_mb": rss_after - rss0, "ok": rows == min(n, model.budget) and model.attempt_id_at(0) == n}
    finally:
        shutil.rmtree(data, ignore_errors=True)


def task_api_window_stall(a: dict[str, Any]) -> dict[str, Any]:
    """The window with its REST API on (ApiControl, as Settings → API starts it: Uvicorn on
    its own thread, the delivery worker running in sandbox mode; both with their threads'
    priority lowered as the window does, ui/thread_priority.py) and its delivery log shown,
    while ``bench/api_load.py`` posts ``rate`` notifications a second for ``seconds``
    (open loop, 50 connections). A 5 ms QTimer measures the largest gap in the GUI event
    loop meanwhile; the API's answers and its p99 come from the load client. ``worker``
    False leaves the delivery worker stopped: the API's own share of the stall."""
    import asyncio
    import json as _json

    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    data = _tmp("bench-api-window-")
    token = "bench-api-token-0123456789"
    try:
        rt = _open_runtime(data, NOTIFIER_SANDBOX=1, QT_QPA_PLATFORM="offscreen", NOTIFIER_API=1, NOTIFIER_API_PORT=0,
                           NOTIFIER_API_RATE=0, NOTIFIER_API_TOKEN=token, NOTIFIER_LOG_LEVEL="WARNING")
        rid = rt.store.add_recipient("Person", email="user@example.com")
        import qasync
        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QApplication

        from notifier_gui.ui.api_control import ApiControl
        from notifier_gui.ui.context import AppContext
        from notifier_gui.ui.log.panel import LogPanel
        from notifier_gui.ui.tasks import Tasks
        from notifier_gui.ui.worker import WorkerBridge

        app = QApplication([sys.argv[0]])
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        tasks = Tasks(loop)
        bridge = WorkerBridge(lambda sink: rt.dispatcher(sink))
        ctx = AppContext(rt, tasks, bridge, QSettings(str(data / "ui-state.ini"), QSettings.Format.IniFormat))
        panel = LogPanel(ctx)
        panel.resize(1000, 400)
        panel.show()
        panel.load_history()
        if a.get("worker", True):  # False: the API's own share (nothing delivers the queued rows)
            bridge.start()
        control = ApiControl(rt, tasks, bridge)
        # Garbage collection as the window has it (app.py): on the GUI thread from a timer,
        # the start-up heap frozen out of it.
        import gc

        from notifier_gui.ui.gc_guard import GuiThreadGarbageCollector

        collector = GuiThreadGarbageCollector(app, restore_automatic=True)
        gc.freeze()
        ticker = GapTicker()

        async def run() -> dict[str, Any]:
            control.apply()
            for _ in range(3000):  # until the API serves (bounded)
                if control.applied:
                    break
                await asyncio.sleep(0.01)
            if not control.address:
                return {"error": f"the API did not start: {control.error}"}
            port = int(control.address.rsplit(":", 1)[1])
            cfg = {"port": port, "clients": 50, "seconds": a["seconds"], "rate": a["rate"],
                   "path": "/api/notifications/", "body": {"user_id": rid, "message": "Hello via SMTP!"},
                   "headers": {"Authorization": f"Token {token}"}}
            await asyncio.sleep(0.3)  # let the window settle
            ticker.start()
            proc = await asyncio.create_subprocess_exec(
                sys.executable, str(Path(__file__).parent / "api_load.py"), _json.dumps(cfg),
                stdout=asyncio.subprocess.PIPE, cwd=str(Path(__file__).parent))
            out, _ = await proc.communicate()
            ticker.stop()
            for line in reversed(out.decode().splitlines()):
                if line.startswith("RESULT "):
                    return dict(_json.loads(line[7:]))
            return {"error": f"the load client exited with {proc.returncode}"}

        with loop:
            load = loop.run_until_complete(run())
            control.stop()
        bridge.stop()
        tasks.shutdown()
        collector.stop()
        gc.unfreeze()
        rt.close()
        # The machine's 1-minute load average: the stall is mostly waiting for a core when
        # other work shares the cores (GapTicker's run-queue figures).
        return {"load": load, **ticker.summary(), "loadavg": os.getloadavg()[0],
                "ok": bool(ticker.gaps) and bool(load.get("ok"))}
    finally:
        shutil.rmtree(data, ignore_errors=True)


def task_build_startup_db(a: dict[str, Any]) -> dict[str, Any]:
    """A database with ``n`` delivered notifications and ``n`` attempts for the start-up figure.

    ``template`` notifications go through the program for real (sandbox dispatcher, so every
    row is one the program wrote itself); their rows are then copied with SQL (``n / template``
    times, ids shifted, attempts pointing at the copies) because running 100,000 sandbox
    deliveries would take minutes. Columns are read from the schema, so the copy follows
    whatever the migrations create.
    """
    n, template, out = a["n"], a["template"], Path(a["out"])
    out.mkdir(parents=True, exist_ok=True)
    rt = _open_runtime(out, NOTIFIER_SANDBOX=1, NOTIFIER_CHANNELS="email")
    rids = rt.store.add_recipients([{"name": f"Person {i}", "email": rcpt(i)} for i in range(template)])
    rt.store.enqueue(rids, BODY, subject=SUBJECT, default_channels=rt.settings.channels, queued_by="bench")
    rt.dispatcher(on_event=None).run(threading.Event(), until_done=True)
    counts = rt.store.counts()
    rt.close()
    db = sqlite3.connect(out / "notifier.db", isolation_level=None)
    try:
        cols = {t: [r[1] for r in db.execute(f"PRAGMA table_info({t})")] for t in ("notifications", "attempts")}
        ncols = ", ".join(c for c in cols["notifications"] if c != "id")
        acols = [c for c in cols["attempts"] if c not in ("id",)]
        asel = ", ".join("notification_id + :off" if c == "notification_id" else c for c in acols)
        unique = {c for c in cols["notifications"] if c == "dedupe_key"}
        nsel = ", ".join(("NULL" if c in unique else c) for c in cols["notifications"] if c != "id")
        copies = n // template
        db.execute("BEGIN")
        for c in range(1, copies):
            off = c * template
            db.execute(f"INSERT INTO notifications (id, {ncols}) SELECT id + :off, {nsel} FROM notifications "
                       f"WHERE id <= :k", {"off": off, "k": template})
            db.execute(f"INSERT INTO attempts ({', '.join(acols)}) SELECT {asel} FROM attempts "
                       f"WHERE notification_id <= :k ORDER BY id", {"off": off, "k": template})
        db.execute("COMMIT")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        nn = db.execute("SELECT count(*) FROM notifications").fetchone()[0]
        na = db.execute("SELECT count(*) FROM attempts").fetchone()[0]
    finally:
        db.close()
    shutil.rmtree(out / "outbox", ignore_errors=True)
    return {"notifications": nn, "attempts": na, "template_counts": counts,
            "db_mb": (out / "notifier.db").stat().st_size / 2**20}


TASKS = {name[5:]: fn for name, fn in globals().items() if name.startswith("task_")}


def main() -> None:
    name = sys.argv[1]
    args = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    emit(TASKS[name](args))


if __name__ == "__main__":
    main()
