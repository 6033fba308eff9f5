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
from notifier_gui.core.messages import Msg
from notifier_gui.core.recipients import import_csv
from notifier_gui.core.records import RecipientData
from notifier_gui.core.secrets import Redactor
from notifier_gui.core.setting_rules import Seconds

from notifier_gui.ui.context import AppContext
from notifier_gui.ui.core_text import core_text
from notifier_gui.ui.core_text_english import TEMPLATES

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
    assert core_text(odd.detail) == "SMS.ru отклонил номер с кодом, неизвестным программе (SMS.ru 999)"

    assert core_text("sandbox: written to /tmp/outbox/1.eml") == "песочница: записано в /tmp/outbox/1.eml"
    assert core_text("Telegram server error 502: Bad Gateway") == "ошибка сервера Telegram 502: Bad Gateway"
    unknown = "the relay said: 502 Bad Gateway"
    assert core_text(unknown) == unknown  # no template of the core says this: shown as written


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
    from notifier_gui.core.delivery.channels.sms.android import require_settings
    from notifier_gui.core.delivery.channels.sms.channel import _off_reason

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


# A setting's environment name (SMTP_HOST) or a secret's id (smtp_password), as the core and
# the CLI write them: never in the window's text.
_VARIABLE = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b|\b(?:smtp_password|telegram_bot_token|twilio_auth_token|"
                       r"smsru_api_id|android_sms_password|api_token)\b")


def _configuration_errors(tmp_path: Path, secrets) -> list[str]:  # type: ignore[no-untyped-def]
    """Every configuration error the core raises, raised for real: the checks of a loaded
    configuration, unreadable values of every setting, a secret in the settings file, the
    Settings dialog's own checks, and the channels' complaints about missing settings."""
    import dataclasses

    from notifier_gui.core import config, settings_store
    from notifier_gui.core.delivery.channels.email import sender
    from notifier_gui.core.delivery.channels.sms.android import require_settings
    from notifier_gui.core.delivery.channels.sms.channel import PROVIDERS, _off_reason

    base = Settings(data_dir=tmp_path)
    found: list[str] = []

    def expect(call) -> None:  # type: ignore[no-untyped-def]
        try:
            call()
        except Exception as exc:  # noqa: BLE001  (ConfigError, ValidationError, ProviderConfigError, Unavailable)
            found.append(getattr(exc, "detail", None) or str(exc))
            if isinstance(getattr(exc, "msg", None), Msg):
                found.append(exc.msg)  # the same as data, as the window gets it
        else:
            raise AssertionError("no error raised")

    bad: list[dict[str, object]] = [{f.name: -1.0} for f in dataclasses.fields(Settings)
                                    if any(isinstance(rule, Seconds) for rule in config.rules(f))]
    bad += [{"backoff": (1e12,)}, {"channels": ("fax",)}, {"channels": ("email", "email")}, {"keep_days": 0},
            {"concurrency": 0}, {"smtp_port": 0}, {"max_tries": 0}, {"backoff": ()}, {"jitter": 1.0},
            {"sms_provider": "pigeon"}, {"smtp_auth_failure": "maybe"}, {"api_port": -1}, {"api_host": " "},
            {"telegram_parse_mode": "BBCode"}]
    bad += [{attr: "x\ny"} for attr in ("smtp_host", "smtp_user", "from_email", "from_name", "smsru_from",
                                        "twilio_from")]
    for changes in bad:
        expect(lambda c=changes: config.with_overrides(base, **c))
    for env in sorted(config.option_names()):
        try:
            config.load(environ={"NOTIFIER_DATA_DIR": str(tmp_path), env: "\u2603 not a value"}, cwd=tmp_path)
        except config.ConfigError as exc:
            found += [str(exc), exc.msg]
    (tmp_path / "settings.json").write_text('{"SMTP_DEFAULT_PASSWORD": "hunter2"}', encoding="utf-8")
    expect(lambda: config.load(environ={"NOTIFIER_DATA_DIR": str(tmp_path)}, cwd=tmp_path))
    (tmp_path / "settings.json").unlink()

    dialog_values = {"SMTP_HOST": "smtp example", "DEFAULT_FROM_EMAIL": "not an address", "NOTIFIER_CHANNELS": (),
                     "TELEGRAM_API_BASE": "ftp://x", "TWILIO_API_BASE": "x", "SMSRU_API_BASE": "", "NOTIFIER_BACKOFF": ()}
    found += settings_store.validate(base, dialog_values).values()
    found += settings_store.validate(base, {"NOTIFIER_CONCURRENCY": 0}).values()
    found += settings_store.validate(base, {"DEFAULT_FROM_NAME": "a\nb"}).values()

    found += [_off_reason(base) or "", _off_reason(dataclasses.replace(base, sms_provider="pigeon")) or ""]
    for provider in sorted(PROVIDERS):
        expect(lambda p=provider: PROVIDERS[p](base, secrets))
        expect(lambda p=provider: PROVIDERS[p](dataclasses.replace(
            base, twilio_account_sid="AC1", twilio_from="+15005550006", android_sms_url="http://127.0.0.1:1",
            android_sms_user="u"), secrets))
    expect(lambda: require_settings("", ""))
    expect(lambda: require_settings("http://127.0.0.1:1", ""))
    expect(lambda: PROVIDERS["twilio"](dataclasses.replace(base, twilio_account_sid="AC1"), secrets))
    expect(lambda: sender(base))
    found.append(check_email(base, secrets).message)
    found.append(check_email(dataclasses.replace(base, smtp_host="127.0.0.1", smtp_user="bob"), secrets).message)
    assert all(found)
    return found


def test_no_configuration_error_names_a_variable_in_the_window(ctx: AppContext, tmp_path: Path) -> None:
    """#13 item 20: every configuration error the core can raise names, in the window, the
    Settings page and field (or says that the setting is not in the window), never the
    variable; the core's text itself (the CLI's) keeps the variable."""
    errors = _configuration_errors(tmp_path, ctx.runtime.secrets)
    assert len(errors) > 60 and sum(bool(_VARIABLE.search(e)) for e in errors) > 50  # the core's words
    for error in errors:
        shown = core_text(error)
        assert _VARIABLE.search(shown) is None, (error, shown)
    assert (core_text("SMS_PROVIDER='pigeon' is not a known provider (android, smsru, twilio)")
            == "'pigeon' is not a known SMS provider (android, smsru, twilio): check “Provider” in Settings → SMS")
    assert (core_text("SMTP_PORT='x' is not a valid whole number")
            == "'x' is not a valid whole number: check “Port” in Settings → Email")


def test_no_configuration_error_names_a_variable_in_the_russian_window(ctx: AppContext, tmp_path: Path,
                                                                       russian: None) -> None:  # noqa: F811
    errors = _configuration_errors(tmp_path, ctx.runtime.secrets)
    for error in errors:
        shown = core_text(error)
        assert _VARIABLE.search(shown) is None, (error, shown)
    assert (core_text("SMS_PROVIDER='pigeon' is not a known provider (android, smsru, twilio)")
            == "'pigeon' — неизвестный SMS-провайдер (android, smsru, twilio): проверьте «Провайдер» в разделе "
               "Настройки → SMS")
    assert core_text("NOTIFIER_CHANNELS names a channel twice") == (
        "канал указан дважды: проверьте «Порядок каналов» в разделе Настройки → Правила доставки")


def test_every_setting_has_a_place_in_the_window() -> None:
    """Each option and secret of the core is known to the window (its page and field, or that
    it is set outside the window), so no message can show its variable."""
    from notifier_gui.core.config import SECRET_ENV_NAMES, SECRETS_PASSPHRASE_ENV, option_names

    from notifier_gui.ui.setting_names import PLACES, place

    names = {*option_names(), *SECRET_ENV_NAMES, *SECRET_ENV_NAMES.values(), SECRETS_PASSPHRASE_ENV,
             "NOTIFIER_ENV_FILE"}
    assert sorted(names - PLACES.keys()) == []
    assert all(place(name) and not _VARIABLE.search(place(name) or "") for name in names)


def _channel_messages(tmp_path: Path) -> list[str]:
    """The channels' own words that send the operator to a setting: every provider code's
    meaning (as the providers write them, wrapped with the provider's answer) and the Bot API
    client's network and URL complaints, made by the real client."""
    from notifier_gui.core.delivery.channels.sms import smsru, twilio
    from notifier_gui.core.delivery.channels.telegram import BotApi

    out: list[str] = [twilio.SAID(message=meaning(), said=f"Twilio {code}: said") for code, (_, meaning)
                      in twilio.CODES.items()]
    out += [smsru.SAID(message=meaning(), said=f"{code}: said") for code, (_, meaning) in smsru.CODES.items()]
    out += [str(m) for m in out]  # and as a row stored before the codes holds them: plain English
    api = BotApi(Settings(data_dir=tmp_path, telegram_api_base="http://127.0.0.1:1"), Redactor())
    out += [f"cannot connect to {api.host}: {api._why(ConnectionRefusedError())}",
            f"cannot connect to {api.host}: {api._why(OSError('Name or service not known'))}"]
    for base in ("not a url", "http://127.0.0.1:1"):
        bad = BotApi(Settings(data_dir=tmp_path, telegram_api_base=base), Redactor())
        try:
            bad.call("123:abc", "getMe")
        except Exception as exc:  # noqa: BLE001  (ApiFailure)
            out.append(getattr(exc, "detail", None) or str(exc))
        else:
            raise AssertionError("no failure")
    return out


@pytest.mark.parametrize("language", ["en", "ru"])
def test_no_channel_message_names_a_variable_in_the_window(tmp_path: Path, language: str,
                                                           request: pytest.FixtureRequest) -> None:
    if language == "ru":
        request.getfixturevalue("russian")
    else:
        request.getfixturevalue("qapp")
    messages = _channel_messages(tmp_path)
    assert sum(bool(_VARIABLE.search(m)) for m in messages) >= 8  # the core's (and the CLI's) words
    for message in messages:
        shown = core_text(message)
        assert _VARIABLE.search(shown) is None, (message, shown)
        if language == "ru" and _VARIABLE.search(message):
            assert not re.search(r"\b(?:check|the|is)\b", shown), (message, shown)  # a Russian sentence
def test_bounce_reports_and_the_mailbox_check_are_shown_in_russian(russian: None) -> None:  # noqa: F811
    assert core_text("no bounce within 600 s") == "возврата не было за 600 с"
    assert core_text("bounced (hard): anna@example.org") == "письмо вернулось (постоянная ошибка): anna@example.org"
    assert core_text("Connected to localhost:587 (STARTTLS, logged in as ops@example.org); bounce mailbox "
                     "b@example.org at imap.example.org:993, folder INBOX (3 messages)") == (
        "Подключено к localhost:587 (STARTTLS, вход как ops@example.org); ящик возвратов b@example.org на "
        "imap.example.org:993, папка INBOX (писем: 3)")


# -- messages as data (#15 item 5) ---------------------------------------------------------
def _declared_codes() -> dict[str, str]:
    """Every message the core declares (``Template("code", "English")``), found in its source,
    so a module the tests never import is not missed."""
    found: dict[str, str] = {}
    for path in (ROOT / "notifier_gui" / "core").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Template"
                    and len(node.args) == 2 and isinstance(node.args[0], ast.Constant)):
                english = node.args[1]
                found[node.args[0].value] = english.value if isinstance(english, ast.Constant) else ""
    return found


def test_every_code_the_core_can_raise_has_a_window_template() -> None:
    from notifier_gui.ui.core_text import WINDOW_TEXT

    codes = _declared_codes()
    assert len(codes) > 40
    assert sorted(codes.keys() - WINDOW_TEXT.keys()) == []
    assert sorted(WINDOW_TEXT.keys() - codes.keys()) == [], "window templates for codes the core no longer has"


def test_window_templates_use_only_the_parameters_the_core_gives() -> None:
    """A window template may leave a parameter out, never invent one (it would show the English)."""
    import string

    from notifier_gui.ui.core_text import WINDOW_TEXT

    extras = {"config.choice": {"options", "empty"}}
    for code, english in _declared_codes().items():
        given = {name for _, name, _, _ in string.Formatter().parse(english) if name} | extras.get(code, set())
        wanted = {name for _, name, _, _ in string.Formatter().parse(WINDOW_TEXT[code]) if name}
        assert wanted <= given, (code, wanted - given)


def test_a_message_is_rendered_by_its_code_not_its_english(russian: None) -> None:  # noqa: F811
    """Reword a core message and the window still says it: it reads the code and parameters."""
    from notifier_gui.core.setting_rules import BETWEEN

    reworded = Msg(BETWEEN, {"env": "NOTIFIER_CONCURRENCY", "low": 1, "high": 64, "value": 0},
                   "NOTIFIER_CONCURRENCY is out of range (reworded)")
    shown = core_text(reworded)
    assert "reworded" not in shown and "от 1 до 64" in shown and "Одновременных отправок" in shown, shown
    assert "NOTIFIER_CONCURRENCY" in str(reworded)  # the CLI's and the log's English is the core's


def test_dialog_problems_are_shown_in_russian_by_code(tmp_path: Path, russian: None) -> None:  # noqa: F811
    from notifier_gui.core import settings_store

    problems = settings_store.validate(Settings(data_dir=tmp_path), {"SMTP_PORT": 0, "SMS_PROVIDER": "pigeon",
                                                                     "NOTIFIER_KEEP_DAYS": 0})
    shown = {env: core_text(message) for env, message in problems.items()}
    assert set(shown) == {"SMTP_PORT", "SMS_PROVIDER", "NOTIFIER_KEEP_DAYS"}
    for text in shown.values():
        assert _VARIABLE.search(text) is None and not re.search(r"\b(?:must|got)\b", text), text


@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_withheld_secret_is_explained_without_variables(tmp_path: Path, language: str,
                                                          request: pytest.FixtureRequest) -> None:
    """The reason a ./.env got a stored secret withheld is data: the CLI prints the English,
    the window names the Settings field."""
    from notifier_gui.core import config

    request.getfixturevalue("russian" if language == "ru" else "qapp")
    data, work = tmp_path / "data", tmp_path / "work"
    work.mkdir()
    config.write_settings_file(data / "settings.json", {"SMTP_HOST": "smtp.example.org"})
    (work / ".env").write_text("SMTP_HOST=evil.example\n", encoding="utf-8")
    reason = config.load({"NOTIFIER_DATA_DIR": str(data)}, cwd=work).withheld["smtp_password"]
    assert "SMTP_HOST='evil.example'" in reason and "--env-file" in reason  # the CLI's words
    shown = core_text(reason)
    assert _VARIABLE.search(shown) is None and "'evil.example'" in shown and "--env-file" not in shown, shown


def test_a_failing_credential_store_is_told_by_code_in_russian(russian: None) -> None:  # noqa: F811
    """The credential store's own sentences are messages with codes: the window says them in
    Russian and names the secret's field, the CLI keeps the English with the secret's id."""
    from keyring.backend import KeyringBackend

    from notifier_gui.core.secrets import CredentialStore, SecretStoreError

    class Locked(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> str | None:
            raise RuntimeError("locked")

        def set_password(self, service: str, username: str, password: str) -> None:
            raise RuntimeError("locked")

        def delete_password(self, service: str, username: str) -> None:
            raise RuntimeError("locked")

    store = CredentialStore({}, Locked())
    for call in (lambda: store.get("smtp_password"), lambda: store.set("smtp_password", "x" * 8)):
        with pytest.raises(SecretStoreError) as info:
            call()
        english = str(info.value)
        assert english.startswith("the credential store (") and english.endswith(": RuntimeError")
        shown = core_text(info.value.args[0])
        assert shown.startswith("хранилище учётных данных (") and _VARIABLE.search(shown) is None, shown
        assert core_text(english) == shown  # the same read back from the plain English


def test_plain_core_text_is_read_back_with_nothing_else_imported() -> None:
    """In a fresh process the window's core_text knows every template it has words for, so
    reading a plain message back never depends on which modules happened to be imported."""
    import subprocess
    import sys

    code = ("from notifier_gui.core import messages\n"
            "from notifier_gui.ui.core_text import WINDOW_TEXT, core_text\n"
            "core_text('some plain words')\n"  # the first read back loads the attempt details' templates
            "known = {t.code for t in messages._REGISTRY.values()}\n"
            "print(sorted(set(WINDOW_TEXT) - known))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_a_fixed_word_inside_a_plain_message_is_translated(russian: None) -> None:  # noqa: F811
    """{what} of the SMS providers' "is missing" sentence is a fixed word, not a nested message."""
    shown = core_text("the Twilio auth token is missing: store the secret twilio_auth_token in the settings (or set "
                      "TWILIO_AUTH_TOKEN for a headless run)")
    assert shown.startswith("не задан токен Twilio: введите его"), shown
