"""A real SMTP server on loopback (aiosmtpd) with STARTTLS from a trustme CA and AUTH.

Failures are scripted per address or per phase, the way reference/smtp.md describes real
servers answering: ``rcpt_replies["x@y"] = "550 5.1.1 No such user"``, ``data_replies``
(a list consumed in order), ``hang_on_data`` (accept the connection, never answer),
``command_delay`` (answer EHLO, MAIL, RCPT and DATA only after that many seconds each: a slow
server that is still inside the client's timeout).
Received messages are kept as parsed ``EmailMessage`` objects.

Run as a program (``python -m tests.servers.smtp --port N --ca-file F``) it serves in the
foreground for tests that need the server outside the pytest process.
"""
from __future__ import annotations

import argparse
import asyncio
import email
import email.policy
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as AioSMTP
from aiosmtpd.smtp import AuthResult, LoginPassword

USER = "operator@example.org"
PASSWORD = "s3cret-Pa55-word-for-tests"


def free_port() -> int:
    """A port nothing listens on now: the OS picks one, which is released at once (for servers
    that cannot be given port 0, and for a port where a connection is refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Script:
    rcpt_replies: dict[str, str] = field(default_factory=dict)
    data_replies: list[str] = field(default_factory=list)
    auth_reply: str | None = None  # e.g. "534 5.7.9 Application-specific password required"
    hang_on_data: bool = False
    data_delay: float = 0.0
    command_delay: float = 0.0
    dsn: bool = False  # offer DSN (RFC 3461): accept RET/ENVID on MAIL and NOTIFY/ORCPT on RCPT


class Handler:
    def __init__(self, script: Script) -> None:
        self.script = script
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.options: list[tuple[list[str], list[str]]] = []  # (MAIL options, RCPT options) per message
        self.queue_ids: list[str] = []
        self.raw: list[bytes] = []
        self.lock = threading.Lock()
        self.received = threading.Condition(self.lock)
        self.connections = 0  # accepted connections (refused ones are in ``refusals``)
        self.active = 0
        self.max_active = 0
        self.refusals = 0
        self.closed = 0
        self.idle_drops = 0
        self.logins: list[str] = []
        self.mechanisms: list[str] = []

    async def _slow(self) -> None:
        if self.script.command_delay:
            await asyncio.sleep(self.script.command_delay)

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str, mail_options: Any) -> str:
        await self._slow()
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        await self._slow()
        reply = self.script.rcpt_replies.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await self._slow()
        if self.script.hang_on_data:
            await asyncio.sleep(3600)
        if self.script.data_delay:
            await asyncio.sleep(self.script.data_delay)
        with self.lock:
            if self.script.data_replies:
                return self.script.data_replies.pop(0)
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.received:
            self.messages.append(msg)  # type: ignore[arg-type]
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.options.append((list(envelope.mail_options), list(envelope.rcpt_options)))
            self.queue_ids.append(f"4F{len(self.messages):06X}")
            self.raw.append(envelope.original_content or envelope.content)
            self.received.notify_all()
            return f"250 2.0.0 Ok: queued as {self.queue_ids[-1]}"  # as Postfix answers

    async def handle_EHLO(self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]) -> list[str]:
        await self._slow()
        session.host_name = hostname
        if self.script.dsn:
            responses.insert(len(responses) - 1, "250-DSN")  # before the last line, "250 HELP"
        return responses

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        with self.received:
            return self.received.wait_for(lambda: len(self.messages) >= count, timeout)

    def wait_idle_drops(self, count: int, timeout: float = 10.0) -> bool:
        """Until the server has dropped ``count`` idle connections."""
        with self.received:
            return self.received.wait_for(lambda: self.idle_drops >= count, timeout)


class _LimitedSMTP(AioSMTP):
    """aiosmtpd's SMTP with a per-client connection limit, as Postfix's
    ``smtpd_client_connection_count_limit``: over the limit, "421 4.7.0 Too many
    connections" at once, then the connection is closed."""

    def __init__(self, handler: Handler, limit: int | None, **kw: Any) -> None:
        super().__init__(handler, **kw)
        self._limit = limit
        self._counted = False
        self._refused = False

    def _getparams(self, params: Any) -> Any:
        """aiosmtpd answers 555 to any MAIL/RCPT parameter it does not know, as a server
        without DSN does; with ``Script.dsn`` the DSN ones (RFC 3461) are taken."""
        result = super()._getparams(params)
        if result is not None and self.event_handler.script.dsn:
            for name in ("RET", "ENVID", "NOTIFY", "ORCPT"):
                result.pop(name, None)
        return result

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        h: Handler = self.event_handler
        if self.transport is None and not self._counted:  # the TCP connection (not the STARTTLS upgrade)
            with h.lock:
                refuse = self._limit is not None and h.active >= self._limit
                if refuse:
                    h.refusals += 1
                else:
                    h.active += 1
                    h.connections += 1
                    h.max_active = max(h.max_active, h.active)
            if refuse:
                self._refused = True
                transport.write(b"421 4.7.0 mx.test Error: too many connections from 127.0.0.1\r\n")  # type: ignore[attr-defined]
                transport.close()
                return
            self._counted = True
        super().connection_made(transport)

    def connection_lost(self, error: Exception | None) -> None:
        if self._refused:
            return
        h: Handler = self.event_handler
        if self._counted:
            self._counted = False
            with h.received:
                h.active -= 1
                h.closed += 1
                h.received.notify_all()
        super().connection_lost(error)

    def _timeout_cb(self) -> None:  # the idle timeout: the server drops the connection
        h: Handler = self.event_handler
        with h.received:
            h.idle_drops += 1
            h.received.notify_all()
        super()._timeout_cb()

    def eof_received(self) -> bool | None:
        if self._refused:
            return False
        return super().eof_received()


class _Controller(Controller):
    def __init__(self, handler: Handler, limit: int | None, **kw: Any) -> None:
        self._limit = limit
        super().__init__(handler, **kw)

    def factory(self) -> AioSMTP:
        return _LimitedSMTP(self.handler, self._limit, **self.SMTP_kwargs)

    def _create_server(self) -> Any:
        """Listens on the port the OS picks for port 0, and learns which it is: aiosmtpd passes
        the port on as given and never reads it back (aio-libs/aiosmtpd#388). A port chosen
        beforehand and released could be taken by another process before the server binds it."""
        async def create() -> asyncio.AbstractServer:
            server = await super(_Controller, self)._create_server()
            self.port = int(server.sockets[0].getsockname()[1])
            return server

        return create()


class SMTPServer:
    def __init__(self, ca: trustme.CA, tls: str = "starttls", auth: bool = True, script: Script | None = None,
                 port: int | None = None, max_connections: int | None = None, idle_timeout: float | None = None,
                 smtputf8: bool = True) -> None:
        """``max_connections``: per-client limit (421 over it); ``idle_timeout``: seconds after
        which an idle connection is dropped without a word; ``smtputf8``: offer SMTPUTF8."""
        self.ca = ca
        self.script = script or Script()
        self.handler = Handler(self.script)
        self.port = port or 0  # 0: the OS picks one as the server starts (start() sets it)
        self.host = "localhost"
        cert = ca.issue_cert("localhost", "127.0.0.1")
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(ctx)
        kwargs: dict[str, Any] = {
            "hostname": "127.0.0.1",
            "port": self.port,
            "server_hostname": "mx.test",
            "ready_timeout": 10,
            "enable_SMTPUTF8": smtputf8,
        }
        if idle_timeout is not None:
            kwargs["timeout"] = idle_timeout
        if tls == "starttls":
            kwargs.update(tls_context=ctx, require_starttls=True)
        elif tls == "implicit":
            kwargs.update(ssl_context=ctx)
        if auth:
            kwargs.update(authenticator=self._auth, auth_required=True, auth_require_tls=(tls == "starttls"))
        self.controller = _Controller(self.handler, max_connections, **kwargs)

    def _auth(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        if self.script.auth_reply:
            return AuthResult(success=False, handled=False, message=self.script.auth_reply)
        self.handler.mechanisms.append(mechanism)
        if isinstance(auth_data, LoginPassword):
            user = auth_data.login.decode()
            self.handler.logins.append(user)
            if user == USER and auth_data.password.decode() == PASSWORD:
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    def start(self) -> SMTPServer:
        self.controller.start()
        self.port = self.controller.port
        # Controller.start() makes a connection of its own to see the server is up: wait for
        # it to end, then count only the client's connections.
        h = self.handler
        with h.received:
            h.received.wait_for(lambda: h.closed >= 1 and h.active == 0, 10)
            h.connections = h.closed = h.max_active = 0
        return self

    def stop(self) -> None:
        self.controller.stop()

    def __enter__(self) -> SMTPServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages


@contextmanager
def running(ca: trustme.CA, **kw: Any) -> Iterator[SMTPServer]:
    server = SMTPServer(ca, **kw).start()
    try:
        yield server
    finally:
        server.stop()


class HangingServer:
    """Accepts TCP connections and never says anything (a stuck server, or plain SMTP to 465)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = int(self.sock.getsockname()[1])
        self.accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self) -> None:
        self.sock.close()
        for c in self.accepted:
            c.close()


def main() -> None:
    """Serve in the foreground; write received notification ids, one per line, to --record."""
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--ca-dir", required=True, help="folder for ca.pem and the CA key")
    p.add_argument("--record", required=True)
    p.add_argument("--delay", type=float, default=0.0)
    p.add_argument("--command-delay", type=float, default=0.0, help="seconds before each EHLO/MAIL/RCPT/DATA reply")
    a = p.parse_args()
    ca = trustme.CA()
    Path(a.ca_dir).mkdir(parents=True, exist_ok=True)
    ca.cert_pem.write_to_path(str(Path(a.ca_dir) / "ca.pem"))
    record = open(a.record, "a", buffering=1, encoding="utf-8")
    server = SMTPServer(ca, script=Script(data_delay=a.delay, command_delay=a.command_delay), port=a.port)

    original = server.handler.handle_DATA

    async def recording(srv: Any, session: Any, envelope: Any) -> str:
        reply = await original(srv, session, envelope)
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        record.write(f"{msg['X-Notifier-Notification-Id']}\n")
        return reply

    server.handler.handle_DATA = recording  # type: ignore[method-assign]
    server.start()
    (Path(a.ca_dir) / "ready").write_text(str(a.port))
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
