"""ui/tasks.py: a call on a worker thread never leaves a Qt object to be destroyed there."""
from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

from pytestqt.qtbot import QtBot

from PySide6.QtCore import QObject, Qt

from notifier_gui.ui.tasks import Tasks


def test_a_cancelled_task_lets_its_call_go_on_the_gui_thread(qtbot: QtBot, qasync_loop: asyncio.AbstractEventLoop) -> None:
    """The task awaiting a worker's call is cancelled while the call runs (its window closed):
    the object the call belongs to is still destroyed on the GUI thread, not on the worker's
    when the call ends (before the fix the worker dropped the last reference)."""
    tasks = Tasks(qasync_loop)
    entered, release = threading.Event(), threading.Event()
    destroyed_on: list[int] = []

    class Page(QObject):
        def read(self) -> int:
            entered.set()
            release.wait(10)
            return 1

    page = Page()
    page.destroyed.connect(lambda: destroyed_on.append(threading.get_ident()), Qt.ConnectionType.DirectConnection)

    async def show(read: Callable[[], int]) -> None:
        await tasks.run(read)

    task = tasks.start(show(page.read))
    del page  # the window lets go of it; only the task's call still refers to it
    qtbot.waitUntil(entered.is_set)
    task.cancel()
    qtbot.waitUntil(task.done)
    del task  # (its CancelledError's traceback holds the coroutine's frame, and so the method)
    release.set()
    qtbot.waitUntil(lambda: bool(destroyed_on), timeout=10_000)
    assert destroyed_on == [threading.get_ident()]
    tasks.shutdown()
