"""``notifier-gui``: builds the QApplication and the qasync loop, and wires the core to the window."""
from __future__ import annotations

import argparse
import gc
import hashlib
import logging
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, cast

log = logging.getLogger("notifier.app")


def _ensure_streams() -> None:
    # A windowed (no console) build has sys.stdout/sys.stderr set to None; writing would crash.
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))


def _parse(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    p = argparse.ArgumentParser(prog="notifier-gui", description="Notifier: Email → SMS → Telegram")
    p.add_argument("--data-dir", help="data folder (default: NOTIFIER_DATA_DIR or the per-user data folder)")
    p.add_argument("--sandbox", action="store_true", help="write to the outbox instead of sending")
    p.add_argument("--language", choices=["en", "ru"], help="override the language")
    p.add_argument("--quit-after", type=float, help=argparse.SUPPRESS)  # start-up measurements
    p.add_argument("--self-test", action="store_true", help="check this installation and print a JSON report")
    p.add_argument("--report", help="with --self-test: also write the report to this file")
    return p.parse_known_args(list(argv))


def instance_key(data_dir: Path) -> str:
    digest = hashlib.sha1(str(data_dir.resolve()).encode("utf-8")).hexdigest()[:16]
    return f"notifier-gui-{digest}"


def _qt_message_handler(mode: Any, context: Any, message: str) -> None:
    from PySide6.QtCore import QtMsgType

    level = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
             QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
             QtMsgType.QtFatalMsg: logging.CRITICAL}.get(mode, logging.WARNING)
    logging.getLogger("notifier.qt").log(level, "%s", message)


def main(argv: Sequence[str] | None = None) -> int:
    # No automatic cyclic collection from the first line on: start-up (imports, widgets) is
    # allocation-heavy and makes no garbage worth a pass, and the passes cost ~50 ms of it.
    # The GUI-thread collector (ui/gc_guard.py) takes over below, and the start-up heap is
    # frozen out of later collections once the window is built.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    import asyncio  # here, not at the top: after the switch-off above

    _ensure_streams()
    args, qt_args = _parse(sys.argv[1:] if argv is None else argv)

    # The core (SQLAlchemy and the rest) is imported before PySide6 on purpose: once PySide6
    # is loaded, its __feature__ import hook reads the source of every module imported after
    # it (inspect.getsource), which cost ~60 ms of start-up when running from source.
    from .core.config import ConfigError, StartupError
    from .core.permissions import private_umask
    from .core.runtime import Runtime
    from .core.secrets import configure_frozen_backend
    from .core.storage.engine import HEAD_REVISION  # noqa: F401  (fail early if the package is broken)

    # isort: split
    from PySide6.QtCore import QSettings, QTimer, qInstallMessageHandler
    from PySide6.QtGui import QIcon
    from PySide6.QtNetwork import QLocalServer, QLocalSocket
    from PySide6.QtWidgets import QApplication, QMessageBox

    from .ui import i18n
    from .ui.context import AppContext
    from .ui.tasks import Tasks
    from .ui.worker import WorkerBridge

    configure_frozen_backend()
    if QApplication.instance() is None:
        cannot = _platform_problem()
        if cannot:
            print(cannot, file=sys.stderr)
            return 2
    app = cast(QApplication, QApplication.instance()) or QApplication([sys.argv[0], *qt_args])
    from .ui.thread_priority import raise_gui_thread

    raise_gui_thread()  # Windows: before every thread the program starts (ui/thread_priority.py)
    app.setApplicationName("Notifier")
    app.setOrganizationName("notifier-gui")
    if args.self_test:
        if gc_was_enabled:
            gc.enable()
        return _self_test(app, args.report)
    app.setQuitOnLastWindowClosed(False)  # the tray may keep the queue running; we quit explicitly

    overrides: dict[str, Any] = {}
    if args.data_dir:
        overrides["NOTIFIER_DATA_DIR"] = args.data_dir
    if args.sandbox:
        overrides["NOTIFIER_SANDBOX"] = "1"
    private_umask()
    upgrade: list[Any] = []

    def upgrade_progress(done: int, total: int) -> None:
        """A large database is upgraded before the window: say so, with a count."""
        from PySide6.QtWidgets import QProgressDialog

        if not upgrade:
            dialog = QProgressDialog(app.translate("Upgrade", "Upgrading the database…"), "", 0, total)
            dialog.setCancelButton(None)  # a migration runs to its end (it is one transaction)
            dialog.setWindowTitle("Notifier")
            dialog.setMinimumDuration(0)
            upgrade.append(dialog)
        dialog = upgrade[0]
        dialog.setLabelText(app.translate("Upgrade", "Upgrading the database: %1 of %2 attempts indexed…")
                            .replace("%1", f"{done:,}").replace("%2", f"{total:,}"))
        dialog.setValue(done)
        app.processEvents()

    try:
        runtime = Runtime.open(overrides=overrides, upgrade_progress=upgrade_progress)
        for dialog in upgrade:
            dialog.close()
    except (ConfigError, StartupError, OSError) as exc:
        for dialog in upgrade:
            dialog.close()
        # One clear dialog, never a traceback: a data folder that is a file, a database that
        # is not ours or is newer, a garbage DATABASE_URL, a full disk (the core says which).
        kept = i18n.install(app, i18n.pick_language(args.language or ""))
        text = QApplication.translate("App", "Notifier cannot start:")
        from .ui.core_text import core_text

        # The window names the setting's field; the core's own words (its variable names, as
        # the CLI prints them) stay in the details for whoever set it outside the window.
        box = QMessageBox(QMessageBox.Icon.Critical, "Notifier", f"{text}\n\n{core_text(str(exc))}")
        if core_text(str(exc)) != str(exc):
            box.setDetailedText(str(exc))
        box.exec()
        for translator in kept:
            app.removeTranslator(translator)
        if gc_was_enabled:
            gc.enable()
        return 2
    qInstallMessageHandler(_qt_message_handler)

    # One window per data folder: a second start hands over to the first and leaves.
    key = instance_key(runtime.settings.data_dir)
    probe = QLocalSocket()
    probe.connectToServer(key)
    if probe.waitForConnected(300):
        probe.write(b"show\n")
        probe.flush()
        probe.waitForBytesWritten(300)
        probe.disconnectFromServer()
        runtime.close()
        return 0
    server = QLocalServer()
    QLocalServer.removeServer(key)  # a stale socket left by a crash
    server.listen(key)

    ui_state = QSettings(str(runtime.settings.data_dir / "ui-state.ini"), QSettings.Format.IniFormat)
    language = i18n.pick_language(args.language or str(ui_state.value("language", "") or ""))
    translators = i18n.install(app, language)  # noqa: F841  (kept alive for the app's lifetime)

    import qasync

    from .ui.gc_guard import GuiThreadGarbageCollector

    # Qt objects must die on this thread (kept alive for the app's lifetime)
    collector = GuiThreadGarbageCollector(app, restore_automatic=gc_was_enabled)  # noqa: F841
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    tasks = Tasks(loop)
    bridge = WorkerBridge(lambda sink: runtime.dispatcher(sink))
    from .ui.api_control import ApiControl

    api = ApiControl(runtime, tasks, bridge)
    ctx = AppContext(runtime, tasks, bridge, ui_state, api)

    from .ui.main_window import MainWindow
    from .ui.tray import TrayIcon

    icon = QIcon(str(_icon_path())) if _icon_path() else QIcon()
    window = MainWindow(ctx, icon=icon)
    tray = TrayIcon(ctx, window, icon)
    window.tray = tray

    def on_connection() -> None:
        conn = server.nextPendingConnection()
        if conn is not None:
            conn.disconnected.connect(conn.deleteLater)
        log.info("another start asked for this window; bringing it forward")
        window.bring_forward()

    server.newConnection.connect(on_connection)

    def excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        log.critical("unhandled error", exc_info=(kind, exc, tb))
        text = runtime.secrets.redactor("".join(traceback.format_exception_only(kind, exc)).strip())
        box = QMessageBox(QMessageBox.Icon.Critical, "Notifier",
                          app.translate("Crash", "Something went wrong, and it was written to the log:\n%1\n\n%2")
                          .replace("%1", str(runtime.log_path)).replace("%2", text))
        box.exec()

    sys.excepthook = excepthook
    gc.freeze()  # modules, classes and the window's wrappers live as long as the process
    window.show()
    if runtime.config.withheld:
        show_withheld(window, runtime.config.withheld)
    # The worker starts on the first turn of the event loop, once the window is up: its own
    # start-up (channel modules, the keyring backend) would otherwise compete with the first
    # frame for the GIL. Nothing waits on it; queued work is durable in the database.
    QTimer.singleShot(0, bridge.start)
    QTimer.singleShot(0, api.apply)  # serves only if NOTIFIER_API / Settings → API say so
    if args.quit_after is not None:
        QTimer.singleShot(0, lambda: print(f"startup: window shown {_since_process_start():.3f} s after process start",
                                           flush=True))
        QTimer.singleShot(int(args.quit_after * 1000), lambda: window.quit_for_real(confirm=False))
    quit_on_sigterm(app, lambda: window.quit_for_real(confirm=False))

    def shutdown() -> None:
        api.stop()
        bridge.stop()
        tasks.shutdown()
        server.close()
        runtime.close()

    window.closed.connect(app.quit)
    app.aboutToQuit.connect(shutdown)
    restart: list[bool] = []

    def restart_now() -> None:
        restart.append(True)
        window.quit_for_real()
        if window.isVisible():  # the operator chose not to quit (work still queued)
            restart.clear()

    window.restartRequested.connect(restart_now)
    with loop:
        loop.run_until_complete(_until_quit(app))
    if restart:
        # Only now: this instance's single-instance server is closed, so the new start
        # becomes the window instead of handing over to this one.
        import subprocess

        subprocess.Popen(relaunch_command(sys.argv[1:]))  # noqa: S603  (our own program)
    return 0


def show_withheld(parent: Any, withheld: dict[str, str] | Any) -> Any:
    """Say, without blocking, which stored secrets a ./.env got withheld (core.config's rule)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QMessageBox

    head = QApplication.translate("App", "A .env file in the current folder would send stored secrets to "
                                         "another server, so they are not used in this run:")
    box = QMessageBox(QMessageBox.Icon.Warning, "Notifier", head + "\n\n" + "\n\n".join(withheld.values()),
                      parent=parent)
    box.setModal(False)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.show()
    return box
def relaunch_command(args: Sequence[str]) -> list[str]:
    """The command that starts this program again with the same arguments."""
    if getattr(sys, "frozen", False):
        return [sys.executable, *args]
    return [sys.executable, "-m", "notifier_gui", *args]


def _platform_problem() -> str | None:
    """Why Qt could not open a window here (no display, missing X11 libraries), checked
    before Qt tries: its own failure is an abort with a misleading hint."""
    from .platform_check import problem

    try:
        return problem()
    except OSError:  # the check itself must never stop a start that would work
        log.exception("platform check failed")
        return None


def _self_test(app: Any, report_path: str | None) -> int:
    from .core import selftest
    from .ui.selftest import qt_check

    report = selftest.run(extra={"window": lambda: qt_check(app, _icon_path())})
    text = selftest.dumps(report)
    print(text)  # a windowed build may have no console: --report keeps a copy
    if report_path:
        Path(report_path).write_text(text + "\n", encoding="utf-8")
    return 0 if report["ok"] else 1


def quit_on_sigterm(app: Any, quit_now: Callable[[], None]) -> None:
    """SIGTERM (``kill``, a service manager, the session ending) quits as the tray's Quit does:
    the worker stops and the database closes cleanly. Python runs a signal handler only when
    it gets control, which Qt's event loop does not give it: the handler's wake-up byte on a
    socket pair wakes the loop instead. POSIX only (Windows has no SIGTERM to send)."""
    import signal
    import socket

    if os.name == "nt":
        return
    from PySide6.QtCore import QSocketNotifier

    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    signal.set_wakeup_fd(writer.fileno())
    signal.signal(signal.SIGTERM, lambda signum, frame: None)  # the wake-up byte does the work
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, app)

    def woken() -> None:
        try:
            got = reader.recv(64)
        except OSError:
            return
        if signal.SIGTERM in got:
            quit_now()

    notifier.activated.connect(woken)
    app._sigterm_wakeup = (reader, writer, notifier)  # lives as long as the application


async def _until_quit(app: Any) -> None:
    import asyncio

    done = asyncio.get_event_loop().create_future()

    def finish() -> None:
        if not done.done():
            done.set_result(None)

    app.aboutToQuit.connect(finish)
    await done


def _since_process_start() -> float:
    """Seconds since this process started. On Linux from /proc in clock ticks (psutil's
    create_time adds the boot time, which /proc/stat gives in whole seconds: up to 1 s off)."""
    import time

    try:
        with open("/proc/self/stat", encoding="ascii") as fh:
            start_ticks = int(fh.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime", encoding="ascii") as fh:
            uptime = float(fh.read().split()[0])
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        import psutil

        return time.time() - psutil.Process().create_time()


def _icon_path() -> Path | None:
    from importlib import resources

    path = resources.files("notifier_gui.resources") / "icon.png"
    return Path(str(path)) if path.is_file() else None


if __name__ == "__main__":
    sys.exit(main())
