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
from ....messages import Template
from ....secrets import CredentialStore
from ...checks_base import CheckResult
from ...errors import DeliveryError, Permanent, Transient, Unavailable
from ..base import FailureClass, Receipt, Sent
from .http import NOTHING, HttpProvider, check_failure, json_body, maybe_accepted, snippet
from .provider import ProviderConfigError, Redact, secret

SPEC = registry.spec("smsru")

E164 = re.compile(r"^\+[1-9]\d{6,14}$")

# status_code -> (class, meaning). Source: the reference's "Status codes" table.
CODES: dict[int, tuple[type[DeliveryError], Template]] = {
    200: (Unavailable, Template("smsru.status.200", "SMS.ru does not accept the api_id: check the smsru_api_id secret")),
    201: (Unavailable, Template("smsru.status.201", "the SMS.ru account has not enough money; top it up")),
    202: (Permanent, Template("smsru.status.202", "SMS.ru says the recipient's number is wrong or there is no route to it")),
    203: (Permanent, Template("smsru.status.203", "the message has no text")),
    204: (Unavailable, Template("smsru.status.204", "the sender name SMSRU_FROM is not approved by SMS.ru; clear it or get it approved")),
    205: (Permanent, Template("smsru.status.205", "the message is too long for SMS.ru (more than 8 SMS)")),
    206: (Transient, Template("smsru.status.206", "the SMS.ru account's daily sending limit is reached; SMS works again after the limit resets")),
    207: (Permanent, Template("smsru.status.207", "SMS.ru cannot send to this number (no route for delivery)")),
    208: (Permanent, Template("smsru.status.208", "SMS.ru rejected the send time (time parameter)")),
    209: (Permanent, Template("smsru.status.209", "the number is in the SMS.ru account's stop list; remove it there to send")),
    210: (Permanent, Template("smsru.status.210", "SMS.ru wants POST for this request (client bug)")),
    211: (Unavailable, Template("smsru.status.211", "SMS.ru does not know this method: check SMSRU_API_BASE")),
    212: (Permanent, Template("smsru.status.212", "SMS.ru wants the text in UTF-8 (client bug)")),
    213: (Permanent, Template("smsru.status.213", "more than 100 numbers in one request (client bug)")),
    220: (Transient, Template("smsru.status.220", "SMS.ru is temporarily unavailable")),
    221: (Unavailable, Template("smsru.status.221", "SMS.ru requires an approved alphabetic sender name before anything can be sent: "
                      "create one in the SMS.ru senders panel and put it in SMSRU_FROM")),
    230: (Transient, Template("smsru.status.230", "the daily limit of messages to this number is reached; it resets tomorrow")),
    231: (Transient, Template("smsru.status.231", "the same text was sent to this number too often within a minute")),
    232: (Transient, Template("smsru.status.232", "the daily limit of identical messages to this number is reached; it resets tomorrow")),
    300: (Unavailable, Template("smsru.status.300", "SMS.ru rejected the token (expired, or the IP address changed)")),
    301: (Unavailable, Template("smsru.status.301", "SMS.ru does not accept the api_id (wrong key, or the user does not exist)")),
    302: (Unavailable, Template("smsru.status.302", "the SMS.ru account is not confirmed yet; finish the registration")),
    500: (Transient, Template("smsru.status.500", "SMS.ru had a server error")),
}
RETRY_AFTER = {231: 60.0}  # "retry after a minute"

# -- messages: the rest of what SMS.ru's answers say (core/messages.py); {said} is SMS.ru's own text
SAID = Template("smsru.said", "{message} (SMS.ru {said})")
UNKNOWN_CODE = Template("smsru.unknown_code", "SMS.ru refused {whose} with a code this program does not know "
                                              "(SMS.ru {said})")
WHOSE = {t.english: t for t in (Template("smsru.whose.request", "the request"),
                                Template("smsru.whose.number", "the number"),
                                Template("smsru.whose.status", "the status request"),
                                Template("smsru.whose.key", "the key"),
                                Template("smsru.whose.balance", "the balance request"))}
NEEDS_API_ID = Template("smsru.needs_api_id", "SMS.ru needs the api_id (secret smsru_api_id)")
HTTP_STATUS = Template("smsru.http", "SMS.ru answered HTTP {status}.{maybe}")
HTTP_SAID = Template("smsru.http_said", "SMS.ru answered HTTP {status}: {body}.{maybe}")
NOT_JSON = Template("smsru.not_json", "SMS.ru's answer is not JSON ({body}).{maybe}")
NO_STATUS = Template("smsru.no_status", "SMS.ru's answer has no status ({body}).{maybe}")
NOT_E164 = Template("smsru.not_e164", "the phone number {phone!r} is not in international format (+ and digits)")
NO_RESULT = Template("smsru.no_result", "SMS.ru accepted the request but its answer has no result for the number; "
                                        "the message may have been accepted, a retry can deliver it twice")
ACCEPTED = Template("smsru.accepted", "SMS.ru accepted the message{test}{balance}")
ACCEPTED_ID = Template("smsru.accepted_id", "SMS.ru accepted the message {id}{test}{balance}")
TEST_MODE = Template("smsru.test_mode", " in test mode (nothing sent)")
BALANCE = Template("smsru.balance", "; balance {amount} RUB")
REPORTS_READ = Template("smsru.reports_read", "SMS.ru reports {id} delivered and read (SMS.ru {code})")
REPORTS_DELIVERED = Template("smsru.reports_delivered", "SMS.ru reports {id} delivered (SMS.ru {code})")
REPORT_SAID = Template("smsru.report_said", "{message} (SMS.ru {code}, message {id})")

# Delivery status codes of sms/status (reference: "Delivery status codes"): code -> meaning,
# and for failures their class.
DELIVERED = {103, 110}  # delivered; delivered and read
PENDING = {100, 101, 102}
UNDELIVERED: dict[int, tuple[FailureClass, Template]] = {
    -1: ("permanent", Template("smsru.report.minus1", "SMS.ru does not know this message")),
    104: ("transient", Template("smsru.report.104", "not delivered: its lifetime expired (the phone was off for long)")),
    105: ("permanent", Template("smsru.report.105", "not delivered: deleted by the operator")),
    106: ("transient", Template("smsru.report.106", "not delivered: phone failure")),
    107: ("transient", Template("smsru.report.107", "not delivered: unknown reason")),
    108: ("permanent", Template("smsru.report.108", "not delivered: rejected")),
    130: ("transient", Template("smsru.report.130", "not delivered: the daily limit of messages to this number")),
    131: ("transient", Template("smsru.report.131", "not delivered: the limit of identical messages to this number per minute")),
    132: ("transient", Template("smsru.report.132", "not delivered: the limit of identical messages to this number per day")),
    150: ("permanent", Template("smsru.report.150", "not delivered: no route to this number")),
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
            raise ProviderConfigError(NEEDS_API_ID())
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
            return self.clean(cls(SAID(message=meaning(), said=said), retry_after=RETRY_AFTER.get(code)))
        named = WHOSE.get(whose)
        return self.clean(Permanent(UNKNOWN_CODE(whose=named() if named else whose, said=said)))

    def call(self, method: str, data: dict[str, str], ambiguous: bool = False) -> Mapping[str, Any]:
        """POST one method with ``json=1``; return the JSON answer or raise a transport failure."""
        resp = self.request("POST", f"/{method}", params={"json": "1"},
                            data={"api_id": self.api_id, **data}, ambiguous=ambiguous)
        maybe = maybe_accepted(ambiguous)
        if not 200 <= resp.status_code < 300:
            raise self.clean(Transient(HTTP_SAID(status=resp.status_code, body=snippet(resp.text, self.redact), maybe=maybe)
                                       if resp.text.strip() else HTTP_STATUS(status=resp.status_code, maybe=maybe)))
        body = json_body(resp)
        if body is None:
            raise self.clean(Transient(NOT_JSON(body=snippet(resp.text, self.redact) or "empty", maybe=maybe)))
        if "status" not in body:
            raise self.clean(Transient(NO_STATUS(body=snippet(resp.text, self.redact), maybe=maybe)))
        return body

    def send(self, phone_e164: str, text: str, ref: str | None = None) -> Sent:
        if not E164.match(phone_e164):
            raise Permanent(NOT_E164(phone=phone_e164))
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
            raise self.clean(Transient(NO_RESULT()))
        if entry.get("status") != "OK":  # never trust sms_id alone: 221 comes with one
            raise self.status_error(entry, "the number")
        sms_id = entry.get("sms_id")
        sms_id = str(sms_id) if sms_id not in (None, "") else None
        balance = body.get("balance")
        extra = BALANCE(amount=f"{float(balance):.2f}") if isinstance(balance, (int, float)) else NOTHING()
        test = TEST_MODE() if self.test else NOTHING()
        accepted = ACCEPTED_ID(id=sms_id, test=test, balance=extra) if sms_id else ACCEPTED(test=test, balance=extra)
        return Sent(sms_id, self.redact(accepted))

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
                text = (REPORTS_READ if code == 110 else REPORTS_DELIVERED)(id=sms_id, code=code)
                out[str(sms_id)] = Receipt("confirmed", text)
            elif code in UNDELIVERED:
                cls, meaning = UNDELIVERED[code]
                out[str(sms_id)] = Receipt("undelivered", self.redact(REPORT_SAID(message=meaning(), code=code, id=sms_id)), cls)
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

