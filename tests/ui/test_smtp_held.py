"""The window's side of issue 12: a rejected SMTP login is told once in the tray, and the
new email messages of the core read in Russian."""
from __future__ import annotations

from notifier_gui.core.delivery.dispatcher import ChannelHeld

from notifier_gui.ui.context import AppContext
from notifier_gui.ui.core_text import core_text
from notifier_gui.ui.tray import TrayIcon

from tests.ui.conftest import shot
from tests.ui.test_russian import russian  # noqa: F401  (installs the Russian translation)

REASON = ("credentials rejected — fix them in Settings (the SMTP login or password was not accepted: "
          "535 5.7.8 Authentication credentials invalid)")


def test_held_email_is_told_once_in_the_tray(ctx: AppContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    tray = TrayIcon(ctx)
    tray.handle_events([ChannelHeld("email", REASON, waits=True)])
    assert tray.last_message is not None
    title, text = tray.last_message
    assert title == "Email is held: the server rejected the login"
    assert "535 5.7.8" in text and "waits until you fix the credentials in Settings" in text
    tray.last_message = None
    tray.handle_events([])
    assert tray.last_message is None


def test_new_email_messages_read_in_russian(ctx: AppContext, russian: None) -> None:  # noqa: F811
    assert core_text(REASON).startswith("учётные данные отклонены — исправьте их в настройках (SMTP-")
    # The window names the Settings field, not the variable (#13 item 20).
    assert core_text("port 465 expects implicit TLS (SMTP_USE_SSL=1)") == \
        "порт 465 ожидает неявный TLS (выберите его в поле «Защита» в разделе Настройки → Email)"
    assert core_text("accepted by mx.example.org, queued as 4F3x") == \
        "принято сервером mx.example.org, номер в очереди 4F3x"
    shown = core_text("Connected to relay:587 (STARTTLS); the server does not offer SMTPUTF8 (addresses with "
                      "non-ASCII before the @ cannot be sent)")
    assert shown.startswith("Подключено к relay:587 (STARTTLS); сервер не поддерживает SMTPUTF8")


def test_the_operator_chooses_what_a_rejected_login_does(ctx: AppContext, qtbot, keyring_backend) -> None:  # type: ignore[no-untyped-def]
    import json

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QComboBox

    from tests.ui.test_settings_dialog import fill_email, open_dialog

    dlg = open_dialog(ctx, qtbot)
    fill_email(qtbot, dlg, 2525, host="smtp.example.org")
    combo = dlg.bindings["SMTP_AUTH_FAILURE"].widget
    assert isinstance(combo, QComboBox) and combo.currentData() == "hold"
    combo.setCurrentIndex(combo.findData("next"))
    with qtbot.waitSignal(dlg.saved, timeout=10_000):
        qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert json.loads(ctx.runtime.settings.settings_file.read_text(encoding="utf-8"))["SMTP_AUTH_FAILURE"] == "next"
    assert ctx.runtime.settings.smtp_auth_failure == "next"


def test_the_log_shows_the_message_id_sent(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    from notifier_gui.core.delivery.states import Delivered

    from notifier_gui.ui.log.panel import LogPanel

    store = ctx.runtime.store
    (nid,) = store.enqueue([store.add_recipient("Anna", email="anna@example.net")], "hello")
    (work,) = store.claim("test/1/1", 1, 60)
    aid, _ = store.start_attempt(work, "email", 60, "test/1/1")
    store.finish_attempt(work, aid, "email", "delivered", "accepted by mx, queued as 4F3x", Delivered("email"),
                         "<1.2@example.org>")
    panel = LogPanel(ctx, ask_save_path=lambda: str(Path(ctx.runtime.settings.data_dir) / "log.csv"))
    qtbot.addWidget(panel)
    panel.load_history()
    qtbot.waitUntil(lambda: panel.history_loaded)
    assert panel.select_notification(nid)
    qtbot.waitUntil(lambda: "Message id: <1.2@example.org>" in panel.details.toPlainText())
    assert "queued as 4F3x" in panel.details.toPlainText()
    panel.resize(900, 500)
    assert shot(panel, "log-message-id.png")
