"""Shared helpers of the bench: the CA, the sink process, Redis, the Celery worker, statistics.

Every process the bench starts is remembered by its PID and stopped by that PID (never by
name); every server listens on 127.0.0.1 only.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SMTP_USER = "operator@example.org"
SMTP_PASSWORD = "bench-Pa55-word-not-secret"
FROM = "Notifier bench <bench@example.org>"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rcpt(i: int) -> str:
    return f"person{i}@example.org"


# -- statistics --------------------------------------------------------------------------
def summary(values: list[float]) -> dict[str, Any]:
    vals = [v for v in values if v is not None]
    if not vals:
        return {"median": None, "min": None, "max": None, "n": 0, "values": []}
    return {"median": statistics.median(vals), "min": min(vals), "max": max(vals), "n": len(vals),
            "values": vals}


# -- the CA ------------------------------------------------------------------------------
@dataclass
class Certs:
    ca_file: Path
    cert_file: Path
    key_file: Path


def make_certs(folder: Path) -> Certs:
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    folder.mkdir(parents=True, exist_ok=True)
    c = Certs(folder / "ca.pem", folder / "server-chain.pem", folder / "server-key.pem")
    ca.cert_pem.write_to_path(str(c.ca_file))
    cert.private_key_pem.write_to_path(str(c.key_file))
    with open(c.cert_file, "wb") as fh:
        for blob in cert.cert_chain_pems:
            fh.write(blob.bytes())
    return c


# -- processes ---------------------------------------------------------------------------
def stop_pid(proc: subprocess.Popen[Any], timeout: float = 10.0, group: bool = False) -> None:
    """SIGTERM our child by its PID, SIGKILL if it does not go (its own process group if
    ``group``: only for a child started with start_new_session, i.e. its own children)."""
    if proc.poll() is not None:
        return
    try:
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        if group:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        else:
            proc.kill()
        proc.wait(5)
    except ProcessLookupError:
        pass


class SinkProcess:
    """bench/sink.py in its own process, with its control connection."""

    def __init__(self, python: str, certs: Certs, log: Path) -> None:
        self.log_path = log
        self.log = open(log, "w")
        self.proc = subprocess.Popen(
            [python, str(BENCH / "sink.py"), "--cert", str(certs.cert_file), "--key", str(certs.key_file),
             "--user", SMTP_USER, "--password", SMTP_PASSWORD],
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line.startswith("READY"):
            stop_pid(self.proc)
            self.log.close()
            err = log.read_text()
            raise RuntimeError(f"the SMTP sink did not start: {line!r} {err[-2000:]}")
        _, tls, plain, ctl = line.split()
        self.ports = {"starttls": int(tls), "plain": int(plain)}
        self._ctl = socket.create_connection(("127.0.0.1", int(ctl)))
        self._rfile = self._ctl.makefile("r")

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _ask(self, line: str) -> str:
        self._ctl.sendall(line.encode() + b"\n")
        return self._rfile.readline().strip()

    def reset(self) -> None:
        assert self._ask("RESET") == "OK"

    def stats(self) -> dict[str, Any]:
        return json.loads(self._ask("STATS"))

    def wait(self, n: int, timeout: float) -> dict[str, Any]:
        return json.loads(self._ask(f"WAIT {n} {timeout}"))

    def stop(self) -> None:
        try:
            self._ask("QUIT")
        except OSError:
            pass
        self._ctl.close()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            stop_pid(self.proc)
        self.log.close()


class RedisServer:
    """A private redis-server on a free loopback port, no persistence; stopped by PID."""

    def __init__(self) -> None:
        exe = shutil.which("redis-server")
        if exe is None:
            raise FileNotFoundError("redis-server is not installed (Debian: apt-get install redis-server)")
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="bench-redis-")
        self.proc = subprocess.Popen(
            [exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no", "--dir", self.dir, "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(64).startswith(b"+PONG"):
                        break
            except OSError:
                time.sleep(0.05)
        else:
            self.stop()
            raise RuntimeError("redis-server did not answer PING within 10 s")
        self.version = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.split()[2]

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        stop_pid(self.proc)
        shutil.rmtree(self.dir, ignore_errors=True)


class CeleryWorker:
    """``celery -A celery_app worker`` (prefork) started by the bench, in its own session so
    its pool children can be stopped with it."""

    def __init__(self, python: str, env: dict[str, str], concurrency: int, log: Path) -> None:
        self.concurrency = concurrency
        self.log = open(log, "w")
        self.proc = subprocess.Popen(
            [python, "-m", "celery", "--workdir", str(BENCH), "-A", "celery_app", "worker", "--pool", "prefork",
             "--concurrency", str(concurrency), "--loglevel", "WARNING", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "--prefetch-multiplier", "4", "-Q", "bench", "-n", f"bench{os.getpid()}@localhost"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True, cwd=str(BENCH))

    def stop(self) -> None:
        # SIGTERM = warm shutdown: the main process stops its pool children itself.
        stop_pid(self.proc, timeout=20, group=True)
        self.log.close()


def run_json(cmd: list[str], env: dict[str, str], timeout: float, cwd: Path | None = None) -> dict[str, Any]:
    """Run a measurement process; its last stdout line starting with RESULT is JSON."""
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=str(cwd or ROOT))
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop_pid(proc)
        out, err = proc.communicate()
        return {"error": f"timed out after {timeout:.0f} s", "stderr": err[-3000:]}
    for line in reversed(out.splitlines()):
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    return {"error": f"exit status {proc.returncode}, no result", "stderr": err[-3000:], "stdout": out[-2000:]}


def emit(result: dict[str, Any]) -> None:
    print("RESULT " + json.dumps(result), flush=True)
    sys.stdout.flush()
