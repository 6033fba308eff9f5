"""The `api` section: POST /api/notifications/ under load, Notifier against the original
architecture (bench/api_baseline: Django + DRF + Celery/Redis on gunicorn, SQLite).

Both sides commit each notification durably before answering 201 (Notifier: WAL +
synchronous=FULL, group commits shared between requests; Django: SQLite's default
rollback journal, synchronous=FULL, one commit per request) and neither runs a delivery
worker meanwhile (Celery's tasks wait in Redis; Notifier's rows wait in the queue), so the
figures are the request path alone. Load: bench/api_load.py, one client process.
"""
from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import BENCH, RedisServer, free_port, stop_pid

TOKEN = "bench-api-token-0123456789"
BODY = {"user_id": 1, "message": "Hello via SMTP!"}
TARGET_RPS, TARGET_RATIO, TARGET_P99_MS, OPEN_RATE = 2000, 3.0, 50, 500


def _wait_port(port: int, proc: subprocess.Popen[Any], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with status {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port} after {timeout:.0f} s")


def _post(port: int, path: str, body: dict[str, Any], headers: dict[str, str]) -> int:
    import http.client
    import json

    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("POST", path, json.dumps(body), {"Content-Type": "application/json", **headers})
    status = c.getresponse().status
    c.close()
    return status


class Side:
    """One server under test: start, seed one user, stop."""

    name = ""
    headers: dict[str, str] = {}

    def __init__(self, bench: Any, folder: Path) -> None:
        self.bench, self.folder = bench, folder
        self.port = free_port()
        self.proc: subprocess.Popen[Any] | None = None

    def _load(self, clients: int, seconds: float, rate: float) -> dict[str, Any]:
        import json

        from common import run_json

        cfg = {"port": self.port, "clients": clients, "seconds": seconds, "rate": rate,
               "path": "/api/notifications/", "body": BODY, "headers": self.headers}
        return run_json([sys.executable, str(BENCH / "api_load.py"), json.dumps(cfg)],
                        self.bench.child_env(), seconds + 120, cwd=BENCH)

    def stop(self) -> None:
        if self.proc is not None:
            stop_pid(self.proc, timeout=20, group=True)
            self.proc = None


class NotifierSide(Side):
    name = "Notifier (FastAPI + Uvicorn, one process)"
    headers = {"Authorization": f"Token {TOKEN}"}

    def start(self) -> None:
        data = self.folder / "notifier-data"
        env = self.bench.child_env(NOTIFIER_DATA_DIR=str(data), NOTIFIER_SANDBOX="1", NOTIFIER_API_RATE="0",
                                   NOTIFIER_API_TOKEN=TOKEN, NOTIFIER_LOG_LEVEL="WARNING")
        self.proc = subprocess.Popen([sys.executable, str(BENCH / "api_serve_only.py"), str(self.port)], env=env,
                                     stdout=subprocess.DEVNULL, stderr=open(self.folder / "notifier.log", "w"),
                                     start_new_session=True, cwd=str(BENCH))
        _wait_port(self.port, self.proc)
        status = _post(self.port, "/api/users/", {"email": "user@example.com"}, self.headers)
        if status != 201:
            raise RuntimeError(f"Notifier answered {status} to POST /api/users/")


class BaselineSide(Side):
    name = "original: Django + DRF + Celery/Redis, gunicorn"

    def __init__(self, bench: Any, folder: Path, redis: RedisServer, workers: int) -> None:
        super().__init__(bench, folder)
        self.redis, self.workers = redis, workers

    def start(self) -> None:
        site = BENCH / "api_baseline"
        env = self.bench.child_env(BASELINE_DB=str(self.folder / "baseline.sqlite3"), BASELINE_REDIS_URL=self.redis.url,
                                   DJANGO_SETTINGS_MODULE="baseline_site.settings", PYTHONPATH=str(site))
        subprocess.run([sys.executable, "-m", "django", "migrate", "--run-syncdb", "-v", "0"], env=env, check=True,
                       cwd=str(site), capture_output=True)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}",
             "--log-level", "warning", "baseline_site.wsgi:application"],
            env=env, cwd=str(site), stdout=subprocess.DEVNULL, stderr=open(self.folder / "gunicorn.log", "w"),
            start_new_session=True)
        _wait_port(self.port, self.proc)
        status = _post(self.port, "/api/users/", {"email": "user@example.com"}, {})
        if status != 201:
            raise RuntimeError(f"the baseline answered {status} to POST /api/users/")


def section_api(bench: Any) -> None:
    a = bench.args
    clients, seconds = 50, float(os.environ.get("BENCH_API_SECONDS", "10"))
    workers = 2 * (os.cpu_count() or 1) + 1
    if shutil.which("redis-server") is None:
        bench.skip("api baseline", "redis-server is not installed (Debian: apt-get install redis-server)")
    redis = RedisServer() if shutil.which("redis-server") else None
    raw: dict[str, list[Any]] = {"notifier": [], "baseline": [], "notifier_open": [], "baseline_open": []}
    try:
        for r in range(a.runs):
            folder = bench.tmp / f"api-run{r}"
            folder.mkdir(parents=True, exist_ok=True)
            sides: list[tuple[str, Side]] = [("notifier", NotifierSide(bench, folder))]
            if redis is not None:
                sides.append(("baseline", BaselineSide(bench, folder, redis, workers)))
            for key, side in sides:
                side.start()
                try:
                    side._load(clients, 2, 0)  # warm-up: imports, first connections, page cache
                    closed = side._load(clients, seconds, 0)
                    opened = side._load(clients, seconds, OPEN_RATE)
                finally:
                    side.stop()
                raw[key].append(closed)
                raw[f"{key}_open"].append(opened)
                bench_log(f"api run {r + 1} {side.name}: {closed.get('per_s', 0):.0f} req/s "
                          f"(p99 {closed.get('p99_ms') or 0:.1f} ms, statuses {closed.get('statuses')}, "
                          f"errors {closed.get('errors')}); at {OPEN_RATE}/s p99 {opened.get('p99_ms') or 0:.1f} ms"
                          f"{'' if opened.get('rate_sustained') else ' (rate NOT sustained: ' + str(opened.get('unsent')) + ' never sent)'}")
    finally:
        if redis is not None:
            redis.stop()
    bench.raw["api"] = raw
    n = [x.get("per_s") for x in raw["notifier"] if x.get("ok")]
    b = [x.get("per_s") for x in raw["baseline"] if x.get("ok")]
    med = statistics.median(n) if n else None
    bench.row("api", f"POST /api/notifications/, {clients} keep-alive clients, durable: Notifier", "req/s", n,
              target=f">= {TARGET_RPS:,}", met=(med >= TARGET_RPS) if med else None)
    if b:
        bench.row("api", f"POST /api/notifications/, {clients} clients: Django + DRF + Celery/Redis, gunicorn "
                  f"{workers} sync workers", "req/s", b)
        ratios = [x / y for x, y in zip(n, b) if y]
        rmed = statistics.median(ratios) if ratios else None
        bench.row("api", "ratio Notifier / original architecture (paired per run)", "x", ratios,
                  target=f">= {TARGET_RATIO:g}", met=(rmed >= TARGET_RATIO) if rmed else None)
    p99 = [x.get("p99_ms") for x in raw["notifier_open"] if x.get("ok")]
    pmed = statistics.median(p99) if p99 else None
    sustained = all(x.get("rate_sustained") for x in raw["notifier_open"])
    bench.row("api", f"p99 latency at {OPEN_RATE} req/s (open loop): Notifier", "ms", p99,
              target=f"< {TARGET_P99_MS}", met=(pmed < TARGET_P99_MS and sustained) if pmed else None,
              note="" if sustained else "the rate was not sustained (requests left unsent)")
    bp99 = [x.get("p99_ms") for x in raw["baseline_open"] if x.get("ok")]
    if bp99:
        bench.row("api", f"p99 latency at {OPEN_RATE} req/s (open loop): original architecture", "ms", bp99)
    _window_stall(bench, seconds)


def _window_stall(bench: Any, seconds: float) -> None:
    """The window's largest GUI event-loop stall while its API takes OPEN_RATE requests/s:
    with the delivery worker running (the window as an operator has it: every queued row
    is also delivered, in sandbox mode, and shown in the log), and with it stopped (the
    API's own share)."""
    try:
        import PySide6  # noqa: F401
    except ImportError as exc:
        bench.skip("api window stall", f"PySide6 is not importable: {exc}")
        return
    env = bench.child_env(QT_QPA_PLATFORM="offscreen")
    for worker, label in ((True, "worker delivering them (sandbox), log shown"),
                          (False, "worker stopped: the API's own share")):
        runs = []
        for r in range(bench.args.runs):
            res = bench.measure("api_window_stall", {"seconds": seconds, "rate": OPEN_RATE, "worker": worker}, env,
                                timeout=seconds + 180)
            runs.append(res)
            load = res.get("load") or {}
            bench_log(f"api window run {r + 1} ({label}): largest stall {res.get('max_gap_ms')} ms, "
                      f"p99 gap {res.get('p99_gap_ms')} ms, {_slow(res)}; API p99 {load.get('p99_ms') or 0:.1f} ms, "
                      f"statuses {load.get('statuses')}{'' if res.get('ok') else ' FAILED ' + str(res)[:500]}")
        bench.raw.setdefault("api_window", {})[str(worker)] = runs
        ok = [x for x in runs if x.get("ok")]
        gaps = [x["max_gap_ms"] for x in ok]
        med = statistics.median(gaps) if gaps else None
        bench.row("api", f"window: largest GUI event-loop stall at {OPEN_RATE} req/s to its API, {label}", "ms", gaps,
                  target=f"< {TARGET_P99_MS}", met=(med < TARGET_P99_MS) if med is not None else None,
                  note=f"5 ms ticker; p99 gap {statistics.median([x['p99_gap_ms'] for x in ok]):.0f} ms; API p99 "
                       f"{statistics.median([x['load']['p99_ms'] for x in ok]):.0f} ms; load average "
                       f"{min(x['loadavg'] for x in ok):.1f}–{max(x['loadavg'] for x in ok):.1f}" if ok else "")


def _slow(res: dict[str, Any]) -> str:
    """The gaps over 30 ms and how much of them the GUI thread waited for a core (Linux)."""
    n, total, queued = res.get("slow_gaps", 0), res.get("slow_gaps_ms", 0), res.get("slow_gaps_run_queue_ms", 0)
    share = f", {100 * queued / total:.0f} % of it waiting for a core" if total else ""
    return f"{n} gaps over 30 ms ({total} ms{share}), load average {res.get('loadavg', 0):.1f}"


def bench_log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)
