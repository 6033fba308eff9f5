"""The window shows a banner while the worker is paused by a full disk (screenshot:
storage-full.png) and hides it when the worker goes on."""
from __future__ import annotations

from notifier_gui.core.delivery.dispatcher import WorkerStatus

from notifier_gui.ui.context import AppContext
from notifier_gui.ui.main_window import MainWindow

from tests.ui.conftest import shot


def test_full_disk_banner_follows_the_worker(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.resize(1180, 800)
    w.show()
    try:
        assert not w.storage_banner.isVisibleTo(w)
        ctx.bridge.eventsReady.emit([WorkerStatus("storage_full", "the disk holding the database is full")])
        assert w.storage_banner.isVisibleTo(w)
        assert "disk" in w.storage_banner.text.text()
        shot(w, "storage-full.png")
        ctx.bridge.eventsReady.emit([WorkerStatus("running")])
        assert not w.storage_banner.isVisibleTo(w)
    finally:
        w.quit_for_real()
