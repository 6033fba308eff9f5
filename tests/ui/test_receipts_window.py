"""The window shows the second stage of an attempt (issue #17): the accepted row changes
when its delivery report comes, a filter for "accepted, not confirmed yet", the timeline
with the time between the stages, and today's confirmation rates in the status bar."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from notifier_gui.core.delivery.dispatcher import AttemptFinished, AttemptStarted
from notifier_gui.core.storage.history import History, LogQuery

from notifier_gui.ui.context import AppContext
from notifier_gui.ui.log.model import AttemptLogModel
from notifier_gui.ui.log.panel import LogPanel
from notifier_gui.ui.log.proxy import LogFilter
from notifier_gui.ui.main_window import MainWindow

from tests.servers import twilio
from tests.servers.telegram import FakeTelegram
from tests.test_receipts import PHONE, dispatcher, fast, run, twilio_settings
from tests.ui.conftest import shot
from tests.ui.test_russian import russian  # noqa: F401  (installs the Russian translation)

T0 = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)


def test_the_accepted_row_changes_when_the_report_comes() -> None:
    model = AttemptLogModel()
    model.reset(LogQuery(), [], at_newest=True, at_oldest=True)  # the window at the newest end
    model.apply([AttemptStarted(7, 1, "Анна", "sms", T0),
                 AttemptFinished(7, 1, "Анна", "sms", "accepted", "Twilio accepted SM1", T0, T0 + timedelta(seconds=1))])
    assert model.rowCount() == 1 and model.outcome_at(0) == "accepted"
    assert model.outcome_name("accepted") == "accepted, not confirmed yet"
    model.apply([AttemptFinished(7, 1, "Анна", "sms", "confirmed", "delivered", T0 + timedelta(seconds=1),
                                 T0 + timedelta(seconds=40))])
    assert model.rowCount() == 1 and model.outcome_at(0) == "confirmed" and model.duration(0) == 40.0


def test_filter_accepted_not_confirmed_yet(ctx: AppContext) -> None:
    """The filter is SQL over the history, and the same question for live rows."""
    from sqlalchemy import insert

    from notifier_gui.core.storage.schema import ATTEMPTS

    store = ctx.runtime.store
    outcomes = ("accepted", "confirmed", "undelivered", "delivered", "accepted")
    nids = store.enqueue([store.add_recipient("X")] * len(outcomes), "hello")
    with store.engine.begin() as c:
        c.execute(insert(ATTEMPTS), [{"notification_id": nid, "channel": "sms", "started_at": T0, "finished_at": T0,
                                      "outcome": o, "detail": "", "round_no": 0, "try_no": 1}
                                     for nid, o in zip(nids, outcomes)])
    history = History(store.engine)
    bar = LogFilter()
    for group, expected in (("accepted", 2), ("delivered", 2), ("failed", 1)):  # delivered: confirmed + delivered
        q = bar.set_outcome_group(group)
        assert len(history.page(q, 100)) == expected, group
        assert sum(q.matches(1, "X", "sms", o, "", T0) for o in outcomes) == expected, group


def test_timeline_and_status_bar(qtbot, ctx: AppContext, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = ctx.runtime.store
    with twilio.TwilioServer() as tw, FakeTelegram() as tg:
        tw.reports.set(PHONE, "undelivered", after=0.2, code=30003)
        tg.add_chat(5)
        rid = store.add_recipient("Анна", phone=PHONE, telegram_chat_id=5)
        (nid,) = store.enqueue([rid], "Сервер перегрелся", channels=["sms", "telegram"])
        run(dispatcher(store, twilio_settings(tmp_path, tw, tg), fast(30)))
    panel = LogPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(1000, 420)
    panel.show()
    panel.load_history()
    qtbot.waitUntil(lambda: panel.history_loaded)
    assert panel.select_notification(nid)
    qtbot.waitUntil(lambda: "accepted →" in panel.details.toPlainText())
    text = panel.details.toPlainText()
    assert "accepted → undelivered after" in text and "30003" in text and "accepted by Telegram" in text
    shot(panel, "log-receipts.png")

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.refresh_stats()
    qtbot.waitUntil(lambda: "SMS: 0 of 1 (0 %)" in window.queued_label.toolTip())
    assert window.confirmation_tooltip({}) == "No delivery reports today"


def test_delivery_reports_are_shown_in_russian(russian: None) -> None:  # noqa: F811
    from notifier_gui.ui.core_text import core_text

    assert core_text("no delivery report within 600 s of acceptance") == \
        "нет отчёта о доставке в течение 600 с после приёма"
    assert core_text("the number does not exist (Twilio 30005, message SM1 undelivered)") == \
        "номер не существует (Twilio 30005, сообщение SM1 undelivered)"
    assert core_text("not delivered: rejected (SMS.ru 108, message 000000-1)") == \
        "не доставлено: отклонено (SMS.ru 108, сообщение 000000-1)"


def test_settings_sms_page_sets_the_confirmation_window(ctx: AppContext, qtbot, keyring_backend) -> None:  # type: ignore[no-untyped-def]
    import json

    from PySide6.QtCore import Qt

    from notifier_gui.ui.settings import SettingsDialog

    from tests.ui.test_settings_dialog import open_dialog, settings_file

    dlg = open_dialog(ctx, qtbot)
    dlg.show_page("sms")
    spin = dlg.bindings["SMS_CONFIRM_TIMEOUT"].widget
    assert spin.value() == 10.0  # 600 s, shown in minutes
    spin.setValue(0)
    assert spin.text() == "don't wait (accepted counts as delivered)"
    dlg.resize(760, 560)
    shot(dlg, "settings-sms-receipts.png")
    with qtbot.waitSignal(dlg.saved, timeout=10_000):
        qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert json.loads(settings_file(ctx).read_text(encoding="utf-8")) == {"SMS_CONFIRM_TIMEOUT": 0.0}
    assert ctx.runtime.settings.sms_confirm_timeout == 0 and dlg.result() == SettingsDialog.DialogCode.Accepted
