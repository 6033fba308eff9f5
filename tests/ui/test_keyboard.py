"""Keyboard-only use (#13 item 9): Tab leaves the message box, Enter in the recipient picker
adds the current person, the main window has mnemonics."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from notifier_gui.ui.compose import ComposeView, RecipientPicker
from notifier_gui.ui.context import AppContext
from notifier_gui.ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


def test_tab_leaves_the_message_box(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    view = ComposeView(ctx)
    qtbot.addWidget(view)
    view.show()
    view.activateWindow()
    view.message.setFocus()
    qtbot.waitUntil(lambda: view.message.hasFocus())
    qtbot.keyClick(view.message, Qt.Key.Key_Tab)
    assert "\t" not in view.message.toPlainText()
    qtbot.waitUntil(lambda: not view.message.hasFocus())


def test_enter_in_the_picker_adds_the_person_found(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    store = ctx.runtime.store
    ids = [store.add_recipient(n, email=f"{n.lower()}@example.org") for n in ("Anna", "Boris", "Clara")]
    picker = RecipientPicker(store.list_recipients())
    qtbot.addWidget(picker)
    picker.show()
    picker.search.setFocus()
    qtbot.keyClicks(picker.search, "bor")
    with qtbot.waitSignal(picker.accepted, timeout=5000):
        qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert picker.selected_ids() == [ids[1]]


def test_main_window_has_mnemonics(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    try:
        texts = [w.tabs.tabText(0), w.tabs.tabText(1), w.pause_action.text(), w.settings_action.text(),
                 w.compose.add_button.text(), w.compose.remove_button.text(), w.compose.use_selection_button.text()]
        assert all("&" in t for t in texts), texts
        keys = [t[t.index("&") + 1].lower() for t in texts]
        assert len(set(keys)) == len(keys)  # no two share a key
        ctx.bridge.start()
        w.pause_action.trigger()
        assert w.pause_action.text() == "&Resume sending"  # says what it will do
        w.pause_action.trigger()
        assert w.pause_action.text() == "&Pause sending"
        assert QApplication.instance() is not None
    finally:
        w.quit_for_real(confirm=False)
