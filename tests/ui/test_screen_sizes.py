"""Screenshots of the changed screens at the two small screen sizes operators have
(1366x768 laptops, 1024x600 netbooks), in English and Russian: main-<tab>-<size>-<lang>.png
and settings-<size>-<lang>.png. Every picture is looked at before an item is called done;
the asserts catch what a picture would show: Send and the status bar out of view."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QApplication, QWidget

from notifier_gui.ui import i18n
from notifier_gui.ui.context import AppContext
from notifier_gui.ui.log.model import COL_DETAIL
from notifier_gui.ui.main_window import SMALL_SCREEN_HEIGHT, MainWindow, first_size, log_share
from notifier_gui.ui.settings import SettingsDialog

from tests.ui.conftest import shot
from tests.ui.test_russian import _tools_i18n

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")
SIZES = {"1366x768": QSize(1366, 768), "1024x600": QSize(1024, 600)}
PANEL = 40  # a desktop panel: what availableGeometry leaves of the screen


@pytest.fixture(params=["en", "ru"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    installed = []
    if request.param == "ru":
        _tools_i18n().build(quiet=True)
        installed = i18n.install(qapp, "ru")
    yield str(request.param)
    for translator in installed:
        qapp.removeTranslator(translator)


def _fully_visible(widget: QWidget) -> bool:
    return widget.isVisible() and widget.visibleRegion().boundingRect() == widget.rect()


def _detail_header_whole(w: MainWindow) -> bool:
    """The delivery log's Detail column header shows its whole title, inside the table."""
    table = w.log.table
    hh = table.horizontalHeader()
    title = str(table.model().headerData(COL_DETAIL, Qt.Orientation.Horizontal))
    left, width = hh.sectionViewportPosition(COL_DETAIL), hh.sectionSize(COL_DETAIL)
    return width >= hh.fontMetrics().horizontalAdvance(title) + 8 and 0 <= left and left + width <= hh.width()


@pytest.mark.parametrize("size", SIZES)
def test_screenshot_main_window_at_small_sizes(qtbot, ctx: AppContext, language: str,  # type: ignore[no-untyped-def]
                                               size: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store = ctx.runtime.store
    ids = [store.add_recipient(name, email=email, phone=phone) for name, email, phone in (
        ("Анна Смирнова", "anna@example.org", "+79161234567"), ("Boris Petrov", "boris@example.org", None),
        ("Clara Schmidt", None, "+4915112345678"))]
    screen = SIZES[size]
    available = QSize(screen.width(), screen.height() - PANEL)
    monkeypatch.setattr(MainWindow, "available_size", lambda self: available)  # the simulated screen
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    assert w.size() == first_size(available)
    w.show()
    try:
        w.recipients.refresh()
        qtbot.waitUntil(lambda: w.recipients.table.model().rowCount() == 3)
        w.recipients.table.selectRow(0)
        w.compose.set_recipients(ids[:2])
        w.compose.subject.setText("Проверка связи" if language == "ru" else "Connection check")
        w.compose.message.setPlainText("Здравствуйте, {name}!" if language == "ru" else "Hello {name}, all good?")
        qtbot.waitUntil(lambda: w.compose.audience.recipient_model.rowCount() == 2
                        and "Анна" in w.compose.audience.recipient_model.item(0).text())
        w.tabs.setCurrentIndex(1)
        qtbot.waitUntil(lambda: not w.compose.send_button.visibleRegion().isEmpty())
        assert w.statusBar().isVisible() and w.geometry().bottom() <= screen.height()
        # #13 item 4 and the small-screen review: Send and its progress in full view, the log's
        # Detail header whole; on a small screen the log starts compact and can be collapsed
        qtbot.waitUntil(lambda: _fully_visible(w.compose.send_button))
        w.compose.progress.show()
        assert _fully_visible(w.compose.progress)
        w.compose.progress.hide()
        assert _detail_header_whole(w)
        page, log = w.splitter.sizes()
        assert log >= w.log.compact_height() - 1 and page >= log
        assert w.splitter.isCollapsible(1) == (available.height() < SMALL_SCREEN_HEIGHT)
        shot(w, f"main-compose-{size}-{language}.png")
        w.tabs.setCurrentIndex(0)
        shot(w, f"main-recipients-{size}-{language}.png")
    finally:
        w.quit_for_real(confirm=False)


@pytest.mark.parametrize("size", SIZES)
def test_screenshot_settings_at_small_sizes(qtbot, ctx: AppContext, language: str,  # type: ignore[no-untyped-def]
                                            size: str) -> None:
    dlg = SettingsDialog(ctx)
    qtbot.addWidget(dlg)
    screen = SIZES[size]
    dlg.resize(dlg.size().boundedTo(QSize(screen.width() - 40, screen.height() - PANEL - 40)))
    dlg.show()
    qtbot.waitUntil(lambda: all(f.status for f in dlg.secret_fields.values()), timeout=5000)
    assert dlg.save_button.isVisible()
    shot(dlg, f"settings-{size}-{language}.png")


@pytest.mark.parametrize("size", SIZES)
def test_screenshot_settings_without_a_credential_store(qtbot, ctx: AppContext, language: str,  # type: ignore[no-untyped-def]
                                                        size: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    import keyring.core

    before = keyring.get_keyring()
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    keyring.core.init_backend()
    try:
        dlg = SettingsDialog(ctx)
        qtbot.addWidget(dlg)
        screen = SIZES[size]
        dlg.resize(dlg.size().boundedTo(QSize(screen.width() - 40, screen.height() - PANEL - 40)))
        dlg.show()
        qtbot.waitUntil(lambda: dlg.store_panel.state == "file-new", timeout=5000)
        qtbot.waitUntil(lambda: all(f.status for f in dlg.secret_fields.values()), timeout=5000)
        assert dlg.save_button.isVisible() and dlg.store_panel.button.isVisible()
        shot(dlg, f"settings-no-store-{size}-{language}.png")
    finally:
        keyring.set_keyring(before)


def test_the_log_starts_small_on_small_screens_and_a_saved_split_wins(qtbot, ctx: AppContext,  # type: ignore[no-untyped-def]
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """On a small screen the main splitter's first split gives the log its compact height (at
    most half); a big screen keeps the 3:2 of the stretch factors; a saved split is restored."""
    assert log_share(400, 170) == 170 and log_share(300, 170) == 150
    available = QSize(1024, 600 - PANEL)
    monkeypatch.setattr(MainWindow, "available_size", lambda self: available)
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    try:
        page, log = w.splitter.sizes()
        assert abs(log - w.log.compact_height()) <= 1 and page > log
        big = MainWindow(ctx)
        qtbot.addWidget(big)
        big.available_size = lambda: QSize(1920, 1040)  # type: ignore[method-assign]
        big._restore_state()
        big.show()
        page_big, log_big = big.splitter.sizes()
        assert not big.splitter.isCollapsible(1) and log_big > big.log.compact_height() and page_big > log_big
        big.quit_for_real(confirm=False)
        w.splitter.setSizes([page + log - 250, 250])  # the operator drags the log bigger
        w.save_state()
    finally:
        w.quit_for_real(confirm=False)
    again = MainWindow(ctx)
    qtbot.addWidget(again)
    again.show()
    try:
        assert again.splitter.sizes()[1] == 250
    finally:
        again.quit_for_real(confirm=False)
