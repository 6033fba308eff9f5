"""Compose's confirmations (many recipients; the same text again): a window-modal Yes/No
awaited without a nested event loop, or whatever a test injects in its place."""
from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from ..tasks import alive

Confirm = Callable[..., bool | Awaitable[bool]]


async def confirmed(confirm: Confirm, arg: object) -> bool:
    """``confirm(arg)``, awaited if it returns an awaitable."""
    answer = confirm(arg)
    if inspect.isawaitable(answer):
        answer = await answer
    return bool(answer)


async def question(parent: QWidget, loop: asyncio.AbstractEventLoop, title: str, text: str) -> bool:
    """A window-modal Yes/No box over ``parent``, awaited (no exec())."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    future = loop.create_future()

    def done(result: int) -> None:
        if not future.done():
            future.set_result(result == QMessageBox.StandardButton.Yes.value)

    box.finished.connect(done)
    box.open()
    try:
        return bool(await future)
    finally:
        if alive(box):
            box.deleteLater()
