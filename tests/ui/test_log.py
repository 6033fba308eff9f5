"""The delivery log: model correctness, filters, and a flood of 100,000 events."""
from __future__ import annotations

import csv
import io
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from PySide6.QtCore import QTimer

from notifier_gui.core.delivery.dispatcher import AttemptFinished, AttemptStarted, NotificationUpdated
from notifier_gui.core.storage.history import LogQuery

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


def open_panel(qtbot, ctx: AppContext, width: int = 900, height: int = 300) -> LogPanel:  # type: ignore[no-untyped-def]
    """A shown log panel with its first page read."""
    panel = LogPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(width, height)
    panel.show()
    panel.load_history()
    qtbot.waitUntil(lambda: panel.history_loaded)
    return panel


def reset_live(model: AttemptLogModel, query: LogQuery = LogQuery()) -> AttemptLogModel:
    """An empty window at the newest end, as after the first read of an empty database."""
    model.reset(query, [], at_newest=True, at_oldest=True)
    return model


def test_model_contract(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = reset_live(AttemptLogModel())
    model.apply(events(30))
    model.apply([AttemptFinished(None, 99, "Anna", "sms", "unavailable", "no phone", T0, T0)])
    qtmodeltester.check(model)
    assert model.rowCount() == 31 and model.notification_at(0) == 99  # newest first
    older = reset_live(AttemptLogModel(newest_first=False))
    older.apply(events(30))
    qtmodeltester.check(older)
    assert older.notification_at(0) == 1


def test_started_then_finished_updates_one_row() -> None:
    model = reset_live(AttemptLogModel())
    model.apply([AttemptStarted(5, 1, "Анна", "email", T0)])
    assert model.rowCount() == 1 and model.outcome_at(0) == "sending"
    model.apply([AttemptFinished(5, 1, "Анна", "email", "delivered", "accepted", T0, T0 + timedelta(seconds=2))])
    assert model.rowCount() == 1 and model.outcome_at(0) == "delivered" and model.duration(0) == 2.0
    model.apply([NotificationUpdated(1, "Анна", "delivered", "email")])  # not a row
    assert model.rowCount() == 1


def test_live_rows_enter_while_a_filter_is_set_only_when_they_match() -> None:
    f = LogFilter()
    model = reset_live(AttemptLogModel(), f.set_channel("sms"))
    model.apply(events(9))
    model.apply([AttemptFinished(None, 100, "Борис", "sms", "unavailable", "the recipient has no phone number", T0, T0)])
    assert model.rowCount() == 1
    reset_live(model, f.set_text("борис"))  # case-insensitive, Cyrillic included
    model.apply([AttemptFinished(None, 100, "Борис", "sms", "unavailable", "no phone", T0, T0),
                 AttemptFinished(None, 101, "Анна", "sms", "unavailable", "no phone", T0, T0)])
    assert [model.notification_at(r) for r in range(model.rowCount())] == [100]
    f.set_channel(None)
    reset_live(model, f.set_text("#3"))
    model.apply(events(9))
    assert [model.notification_at(r) for r in range(model.rowCount())] == [3]
    f.set_text("")
    reset_live(model, f.set_outcome_group("delivered"))
    model.apply(events(9))
    assert model.rowCount() == 3  # a started row does not match "delivered"; its finish does
    model.reset(f.query, [], at_newest=False, at_oldest=True)  # scrolled away from the newest
    model.apply(events(9, start_id=50))
    assert model.rowCount() == 0


def test_the_window_never_holds_more_than_its_budget() -> None:
    model = reset_live(AttemptLogModel())
    model.apply(events(5000))
    assert model.rowCount() == model.budget
    assert model.notification_at(0) == 5000 and not model.at_oldest


def test_panel_shows_live_attempts_and_follows(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    panel = open_panel(qtbot, ctx, 900, 300)
    panel.apply_events(events(200))
    assert panel.model.rowCount() == 200 and panel.model.notification_at(0) == 200
    bar = panel.table.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    assert bar.value() == 0 and panel.following  # newest on top, shown
    bar.setValue(50)  # the operator scrolls down into older rows: following pauses
    assert not panel.following
    first = panel.model.notification_at(panel.table.rowAt(0))
    panel.apply_events(events(50, start_id=1000))
    assert panel.model.notification_at(panel.table.rowAt(0)) == first  # the view did not move


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
    assert f"Notification #{nid} to " in panel.details.toPlainText()  # this one, not the other (#{other})
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


def test_flood_of_events_never_stalls_the_window(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    """5,000 attempts pushed through the bridge from a worker thread as fast as it can
    (bench/ pushes 100,000 and measures the stall in milliseconds; here the behaviour).

    The producer releases the GIL every 1,000 events, as the real dispatcher threads do on
    every commit and network call (their real ceiling is a few thousand events a second;
    this is ~50x that). The 10,000 event objects are built up front and frozen out of the
    garbage collector: they are test scaffolding, and the app freezes its own start-up heap
    the same way (app.py), so a full collection does not walk them.
    """
    import gc

    panel = open_panel(qtbot, ctx, 1000, 400)
    bridge = ctx.bridge
    bridge._timer.start()  # the batching timer, without starting a real dispatcher
    total = 5_000
    batch = events(total)
    gc.freeze()

    def producer() -> None:
        for i, e in enumerate(batch):
            bridge.push(e)  # type: ignore[arg-type]
            if i % 1000 == 999:
                time.sleep(0.001)

    order: list[str] = []  # "t": the ticker ran, "b": a batch was applied

    def tick() -> None:
        order.append("t")

    ticker = QTimer()
    ticker.setInterval(5)
    ticker.timeout.connect(tick)
    ticker.start()
    sizes: list[int] = []

    def applied(b: list[object]) -> None:
        sizes.append(len(b))
        order.append("b")

    bridge.eventsReady.connect(applied)
    t = threading.Thread(target=producer)
    t.start()
    qtbot.waitUntil(lambda: sum(sizes) == 2 * total, timeout=120000)
    t.join()
    ticker.stop()
    gc.unfreeze()
    # The stall in milliseconds depends on the machine and its load: bench/ measures it
    # (window section). What the design promises, and what is asserted here: the flood is
    # applied in bounded batches, and the event loop runs (timers fire) between them.
    assert sum(sizes) == 2 * total
    assert panel.model.rowCount() == panel.model.budget and panel.model.notification_at(0) == total
    assert max(sizes[1:]) < max(sizes[0], bridge.max_batch) or len(sizes) == 1
    # The ticker (5 ms) is due between two batches (>= 10 ms apart): if it never ran between
    # them, a batch held the event loop.
    assert "bb" not in "".join(order), "two batches were applied with no other timer in between"


def test_history_and_live_events_never_duplicate_rows() -> None:
    from notifier_gui.core.records import AttemptRow

    model = AttemptLogModel()
    # A live event before the first page is read: the database will show it.
    model.apply([AttemptFinished(3, 3, "C", "email", "delivered", "ok", T0, T0)])
    assert model.rowCount() == 0
    model.reset(LogQuery(), [
        AttemptRow(3, 3, "email", "delivered", "ok", T0, T0, None, "C"),
        AttemptRow(9, 9, "sms", None, "", T0, None, None, "I"),  # in flight when the window opened
    ], at_newest=True, at_oldest=True)
    assert model.rowCount() == 2 and model.outcome_at(0) == "sending"
    model.apply([AttemptFinished(9, 9, "I", "sms", "interrupted", "worker stopped", T0, T0),
                 AttemptStarted(11, 11, "K", "telegram", T0)])
    assert model.rowCount() == 3 and model.outcome_at(1) == "interrupted" and model.outcome_at(0) == "sending"
    # The catch-up read after the first page returns a row live events already brought.
    model.add_newer([AttemptRow(11, 11, "telegram", None, "", T0, None, None, "K"),
                     AttemptRow(10, 10, "email", "delivered", "ok", T0, T0, None, "J")], reached_newest=True)
    assert [model.attempt_id_at(r) for r in range(model.rowCount())] == [11, 10, 9, 3]
    model.apply([AttemptFinished(11, 11, "K", "telegram", "delivered", "ok", T0, T0)])
    assert model.rowCount() == 4 and model.outcome_at(0) == "delivered"
    # A live row without an id (an unavailable channel) and then its database row: one row.
    model.apply([AttemptFinished(None, 12, "L", "sms", "unavailable", "no phone", T0, T0)])
    assert model.rowCount() == 5
    model.add_newer([AttemptRow(12, 12, "sms", "unavailable", "no phone", T0, T0, None, "L")], reached_newest=True)
    assert [model.attempt_id_at(r) for r in range(model.rowCount())] == [12, 11, 10, 9, 3]


def fill_history(ctx: AppContext, n: int) -> list[int]:
    """``n`` finished attempts written straight into the database (one notification each)."""
    from sqlalchemy import insert

    from notifier_gui.core.storage.schema import ATTEMPTS

    store = ctx.runtime.store
    rids = [store.add_recipient(name) for name in ("Анна Смирнова", "Boris Becker", "Clara")]
    nids = store.enqueue([rids[i % 3] for i in range(n)], "hello")
    with store.engine.begin() as c:
        c.execute(insert(ATTEMPTS), [
            {"notification_id": nid, "channel": ("email", "sms", "telegram")[i % 3],
             "started_at": T0 + timedelta(minutes=i), "finished_at": T0 + timedelta(minutes=i, seconds=1),
             "outcome": ("delivered", "transient", "permanent", "delivered")[i % 4],
             "detail": f"row {i}" + (" mailbox full" if i % 100 == 7 else ""), "round_no": 0, "try_no": 1}
            for i, nid in enumerate(nids)])
    return nids


def shown_ids(panel: LogPanel) -> list[int]:
    return [panel.model.attempt_id_at(r) for r in range(panel.model.rowCount())]


def test_scrolling_far_back_loads_the_right_pages_within_the_budget(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    fill_history(ctx, 3000)
    panel = open_panel(qtbot, ctx, 900, 300)
    model = panel.model
    assert shown_ids(panel) == list(range(3000, 3000 - model.page_size, -1))
    bar = panel.table.verticalScrollBar()
    most = 0
    while not model.at_oldest:  # the operator drags the scroll bar to the bottom, again and again
        before = model.oldest_id
        bar.setValue(bar.maximum())
        qtbot.waitUntil(lambda before=before: model.oldest_id != before or model.at_oldest, timeout=5000)
        most = max(most, model.rowCount())
        ids = shown_ids(panel)
        assert ids == list(range(ids[0], ids[0] - len(ids), -1))  # contiguous, newest first
    assert most <= model.budget and shown_ids(panel)[-1] == 1 and not model.at_newest
    while not model.at_newest:  # and back up to the newest
        before = model.newest_id
        bar.setValue(0)
        qtbot.waitUntil(lambda before=before: model.newest_id != before or model.at_newest, timeout=5000)
        assert model.rowCount() <= model.budget
    assert shown_ids(panel)[0] == 3000
    panel.go_oldest()
    qtbot.waitUntil(lambda: model.rowCount() and shown_ids(panel)[-1] == 1 and model.at_oldest)


def test_filters_run_as_sql_over_the_whole_history(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    nids = fill_history(ctx, 3000)
    panel = open_panel(qtbot, ctx, 900, 300)
    panel.search.setText("mailbox")
    qtbot.waitUntil(lambda: panel.history_loaded and panel.model.query.words == ("mailbox",))
    assert shown_ids(panel) == [i + 1 for i in range(2999, -1, -1) if i % 100 == 7]  # 30 rows, oldest included
    panel.search.setText(f"#{nids[5]}")
    qtbot.waitUntil(lambda: panel.history_loaded and panel.model.query.notification_id == nids[5])
    assert shown_ids(panel) == [6]
    panel.search.setText("смирнова")
    panel.channel.setCurrentIndex(panel.channel.findData("email"))
    qtbot.waitUntil(lambda: panel.history_loaded and panel.model.query.channel == "email"
                    and panel.model.query.words == ("смирнова",))
    assert panel.model.rowCount() == panel.model.page_size  # a page of the 1,000 matches
    assert all(panel.model.attempt_id_at(r) % 3 == 1 for r in range(panel.model.rowCount()))


def test_a_newer_filter_cancels_the_older_one(qtbot, ctx: AppContext, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    fill_history(ctx, 300)
    panel = LogPanel(ctx)
    qtbot.addWidget(panel)
    panel.load_history()
    qtbot.waitUntil(lambda: panel.history_loaded)
    release = threading.Event()
    gave_up: list[bool] = []
    real_page = panel.history.page

    def slow_page(q, limit, before=None, after=None, cancelled=None):  # type: ignore[no-untyped-def]
        if q.channel == "sms":  # the first filter: held until the second one has been shown
            release.wait(10)
            gave_up.append(bool(cancelled and cancelled()))
        return real_page(q, limit, before, after, cancelled)

    monkeypatch.setattr(panel.history, "page", slow_page)
    panel.set_query(panel.filter.set_channel("sms"))
    panel.set_query(panel.filter.set_channel("telegram"))
    qtbot.waitUntil(lambda: panel.history_loaded)
    release.set()
    qtbot.waitUntil(lambda: gave_up == [True])
    qtbot.waitUntil(lambda: ctx.tasks.pending == 0)  # the abandoned read's result reached the GUI thread
    assert panel.model.query.channel == "telegram"
    assert {panel.model.index(r, 3).data() for r in range(panel.model.rowCount())} == {"telegram"}


def test_export_streams_every_matching_row_from_sql(qtbot, ctx: AppContext, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fill_history(ctx, 2500)
    out = tmp_path / "log.csv"
    panel = LogPanel(ctx, ask_save_path=lambda: str(out))
    qtbot.addWidget(panel)
    panel.set_query(panel.filter.set_outcome_group("delivered"))
    qtbot.waitUntil(lambda: panel.history_loaded)
    panel.export_csv()
    qtbot.waitUntil(lambda: "Exported" in panel.status.text(), timeout=10000)
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 1 + 1250 and {r[4] for r in rows[1:]} == {"delivered"}
    assert panel.export_dialog.maximum() == 1250


def test_a_finish_that_arrives_while_the_page_is_read_is_not_lost(qtbot, ctx: AppContext, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The page read sees an attempt in flight; its finish event reaches the window before
    the page does. The row must end finished, not stay "sending" until the next reload."""
    from sqlalchemy import insert

    from notifier_gui.core.storage.schema import ATTEMPTS

    store = ctx.runtime.store
    nid = store.enqueue([store.add_recipient("Анна")], "hello")[0]
    with store.engine.begin() as c:
        aid = c.execute(insert(ATTEMPTS).values(notification_id=nid, channel="email", started_at=T0,
                                                detail="", round_no=0, try_no=1)).inserted_primary_key[0]
    panel = LogPanel(ctx)
    qtbot.addWidget(panel)
    read, go_on = threading.Event(), threading.Event()
    real_page = panel.history.page

    def page_then_wait(*args, **kwargs):  # type: ignore[no-untyped-def]
        rows = real_page(*args, **kwargs)
        if not read.is_set():
            read.set()
            go_on.wait(10)
        return rows

    monkeypatch.setattr(panel.history, "page", page_then_wait)
    panel.load_history()
    qtbot.waitUntil(read.is_set)  # the page holds the attempt in flight
    panel.apply_events([AttemptFinished(aid, nid, "Анна", "email", "delivered", "ok", T0, T0 + timedelta(seconds=1))])
    go_on.set()
    qtbot.waitUntil(lambda: panel.history_loaded)
    assert [panel.model.outcome_at(r) for r in range(panel.model.rowCount())] == ["delivered"]


def test_an_event_without_an_attempt_id_never_doubles_its_database_row() -> None:
    """An unavailable channel's event carries no attempt id. If the page read already holds
    its database row (the event waited while the page was read), it adds no second row."""
    from notifier_gui.core.records import AttemptRow

    model = AttemptLogModel()
    t = T0 + timedelta(seconds=5)
    model.reset(LogQuery(), [AttemptRow(5, 4, "email", "unavailable", "no address", t, t, None, "Д")],
                at_newest=True, at_oldest=True)
    model.apply([AttemptFinished(None, 4, "Д", "email", "unavailable", "no address", t, t)])
    assert model.rowCount() == 1
    model.apply([AttemptFinished(None, 4, "Д", "sms", "unavailable", "no phone", t, t)])  # a new one
    assert model.rowCount() == 2


def test_the_message_templates_load_on_a_worker_before_the_first_page(qtbot, ctx: AppContext, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Reading back a detail stored before the codes imports every channel's templates (with
    requests: ~0.7 s cold); the log has that done on a worker thread, not on the GUI thread."""
    import notifier_gui.ui.log.panel as panel_module

    threads: list[threading.Thread] = []
    real = panel_module.load_templates
    monkeypatch.setattr(panel_module, "load_templates", lambda: (threads.append(threading.current_thread()), real()))
    panel = LogPanel(ctx)
    qtbot.addWidget(panel)
    panel.load_history()
    qtbot.waitUntil(lambda: panel.history_loaded, timeout=10_000)
    assert threads and all(t is not threading.main_thread() for t in threads)
