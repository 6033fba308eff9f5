"""SMS.ru provider and the SMS channel against the loopback SMS.ru imitation.

Only the base URL differs from production. Covers the top-level *and* per-number status
codes, transport failures, the length limit, "Test connection", and that the api_id never
shows up in an error or check message.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from notifier_gui.core.config import Settings
from notifier_gui.core.delivery.channels.base import Message, NotConfigured
from notifier_gui.core.delivery.channels.sms.channel import SmsChannel, build_sms, check_sms
from notifier_gui.core.delivery.channels.sms.provider import provider_limits
from notifier_gui.core.delivery.channels.sms.smsru import SmsRuProvider
from notifier_gui.core.delivery.errors import DeliveryError, Permanent, Transient, Unavailable
from notifier_gui.core.delivery.pacing import Pacers
from notifier_gui.core.secrets import CredentialStore, Redactor

from tests.servers.smsru import API_ID, SENDER, SmsRuServer
from tests.sms_helpers import PHONE, built_channel, closed_port, sms_message

DIGITS = "79161234567"


@pytest.fixture
def server() -> Iterator[SmsRuServer]:
    with SmsRuServer() as s:
        yield s


def settings_for(base: str, tmp_path: Path, **kw: Any) -> Settings:
    values: dict[str, Any] = dict(sms_provider="smsru", smsru_api_base=base, smsru_from=SENDER,
                                  sms_timeout=5.0, data_dir=tmp_path)
    values.update(kw)
    return Settings(**values)


def store(api_id: str | None = API_ID) -> CredentialStore:
    return CredentialStore({"SMSRU_API_ID": api_id} if api_id else {})


def message(phone: str | None = PHONE, subject: str = "Диск", body: str = "почти заполнен", n: int = 1) -> Message:
    return sms_message(phone, subject, body, n)


def channel(settings: Settings, secrets: CredentialStore | None = None) -> SmsChannel:
    return built_channel(settings, secrets or store())


def send(server: SmsRuServer, tmp_path: Path, msg: Message | None = None, **kw: Any) -> Any:
    return channel(settings_for(server.base_url, tmp_path, **kw)).send(msg or message())


def assert_clean(text: str) -> None:
    assert API_ID not in text and API_ID.lower() not in text


# ---------------------------------------------------------------- success


def test_delivers_digits_as_post_form_with_json_1(server: SmsRuServer, tmp_path: Path) -> None:
    sent = send(server, tmp_path)
    assert server.messages == [{"to": DIGITS, "msg": "Диск\nпочти заполнен", "from": SENDER, "test": False,
                                "sms_id": sent.provider_message_id}]
    req = server.requests[-1]
    assert (req.method, req.path, req.query) == ("POST", "/sms/send", {"json": "1"})
    assert req.form == {"api_id": API_ID, "to": DIGITS, "msg": "Диск\nпочти заполнен", "from": SENDER}
    assert "balance 96.50 RUB" in sent.detail and "1 SMS, UCS-2" in sent.detail


def test_no_sender_setting_sends_no_from(server: SmsRuServer, tmp_path: Path) -> None:
    send(server, tmp_path, smsru_from="")
    assert "from" not in server.requests[-1].form


def test_test_mode_sends_nothing_and_keeps_the_balance(server: SmsRuServer) -> None:
    p = SmsRuProvider(API_ID, Redactor(), api_base=server.base_url, test=True)
    sent = p.send(PHONE, "hello")
    assert server.requests[-1].form["test"] == "1"
    assert server.messages[0]["test"] is True and server.balance == 100.0
    assert "test mode" in sent.detail


def test_keyring_secret_is_used(server: SmsRuServer, tmp_path: Path, keyring_backend: object) -> None:
    secrets = CredentialStore()
    secrets.set("smsru_api_id", API_ID)
    channel(settings_for(server.base_url, tmp_path), secrets).send(message())
    assert server.requests[-1].form["api_id"] == API_ID and len(server.messages) == 1


# ---------------------------------------------------------------- per-number statuses


@pytest.mark.parametrize(
    "code, cls",
    [(207, Permanent), (209, Permanent), (230, Transient), (232, Transient), (202, Permanent)],
)
def test_top_level_ok_but_number_error(server: SmsRuServer, tmp_path: Path, code: int, cls: type[DeliveryError]) -> None:
    server.number_errors[DIGITS] = code
    with pytest.raises(DeliveryError) as info:
        send(server, tmp_path)
    assert type(info.value) is cls and f"SMS.ru {code}" in info.value.detail
    assert server.messages == []


def test_identical_message_limit_waits_a_minute(server: SmsRuServer, tmp_path: Path) -> None:
    server.number_errors[DIGITS] = 231
    with pytest.raises(Transient) as info:
        send(server, tmp_path)
    assert info.value.retry_after == 60.0


def test_221_with_an_sms_id_is_not_success(server: SmsRuServer, tmp_path: Path) -> None:
    server.require_sender = True
    with pytest.raises(Unavailable) as info:
        send(server, tmp_path, smsru_from="")
    assert "221" in info.value.detail and "alphabetic sender" in info.value.detail


def test_malformed_number_per_number_202(server: SmsRuServer, tmp_path: Path) -> None:
    with pytest.raises(Permanent, match="202"):
        send(server, tmp_path, message(phone="+7916123"))


def test_non_international_number_is_refused_locally(server: SmsRuServer, tmp_path: Path) -> None:
    with pytest.raises(Permanent, match="international format"):
        send(server, tmp_path, message(phone="89161234567"))
    assert server.requests == []


# ---------------------------------------------------------------- request-level statuses


def test_wrong_api_id_is_unavailable_and_not_leaked(server: SmsRuServer, tmp_path: Path) -> None:
    wrong = "11111111-2222-3333-4444-555555555555"
    with pytest.raises(Unavailable) as info:
        channel(settings_for(server.base_url, tmp_path), store(wrong)).send(message())
    assert "SMS.ru 200" in info.value.detail and "api_id" in info.value.detail
    assert wrong not in str(info.value)


def test_unapproved_sender_is_unavailable(server: SmsRuServer, tmp_path: Path) -> None:
    with pytest.raises(Unavailable, match="204"):
        send(server, tmp_path, smsru_from="Unknown")


def test_no_money_is_unavailable(server: SmsRuServer, tmp_path: Path) -> None:
    server.balance = 0
    with pytest.raises(Unavailable, match="201"):
        send(server, tmp_path)


@pytest.mark.parametrize("code, cls", [(220, Transient), (500, Transient), (206, Transient), (211, Unavailable),
                                       (999, Permanent)])
def test_scripted_top_level_errors(server: SmsRuServer, tmp_path: Path, code: int, cls: type[DeliveryError]) -> None:
    server.fail_next(code=code)
    with pytest.raises(DeliveryError) as info:
        send(server, tmp_path)
    assert type(info.value) is cls and str(code) in info.value.detail


@pytest.mark.parametrize(
    "http_status, raw, expect",
    [
        (502, "<html>Bad gateway</html>", "HTTP 502"),
        (200, "<html>maintenance</html>", "not JSON"),
        (200, "", "not JSON"),
        (200, '{"balance": 1}', "no status"),  # the PHP class's synthetic "000"
    ],
)
def test_transport_failures_are_transient(server: SmsRuServer, tmp_path: Path, http_status: int, raw: str,
                                          expect: str) -> None:
    server.fail_next(http_status=http_status, raw=raw)
    with pytest.raises(Transient) as info:
        send(server, tmp_path)
    assert expect in info.value.detail and "twice" in info.value.detail


# ---------------------------------------------------------------- limits and availability


def test_over_8_segments_is_refused_before_sending(server: SmsRuServer, tmp_path: Path) -> None:
    with pytest.raises(Permanent) as info:
        send(server, tmp_path, message(subject="", body="Ж" * 537))
    assert "9 SMS segments" in info.value.detail and "at most 8" in info.value.detail
    assert server.requests == []
    send(server, tmp_path, message(subject="", body="Ж" * 536))  # exactly 8 segments goes through
    assert len(server.messages) == 1


def test_server_side_205_is_permanent(server: SmsRuServer) -> None:
    p = SmsRuProvider(API_ID, Redactor(), api_base=server.base_url)
    with pytest.raises(Permanent, match="205"):
        p.send(PHONE, "Ж" * 600)  # the provider itself, bypassing the channel's check


def test_limits_for_the_preview(tmp_path: Path) -> None:
    limits = provider_limits(settings_for("http://x", tmp_path))
    assert limits is not None and limits.max_segments == 8
    p = SmsRuProvider(API_ID, Redactor())
    assert p.max_length("GSM-7") == 1224 and p.max_length("UCS-2") == 536


def test_recipient_without_phone_is_unavailable(server: SmsRuServer, tmp_path: Path) -> None:
    ch = channel(settings_for(server.base_url, tmp_path))
    assert ch.unavailable_reason(message(phone=None)) == "the recipient has no phone number"
    with pytest.raises(Unavailable):
        ch.send(message(phone=None))
    assert server.requests == []


def test_missing_api_id_is_unavailable(tmp_path: Path, keyring_backend: object) -> None:
    settings = settings_for("http://127.0.0.1:9", tmp_path)
    ch = build_sms(settings, store(None), Pacers())
    assert isinstance(ch, NotConfigured)
    reason = ch.unavailable_reason(message())
    assert reason is not None and "smsru_api_id" in reason and "SMSRU_API_ID" in reason


# ---------------------------------------------------------------- "Test connection"


def test_check_ok_shows_balance(server: SmsRuServer, tmp_path: Path) -> None:
    result = check_sms(settings_for(server.base_url, tmp_path), store())
    assert result.ok and "100.00 RUB" in result.message and SENDER in result.message
    assert [r.path for r in server.requests] == ["/auth/check", "/my/balance"]
    assert all(r.method == "POST" and r.query == {"json": "1"} for r in server.requests)
    assert server.messages == []


def test_check_zero_balance_is_not_ok(server: SmsRuServer, tmp_path: Path) -> None:
    server.balance = 0.0
    result = check_sms(settings_for(server.base_url, tmp_path), store())
    assert not result.ok and "0.00 RUB" in result.message and "top up" in result.message


def test_check_without_sender_warns_about_221(server: SmsRuServer, tmp_path: Path) -> None:
    result = check_sms(settings_for(server.base_url, tmp_path, smsru_from=""), store())
    assert result.ok and "SMSRU_FROM" in result.message


def test_check_wrong_api_id(server: SmsRuServer, tmp_path: Path) -> None:
    wrong = "99999999-8888-7777-6666-555555555555"
    result = check_sms(settings_for(server.base_url, tmp_path), store(wrong))
    assert not result.ok and "api_id" in result.message and wrong not in result.message


# ---------------------------------------------------------------- the api_id never leaks


def test_refused_connection_is_transient_and_clean(tmp_path: Path) -> None:
    settings = settings_for(f"http://127.0.0.1:{closed_port()}", tmp_path)
    with pytest.raises(Transient) as info:
        channel(settings).send(message())
    assert "refused" in info.value.detail
    for text in (str(info.value), info.value.detail, repr(info.value)):
        assert_clean(text)
    result = check_sms(settings, store())
    assert not result.ok and "refused" in result.message
    assert_clean(result.message)


def test_timeout_is_transient_ambiguous_and_clean(server: SmsRuServer, tmp_path: Path) -> None:
    settings = settings_for(server.base_url, tmp_path, sms_timeout=0.3)
    server.hang_next(2)
    with pytest.raises(Transient) as info:
        channel(settings).send(message())
    assert "did not answer within 0.3 s" in info.value.detail and "twice" in info.value.detail
    for text in (str(info.value), info.value.detail, repr(info.value)):
        assert_clean(text)
    result = check_sms(settings, store())
    assert not result.ok and "did not answer" in result.message
    assert_clean(result.message)


@pytest.mark.parametrize("http_status", [200, 502])
def test_an_answer_echoing_the_api_id_is_redacted(server: SmsRuServer, tmp_path: Path, http_status: int) -> None:
    server.fail_next(2, http_status=http_status, raw="error for api_id={api_id}")
    settings = settings_for(server.base_url, tmp_path)
    with pytest.raises(Transient) as info:
        channel(settings).send(message())
    assert "error for api_id=***" in info.value.detail
    for text in (str(info.value), info.value.detail, repr(info.value)):
        assert_clean(text)
    result = check_sms(settings, store())
    assert not result.ok and "api_id=***" in result.message
    assert_clean(result.message)


def test_provider_redacts_its_own_key_even_with_an_empty_redactor(server: SmsRuServer) -> None:
    server.fail_next(http_status=502, raw="echo {api_id}")
    p = SmsRuProvider(API_ID, Redactor(), api_base=server.base_url)  # the shared redactor knows nothing
    with pytest.raises(Transient) as info:
        p.send(PHONE, "hi")
    assert_clean(str(info.value))
