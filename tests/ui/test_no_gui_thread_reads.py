"""The window never reads the database on the GUI thread: every read goes through ``ctx.tasks``.

An SQLAlchemy listener (tests/ui/gui_thread.py) records each statement run on the GUI thread
while an action happens. The recipients' Ctrl+A over rows never read, Edit, Delete's question
and the Telegram link dialog read on the GUI thread before (these tests failed then); the
window's start (the log's first page, the counts) is checked so it stays that way.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from notifier_gui.ui.context import AppContext
from notifier_gui.ui.link_dialog import TelegramLinkDialog
from notifier_gui.ui.main_window import MainWindow
from notifier_gui.ui.recipients import RecipientsView
from notifier_gui.ui.recipients.dialog import RecipientDialog

from tests.ui.gui_thread import statements_on_gui_thread
from tests.ui.test_recipients import Prompts, make_view, settle, wait_dialog
from tests.ui.test_recipients_paging import fill

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def view(qtbot: QtBot, ctx: AppContext) -> Iterator[RecipientsView]:
    fill(ctx, 1_000)  # five pages: Ctrl+A selects rows never read
    yield make_view(qtbot, ctx, Prompts(confirm=False))


def test_select_all_reads_the_ids_on_the_worker(qtbot: QtBot, ctx: AppContext, view: RecipientsView) -> None:
    assert view.model.rows_held < 1_000
    with statements_on_gui_thread(ctx.runtime.store.engine) as seen:
        view.table.selectAll()
        settle(qtbot, view)
    assert seen == []
    assert len(view.selected_ids()) == 1_000 and "1000" in view.act_compose.text()
    view.table.selectRow(3)  # a click after it: just that one, in order
    settle(qtbot, view)
    assert view.selected_ids() == [view.model.recipient_at(3).id]  # type: ignore[union-attr]


def test_edit_and_delete_read_on_the_worker(qtbot: QtBot, ctx: AppContext, view: RecipientsView) -> None:
    view.table.selectRow(0)
    settle(qtbot, view)
    with statements_on_gui_thread(ctx.runtime.store.engine) as seen:
        view.act_edit.trigger()
        dialog = wait_dialog(qtbot, view, RecipientDialog)
        assert isinstance(dialog, RecipientDialog) and dialog.edits["name"].text() == "Person 1"
        dialog.reject()
        view.act_delete.trigger()
        qtbot.waitUntil(lambda: bool(view._confirm.__self__.confirmations), timeout=5000)  # type: ignore[attr-defined]
    assert seen == []
    assert "Person 1" in view._confirm.__self__.confirmations[0]  # type: ignore[attr-defined]


def test_the_link_dialog_reads_the_recipient_on_the_worker(qtbot: QtBot, ctx: AppContext, keyring_backend) -> None:  # type: ignore[no-untyped-def]
    rid = ctx.runtime.store.add_recipient("Ivan")
    with statements_on_gui_thread(ctx.runtime.store.engine) as seen:
        dlg = TelegramLinkDialog(ctx, rid)
        qtbot.addWidget(dlg)
        dlg.show()
        qtbot.waitUntil(lambda: "not configured" in dlg.status_label.text(), timeout=5000)
    assert seen == []
    assert dlg.windowTitle() == "Link Telegram — Ivan" and "Ivan" in dlg.intro.text()


def test_a_deleted_recipient_is_said_so_in_the_link_dialog(qtbot: QtBot, ctx: AppContext) -> None:
    dlg = TelegramLinkDialog(ctx, 12345)
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: "no longer exists" in dlg.status_label.text(), timeout=5000)
    assert not dlg.polling and not dlg.retry_button.isVisible()


def test_the_window_starts_without_reading_on_the_gui_thread(qtbot: QtBot, ctx: AppContext) -> None:
    ctx.runtime.store.add_recipient("Anna", email="anna@example.org")
    with statements_on_gui_thread(ctx.runtime.store.engine) as seen:
        w = MainWindow(ctx)
        qtbot.addWidget(w)
        w.show()
        w.log.load_history()
        qtbot.waitUntil(lambda: w.log.history_loaded and not w.recipients.loading, timeout=10_000)
    assert seen == []
