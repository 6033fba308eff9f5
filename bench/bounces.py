#!/usr/bin/env python3
"""What one look into the bounce mailbox costs, and what it grows with: a real Dovecot
(tests/servers/dovecot.py, TLS from a test CA) holding N bounces the program already
processed (flagged ``$NotifierProcessed \\Seen``, as a year of them would be) and M new
ones (RFC 3464 DSNs about our emails).

One program poll is what the poller does per look: ``BounceMailbox.read()`` (NOOP, ``UID
SEARCH UNKEYWORD $NotifierProcessed``, ``UID FETCH`` of the new ones in batches of 50,
parsing each with flufl.bounce and the RFC 3464 status) and ``mark()`` of what it found.
The baseline, in the same run on the same mailbox and the same M new messages: plain
imaplib on an open connection, ``UID SEARCH UNSEEN`` + ``UID FETCH BODY.PEEK[]`` of them
(no parsing, no marking). Each round appends M new bounces (not timed), runs the baseline,
then the program's poll, which marks them: the processed count grows by M per round (the
output's "processed" is the count before the first round).

Reported per (processed N, new M): the medians of wall time and of this process's CPU time
per poll, program and baseline, and their ratio. The cost follows M, not N, when the
program's time at N = 10,000 is about its time at N = 0 for the same M.

    .venv/bin/python bench/bounces.py                       # N 0 and 10,000; M 10 and 100
    .venv/bin/python bench/bounces.py --processed 0,2000 --new 10,100 --rounds 3
"""
from __future__ import annotations

import argparse
import imaplib
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import trustme  # noqa: E402

from notifier_gui.core.delivery.bounces import FETCH_BATCH, KEYWORD, BounceMailbox  # noqa: E402

from tests.servers import dovecot as dovecot_server  # noqa: E402

_seq = [0]


def dsn() -> bytes:
    """An RFC 3464 DSN (hard bounce) about one of our emails, a new key each time."""
    _seq[0] += 1
    envid = f"notifier.{_seq[0]}.{_seq[0]:016x}"
    return (f"From: MAILER-DAEMON@mx.example.org\r\nTo: bounces@example.org\r\n"
            f"Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn{_seq[0]}@mx.example.org>\r\n"
            "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"
            "--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\r\n"
            "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
            f"Reporting-MTA: dns; mx.example.org\r\nOriginal-Envelope-Id: {envid}\r\n\r\n"
            "Final-Recipient: rfc822; anna@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n"
            "Diagnostic-Code: smtp; 550 5.1.1 <anna@example.org>... User unknown\r\n\r\n"
            "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
            f"From: ops@example.org\r\nTo: anna@example.org\r\nMessage-ID: <{envid}@example.org>\r\n"
            "Subject: Server overheated\r\n\r\n--B--\r\n").encode()


def append(conn: imaplib.IMAP4_SSL, count: int, flags: str | None) -> None:
    for _ in range(count):
        typ, data = conn.append("INBOX", flags, None, dsn())
        assert typ == "OK", data


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def baseline_poll(conn: imaplib.IMAP4_SSL) -> int:
    conn.noop()
    typ, data = conn.uid("SEARCH", "UNSEEN")
    assert typ == "OK", data
    uids = (data[0] or b"").split()
    fetched = 0
    for start in range(0, len(uids), FETCH_BATCH):
        typ, got = conn.uid("FETCH", b",".join(uids[start:start + FETCH_BATCH]).decode(), "(UID BODY.PEEK[])")
        assert typ == "OK", got
        fetched += sum(1 for item in got if isinstance(item, tuple))
    return fetched


def program_poll(mb: BounceMailbox) -> int:
    reports = mb.read()
    mb.mark([r.token for r in reports])
    return len(reports)


def timed(fn: Any) -> tuple[float, float, int]:
    c0, w0 = cpu(), time.perf_counter()
    n = fn()
    return time.perf_counter() - w0, cpu() - c0, n


def measure(server: dovecot_server.Dovecot, ca: trustme.CA, new: int, rounds: int) -> dict[str, Any]:
    import ssl

    ctx = ssl.create_default_context()
    ctx.load_verify_locations(cadata=ca.cert_pem.bytes().decode())
    mb = BounceMailbox(server.host, server.port, dovecot_server.USER, "INBOX", lambda: dovecot_server.PASSWORD,
                       lambda text: text, timeout=30, ssl_context=ctx)
    filler, base = server.client(), server.client()
    base.select("INBOX")
    program_poll(mb)  # connect and log in once (the poller keeps its connection)
    rows: dict[str, list[float]] = {"base_wall": [], "base_cpu": [], "prog_wall": [], "prog_cpu": []}
    try:
        for _ in range(rounds):
            append(filler, new, None)
            bw, bc, bn = timed(lambda: baseline_poll(base))
            pw, pc, pn = timed(lambda: program_poll(mb))
            assert bn == new and pn == new, (bn, pn, new)  # both saw exactly the new ones
            for k, v in (("base_wall", bw), ("base_cpu", bc), ("prog_wall", pw), ("prog_cpu", pc)):
                rows[k].append(v)
    finally:
        mb.close()
        for c in (filler, base):
            c.logout()
    med = {k: statistics.median(v) * 1000 for k, v in rows.items()}
    return {"new": new, "rounds": rounds,
            "program_ms": round(med["prog_wall"], 2), "program_cpu_ms": round(med["prog_cpu"], 2),
            "baseline_ms": round(med["base_wall"], 2), "baseline_cpu_ms": round(med["base_cpu"], 2),
            "ratio_wall": round(med["prog_wall"] / med["base_wall"], 2) if med["base_wall"] else None}


def processed_count(server: dovecot_server.Dovecot) -> int:
    conn = server.client()
    try:
        conn.select("INBOX", readonly=True)
        typ, data = conn.uid("SEARCH", "KEYWORD", KEYWORD)
        return len((data[0] or b"").split())
    finally:
        conn.logout()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--processed", default="0,10000", help="processed bounces in the mailbox, ascending")
    ap.add_argument("--new", default="10,100", help="new bounces per poll")
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    if dovecot_server.binary() is None:
        sys.exit("Dovecot is not installed (apt-get install dovecot-imapd)")
    results: list[dict[str, Any]] = []
    ca = trustme.CA()
    with tempfile.TemporaryDirectory() as tmp, dovecot_server.Dovecot(ca, Path(tmp) / "dovecot") as server:
        filler = server.client()
        try:
            for target in (int(x) for x in a.processed.split(",")):
                have = processed_count(server)
                if target > have:
                    t0 = time.perf_counter()
                    append(filler, target - have, f"({KEYWORD} \\Seen)")
                    print(f"filled {target - have} processed bounces in {time.perf_counter() - t0:.1f} s",
                          file=sys.stderr, flush=True)
                for new in (int(x) for x in a.new.split(",")):
                    at = processed_count(server)
                    r = {"processed": at, **measure(server, ca, new, a.rounds)}
                    results.append(r)
                    print(json.dumps(r), flush=True)
        finally:
            filler.logout()
    out = ROOT / "bench" / "results" / "bounces-latest.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
