"""Which SQL statements ran on the GUI thread: the window reads the database only through ``ctx.tasks``.

An SQLAlchemy ``before_cursor_execute`` listener records every statement whose thread is the
GUI thread (the one the QApplication lives on) while the ``with`` block runs.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from PySide6.QtWidgets import QApplication


@contextmanager
def statements_on_gui_thread(engine: Engine) -> Iterator[list[str]]:
    app = QApplication.instance()
    assert app is not None
    gui = app.thread()
    seen: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if gui.isCurrentThread():
            seen.append(" ".join(statement.split())[:120])

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)
