"""HTTP load for the `api` section: N keep-alive connections, closed or open loop.

    python bench/api_load.py '{"port": 8000, "clients": 50, "seconds": 10, "rate": 0, ...}'

rate 0: closed loop (each connection sends its next request as soon as the answer came):
the throughput. rate > 0: open loop at that many requests per second in total, each
latency measured from the request's *scheduled* time (no coordinated omission). A server
that closes the connection after each answer (gunicorn's sync workers) is reconnected.
Prints one ``RESULT {json}`` line.
"""
from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

from common import emit


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length, close = 0, False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value.strip())
        elif name == "connection" and value.strip().lower() == "close":
            close = True
    if length:
        await reader.readexactly(length)
    return status, close


async def run(cfg: dict[str, Any]) -> dict[str, Any]:
    port, clients, seconds, rate = cfg["port"], cfg["clients"], cfg["seconds"], cfg.get("rate", 0)
    body = json.dumps(cfg["body"]).encode()
    headers = "".join(f"{k}: {v}\r\n" for k, v in cfg.get("headers", {}).items())
    request = (f"POST {cfg['path']} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
               f"{headers}Content-Length: {len(body)}\r\n\r\n").encode() + body
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors: dict[str, int] = {}
    reconnects = 0
    start = time.perf_counter() + 0.2
    end = start + seconds
    # Open loop: a server slower than the rate falls ever further behind; stop sending at
    # this point and count what was never sent (the rate was not sustained).
    give_up = end + max(5.0, seconds / 2)
    unsent = 0

    def nonlocal_unsent(n: int) -> None:
        nonlocal unsent
        unsent += n

    async def client(i: int) -> None:
        nonlocal reconnects
        reader = writer = None
        k = 0
        while True:
            if rate:
                due = start + (k * clients + i) / rate
                k += 1
                if due >= end:
                    break
                now = time.perf_counter()
                if now > give_up:
                    nonlocal_unsent(1)
                    continue
                if due - now > 0:
                    await asyncio.sleep(due - now)
            else:
                due = time.perf_counter()
                if due >= end:
                    break
                if due < start:
                    await asyncio.sleep(start - due)
                    due = start
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    reconnects += 1
                writer.write(request)
                status, close = await _read_response(reader)  # type: ignore[arg-type]
            except (OSError, asyncio.IncompleteReadError) as exc:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                if writer is not None:
                    writer.close()
                writer = None
                continue
            latencies.append(time.perf_counter() - due)
            statuses[status] = statuses.get(status, 0) + 1
            if close:
                writer.close()
                writer = None
        if writer is not None:
            writer.close()

    await asyncio.gather(*(client(i) for i in range(clients)))
    took = max(time.perf_counter(), end) - start if rate else time.perf_counter() - start
    latencies.sort()

    def pct(p: float) -> float | None:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else None

    ok = statuses.get(cfg.get("expect", 201), 0)
    return {"ok": True, "requests": len(latencies), "ok_answers": ok, "statuses": statuses, "errors": errors,
            "seconds": took, "per_s": ok / took if took else 0, "p50_ms": pct(0.50), "p99_ms": pct(0.99),
            "max_ms": latencies[-1] * 1000 if latencies else None, "connections_opened": reconnects,
            "unsent": unsent, "rate_sustained": unsent == 0 if rate else None}


if __name__ == "__main__":
    emit(asyncio.run(run(json.loads(sys.argv[1]))))
