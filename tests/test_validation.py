from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notifier_gui.core import validation as v
from notifier_gui.core.recipients import clean_recipient


def test_email_normalised_and_rejected() -> None:
    assert v.email("  Anna@Example.ORG ") == "Anna@example.org"
    for bad in ("anna", "anna@", "a b@example.org", "anna@example.org\r\nBcc: x@y.z"):
        with pytest.raises(v.ValidationError, match="email"):
            v.email(bad)


def test_phone_to_e164() -> None:
    assert v.phone("+7 916 123-45-67") == "+79161234567"
    assert v.phone("8 (916) 123-45-67", region="RU") == "+79161234567"
    with pytest.raises(v.ValidationError, match="country code"):
        v.phone("8 916 123 45 67")
    with pytest.raises(v.ValidationError, match="not a valid phone number"):
        v.phone("+7 000 000 00 00")


def test_telegram_chat_id_is_64_bit() -> None:
    assert v.telegram_chat_id("-1001234567890") == -1001234567890
    for bad in ("abc", str(2**63), "0"):
        with pytest.raises(v.ValidationError):
            v.telegram_chat_id(bad)


@given(st.tuples(st.text(), st.sampled_from("\r\n\u2028\x85\x0b"), st.text()).map("".join))
def test_no_line_breaks_in_header_fields(text: str) -> None:
    with pytest.raises(v.ValidationError, match="line breaks"):
        v.subject(text)


def test_message_must_have_text() -> None:
    for bad in ("", "   \n\t"):
        with pytest.raises(v.ValidationError, match="empty"):
            v.message(bad)


def test_clean_recipient_needs_a_name_and_valid_fields() -> None:
    row = clean_recipient("Анна", "anna@example.org", "+79161234567", "42")
    assert row["telegram_chat_id"] == 42 and row["phone"] == "+79161234567"
    with pytest.raises(v.ValidationError, match="name"):
        clean_recipient(" ", "anna@example.org")
