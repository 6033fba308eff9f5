"""Request bodies of the REST API. Strict: unknown fields and wrong types are errors.

Field values are then checked by ``core.validation`` (the same rules as the window and
the CLI); these models only fix the shape, which also gives OpenAPI its schemas.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr, StrictInt, StrictStr

_STRICT = ConfigDict(extra="forbid", strict=True)


class UserIn(BaseModel):
    """A person to notify. At least one of email, phone, telegram_chat_id."""

    model_config = _STRICT
    email: StrictStr | None = Field(default=None, examples=["user@example.com"])
    phone: StrictStr | None = Field(default=None, description="E.164, e.g. +79161234567")
    telegram_chat_id: StrictInt | StrictStr | None = Field(default=None, description="Chat id (the person pressed Start)")
    name: StrictStr | None = Field(default=None, description="Default: from the email or phone")
    channels: list[StrictStr] | None = Field(default=None, description="Preferred order, e.g. [\"telegram\", \"email\"]")
    notes: StrictStr | None = None


class NotificationIn(BaseModel):
    """One message for one person (``user_id``) or for several (``user_ids``, one transaction)."""

    model_config = _STRICT
    user_id: StrictInt | None = Field(default=None, examples=[1])
    user_ids: list[StrictInt] | None = Field(default=None, max_length=10_000)
    message: StrictStr = Field(examples=["Hello via SMTP!"])
    subject: StrictStr = ""
    channels: list[StrictStr] | None = Field(default=None, description="Order for this send, e.g. [\"email\", \"sms\"]")
    smtp_user: StrictStr | None = Field(default=None, description="SMTP login for this send only")
    smtp_password: SecretStr | None = Field(
        default=None, description="Its password: kept in the OS credential store, never returned or logged")
