"""The Settings dialog on a real core: saving, secrets, .env banner and "Test connection"
against the real loopback servers (aiosmtpd with a trustme CA, the Bot API imitation).

Waiting is done with qtbot.waitUntil / waitSignal, never with sleeps.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox

from notifier_gui.core.secrets import SERVICE

from notifier_gui.ui.context import AppContext
from notifier_gui.ui.settings import LANGUAGE_KEY, SettingsDialog
from notifier_gui.ui.tray import keep_running_in_tray

from tests.servers.smtp import PASSWORD, USER, HangingServer, SMTPServer
from tests.servers.telegram import DEFAULT_TOKEN, FakeTelegram
from tests.ui.conftest import shot

# The offscreen platform says so whenever a top-level window is shown; it is not our warning.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


@pytest.fixture
def smtp(ca: trustme.CA) -> Iterator[SMTPServer]:
    server = SMTPServer(ca).start()
    yield server
    server.stop()


def open_dialog(ctx: AppContext, qtbot) -> SettingsDialog:  # type: ignore[no-untyped-def]
    dlg = SettingsDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitUntil(lambda: all(f.status for f in dlg.secret_fields.values()), timeout=5000)
    return dlg


def type_text(qtbot, widget: QLineEdit, text: str) -> None:  # type: ignore[no-untyped-def]
    widget.selectAll()
    qtbot.keyClick(widget, Qt.Key.Key_Delete)
    qtbot.keyClicks(widget, text)


def type_number(qtbot, spin: QSpinBox, value: int) -> None:  # type: ignore[no-untyped-def]
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), str(value))
    assert spin.value() == value


def fill_email(qtbot, dlg: SettingsDialog, port: int, password: str | None = PASSWORD,  # type: ignore[no-untyped-def]
               host: str = "localhost") -> None:
    type_text(qtbot, dlg.bindings["SMTP_HOST"].widget, host)
    type_number(qtbot, dlg.bindings["SMTP_PORT"].widget, port)
    type_text(qtbot, dlg.bindings["SMTP_DEFAULT_USER"].widget, USER)
    if password is not None:
        qtbot.keyClicks(dlg.secret_fields["smtp_password"].edit, password)
    type_text(qtbot, dlg.bindings["DEFAULT_FROM_EMAIL"].widget, "Notifier <ops@example.org>")


def settings_file(ctx: AppContext) -> Path:
    return ctx.runtime.settings.settings_file


# -- saving ---------------------------------------------------------------------------------
def test_save_writes_changed_settings_and_the_password_only_to_the_keyring(
        ctx: AppContext, qtbot, keyring_backend) -> None:  # type: ignore[no-untyped-def]
    ctx.bridge.start()
    first_dispatcher = ctx.bridge.dispatcher
    dlg = open_dialog(ctx, qtbot)
    assert dlg.secret_fields["smtp_password"].edit.echoMode() == QLineEdit.EchoMode.Password
    fill_email(qtbot, dlg, 2525, host="smtp.example.org")
    dlg.show_page("general")
    dlg.keep_in_tray.setChecked(True)
    language = dlg.language
    language.setCurrentIndex(language.findData("ru"))

    with qtbot.waitSignal(dlg.saved, timeout=10_000):
        qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)

    text = settings_file(ctx).read_text(encoding="utf-8")
    data = json.loads(text)
    assert data == {"SMTP_HOST": "smtp.example.org", "SMTP_PORT": 2525, "SMTP_DEFAULT_USER": USER,
                    "DEFAULT_FROM_EMAIL": "Notifier <ops@example.org>"}  # changed values only
    assert PASSWORD not in text
    assert keyring_backend.get_password(SERVICE, "smtp_password") == PASSWORD
    # the runtime re-read the configuration and the worker was rebuilt with it
    assert ctx.runtime.settings.smtp_host == "smtp.example.org" and ctx.runtime.settings.smtp_port == 2525
    # the worker restarts from its thread's finished signal, not while the window waits
    qtbot.waitUntil(lambda: ctx.bridge.state == "running" and ctx.bridge.dispatcher is not first_dispatcher)
    assert keep_running_in_tray(ctx.ui_state) and ctx.ui_state.value(LANGUAGE_KEY) == "ru"
    assert dlg.result() == SettingsDialog.DialogCode.Accepted


def test_bounce_mailbox_settings_save_and_the_imap_password_goes_only_to_the_keyring(
        ctx: AppContext, qtbot, keyring_backend) -> None:  # type: ignore[no-untyped-def]
    dlg = open_dialog(ctx, qtbot)
    type_text(qtbot, dlg.bindings["IMAP_HOST"].widget, "imap.example.org")
    type_text(qtbot, dlg.bindings["IMAP_USER"].widget, "bounces@example.org")
    qtbot.keyClicks(dlg.secret_fields["imap_password"].edit, "imap-App-pw-0815")
    wait = dlg.bindings["EMAIL_CONFIRM_TIMEOUT"].widget
    assert wait.specialValueText() and wait.value() == 0  # off by default
    wait.setValue(10)  # minutes
    assert dlg.bindings["IMAP_PORT"].widget.value() == 993
    assert dlg.bindings["IMAP_FOLDER"].widget.text() == "INBOX"
    dlg.resize(dlg.width(), 1000)
    assert shot(dlg, "settings-email-imap.png")
    with qtbot.waitSignal(dlg.saved, timeout=10_000):
        qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    text = settings_file(ctx).read_text(encoding="utf-8")
    assert json.loads(text) == {"IMAP_HOST": "imap.example.org", "IMAP_USER": "bounces@example.org",
                                "EMAIL_CONFIRM_TIMEOUT": 600.0}
    assert "imap-App-pw-0815" not in text
    assert keyring_backend.get_password(SERVICE, "imap_password") == "imap-App-pw-0815"
    assert ctx.runtime.settings.email_receipts


def test_invalid_values_are_shown_inline_and_nothing_is_saved(
        ctx: AppContext, qtbot, keyring_backend) -> None:  # type: ignore[no-untyped-def]
    dlg = open_dialog(ctx, qtbot)
    type_text(qtbot, dlg.bindings["SMTP_HOST"].widget, "smtp.example.org:587")
    dlg.show_page("delivery")
    type_text(qtbot, dlg.backoff_edit, "2, soon")
    dlg.show_page("general")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)

    host_error = dlg.bindings["SMTP_HOST"].error
    assert host_error.isVisible() and "host name only" in host_error.text()
    backoff_error = dlg.bindings["NOTIFIER_BACKOFF"].error  # on its own page, not the current one
    assert not backoff_error.isHidden() and "separated by commas" in backoff_error.text()
    assert dlg.stack.currentIndex() == 0  # it took the operator to the first problem
    assert dlg.isVisible() and not settings_file(ctx).exists()

    type_text(qtbot, dlg.bindings["SMTP_HOST"].widget, "smtp.example.org")
    type_text(qtbot, dlg.backoff_edit, "3, 30")
    with qtbot.waitSignal(dlg.saved, timeout=10_000):
        qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert not host_error.isVisible()
    assert json.loads(settings_file(ctx).read_text(encoding="utf-8")) == {
        "SMTP_HOST": "smtp.example.org", "NOTIFIER_BACKOFF": [3.0, 30.0]}


def test_stored_secret_shows_a_placeholder_and_clear_deletes_it(
        ctx: AppContext, qtbot, keyring_backend) -> None:  # type: ignore[no-untyped-def]
    ctx.runtime.secrets.set("telegram_bot_token", DEFAULT_TOKEN)
    dlg = open_dialog(ctx, qtbot)
    field = dlg.secret_fields["telegram_bot_token"]
    assert field.edit.text() == ""  # the value is never put into the widget
    assert "stored in the credential store" in field.edit.placeholderText()
    assert field.clear_button.isEnabled()

    qtbot.mouseClick(field.clear_button, Qt.MouseButton.LeftButton)
    assert "deleted" in field.edit.placeholderText()
    with qtbot.waitSignal(dlg.saved, timeout=10_000):
        qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert keyring_backend.get_password(SERVICE, "telegram_bot_token") is None
    assert not settings_file(ctx).exists()  # nothing else changed


def test_sms_page_shows_only_the_chosen_provider(ctx: AppContext, qtbot, keyring_backend) -> None:  # type: ignore[no-untyped-def]
    dlg = open_dialog(ctx, qtbot)
    dlg.show_page("sms")
    combo: QComboBox = dlg.sms_provider
    assert not any(box.isVisible() for box in dlg.sms_groups.values())  # "Off"
    combo.setCurrentIndex(combo.findData("twilio"))
    assert dlg.sms_groups["twilio"].isVisible() and not dlg.sms_groups["smsru"].isVisible()
    assert "twilio_auth_token" in dlg.secret_fields
    combo.setCurrentIndex(combo.findData("smsru"))
    assert dlg.sms_groups["smsru"].isVisible() and not dlg.sms_groups["twilio"].isVisible()
    panel = dlg.checks["sms"]
    qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)  # SMS.ru without an api_id
    qtbot.waitUntil(lambda: not panel.running and panel.result.text().startswith("Failed"), timeout=10_000)


# -- test connection ----------------------------------------------------------------------------
def test_email_check_runs_off_the_gui_thread(ctx: AppContext, qtbot, keyring_backend) -> None:  # type: ignore[no-untyped-def]
    hanging = HangingServer()  # accepts the connection and never greets: the check has to wait
    try:
        dlg = open_dialog(ctx, qtbot)
        fill_email(qtbot, dlg, hanging.port, host="127.0.0.1")
        panel = dlg.checks["email"]
        ticks = []
        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(lambda: ticks.append(1))
        timer.start()

        qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
        assert panel.running and not panel.button.isEnabled() and panel.busy.isVisible()
        # The GUI thread keeps running timers while the check waits for the silent server.
        qtbot.waitUntil(lambda: len(hanging.accepted) == 1 and len(ticks) >= 20, timeout=10_000)
        assert panel.running and panel.result.text() == "Testing…"
        type_text(qtbot, dlg.bindings["DEFAULT_FROM_NAME"].widget, "still typing")  # input is handled too
        assert dlg.bindings["DEFAULT_FROM_NAME"].widget.text() == "still typing"
        timer.stop()
    finally:
        hanging.close()  # the server hangs up: the check ends with an error
    qtbot.waitUntil(lambda: not panel.running, timeout=10_000)
    assert panel.button.isEnabled() and not panel.busy.isVisible()
    assert panel.result.text().startswith("Failed")


def test_email_check_ok_in_place(ctx: AppContext, qtbot, smtp: SMTPServer, trust_ca: Path,  # type: ignore[no-untyped-def]
                                 keyring_backend) -> None:
    dlg = open_dialog(ctx, qtbot)
    fill_email(qtbot, dlg, smtp.port)
    panel = dlg.checks["email"]
    qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.running, timeout=15_000)
    text = panel.result.text()
    assert text.startswith("OK") and "STARTTLS" in text and USER in text, text
    assert "1b7a2e" in panel.result.styleSheet()  # green
    assert smtp.handler.logins == [USER] and smtp.messages == []  # logged in, sent nothing
    assert keyring_backend.get_password(SERVICE, "smtp_password") is None  # a test saves nothing
    assert shot(dlg, "settings-email.png")


def test_email_check_wrong_password_explains_535_without_the_password(  # type: ignore[no-untyped-def]
        ctx: AppContext, qtbot, smtp: SMTPServer, trust_ca: Path, keyring_backend) -> None:
    wrong = "wrong-Pa55-typed-by-mistake"
    dlg = open_dialog(ctx, qtbot)
    fill_email(qtbot, dlg, smtp.port, password=wrong)
    panel = dlg.checks["email"]
    qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.running, timeout=15_000)
    text = panel.result.text()
    assert text.startswith("Failed") and "535" in text and "password was not accepted" in text, text
    assert wrong not in text and "b3261e" in panel.result.styleSheet()  # red


def test_telegram_check_against_the_bot_api(ctx: AppContext, qtbot, keyring_backend) -> None:  # type: ignore[no-untyped-def]
    with FakeTelegram() as tg:
        dlg = open_dialog(ctx, qtbot)
        dlg.show_page("telegram")
        type_text(qtbot, dlg.bindings["TELEGRAM_API_BASE"].widget, tg.base_url)
        field = dlg.secret_fields["telegram_bot_token"]
        panel = dlg.checks["telegram"]

        qtbot.keyClicks(field.edit, DEFAULT_TOKEN)
        qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not panel.running, timeout=10_000)
        assert panel.result.text() == "OK: connected as @notifier_test_bot"

        wrong = "123456789:AAEwrong_Token-abcdefghijklmnopqrstu"
        type_text(qtbot, field.edit, wrong)
        qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not panel.running, timeout=10_000)
        text = panel.result.text()
        assert text.startswith("Failed") and "401" in text and wrong.split(":")[1] not in text, text


# -- .env banner --------------------------------------------------------------------------------
def test_dotenv_banner_moves_secrets_to_the_keyring(ctx: AppContext, qtbot, keyring_backend,  # type: ignore[no-untyped-def]
                                                    tmp_path: Path) -> None:
    env = Path.cwd() / ".env"
    assert env.parent == tmp_path
    env.write_text("# from the web service\nSMTP_HOST=smtp.example.org\nSMTP_DEFAULT_PASSWORD=dotenv-pw-1234\n"
                   "TELEGRAM_PARSE_MODE=HTML\n", encoding="utf-8")
    ctx.runtime.reload()
    dlg = open_dialog(ctx, qtbot)
    assert dlg.banner.isVisible() and "SMTP_DEFAULT_PASSWORD" in dlg.banner_text.text()
    assert "dotenv-pw-1234" not in dlg.banner_text.text()
    field = dlg.secret_fields["smtp_password"]
    assert "a .env file" in field.edit.placeholderText()
    assert "set in" in dlg.bindings["SMTP_HOST"].widget.parentWidget().findChildren(
        type(dlg.banner_text))[-1].text()  # the host's hint names the .env file
    shot(dlg, "settings-dotenv-banner.png")

    qtbot.mouseClick(dlg.move_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Moved 1 secret" in dlg.banner_text.text(), timeout=10_000)
    assert env.read_text(encoding="utf-8") == "# from the web service\nSMTP_HOST=smtp.example.org\nTELEGRAM_PARSE_MODE=HTML\n"
    assert keyring_backend.get_password(SERVICE, "smtp_password") == "dotenv-pw-1234"
    assert ctx.runtime.secrets.status()["smtp_password"] == "keyring"
    assert ctx.runtime.secrets.get("smtp_password") == "dotenv-pw-1234"
    qtbot.waitUntil(lambda: "stored in the credential store" in field.edit.placeholderText(), timeout=5000)
    assert not dlg.move_button.isVisible()


def test_each_connection_test_says_what_the_core_check_says(ctx: AppContext, qtbot, keyring_backend) -> None:  # type: ignore[no-untyped-def]
    """One source for the checks (core/checks.py, as `notifier check` uses): the dialog had its
    own table, whose Telegram check without a token answered differently from the CLI's."""
    from notifier_gui.core.checks import check_channel

    from notifier_gui.ui.core_text import core_text

    dlg = open_dialog(ctx, qtbot)
    for channel in ("email", "sms", "telegram"):
        dlg.show_page(channel)
        panel = dlg.checks[channel]
        qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda p=panel: not p.running, timeout=10_000)  # type: ignore[misc]
        core = check_channel(channel, ctx.runtime.settings, ctx.runtime.secrets)
        assert not core.ok and panel.result.text() == f"Failed: {core_text(core.message)}"
