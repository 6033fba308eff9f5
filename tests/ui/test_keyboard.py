"""Keyboard-only use (#13 item 9): Tab leaves the message box, Enter in the recipient picker
adds the current person, the main window has mnemonics."""
from __future__ import annotations

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from notifier_gui.core.storage.history import History

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
    picker = RecipientPicker(ctx.tasks, History(store.engine))
    qtbot.addWidget(picker)
    picker.show()
    qtbot.waitUntil(lambda: picker.model.rowCount() == 3)
    picker.search.setFocus()
    qtbot.keyClicks(picker.search, "bor")
    # Enter at once, before the search is answered: it waits for the answer, then adds.
    with qtbot.waitSignal(picker.accepted, timeout=5000):
        qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert picker.selected_ids() == [ids[1]]


def test_main_window_has_mnemonics(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    try:
        texts = [w.tabs.tabText(0), w.tabs.tabText(1), w.pause_action.text(), w.settings_action.text(),
                 w.compose.audience.add_button.text(), w.compose.audience.remove_button.text(), w.compose.audience.use_selection_button.text()]
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


def _focus_chain(window) -> list:  # type: ignore[no-untyped-def]
    """The widgets Tab visits in the window, in order (shown and enabled ones)."""
    chain, widget = [], window.nextInFocusChain()
    while widget is not window and len(chain) < 1000:
        if (widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isEnabled()
                and widget.isVisibleTo(window) and widget.window() is window):
            chain.append(widget)
        widget = widget.nextInFocusChain()
    return chain


def test_no_invisible_tab_stop_in_the_main_window(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    """A scroll area (no frame, nothing drawn when focused) was a Tab stop of its own."""
    from PySide6.QtWidgets import QAbstractItemView, QAbstractScrollArea, QPlainTextEdit, QTextEdit

    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    try:
        for index in range(w.tabs.count()):
            w.tabs.setCurrentIndex(index)
            invisible = [x for x in _focus_chain(w) if x.width() == 0 or x.height() == 0
                         or (isinstance(x, QAbstractScrollArea)
                             and not isinstance(x, (QAbstractItemView, QPlainTextEdit, QTextEdit)))]
            assert invisible == [], [type(x).__name__ for x in invisible]
    finally:
        w.quit_for_real(confirm=False)


def test_arrow_keys_select_the_recipient_row(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    """Tab into the Recipients table and arrows: the highlighted row is the selected one."""
    store = ctx.runtime.store
    ids = [store.add_recipient(n, email=f"{n.lower()}@example.org") for n in ("Anna", "Boris", "Clara")]
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    try:
        w.tabs.setCurrentIndex(0)  # Recipients
        w.recipients.refresh()
        qtbot.waitUntil(lambda: not w.recipients.loading)  # the rows are read on a worker
        table = w.recipients.table
        table.setFocus()
        qtbot.waitUntil(table.hasFocus)
        assert w.recipients.selected_ids() == [ids[0]]  # the current row on entry is selected
        qtbot.keyClick(table, Qt.Key.Key_Down)
        assert w.recipients.selected_ids() == [ids[1]]
        assert all(i.row() == 1 for i in table.selectionModel().selectedIndexes())  # the whole row, no other
        assert w.recipients.act_edit.isEnabled()
    finally:
        w.quit_for_real(confirm=False)


def test_arrow_keys_select_in_the_compose_recipient_list(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    store = ctx.runtime.store
    ids = [store.add_recipient(n, email=f"{n.lower()}@example.org") for n in ("Anna", "Boris")]
    view = ComposeView(ctx)
    qtbot.addWidget(view)
    view.show()
    view.activateWindow()
    view.set_recipients(ids)
    listing = view.audience.recipient_list
    listing.selectionModel().clear()  # no current row, nothing selected
    listing.setFocus()
    qtbot.waitUntil(listing.hasFocus)
    assert [i.row() for i in listing.selectionModel().selectedRows()] == [0]  # Tab's landing row is selected
    assert view.audience.remove_button.isEnabled()
    qtbot.keyClick(listing, Qt.Key.Key_Down)
    assert [i.row() for i in listing.selectionModel().selectedRows()] == [1]


def test_channel_order_buttons_read_the_same_in_compose_and_settings(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    """#13 item 21: ▲▼ in Compose, "Move up / Move down" in Settings: now one wording and tips."""
    from PySide6.QtWidgets import QAbstractButton

    from notifier_gui.ui.settings import SettingsDialog

    view = ComposeView(ctx)
    qtbot.addWidget(view)
    order = view.channels
    compose = {(order.up.text(), order.up.toolTip()), (order.down.text(), order.down.toolTip())}
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    settings = {(b.text(), b.toolTip()) for b in dialog.findChildren(QAbstractButton) if b.text() in ("Move up", "Move down")}
    assert compose == settings == {("Move up", "Try this channel earlier"), ("Move down", "Try this channel later")}


def test_compose_and_settings_share_one_channel_order_widget(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    """#13 item 21: one widget class (ui/channel_order.py) for the send's order and the default
    order; Settings' copy has no Reset (it is the default) and saves what it shows."""
    from notifier_gui.ui.channel_order import ChannelOrderList
    from notifier_gui.ui.settings import SettingsDialog

    view = ComposeView(ctx)
    qtbot.addWidget(view)
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    order = dialog.channel_order
    assert type(view.channels) is ChannelOrderList and type(order) is ChannelOrderList
    assert view.channels.reset.isVisibleTo(view) and not order.reset.isVisibleTo(dialog)
    assert dialog.values()["NOTIFIER_CHANNELS"] == ("email", "sms", "telegram")
    order.list.setCurrentRow(2)
    order.list.setFocus()
    order.move_current(-1)
    order.list.item(0).setCheckState(Qt.CheckState.Unchecked)
    assert dialog.values()["NOTIFIER_CHANNELS"] == ("telegram", "sms")
