"""No OS credential store (keyring's fail backend, as on Linux without a Secret Service):
the cause in words, and a passphrase-encrypted secrets file that works instead — from the
window (Settings) and headless (NOTIFIER_SECRETS_PASSPHRASE, the CLI: tests/test_secrets.py)."""
from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.core
import pytest
from keyring.backends import fail

from PySide6.QtCore import Qt

from notifier_gui.core.runtime import Runtime
from notifier_gui.core.secrets import SECRETS_FILE, SecretStoreError

from notifier_gui.ui.context import AppContext
from notifier_gui.ui.settings import SettingsDialog

from tests.ui.conftest import shot

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")
FAIL = "keyring.backends.fail.Keyring"
SECRET = "s3cret-smtp-password"


@pytest.fixture(autouse=True)
def no_credential_store(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """keyring's standard discovery, told by PYTHON_KEYRING_BACKEND that there is no store."""
    before = keyring.get_keyring()
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", FAIL)
    keyring.core.init_backend()
    assert isinstance(keyring.get_keyring(), fail.Keyring)
    yield
    keyring.set_keyring(before)


def test_without_a_store_the_error_says_why_and_what_to_do(data_dir: Path) -> None:
    rt = Runtime.open()
    try:
        assert rt.secrets.store_state() == "file-new"
        with pytest.raises(SecretStoreError) as err:
            rt.secrets.set("smtp_password", SECRET)
        text = str(err.value)
        assert "no credential store" in text and "NOTIFIER_SECRETS_PASSPHRASE" in text
        assert "NoKeyringError" not in text and "fail.Keyring" not in text
        assert rt.secrets.status()["smtp_password"] == "unreadable"
    finally:
        rt.close()


def test_encrypted_file_keeps_secrets_and_stays_locked_without_the_passphrase(
        data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rt = Runtime.open()
    rt.secrets.unlock_file("correct horse")
    rt.secrets.set("smtp_password", SECRET)
    assert rt.secrets.get("smtp_password") == SECRET
    rt.close()
    path = data_dir / SECRETS_FILE
    assert SECRET.encode() not in path.read_bytes()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    rt = Runtime.open()  # a new start: the file is there, locked until the passphrase is given
    try:
        assert rt.secrets.store_state() == "file-locked"
        with pytest.raises(SecretStoreError, match="locked"):
            rt.secrets.get("smtp_password")
        with pytest.raises(SecretStoreError):
            rt.secrets.unlock_file("wrong")
        assert rt.secrets.store_state() == "file-locked"
    finally:
        rt.close()

    monkeypatch.setenv("NOTIFIER_SECRETS_PASSPHRASE", "correct horse")  # headless runs
    rt = Runtime.open()
    try:
        assert rt.secrets.store_state() == "file-open"
        assert rt.secrets.get("smtp_password") == SECRET
    finally:
        rt.close()


def test_settings_offers_the_encrypted_file_and_then_saves_the_password(
        ctx: AppContext, qtbot, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    dlg = SettingsDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.resize(800, 580)
    dlg.show()
    panel = dlg.store_panel
    qtbot.waitUntil(lambda: panel.state == "file-new", timeout=5000)
    assert panel.isVisible() and "no credential store" in panel.text.text()
    qtbot.waitUntil(lambda: dlg.secret_fields["smtp_password"].status == "unreadable", timeout=5000)
    shot(dlg, "settings-no-credential-store.png")

    qtbot.keyClicks(panel.passphrase, "correct horse")
    qtbot.keyClicks(panel.repeat, "other")
    qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
    assert panel.error.isVisible() and not (data_dir / SECRETS_FILE).exists()
    panel.repeat.clear()
    qtbot.keyClicks(panel.repeat, "correct horse")
    with qtbot.waitSignal(panel.unlocked, timeout=10_000):
        qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
    assert not panel.isVisible()
    qtbot.waitUntil(lambda: dlg.secret_fields["smtp_password"].status == "missing", timeout=5000)

    type_in = dlg.secret_fields["smtp_password"].edit
    qtbot.keyClicks(type_in, SECRET)
    with qtbot.waitSignal(dlg.saved, timeout=10_000):
        qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert ctx.runtime.secrets.get("smtp_password") == SECRET
    assert SECRET.encode() not in (data_dir / SECRETS_FILE).read_bytes()


def test_main_window_asks_for_the_passphrase_of_a_locked_file(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    from notifier_gui.ui.main_window import MainWindow
    from notifier_gui.ui.worker import WorkerBridge

    ctx.runtime.secrets.unlock_file("correct horse")
    ctx.runtime.secrets.set("telegram_bot_token", "123:abc-token")
    rt = Runtime.open()  # the next start: the file is there, locked
    bridge = WorkerBridge(lambda sink: rt.dispatcher(sink))
    later = AppContext(rt, ctx.tasks, bridge, ctx.ui_state)
    w = MainWindow(later)
    qtbot.addWidget(w)
    try:
        with qtbot.waitSignal(w.modeShown, timeout=5000):
            w.show()
        panel = w.store_panel
        assert panel.isVisible() and panel.state == "file-locked" and not panel.repeat.isVisible()
        shot(w, "main-window-secrets-locked.png")
        qtbot.keyClicks(panel.passphrase, "correct horse")
        with qtbot.waitSignal(w.modeShown, timeout=10_000):  # unlocked: the mode is read again
            qtbot.keyClick(panel.passphrase, Qt.Key.Key_Return)
        assert not panel.isVisible() and "Telegram" in w.windowTitle()
    finally:
        w.quit_for_real(confirm=False)
        bridge.stop()
        rt.close()
