"""SMS Gateway for Android (capcom6/android-sms-gateway), as in reference/sms-gateway-android.md.

The operator's own phone sends the SMS. ``POST {base}/message`` with JSON
``{"textMessage": {"text": ...}, "phoneNumbers": ["+7…"], "id": ...}`` and HTTP Basic
(username/password shown in the app). ``base`` is ``http://<phone_ip>:8080`` for the local
server or ``https://api.sms-gate.app/3rdparty/v1`` for the cloud relay. The answer is
202 Accepted with the queued message; the phone sends it afterwards.

We pass a stable message ``id`` derived from the notification, so a retry after a lost
answer gets 409 "already exists" instead of a second SMS. A phone is often asleep or away:
after ``unreachable_after`` consecutive connection failures the channel reports itself
unavailable (fall back at once) until the phone answers again.
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import requests

from .... import sms_providers as registry
from ....config import Settings
from ....messages import Template
from ....secrets import CredentialStore
from ...checks_base import CheckResult
from ...errors import DeliveryError, Permanent, Throttled, Transient, Unavailable
from ..base import Receipt, Sent
from .http import HttpProvider, check_failure, json_body, retry_after_seconds, snippet
from .provider import ProviderConfigError, Redact, secret

SPEC = registry.spec("android")
MAX_ID = 36  # the gateway's message id length limit (its API schema)
SECRET = "android_sms_password"
SECRET_ENV = SPEC.secrets[SECRET]


def message_id(ref: str, phone: str, text: str, prefix: str = "ntf") -> str:
    """A stable id for one notification's SMS: the same on every retry, ≤ 36 characters.

    The digest of number and text keeps two different databases (whose notification numbers
    restart at 1) from colliding on the phone unless they send the very same SMS.
    """
    digest = hashlib.sha256(f"{phone}\n{text}".encode()).hexdigest()
    out = f"{prefix}-{ref}-{digest[:12]}"
    return out if len(out) <= MAX_ID else f"{prefix}-{digest[:MAX_ID - len(prefix) - 1]}"



# -- messages: what the gateway's answers and the phone say (core/messages.py); {said} is the gateway's HTTP status and text
NEEDS_PASSWORD = Template("android.needs_password", "the Android SMS gateway needs its password (secret {secret})")
NEEDS_ADDRESS = Template("android.needs_address", "the Android SMS gateway needs its address (ANDROID_SMS_URL, e.g. "
                                                  "http://192.168.1.20:8080 or https://api.sms-gate.app/3rdparty/v1)")
NEEDS_USER = Template("android.needs_user", "the Android SMS gateway needs its username (ANDROID_SMS_USER, shown in "
                                            "the app)")
REJECTED = Template("android.rejected", "the gateway rejected the message ({said})")
BAD_LOGIN = Template("android.bad_login", "the gateway refused the username/password: check ANDROID_SMS_USER and the "
                                          "{secret} secret against the app ({said})")
NOT_ALLOWED = Template("android.not_allowed", "the gateway does not allow these credentials to send ({said})")
NO_API = Template("android.no_api", "no SMS gateway API at this address: check ANDROID_SMS_URL ({said})")
RATE_LIMITED = Template("android.rate_limited", "the gateway is rate-limiting requests ({said})")
QUEUE_FULL = Template("android.queue_full", "the gateway's queue is full or the phone is offline ({said})")
INTERNAL = Template("android.internal", "the gateway had an internal error ({said})")
REFUSED = Template("android.refused", "the gateway refused the message ({said})")
UNREACHABLE = Template("android.unreachable", "the phone has not answered {count} times in a row (is it on, in the "
                                              "same network, with the gateway app running?): {message}")
ALREADY_QUEUED = Template("android.already_queued", "the phone already had message {id} queued from an earlier try")
NO_REASON = Template("android.no_reason", "no reason given")
NOT_SENT = Template("android.not_sent", "the phone could not send the SMS: {error}")
QUEUED = Template("android.queued", "queued on the phone as {id} (state {state})")
DELIVERED = Template("android.delivered", "the phone reports message {id} delivered")
NOT_DELIVERED = Template("android.not_delivered", "the phone could not deliver message {id}: {error}")
CANCELLED = Template("android.cancelled", "message {id} was cancelled on the phone")

class AndroidGatewayProvider(HttpProvider):
    name = SPEC.name
    title = SPEC.title
    limits = SPEC.limits

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        redactor: Redact,
        timeout: float = 15.0,
        sim_number: int = 0,
        unreachable_after: int = 3,
        id_prefix: str = "ntf",
    ) -> None:
        """``sim_number``: 1-based SIM slot, 0 = the phone's default."""
        require_settings(base_url, username)
        if not password:
            raise ProviderConfigError(NEEDS_PASSWORD(secret=SECRET))
        super().__init__(base_url, timeout, redactor, auth=(username, password))
        self.sim_number = sim_number
        self.unreachable_after = unreachable_after
        self.id_prefix = id_prefix
        self.failures_in_row = 0

    def error_from(self, resp: requests.Response) -> DeliveryError:
        """Classify a non-2xx answer (the gateway's errors are ``{"message": "..."}``)."""
        body = json_body(resp)
        text = str(body.get("message") or "") if body is not None else snippet(resp.text, self.redact)
        said = f"HTTP {resp.status_code}" + (f": {text}" if text else "")
        status = resp.status_code
        if status == 400:
            err: DeliveryError = Permanent(REJECTED(said=said))
        elif status == 401:
            err = Unavailable(BAD_LOGIN(secret=SECRET, said=said))
        elif status == 403:
            err = Unavailable(NOT_ALLOWED(said=said))
        elif status == 404:
            err = Unavailable(NO_API(said=said))
        elif status == 429:
            err = Throttled(RATE_LIMITED(said=said),
                            retry_after=retry_after_seconds(resp.headers.get("Retry-After")))
        elif status == 503:
            err = Transient(QUEUE_FULL(said=said),
                            retry_after=retry_after_seconds(resp.headers.get("Retry-After")))
        elif status >= 500:
            err = Transient(INTERNAL(said=said))
        else:
            err = Permanent(REFUSED(said=said))
        return self.clean(err)

    def _reach(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """A request that counts consecutive connection failures to the phone."""
        try:
            resp = self.request(method, path, **kwargs)
        except Transient as exc:
            self.failures_in_row += 1
            if self.failures_in_row >= self.unreachable_after:
                raise self.clean(Unavailable(UNREACHABLE(count=self.failures_in_row, message=exc.detail))) from None
            raise
        self.failures_in_row = 0
        return resp

    def send(self, phone_e164: str, text: str, ref: str | None = None) -> Sent:
        payload: dict[str, Any] = {"textMessage": {"text": text}, "phoneNumbers": [phone_e164]}
        if ref:
            payload["id"] = message_id(ref, phone_e164, text, self.id_prefix)
        if self.sim_number:
            payload["simNumber"] = self.sim_number
        resp = self._reach("POST", "/message", json=payload, ambiguous=True)
        if resp.status_code == 409 and ref:  # an earlier try already queued this very message
            return Sent(payload["id"], ALREADY_QUEUED(id=payload["id"]))
        if not 200 <= resp.status_code < 300:
            raise self.error_from(resp)
        body: Any = json_body(resp) or {}
        mid = body.get("id") if isinstance(body.get("id"), str) else payload.get("id")
        for r in body.get("recipients") or []:
            if isinstance(r, dict) and r.get("state") == "Failed":
                raise self.clean(Transient(NOT_SENT(error=str(r.get("error") or "") or NO_REASON())))
        state = str(body.get("state") or "Pending")
        return Sent(mid, self.redact(QUEUED(id=mid or "?", state=state)))

    # -- delivery reports: GET /message/{id}, one message per request

    receipt_batch = 1
    receipt_rate = 1.0  # a phone on the local network; the project documents no limit. One a second, as Twilio

    def fetch_receipts(self, ids: Sequence[str]) -> dict[str, Receipt]:
        out: dict[str, Receipt] = {}
        for mid in ids:
            resp = self._reach("GET", f"/message/{quote(mid, safe='')}")
            if resp.status_code == 404:  # not known (any more): no news; the window decides
                out[mid] = Receipt("pending", "not found")
                continue
            if not 200 <= resp.status_code < 300:
                raise self.error_from(resp)
            body: Any = json_body(resp) or {}
            states = [r for r in body.get("recipients") or [] if isinstance(r, dict)]
            state = str((states[0].get("state") if states else None) or body.get("state") or "")
            if state == "Delivered":
                out[mid] = Receipt("confirmed", DELIVERED(id=mid))
            elif state == "Failed":
                # The error text comes from Android, with no stable code list (reference):
                # transient, so a later round may try SMS again.
                error = next((str(r.get("error")) for r in states if r.get("error")), None) or NO_REASON()
                out[mid] = Receipt("undelivered", self.redact(NOT_DELIVERED(id=mid, error=error)),
                                   "transient")
            elif state == "Cancelled":
                out[mid] = Receipt("undelivered", CANCELLED(id=mid), "permanent")
            else:
                out[mid] = Receipt("pending", state)
        return out

    def check(self) -> CheckResult:
        """``/health`` (no auth), then ``/`` with Basic auth (cloud: ``/devices``)."""
        try:
            health = self._reach("GET", "/health")
            if health.status_code >= 500:
                hb = json_body(health) or {}
                return CheckResult(False, self.redact(f"the gateway answers but reports a failure "
                                                      f"(HTTP {health.status_code}, status {hb.get('status', '?')})"))
            who = self._reach("GET", "/")
            if who.status_code == 404:  # the cloud relay has no "/" route; it lists devices
                who = self._reach("GET", "/devices")
            if who.status_code != 200:
                return check_failure(self.error_from(who))
        except DeliveryError as exc:
            return check_failure(exc)
        try:
            data: Any = who.json()
        except ValueError:
            data = None
        if isinstance(data, list):
            names = ", ".join(str(d.get("name") or d.get("id")) for d in data if isinstance(d, dict)) or "none"
            return CheckResult(bool(data), self.redact(f"credentials accepted; devices: {names}"))
        model = str(data.get("model") or "unknown model") if isinstance(data, dict) else "unknown model"
        version = (json_body(health) or {}).get("version")
        app = f", app {version}" if version else ""
        return CheckResult(True, self.redact(f"the phone ({model}{app}) answers and accepts the credentials"))


def require_settings(base_url: str, username: str) -> None:
    if not base_url:
        raise ProviderConfigError(NEEDS_ADDRESS())
    if not username:
        raise ProviderConfigError(NEEDS_USER())


def build(settings: Settings, secrets: CredentialStore) -> AndroidGatewayProvider:
    """From ANDROID_SMS_URL, ANDROID_SMS_USER, ANDROID_SMS_SIM and the password secret."""
    require_settings(settings.android_sms_url, settings.android_sms_user)
    password = secret(secrets, SECRET, SECRET_ENV, "the Android SMS gateway password")
    secrets.redactor.add(password)
    return AndroidGatewayProvider(settings.android_sms_url, settings.android_sms_user, password, secrets.redactor,
                                  timeout=settings.sms_timeout, sim_number=settings.android_sms_sim)
