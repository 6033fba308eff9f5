"""What bounds the window's event-loop stall while its REST API is busy (bench/measure.py
``api_window_stall`` measures the stall itself; these assert the behaviour behind it):

- the API's requests reach the window once per committed batch: one names query per batch,
  on the API's writer thread, never on the GUI thread, and one wake-up of the worker;
- a tick of the bridge becomes one row insertion in the log model, whatever the number of
  requests in it, and reads nothing from the database on the GUI thread;
- painting the log table never calls into the Python model (each call takes the GIL, which
  the delivery and API threads hold most of the time under load); the table's C++ copy of
  the rows stays equal to the model through inserts, updates, trims and resets.
"""
from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTableWidget

from notifier_gui.core.delivery.dispatcher import AttemptFinished, AttemptStarted
from notifier_gui.core.sending import Queued

from notifier_gui.ui.api_control import ApiControl
from notifier_gui.ui.context import AppContext
from notifier_gui.ui.log.model import COL_DETAIL, COL_OUTCOME, AttemptLogModel
from notifier_gui.ui.log.panel import LogPanel
from notifier_gui.ui.log.shown import ShownRows

from notifier_gui.api.batcher import Batcher, Send

from tests.ui.test_log import T0, events, open_panel, reset_live

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


class Statements:
    """Every SQL statement the store's engines run, with the thread that ran it."""

    def __init__(self, ctx: AppContext) -> None:
        self.seen: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        store = ctx.runtime.store
        self.engines = {id(e): e for e in (store.engine, getattr(store, "_writer", store.engine))}.values()
        for e in self.engines:
            event.listen(e, "before_cursor_execute", self._record)

    def _record(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        with self._lock:
            self.seen.append((threading.current_thread().name, statement))

    def close(self) -> None:
        for e in self.engines:
            event.remove(e, "before_cursor_execute", self._record)

    def recipient_reads(self) -> list[str]:
        """Threads that read recipients (the names of the log rows)."""
        return [t for t, s in self.seen if s.lstrip().upper().startswith("SELECT") and "FROM recipients" in s]

    def on_gui_thread(self) -> list[str]:
        return [s for t, s in self.seen if t == threading.main_thread().name]


@pytest.fixture
def statements(ctx: AppContext) -> Iterator[Statements]:
    s = Statements(ctx)
    yield s
    s.close()


def test_a_batch_of_api_requests_reads_its_names_once_on_the_writer_thread(
        qtbot, ctx: AppContext, statements: Statements) -> None:  # type: ignore[no-untyped-def]
    rt = ctx.runtime
    anna = rt.store.add_recipient("Анна", email="anna@example.org")
    boris = rt.store.add_recipient("Борис", email="boris@example.org")
    control = ApiControl(rt, ctx.tasks, ctx.bridge)
    wakes: list[str] = []
    real_wake = ctx.bridge.wake
    ctx.bridge.wake = lambda: (wakes.append(threading.current_thread().name), real_wake())  # type: ignore[method-assign]
    batcher = Batcher(rt, control._queued)

    def run(coro: Any) -> Any:  # as Uvicorn does: the requests' loop on a thread of its own
        out: list[Any] = []
        runner = threading.Thread(target=lambda: out.append(asyncio.run(coro)), name="test-clients")
        runner.start()
        qtbot.waitUntil(lambda: bool(out), timeout=20_000)
        runner.join()
        return out[0]

    # A batch of one request: what the store and the window read per batch (after a first
    # one, which also reads what the store caches).
    run(batcher.enqueue(Send([anna], "", "warm", None, "API 127.0.0.1")))
    statements.seen.clear()
    run(batcher.enqueue(Send([anna], "", "alone", None, "API 127.0.0.1")))
    per_batch = len(statements.recipient_reads())
    assert per_batch >= 1
    ctx.bridge._pending.clear()
    wakes.clear()
    statements.seen.clear()

    async def main() -> list[list[int]]:
        # The store's write lock held: the writer takes the first send and waits; the 40
        # sent meanwhile wait together and are committed (and reported) as one batch.
        with rt.store._write_lock:
            first = asyncio.ensure_future(batcher.enqueue(Send([anna], "", "first", None, "API 127.0.0.1")))
            for _ in range(3000):
                await asyncio.sleep(0.001)
                if not batcher._items:
                    break
            rest = [asyncio.ensure_future(batcher.enqueue(Send([(anna, boris)[i % 2]], "", f"m{i}", None,
                                                               "API 127.0.0.1"))) for i in range(40)]
            await asyncio.sleep(0)
        return await asyncio.gather(first, *rest)

    results = run(main())
    batcher.close()
    assert batcher.commits == 4
    # The batch of 40 read recipients as often as the batch of one did (the names once per
    # batch, not per request), all on the API's writer thread.
    assert statements.recipient_reads() == ["notifier-api-writer"] * (2 * per_batch)
    assert statements.on_gui_thread() == []
    assert wakes == ["notifier-api-writer"] * 2  # the worker woken once per batch
    queued = list(ctx.bridge._pending)
    assert all(isinstance(e, Queued) for e in queued) and len(queued) == 41  # a log row per request
    assert [e.notification_ids for e in queued] == [tuple(r) for r in results]
    assert [e.recipients for e in queued] == [("Анна",)] + [(("Анна", "Борис")[i % 2],) for i in range(40)]
    assert {e.source for e in queued} == {"API 127.0.0.1"}


def _queued_events(n: int, first_nid: int = 1) -> list[Queued]:
    return [Queued((first_nid + i,), (f"Person {i}",), "API 127.0.0.1", T0.timestamp() + i) for i in range(n)]


def test_a_tick_of_many_requests_is_one_row_insertion_and_no_database_read(
        qtbot, ctx: AppContext, statements: Statements) -> None:  # type: ignore[no-untyped-def]
    panel = open_panel(qtbot, ctx)
    model, table_model = panel.model, panel.table.model()
    inserted: list[tuple[int, int]] = []
    changed: list[int] = []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.dataChanged.connect(lambda *_: changed.append(1))
    statements.seen.clear()
    bridge = ctx.bridge

    def tick() -> None:  # one tick of the bridge that takes all that waits (its time budget is not under test)
        bridge.batch_size = 1000
        bridge.flush()

    bridge.push_many(_queued_events(300))
    tick()
    assert inserted == [(0, 299)]  # 300 requests: one insertion, not one per request
    assert changed == []
    assert table_model.rowCount() == model.rowCount() == 300
    # Attempts start and finish for what was queued: still one insertion per tick, and the
    # finished ones shown already are one dataChanged.
    inserted.clear()
    batch: list[Any] = []
    for nid in range(1, 151):
        t = T0 + timedelta(seconds=nid)
        batch.append(AttemptStarted(nid, nid, f"Person {nid}", "email", t))
    bridge.push_many(batch)
    tick()
    bridge.push_many([AttemptFinished(nid, nid, f"Person {nid}", "email", "delivered", "ok",
                                      T0 + timedelta(seconds=nid), T0 + timedelta(seconds=nid, milliseconds=5))
                      for nid in range(1, 151)])
    tick()
    assert len(inserted) == 1 and len(changed) == 1
    assert table_model.rowCount() == model.rowCount() == 450
    assert [model.attempt_id_at(r) for r in range(150)] == list(range(150, 0, -1))  # every attempt shown
    assert {model.outcome_at(r) for r in range(150)} == {"delivered"}
    assert statements.on_gui_thread() == []  # applying a tick reads nothing from the database


def test_one_out_of_order_attempt_does_not_split_a_tick_into_row_by_row_inserts() -> None:
    model = reset_live(AttemptLogModel())
    model.apply(events(8) + events(1, start_id=10))  # attempts 1..8 and 10
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    # Attempt 9 started on another delivery thread just before 10 did, and its event comes
    # later: an id below the newest one shown (10), in a tick with 50 newer ones.
    late = AttemptStarted(9, 9, "Late", "sms", T0)
    model.apply([late, *[AttemptStarted(i, i, f"P{i}", "email", T0) for i in range(11, 61)]])
    assert len(inserted) == 2  # the late row in its place, then one block of 50
    assert model.rowCount() == 60  # 1..60
    ids = [model.attempt_id_at(r) for r in range(model.rowCount())]
    keys = [model._rows.key[i] for i in range(len(model._rows))]
    assert keys == sorted(keys) and ids[0] == 60 and ids[-1] == 1


def _shown_equals_model(qtbot, shown: ShownRows) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: shown.pending == 0)  # the texts are copied by a budget per tick
    source, copy = shown.source, shown.model
    assert copy.rowCount() == source.rowCount()
    for row in range(source.rowCount()):
        for col in range(source.columnCount()):
            s, c = source.index(row, col), copy.index(row, col)
            assert copy.data(c) == source.data(s), (row, col)
        want = source.data(source.index(row, COL_OUTCOME), Qt.ItemDataRole.ForegroundRole)
        got = copy.data(copy.index(row, COL_OUTCOME), Qt.ItemDataRole.ForegroundRole)
        assert (QColor(got.color()) if got is not None else None) == want, row
        tip = source.data(source.index(row, COL_DETAIL), Qt.ItemDataRole.ToolTipRole)
        assert (copy.data(copy.index(row, COL_DETAIL), Qt.ItemDataRole.ToolTipRole) or None) == tip, row


def test_the_tables_copy_follows_the_model_through_inserts_updates_trims_and_resets(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = reset_live(AttemptLogModel())
    model.budget = 40
    table = QTableWidget()
    qtbot.addWidget(table)
    shown = ShownRows(model, table)
    assert [shown.model.headerData(c, Qt.Orientation.Horizontal) for c in range(7)] == \
           [model.headerData(c, Qt.Orientation.Horizontal) for c in range(7)]
    started = [e for e in events(30) if isinstance(e, AttemptStarted)]
    finished = [e for e in events(30) if isinstance(e, AttemptFinished)]
    model.apply(started[:20])
    _shown_equals_model(qtbot, shown)
    model.apply(finished[:10] + started[20:] + _queued_events(5, 100))  # updates + new rows together
    _shown_equals_model(qtbot, shown)
    model.apply(finished[10:] + [AttemptFinished(None, 200, "Anna", "sms", "unavailable", "no phone", T0, T0)])
    _shown_equals_model(qtbot, shown)
    model.apply(events(30, start_id=31))  # past the budget: the oldest rows go
    assert model.rowCount() == 40
    _shown_equals_model(qtbot, shown)
    model.newest_first = False
    model.reset(model.query, [], at_newest=True, at_oldest=True)
    assert shown.model.rowCount() == 0
    model.apply(events(5, start_id=100))
    _shown_equals_model(qtbot, shown)


class CountingModel(AttemptLogModel):
    """The log model, counting the calls that reach it from Qt (each one takes the GIL)."""

    calls = 0

    def rowCount(self, parent: Any = QModelIndex()) -> int:
        CountingModel.calls += 1
        return super().rowCount(parent)

    def columnCount(self, parent: Any = QModelIndex()) -> int:
        CountingModel.calls += 1
        return super().columnCount(parent)

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        CountingModel.calls += 1
        return super().data(index, role)


def test_painting_the_log_table_never_calls_into_the_python_model(
        qtbot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import notifier_gui.ui.log.panel as panel_module

    monkeypatch.setattr(panel_module, "AttemptLogModel", CountingModel)
    panel: LogPanel = open_panel(qtbot, ctx, 1000, 400)
    assert isinstance(panel.model, CountingModel)
    panel.model.apply(events(200))
    assert panel.table.model().rowCount() == 200
    qtbot.waitUntil(lambda: panel.table.viewport().isVisible())
    CountingModel.calls = 0
    panel.table.viewport().repaint()  # a whole frame of the table, painted now
    assert CountingModel.calls == 0
    # ... and it shows what the model says (the newest first).
    first = panel.table.model().index(0, 1)
    assert first.data() == panel.model.data(panel.model.index(0, 1)) == "#200"
