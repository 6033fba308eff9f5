"""Secrets partly leaked: cut before redaction, or echoed by a server in an encoding."""
from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from notifier_gui.core.config import Settings
from notifier_gui.core.delivery.errors import DeliveryError
from notifier_gui.core.secrets import CredentialStore, Redactor

from tests.servers.smsru import API_ID, SENDER, SmsRuServer
from tests.sms_helpers import built_channel, sms_message

PASSWORD = "s3cret-Pass/word+1"
USER = "operator@example.org"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize("echo", [
    b64(f"\0{USER}\0{PASSWORD}"),                      # SMTP AUTH PLAIN
    b64(f"{USER}\0{USER}\0{PASSWORD}"),                # AUTH PLAIN with an authorisation id
    b64(PASSWORD),                                     # AUTH LOGIN sends the password alone
    b64(f"{USER}:{PASSWORD}"),                         # HTTP Basic, whatever the user name
    base64.urlsafe_b64encode(f"x:{PASSWORD}".encode()).decode().rstrip("="),
    quote(PASSWORD, safe=""),
])
def test_encoded_echoes_of_a_secret_are_redacted(echo: str) -> None:
    redact = Redactor([PASSWORD])
    out = redact(f"535 5.7.8 Authentication failed for {echo} (try again)")
    assert echo not in out and "***" in out
    assert out.startswith("535 5.7.8 Authentication failed for ") and out.endswith(" (try again)")


def test_ordinary_words_and_base64_of_other_things_stay() -> None:
    redact = Redactor([PASSWORD])
    text = f"550 mailbox unavailable {b64('hello world, nothing here')} connecting"
    assert redact(text) == text


@pytest.fixture
def server() -> Iterator[SmsRuServer]:
    with SmsRuServer() as s:
        yield s


def test_an_error_page_is_redacted_before_it_is_cut(server: SmsRuServer, tmp_path: Path) -> None:
    # The api_id straddles the 200th character of the excerpt: cut first, 21 of its
    # characters used to reach the attempt detail.
    page = "<html><body>" + "x" * (200 - 12 - 21) + f"api_id={API_ID} is not allowed here</body></html>"
    server.fail_next(http_status=500, raw=page)
    settings = Settings(sms_provider="smsru", smsru_api_base=server.base_url, smsru_from=SENDER,
                        sms_timeout=5.0, data_dir=tmp_path)
    ch = built_channel(settings, CredentialStore({"SMSRU_API_ID": API_ID}))
    with pytest.raises(DeliveryError) as info:
        ch.send(sms_message())
    detail = info.value.detail
    assert "HTTP 500" in detail
    for n in range(8, len(API_ID) + 1):
        assert API_ID[:n] not in detail
