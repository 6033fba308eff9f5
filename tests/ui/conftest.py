"""Qt test set-up: offscreen platform, a qasync loop on the test QApplication, and an
AppContext over a real core in a temporary data dir (sandbox mode: nothing configured)."""
from __future__ import annotations

import asyncio
import gc
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

import qasync  # noqa: E402
from PySide6.QtCore import QEvent, QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from notifier_gui.core.runtime import Runtime  # noqa: E402

from notifier_gui.ui.context import AppContext  # noqa: E402
from notifier_gui.ui.tasks import Tasks  # noqa: E402
from notifier_gui.ui.worker import WorkerBridge  # noqa: E402

from tests.databases import copy_sqlite_template  # noqa: E402

# Screenshots go to a scratch folder during normal runs (so tests never modify tracked
# files); tools/screenshots.py points this at docs/screenshots to refresh the README's.
SHOTS = Path(os.environ.get("SCREENSHOT_DIR") or Path(tempfile.gettempdir()) / "notifier-screenshots")


def shot(widget: QWidget, name: str) -> bool:
    """Save a render of ``widget`` as ``SHOTS/name`` when tools/screenshots.py asks for the
    pictures (SCREENSHOT_DIR set); an ordinary test run renders none (#15 item 11)."""
    if not os.environ.get("SCREENSHOT_DIR"):
        return True
    SHOTS.mkdir(parents=True, exist_ok=True)
    return widget.grab().save(str(SHOTS / name))


@pytest.fixture(autouse=True)
def quit_without_asking(monkeypatch: pytest.MonkeyPatch) -> None:
    """A window closed at a test's end (pytest-qt closes every widget a test showed) must not
    open the modal "Quit with work still queued?" box: nobody answers it offscreen. A window
    whose last status refresh still counted a notification the test had seen delivered hung
    CI's Python 3.12 run there. Tests of that question set ``window.confirm_quit`` (test_quit.py)."""
    from notifier_gui.ui.main_window import MainWindow

    monkeypatch.setattr(MainWindow, "_ask_quit", lambda self, pending: True)


@pytest.fixture(autouse=True)
def widgets_destroyed_at_the_end(qapp: QApplication) -> Iterator[None]:
    """The widgets a test showed are destroyed at its end, here: their C++ objects first, then the
    Python cycles that held them. pytest-qt closes them with deleteLater(), which Qt carries out
    at the next qWait, in some later test; meanwhile the GUI-thread collector below could clear
    a cycle holding their wrappers (their attributes gone) while the C++ objects lived on. Qt
    then called Python methods of half-cleared objects ("'RecipientsModel' object has no
    attribute '_count'" in a later test), and under load the Qt process segfaulted when a later
    test made a window (a dead QScreen in QWidget::screen() inside QDialog())."""
    yield
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    gc.freeze()  # what outlives a test (caches, the session's objects) is not walked again


@pytest.fixture(scope="session", autouse=True)
def gui_thread_gc(qapp: QApplication) -> Iterator[None]:
    """As in the program: cyclic garbage (with Qt objects in it) is collected on the GUI thread."""
    from notifier_gui.ui.gc_guard import GuiThreadGarbageCollector

    # Automatic collection stays off to the end of the session: switched back on here, it
    # ran inside the destructor of a Qt object during the session's last teardowns and
    # destroyed another one there, which waits for the signal mutex the first holds (seen as
    # a hang after the last test). One collection on this thread instead.
    collector = GuiThreadGarbageCollector(restore_automatic=False)
    # As app.py does once the window is built: what exists now (every module the tests import)
    # is left out of later collections, so the full one after each test walks only what that
    # test made.
    gc.collect()
    gc.freeze()
    yield
    collector.stop()
    gc.unfreeze()
    gc.collect()


@pytest.fixture(scope="session")
def qasync_loop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    yield loop
    # Tasks cancelled by the last test's teardown finish cancelling (else: "Task was destroyed
    # but it is pending!" at exit).
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))


@pytest.fixture
def runtime(data_dir: Path, sqlite_template: Path) -> Iterator[Runtime]:
    """The program's runtime over a database at the head revision (a copy of the process's
    template: tests/conftest.py); tests of a first start use ``data_dir`` alone."""
    copy_sqlite_template(sqlite_template, data_dir / "notifier.db")
    rt = Runtime.open()
    yield rt
    rt.close()


@pytest.fixture
def ctx(runtime: Runtime, qasync_loop: asyncio.AbstractEventLoop, tmp_path: Path) -> Iterator[AppContext]:
    tasks = Tasks(qasync_loop)
    bridge = WorkerBridge(lambda sink: runtime.dispatcher(sink))
    state = QSettings(str(tmp_path / "ui-state.ini"), QSettings.Format.IniFormat)
    context = AppContext(runtime, tasks, bridge, state)
    yield context
    bridge.stop()
    tasks.shutdown()
