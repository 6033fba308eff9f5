"""The delivery log: model correctness, filters, and a flood of 100,000 events."""
from __future__ import annotations

import csv
import io
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QTimer

from notifier_gui.core.delivery.dispatcher import AttemptFinished, AttemptStarted, NotificationUpdated
from notifier_gui.ui.context import AppContext
from notifier_gui.ui.log.model import AttemptLogModel
from notifier_gui.ui.log.panel import LogPanel
from notifier_gui.ui.log.proxy import LogFilter

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)


def events(n: int, start_id: int = 1) -> list[object]:
    out: list[object] = []
    for i in range(start_id, start_id + n):
        t = T0 + timedelta(seconds=i)
        out.append(AttemptStarted(i, i, f"Person {i % 50}", "email", t))
        outcome = ("delivered", "transient", "permanent")[i % 3]
        out.append(AttemptFinished(i, i, f"Person {i % 50}", "email", outcome, f"detail {i % 7}", t,
                                   t + timedelta(milliseconds=120)))
    return out


def test_model_contract(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = AttemptLogModel()
    model.apply(events(30))
    model.apply([AttemptFinished(None, 99, "Anna", "sms", "unavailable", "no phone", T0, T0)])
    qtmodeltester.check(model)
    proxy = LogFilter()
    proxy.setSourceModel(model)
    proxy.set_outcome_group("failed")
    qtmodeltester.check(proxy)
    assert proxy.rowCount() == 21  # 10 transient + 10 permanent + 1 unavailable


def test_started_then_finished_updates_one_row() -> None:
    model = AttemptLogModel()
    model.apply([AttemptStarted(5, 1, "Анна", "email", T0)])
    assert model.rowCount() == 1 and model.outcome_at(0) == "sending"
    model.apply([AttemptFinished(5, 1, "Анна", "email", "delivered", "accepted", T0, T0 + timedelta(seconds=2))])
    assert model.rowCount() == 1 and model.outcome_at(0) == "delivered" and model.duration(0) == 2.0
    model.apply([NotificationUpdated(1, "Анна", "delivered", "email")])  # not a row
    assert model.rowCount() == 1


def test_filters() -> None:
    model = AttemptLogModel()
    model.apply(events(9))
    model.apply([AttemptFinished(None, 100, "Борис", "sms", "unavailable", "the recipient has no phone number", T0, T0)])
    proxy = LogFilter()
    proxy.setSourceModel(model)
    proxy.set_channel("sms")
    assert proxy.rowCount() == 1
    proxy.set_channel(None)
    proxy.set_text("борис")  # case-insensitive, Cyrillic included
    assert proxy.rowCount() == 1
    proxy.set_text("#3 ")
    assert proxy.rowCount() == 1
    proxy.set_text("")
    proxy.set_outcome_group("delivered")
    assert proxy.rowCount() == 3


def test_panel_shows_live_attempts_and_follows(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    panel = LogPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(900, 300)
    panel.show()
    panel.apply_events(events(200))
    assert panel.proxy.rowCount() == 200
    bar = panel.table.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum())
    panel.table.verticalScrollBar().setValue(0)  # the operator scrolls up: following pauses
    assert not panel.following
    panel.apply_events(events(50, start_id=1000))
    assert panel.table.verticalScrollBar().value() == 0


def test_retry_and_cancel_from_the_panel(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    store = ctx.runtime.store
    rid = store.add_recipient("=cmd|' /C calc'!A0")  # a name a spreadsheet would run, if exported raw
    nid, other = store.enqueue([rid, rid], "hello")
    ctx.bridge.start()
    qtbot.waitUntil(lambda: store.notification(nid)["state"] == "failed", timeout=10000)  # type: ignore[index]
    ctx.bridge.stop()
    panel = LogPanel(ctx, ask_save_path=lambda: str(Path(ctx.runtime.settings.data_dir) / "log.csv"))
    qtbot.addWidget(panel)
    panel.load_history()
    qtbot.waitUntil(lambda: panel.history_loaded)
    assert panel.model.rowCount() == 6  # three unavailable channels for each notification
    assert panel.select_notification(nid)
    qtbot.waitUntil(lambda: panel.retry_button.isEnabled())
    assert "Notification #%d" % nid in panel.details.toPlainText() or str(nid) in panel.details.toPlainText()
    panel.retry_button.click()
    qtbot.waitUntil(lambda: store.notification(nid)["state"] == "queued")  # type: ignore[index]
    qtbot.waitUntil(lambda: panel.cancel_button.isEnabled())
    panel.cancel_button.click()
    qtbot.waitUntil(lambda: store.notification(nid)["state"] == "cancelled")  # type: ignore[index]
    panel.export_csv()
    out = Path(ctx.runtime.settings.data_dir) / "log.csv"
    qtbot.waitUntil(out.exists)
    qtbot.waitUntil(lambda: "Exported" in panel.status.text())
    text = out.read_text(encoding="utf-8-sig")
    assert len(text.splitlines()) == 7
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    assert "'=cmd|' /C calc'!A0" in cells and not any(c.startswith(("=", "+", "-", "@")) for c in cells)


def test_flood_of_100k_events_never_stalls_the_window(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    """100,000 attempts pushed through the bridge from a worker thread as fast as it can.

    The producer releases the GIL every 1,000 events, as the real dispatcher threads do on
    every commit and network call (their real ceiling is a few thousand events a second;
    this is ~50x that). The 200,000 event objects are built up front and frozen out of the
    garbage collector: they are test scaffolding, and the app freezes its own start-up heap
    the same way (app.py), so a full collection does not walk them.
    """
    import gc

    panel = LogPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(1000, 400)
    panel.show()
    bridge = ctx.bridge
    bridge._timer.start()  # the batching timer, without starting a real dispatcher
    total = 100_000
    batch = events(total)
    gc.freeze()

    def producer() -> None:
        for i, e in enumerate(batch):
            bridge.push(e)  # type: ignore[arg-type]
            if i % 1000 == 999:
                time.sleep(0.001)

    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    ticker = QTimer()
    ticker.setInterval(5)
    ticker.timeout.connect(tick)
    ticker.start()
    sizes: list[int] = []
    bridge.eventsReady.connect(lambda events: sizes.append(len(events)))
    t = threading.Thread(target=producer)
    started = time.perf_counter()
    t.start()
    qtbot.waitUntil(lambda: panel.model.rowCount() == total, timeout=60000)
    elapsed = time.perf_counter() - started
    t.join()
    ticker.stop()
    gc.unfreeze()
    worst = max(gaps)
    # The team rule: behaviour in tests, milliseconds in bench/ (a wall-clock bound here
    # failed whenever the 2-core machine was loaded). The behaviour that keeps the window
    # smooth: every batch is bounded, and the event loop kept turning between them.
    print(f"\n100,000 attempts in {elapsed:.2f} s; largest event-loop gap {worst:.0f} ms")
    assert sum(sizes) == len(batch) and max(sizes) <= bridge.max_batch
    assert len(sizes) >= len(batch) // bridge.max_batch and len(gaps) >= len(sizes) // 2


def test_history_and_live_events_never_duplicate_rows() -> None:
    from notifier_gui.core.storage.repository import AttemptRow

    model = AttemptLogModel()
    model.history_until = 10
    # A live event for an attempt the history has not loaded yet: the database will show it.
    model.apply([AttemptFinished(3, 3, "C", "email", "delivered", "ok", T0, T0)])
    assert model.rowCount() == 0
    model.load_history([
        AttemptRow(3, 3, "email", "delivered", "ok", T0, T0, None, "C"),
        AttemptRow(9, 9, "sms", None, "", T0, None, None, "I"),  # in flight when the window opened
    ])
    assert model.rowCount() == 2 and model.outcome_at(1) == "sending"
    model.apply([AttemptFinished(9, 9, "I", "sms", "interrupted", "worker stopped", T0, T0),
                 AttemptStarted(11, 11, "K", "telegram", T0)])
    assert model.rowCount() == 3 and model.outcome_at(1) == "interrupted" and model.outcome_at(2) == "sending"
    model.apply([AttemptFinished(11, 11, "K", "telegram", "delivered", "ok", T0, T0)])
    assert model.rowCount() == 3 and model.outcome_at(2) == "delivered"
