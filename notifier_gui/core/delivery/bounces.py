"""Email bounces: the only delivery report email has (issue #17 item 4).

:func:`parse_bounce` reads one message from the bounce mailbox. It is a bounce when
Mailman's detector (``flufl.bounce``: DSNs and the formats of common MTAs) finds failed
recipients, or when it holds an RFC 3464 ``message/delivery-status`` part with a failed or
delayed recipient. The class comes from the RFC 3464 ``Status`` (5.x.x: permanent, 4.x.x:
transient), else from the detector (permanent or temporary failures). The email it reports
on is found by the keys our Message-IDs carry (``notifier.N.R``, see
:func:`~.channels.email.new_message_id`): the DSN's ``Original-Envelope-Id`` (our ENVID),
the returned headers' ``Message-ID`` (``text/rfc822-headers`` or ``message/rfc822``), else
the key anywhere in the text (MTAs that quote the message in plain text).

:class:`BounceMailbox` reads the IMAP folder (implicit TLS, the certificate verified) for
messages not processed yet and marks the processed ones with the keyword
``$NotifierProcessed`` and ``\\Seen``; it never deletes or moves anything. Messages that are
not ours (other mail, bounces of other senders) are looked at once per run and left as
they are.
"""
from __future__ import annotations

import email
import email.message
import email.parser
import email.policy
import imaplib
import logging
import re
import socket
import ssl
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ..messages import Template
from .channels.base import FailureClass, MailReport, Receipt
from .errors import DeliveryError, Transient, Unavailable

log = logging.getLogger("notifier.bounces")

KEYWORD = "$NotifierProcessed"
KEY = re.compile(r"notifier\.\d+\.[0-9a-f]{16}")  # the left part of our Message-IDs (the ENVID)
FETCH_BATCH = 50  # messages per FETCH
READ_MOST = 500  # messages looked at per read; the rest the next time


# -- messages: what a bounce and the bounce mailbox say (core/messages.py)
BOUNCED = Template("bounce.report", "bounced: {report}")
BOUNCED_HARD = Template("bounce.hard", "bounced (hard): {addresses}")
BOUNCED_SOFT = Template("bounce.soft", "bounced (soft): {addresses}")
NO_LOGIN = Template("imap.no_login", "the bounce mailbox needs IMAP_USER and its password (secret imap_password)")
UNTRUSTED = Template("imap.untrusted", "the IMAP server's certificate is not trusted: {error}")
NO_TLS = Template("imap.no_tls", "cannot connect to {address} over TLS: {error}")
LOGIN_REFUSED = Template("imap.login_refused", "the IMAP server refused the login for {user}: {said}")
DROPPED = Template("imap.dropped", "the IMAP server dropped the connection while logging in: {error}")
NO_FOLDER = Template("imap.no_folder", "the IMAP folder {folder} cannot be opened (check IMAP_FOLDER)")
FOLDER_LATER = Template("imap.folder_later", "the IMAP folder {folder} cannot be read now: {error}")
READ_LATER = Template("imap.read_later", "the IMAP folder cannot be read now: {error}")
NO_SEARCH = Template("imap.no_search", "the IMAP server did not search the folder: {said}")
NO_FETCH = Template("imap.no_fetch", "the IMAP server did not return the messages: {said}")
NO_MARK = Template("imap.no_mark", "the IMAP server did not mark the bounces: {said}")
MARK_LATER = Template("imap.mark_later", "the bounces could not be marked now: {error}")


@dataclass(frozen=True)
class Bounce:
    """What a bounce says: which of our emails (``keys``), and that it was not delivered."""

    keys: frozenset[str]
    receipt: Receipt


def key_of(message_id: str) -> str:
    """The matching key of one of our Message-IDs (``<notifier.N.R@domain>`` -> ``notifier.N.R``)."""
    m = KEY.search(message_id)
    return m.group(0) if m else message_id.strip().strip("<>")


def notification_of(key: str) -> int | None:
    """The notification a matching key names (``notifier.N.R`` -> N), or None."""
    m = KEY.fullmatch(key)
    return int(key.split(".")[1]) if m else None


def _xtext_decode(value: str) -> str:
    return re.sub(r"\+([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), value)


def _one_line(value: object) -> str:
    return " ".join(str(value or "").split())


def _status_class(status: str) -> FailureClass | None:
    code = status.strip().split(" ")[0]
    if re.fullmatch(r"[45]\.\d{1,3}\.\d{1,3}", code):
        return "permanent" if code[0] == "5" else "transient"
    return None


def _returned_keys(msg: email.message.Message) -> tuple[set[str], list[tuple[str, str, str, str]]]:
    """Keys from the RFC 3464 parts, and each failed/delayed recipient as
    (recipient, action, status, diagnostic)."""
    keys: set[str] = set()
    recipients: list[tuple[str, str, str, str]] = []
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype == "message/delivery-status":
            payload = part.get_payload()
            blocks = [b for b in payload if isinstance(b, email.message.Message)] if isinstance(payload, list) else []
            if not blocks:
                continue
            envid = blocks[0].get("Original-Envelope-Id")
            if envid:
                for value in (str(envid), _xtext_decode(str(envid))):
                    keys.update(KEY.findall(value))
            for block in blocks[1:]:
                action = _one_line(block.get("Action")).lower()
                if action not in ("failed", "delayed"):
                    continue  # delivered, relayed, expanded: not a failure
                rcpt = _one_line(block.get("Final-Recipient") or block.get("Original-Recipient"))
                recipients.append((rcpt.partition(";")[2].strip() or rcpt, action,
                                   _one_line(block.get("Status")), _one_line(block.get("Diagnostic-Code"))))
        elif ctype == "text/rfc822-headers":
            payload = part.get_payload(decode=True)
            text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else str(part.get_payload())
            headers = email.parser.HeaderParser().parsestr(text)
            keys.update(KEY.findall(str(headers.get("Message-ID", ""))))
        elif ctype == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], email.message.Message):
                keys.update(KEY.findall(str(inner[0].get("Message-ID", ""))))
    return keys, recipients


def _text(msg: email.message.Message) -> str:
    """Every text part, decoded: where a plain-text bounce quotes the original headers."""
    out: list[str] = []
    for part in msg.walk():
        if part.get_content_maintype() in ("text", "message") and not part.is_multipart():
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                out.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
            else:
                text = part.get_payload()
                if isinstance(text, str):
                    out.append(text)
    return "\n".join(out)


def parse_bounce(raw: bytes) -> Bounce | None:
    """The bounce in ``raw`` that reports on one of our emails, or None (not a bounce, or
    not about a message of ours)."""
    from flufl.bounce import all_failures

    msg = email.message_from_bytes(raw)  # compat32: what flufl.bounce's detectors expect
    try:
        temporary, permanent = all_failures(msg)
    except Exception:  # a detector tripping over a malformed message: it is then no bounce it knows
        log.debug("the bounce detector failed on a message", exc_info=True)
        temporary, permanent = frozenset(), frozenset()
    keys, recipients = _returned_keys(msg)
    if not recipients and not temporary and not permanent:
        return None
    if not keys:
        keys = set(KEY.findall(_text(msg)))
    if not keys:
        return None
    if recipients:
        classes = [_status_class(status) for _, _, status, _ in recipients]
        if "permanent" in classes:
            cls: FailureClass = "permanent"
        elif "transient" in classes:
            cls = "transient"
        else:
            cls = "permanent" if any(a == "failed" for _, a, _, _ in recipients) and permanent else "transient"
        parts = []
        for rcpt, action, status, diagnostic in recipients:
            text = f"{rcpt}: {action}"
            if status:
                text += f", {status}"
            if diagnostic:
                text += f" ({diagnostic})"
            parts.append(text)
        detail = BOUNCED(report=_cut("; ".join(parts), 500 - len("bounced: ")))
    else:
        cls = "permanent" if permanent else "transient"
        who = _cut(", ".join(sorted(a.decode("utf-8", "replace") for a in (permanent or temporary))), 480)
        detail = BOUNCED_HARD(addresses=who) if permanent else BOUNCED_SOFT(addresses=who)
    return Bounce(frozenset(keys), Receipt("undelivered", detail, cls))


class BounceMailbox:
    """The bounce folder over IMAP with implicit TLS (``IMAP_HOST``, ``IMAP_PORT``, ``IMAP_USER``,
    secret ``imap_password``, ``IMAP_FOLDER``). One per thread; a connection is opened for a
    read and kept until :meth:`close` or a failure."""

    def __init__(self, host: str, port: int, user: str, folder: str, password: Callable[[], str | None],
                 redact: Callable[[str], str], timeout: float = 30.0,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        self.host, self.port, self.user, self.folder = host, port, user, folder
        self._password = password
        self._redact = redact
        self.timeout = timeout
        self._ctx = ssl_context
        self._conn: imaplib.IMAP4_SSL | None = None
        self._keywords = True  # the folder keeps our keyword (else \Seen alone marks)
        self._validity: bytes | None = None
        self._looked: set[int] = set()  # UIDs already read this run (ours were marked; others are left)
        self.reads = 0

    # -- connection ----------------------------------------------------------------------
    def _connect(self) -> imaplib.IMAP4_SSL:
        if self._conn is not None:
            return self._conn
        password = self._password()
        if not self.user or not password:
            raise Unavailable(NO_LOGIN())
        ctx = self._ctx or ssl.create_default_context()
        try:
            conn = imaplib.IMAP4_SSL(self.host, self.port, ssl_context=ctx, timeout=self.timeout)
        except ssl.SSLCertVerificationError as exc:
            raise Unavailable(UNTRUSTED(error=str(exc.verify_message))) from None
        except (OSError, imaplib.IMAP4.error) as exc:
            raise Transient(self._redact(NO_TLS(address=f"{self.host}:{self.port}", error=str(exc)))) from None
        try:
            conn.login(self.user, password)
        except imaplib.IMAP4.error as exc:
            _logout(conn)
            raise Unavailable(self._redact(LOGIN_REFUSED(user=self.user, said=_text_of(exc)))) from None
        except OSError as exc:
            _logout(conn)
            raise Transient(self._redact(DROPPED(error=str(exc)))) from None
        try:
            typ, _ = conn.select(_quoted(self.folder))
            if typ != "OK":
                raise Unavailable(NO_FOLDER(folder=self.folder))
            flags = b" ".join(x for x in (conn.untagged_responses.get("PERMANENTFLAGS") or []) if isinstance(x, bytes))
            self._keywords = b"\\*" in flags or KEYWORD.encode() in flags
            validity_list = conn.untagged_responses.get("UIDVALIDITY") or []
            validity = validity_list[0] if validity_list and isinstance(validity_list[0], bytes) else None
        except (OSError, imaplib.IMAP4.error) as exc:
            _logout(conn)
            raise Transient(self._redact(FOLDER_LATER(folder=self.folder, error=str(exc)))) from None
        except DeliveryError:
            _logout(conn)
            raise
        if validity != self._validity:  # another folder's UIDs: look at everything again
            self._validity, self._looked = validity, set()
        self._conn = conn
        return conn

    def close(self) -> None:
        if self._conn is not None:
            _logout(self._conn)
            self._conn = None

    def check(self) -> int:
        """Connect, log in, open the folder (the connection test): how many messages it holds.
        Raises DeliveryError."""
        try:
            conn = self._connect()
            typ, data = conn.uid("SEARCH", "ALL")
            count = len(data[0].split()) if typ == "OK" and data and data[0] else 0
        except (OSError, imaplib.IMAP4.error) as exc:
            self.close()
            raise Transient(self._redact(READ_LATER(error=str(exc)))) from None
        finally:
            self.close()
        return count

    # -- reading ---------------------------------------------------------------------------
    def read(self) -> list[MailReport]:
        """Bounces about our emails among the messages not marked yet. Raises DeliveryError."""
        reused = self._conn is not None
        try:
            return self._read()
        except Transient:
            if not reused:
                raise
            return self._read()  # the server dropped the idle connection: once more on a new one

    def _read(self) -> list[MailReport]:
        conn = self._connect()
        self.reads += 1
        try:
            conn.noop()  # lets the server tell about new messages in the selected folder
            criteria = ("UNKEYWORD", KEYWORD) if self._keywords else ("UNSEEN",)
            typ, data = conn.uid("SEARCH", *criteria)
            if typ != "OK":
                raise Transient(NO_SEARCH(said=_text_of(data)))
            # the newest first: after a restart, new bounces are not kept waiting behind old mail
            uids = sorted((int(u) for u in (data[0] or b"").split() if int(u) not in self._looked),
                          reverse=True)[:READ_MOST]
            reports: list[MailReport] = []
            for start in range(0, len(uids), FETCH_BATCH):
                batch = uids[start:start + FETCH_BATCH]
                typ, data = conn.uid("FETCH", ",".join(map(str, batch)), "(UID BODY.PEEK[])")
                if typ != "OK":
                    raise Transient(NO_FETCH(said=_text_of(data)))
                for uid, raw in _fetched(data):
                    self._looked.add(uid)
                    try:
                        bounce = parse_bounce(raw)
                    except Exception:  # one odd message must not stop the others
                        log.warning("message UID %d in the bounce folder could not be read as a bounce", uid,
                                    exc_info=True)
                        continue
                    if bounce is not None:
                        reports.append(MailReport(str(uid), bounce.keys, bounce.receipt))
                self._looked.update(batch)
            return reports
        except (OSError, imaplib.IMAP4.error) as exc:
            self.close()
            raise Transient(self._redact(READ_LATER(error=str(exc)))) from None

    def mark(self, tokens: Iterable[str]) -> None:
        """Mark processed bounces (never deleted). Raises DeliveryError."""
        uids = sorted({int(t) for t in tokens})
        if not uids:
            return
        conn = self._connect()
        flags = f"({KEYWORD} \\Seen)" if self._keywords else "(\\Seen)"
        try:
            for start in range(0, len(uids), FETCH_BATCH):
                typ, data = conn.uid("STORE", ",".join(map(str, uids[start:start + FETCH_BATCH])), "+FLAGS.SILENT", flags)
                if typ != "OK":
                    raise Transient(NO_MARK(said=_text_of(data)))
        except (OSError, imaplib.IMAP4.error) as exc:
            self.close()
            raise Transient(self._redact(MARK_LATER(error=str(exc)))) from None


def _fetched(data: Sequence[object]) -> list[tuple[int, bytes]]:
    out: list[tuple[int, bytes]] = []
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            m = re.search(rb"UID (\d+)", item[0] if isinstance(item[0], bytes) else b"")
            if m:
                out.append((int(m.group(1)), item[1]))
    return out


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _cut(text: str, most: int) -> str:
    """``text`` cut to ``most`` characters (a bounce may name hundreds of addresses)."""
    return text if len(text) <= most else text[:most - 3] + "..."


def _text_of(value: object) -> str:
    if isinstance(value, BaseException):
        value = value.args[0] if value.args else str(value)
    if isinstance(value, list):
        value = b" ".join(v for v in value if isinstance(v, bytes))
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return _one_line(value)


def _logout(conn: imaplib.IMAP4) -> None:
    try:
        conn.logout()
    except (OSError, imaplib.IMAP4.error, socket.timeout):
        try:
            conn.shutdown()
        except OSError:
            pass
