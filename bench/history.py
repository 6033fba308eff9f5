"""The ``history`` section's measurements, one per process: ``python bench/history.py TASK '{json}'``.

``build`` writes a database the way an operator's year of history looks after an upgrade:
rows bulk-inserted straight into migration 0001's schema (no dispatcher), then opened by
the program, which upgrades it in place (indexes, search tables). Built databases are
cached under ``bench/.cache/`` by size, so re-running the section costs only the figures.

Every other task opens a copy-free data folder (reads only, except ``queue``) and reports
its figures; the harness pairs each big-database figure with the same figure on a
1,000-attempt database built the same way, in the same run.
"""
from __future__ import annotations

import json
import os
import random
import sqlite3
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, emit  # noqa: E402

sys.path.insert(0, str(ROOT))

DETAILS = ("250 2.0.0 accepted", "message accepted by the provider", "SMTP 451 try again later",
           "552 mailbox full", "the recipient has no phone number", "Telegram: chat not found")
FIRST = ("Anna", "Boris", "Clara", "Dmitry", "Elena", "Fyodor", "Galina", "Ivan", "Olga", "Pavel")
LAST = ("Smirnova", "Petrov", "Jones", "Orlov", "Carter", "Ivanova", "Sokolov", "Kuznetsova")


def rss_mb() -> float:
    import psutil

    return float(psutil.Process().memory_info().rss / 2**20)


# -- building -------------------------------------------------------------------------
def task_build(a: dict[str, Any]) -> dict[str, Any]:
    """``notifications``, 2 attempts each, ``recipients`` people, into ``out``/notifier.db."""
    from alembic import command

    from notifier_gui.core.storage.engine import create, migrations_config, open_database

    out = Path(a["out"])
    out.mkdir(parents=True, exist_ok=True)
    path = out / "notifier.db"
    if path.exists():
        path.unlink()
    n, people = int(a["notifications"]), int(a["recipients"])
    t = time.perf_counter()
    engine = create(f"sqlite:///{path}")
    command.upgrade(migrations_config(engine), "0001")
    engine.dispose()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA journal_mode = OFF")
    rng = random.Random(7)
    start = datetime(2025, 12, 1)
    step = timedelta(days=365) / max(n, 1)
    names = [f"{FIRST[i % 10]} {LAST[(i // 10) % 8]} {i}" for i in range(people)]
    db.execute("BEGIN")
    db.executemany("INSERT INTO recipients (id, name, email, phone, notes, created_at, updated_at) "
                   "VALUES (?, ?, ?, ?, '', ?, ?)",
                   ((i + 1, names[i], f"person{i}@example.org", f"+7916{i:07d}", start, start) for i in range(people)))

    def notes() -> Any:
        for i in range(1, n + 1):
            when = (start + step * i).isoformat(sep=" ")
            r = rng.randrange(people)
            yield (i, r + 1, names[r], "Alert", f"Hello {names[r]}", "email,sms,telegram",
                   "failed" if i % 50 == 0 else "delivered", "sms", when, when, when, "ops", 1, 0, 0, 0, "")

    db.executemany("INSERT INTO notifications (id, recipient_id, recipient_name, subject, body, channels, state, "
                   "delivered_via, created_at, queued_at, finished_at, queued_by, cursor_channel, cursor_tries, "
                   "round_no, round_transient, dead_channels) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", notes())

    def attempts() -> Any:
        aid = 0
        for i in range(1, n + 1):
            when = start + step * i
            for ch, outcome in (("email", "transient" if i % 7 else "permanent"), ("sms", "delivered")):
                aid += 1
                detail = DETAILS[aid % len(DETAILS)] if outcome != "delivered" else DETAILS[1]
                w = when.isoformat(sep=" ")
                yield (aid, i, ch, w, w, outcome, detail, 0, 1)

    db.executemany("INSERT INTO attempts (id, notification_id, channel, started_at, finished_at, outcome, detail, "
                   "round_no, try_no) VALUES (?,?,?,?,?,?,?,?,?)", attempts())
    db.execute("COMMIT")
    db.close()
    inserted = time.perf_counter() - t
    t = time.perf_counter()
    reports: list[tuple[int, int]] = []
    engine = open_database(f"sqlite:///{path}", lambda d, tot: reports.append((d, tot)))
    upgraded = time.perf_counter() - t
    with engine.connect() as c:
        c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        na = c.exec_driver_sql("SELECT count(*) FROM attempts").scalar()
    engine.dispose()
    return {"notifications": n, "attempts": na, "recipients": people, "insert_s": inserted, "upgrade_s": upgraded,
            "upgrade_progress_reports": len(reports), "db_mb": path.stat().st_size / 2**20}


# -- the window: log pages, filters, scrolling, memory, stalls ----------------------------------
def window_context(data: str) -> tuple[Any, Any]:
    """A QApplication with the qasync loop and an AppContext over ``data`` (sandbox)."""
    os.environ["NOTIFIER_DATA_DIR"] = data
    os.environ["NOTIFIER_SANDBOX"] = "1"
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import asyncio

    import qasync
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from notifier_gui.core.runtime import Runtime

    from notifier_gui.ui.context import AppContext
    from notifier_gui.ui.tasks import Tasks
    from notifier_gui.ui.worker import WorkerBridge

    app = QApplication([sys.argv[0]])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    rt = Runtime.open()
    ctx = AppContext(rt, Tasks(loop), WorkerBridge(lambda sink: rt.dispatcher(sink)),
                     QSettings(str(Path(data) / "ui-state.ini"), QSettings.Format.IniFormat))
    return app, ctx


class GuiTicker:
    """A 5 ms timer on the GUI thread that records the gaps between its ticks (the event
    loop's stalls), and a wait that keeps the loop turning until a condition holds."""

    def __init__(self, app: Any) -> None:
        from PySide6.QtCore import QElapsedTimer, QTimer

        self.app = app
        self.clock = QElapsedTimer()
        self.clock.start()
        self.gaps: list[float] = []
        self._last = self.clock.elapsed()
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = self.clock.elapsed()
        self.gaps.append(now - self._last)
        self._last = now

    def restart(self) -> None:
        """Forget the gaps so far (what comes next is measured)."""
        self._last = self.clock.elapsed()
        self.gaps.clear()

    def largest(self) -> float:
        return max(self.gaps) if self.gaps else 0.0

    def wait(self, cond: Any, limit: float = 120.0) -> float:
        """Turn the event loop until ``cond()``; the milliseconds it took."""
        t = time.perf_counter()
        while not cond():
            self.app.processEvents()
            time.sleep(0.0005)
            if time.perf_counter() - t > limit:
                raise TimeoutError("waited too long")
        return (time.perf_counter() - t) * 1000


def task_log(a: dict[str, Any]) -> dict[str, Any]:
    app, ctx = window_context(a["data"])
    from notifier_gui.ui.log.panel import LogPanel

    rt, tasks = ctx.runtime, ctx.tasks
    panel = LogPanel(ctx)
    panel.resize(1100, 420)
    panel.show()
    app.processEvents()
    rss0 = rss_mb()
    ticker = GuiTicker(app)
    wait = ticker.wait

    def shown(q: Any) -> float:
        t = time.perf_counter()
        panel.set_query(q)
        wait(lambda: panel.history_loaded)
        return (time.perf_counter() - t) * 1000

    out: dict[str, Any] = {}
    t = time.perf_counter()
    panel.load_history()
    wait(lambda: panel.history_loaded)
    out["first_page_ms"] = (time.perf_counter() - t) * 1000
    out["rss_after_first_page_mb"] = rss_mb()
    ticker.restart()
    # Scroll to the oldest row and back (the jump buttons, then a drag up through a few pages).
    t = time.perf_counter()
    panel.go_oldest()
    wait(lambda: panel.model.at_oldest and panel.model.rowCount() > 0 and panel.model.oldest_id == 1)
    out["oldest_page_ms"] = (time.perf_counter() - t) * 1000
    bar = panel.table.verticalScrollBar()
    for _ in range(5):  # drag toward newer rows, five pages
        before = panel.model.newest_id
        bar.setValue(bar.maximum() if not panel.model.newest_first else 0)
        wait(lambda before=before: panel.model.newest_id != before or panel.model.at_newest)
    out["rows_held_max"] = panel.model.rowCount()
    f = panel.filter
    from notifier_gui.core.storage.history import LogQuery

    person = a["person"]
    queries = {
        "newest": LogQuery(),
        "outcome failed": f.set_outcome_group("failed"),
        "channel sms": LogQuery(channel="sms"),
        "text 'mailbox'": LogQuery.from_search("mailbox"),
        "recipient name": LogQuery.from_search(person),
        "recipient name + a word of the detail": LogQuery.from_search(f"{person} mailbox"),
        "a short word no name holds": LogQuery.from_search("zz"),
        "#id": LogQuery.from_search(f"#{a['nid']}"),
        "dates (one day)": LogQuery(since=datetime.fromisoformat(a["day"]).astimezone(),
                                    until=datetime.fromisoformat(a["day"]).astimezone() + timedelta(days=1)),
        "outcome permanent + channel email": LogQuery(outcomes=frozenset({"permanent"}), channel="email"),
    }
    out["filters_ms"] = {name: shown(q) for name, q in queries.items()}
    out["rss_after_filters_mb"] = rss_mb()
    shown(LogQuery())
    out["rss_end_mb"] = rss_mb()
    out["rss_start_mb"] = rss0
    out["max_gap_ms"] = ticker.largest()
    ticker.timer.stop()
    tasks.shutdown()
    rt.close()
    return out


# -- small figures -----------------------------------------------------------------------------
def task_status_tick(a: dict[str, Any]) -> dict[str, Any]:
    from notifier_gui.core.storage.engine import open_database
    from notifier_gui.core.storage.history import History

    engine = open_database(f"sqlite:///{Path(a['data']) / 'notifier.db'}")
    h = History(engine)
    since = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    h.live_counts(since)
    times = []
    for _ in range(200):
        t = time.perf_counter()
        h.live_counts(since)
        times.append((time.perf_counter() - t) * 1000)
    return {"tick_ms": statistics.median(times)}


def task_queue(a: dict[str, Any]) -> dict[str, Any]:
    """Plan (placeholders + double-send guard) and queue one text with {name} to N recipients."""
    os.environ["NOTIFIER_DATA_DIR"] = a["data"]
    os.environ["NOTIFIER_SANDBOX"] = "1"
    from notifier_gui.core.runtime import Runtime
    from notifier_gui.core.sending import enqueue_send, plan_send

    rt = Runtime.open()
    ids = list(range(1, int(a["n"]) + 1))
    t = time.perf_counter()
    plan = plan_send(rt.store, ids, "Alert", "Hello {name}, the server room is hot.")
    planned = time.perf_counter() - t
    queued = enqueue_send(rt, plan, "Alert", "Hello {name}, the server room is hot.", None, None, None)
    total = time.perf_counter() - t
    # Leave the database as it was for the next figures.
    with rt.engine.begin() as c:
        c.exec_driver_sql(f"DELETE FROM notifications WHERE id >= {min(queued)}")
    rt.close()
    return {"plan_s": planned, "total_s": total, "queued": len(queued)}


def task_picker(a: dict[str, Any]) -> dict[str, Any]:
    """Compose's Add… over ``data``'s people: opened until its first list is in, then each of
    ``words`` typed until its answer is shown (the 150 ms pause after typing included); the
    GUI thread's largest stall throughout (5 ms ticker)."""
    app, ctx = window_context(a["data"])
    from notifier_gui.core.storage.history import History

    from notifier_gui.ui.compose import RecipientPicker

    ticker = GuiTicker(app)
    wait = ticker.wait

    t = time.perf_counter()
    picker = RecipientPicker(ctx.tasks, History(ctx.runtime.store.engine))
    picker.show()
    wait(lambda: not picker.loading)
    out: dict[str, Any] = {"open_ms": (time.perf_counter() - t) * 1000, "rows": picker.model.rowCount()}
    searches = {}
    for word in a["words"]:
        t = time.perf_counter()
        picker.search.setText(word)
        wait(lambda: not picker.loading)
        searches[word] = (time.perf_counter() - t) * 1000
    out["search_ms"] = searches
    out["max_gap_ms"] = ticker.largest()
    ticker.timer.stop()
    picker.close()
    ctx.tasks.shutdown()
    ctx.runtime.close()
    return out


def task_recipients(a: dict[str, Any]) -> dict[str, Any]:
    """The recipients page over ``recipients`` people: shown (counts + first page read on the
    worker, then painted), a search typed into it until its first page is in, a jump deep
    into the name order, a header sort; and the same search as bare SQL."""
    (Path(a["data"]) / "ui-state.ini").unlink(missing_ok=True)  # the header starts sorted by name, as new
    app, ctx = window_context(a["data"])
    from PySide6.QtCore import Qt

    from notifier_gui.core.storage.history import History

    from notifier_gui.ui.recipients.model import Column
    from notifier_gui.ui.recipients.view import RecipientsView

    rt = ctx.runtime
    total = int(a["recipients"])

    def until(cond: Any, limit: float = 60) -> None:
        t0 = time.perf_counter()
        while not cond() and time.perf_counter() - t0 < limit:
            app.processEvents()
            time.sleep(0.0005)

    t = time.perf_counter()
    view = RecipientsView(ctx)
    view.resize(900, 500)
    view.show()
    until(lambda: not view.loading and view.model.rowCount() == total)
    app.processEvents()  # painted
    shown_s = time.perf_counter() - t
    held = [view.model.rows_held]

    def timed(action: Any) -> float:
        t0 = time.perf_counter()
        action()
        until(lambda: not view.loading)
        app.processEvents()
        return (time.perf_counter() - t0) * 1000

    words = a["words"]
    searches: dict[str, list[float]] = {w: [] for w in words}
    for _ in range(3):
        for w in words:
            searches[w].append(timed(lambda w=w: view.search.setText(w)))
            held.append(view.model.rows_held)
            view.search.clear()
            until(lambda: not view.loading)
    search_ms = [statistics.median(v) for v in searches.values()]

    def jump(row: int) -> None:
        view.table.scrollTo(view.model.index(row, 0))
        app.processEvents()
        view.model.index(row, 0).data()

    deep_ms = [timed(lambda r=r: jump(r)) for r in (total // 2, total - 1, total // 3, total // 4 * 3)]
    held.append(view.model.rows_held)
    sort_ms = timed(lambda: view.table.sortByColumn(Column.NAME, Qt.SortOrder.DescendingOrder))
    held.append(view.model.rows_held)

    h = History(rt.engine)
    word = words[0]
    h.recipients_page(word, "name", False, 0, 200)
    times = []
    for _ in range(20):
        t = time.perf_counter()
        h.recipients_count(word)
        found = h.recipients_page(word, "name", False, 0, 200)
        times.append((time.perf_counter() - t) * 1000)
    rt.close()
    return {"shown_s": shown_s, "search_ms": statistics.median(search_ms), "search_ms_max": max(search_ms),
            "search_by_word": {w: statistics.median(v) for w, v in searches.items()},
            "deep_page_ms": statistics.median(deep_ms), "sort_ms": sort_ms, "rows_held_max": max(held),
            "budget": view.model.budget, "sql_search_ms": statistics.median(times), "sql_found": len(found),
            "rows": view.model.rowCount()}


def task_prune_worker(a: dict[str, Any]) -> dict[str, Any]:
    """A sandbox worker delivering ``queued`` notifications alone, then again while
    ``notifier history prune --older-than DAYS --archive`` runs beside it on the same
    database (each on a fresh copy); the archive is read back and counted."""
    import gzip
    import shutil
    import subprocess
    import tempfile

    from notifier_gui.core.storage.engine import open_database
    from notifier_gui.core.storage.repository import Store

    src = Path(a["data"]) / "notifier.db"
    work = Path(tempfile.mkdtemp(prefix="bench-prune-"))
    n = int(a["queued"])

    def fresh(tag: str) -> Path:
        d = work / tag
        d.mkdir()
        shutil.copy2(src, d / "notifier.db")
        engine = open_database(f"sqlite:///{d / 'notifier.db'}")
        with engine.connect() as c:
            people = int(c.exec_driver_sql("SELECT count(*) FROM recipients").scalar() or 1)
        Store(engine).enqueue([i % people + 1 for i in range(n)], "Hello", bodies=[f"Hello {i}" for i in range(n)])
        engine.dispose()
        return d

    def env(d: Path) -> dict[str, str]:
        e = {k: v for k, v in os.environ.items() if not k.startswith(("NOTIFIER_", "SMTP_", "TELEGRAM_", "SMS_"))}
        e.update(NOTIFIER_DATA_DIR=str(d), NOTIFIER_SANDBOX="1", PYTHONPATH=str(ROOT))
        return e

    def worker(d: Path) -> subprocess.Popen[str]:
        return subprocess.Popen([sys.executable, "-m", "notifier_gui.cli", "worker", "--until-done"],
                                env=env(d), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)

    try:
        base = fresh("alone")
        t = time.perf_counter()
        worker(base).wait(600)
        alone = time.perf_counter() - t
        both = fresh("with-prune")
        archive = both / "old.jsonl.gz"
        t = time.perf_counter()
        pruner = subprocess.Popen([sys.executable, "-m", "notifier_gui.cli", "history", "prune", "--older-than",
                                   str(a["days"]), "--archive", str(archive), "--json"],
                                  env=env(both), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        time.sleep(0.5)  # the prune is under way (archiving) before the worker starts
        tw = time.perf_counter()
        worker(both).wait(600)
        beside = time.perf_counter() - tw
        out, _ = pruner.communicate(timeout=1800)
        prune_s = time.perf_counter() - t
        result = json.loads(out)
        with gzip.open(archive, "rt", encoding="utf-8") as fh:
            ids = [json.loads(line)["id"] for line in fh]
        with sqlite3.connect(both / "notifier.db") as c:
            unfinished = c.execute("SELECT count(*) FROM notifications WHERE state IN ('queued', 'sending')").fetchone()[0]
            left_old = c.execute("SELECT count(*) FROM notifications WHERE id IN (SELECT value FROM json_each(?))",
                                 (json.dumps(ids[:5000]),)).fetchone()[0]
        return {"queued": n, "worker_alone_s": alone, "worker_beside_prune_s": beside, "prune_s": prune_s,
                "rate_fraction": alone / beside, "pruned": result["notifications"], "pruned_attempts": result["attempts"],
                "archived": len(ids), "archive_ids_unique": len(set(ids)) == len(ids),
                "archived_rows_left_in_db": left_old, "left_unfinished": unfinished}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def task_prune_phases(a: dict[str, Any]) -> dict[str, Any]:
    """``notifier history prune --older-than DAYS --archive`` over a copy of the big database
    while sandbox workers deliver beside it for the whole of its run, phase by phase.

    A worker (``worker --until-done``) delivers ``queued`` fresh notifications alone before
    the prune and again after it (its rate alone: the mean of both). While the prune runs,
    ``queued`` more are queued and a worker started whenever the last one is done, so every
    step of the prune (archive, verify, remove in batches, vacuum) has workers beside it;
    each worker run is labelled with the prune step running at its midpoint (from the
    prune's progress lines on stderr)."""
    import gzip
    import shutil
    import subprocess
    import tempfile
    import threading

    from notifier_gui.core.storage.engine import open_database
    from notifier_gui.core.storage.repository import Store

    src = Path(a["data"]) / "notifier.db"
    work = Path(tempfile.mkdtemp(prefix="bench-prune-phases-"))
    n = int(a["queued"])
    try:
        shutil.copy2(src, work / "notifier.db")
        engine = open_database(f"sqlite:///{work / 'notifier.db'}")
        store = Store(engine)
        with engine.connect() as c:
            people = int(c.exec_driver_sql("SELECT count(*) FROM recipients").scalar() or 1)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("NOTIFIER_", "SMTP_", "TELEGRAM_", "SMS_"))}
        env.update(NOTIFIER_DATA_DIR=str(work), NOTIFIER_SANDBOX="1", PYTHONPATH=str(ROOT))

        def deliver() -> tuple[float, float]:
            store.enqueue([i % people + 1 for i in range(n)], "Hello", bodies=[f"Hello {i}" for i in range(n)])
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "notifier_gui.cli", "worker", "--until-done"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=900, check=False)
            return t0, time.perf_counter()

        t0, t1 = deliver()
        alone = [t1 - t0]
        archive = work / "old.jsonl.gz"
        steps: list[tuple[float, str]] = []
        start = time.perf_counter()
        pruner = subprocess.Popen([sys.executable, "-m", "notifier_gui.cli", "history", "prune", "--older-than",
                                   str(a["days"]), "--archive", str(archive), "--json"],
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

        def read_steps() -> None:
            assert pruner.stderr is not None
            for line in pruner.stderr:
                step = line.split(":", 1)[0].strip()
                if not steps or steps[-1][1] != step:
                    steps.append((time.perf_counter(), step))

        reader = threading.Thread(target=read_steps, daemon=True)
        reader.start()
        runs: list[tuple[float, float]] = []
        while pruner.poll() is None:
            runs.append(deliver())
        out, _ = pruner.communicate(timeout=3600)
        end = time.perf_counter()
        reader.join(5)
        t0, t1 = deliver()
        alone.append(t1 - t0)
        base = n / statistics.mean(alone)

        def step_at(t: float) -> str:
            current = "starting"
            for when, step in steps:
                if when <= t:
                    current = step
            return current if t < end else "after the prune"

        by_step: dict[str, list[float]] = {}
        for r0, r1 in runs:
            by_step.setdefault(step_at((r0 + r1) / 2), []).append((n / (r1 - r0)) / base)
        durations = {step: (steps[i + 1][0] if i + 1 < len(steps) else end) - when
                     for i, (when, step) in enumerate(steps)}
        result = json.loads(out)
        with gzip.open(archive, "rt", encoding="utf-8") as fh:
            ids = [json.loads(line)["id"] for line in fh]
        with engine.connect() as c:
            unfinished = int(c.exec_driver_sql(
                "SELECT count(*) FROM notifications WHERE state IN ('queued', 'sending')").scalar() or 0)
            left_old = int(c.exec_driver_sql("SELECT count(*) FROM notifications WHERE id <= ?",
                                             (max(ids),)).scalar() or 0) if ids else 0
        engine.dispose()
        return {"queued_per_run": n, "worker_alone_s": alone, "prune_s": end - start, "step_s": durations,
                "worker_runs_beside": len(runs), "rate_fraction_by_step": by_step,
                "rate_fraction_min": min((f for v in by_step.values() for f in v), default=None),
                "pruned": result["notifications"], "pruned_attempts": result["attempts"], "archived": len(ids),
                "archive_ids_unique": len(set(ids)) == len(ids), "left_at_or_below_newest_archived_id": left_old,
                "left_unfinished": unfinished}
    finally:
        shutil.rmtree(work, ignore_errors=True)


TASKS = {name[5:]: fn for name, fn in globals().items() if name.startswith("task_")}

if __name__ == "__main__":
    emit(TASKS[sys.argv[1]](json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}))
