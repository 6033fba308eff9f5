"""Attempt details in the window's language (#15 item 5): every code a channel, the receipts or
the state machine can write has the window's words and a Russian translation; the log shows
stored details (with codes, and rows from before them) and live ones in Russian."""
from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import update

from notifier_gui.core.delivery import details
from notifier_gui.core.delivery.bounces import BOUNCED_HARD
from notifier_gui.core.delivery.channels import smtp_transport
from notifier_gui.core.delivery.channels.base import NO_PHONE
from notifier_gui.core.delivery.channels.botapi import BLOCKED
from notifier_gui.core.delivery.channels.sms import smsru
from notifier_gui.core.delivery.dispatcher import AttemptFinished
from notifier_gui.core.delivery.states import Delivered
from notifier_gui.core.records import Work
from notifier_gui.core.storage.schema import ATTEMPTS

from notifier_gui.ui.context import AppContext
from notifier_gui.ui.core_text import WINDOW_TEXT, core_text
from notifier_gui.ui.core_text_delivery import DELIVERY_TEXT
from notifier_gui.ui.log.panel import LogPanel

from tests.ui.conftest import shot
from tests.ui.test_russian import russian  # noqa: F401  (the fixture that installs the Russian translation)

ROOT = Path(__file__).resolve().parents[2]


def _finished_russian() -> dict[str, str]:
    """The CoreMessage sources of the .ts that have a finished Russian translation."""
    tree = ET.parse(ROOT / "resources" / "translations" / "notifier_ru.ts")
    out: dict[str, str] = {}
    for context in tree.getroot().iter("context"):
        if context.findtext("name") != "CoreMessage":
            continue
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is not None and not translation.get("type") and translation.text:
                out[html.unescape(message.findtext("source", ""))] = translation.text
    return out


def test_every_attempt_detail_code_has_the_windows_words_and_a_russian_translation() -> None:
    """Walks the registry: every template an attempt detail can be made from (the channels',
    the bounces', the receipts', the dispatcher's and the state machine's)."""
    codes = details.templates()
    assert len(codes) > 200
    assert sorted(codes.keys() - DELIVERY_TEXT.keys()) == [], "codes without the window's words"
    assert sorted(DELIVERY_TEXT.keys() - codes.keys()) == [], "window words for codes the core no longer has"
    assert all(WINDOW_TEXT[code] == DELIVERY_TEXT[code] for code in codes)
    russian = _finished_russian()
    untranslated = [code for code in codes if DELIVERY_TEXT[code] and DELIVERY_TEXT[code] not in russian]
    assert untranslated == []
    for code, template in codes.items():  # a translation keeps every field (a lost one hides a value)
        window = DELIVERY_TEXT[code]
        if window:
            wanted = set(re.findall(r"\{(\w+)\}", window))
            assert wanted <= template.fields.keys(), code
            assert set(re.findall(r"\{(\w+)\}", russian[window])) == wanted, (code, russian[window])


def _attempt(ctx: AppContext, work: Work, channel: str, detail: str) -> None:
    store = ctx.runtime.store
    aid, _ = store.start_attempt(work, channel, 60, work.owner)
    store.finish_attempt(work, aid, channel, "permanent", detail, Delivered(channel))


def test_the_log_shows_stored_old_and_live_details_in_russian(qtbot, ctx: AppContext, russian: None,  # noqa: F811
                                                              tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = ctx.runtime.store
    rid = store.add_recipient("Анна Смирнова", email="anna@example.org", phone="+79161234567", telegram_chat_id=42)
    stored = [
        ("email", smtp_transport.REJECTED_WHILE(where=smtp_transport.WHERE["send"](), reply="554 5.7.1 spam")),
        ("sms", smsru.SAID(message=smsru.CODES[201][1](), said="201: Не хватает средств")),
        ("telegram", BLOCKED()),
        ("sms", NO_PHONE()),
    ]
    for channel, detail in stored:
        (nid,) = store.enqueue([rid], "hello", channels=[channel])
        (work,) = store.claim("test/1/1/q", 1, 60)
        _attempt(ctx, work, channel, detail)
    old_english = "the SMTP server did not answer in time while connecting"
    (nid,) = store.enqueue([rid], "hello", channels=["email"])
    (work,) = store.claim("test/1/1/q", 1, 60)
    _attempt(ctx, work, "email", smtp_transport.NO_ANSWER(where=smtp_transport.WHERE["connect"]()))
    with store.engine.begin() as c:  # a row from before migration 0008: English only
        c.execute(update(ATTEMPTS).where(ATTEMPTS.c.notification_id == nid)
                  .values(detail=old_english, detail_code=None, detail_params=None))

    panel = LogPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(1100, 420)
    panel.show()
    panel.load_history()
    qtbot.waitUntil(lambda: panel.history_loaded)
    t = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)
    panel.apply_events([AttemptFinished(None, 99, "Борис", "email", "undelivered",
                                        BOUNCED_HARD(addresses="boris@example.org"), t, t + timedelta(seconds=1))])
    model = panel.model
    shown = [model.shown_row(r)[0][5] for r in range(model.rowCount())]
    assert shown == [  # newest first
        "письмо вернулось (постоянная ошибка): boris@example.org",
        "SMTP-сервер не ответил вовремя при подключении",
        "у получателя нет номера телефона",
        "человек заблокировал бота (403); чтобы сообщения в Telegram доходили, он должен разблокировать бота и "
        "нажать «Старт»",
        "на счёте SMS.ru недостаточно денег; пополните его (SMS.ru 201: Не хватает средств)",
        "сервер отклонил письмо при отправке: 554 5.7.1 spam",
    ], shown
    panel.table.selectRow(5)
    qtbot.waitUntil(lambda: "554 5.7.1 spam" in panel.details.toPlainText())
    assert "сервер отклонил письмо" in panel.details.toPlainText()  # the timeline too
    assert core_text(str(stored[0][1])) == shown[-1]  # the English read back says the same
    assert shot(panel, "log-details-russian.png")
