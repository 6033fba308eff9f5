"""The Compose audience changes only by an explicit action in Compose (#13 item 3): a click
on the Recipients tab offers "Use selection (N)" but never changes who gets the message,
and the Send button always names the count."""
from __future__ import annotations

import pytest

from PySide6.QtCore import Qt

from notifier_gui.ui.context import AppContext
from notifier_gui.ui.main_window import MainWindow

from tests.ui.conftest import shot
from tests.ui.test_main_window import window  # noqa: F401  (the shared fixture)

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


def test_clicking_a_recipient_row_does_not_change_the_audience(qtbot, ctx: AppContext,  # type: ignore[no-untyped-def]
                                                               window: MainWindow) -> None:
    store = ctx.runtime.store
    ids = [store.add_recipient(f"Person {n}", email=f"p{n}@example.org") for n in range(3)]
    window.recipients.refresh()
    compose = window.compose
    compose.set_recipients([ids[0]])
    qtbot.waitUntil(lambda: compose.audience.recipient_model.rowCount() == 1 and "Person 0" in
                    compose.audience.recipient_model.item(0).text())
    assert compose.send_button.text() == "Send to 1 recipient"
    assert not compose.audience.use_selection_button.isEnabled()

    table = window.recipients.table
    qtbot.waitUntil(lambda: table.model().rowCount() == 3)
    # the operator looks at a phone number: one click on a row, then select all of them
    rect = table.visualRect(table.model().index(2, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: compose.audience.use_selection_button.text() == "&Use selection (1)")
    table.selectAll()
    qtbot.waitUntil(lambda: compose.audience.use_selection_button.text() == "&Use selection (3)")
    assert compose.recipient_ids() == [ids[0]]  # unchanged: nothing but Compose changes it
    assert compose.send_button.text() == "Send to 1 recipient"

    window.tabs.setCurrentIndex(1)
    shot(compose, "compose-use-selection.png")
    qtbot.mouseClick(compose.audience.use_selection_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: sorted(compose.recipient_ids()) == sorted(ids))
    assert compose.send_button.text() == "Send to 3 recipients"


def test_many_confirmation_names_the_count(qtbot, ctx: AppContext, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    store = ctx.runtime.store
    ids = [store.add_recipient(f"P{n}", email=f"m{n}@example.org") for n in range(12)]
    asked: list[int] = []
    window.compose.confirm_many = lambda count: asked.append(count) or False
    window.compose.set_recipients(ids)
    qtbot.waitUntil(lambda: window.compose.send_button.text() == "Send to 12 recipients")
    window.compose.message.setPlainText("hello")
    window.compose.send()
    qtbot.waitUntil(lambda: window.compose.status.text() == "Not sent.")
    assert asked == [12]


def test_send_and_its_feedback_stay_in_view_on_a_small_screen(qtbot, ctx: AppContext,  # type: ignore[no-untyped-def]
                                                              window: MainWindow) -> None:
    """#13 items 4 and 5: Send sits outside the scrolling page; queuing shows a busy bar and the count."""
    from PySide6.QtCore import QSize
    from PySide6.QtWidgets import QScrollArea

    from notifier_gui.ui.main_window import first_size

    assert first_size(QSize(1366, 728)) == QSize(1180, 688)  # a 1366x768 laptop minus its panel
    assert first_size(QSize(2560, 1400)) == QSize(1180, 780)
    window.resize(1024, 600)
    window.tabs.setCurrentIndex(1)
    compose = window.compose
    scroll = window.tabs.currentWidget().findChild(QScrollArea)
    assert scroll is not None and not scroll.isAncestorOf(compose.send_bar)
    qtbot.waitUntil(lambda: not compose.send_button.visibleRegion().isEmpty())

    store = ctx.runtime.store
    ids = [store.add_recipient(f"Q{n}", email=f"q{n}@example.org") for n in range(3)]
    compose.set_recipients(ids)
    qtbot.waitUntil(lambda: compose.send_button.text() == "Send to 3 recipients")
    compose.message.setPlainText("hello")
    with qtbot.waitSignal(compose.sent, timeout=10_000):
        compose.send()
        assert compose.progress.isVisible() and "3" in compose.status.text()
    assert not compose.progress.isVisible() and compose.status.text() == "Queued 3 notifications."
