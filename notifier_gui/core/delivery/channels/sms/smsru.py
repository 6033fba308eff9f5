"""SMS.ru HTTP API, as in reference/smsru.md.

``POST {base}/sms/send?json=1`` form-encoded ``api_id``, ``to`` (international digits
without ``+``), ``msg``, optional ``from``. SMS.ru answers HTTP 200 even for errors: the
*top-level* ``status``/``status_code`` describe the request, and ``sms[<number>]`` carries
the number's own ``status``/``status_code`` — a top-level OK does not mean the number was
accepted. Anything that is not a 2xx JSON object with ``status`` is a transport failure.
``status_text`` is shown to the operator but never parsed (its wording changes).
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from .... import sms_providers as registry
from ....config import Settings
from ....secrets import CredentialStore
from ...checks_base import CheckResult
from ...errors import DeliveryError, Permanent, Transient, Unavailable
from ..base import FailureClass, Receipt, Sent
from .http import HttpProvider, check_failure, json_body, snippet
from .provider import ProviderConfigError, Redact, secret

SPEC = registry.spec("smsru")

E164 = re.compile(r"^\+[1-9]\d{6,14}$")

# status_code -> (class, meaning). Source: the reference's "Status codes" table.
CODES: dict[int, tuple[type[DeliveryError], str]] = {
    200: (Unavailable, "SMS.ru does not accept the api_id: check the smsru_api_id secret"),
    201: (Unavailable, "the SMS.ru account has not enough money; top it up"),
    202: (Permanent, "SMS.ru says the recipient's number is wrong or there is no route to it"),
    203: (Permanent, "the message has no text"),
    204: (Unavailable, "the sender name SMSRU_FROM is not approved by SMS.ru; clear it or get it approved"),
    205: (Permanent, "the message is too long for SMS.ru (more than 8 SMS)"),
    206: (Transient, "the SMS.ru account's daily sending limit is reached; SMS works again after the limit resets"),
    207: (Permanent, "SMS.ru cannot send to this number (no route for delivery)"),
    208: (Permanent, "SMS.ru rejected the send time (time parameter)"),
    209: (Permanent, "the number is in the SMS.ru account's stop list; remove it there to send"),
    210: (Permanent, "SMS.ru wants POST for this request (client bug)"),
    211: (Unavailable, "SMS.ru does not know this method: check SMSRU_API_BASE"),
    212: (Permanent, "SMS.ru wants the text in UTF-8 (client bug)"),
    213: (Permanent, "more than 100 numbers in one request (client bug)"),
    220: (Transient, "SMS.ru is temporarily unavailable"),
    221: (Unavailable, "SMS.ru requires an approved alphabetic sender name before anything can be sent: "
                      "create one in the SMS.ru senders panel and put it in SMSRU_FROM"),
    230: (Transient, "the daily limit of messages to this number is reached; it resets tomorrow"),
    231: (Transient, "the same text was sent to this number too often within a minute"),
    232: (Transient, "the daily limit of identical messages to this number is reached; it resets tomorrow"),
    300: (Unavailable, "SMS.ru rejected the token (expired, or the IP address changed)"),
    301: (Unavailable, "SMS.ru does not accept the api_id (wrong key, or the user does not exist)"),
    302: (Unavailable, "the SMS.ru account is not confirmed yet; finish the registration"),
    500: (Transient, "SMS.ru had a server error"),
}
RETRY_AFTER = {231: 60.0}  # "retry after a minute"

# Delivery status codes of sms/status (reference: "Delivery status codes"): code -> meaning,
# and for failures their class.
DELIVERED = {103, 110}  # delivered; delivered and read
PENDING = {100, 101, 102}
UNDELIVERED: dict[int, tuple[FailureClass, str]] = {
    -1: ("permanent", "SMS.ru does not know this message"),
    104: ("transient", "not delivered: its lifetime expired (the phone was off for long)"),
    105: ("permanent", "not delivered: deleted by the operator"),
    106: ("transient", "not delivered: phone failure"),
    107: ("transient", "not delivered: unknown reason"),
    108: ("permanent", "not delivered: rejected"),
    130: ("transient", "not delivered: the daily limit of messages to this number"),
    131: ("transient", "not delivered: the limit of identical messages to this number per minute"),
    132: ("transient", "not delivered: the limit of identical messages to this number per day"),
    150: ("permanent", "not delivered: no route to this number"),
}


def digits(phone_e164: str) -> str:
    """``+79161234567`` -> ``79161234567`` (SMS.ru's ``to``)."""
    return phone_e164[1:]


class SmsRuProvider(HttpProvider):
    name = SPEC.name
    title = SPEC.title
    limits = SPEC.limits

    def __init__(
        self,
        api_id: str,
        redactor: Redact,
        sender: str = "",
        api_base: str = "https://sms.ru",
        timeout: float = 15.0,
        test: bool = False,
    ) -> None:
        """``test``: SMS.ru simulates sending (nothing sent, nothing charged) — for a test send."""
        if not api_id:
            raise ProviderConfigError("SMS.ru needs the api_id (secret smsru_api_id)")
        super().__init__(api_base, timeout, redactor)
        self.add_secret(api_id)
        self.api_id = api_id
        self.sender = sender
        self.test = test

    def status_error(self, entry: Mapping[str, Any], whose: str) -> DeliveryError:
        """An ERROR ``status_code`` (top level or per number) as a classified, redacted error."""
        raw = entry.get("status_code")
        try:
            code = int(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            code = -1
        text = str(entry.get("status_text") or "").strip()
        said = f"{code}: {text}" if text else f"{code}"
        if code in CODES:
            cls, meaning = CODES[code]
            # "<meaning> (SMS.ru <code>: <its own text>)": the window translates the meaning
            # (ui/core_text.py), SMS.ru's own text stays as it came.
            return self.clean(cls(f"{meaning} (SMS.ru {said})", retry_after=RETRY_AFTER.get(code)))
        return self.clean(Permanent(f"SMS.ru refused {whose} with a code this program does not know (SMS.ru {said})"))

    def call(self, method: str, data: dict[str, str], ambiguous: bool = False) -> Mapping[str, Any]:
        """POST one method with ``json=1``; return the JSON answer or raise a transport failure."""
        resp = self.request("POST", f"/{method}", params={"json": "1"},
                            data={"api_id": self.api_id, **data}, ambiguous=ambiguous)
        maybe = " The message may have been accepted anyway; a retry can deliver it twice." if ambiguous else ""
        if not 200 <= resp.status_code < 300:
            raise self.clean(Transient(f"SMS.ru answered HTTP {resp.status_code}"
                                       + (f": {snippet(resp.text, self.redact)}" if resp.text.strip() else "") + f".{maybe}"))
        body = json_body(resp)
        if body is None:
            raise self.clean(Transient(f"SMS.ru's answer is not JSON ({snippet(resp.text, self.redact) or 'empty'}).{maybe}"))
        if "status" not in body:
            raise self.clean(Transient(f"SMS.ru's answer has no status ({snippet(resp.text, self.redact)}).{maybe}"))
        return body

    def send(self, phone_e164: str, text: str, ref: str | None = None) -> Sent:
        if not E164.match(phone_e164):
            raise Permanent(f"the phone number {phone_e164!r} is not in international format (+ and digits)")
        number = digits(phone_e164)
        data = {"to": number, "msg": text}
        if self.sender:
            data["from"] = self.sender
        if self.test:
            data["test"] = "1"
        body = self.call("sms/send", data, ambiguous=True)
        if body.get("status") != "OK":
            raise self.status_error(body, "the request")
        sms = body.get("sms")
        entry: Any = None
        if isinstance(sms, Mapping):
            entry = sms.get(number)
            if entry is None and len(sms) == 1:  # one number asked, one answered
                entry = next(iter(sms.values()))
        if not isinstance(entry, Mapping):
            raise self.clean(Transient("SMS.ru accepted the request but its answer has no result for the number; "
                                       "the message may have been accepted, a retry can deliver it twice"))
        if entry.get("status") != "OK":  # never trust sms_id alone: 221 comes with one
            raise self.status_error(entry, "the number")
        sms_id = entry.get("sms_id")
        sms_id = str(sms_id) if sms_id not in (None, "") else None
        balance = body.get("balance")
        extra = f"; balance {float(balance):.2f} RUB" if isinstance(balance, (int, float)) else ""
        test = " in test mode (nothing sent)" if self.test else ""
        what = f"the message {sms_id}" if sms_id else "the message"
        return Sent(sms_id, self.redact(f"SMS.ru accepted {what}{test}{extra}"))

    # -- delivery reports: sms/status, many comma-separated sms_id per request

    receipt_batch = 100  # the same 100 the API takes in one send (our choice; the status docs name no cap)
    receipt_rate = 1.0

    def fetch_receipts(self, ids: Sequence[str]) -> dict[str, Receipt]:
        body = self.call("sms/status", {"sms_id": ",".join(ids)})
        if body.get("status") != "OK":
            raise self.status_error(body, "the status request")
        sms = body.get("sms")
        out: dict[str, Receipt] = {}
        for sms_id, entry in (sms.items() if isinstance(sms, Mapping) else ()):
            if not isinstance(entry, Mapping):
                continue
            try:
                code = int(entry.get("status_code"))  # type: ignore[arg-type]
            except (TypeError, ValueError):
                continue
            if code in DELIVERED:
                text = (f"SMS.ru reports {sms_id} delivered and read (SMS.ru {code})" if code == 110
                        else f"SMS.ru reports {sms_id} delivered (SMS.ru {code})")
                out[str(sms_id)] = Receipt("confirmed", text)
            elif code in UNDELIVERED:
                cls, meaning = UNDELIVERED[code]
                out[str(sms_id)] = Receipt("undelivered", self.redact(f"{meaning} (SMS.ru {code}, message {sms_id})"), cls)
            elif code in PENDING:
                out[str(sms_id)] = Receipt("pending", f"SMS.ru {code}")
        return out

    def check(self) -> CheckResult:
        """``auth/check`` for the key, then ``my/balance`` so a zero balance shows up now."""
        try:
            auth = self.call("auth/check", {})
            if auth.get("status") != "OK":
                return check_failure(self.status_error(auth, "the key"))
            bal = self.call("my/balance", {})
            if bal.get("status") != "OK":
                return check_failure(self.status_error(bal, "the balance request"))
        except DeliveryError as exc:
            return check_failure(exc)
        sender = (f"sender name “{self.sender}”" if self.sender else
                  "no sender name set (SMSRU_FROM); new SMS.ru accounts must register one before sending")
        try:
            balance = float(bal.get("balance"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return CheckResult(True, self.redact(f"the SMS.ru key works (balance unknown); {sender}"))
        if balance <= 0:
            return CheckResult(False, self.redact(f"the SMS.ru key works but the balance is {balance:.2f} RUB: "
                                                  "top up the account, nothing can be sent"))
        return CheckResult(True, self.redact(f"the SMS.ru key works; balance {balance:.2f} RUB; {sender}"))


def build(settings: Settings, secrets: CredentialStore) -> SmsRuProvider:
    api_id = secret(secrets, "smsru_api_id", "SMSRU_API_ID", "the SMS.ru api_id")
    secrets.redactor.add(api_id)
    return SmsRuProvider(api_id, secrets.redactor, sender=settings.smsru_from,
                         api_base=settings.smsru_api_base, timeout=settings.sms_timeout)

