"""Android SMS gateway provider against the loopback imitation of the phone's local server."""
from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from notifier_gui.core.config import Settings
from notifier_gui.core.delivery.channels.base import NotConfigured
from notifier_gui.core.delivery.channels.sms import android
from notifier_gui.core.delivery.channels.sms.android import AndroidGatewayProvider, message_id
from notifier_gui.core.delivery.channels.sms.channel import SmsChannel, build_sms, check_sms
from notifier_gui.core.delivery.errors import Permanent, Transient, Unavailable
from notifier_gui.core.delivery.pacing import Pacers
from notifier_gui.core.secrets import CredentialStore, Redactor

from tests.servers.android_gateway import MODEL, PASSWORD, USER, AndroidGatewayServer
from tests.sms_helpers import PHONE, closed_port, sms_message

SECRET_FORMS = (PASSWORD, base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode())


@pytest.fixture
def server() -> Iterator[AndroidGatewayServer]:
    with AndroidGatewayServer() as s:
        yield s


def provider(base: str, password: str = PASSWORD, **kw: Any) -> AndroidGatewayProvider:
    kw.setdefault("timeout", 5.0)
    return AndroidGatewayProvider(base, USER, password, Redactor(), **kw)


def channel(base: str, password: str = PASSWORD, **kw: Any) -> SmsChannel:
    return SmsChannel(provider(base, password, **kw), Pacers(sms_rate=0).sms, Redactor())


message = sms_message


def assert_clean(text: str) -> None:
    for value in SECRET_FORMS:
        assert value not in text


# ---------------------------------------------------------------- success and idempotency


def test_delivers_json_with_basic_auth_and_a_stable_id(server: AndroidGatewayServer) -> None:
    sent = channel(server.base_url).send(message(n=7))
    (stored,) = server.messages.values()
    assert stored["text"] == "Disk\nalmost full" and stored["phoneNumbers"] == [PHONE]
    assert stored["simNumber"] is None
    assert ("POST", "/message", USER) in server.requests
    assert sent.provider_message_id == stored["id"] == message_id("7", PHONE, "Disk\nalmost full")
    assert stored["id"].startswith("ntf-7-") and len(stored["id"]) <= 36
    assert "Pending" in sent.detail


def test_a_retry_after_a_lost_answer_does_not_send_twice(server: AndroidGatewayServer) -> None:
    ch = channel(server.base_url)
    first = ch.send(message(n=3))
    again = ch.send(message(n=3))  # e.g. the first answer timed out and the chain retries
    assert len(server.messages) == 1
    assert again.provider_message_id == first.provider_message_id and "earlier try" in again.detail
    ch.send(message(n=4))
    assert len(server.messages) == 2


def test_sim_slot_is_passed(server: AndroidGatewayServer) -> None:
    channel(server.base_url, sim_number=2).send(message())
    assert next(iter(server.messages.values()))["simNumber"] == 2


def test_message_id_is_bounded_and_stable() -> None:
    long_ref = "9" * 40
    assert len(message_id(long_ref, PHONE, "x")) <= 36
    assert message_id("1", PHONE, "a") == message_id("1", PHONE, "a") != message_id("1", PHONE, "b")


# ---------------------------------------------------------------- errors


def test_invalid_number_is_permanent(server: AndroidGatewayServer) -> None:
    with pytest.raises(Permanent, match="Invalid phone number"):
        channel(server.base_url).send(message(phone="12345"))


def test_wrong_password_is_unavailable_and_not_leaked(server: AndroidGatewayServer) -> None:
    wrong = "wrong-password-777"
    with pytest.raises(Unavailable) as info:
        channel(server.base_url, password=wrong).send(message())
    assert "username/password" in info.value.detail and wrong not in str(info.value)
    assert server.messages == {}


@pytest.mark.parametrize("status, cls", [(500, Transient), (503, Transient), (403, Unavailable),
                                         (404, Unavailable), (400, Permanent)])
def test_scripted_http_errors(server: AndroidGatewayServer, status: int, cls: type[Exception]) -> None:
    server.fail_next(status=status, message="Queue limits exceeded" if status == 503 else "nope")
    with pytest.raises(cls) as info:  # type: ignore[misc]
        channel(server.base_url).send(message())
    assert f"HTTP {status}" in info.value.detail  # type: ignore[attr-defined]


def test_an_unreachable_phone_becomes_unavailable_then_recovers(server: AndroidGatewayServer) -> None:
    p = provider(f"http://127.0.0.1:{closed_port()}", unreachable_after=3)
    ch = SmsChannel(p, Pacers(sms_rate=0).sms, Redactor())
    for _ in range(2):
        with pytest.raises(Transient, match="refused"):
            ch.send(message())
    with pytest.raises(Unavailable, match="3 times in a row"):
        ch.send(message())
    p.base_url = server.base_url  # the phone is back (same provider object)
    ch.send(message())
    assert p.failures_in_row == 0 and len(server.messages) == 1


def test_recipient_without_phone_is_unavailable(server: AndroidGatewayServer) -> None:
    ch = channel(server.base_url)
    assert ch.unavailable_reason(message(phone=None)) == "the recipient has no phone number"
    with pytest.raises(Unavailable):
        ch.send(message(phone=None))
    assert server.requests == []


# ---------------------------------------------------------------- settings


def test_without_the_new_settings_sms_is_unavailable_with_a_reason(tmp_path: Path) -> None:
    ch = build_sms(Settings(sms_provider="android", data_dir=tmp_path), CredentialStore(), Pacers())
    assert isinstance(ch, NotConfigured)
    reason = ch.unavailable_reason(message())
    assert reason is not None and "ANDROID_SMS_URL" in reason


def test_built_from_settings(server: AndroidGatewayServer, tmp_path: Path) -> None:
    settings = Settings(sms_provider="android", android_sms_url=server.base_url, android_sms_user=USER,
                               android_sms_sim=1, data_dir=tmp_path)
    secrets = CredentialStore({android.SECRET_ENV: PASSWORD})
    ch = build_sms(settings, secrets, Pacers(sms_rate=0))
    assert isinstance(ch, SmsChannel)
    ch.send(message())
    assert next(iter(server.messages.values()))["simNumber"] == 1
    assert check_sms(settings, secrets).ok


def test_missing_password_is_reported(tmp_path: Path, keyring_backend: object) -> None:
    settings = Settings(sms_provider="android", android_sms_url="http://127.0.0.1:9",
                        android_sms_user=USER, data_dir=tmp_path)
    ch = build_sms(settings, CredentialStore(), Pacers())
    assert isinstance(ch, NotConfigured)
    reason = ch.unavailable_reason(message())
    assert reason is not None and "password is missing" in reason
    assert android.SECRET in reason and android.SECRET_ENV in reason
    result = check_sms(settings, CredentialStore())
    assert not result.ok and "password is missing" in result.message and android.SECRET in result.message


# ---------------------------------------------------------------- "Test connection"


def test_check_ok_names_the_phone(server: AndroidGatewayServer) -> None:
    result = provider(server.base_url).check()
    assert result.ok and MODEL in result.message and "1.66.1" in result.message
    assert [(m, p) for m, p, _ in server.requests] == [("GET", "/health"), ("GET", "/")]


def test_check_unhealthy_phone(server: AndroidGatewayServer) -> None:
    server.healthy = False
    result = provider(server.base_url).check()
    assert not result.ok and "fail" in result.message


def test_check_wrong_password(server: AndroidGatewayServer) -> None:
    result = provider(server.base_url, password="bad-bad-bad").check()
    assert not result.ok and "username/password" in result.message and "bad-bad-bad" not in result.message


# ---------------------------------------------------------------- the password never leaks


def test_refused_connection_is_transient_and_clean() -> None:
    base = f"http://127.0.0.1:{closed_port()}"
    with pytest.raises(Transient) as info:
        channel(base).send(message())
    assert "refused" in info.value.detail
    for text in (str(info.value), info.value.detail, repr(info.value)):
        assert_clean(text)
    result = provider(base).check()
    assert not result.ok and "refused" in result.message
    assert_clean(result.message)


def test_timeout_is_transient_and_clean(server: AndroidGatewayServer) -> None:
    server.hang_next(2)
    with pytest.raises(Transient) as info:
        channel(server.base_url, timeout=0.3).send(message())
    assert "did not answer within 0.3 s" in info.value.detail
    for text in (str(info.value), info.value.detail, repr(info.value)):
        assert_clean(text)
    result = provider(server.base_url, timeout=0.3).check()
    assert not result.ok and "did not answer" in result.message
    assert_clean(result.message)


def test_an_answer_echoing_the_password_is_redacted(server: AndroidGatewayServer) -> None:
    server.fail_next(2, status=500, raw="crash while checking password {password}")
    with pytest.raises(Transient) as info:
        channel(server.base_url).send(message())
    assert "crash while checking password ***" in info.value.detail
    assert_clean(str(info.value))
    server.healthy = True
    result = provider(server.base_url).check()
    assert not result.ok
    assert_clean(result.message)
