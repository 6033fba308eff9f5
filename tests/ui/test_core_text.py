"""Core messages in the window's language: real messages of the core, shown in Russian;
English unchanged; and every template still made of the core's own words."""
from __future__ import annotations

import ast
import re
import smtplib
from pathlib import Path

import pytest

from notifier_gui.core import validation as v
from notifier_gui.core.checks import check_email
from notifier_gui.core.config import Settings
from notifier_gui.core.delivery.channels.base import Message, address_reason
from notifier_gui.core.delivery.channels.email import classify
from notifier_gui.core.delivery.channels.sms.smsru import SmsRuProvider
from notifier_gui.core.recipients import import_csv
from notifier_gui.core.secrets import Redactor
from notifier_gui.core.storage.repository import RecipientData
from notifier_gui.ui.context import AppContext
from notifier_gui.ui.core_text import TEMPLATES, core_text
from tests.ui.test_russian import russian  # noqa: F401  (the fixture that installs the Russian translation)

ROOT = Path(__file__).resolve().parents[2]


def _core_string_pieces() -> str:
    """Every literal piece of text in the core's source: plain strings and the constant parts
    of f-strings (implicit concatenation already joined by the parser)."""
    pieces: list[str] = []
    for path in (ROOT / "notifier_gui" / "core").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                pieces.append(node.value)
    return "\n".join(pieces)


def test_every_template_is_still_made_of_the_cores_words() -> None:
    corpus = _core_string_pieces()
    missing = [(template, fragment) for template in TEMPLATES for fragment in re.split(r"\{\w+\}", template)
               if sum(c.isalnum() for c in fragment) >= 3 and fragment not in corpus]
    assert missing == [], "templates whose words the core no longer writes"


def _message(email: str | None = None) -> Message:
    return Message(1, RecipientData(1, "Анна", email=email), "", "text")


def _validation_error(call) -> v.ValidationError:  # type: ignore[no-untyped-def]
    with pytest.raises(v.ValidationError) as info:
        call()
    return info.value


def test_real_core_messages_are_shown_in_russian(ctx: AppContext, russian: None) -> None:  # noqa: F811
    assert core_text(address_reason("email", _message()) or "") == "у получателя нет адреса эл. почты"
    assert core_text(address_reason("telegram", _message()) or "").startswith("у получателя нет привязанного чата")

    bad = _validation_error(lambda: v.email("not-an-address"))
    shown = core_text(bad.message)
    assert shown.startswith("'not-an-address' — неверный адрес эл. почты (")  # the library's reason stays
    assert core_text(str(bad)).startswith("эл. почта: 'not-an-address' — неверный адрес")
    assert core_text(_validation_error(lambda: v.phone("12")).message).startswith("'12' — не номер телефона (укажите")
    assert core_text(str(_validation_error(lambda: v.name("  ")))) == "имя: не может быть пустым"

    refused = classify(ConnectionRefusedError(), "connect")
    assert core_text(refused.detail) == "SMTP-сервер отказал в подключении (запущен ли он, верен ли порт?)"
    login = classify(smtplib.SMTPAuthenticationError(535, b"5.7.8 bad credentials"), "login")
    assert core_text(login.detail) == "SMTP-логин или пароль не приняты: 535 5.7.8 bad credentials"

    store = ctx.runtime.store
    store.add_recipient("Anna", email="anna@example.org")
    report = import_csv(store, b"name,email\nAnna,ANNA@example.org\nBoris,boris@\n")
    shown_lines = [core_text(reason) for _, reason in report.skipped + report.rejected]
    assert shown_lines[0] == "эл. почта: ANNA@example.org уже есть"
    assert shown_lines[1].startswith("эл. почта: 'boris@' — неверный адрес эл. почты")

    not_set = check_email(Settings(data_dir=ctx.runtime.settings.data_dir), ctx.runtime.secrets)
    assert core_text(not_set.message) == "Эл. почта не настроена: укажите SMTP-сервер в разделе Настройки → Email"
    assert (core_text("Connected to smtp.example.org:587 (STARTTLS, logged in as bob)")
            == "Подключено к smtp.example.org:587 (STARTTLS, вход как bob)")
    assert core_text("Connected to relay:25 (no TLS)") == "Подключено к relay:25 (без TLS)"

    smsru = SmsRuProvider("test-api-id", Redactor())
    money = smsru.status_error({"status_code": 201, "status_text": "Не хватает средств на лицевом счету"}, "the number")
    assert core_text(money.detail) == ("на счёте SMS.ru недостаточно денег; пополните его "
                                       "(SMS.ru 201: Не хватает средств на лицевом счету)")
    odd = smsru.status_error({"status_code": 999}, "the number")
    assert core_text(odd.detail) == odd.detail  # a code the program does not know: as written

    assert core_text("sandbox: written to /tmp/outbox/1.eml") == "песочница: записано в /tmp/outbox/1.eml"
    unknown = "Telegram server error 502: Bad Gateway"
    assert core_text(unknown) == unknown  # not in the table: shown as the core wrote it


def test_without_a_translation_messages_are_shown_as_written(qapp) -> None:  # type: ignore[no-untyped-def]
    text = "the recipient has no email address"
    assert core_text(text) == text
    assert core_text("name: must not be empty") == "name: must not be empty"
    assert core_text("") == ""


def test_email_validator_reasons_are_shown_in_russian(russian: None) -> None:  # noqa: F811
    """#13 item 22: email-validator's own sentence inside the core's message is translated too."""
    from notifier_gui.core import validation as val

    for bad, words in (("ivan.petrov@example", "должна быть точка"), ("x", "знак @"),
                       ("a b@example.org", "недопустимые символы")):
        err = _validation_error(lambda b=bad: val.email(b))
        shown = core_text(err.message)
        assert words in shown and "@-sign" not in shown, shown


def _window_messages(ctx: AppContext) -> dict[str, str]:
    """Real core messages that name an environment variable or a secret's id."""
    from notifier_gui.core.delivery.channels.sms import _off_reason
    from notifier_gui.core.delivery.channels.sms.android import require_settings

    settings = Settings(data_dir=ctx.runtime.settings.data_dir)
    with pytest.raises(Exception) as android:
        require_settings("", "")
    return {"sms": _off_reason(settings) or "",
            "email": check_email(settings, ctx.runtime.secrets).message,
            "phone": str(_validation_error(lambda: v.phone("12"))),
            "android": str(android.value)}


def test_the_window_names_the_settings_field_not_the_variable(ctx: AppContext) -> None:
    """#13 item 20: in the (English) window a core message says where in Settings to fix it;
    the core's own text (the log of record, the CLI) keeps the variable's name."""
    core = _window_messages(ctx)
    assert "SMS_PROVIDER" in core["sms"] and "NOTIFIER_PHONE_REGION" in core["phone"]  # the CLI's words stay
    assert core_text(core["sms"]) == "SMS is not configured (choose an SMS provider in Settings → SMS)"
    assert core_text(core["email"]) == "Email is not configured: enter the SMTP server in Settings → Email"
    assert core_text(core["phone"]).endswith("or choose a phone region in Settings → General)")
    assert "Settings → SMS" in core_text(core["android"])
    for shown in map(core_text, core.values()):
        assert re.search(r"[A-Z]{3,}_[A-Z_]{2,}", shown) is None, shown


def test_the_russian_window_names_the_settings_field(ctx: AppContext, russian: None) -> None:  # noqa: F811
    core = _window_messages(ctx)
    assert core_text(core["sms"]) == "SMS не настроены (выберите SMS-провайдера в разделе Настройки → SMS)"
    assert core_text(core["phone"]).endswith("или выберите регион телефона в разделе Настройки → Общие)")
    for shown in map(core_text, core.values()):
        assert re.search(r"[A-Z]{3,}_[A-Z_]{2,}", shown) is None, shown


def test_credential_store_sentences_are_shown_in_russian(russian: None) -> None:  # noqa: F811
    """#13 item 22: the "no credential store" sentences of core/secrets.py in the Russian window."""
    from notifier_gui.core.secrets import store_problem

    for state in ("none", "file-new", "file-locked"):
        shown = core_text(store_problem(state, Path("/data/secrets.enc")) or "")
        assert "credential store" not in shown and "encrypted file" not in shown, shown
        assert re.search(r"[A-Z]{3,}_[A-Z_]{2,}", shown) is None, shown
    assert core_text(store_problem("none") or "").startswith("на этом компьютере нет хранилища учётных данных")


def test_credential_store_sentences_name_no_variable_in_the_window() -> None:
    from notifier_gui.core.secrets import PASSPHRASE_ENV, store_problem

    for state in ("file-new", "file-locked"):
        core = store_problem(state, Path("/data/secrets.enc")) or ""
        assert PASSPHRASE_ENV in core  # the CLI's words
        assert PASSPHRASE_ENV not in core_text(core) and "Settings" in core_text(core)


def test_bounce_reports_and_the_mailbox_check_are_shown_in_russian(russian: None) -> None:  # noqa: F811
    assert core_text("no bounce within 600 s") == "возврата не было за 600 с"
    assert core_text("bounced (hard): anna@example.org") == "письмо вернулось (постоянная ошибка): anna@example.org"
    assert core_text("Connected to localhost:587 (STARTTLS, logged in as ops@example.org); bounce mailbox "
                     "b@example.org at imap.example.org:993, folder INBOX (3 messages)") == (
        "Подключено к localhost:587 (STARTTLS, вход как ops@example.org); ящик возвратов b@example.org на "
        "imap.example.org:993, папка INBOX (писем: 3)")
