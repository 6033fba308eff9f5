"""Twilio Programmable Messaging, as in reference/twilio-sms.md.

``POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json``, form-encoded ``To`` (E.164),
``From`` or ``MessagingServiceSid``, ``Body``; HTTP Basic with the Account SID (or an API
key SID) and the auth token (or the key's secret). Errors are classified by Twilio's
``code`` first and the HTTP status second, exactly like the official library reads them.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import requests

from .... import sms_providers as registry
from ....config import Settings
from ....messages import Template
from ....secrets import CredentialStore
from ...checks_base import CheckResult
from ...errors import DeliveryError, Permanent, Throttled, Transient, Unavailable
from ..base import Receipt, Sent
from .http import NOTHING, HttpProvider, check_failure, json_body, retry_after_seconds, snippet
from .provider import ProviderConfigError, Redact, secret

SPEC = registry.spec("twilio")

API = "/2010-04-01"

# code -> (class, what it means for the operator). Sources: the reference's tables.
CODES: dict[int, tuple[type[DeliveryError], Template]] = {
    20003: (Unavailable, Template("twilio.error.20003", "Twilio rejected the credentials: check TWILIO_ACCOUNT_SID and the "
                         "twilio_auth_token secret (or the API key), and that the account is not suspended")),
    20403: (Unavailable, Template("twilio.error.20403", "the Twilio account is not permitted to do this (suspended or closed?)")),
    20404: (Unavailable, Template("twilio.error.20404", "Twilio does not know this account or address: check TWILIO_ACCOUNT_SID and TWILIO_API_BASE")),
    20429: (Throttled, Template("twilio.error.20429", "Twilio is limiting concurrent requests; the request was not processed")),
    21211: (Permanent, Template("twilio.error.21211", "Twilio says the recipient's number is not a valid phone number")),
    21212: (Unavailable, Template("twilio.error.21212", "the sender number TWILIO_FROM is not valid")),
    21408: (Unavailable, Template("twilio.error.21408", "sending SMS to this country is not enabled for the Twilio account "
                         "(Messaging Geo Permissions in the Twilio Console)")),
    21602: (Permanent, Template("twilio.error.21602", "the message has no text")),
    21604: (Permanent, Template("twilio.error.21604", "the recipient's number is missing")),
    21606: (Unavailable, Template("twilio.error.21606", "TWILIO_FROM is not an SMS-capable number of this Twilio account for this destination")),
    21608: (Unavailable, Template("twilio.error.21608", "the number is not verified for this trial account (upgrade the account or verify the number)")),
    21610: (Permanent, Template("twilio.error.21610", "the recipient unsubscribed by replying STOP; they must send START before they can get SMS again")),
    21611: (Transient, Template("twilio.error.21611", "the sender's Twilio queue is full; slowing down")),
    21612: (Permanent, Template("twilio.error.21612", "Twilio cannot route SMS from this sender to this number")),
    21614: (Permanent, Template("twilio.error.21614", "the number cannot receive SMS (a landline or not a mobile number)")),
    21617: (Permanent, Template("twilio.error.21617", "the text is longer than Twilio's 1,600 characters")),
    21619: (Permanent, Template("twilio.error.21619", "the message has no text")),
}

# Errors reported later in the Message resource (status failed/undelivered, error_code 30xxx).
DELIVERY_CODES: dict[int, tuple[type[DeliveryError], Template]] = {
    30001: (Transient, Template("twilio.delivery.30001", "Twilio's queue overflowed")),
    30002: (Unavailable, Template("twilio.delivery.30002", "the Twilio account is suspended")),
    30003: (Transient, Template("twilio.delivery.30003", "the handset is unreachable (off, no signal)")),
    30004: (Permanent, Template("twilio.delivery.30004", "the message is blocked for this destination")),
    30005: (Permanent, Template("twilio.delivery.30005", "the number does not exist")),
    30006: (Permanent, Template("twilio.delivery.30006", "the number is a landline or the carrier is unreachable")),
    30007: (Permanent, Template("twilio.delivery.30007", "the carrier filtered the message")),
    30008: (Transient, Template("twilio.delivery.30008", "unknown delivery error")),
}

# -- messages: the rest of what Twilio's answers say (core/messages.py); {said} is Twilio's code and text
SAID = Template("twilio.said", "{message} ({said})")
RATE_LIMITED = Template("twilio.rate_limited", "Twilio is rate-limiting requests ({said})")
SERVER_ERROR = Template("twilio.server_error", "Twilio had a server error ({said}).{maybe}")
MAYBE_CREATED = Template("twilio.maybe_created", " The message may or may not have been created; a retry can deliver "
                                                 "it twice.")
REFUSED = Template("twilio.refused", "Twilio refused the message ({said})")
DELIVERY_FAILED = Template("twilio.delivery_failed", "delivery failed")
FAILED = Template("twilio.failed", "{message} (Twilio {code}, message {sid} {status})")
FAILED_BARE = Template("twilio.failed_bare", "{message} (message {sid} {status})")
NO_SID = Template("twilio.no_sid", "Twilio accepted the message (HTTP {status}) but its answer had no sid")
ACCEPTED = Template("twilio.accepted", "Twilio accepted the message {sid} (status {status})")
REPORTS = Template("twilio.reports", "Twilio reports message {sid} {status}")
CANCELED = Template("twilio.canceled", "the message {sid} was canceled at Twilio")
NEEDS_SID = Template("twilio.needs_sid", "Twilio needs an Account SID (TWILIO_ACCOUNT_SID)")
NEEDS_SENDER = Template("twilio.needs_sender", "Twilio needs a sender: TWILIO_FROM (a number you own, E.164) or "
                                               "TWILIO_MESSAGING_SERVICE_SID")
NEEDS_TOKEN = Template("twilio.needs_token", "Twilio needs the auth token (secret twilio_auth_token)")


def require_settings(account_sid: str, from_number: str, messaging_service_sid: str) -> None:
    """Raise ProviderConfigError naming the first missing non-secret setting."""
    if not account_sid:
        raise ProviderConfigError(NEEDS_SID())
    if not (from_number or messaging_service_sid):
        raise ProviderConfigError(NEEDS_SENDER())


class TwilioProvider(HttpProvider):
    name = SPEC.name
    title = SPEC.title
    limits = SPEC.limits

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        redactor: Redact,
        from_number: str = "",
        messaging_service_sid: str = "",
        api_base: str = "https://api.twilio.com",
        timeout: float = 15.0,
        api_key_sid: str = "",
    ) -> None:
        """``api_key_sid`` (SK…): authenticate with an API key; ``auth_token`` is then its secret."""
        require_settings(account_sid, from_number, messaging_service_sid)
        if not auth_token:
            raise ProviderConfigError(NEEDS_TOKEN())
        user = api_key_sid or account_sid
        super().__init__(api_base, timeout, redactor, auth=(user, auth_token))
        self.account_sid = account_sid
        self.from_number = from_number
        self.messaging_service_sid = messaging_service_sid
        self.using_api_key = bool(api_key_sid)

    # -- errors

    def error_from(self, resp: requests.Response, sending: bool) -> DeliveryError:
        """Classify a non-2xx answer: Twilio ``code`` first, HTTP status second."""
        body = json_body(resp)
        code: int | None = None
        message = ""
        if body is not None:
            raw = body.get("code")
            if isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit()):
                code = int(raw)
            message = str(body.get("message") or "")
        elif resp.text:
            message = snippet(resp.text, self.redact)
        status = resp.status_code
        said = f"Twilio {code}" if code else f"HTTP {status}"
        said = f"{said}: {message}" if message else said
        retry_after = retry_after_seconds(resp.headers.get("Retry-After"))
        if code in CODES:
            cls, meaning = CODES[code]
            return self.clean(cls(SAID(message=meaning(), said=said),
                                  retry_after=retry_after if issubclass(cls, Transient) else None))
        if status == 429:
            return self.clean(Throttled(RATE_LIMITED(said=said), retry_after=retry_after))
        if status >= 500:
            maybe = MAYBE_CREATED() if sending else NOTHING()
            return self.clean(Transient(SERVER_ERROR(said=said, maybe=maybe), retry_after=retry_after))
        if status == 401:
            return self.clean(Unavailable(SAID(message=CODES[20003][1](), said=said)))
        if status == 403:
            return self.clean(Unavailable(SAID(message=CODES[20403][1](), said=said)))
        if status == 404:
            return self.clean(Unavailable(SAID(message=CODES[20404][1](), said=said)))
        return self.clean(Permanent(REFUSED(said=said)))

    # -- sending

    def send(self, phone_e164: str, text: str, ref: str | None = None) -> Sent:
        data = {"To": phone_e164, "Body": text}
        if self.messaging_service_sid:  # Twilio picks the sender from the service's pool
            data["MessagingServiceSid"] = self.messaging_service_sid
        else:
            data["From"] = self.from_number
        resp = self.request("POST", f"{API}/Accounts/{self.account_sid}/Messages.json", data=data, ambiguous=True)
        if not 200 <= resp.status_code < 300:
            raise self.error_from(resp, sending=True)
        body: Any = json_body(resp) or {}
        sid = body.get("sid") if isinstance(body.get("sid"), str) else None
        status = str(body.get("status") or "")
        error_code = body.get("error_code")
        if status in ("failed", "undelivered") and error_code is not None:
            try:
                cls, meaning = DELIVERY_CODES.get(int(error_code), (Transient, DELIVERY_FAILED))
            except (TypeError, ValueError):
                cls, meaning = Transient, DELIVERY_FAILED
            raise self.clean(cls(FAILED(message=meaning(), code=error_code, sid=sid or "?", status=status)))
        if sid is None:  # 2xx means accepted; do not resend because the body is odd
            return Sent(None, NO_SID(status=resp.status_code))
        return Sent(sid, self.redact(ACCEPTED(sid=sid, status=status or "unknown")))

    # -- delivery reports: GET .../Messages/{Sid}.json, one message per request

    receipt_batch = 1
    # Twilio limits concurrent requests (20429); the poller makes one at a time, one a second: the
    # pace SMS go out at by default (SMS_RATE), and under 1 % of a core (bench/receipts.py).
    receipt_rate = 1.0

    def fetch_receipts(self, ids: Sequence[str]) -> dict[str, Receipt]:
        out: dict[str, Receipt] = {}
        for sid in ids:
            resp = self.request("GET", f"{API}/Accounts/{self.account_sid}/Messages/{sid}.json")
            if resp.status_code == 404 and (json_body(resp) or {}).get("code") == 20404:
                out[sid] = Receipt("pending", "not found")  # no news on this one; the window decides
                continue
            if not 200 <= resp.status_code < 300:
                raise self.error_from(resp, sending=False)
            body: Any = json_body(resp) or {}
            out[sid] = self.receipt_from(sid, body)
        return out

    def receipt_from(self, sid: str, body: Any) -> Receipt:
        """A Message resource's ``status`` (and ``error_code``) as a report (reference: status values,
        "Delivery errors reported later")."""
        status = str(body.get("status") or "")
        if status in ("delivered", "read"):
            return Receipt("confirmed", self.redact(REPORTS(sid=sid, status=status)))
        if status in ("failed", "undelivered"):
            error_code = body.get("error_code")
            try:
                cls, meaning = DELIVERY_CODES.get(int(error_code), (Transient, DELIVERY_FAILED))
            except (TypeError, ValueError):
                cls, meaning = Transient, DELIVERY_FAILED
            text = (FAILED(message=meaning(), code=error_code, sid=sid, status=status) if error_code is not None
                    else FAILED_BARE(message=meaning(), sid=sid, status=status))
            return Receipt("undelivered", self.redact(text), cls.outcome)  # type: ignore[arg-type]
        if status == "canceled":
            return Receipt("undelivered", CANCELED(sid=sid), "permanent")
        return Receipt("pending", status)

    # -- "Test connection"

    def check(self) -> CheckResult:
        """Fetch the account (no message, no charge); API keys may only list messages."""
        try:
            resp = self.request("GET", f"{API}/Accounts/{self.account_sid}.json")
            if resp.status_code in (401, 403) and self.using_api_key:
                return self._check_messages_list()
            if resp.status_code != 200:
                return check_failure(self.error_from(resp, sending=False))
        except DeliveryError as exc:
            return check_failure(exc)
        body = json_body(resp) or {}
        name = str(body.get("friendly_name") or self.account_sid)
        status = str(body.get("status") or "unknown")
        if status != "active":
            return CheckResult(False, self.redact(f"the Twilio account “{name}” is {status}, not active; "
                                                  "it cannot send SMS until it is reactivated"))
        sender = (f"Messaging Service {self.messaging_service_sid}" if self.messaging_service_sid
                  else f"sender {self.from_number}")
        return CheckResult(True, self.redact(f"Twilio account “{name}” is active; {sender}"))

    def _check_messages_list(self) -> CheckResult:
        resp = self.request("GET", f"{API}/Accounts/{self.account_sid}/Messages.json", params={"PageSize": 1})
        if resp.status_code != 200:
            return check_failure(self.error_from(resp, sending=False))
        return CheckResult(True, "the Twilio API key works (it may list messages; a Standard key "
                                 "cannot read the account itself)")


def build(settings: Settings, secrets: CredentialStore) -> TwilioProvider:
    require_settings(settings.twilio_account_sid, settings.twilio_from, settings.twilio_messaging_service_sid)
    token = secret(secrets, "twilio_auth_token", "TWILIO_AUTH_TOKEN", "the Twilio auth token")
    secrets.redactor.add(token)
    return TwilioProvider(
        account_sid=settings.twilio_account_sid,
        auth_token=token,
        redactor=secrets.redactor,
        from_number=settings.twilio_from,
        messaging_service_sid=settings.twilio_messaging_service_sid,
        api_base=settings.twilio_api_base,
        timeout=settings.sms_timeout,
        api_key_sid=settings.twilio_api_key_sid,
    )
