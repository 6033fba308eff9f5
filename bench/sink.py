"""The benchmarks' SMTP sink: a lean aiosmtpd server in a process of its own.

It runs in its own process so it never shares a GIL (or a core's time slice, as far as the
OS allows) with whatever is being measured, and it does as little as possible per message:
count it, and pull the id header (``X-Notifier-Notification-Id`` from the program,
``X-Bench-Id`` from the baselines) out of the raw bytes with one regex over the header
block — no email parsing. uvloop is used when it is installed.

Two SMTP listeners on 127.0.0.1 (ports chosen by the OS):

* ``tls``: STARTTLS required (certificate from the bench's trustme CA) and AUTH LOGIN/PLAIN
  required after it (user/password given on the command line) — what a real operator has;
* ``plain``: no TLS, no AUTH (an internal relay).

A line-based control port (also 127.0.0.1) serves the harness:

    RESET                 -> forget everything counted so far, answer OK
    STATS                 -> one JSON line (count, distinct ids, duplicates, first/last arrival
                             on time.monotonic(), which is one clock system-wide on Linux, CPU)
    WAIT <n> <timeout>    -> the STATS line as soon as <n> messages were counted (or at timeout)
    QUIT                  -> stop the process

On start it prints one line ``READY <tls_port> <plain_port> <control_port>`` on stdout.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import ssl
import sys
import time
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

ID_HEADER = re.compile(rb"^X-(?:Notifier-Notification|Bench)-Id:[ \t]*([^\r\n]+)", re.M | re.I)


class Sink:
    """The aiosmtpd handler: counts messages and their ids; nothing else."""

    def __init__(self) -> None:
        self.waiters: list[tuple[int, asyncio.Future[None]]] = []
        self.reset()

    def reset(self) -> None:
        self.count = 0
        self.ids: dict[bytes, int] = {}
        self.duplicates = 0
        self.without_id = 0
        self.first: float | None = None
        self.last: float | None = None
        self.logins = 0
        self.failed_logins = 0
        self.connections = 0
        self.cpu0 = os.times()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content: bytes = envelope.original_content or envelope.content
        end = content.find(b"\r\n\r\n")
        m = ID_HEADER.search(content, 0, end if end >= 0 else len(content))
        now = time.monotonic()
        if self.first is None:
            self.first = now
        self.last = now
        self.count += 1
        if m is None:
            self.without_id += 1
        else:
            key = m.group(1).strip()
            seen = self.ids.get(key, 0)
            if seen:
                self.duplicates += 1
            self.ids[key] = seen + 1
        if self.waiters:
            self._wake()
        return "250 OK"

    def _wake(self) -> None:
        keep = []
        for n, fut in self.waiters:
            if self.count >= n:
                if not fut.done():
                    fut.set_result(None)
            else:
                keep.append((n, fut))
        self.waiters = keep

    def stats(self) -> dict[str, Any]:
        t = os.times()
        return {
            "count": self.count,
            "distinct": len(self.ids),
            "duplicates": self.duplicates,
            "without_id": self.without_id,
            "first": self.first,
            "last": self.last,
            "logins": self.logins,
            "failed_logins": self.failed_logins,
            "connections": self.connections,
            "cpu_s": (t.user - self.cpu0.user) + (t.system - self.cpu0.system),
            "now": time.monotonic(),
        }


class CountingSMTP(SMTP):
    """aiosmtpd's SMTP protocol, counting connections (one instance per TCP connection;
    ``connection_made`` runs again after STARTTLS, ``__init__`` does not)."""

    sink: Sink

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.sink.connections += 1
        super().__init__(*args, **kwargs)


async def main_async(a: argparse.Namespace) -> None:
    loop = asyncio.get_running_loop()
    sink = Sink()
    CountingSMTP.sink = sink

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        if isinstance(auth_data, LoginPassword) and auth_data.login.decode() == a.user \
                and auth_data.password.decode() == a.password:
            sink.logins += 1
            return AuthResult(success=True)
        sink.failed_logins += 1
        return AuthResult(success=False, handled=False)

    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(a.cert, a.key)
    common = {"hostname": "mx.bench.test", "ident": "bench-sink", "loop": loop}

    def tls_factory() -> SMTP:
        return CountingSMTP(sink, tls_context=ctx, require_starttls=True, authenticator=authenticator,
                            auth_required=True, auth_require_tls=True, **common)

    def plain_factory() -> SMTP:
        return CountingSMTP(sink, **common)

    tls_server = await loop.create_server(tls_factory, "127.0.0.1", 0, backlog=256)
    plain_server = await loop.create_server(plain_factory, "127.0.0.1", 0, backlog=256)
    stop = loop.create_future()

    async def control(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                cmd, *args = line.decode().split()
                if cmd == "RESET":
                    sink.reset()
                    reply = "OK"
                elif cmd == "STATS":
                    reply = json.dumps(sink.stats())
                elif cmd == "WAIT":
                    n, timeout = int(args[0]), float(args[1])
                    if sink.count < n:
                        fut = loop.create_future()
                        sink.waiters.append((n, fut))
                        try:
                            await asyncio.wait_for(fut, timeout)
                        except asyncio.TimeoutError:
                            pass
                    reply = json.dumps(sink.stats())
                elif cmd == "QUIT":
                    writer.write(b"OK\n")
                    await writer.drain()
                    if not stop.done():
                        stop.set_result(None)
                    break
                else:
                    reply = "ERR unknown command"
                writer.write(reply.encode() + b"\n")
                await writer.drain()
        finally:
            writer.close()

    ctl_server = await asyncio.start_server(control, "127.0.0.1", 0)
    ports = [s.sockets[0].getsockname()[1] for s in (tls_server, plain_server, ctl_server)]
    print("READY " + " ".join(map(str, ports)), flush=True)
    await stop
    for s in (tls_server, plain_server, ctl_server):
        s.close()


def main() -> None:
    # aiosmtpd logs a deprecation warning on every successful AUTH (its own use of
    # Session.login_data): per-message work a lean sink must not do.
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cert", required=True, help="server certificate chain (PEM)")
    p.add_argument("--key", required=True, help="server private key (PEM)")
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--no-uvloop", action="store_true")
    a = p.parse_args()
    runner = asyncio.run
    if not a.no_uvloop:
        try:
            import uvloop

            runner = uvloop.run
        except ImportError:
            pass
    try:
        runner(main_async(a))
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
