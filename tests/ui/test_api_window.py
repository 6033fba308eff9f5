"""The REST API inside the window: Settings → API, the status bar, and the delivery log
rows of requests that queued something. A real server on an ephemeral loopback port."""
from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLineEdit

from notifier_gui.core.delivery.dispatcher import AttemptFinished, AttemptStarted
from notifier_gui.core.secrets import SERVICE
from notifier_gui.core.sending import Queued
from notifier_gui.core.storage.history import LogQuery

from notifier_gui.ui.api_control import ApiControl, ApiStatusLabel
from notifier_gui.ui.context import AppContext
from notifier_gui.ui.log.model import COL_DETAIL, AttemptLogModel
from notifier_gui.ui.main_window import MainWindow
from notifier_gui.ui.settings import SettingsDialog

from tests.ui.conftest import shot

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


@pytest.fixture
def api_ctx(ctx: AppContext, monkeypatch: pytest.MonkeyPatch, keyring_backend) -> Iterator[AppContext]:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NOTIFIER_API", "1")
    monkeypatch.setenv("NOTIFIER_API_PORT", "0")  # any free port
    ctx.runtime.reload()
    ctx.api = ApiControl(ctx.runtime, ctx.tasks, ctx.bridge)
    yield ctx
    ctx.api.stop()


def test_settings_page_switches_the_api_and_shows_copies_regenerates_the_token(
        ctx: AppContext, qtbot, keyring_backend) -> None:  # type: ignore[no-untyped-def]
    ctx.api = ApiControl(ctx.runtime, ctx.tasks, ctx.bridge)
    dlg = SettingsDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.show_page("api")
    token = dlg.api_token  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: token.regenerate_button.isEnabled(), timeout=5000)  # read off the GUI thread
    assert token.edit.text() == "" and "none yet" in token.edit.placeholderText()
    assert keyring_backend.get_password(SERVICE, "api_token") is None  # opening Settings writes nothing
    assert not token.copy_button.isEnabled()
    qtbot.mouseClick(token.regenerate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(token.edit.text()), timeout=5000)
    first = token.edit.text()
    assert keyring_backend.get_password(SERVICE, "api_token") == first
    assert token.edit.echoMode() == QLineEdit.EchoMode.Password
    qtbot.mouseClick(token.show_button, Qt.MouseButton.LeftButton)
    assert token.edit.echoMode() == QLineEdit.EchoMode.Normal
    qtbot.mouseClick(token.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == first
    qtbot.mouseClick(token.regenerate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: token.edit.text() not in ("", first), timeout=5000)
    assert keyring_backend.get_password(SERVICE, "api_token") == token.edit.text()
    shot(dlg, "settings-api.png")

    dlg.bindings["NOTIFIER_API"].widget.setChecked(True)
    dlg.bindings["NOTIFIER_API_PORT"].widget.setValue(8123)
    with qtbot.waitSignal(dlg.saved, timeout=10_000):
        qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    data = json.loads(ctx.runtime.settings.settings_file.read_text(encoding="utf-8"))
    assert data == {"NOTIFIER_API": True, "NOTIFIER_API_PORT": 8123}
    assert ctx.runtime.settings.api and ctx.runtime.settings.api_port == 8123
    assert first not in ctx.runtime.settings.settings_file.read_text(encoding="utf-8")


def test_status_bar_and_log_show_what_the_api_queued(qtbot, api_ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    ctx = api_ctx
    assert ctx.api is not None
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1180, 800)
    window.show()
    label = window.statusBar().findChild(ApiStatusLabel)
    assert label is not None
    with qtbot.waitSignal(ctx.api.stateChanged, timeout=10_000):
        ctx.api.apply()
        ctx.api.apply()  # start-up and a settings save in quick succession: one server, no error
    qtbot.waitUntil(lambda: ctx.api.applied == 1 and not ctx.api._busy, timeout=10_000)
    assert ctx.api.error == ""
    assert ctx.api.address.startswith("127.0.0.1:") and label.isVisible()
    assert label.text() == f"API: {ctx.api.address}"
    rid = ctx.runtime.store.add_recipient("Анна", email="anna@example.org")
    ctx.bridge.start()
    token = ctx.api.tokens().get()
    with httpx.Client(base_url=f"http://{ctx.api.address}", headers={"Authorization": f"Token {token}"}) as c:
        r = c.post("/api/notifications/", json={"user_id": rid, "message": "Hello via SMTP!"})
    assert r.status_code == 201
    nid = r.json()["id"]
    model = window.log.model

    def rows() -> list[tuple[int, str, str]]:
        # Every cell read through the model's display rows (a row's index in the view, newest
        # first): the detail used to be read from the internal, oldest-first columns, which
        # paired the queued row with the attempt's detail when both were in.
        return [(model.notification_at(i), model.outcome_at(i), model.data(model.index(i, COL_DETAIL)))
                for i in range(model.rowCount())]

    qtbot.waitUntil(lambda: (nid, "queued", "API 127.0.0.1") in rows(), timeout=10_000)
    qtbot.waitUntil(lambda: (nid, "delivered") in [(n, o) for n, o, _ in rows()], timeout=15_000)
    queued_row = [i for i in range(model.rowCount()) if model.outcome_at(i) == "queued"][0]
    assert model.data(model.index(queued_row, 2)) == "Анна"
    shot(window, "main-window-api.png")
    window.quit_for_real()


def test_a_second_window_on_the_same_folder_says_why_it_does_not_serve(qtbot, api_ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    ctx = api_ctx
    assert ctx.api is not None
    with qtbot.waitSignal(ctx.api.stateChanged, timeout=10_000):
        ctx.api.apply()
    second = ApiControl(ctx.runtime, ctx.tasks, ctx.bridge)
    label = ApiStatusLabel(second)
    qtbot.addWidget(label)
    try:
        with qtbot.waitSignal(second.stateChanged, timeout=10_000):
            second.apply()
        assert second.address == "" and "already serves the API" in second.error
        assert label.text() == "API: not running" and "already serves" in label.toolTip()
    finally:
        second.stop()
    # switching the API off in the settings stops it
    ctx.runtime.config = type(ctx.runtime.config)(
        settings=type(ctx.runtime.settings)(**{**ctx.runtime.settings.__dict__, "api": False}),
        environ=ctx.runtime.config.environ, sources=ctx.runtime.config.sources)
    with qtbot.waitSignal(ctx.api.stateChanged, timeout=10_000):
        ctx.api.apply()
    assert ctx.api.address == "" and ctx.api.error == ""


@pytest.mark.parametrize("order", ["queued first", "attempt first", "one batch, attempt first"])
def test_the_queued_row_keeps_its_source_whichever_event_arrives_first(order: str) -> None:
    """The API's Queued event and the worker's attempt events come from different threads:
    the worker may claim (and in the sandbox, finish) the notification before the API's
    event is pushed. Each row keeps its own outcome and detail in every order."""
    model = AttemptLogModel()
    model.reset(LogQuery(), [], at_newest=True, at_oldest=True)  # an empty log, showing its newest end
    t0 = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)
    queued = Queued((7,), ("Анна",), "API 127.0.0.1", t0.timestamp())
    started = AttemptStarted(41, 7, "Анна", "email", t0 + timedelta(milliseconds=5))
    finished = AttemptFinished(41, 7, "Анна", "email", "delivered", "sandbox: written",
                               started.started_at, started.started_at + timedelta(milliseconds=3))
    batches = {"queued first": [[queued], [started], [finished]],
               "attempt first": [[started], [finished], [queued]],
               "one batch, attempt first": [[started, finished, queued]]}[order]
    for batch in batches:
        model.apply(batch)
    shown = sorted((model.notification_at(i), model.outcome_at(i), model.data(model.index(i, COL_DETAIL)))
                   for i in range(model.rowCount()))
    assert shown == [(7, "delivered", "sandbox: written"), (7, "queued", "API 127.0.0.1")]


def _nice(thread: threading.Thread) -> int:
    assert thread.native_id is not None
    return os.getpriority(os.PRIO_PROCESS, thread.native_id)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread priorities are lowered on Linux only")
def test_the_windows_api_and_delivery_threads_yield_the_cpu_to_the_gui_thread(
        qtbot, api_ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    """ui/thread_priority.py: the threads that serve and deliver run at a lower priority
    than the GUI thread (they and the threads they start); ``notifier serve``'s do not."""
    ctx = api_ctx
    assert ctx.api is not None
    with qtbot.waitSignal(ctx.api.stateChanged, timeout=10_000):
        ctx.api.apply()
    assert ctx.api.address
    rid = ctx.runtime.store.add_recipient("Анна", email="anna@example.org")
    ctx.bridge.start()
    token = ctx.api.tokens().get()
    with httpx.Client(base_url=f"http://{ctx.api.address}", headers={"Authorization": f"Token {token}"}) as c:
        assert c.post("/api/notifications/", json={"user_id": rid, "message": "Hello"}).status_code == 201
    gui = _nice(threading.main_thread())

    def busy() -> dict[str, int]:
        return {t.name: _nice(t) for t in threading.enumerate()
                if t.name.startswith(("notifier-worker-", "notifier-api"))}

    qtbot.waitUntil(lambda: {"notifier-api", "notifier-api-writer", "notifier-worker-0"} <= set(busy()), timeout=10_000)
    assert all(n > gui for n in busy().values()), (gui, busy())
    ctx.api.stop()
    ctx.bridge.stop()

    # Headless (notifier serve): the same server without thread_setup keeps its priority.
    from notifier_gui.api import ApiContext, ApiServer, TokenSource

    server = ApiServer(ApiContext(ctx.runtime, TokenSource(ctx.runtime.secrets)), "127.0.0.1", 0)
    server.start()
    try:
        api_thread = [t for t in threading.enumerate() if t.name == "notifier-api"]
        assert len(api_thread) == 1 and _nice(api_thread[0]) == gui
    finally:
        server.stop()
