"""The log table's copy of the model's rows (ui/log/shown.py): rows follow at once, texts
are copied by a time budget per tick (the rows on screen first), and whatever happens while
texts are still being copied, the copy ends equal to the model."""
from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QTableWidget

from notifier_gui.core.delivery.dispatcher import AttemptFinished, AttemptStarted

from notifier_gui.ui.context import AppContext
from notifier_gui.ui.log.model import AttemptLogModel
from notifier_gui.ui.log.shown import ShownRows

from tests.ui.test_api_stall import _shown_equals_model
from tests.ui.test_log import T0, events, open_panel, reset_live


def _texts(shown: ShownRows, row: int) -> list[str | None]:
    return [(it.text() if (it := shown.table.item(row, c)) is not None else None)
            for c in range(shown.table.columnCount())]


def _model_texts(model: AttemptLogModel, row: int) -> list[str]:
    return [model.data(model.index(row, c)) for c in range(model.columnCount())]


def _copy(qtbot, model: AttemptLogModel, on_screen: range) -> ShownRows:  # type: ignore[no-untyped-def]
    table = QTableWidget()
    qtbot.addWidget(table)
    shown = ShownRows(model, table, lambda: on_screen)
    shown.budget_s = 0.0  # one row a tick beyond those on screen: every tick is visible here
    return shown


def test_a_page_is_copied_over_several_ticks_with_the_rows_on_screen_at_once(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = reset_live(AttemptLogModel())
    shown = _copy(qtbot, model, range(10, 20))
    model.apply([e for e in events(300) if isinstance(e, AttemptStarted)])
    assert shown.table.rowCount() == model.rowCount() == 300  # the rows themselves: at once
    for row in range(10, 20):
        assert _texts(shown, row) == _model_texts(model, row)
    assert _texts(shown, 200) == [None] * 7  # not on screen: not copied yet
    assert shown.pending == 290
    QCoreApplication.processEvents()
    assert 0 < shown.pending < 290  # a tick copies some, not all
    _shown_equals_model(qtbot, shown)


def test_rows_inserted_removed_and_changed_while_texts_are_pending_end_equal(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = reset_live(AttemptLogModel())
    model.budget = 120
    shown = _copy(qtbot, model, range(0, 5))
    started = [e for e in events(200) if isinstance(e, AttemptStarted)]
    finished = [e for e in events(200) if isinstance(e, AttemptFinished)]
    model.apply(started[:100])
    QCoreApplication.processEvents()
    model.apply(finished[:50] + started[100:])  # changes above and below the copied rows, new rows
    assert shown.pending > 0 and shown.table.rowCount() == model.rowCount() == 120  # trimmed
    QCoreApplication.processEvents()
    model.apply(finished[50:] + [AttemptFinished(None, 500, "Anna", "sms", "unavailable", "no phone",
                                                 T0, T0 + timedelta(seconds=1))])
    QCoreApplication.processEvents()
    model.newest_first = False
    model.reset(model.query, [], at_newest=True, at_oldest=True)
    assert shown.table.rowCount() == 0 and shown.pending == 0
    model.apply(events(30, start_id=300))
    _shown_equals_model(qtbot, shown)


def test_scrolling_to_rows_not_copied_yet_shows_them_at_once(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    panel = open_panel(qtbot, ctx, 900, 400)
    panel.shown.budget_s = 0.0
    panel.model.apply(events(600))
    bar = panel.table.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() >= 400)  # the view has laid out its rows
    assert _texts(panel.shown, 400) == [None] * 7  # still waiting for its turn
    bar.setValue(400)
    visible = range(panel.table.rowAt(0), panel.table.rowAt(panel.table.viewport().height() - 1) + 1)
    assert visible.start == 400 and len(visible) > 5
    assert set(visible) <= set(panel._visible_rows())
    for row in visible:  # no event processed since the scroll: copied by the scroll itself
        assert _texts(panel.shown, row) == _model_texts(panel.model, row)
    assert panel.shown.pending > 0


def test_a_copy_asked_for_in_the_middle_of_a_change_of_rows_waits_for_its_end(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The view may ask for the rows on screen while rows are being removed or inserted (a
    scroll bar moved by the change): the copy then waits, rather than copying a row of the
    model into a row of the table that is about to go."""
    model = AttemptLogModel(newest_first=False)  # oldest first: the trim is above the rows on screen
    reset_live(model)
    model.budget = 60
    shown = _copy(qtbot, model, range(10, 20))
    table_model = shown.table.model()
    asked: list[int] = []

    def ask(*_: object) -> None:
        asked.append(shown.pending)
        shown.fill_visible()

    table_model.rowsAboutToBeRemoved.connect(ask)
    table_model.rowsAboutToBeInserted.connect(ask)
    model.apply([e for e in events(50) if isinstance(e, AttemptStarted)])
    model.apply([e for e in events(40, start_id=100) if isinstance(e, AttemptStarted)])  # 30 trimmed above
    assert any(asked)  # asked in the middle of changes, with rows still to copy
    _shown_equals_model(qtbot, shown)
