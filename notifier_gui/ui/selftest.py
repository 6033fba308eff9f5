"""The window's part of ``Notifier --self-test``: Qt, translations, icon, and the main
window built over an existing database in a temporary folder."""
from __future__ import annotations

import asyncio
import time
from pathlib import Path

from PySide6.QtCore import QSettings, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from ..core.runtime import Runtime
from ..core.selftest import temporary_folder
from . import i18n


def qt_check(app: QApplication, icon_path: Path | None) -> str:
    import qasync

    data = i18n.qm_bytes("ru")
    if not data:
        raise RuntimeError("the Russian translation (notifier_ru.qm) is missing")
    translator = QTranslator()
    if not translator.load(data) or translator.translate("MainWindow", "Recipients") in ("", "Recipients"):
        raise RuntimeError("the Russian translation does not load")
    if icon_path is None or QIcon(str(icon_path)).isNull():
        raise RuntimeError("the application icon is missing")
    from .thread_priority import THREAD_PRIORITY_ABOVE_NORMAL, windows_thread_priority

    priority = windows_thread_priority()  # raised at start on Windows (ui/thread_priority.py)
    if priority is not None and priority != THREAD_PRIORITY_ABOVE_NORMAL:
        raise RuntimeError(f"the GUI thread runs at Windows priority {priority}, not above normal")

    from .context import AppContext
    from .main_window import MainWindow
    from .tasks import Tasks
    from .worker import WorkerBridge

    # Every file in the folder is released before it is removed: the runtime's database
    # below, its log file by temporary_folder (Windows cannot delete a folder holding an open file).
    with temporary_folder("notifier-self-test-ui-") as tmp:
        rt = Runtime.open(environ={"NOTIFIER_DATA_DIR": str(tmp), "NOTIFIER_SANDBOX": "1"}, cwd=tmp)
        rt.store.add_recipient("Self-test", email="self-test@example.org")
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        tasks = Tasks(loop)
        bridge = WorkerBridge(lambda sink: rt.dispatcher(sink))
        ctx = AppContext(rt, tasks, bridge, QSettings(str(tmp / "ui.ini"), QSettings.Format.IniFormat))
        try:
            window = MainWindow(ctx)
            window.show()
            app.processEvents()
            deadline = time.monotonic() + 10  # the table's first page is read on a worker thread
            while window.recipients.loading and time.monotonic() < deadline:
                app.processEvents()
                time.sleep(0.01)
            rows = window.recipients.model.rowCount()
            shot = window.grab()
            window.quit_for_real()
            if rows != 1:
                raise RuntimeError(f"the recipients view shows {rows} rows from a database holding 1")
            if shot.isNull():
                raise RuntimeError("the main window did not render")
        finally:
            bridge.stop()
            tasks.shutdown()
            # The window's reads, cancelled above, finish cancelling on this loop (a task left
            # pending is reported as "Task was destroyed but it is pending!" at exit).
            pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            rt.close()
    gui = "; GUI thread above normal priority" if priority is not None else ""
    return f"Qt {app.platformName()}; main window shows the recipients view; translations and icon present{gui}"
