"""The orchestrator behind bench/run.py: servers, runs, ratios, the table and the JSON.

Runs inside bench/.venv. Every measurement is a fresh ``bench/measure.py`` process; servers
(SMTP sink, redis-server, the Celery worker) are started here, on 127.0.0.1, and stopped by
PID in ``finally`` blocks.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from api_section import section_api
from common import (
    BENCH,
    FROM,
    ROOT,
    SMTP_PASSWORD,
    SMTP_USER,
    CeleryWorker,
    RedisServer,
    SinkProcess,
    make_certs,
    run_json,
    stop_pid,
    summary,
)

sys.path.insert(0, str(ROOT))
from notifier_gui.core.config import env_prefixes  # noqa: E402

PY = sys.executable
MEASURE = str(BENCH / "measure.py")
_PREFIXES = (*env_prefixes(), "BENCH_")

PACING_B_BOUND = 100.0
TARGETS = {
    "ratio_smtplib": 0.5, "ratio_smtplib_personal": 0.9, "cpu_smtplib_personal": 1.5, "ratio_celery": 2.0, "ratio_apprise": 3.0, "enqueue": 20_000,
    "pacing_fraction": 0.90, "stall_ms": 50, "model_mb": 20, "startup_s": 0.5,
    # history section (issue 14): ratios against the 1,000-attempt database of the same run
    "h_startup_ratio": 1.3, "h_rss_ratio": 1.3, "h_first_page_ms": 100, "h_filter_ms": 200, "h_stall_ms": 50,
    "h_tick_ms": 2, "h_queue_s": 0.5, "h_recipients_shown_s": 0.5, "h_recipients_search_ms": 100, "h_cli_ratio": 1.5,
}
HISTORY = BENCH / "history.py"
CACHE = BENCH / ".cache"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="notifier-bench-"))
        self.rows: list[dict[str, Any]] = []
        self.raw: dict[str, Any] = {}
        self.skipped: list[dict[str, str]] = []
        self.notes: list[str] = []
        self.modes = [m.strip() for m in args.tls.split(",") if m.strip()]
        self.concurrencies = [int(c) for c in args.concurrency.split(",") if c.strip()]
        home = self.tmp / "home"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(_PREFIXES)}
        self.env.update({
            # No developer settings, no real keyring, no writes to the real home.
            "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
            "XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_CACHE_HOME": str(home / "cache"), "PYTHONUNBUFFERED": "1",
        })

    # -- bookkeeping ------------------------------------------------------------------
    def child_env(self, **extra: str) -> dict[str, str]:
        env = dict(self.env)
        env.update(extra)
        return env

    def skip(self, what: str, reason: str) -> None:
        self.skipped.append({"what": what, "reason": reason})
        log(f"SKIPPED {what}: {reason}")

    def row(self, section: str, figure: str, unit: str, values: list[float], *, target: str = "",
            met: bool | None = None, note: str = "") -> dict[str, Any]:
        s = summary(values)
        r = {"section": section, "figure": figure, "unit": unit, **s, "target": target, "met": met, "note": note}
        self.rows.append(r)
        return r

    def measure(self, task: str, args: dict[str, Any], env: dict[str, str], timeout: float = 600) -> dict[str, Any]:
        return run_json([PY, MEASURE, task, json.dumps(args)], env, timeout)

    # -- delivery: sink, baselines, the program ----------------------------------------
    def section_smtp(self) -> None:
        a = self.args
        n = a.messages
        certs = make_certs(self.tmp / "certs")
        env = self.child_env(SSL_CERT_FILE=str(certs.ca_file))
        log("starting the SMTP sink (own process)")
        sink = SinkProcess(PY, certs, self.tmp / "sink.log")
        redis: RedisServer | None = None
        celery: CeleryWorker | None = None
        cenv = env
        try:
            self.raw["sink_ceiling"] = {}
            for mode in self.modes:
                rates, cpus = [], []
                for r in range(a.runs):
                    rate, cpu = self.sink_ceiling(sink, env, mode)
                    rates.append(rate)
                    cpus.append(cpu)
                    log(f"sink ceiling {mode} run {r + 1}: {rate:.0f} msg/s, sink CPU {cpu * 100:.0f}%")
                self.raw["sink_ceiling"][mode] = {"rates": rates, "sink_cpu": cpus}
                self.row("delivery", f"[{mode}] sink ceiling: 4 parallel smtplib client processes, prebuilt bytes, reused conns",
                         "msg/s", rates, note=f"sink CPU {statistics.median(cpus) * 100:.0f}% of one core")

            try:
                redis = RedisServer()
                cenv = dict(env, BENCH_REDIS_URL=redis.url, BENCH_SMTP_USER=SMTP_USER,
                            BENCH_SMTP_PASSWORD=SMTP_PASSWORD, BENCH_FROM=FROM)
                log(f"redis-server {redis.version} on 127.0.0.1:{redis.port} (no persistence); starting the Celery "
                    f"worker (prefork, concurrency {a.celery_concurrency})")
                celery = CeleryWorker(PY, cenv, a.celery_concurrency, self.tmp / "celery.log")
                ping = self.measure("celery_ping", {"redis_url": redis.url, "timeout": 60}, cenv, 120)
                if not ping.get("ok"):
                    raise RuntimeError(f"the Celery worker did not answer ping: {ping}; log: {self.tmp / 'celery.log'}")
                for mode in self.modes:  # warm the pool children (imports, first connections)
                    sink.reset()
                    self.measure("celery_produce", {"n": 40, "mode": mode, "port": sink.ports[mode],
                                                    "redis_url": redis.url}, cenv)
                    sink.wait(40, 60)
            except FileNotFoundError as exc:
                self.skip("Celery + Redis baseline", str(exc))
                if redis:
                    redis.stop()
                redis = None
            except Exception as exc:
                self.skip("Celery + Redis baseline", f"could not be started: {exc}")
                if celery:
                    celery.stop()
                if redis:
                    redis.stop()
                celery = redis = None

            systems: list[tuple[str, str, dict[str, Any], dict[str, str]]] = [
                ("smtplib", "bare smtplib, 1 reused connection", {"reuse": True}, env),
                ("smtplib_newconn", "bare smtplib, new connection per message", {"reuse": False}, env),
            ]
            if celery and redis:
                systems.append(("celery", f"Celery 5 + Redis, prefork c={a.celery_concurrency}, 1 task + 1 connection "
                                          "per email", {"redis_url": redis.url}, cenv))
            systems.append(("apprise", "Apprise, fresh Apprise() + notify() per recipient", {}, env))
            for c in self.concurrencies:
                systems.append((f"notifier_c{c}", f"Notifier (durable), concurrency {c}", {"concurrency": c}, env))

            # Two texts, the same for every system: one text for everybody, and a text with
            # {name} filled per recipient (the program then gets one text per notification,
            # so its serialised-once message cache cannot help it).
            cases = {"same": "one text for all", "personal": "{name} per recipient"}
            results: dict[str, dict[str, dict[str, list[dict[str, Any]]]]] = {
                m: {c: {s[0]: [] for s in systems} for c in cases} for m in self.modes}
            for r in range(a.runs):
                for mode in self.modes:
                    for case in cases:
                        for key, label, extra, senv in systems:
                            res = self.deliver(sink, senv, key, mode, n, dict(extra, personal=case == "personal"))
                            results[mode][case][key].append(res)
                            if res.get("rate"):
                                log(f"run {r + 1} [{mode}, {cases[case]}] {label}: {res['rate']:.0f} msg/s "
                                    f"(sink CPU {res['sink_cpu'] * 100:.0f}%"
                                    + (f", {res['cpu_s'] / n * 1000:.1f} CPU-s/1000" if res.get("cpu_s") else "") + ")")
                            else:
                                log(f"run {r + 1} [{mode}] {label}: FAILED {json.dumps(res)[:600]}")
            self.raw["delivery"] = results
            for mode in self.modes:
                labels = {s[0]: s[1] for s in systems}
                for case, case_label in cases.items():
                    tag = f"[{mode}, {case_label}]"
                    for key, label, _, _ in systems:
                        runs = results[mode][case][key]
                        cpu = [x["sink_cpu"] for x in runs if x.get("rate")]
                        note = f"sink CPU {statistics.median(cpu) * 100:.0f}%" if cpu else "; ".join(
                            str(x.get("error"))[:200] for x in runs if not x.get("rate"))
                        if key == "apprise" and runs and runs[0].get("apprise_version"):
                            note += (f"; apprise {runs[0]['apprise_version']}, "
                                     + ("mailtos:// STARTTLS+AUTH, CA trusted via SSL_CERT_FILE (verified)"
                                        if mode == "starttls" else "mailto:// plain"))
                        self.row("delivery", f"{tag} {label}", "msg/s", [x.get("rate") for x in runs], note=note)
                        per_k = [x["cpu_s"] / n * 1000 for x in runs if x.get("rate") and x.get("cpu_s")]
                        if per_k:  # the client process's own CPU (all its threads); Celery's is in its workers
                            self.row("delivery", f"{tag} {label}: client CPU", "CPU-s/1000", per_k,
                                     note="process CPU time per 1,000 messages")
                    for c in self.concurrencies:
                        prog = f"notifier_c{c}"
                        for base, tkey in (("smtplib", "ratio_smtplib"), ("celery", "ratio_celery"),
                                           ("apprise", "ratio_apprise")):
                            if base not in results[mode][case]:
                                continue
                            pairs = list(zip(results[mode][case][prog], results[mode][case][base]))
                            ratios = [p["rate"] / b["rate"] for p, b in pairs if p.get("rate") and b.get("rate")]
                            med = statistics.median(ratios) if ratios else None
                            target = TARGETS[tkey] if mode == "starttls" else None
                            if case == "personal" and base == "smtplib":
                                target = TARGETS["ratio_smtplib_personal"] if mode == "starttls" else None
                            self.row("delivery", f"{tag} Notifier c={c} / {labels[base].split(',')[0]}", "x", ratios,
                                     target=f">= {target}" if target else "",
                                     met=(med >= target) if (target and med is not None) else None,
                                     note="paired per run")
                            if base == "smtplib":
                                cpus = [p["cpu_s"] / b["cpu_s"] for p, b in pairs
                                        if p.get("rate") and b.get("rate") and p.get("cpu_s") and b.get("cpu_s")]
                                cmed = statistics.median(cpus) if cpus else None
                                ctarget = TARGETS["cpu_smtplib_personal"] if case == "personal" else None
                                self.row("delivery", f"{tag} Notifier c={c} CPU per message / bare smtplib", "x", cpus,
                                         target=f"<= {ctarget}" if ctarget else "",
                                         met=(cmed <= ctarget) if (ctarget and cmed is not None) else None,
                                         note="client process CPU, paired per run")
        finally:
            if celery:
                celery.stop()
            if redis:
                redis.stop()
            sink.stop()

    def sink_ceiling(self, sink: SinkProcess, env: dict[str, str], mode: str, clients: int = 4,
                     per: int = 1500) -> tuple[float, float]:
        sink.reset()
        start_at = time.monotonic() + 3.0
        procs = [subprocess.Popen([PY, MEASURE, "ceiling_client", json.dumps(
            {"n": per, "mode": mode, "port": sink.ports[mode], "tag": f"c{k}", "start_at": start_at})],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for k in range(clients)]
        try:
            time.sleep(max(0.0, start_at - time.monotonic() - 0.05))
            cpu0 = sink.stats()["cpu_s"]
            st = sink.wait(clients * per, 120)
        finally:
            outs = [self._collect(p, 120) for p in procs]
        if st["count"] < clients * per:
            raise RuntimeError(f"sink ceiling: only {st['count']} of {clients * per} messages arrived")
        late = [o.get("late_s", 0.0) for o in outs]
        if max(late) > 0:
            log(f"sink ceiling: a client was {max(late):.2f} s late for the common start; figure is low")
        wall = st["last"] - start_at
        return st["count"] / wall, (st["cpu_s"] - cpu0) / wall

    def deliver(self, sink: SinkProcess, env: dict[str, str], key: str, mode: str, n: int,
                extra: dict[str, Any]) -> dict[str, Any]:
        sink.reset()
        args = {"n": n, "mode": mode, "port": sink.ports[mode], **extra}
        task = {"smtplib_newconn": "smtplib", "celery": "celery_produce"}.get(key, key.split("_c")[0])
        res = self.measure(task, args, env, timeout=600)
        if "error" in res:
            return res
        st = sink.wait(n, 180)
        out = dict(res)
        out["sink"] = st
        if st["count"] != n or st["distinct"] != n or st["duplicates"]:
            out["error"] = (f"the sink counted {st['count']} messages, {st['distinct']} distinct ids, "
                            f"{st['duplicates']} duplicates (expected {n})")
            return out
        if key.startswith("notifier") and not res.get("ok"):
            out["error"] = f"not every notification is delivered in the database: {res.get('counts')}"
            return out
        end = max(st["last"], res.get("t_end", 0.0))
        out["seconds"] = end - res["t0"]
        out["rate"] = n / out["seconds"]
        out["sink_cpu"] = st["cpu_s"] / out["seconds"]
        return out

    # -- storage ----------------------------------------------------------------------
    def section_enqueue(self) -> None:
        vals, runs = [], []
        for r in range(self.args.runs):
            res = self.measure("enqueue", {"n": 10_000}, self.child_env())
            runs.append(res)
            if res.get("ok"):
                vals.append(res["per_s"])
                log(f"enqueue run {r + 1}: 10,000 in {res['seconds']:.3f} s = {res['per_s']:.0f}/s")
            else:
                log(f"enqueue run {r + 1} FAILED: {json.dumps(res)[:600]}")
        self.raw["enqueue"] = runs
        med = statistics.median(vals) if vals else None
        self.row("storage", "enqueue 10,000 notifications, one store.enqueue call", "notif/s", vals,
                 target=f">= {TARGETS['enqueue']:,}", met=(med >= TARGETS["enqueue"]) if med else None)

    def section_sqlite(self) -> None:
        raw, sa, runs = [], [], []
        for r in range(self.args.runs):
            res = self.measure("sqlite_commits", {"n": 2000}, self.child_env())
            runs.append(res)
            if "error" in res:
                log(f"sqlite commits run {r + 1} FAILED: {json.dumps(res)[:600]}")
                continue
            raw.append(res["sqlite3_commits_per_s"])
            sa.append(res["sqlalchemy_commits_per_s"])
            log(f"single-row commits run {r + 1}: sqlite3 {raw[-1]:.0f}/s, SQLAlchemy {sa[-1]:.0f}/s")
        self.raw["sqlite"] = runs
        self.row("storage", "single-row commits, WAL + synchronous=FULL, stdlib sqlite3 (context)", "commits/s", raw)
        self.row("storage", "single-row commits, WAL + synchronous=FULL, SQLAlchemy Core (context)", "commits/s", sa)

    # -- pacing -----------------------------------------------------------------------
    def section_pacing(self) -> None:
        a = self.args
        scenarios = [("a", 25.0, 90.0), ("b", 60.0, PACING_B_BOUND)]
        env = self.child_env()
        jobs = [(key, rate, bound) for key, rate, bound in scenarios for _ in range(a.runs)]

        def start(rate: float, bound: float) -> subprocess.Popen[str]:
            args = {"n": 1000, "rate": rate, "server_rate": 30, "bound": bound}
            return subprocess.Popen([PY, MEASURE, "pacing", json.dumps(args)], env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True, cwd=str(ROOT))

        log(f"pacing: {len(jobs)} runs of 1,000 Telegram messages "
            + ("side by side (rate-bound: a few % CPU each)" if a.pacing_parallel else "one after another"))
        if a.pacing_parallel:
            procs = [start(rate, bound) for _, rate, bound in jobs]
            outcomes = [self._collect(p, 400) for p in procs]
        else:
            outcomes = [self._collect(start(rate, bound), 400) for _, rate, bound in jobs]
        results: dict[str, list[dict[str, Any]]] = {"a": [], "b": []}
        for (key, rate, _), res in zip(jobs, outcomes):
            results[key].append(res)
            if "error" in res:
                log(f"pacing ({key}) FAILED: {json.dumps(res)[:800]}")
            else:
                log(f"pacing ({key}) TELEGRAM_RATE={rate:g}: {res['delivered_at_server']} delivered in "
                    f"{res['seconds']:.1f} s, achieved {res['achieved_rate'] or 0:.2f}/s, 429s {res['status_429']}, "
                    f"duplicates {res['duplicates']}, missing {res['missing']}, counts {res['counts']}, "
                    f"CPU {res.get('cpu_s', 0):.1f} s")
        self.raw["pacing"] = results
        ok_a = [x for x in results["a"] if "error" not in x]
        frac = [x["achieved_rate"] / x["configured_rate"] for x in ok_a if x["achieved_rate"]]
        r429 = [x["status_429"] for x in ok_a]
        med = statistics.median(frac) if frac else None
        self.row("pacing", "(a) TELEGRAM_RATE=25 vs server limit 30/s: achieved / configured rate", "fraction", frac,
                 target=f">= {TARGETS['pacing_fraction']}", met=(med >= TARGETS["pacing_fraction"]) if med else None,
                 note=f"achieved {statistics.median([x['achieved_rate'] for x in ok_a]):.2f}/s" if ok_a else "")
        self.row("pacing", "(a) TELEGRAM_RATE=25: 429 answers provoked", "count", r429, target="0",
                 met=(max(r429) == 0) if r429 else None)
        self.row("pacing", "(a) TELEGRAM_RATE=25: total time for 1,000", "s", [x["seconds"] for x in ok_a])
        ok_b = [x for x in results["b"] if "error" not in x]
        self.row("pacing", "(b) TELEGRAM_RATE=60 (above the server's 30/s): 429 answers", "count",
                 [x["status_429"] for x in ok_b])
        self.row("pacing", "(b) TELEGRAM_RATE=60: achieved rate at the server while delivering", "msg/s",
                 [x["achieved_rate"] for x in ok_b if x["achieved_rate"]])
        self.row("pacing", "(b) TELEGRAM_RATE=60: time to the last accepted message", "s",
                 [x["last_accepted_s"] for x in ok_b if x["last_accepted_s"]])
        once = [x["duplicates"] == 0 and x["counts"]["delivered"] == x["delivered_at_server"]
                and x["counts"]["delivered"] + x["counts"]["queued"] + x["counts"]["sending"] == 1000 for x in ok_b]
        self.row("pacing", "(b) TELEGRAM_RATE=60: none lost, none duplicated (server vs database)", "runs ok",
                 [1.0 if c else 0.0 for c in once], target="every run", met=all(once) if once else None)
        done = [x["counts"]["delivered"] == 1000 for x in ok_b]
        late = [f"run {i + 1}: {x['counts']['delivered']} delivered, {x['counts']['queued']} queued for a new round "
                f"in {min(x['waiting_next_attempt_in_s'] or [0]):.0f}-{max(x['waiting_next_attempt_in_s'] or [0]):.0f} s"
                for i, x in enumerate(ok_b) if x["counts"]["delivered"] < 1000]
        self.row("pacing", f"(b) TELEGRAM_RATE=60: all 1,000 delivered within {PACING_B_BOUND:.0f} s", "runs ok",
                 [1.0 if d else 0.0 for d in done], target="every run", met=all(done) if done else None,
                 note="; ".join(late))

    def _collect(self, p: subprocess.Popen[str], timeout: float) -> dict[str, Any]:
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            stop_pid(p)
            return {"error": "timed out"}
        for line in reversed(out.splitlines()):
            if line.startswith("RESULT "):
                return json.loads(line[7:])
        return {"error": f"exit {p.returncode}", "stderr": err[-2000:]}

    # -- the window -------------------------------------------------------------------
    def section_window(self) -> None:
        try:
            import PySide6  # noqa: F401
        except ImportError as exc:
            self.skip("window figures", f"PySide6 is not importable: {exc}")
            return
        a = self.args
        env = self.child_env(QT_QPA_PLATFORM="offscreen")
        floods = []
        for r in range(a.runs):
            res = self.measure("window_flood", {"n": 100_000}, env, timeout=300)
            floods.append(res)
            if res.get("ok"):
                log(f"window flood run {r + 1}: 100,000 attempts in {res['seconds']:.2f} s, largest stall "
                    f"{res['max_gap_ms']:.0f} ms, model {res['model_mb']:.1f} MB (tracemalloc), RSS +{res['rss_delta_mb']:.1f} MB")
            else:
                log(f"window flood run {r + 1} FAILED: {json.dumps(res)[:800]}")
        self.raw["window_flood"] = floods
        ok = [x for x in floods if x.get("ok")]
        gaps = [x["max_gap_ms"] for x in ok]
        mb = [x["model_mb"] for x in ok]
        self.row("window", "100,000 attempts through WorkerBridge -> LogPanel: largest event-loop stall", "ms", gaps,
                 target=f"< {TARGETS['stall_ms']}", met=(statistics.median(gaps) < TARGETS["stall_ms"]) if gaps else None,
                 note=f"5 ms ticker; p99 gap {statistics.median([x['p99_gap_ms'] for x in ok]):.0f} ms; "
                      f"all rows in {statistics.median([x['seconds'] for x in ok]):.2f} s" if ok else "")
        self.row("window", "log model memory after 100,000 attempts (tracemalloc, model alone; it keeps its 1,000-row budget)", "MB", mb,
                 target=f"< {TARGETS['model_mb']}", met=(statistics.median(mb) < TARGETS["model_mb"]) if mb else None)
        self.row("window", "process RSS growth during the 100,000-attempt flood (whole window)", "MB",
                 [x["rss_delta_mb"] for x in ok])

        log("building a 100,000-attempt database for the start-up figure")
        db_dir = self.tmp / "startup-db"
        built = self.measure("build_startup_db", {"n": 100_000, "template": 1000, "out": str(db_dir)},
                             self.child_env(), timeout=600)
        self.raw["startup_db"] = built
        if "error" in built:
            self.skip("start-up with a 100,000-attempt database", f"building the database failed: {built}")
            return
        log(f"database: {built['notifications']} notifications, {built['attempts']} attempts, {built['db_mb']:.1f} MB")
        # Bytecode as an installed program has it: pip compiles .pyc files at install time and
        # the frozen build ships them. With PYTHONDONTWRITEBYTECODE set (as on this machine) an
        # editable checkout would otherwise be compiled from source on every start.
        subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "notifier_gui")], check=False,
                       stdout=subprocess.DEVNULL, env=dict(self.child_env(), PYTHONDONTWRITEBYTECODE=""))
        variants = (
            ("100,000-attempt database", db_dir, {"NOTIFIER_SANDBOX": "1"}, True),
            ("100,000-attempt database, live mode (SMTP configured)", db_dir,
             {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": "9"}, False),
            ("empty data folder", None, {"NOTIFIER_SANDBOX": "1"}, False),
        )
        for label, source, extra, judged in variants:
            times, walls = [], []
            for r in range(a.runs + 1):  # the first run warms the page cache; not counted
                data = self.tmp / f"startup-{r}-{abs(hash(label))}"
                data.mkdir()
                if source:
                    shutil.copy2(source / "notifier.db", data / "notifier.db")
                s, wall, err = self.startup(data, extra)
                shutil.rmtree(data, ignore_errors=True)
                if s is None:
                    log(f"start-up ({label}) FAILED: {err}")
                    continue
                if r == 0:
                    continue
                times.append(s)
                walls.append(wall)
                log(f"start-up ({label}) run {r}: window shown {s:.3f} s after process start")
            self.raw.setdefault("startup", {})[label] = {"shown_s": times, "process_wall_s": walls}
            med = statistics.median(times) if times else None
            self.row("window", f"start-up to window shown, {label} (offscreen)", "s", times,
                     target=f"< {TARGETS['startup_s']}" if judged else "",
                     met=(med < TARGETS["startup_s"]) if (judged and med is not None) else None,
                     note="python -m notifier_gui --quit-after 0.2, bytecode compiled; first run discarded (warm-up)")

    def startup(self, data: Path, extra: dict[str, str]) -> tuple[float | None, float, str]:
        env = self.child_env(NOTIFIER_DATA_DIR=str(data), QT_QPA_PLATFORM="offscreen", **extra)
        t = time.monotonic()
        try:
            p = subprocess.run([PY, "-m", "notifier_gui", "--quit-after", "0.2"], env=env, cwd=str(data),
                               capture_output=True, text=True, timeout=90)
        except subprocess.TimeoutExpired:
            return None, 0.0, "timed out after 90 s"
        wall = time.monotonic() - t
        m = re.search(r"startup: window shown ([\d.]+) s", p.stdout)
        if not m:
            return None, wall, f"exit {p.returncode}: {p.stdout[-500:]} {p.stderr[-1500:]}"
        return float(m.group(1)), wall, ""

    # -- scale ------------------------------------------------------------------------
    def section_scale(self) -> None:
        a = self.args
        per_n: dict[int, list[dict[str, Any]]] = {}
        for n in (1_000, 10_000, 100_000):
            k = min(n, a.scale_k)
            per_n[n] = []
            for r in range(a.runs):
                res = self.measure("scale", {"n": n, "k": k, "bound": 300}, self.child_env(), timeout=900)
                per_n[n].append(res)
                if res.get("ok"):
                    log(f"scale {n:,} queued, first {k:,} delivered (sandbox) run {r + 1}: {res['per_s']:.0f}/s, "
                        f"RSS peak {res['rss_peak_mb']:.0f} MB (enqueue {res['enqueue_s']:.1f} s)")
                else:
                    log(f"scale {n:,} run {r + 1} FAILED: {json.dumps(res)[:800]}")
        self.raw["scale"] = {str(k): v for k, v in per_n.items()}
        base = base_rss = None
        for n, runs in per_n.items():
            ok = [x for x in runs if x.get("ok")]
            k = min(n, a.scale_k)
            what = f"all {n:,}" if k == n else f"first {k:,} of {n:,}"
            vals = [x["per_s"] for x in ok]
            med = statistics.median(vals) if vals else None
            if base is None:
                base = med
            rel = f"{med / base:.2f}x the 1,000 figure" if (med and base) else ""
            self.row("scale", f"sandbox throughput, {n:,} queued ({what} delivered)", "notif/s", vals,
                     target="flat" if n > 1000 else "", met=(med >= 0.8 * base) if (med and base and n > 1000) else None,
                     note=rel)
            rss = [x["rss_peak_mb"] for x in ok]
            rss_med = statistics.median(rss) if rss else None
            if base_rss is None:
                base_rss = rss_med
            # "Flat": within 25 % of the 1,000 figure (SQLite's page cache and the larger
            # indexes add a little; holding the queue or the enqueue's rows would add tens of MB).
            self.row("scale", f"peak RSS while dispatching, {n:,} queued", "MB", rss,
                     target="flat" if n > 1000 else "",
                     met=(rss_med <= 1.25 * base_rss) if (rss_med and base_rss and n > 1000) else None,
                     note=f"{rss_med / base_rss:.2f}x the 1,000 figure" if (rss_med and base_rss) else "")

    # -- profile ----------------------------------------------------------------------
    def section_profile(self) -> None:
        """py-spy on two runs of the program, attached after their set-up: the end-to-end
        email run (STARTTLS, first concurrency) and the sandbox run with 100,000 queued."""
        spy = shutil.which("py-spy", path=str(Path(PY).parent)) or shutil.which("py-spy")
        if not spy:
            self.skip("profile", "py-spy is not installed in bench/.venv")
            return
        certs = make_certs(self.tmp / "certs-profile")
        env = self.child_env(SSL_CERT_FILE=str(certs.ca_file))
        sink = SinkProcess(PY, certs, self.tmp / "sink-profile.log")
        out = Path(self.args.results)
        out.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        c = self.concurrencies[0]
        mode = self.modes[0]
        jobs = [
            (f"email-{mode}-c{c}", f"the program end to end, {self.args.messages} emails, {mode}, concurrency {c}",
             "notifier", {"n": self.args.messages, "mode": mode, "port": sink.ports[mode], "concurrency": c,
                          "personal": True}),
            ("sandbox-100k", "sandbox dispatcher with 100,000 queued, first 3,000 delivered", "scale",
             {"n": 100_000, "k": 3000, "bound": 300}),
        ]
        try:
            for name, title, task, args in jobs:
                texts = []
                for view, flags in (("threads", []), ("gil", ["--gil"])):
                    sink.reset()
                    raw = out / f"profile-{stamp}-{name}-{view}.collapsed.txt"
                    text = self._profile_one(spy, flags, raw, task, args, env)
                    if text is None:
                        return
                    what = ("every thread that is not idle (includes threads blocked in C calls: socket reads, "
                            "fsync, lock waits)" if view == "threads" else
                            "only the thread holding the GIL (where Python CPU time goes)")
                    texts.append(f"### {title}\n### py-spy view: {what}\n{text}")
                path = out / f"profile-{stamp}-{name}.summary.txt"
                path.write_text("\n".join(texts))
                self.notes.append(f"profile: {title}: {path.name} (+ collapsed stacks beside it)")
                print("\n".join(texts), flush=True)
        finally:
            sink.stop()

    def _profile_one(self, spy: str, flags: list[str], raw: Path, task: str, args: dict[str, Any],
                     env: dict[str, str]) -> str | None:
        go = self.tmp / f"go-{raw.stem}"
        proc = subprocess.Popen([PY, MEASURE, task, json.dumps({**args, "go_file": str(go)})], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(ROOT))
        spy_proc = None
        try:
            line = proc.stdout.readline() if proc.stdout else ""
            if not line.startswith("PROFILE-READY"):
                self.skip("profile", f"the measured process did not get ready: {line!r}")
                return None
            spy_proc = subprocess.Popen([spy, "record", "-r", "250", "-f", "raw", *flags, "-o", str(raw),
                                         "--pid", str(proc.pid)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)
            time.sleep(1.0)  # let py-spy attach
            go.touch()
            res = self._collect(proc, 900)
            spy_out, spy_err = spy_proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                stop_pid(proc)
            if spy_proc is not None and spy_proc.poll() is None:
                stop_pid(spy_proc)
        if "error" in res:
            self.skip("profile", f"the profiled run failed: {json.dumps(res)[:500]}")
            return None
        if not raw.exists():
            self.skip("profile", f"py-spy wrote nothing: {spy_err[-500:]}")
            return None
        return profile_summary(raw.read_text())

    # -- history: a year of it (issue 14) ----------------------------------------------------
    def history_db(self, notifications: int, recipients: int) -> Path:
        """A database of ``notifications`` (2 attempts each), built once and cached."""
        # Keyed by the migrations too: a schema change means a new database.
        import hashlib

        versions = ROOT / "notifier_gui" / "core" / "storage" / "migrations" / "versions"
        schema = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(versions.glob("*.py")))).hexdigest()[:8]
        folder = CACHE / f"history-{notifications}-{recipients}-{schema}"
        if not (folder / "notifier.db").exists() or not (folder / "built.json").exists():
            log(f"building a {notifications:,}-notification / {2 * notifications:,}-attempt database (cached in {folder})")
            res = run_json([PY, str(HISTORY), "build", json.dumps(
                {"notifications": notifications, "recipients": recipients, "out": str(folder)})],
                self.child_env(), timeout=7200)
            if "error" in res or not res.get("attempts"):
                raise RuntimeError(f"building the history database failed: {json.dumps(res)[:800]}")
            (folder / "built.json").write_text(json.dumps(res))
        built = json.loads((folder / "built.json").read_text())
        log(f"history database {folder.name}: {built['attempts']:,} attempts, {built['db_mb']:.0f} MB "
            f"(bulk insert {built['insert_s']:.0f} s, upgrade to the current schema {built['upgrade_s']:.0f} s)")
        self.raw.setdefault("history_build", {})[folder.name] = built
        return folder

    def section_history(self) -> None:
        a = self.args
        big_n = a.history_n
        big = self.history_db(big_n, 10_000)  # the desk: 10,000 recipients
        small = self.history_db(500, 1_000)
        people = self.history_db(500, 100_000)  # the recipients page's figures
        prunable = self.history_db(100_000, 1_000)  # prune beside a worker (copied per run)
        env = self.child_env(QT_QPA_PLATFORM="offscreen")

        def task(name: str, args: dict[str, Any], timeout: float = 900) -> dict[str, Any]:
            res = run_json([PY, str(HISTORY), name, json.dumps(args)], env, timeout)
            if "error" in res:
                log(f"history {name} FAILED: {json.dumps(res)[:800]}")
            return res

        raw: dict[str, Any] = {"log": [], "tick": [], "startup": [], "queue": [], "recipients": [], "picker": [],
                               "cli": []}
        for r in range(a.runs):
            pair = {}
            for label, folder, n in (("small", small, 500), ("big", big, big_n)):
                pair[label] = task("log", {"data": str(folder), "person": "Anna Smirnova 10", "nid": n // 2,
                                           "day": "2026-06-01"})
            raw["log"].append(pair)
            raw["tick"].append({lab: task("status_tick", {"data": str(f)}) for lab, f in (("small", small), ("big", big))})
            # Interleaved, the first of each discarded (page cache), the median of three kept.
            starts: dict[str, list[float]] = {"small": [], "big": []}
            for i in range(4):
                for lab, f in (("small", small), ("big", big)):
                    shown = self.startup(f, {"NOTIFIER_SANDBOX": "1"})[0]
                    if i and shown is not None:
                        starts[lab].append(shown)
            raw["startup"].append({lab: statistics.median(v) if v else None for lab, v in starts.items()})
            raw["queue"].append(task("queue", {"data": str(big), "n": 5000}))
            raw["recipients"].append(task("recipients", {"data": str(people), "recipients": 100_000, "words": [
                "smirnova 1", "anna", "ivan petrov", "smirnova", "91612"]}))
            raw["picker"].append(task("picker", {"data": str(people), "words": ["anna", "smirnova 10", "916", "zzz"]}))
            raw["cli"].append(self.cli_startup())
            raw.setdefault("prune", []).append(task("prune_worker", {"data": str(prunable), "queued": 3000, "days": 30},
                                                    timeout=3600))
            if getattr(a, "history_prune_big", False):
                raw.setdefault("prune_big", []).append(task("prune_phases", {"data": str(big), "queued": 2000, "days": 30},
                                                            timeout=7200))
            log(f"history run {r + 1}: {json.dumps({k: v[-1] for k, v in raw.items()}, default=str)[:1500]}")
        self.raw["history"] = raw
        self.history_rows(raw, big_n)

    def cli_startup(self) -> dict[str, float]:
        """``notifier users list --json`` on an empty data folder vs ``python -c "import sqlalchemy"``:
        the medians of 8 interleaved pairs, as CPU time (user + system of the child) and wall time.

        The ratio is taken on CPU time. Both commands run 0.3–1 s; on this 2-core machine shared
        with other sessions their wall times moved 0.5–2.3× between neighbouring runs (a child
        waits for a core), which made the old wall-clock ratio of 4 pairs read 1.24 in one run and
        1.69 in the next. CPU time counts what the process itself costs, which is what the
        target is about (what the command imports and does beyond SQLAlchemy)."""
        import resource

        out: dict[str, list[float]] = {"cli": [], "sqlalchemy": [], "cli_wall": [], "sqlalchemy_wall": []}
        # Like with like: SQLAlchemy's modules were byte-compiled when pip installed them; the
        # program's editable install has no .pyc, and with PYTHONDONTWRITEBYTECODE set (as on
        # this machine) every start compiled ~20 of its modules from source (~60 ms). An
        # installed wheel or the frozen bundle starts from bytecode: so does this figure.
        subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "notifier_gui")], capture_output=True, check=False)
        for i in range(8):
            data = self.tmp / f"cli-{i}-{time.monotonic_ns()}"
            data.mkdir()
            env = self.child_env(NOTIFIER_DATA_DIR=str(data))
            subprocess.run([PY, "-m", "notifier_gui.cli", "users", "list", "--json"], env=env,
                           capture_output=True, check=False)  # the first run creates the database
            for key, cmd in (("cli", [PY, "-m", "notifier_gui.cli", "users", "list", "--json"]),
                             ("sqlalchemy", [PY, "-c", "import sqlalchemy"])):
                r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                t = time.perf_counter()
                subprocess.run(cmd, env=env, capture_output=True, check=False)
                out[f"{key}_wall"].append(time.perf_counter() - t)
                r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                out[key].append(r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime)
        return {k: statistics.median(v) for k, v in out.items()}

    def history_rows(self, raw: dict[str, Any], big_n: int) -> None:
        T = TARGETS
        size = f"{big_n:,} notifications / {2 * big_n:,} attempts"
        ok = [p for p in raw["log"] if "error" not in p["small"] and "error" not in p["big"]]

        def ratio_row(figure: str, key: str, target: float) -> None:
            vals = [p["big"][key] / p["small"][key] for p in ok if p["small"][key]]
            self.row("history", figure, "x", vals, target=f"<= {target}",
                     met=(statistics.median(vals) <= target) if vals else None,
                     note=f"big {statistics.median([p['big'][key] for p in ok]):.0f} MB, "
                          f"small {statistics.median([p['small'][key] for p in ok]):.0f} MB" if ok else "")

        starts = [s for s in raw["startup"] if s["small"] and s["big"]]
        vals = [s["big"] / s["small"] for s in starts]
        self.row("history", f"window shown, {size} vs 1,000 attempts", "x", vals, target=f"<= {T['h_startup_ratio']}",
                 met=(statistics.median(vals) <= T["h_startup_ratio"]) if vals else None,
                 note=(f"big {statistics.median([s['big'] for s in starts]):.2f} s, small "
                       f"{statistics.median([s['small'] for s in starts]):.2f} s") if starts else "")
        ratio_row("RSS after the first log page (big / small)", "rss_after_first_page_mb", T["h_rss_ratio"])
        ratio_row("RSS after the oldest page and back, and every filter (big / small)", "rss_after_filters_mb",
                  T["h_rss_ratio"])
        first = [p["big"]["first_page_ms"] for p in ok]
        self.row("history", f"log: first page shown, {size}", "ms", first, target=f"< {T['h_first_page_ms']}",
                 met=(statistics.median(first) < T["h_first_page_ms"]) if first else None,
                 note=f"1,000 attempts: {statistics.median([p['small']['first_page_ms'] for p in ok]):.0f} ms" if ok else "")
        if ok:
            for name in ok[0]["big"]["filters_ms"]:
                v = [p["big"]["filters_ms"][name] for p in ok]
                self.row("history", f"log filter '{name}': first page shown", "ms", v, target=f"< {T['h_filter_ms']}",
                         met=statistics.median(v) < T["h_filter_ms"],
                         note=f"1,000 attempts: {statistics.median([p['small']['filters_ms'][name] for p in ok]):.0f} ms")
            oldest = [p["big"]["oldest_page_ms"] for p in ok]
            self.row("history", "log: jump to the oldest page", "ms", oldest)
            gaps = [p["big"]["max_gap_ms"] for p in ok]
            self.row("history", "log: largest GUI stall while scrolling and filtering", "ms", gaps,
                     target=f"< {T['h_stall_ms']}", met=statistics.median(gaps) < T["h_stall_ms"],
                     note=f"5 ms ticker; 1,000 attempts: {statistics.median([p['small']['max_gap_ms'] for p in ok]):.0f} ms")
            self.row("history", "log: rows held at most", "rows", [p["big"]["rows_held_max"] for p in ok])
        ticks = [t["big"]["tick_ms"] for t in raw["tick"] if "error" not in t["big"]]
        self.row("history", f"status bar tick, {big_n:,} notifications", "ms", ticks, target=f"<= {T['h_tick_ms']}",
                 met=(statistics.median(ticks) <= T["h_tick_ms"]) if ticks else None,
                 note=f"1,000 attempts: {statistics.median([t['small']['tick_ms'] for t in raw['tick']]):.2f} ms")
        q = [x["total_s"] for x in raw["queue"] if "error" not in x]
        self.row("history", "queue one text with {name} to 5,000 recipients (plan + guard + enqueue)", "s", q,
                 target=f"< {T['h_queue_s']}", met=(statistics.median(q) < T["h_queue_s"]) if q else None,
                 note=f"plan + guard {statistics.median([x['plan_s'] for x in raw['queue'] if 'error' not in x]):.2f} s" if q else "")
        rec = [x for x in raw["recipients"] if "error" not in x]
        self.row("history", "recipients page with 100,000 people: shown", "s", [x["shown_s"] for x in rec],
                 target=f"< {T['h_recipients_shown_s']}",
                 met=(statistics.median([x["shown_s"] for x in rec]) < T["h_recipients_shown_s"]) if rec else None,
                 note="counts + first page read on a worker, painted")
        pick = [x for x in raw.get("picker", []) if "error" not in x]
        if pick:
            self.row("history", "Compose's Add… over 100,000 people: largest GUI stall, opening and 4 searches", "ms",
                     [x["max_gap_ms"] for x in pick], target=f"< {T['h_stall_ms']}",
                     met=statistics.median([x["max_gap_ms"] for x in pick]) < T["h_stall_ms"],
                     note=f"first list {statistics.median([x['open_ms'] for x in pick]):.0f} ms; a search "
                          f"{statistics.median([statistics.median(x['search_ms'].values()) for x in pick]):.0f} ms "
                          "with the 150 ms typing pause; 200 shown at most")
        self.row("history", "recipient search typed into the page over 100,000: first page in", "ms",
                 [x["search_ms"] for x in rec], target=f"< {T['h_recipients_search_ms']}",
                 met=(statistics.median([x["search_ms"] for x in rec]) < T["h_recipients_search_ms"]) if rec else None,
                 note=(f"median of {len(rec[0]['search_by_word'])} searches; slowest "
                       f"{statistics.median([x['search_ms_max'] for x in rec]):.0f} ms") if rec else "")
        self.row("history", "recipients page: a page deep in name order / a header sort", "ms",
                 [x["deep_page_ms"] for x in rec],
                 note=(f"sort {statistics.median([x['sort_ms'] for x in rec]):.0f} ms; rows held at most "
                       f"{max(x['rows_held_max'] for x in rec):,} (budget {rec[0]['budget']:,})") if rec else "")
        self.row("history", "recipient search over 100,000 (SQL: count + first page by name)", "ms",
                 [x["sql_search_ms"] for x in rec], target=f"< {T['h_recipients_search_ms']}",
                 met=(statistics.median([x["sql_search_ms"] for x in rec]) < T["h_recipients_search_ms"]) if rec else None)
        pr = [x for x in raw.get("prune", []) if "error" not in x]
        self.row("history", "worker rate while 'history prune' removes 100,000 notifications beside it (fraction of alone)",
                 "fraction", [x["rate_fraction"] for x in pr], target=">= 0.5",
                 met=(statistics.median([x["rate_fraction"] for x in pr]) >= 0.5) if pr else None,
                 note=(f"3,000 sandbox deliveries: {statistics.median([x['worker_alone_s'] for x in pr]):.1f} s alone, "
                       f"{statistics.median([x['worker_beside_prune_s'] for x in pr]):.1f} s beside the prune "
                       f"({statistics.median([x['prune_s'] for x in pr]):.0f} s)") if pr else "")
        self.row("history", "prune archive round trip (archived = removed, none left, nothing unfinished touched)", "x",
                 [1.0 if x["archived"] == x["pruned"] and x["archive_ids_unique"] and not x["archived_rows_left_in_db"]
                  and not x["left_unfinished"] else 0.0 for x in pr], target="= 1",
                 met=all(x["archived"] == x["pruned"] and not x["archived_rows_left_in_db"] for x in pr) if pr else None,
                 note=f"{pr[0]['pruned']:,} notifications, {pr[0]['pruned_attempts']:,} attempts" if pr else "")
        for x in (x for x in raw.get("prune_big", []) if "error" not in x):
            steps = ", ".join(f"{step} {statistics.median(v):.2f} ({len(v)} runs)"
                              for step, v in x["rate_fraction_by_step"].items())
            self.row("history", f"worker rate beside 'history prune' of {x['pruned']:,} notifications, slowest "
                     "worker run (fraction of alone)", "fraction", [x["rate_fraction_min"]], target=">= 0.5",
                     met=x["rate_fraction_min"] >= 0.5,
                     note=f"prune {x['prune_s']:.0f} s; by step: {steps}; archive round trip "
                          f"{'ok' if x['archived'] == x['pruned'] and not x['left_unfinished'] else 'FAILED'}")
        cli = [c["cli"] / c["sqlalchemy"] for c in raw["cli"]]
        wall = [c for c in raw["cli"] if "cli_wall" in c]
        self.row("history", "notifier users list --json (empty folder) / python -c 'import sqlalchemy', CPU time", "x",
                 cli, target=f"<= {T['h_cli_ratio']}", met=(statistics.median(cli) <= T["h_cli_ratio"]) if cli else None,
                 note=(f"CPU cli {statistics.median([c['cli'] for c in raw['cli']]):.2f} s, import sqlalchemy "
                       f"{statistics.median([c['sqlalchemy'] for c in raw['cli']]):.2f} s; wall "
                       f"{statistics.median([c['cli_wall'] / c['sqlalchemy_wall'] for c in wall]):.2f}x") if wall else "")

    # -- report -----------------------------------------------------------------------
    def report(self) -> str:
        lines = []
        w = max([len(r["figure"]) for r in self.rows] + [20])
        w = min(w, 92)
        head = f"{'figure':<{w}}  {'median':>10}  {'min':>10}  {'max':>10} {'unit':<9} {'n':>2}  {'target':<10} {'met':<4} note"
        lines.append(head)
        lines.append("-" * len(head))
        section = None
        for r in self.rows:
            if r["section"] != section:
                section = r["section"]
                lines.append(f"== {section}")
            met = "" if r["met"] is None else ("yes" if r["met"] else "NO")
            fig = r["figure"] if len(r["figure"]) <= w else r["figure"][:w - 1] + "…"
            lines.append(f"{fig:<{w}}  {fmt(r['median'], r['unit']):>10}  {fmt(r['min'], r['unit']):>10}  "
                         f"{fmt(r['max'], r['unit']):>10} {r['unit']:<9} {r['n']:>2}  {r['target']:<10} {met:<4} {r['note']}")
        if self.skipped:
            lines.append("")
            for s in self.skipped:
                lines.append(f"SKIPPED {s['what']}: {s['reason']}")
        for note in self.notes:
            lines.append(f"NOTE {note}")
        return "\n".join(lines)


def fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "-"
    if unit in ("x", "fraction"):
        return f"{v:.2f}"
    if unit == "s":
        return f"{v:.3f}" if v < 10 else f"{v:.1f}"
    if unit in ("MB", "ms") or unit.startswith("CPU-s"):
        return f"{v:.1f}"
    if unit in ("count", "runs ok"):
        return f"{v:g}"
    return f"{v:,.0f}"


def profile_summary(collapsed: str, top: int = 30) -> str:
    """Where the samples went: by leaf function (self), by function anywhere on the stack
    (inclusive), and by the package of the leaf frame."""
    selfc: dict[str, int] = {}
    incl: dict[str, int] = {}
    area: dict[str, int] = {}
    total = 0
    for line in collapsed.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        c = int(count)
        total += c
        frames = stack.split(";")
        leaf = frames[-1]
        selfc[leaf] = selfc.get(leaf, 0) + c
        for f in set(frames):
            incl[f] = incl.get(f, 0) + c
        m = re.search(r"\(([^)]*?)(?::\d+)?\)$", leaf)
        path = m.group(1) if m else "?"
        area[_area(path)] = area.get(_area(path), 0) + c
    if not total:
        return "no samples"
    out = [f"{total} samples", "", "by area (leaf frame):"]
    out += [f"  {v / total * 100:5.1f}%  {k}" for k, v in sorted(area.items(), key=lambda kv: -kv[1])]
    out += ["", f"top {top} self:"]
    out += [f"  {v / total * 100:5.1f}%  {k}" for k, v in sorted(selfc.items(), key=lambda kv: -kv[1])[:top]]
    out += ["", f"top {top} inclusive:"]
    out += [f"  {v / total * 100:5.1f}%  {k}" for k, v in sorted(incl.items(), key=lambda kv: -kv[1])[:top]]
    return "\n".join(out) + "\n"


def _area(path: str) -> str:
    for key, name in (("notifier_gui/core/storage", "notifier storage"), ("notifier_gui/core/delivery", "notifier delivery"),
                      ("notifier_gui", "notifier other"), ("sqlalchemy", "SQLAlchemy"), ("sqlite3", "sqlite3"),
                      ("email/", "email (stdlib)"), ("smtplib", "smtplib"), ("ssl.py", "ssl"), ("socket.py", "socket"),
                      ("logging", "logging"), ("threading.py", "threading"), ("queue.py", "queue"),
                      ("psutil", "psutil")):
        if key in path:
            return name
    return path.rsplit("/", 1)[-1] or "?"


def program_fingerprint() -> str:
    """sha256 over the program's sources: the bench imports the working tree (editable
    install), so a change in the middle of a run would mix two versions of the program."""
    import hashlib

    h = hashlib.sha256()
    for path in sorted((ROOT / "notifier_gui").rglob("*.py")):
        h.update(str(path.relative_to(ROOT)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def machine_info() -> dict[str, Any]:
    info: dict[str, Any] = {"python": sys.version.split()[0], "platform": platform.platform(),
                            "cores": os.cpu_count()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    pkgs = {}
    for name in ("celery", "kombu", "redis", "apprise", "aiosmtpd", "trustme", "uvloop", "SQLAlchemy",
                 "PySide6-Essentials", "notifier-gui"):
        try:
            pkgs[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    info["packages"] = pkgs
    redis = shutil.which("redis-server")
    if redis:
        info["redis-server"] = subprocess.run([redis, "--version"], capture_output=True, text=True).stdout.strip()
    try:  # read-only git queries
        info["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                        text=True).stdout.strip()
        info["program_changes_uncommitted"] = bool(subprocess.run(
            ["git", "status", "--porcelain", "--", "notifier_gui"], cwd=ROOT, capture_output=True, text=True).stdout.strip())
    except OSError:
        pass
    return info


def run_all(args: argparse.Namespace) -> int:
    args.pacing_parallel = getattr(args, "pacing_parallel", True)
    args.scale_k = getattr(args, "scale_k", 10_000)
    bench = Bench(args)
    started = time.monotonic()
    info = machine_info()
    info["program_sources_sha256"] = before = program_fingerprint()
    log(f"Notifier bench: sections {', '.join(args.sections)}; {args.runs} run(s) per figure; "
        f"python {info['python']}, {info.get('cores')} cores, {info.get('cpu', '?')}")
    sections: dict[str, Callable[[], None]] = {
        "smtp": bench.section_smtp, "enqueue": bench.section_enqueue, "sqlite": bench.section_sqlite,
        "pacing": bench.section_pacing, "window": bench.section_window, "scale": bench.section_scale,
        "profile": bench.section_profile, "history": bench.section_history,
        "api": lambda: section_api(bench),
    }
    failed = False
    try:
        for name in args.sections:
            t = time.monotonic()
            log(f"--- {name}")
            try:
                sections[name]()
            except Exception as exc:  # one section failing must not lose the others
                failed = True
                bench.skip(f"section {name}", f"failed: {exc!r}")
                traceback.print_exc()
            log(f"--- {name} took {time.monotonic() - t:.0f} s")
    finally:
        shutil.rmtree(bench.tmp, ignore_errors=True)
    total = time.monotonic() - started
    after = program_fingerprint()
    if after != before:
        info["program_sources_sha256_at_end"] = after
        bench.notes.append("WARNING: the program's sources changed during this run (sha256 "
                           f"{before} -> {after}); figures may mix two versions. Run again.")
    table = bench.report()
    print()
    print(f"Notifier bench — {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {args.runs} run(s) per figure, "
          f"{total / 60:.1f} min; medians with min..max; ratios paired per run")
    print(f"program: commit {info.get('commit', '?')}"
          + (" + uncommitted changes" if info.get("program_changes_uncommitted") else "")
          + f", sources sha256 {before}; python {info['python']}, {info.get('cores')} cores, {info.get('cpu', '?')}")
    print(table)
    out = Path(args.results)
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    doc = {"started_utc": datetime.now(timezone.utc).isoformat(), "seconds": total, "args": vars(args),
           "machine": info, "rows": bench.rows, "skipped": bench.skipped, "notes": bench.notes, "raw": bench.raw,
           "table": table}
    path = out / f"bench-{stamp}.json"
    path.write_text(json.dumps(doc, indent=1, default=str))
    (out / "latest.json").write_text(json.dumps(doc, indent=1, default=str))
    print(f"\nresults: {path}")
    return 1 if failed else 0
