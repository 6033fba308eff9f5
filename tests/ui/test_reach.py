"""Reachable via names only the channels that are set up, and Compose says before sending
how many chosen recipients no set-up channel reaches (#13 item 8)."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from PySide6.QtCore import Qt

from notifier_gui.ui.context import AppContext
from notifier_gui.ui.main_window import MainWindow
from notifier_gui.ui.recipients.model import Column

from tests.ui.conftest import shot

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


@pytest.fixture
def email_only(ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppContext]:
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("DEFAULT_FROM_EMAIL", "ops@example.org")
    ctx.runtime.reload()
    yield ctx


def test_only_configured_channels_count(qtbot, email_only: AppContext) -> None:  # type: ignore[no-untyped-def]
    ctx = email_only
    store = ctx.runtime.store
    anna = store.add_recipient("Anna", email="anna@example.org", phone="+79161234567")
    boris = store.add_recipient("Boris", phone="+79161234568")
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.resize(1180, 780)
    with qtbot.waitSignal(w.modeShown, timeout=5000):
        w.show()
    try:
        model = w.recipients.model
        qtbot.waitUntil(lambda: model.rowCount() == 2)
        text = {model.recipient_at(r).name: model.index(r, Column.REACHABLE) for r in range(2)}
        assert text["Anna"].data() == "Email"  # not "Email · SMS": SMS is not set up
        assert text["Boris"].data() == "No channel"
        assert "SMS is not set up in Settings." in text["Boris"].data(Qt.ItemDataRole.ToolTipRole)  # ToolTipRole

        compose = w.compose
        compose.set_recipients([anna, boris])
        qtbot.waitUntil(lambda: not compose.audience.unreachable_note.isHidden())
        assert "1 of the 2" in compose.audience.unreachable_note.text() and "Boris" in compose.audience.unreachable_note.text()
        w.tabs.setCurrentIndex(1)
        shot(w, "compose-unreachable.png")
        compose.set_recipients([anna])
        qtbot.waitUntil(lambda: compose.audience.unreachable_note.isHidden())
    finally:
        w.quit_for_real(confirm=False)


def test_sandbox_counts_every_address(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    ctx.runtime.store.add_recipient("Boris", phone="+79161234568")
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.modeShown, timeout=5000):
        w.show()
    try:
        model = w.recipients.model
        qtbot.waitUntil(lambda: model.rowCount() == 1)
        assert model.index(0, Column.REACHABLE).data() == "SMS"  # the outbox takes it
    finally:
        w.quit_for_real(confirm=False)
