"""``notifier serve`` as a real process: the seed README's curl lines, the worker in the
same process, and a clear refusal for a second server on the same folder or port."""
from __future__ import annotations

import json
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.cli_helpers import ROOT, env_for, notifier

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="uses SIGTERM and curl")]

TOKEN = "seed-compatible-token-1234"
# The two calls of the original service's README, exactly as written there.
SEED_CURL = [
    '''curl -X POST http://127.0.0.1:8000/api/users/ \\
  -H "Content-Type: application/json" \\
  -d '{"email":"user@example.com"}\'''',
    '''curl -X POST http://127.0.0.1:8000/api/notifications/ \\
  -H "Content-Type: application/json" \\
  -d '{"user_id": 1, "message": "Hello via SMTP!"}\'''',
]


def port_8000_or_free() -> int:
    """The seed's port when it is free on this shared machine, else any free one."""
    for port in (8000, 0):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(s.getsockname()[1])
    raise AssertionError("no free port")


def serve(data_dir: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "notifier_gui.cli", "serve", *args], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
                            env=env_for(data_dir, NOTIFIER_SANDBOX="1"))


def curl(line: str, port: int) -> dict[str, object]:
    argv = shlex.split(line.replace("\\\n", " ").replace(":8000/", f":{port}/"))
    argv += ["-H", f"Authorization: Token {TOKEN}", "-s", "-w", "\n%{http_code}"]
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    out = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=True).stdout
    body, code = out.rsplit("\n", 1)
    assert code == "201", out
    return json.loads(body)  # type: ignore[no-any-return]


def test_seed_curl_lines_work_with_the_token_header(data_dir: Path, tmp_path: Path, keyring_backend) -> None:  # type: ignore[no-untyped-def]
    assert notifier(data_dir, "secrets", "set", "api_token", stdin=TOKEN + "\n").returncode == 0
    port = port_8000_or_free()
    proc = serve(data_dir, "--port", str(port))
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert f"API on http://127.0.0.1:{port}/api/" in line, line + proc.stderr.read()  # type: ignore[union-attr]
        user = curl(SEED_CURL[0], port)
        assert user["email"] == "user@example.com" and user["id"] == 1
        queued = curl(SEED_CURL[1], port)
        assert queued["state"] == "queued"
        # the worker of the same process delivers it (sandbox: to the outbox)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Token {TOKEN}"}) as c:
            assert c.get("/api/health/").json()["worker_running"] is True
            deadline = time.monotonic() + 60
            while (shown := c.get(f"/api/notifications/{queued['id']}/").json())["state"] != "delivered":
                assert time.monotonic() < deadline, shown
                time.sleep(0.05)
        assert shown["delivered_via"] == "email"

        twin = serve(data_dir, "--port", "0")
        out, err = twin.communicate(timeout=60)
        assert twin.returncode == 1 and "already serves the API" in err and "Traceback" not in err

        other = tmp_path / "other-data"
        other.mkdir()
        neighbour = serve(other, "--port", str(port))
        out, err = neighbour.communicate(timeout=60)
        assert neighbour.returncode == 1 and f"port {port}" in err and "already in use" in err
        assert "Traceback" not in err
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""


def test_serve_refuses_a_non_loopback_address_without_the_setting(data_dir: Path) -> None:
    r = notifier(data_dir, "serve", "--host", "0.0.0.0", "--port", "0")
    assert r.returncode == 1 and "NOTIFIER_API_ALLOW_REMOTE" in r.stderr and "Traceback" not in r.stderr


def test_serve_without_a_credential_store_says_so(data_dir: Path) -> None:
    env = env_for(data_dir, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    r = notifier(data_dir, "serve", "--port", "0", env=env)
    assert r.returncode == 1 and "credential store" in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
