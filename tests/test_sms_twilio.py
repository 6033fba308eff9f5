"""Twilio provider and the SMS channel against the loopback Twilio imitation.

Only the base URL differs from production; the real provider and channel code runs.
The last part covers channel behaviour shared by every provider (limiter, unexpected errors).
"""
from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from notifier_gui.core.config import Settings
from notifier_gui.core.delivery.channels.base import NotConfigured, Sent
from notifier_gui.core.delivery.channels.sms.channel import SmsChannel, build_sms, check_sms
from notifier_gui.core.delivery.channels.sms.http import retry_after_seconds
from notifier_gui.core.delivery.channels.sms.provider import SmsProvider
from notifier_gui.core.delivery.channels.sms.twilio import TwilioProvider
from notifier_gui.core.delivery.checks_base import CheckResult
from notifier_gui.core.delivery.errors import DeliveryError, Permanent, Throttled, Transient, Unavailable
from notifier_gui.core.delivery.pacing import Pacers
from notifier_gui.core.secrets import CredentialStore, Redactor

from tests.servers.twilio import (
    ACCOUNT_SID,
    API_KEY_SECRET,
    API_KEY_SID,
    AUTH_TOKEN,
    FROM,
    SERVICE_SID,
    TwilioServer,
)
from tests.sms_helpers import PHONE, built_channel, closed_port, sms_message

SECRET_FORMS = (AUTH_TOKEN, base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode())


@pytest.fixture
def server() -> Iterator[TwilioServer]:
    with TwilioServer() as s:
        yield s


def settings_for(base: str, tmp_path: Path, **kw: Any) -> Settings:
    values: dict[str, Any] = dict(sms_provider="twilio", twilio_account_sid=ACCOUNT_SID, twilio_from=FROM,
                                  twilio_api_base=base, sms_timeout=5.0, data_dir=tmp_path)
    values.update(kw)
    return Settings(**values)


def store(token: str | None = AUTH_TOKEN) -> CredentialStore:
    return CredentialStore({"TWILIO_AUTH_TOKEN": token} if token else {})


message = sms_message


def channel(settings: Settings, secrets: CredentialStore | None = None, pacers: Pacers | None = None) -> SmsChannel:
    return built_channel(settings, secrets or store(), pacers)


def assert_no_secret(text: str) -> None:
    for value in SECRET_FORMS:
        assert value not in text


def assert_clean(exc: DeliveryError) -> None:
    assert_no_secret(str(exc))
    assert_no_secret(exc.detail)
    assert_no_secret(repr(exc))


# ---------------------------------------------------------------- success


def test_delivers_form_encoded_with_basic_auth(server: TwilioServer, tmp_path: Path) -> None:
    ch = channel(settings_for(server.base_url, tmp_path))
    sent = ch.send(message())
    ch.close()
    assert len(server.messages) == 1
    got = server.messages[0]
    assert (got["to"], got["from"], got["body"]) == (PHONE, FROM, "Disk\nalmost full")
    assert got["auth_user"] == ACCOUNT_SID
    req = server.requests[-1]
    assert req.method == "POST" and req.path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert req.content_type.startswith("application/x-www-form-urlencoded")
    assert set(req.form) == {"To", "From", "Body"}
    assert sent.provider_message_id == got["sid"] and sent.provider_message_id.startswith("SM")
    assert "queued" in sent.detail and "1 SMS, GSM-7" in sent.detail


def test_cyrillic_body_and_messaging_service(server: TwilioServer, tmp_path: Path) -> None:
    ch = channel(settings_for(server.base_url, tmp_path, twilio_from="", twilio_messaging_service_sid=SERVICE_SID))
    sent = ch.send(message(subject="", body="Привет! Сервер перегрелся"))
    got = server.messages[0]
    assert got["body"] == "Привет! Сервер перегрелся"
    assert got["messaging_service_sid"] == SERVICE_SID and got["from"] is None
    assert "MessagingServiceSid" in server.requests[-1].form and "From" not in server.requests[-1].form
    assert "accepted" in sent.detail and "UCS-2" in sent.detail


def test_one_session_is_reused_across_messages(server: TwilioServer, tmp_path: Path) -> None:
    ch = channel(settings_for(server.base_url, tmp_path))
    ch.send(message(n=1))
    session = ch.provider.session  # type: ignore[attr-defined]
    ch.send(message(n=2))
    assert ch.provider.session is session  # type: ignore[attr-defined]
    ch.close()
    ch.send(message(n=3))  # usable again after close()
    assert len(server.messages) == 3


def test_api_key_authenticates_and_check_falls_back_to_listing(server: TwilioServer) -> None:
    p = TwilioProvider(ACCOUNT_SID, API_KEY_SECRET, Redactor([API_KEY_SECRET]), from_number=FROM,
                       api_base=server.base_url, timeout=5, api_key_sid=API_KEY_SID)
    p.send(PHONE, "hi")
    assert server.messages[0]["auth_user"] == API_KEY_SID
    result = p.check()
    assert result.ok and "API key" in result.message
    assert [r.path for r in server.requests[-2:]] == [f"/2010-04-01/Accounts/{ACCOUNT_SID}.json",
                                                      f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"]
    assert server.requests[-1].query == {"PageSize": "1"}


def test_keyring_secret_is_used(server: TwilioServer, tmp_path: Path, keyring_backend: object) -> None:
    secrets = CredentialStore()
    secrets.set("twilio_auth_token", AUTH_TOKEN)
    channel(settings_for(server.base_url, tmp_path), secrets).send(message())
    assert server.messages[0]["auth_user"] == ACCOUNT_SID


# ---------------------------------------------------------------- errors


def test_wrong_token_is_unavailable_and_not_leaked(server: TwilioServer, tmp_path: Path) -> None:
    wrong = "wrong-token-abcdef-123"
    with pytest.raises(Unavailable) as info:
        channel(settings_for(server.base_url, tmp_path), store(wrong)).send(message())
    assert "20003" in info.value.detail and "credentials" in info.value.detail
    assert wrong not in str(info.value) and not server.messages


def test_wrong_account_sid_is_unavailable(server: TwilioServer, tmp_path: Path) -> None:
    server.api_keys[API_KEY_SID] = API_KEY_SECRET
    p = TwilioProvider("AC" + "9" * 32, API_KEY_SECRET, Redactor(), from_number=FROM,
                       api_base=server.base_url, api_key_sid=API_KEY_SID)
    with pytest.raises(Unavailable) as info:
        p.send(PHONE, "hi")
    assert "20404" in info.value.detail and "TWILIO_ACCOUNT_SID" in info.value.detail


@pytest.mark.parametrize(
    "to, code, cls",
    [
        ("+15005550001", 21211, Permanent),  # invalid To
        ("+15005550002", 21612, Permanent),  # cannot route
        ("+15005550003", 21408, Unavailable),  # no geo permission
        ("+15005550004", 21610, Permanent),  # unsubscribed (STOP)
        ("+15005550009", 21614, Permanent),  # not a mobile number
    ],
)
def test_magic_recipients(server: TwilioServer, tmp_path: Path, to: str, code: int, cls: type[DeliveryError]) -> None:
    with pytest.raises(DeliveryError) as info:
        channel(settings_for(server.base_url, tmp_path)).send(message(phone=to))
    assert type(info.value) is cls
    assert str(code) in info.value.detail


@pytest.mark.parametrize(
    "sender, code, cls",
    [
        ("+15005550001", 21212, Unavailable),  # invalid From
        ("+15005550007", 21606, Unavailable),  # not owned / cannot send
        ("+15005550008", 21611, Transient),  # queue full
        ("+15550009999", 21606, Unavailable),  # a number the account does not own
    ],
)
def test_sender_errors(server: TwilioServer, tmp_path: Path, sender: str, code: int, cls: type[DeliveryError]) -> None:
    with pytest.raises(DeliveryError) as info:
        channel(settings_for(server.base_url, tmp_path, twilio_from=sender)).send(message())
    assert type(info.value) is cls and str(code) in info.value.detail


def test_unverified_number_on_trial_is_unavailable(server: TwilioServer, tmp_path: Path) -> None:
    server.to_errors[PHONE] = 21608
    with pytest.raises(Unavailable, match="21608"):
        channel(settings_for(server.base_url, tmp_path)).send(message())


def test_429_honours_retry_after_and_pauses_the_shared_limiter(server: TwilioServer, tmp_path: Path) -> None:
    pacers = Pacers(sms_rate=0)
    server.fail_next(status=429, code=20429, retry_after="7")
    ch = channel(settings_for(server.base_url, tmp_path), pacers=pacers)
    with pytest.raises(Throttled) as info:
        ch.send(message())
    assert isinstance(info.value, Transient) and info.value.retry_after == 7.0
    assert 6.0 < pacers.sms.paused_for() <= 7.0
    # another worker's channel now waits in the queue instead of hitting Twilio
    other = channel(settings_for(server.base_url, tmp_path), pacers=pacers)
    other.max_wait = 0.5
    requests_before = len(server.requests)
    with pytest.raises(Transient) as info2:
        other.send(message(n=2))
    assert info2.value.retry_after is not None and info2.value.retry_after > 6.0
    assert len(server.requests) == requests_before


def test_429_without_header_is_transient_without_retry_after(server: TwilioServer, tmp_path: Path) -> None:
    server.fail_next(status=429)
    with pytest.raises(Transient) as info:
        channel(settings_for(server.base_url, tmp_path)).send(message())
    assert info.value.retry_after is None


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_transient_and_warn_about_duplicates(server: TwilioServer, tmp_path: Path, status: int) -> None:
    server.fail_next(status=status)
    with pytest.raises(Transient) as info:
        channel(settings_for(server.base_url, tmp_path)).send(message())
    assert f"HTTP {status}" in info.value.detail and "twice" in info.value.detail
    # the next try goes through
    channel(settings_for(server.base_url, tmp_path)).send(message())
    assert len(server.messages) == 1


def test_text_over_1600_characters_is_refused_before_sending(server: TwilioServer, tmp_path: Path) -> None:
    with pytest.raises(Permanent) as info:
        channel(settings_for(server.base_url, tmp_path)).send(message(subject="", body="Ж" * 1601))
    assert "1,601 characters" in info.value.detail and "1,600" in info.value.detail
    assert "24 SMS segments" in info.value.detail
    assert server.requests == []


def test_server_side_21617_is_permanent(server: TwilioServer) -> None:
    p = TwilioProvider(ACCOUNT_SID, AUTH_TOKEN, Redactor(), from_number=FROM, api_base=server.base_url)
    with pytest.raises(Permanent, match="21617"):
        p.send(PHONE, "a" * 1601)  # the provider itself, bypassing the channel's check


def test_recipient_without_phone_is_unavailable(server: TwilioServer, tmp_path: Path) -> None:
    ch = channel(settings_for(server.base_url, tmp_path))
    msg = message(phone=None)
    assert ch.unavailable_reason(msg) == "the recipient has no phone number"
    with pytest.raises(Unavailable):
        ch.send(msg)
    assert server.requests == []


def test_empty_message_is_permanent(server: TwilioServer, tmp_path: Path) -> None:
    with pytest.raises(Permanent, match="empty"):
        channel(settings_for(server.base_url, tmp_path)).send(message(subject=" ", body=""))


@pytest.mark.parametrize(
    "changes, token, expect",
    [
        ({"sms_provider": ""}, AUTH_TOKEN, "SMS_PROVIDER"),
        ({}, None, "twilio_auth_token"),
        ({"twilio_account_sid": ""}, AUTH_TOKEN, "TWILIO_ACCOUNT_SID"),
        ({"twilio_from": ""}, AUTH_TOKEN, "TWILIO_FROM"),
    ],
)
def test_not_configured_is_unavailable_with_a_reason(tmp_path: Path, changes: dict[str, Any], token: str | None,
                                                      expect: str, keyring_backend: object) -> None:
    settings = settings_for("http://127.0.0.1:9", tmp_path, **changes)
    ch = build_sms(settings, store(token), Pacers())
    assert isinstance(ch, NotConfigured)
    reason = ch.unavailable_reason(message())
    assert reason is not None and expect in reason
    result = check_sms(settings, store(token))
    assert not result.ok and expect in result.message


# ---------------------------------------------------------------- "Test connection"


def test_check_ok_names_the_account(server: TwilioServer, tmp_path: Path) -> None:
    result = check_sms(settings_for(server.base_url, tmp_path), store())
    assert result == CheckResult(True, result.message)
    assert "Notifier test account" in result.message and "active" in result.message
    assert server.messages == []  # nothing sent


def test_check_reports_suspended_account(server: TwilioServer, tmp_path: Path) -> None:
    server.account_status = "suspended"
    result = check_sms(settings_for(server.base_url, tmp_path), store())
    assert not result.ok and "suspended" in result.message


def test_check_reports_bad_credentials(server: TwilioServer, tmp_path: Path) -> None:
    result = check_sms(settings_for(server.base_url, tmp_path), store("nope-nope-nope"))
    assert not result.ok and "credentials" in result.message and "nope-nope-nope" not in result.message


# ---------------------------------------------------------------- secrets never leak


def test_refused_connection_is_transient_and_clean(tmp_path: Path) -> None:
    settings = settings_for(f"http://127.0.0.1:{closed_port()}", tmp_path)
    with pytest.raises(Transient) as info:
        channel(settings).send(message())
    assert "refused" in info.value.detail
    assert_clean(info.value)
    result = check_sms(settings, store())
    assert not result.ok and "refused" in result.message
    assert_no_secret(result.message)


def test_timeout_is_transient_ambiguous_and_clean(server: TwilioServer, tmp_path: Path) -> None:
    settings = settings_for(server.base_url, tmp_path, sms_timeout=0.3)
    server.hang_next(2)
    with pytest.raises(Transient) as info:
        channel(settings).send(message())
    assert "did not answer within 0.3 s" in info.value.detail and "twice" in info.value.detail
    assert_clean(info.value)
    result = check_sms(settings, store())
    assert not result.ok and "did not answer" in result.message
    assert_no_secret(result.message)


def test_a_body_echoing_the_credentials_is_redacted(server: TwilioServer, tmp_path: Path) -> None:
    echo = "proxy error: {authorization} user={user} password={password}"
    server.fail_next(2, status=502, raw=echo)
    settings = settings_for(server.base_url, tmp_path)
    with pytest.raises(Transient) as info:
        channel(settings).send(message())
    assert "proxy error" in info.value.detail and "***" in info.value.detail
    assert_clean(info.value)
    result = check_sms(settings, store())
    assert not result.ok and "proxy error" in result.message
    assert_no_secret(result.message)


def test_retry_after_parsing() -> None:
    assert retry_after_seconds("12") == 12.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:30 GMT", now=1445412480.0) == 30.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


# ---------------------------------------------------------------- the channel, whatever the provider


class FakeProvider(SmsProvider):
    name = "fake"
    title = "Fake"

    def __init__(self, outcome: BaseException | Sent) -> None:
        self.outcome = outcome
        self.calls: list[tuple[str, str, str | None]] = []

    def send(self, phone_e164: str, text: str, ref: str | None = None) -> Sent:
        self.calls.append((phone_e164, text, ref))
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome

    def check(self) -> CheckResult:
        return CheckResult(True, "fine")


def test_provider_bugs_become_transient_and_secrets_are_redacted() -> None:
    ch = SmsChannel(FakeProvider(KeyError("boom")), Pacers(sms_rate=0).sms, Redactor())
    with pytest.raises(Transient, match="internal error in the Fake SMS provider"):
        ch.send(message())
    leaky = SmsChannel(FakeProvider(Permanent(f"oops {AUTH_TOKEN}")), Pacers(sms_rate=0).sms, Redactor([AUTH_TOKEN]))
    with pytest.raises(Permanent) as info:
        leaky.send(message())
    assert_clean(info.value)


def test_channel_passes_e164_text_and_notification_ref() -> None:
    provider = FakeProvider(Sent("x-1", "ok"))
    sent = SmsChannel(provider, Pacers(sms_rate=0).sms, Redactor()).send(message(n=42))
    assert provider.calls == [(PHONE, "Disk\nalmost full", "42")]
    assert sent.provider_message_id == "x-1" and sent.detail.startswith("ok")


def test_saturated_limiter_defers_without_calling_the_provider() -> None:
    provider = FakeProvider(Sent("x", "ok"))
    pacers = Pacers(sms_rate=0)
    pacers.sms.pause(120)
    with pytest.raises(Transient) as info:
        SmsChannel(provider, pacers.sms, Redactor()).send(message())
    assert info.value.retry_after is not None and 100 < info.value.retry_after <= 120
    assert provider.calls == []
