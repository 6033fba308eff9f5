"""The API's gate and secrets: token, Host header, CORS, body limit, rate limit,
idempotency, and a per-send SMTP password that never reaches disk or an answer."""
from __future__ import annotations

import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from notifier_gui.core.secrets import SERVICE
from notifier_gui.core.storage.schema import NOTIFICATIONS

from notifier_gui.api.security import TOKEN_SECRET, RateLimiter, TokenSource, allowed_hosts, parse_authorization
from notifier_gui.api.server import ApiServer, ApiStartError, bind

from tests.api.conftest import Api, start_api
from tests.api.test_endpoints import add_user, counts
from tests.cli_helpers import notifier


def test_token_is_generated_once_and_kept_in_the_credential_store(api: Api, keyring_backend) -> None:  # type: ignore[no-untyped-def]
    assert len(api.token) >= 32
    assert keyring_backend.get_password(SERVICE, TOKEN_SECRET) == api.token
    assert TokenSource(api.runtime.secrets).get() == api.token  # the next start reuses it


@pytest.mark.parametrize(("header", "detail"), [
    (None, "Authentication credentials were not provided."),
    ("Token", "Authentication credentials were not provided."),
    ("Basic dXNlcjpwYXNz", "Authentication credentials were not provided."),
    ("Token wrong-token", "Invalid token."),
    ("Bearer wrong-token", "Invalid token."),
])
def test_requests_without_the_token_are_401(api: Api, header: str | None, detail: str) -> None:
    headers = {"Authorization": header} if header else {}
    with httpx.Client(base_url=api.base) as c:
        for method, url in [("GET", "/api/users/"), ("POST", "/api/users/"), ("GET", "/api/notifications/1/"),
                            ("POST", "/api/notifications/"), ("GET", "/api/notifications/")]:
            r = c.request(method, url, headers=headers, json={"email": "x@example.com"})
            assert (r.status_code, r.json()) == (401, {"detail": detail}), (method, url)
            assert r.headers["WWW-Authenticate"] == "Token"
    assert counts(api) == (0, 0)


def test_bearer_is_accepted_too(api: Api) -> None:
    with api.client(scheme="Bearer") as c:
        assert c.get("/api/users/").status_code == 200
    assert parse_authorization("token  abc ") == "abc"
    assert parse_authorization("Token a b") is None


def test_a_token_set_with_the_cli_is_the_one_served(data_dir: Path, keyring_backend) -> None:  # type: ignore[no-untyped-def]
    r = notifier(data_dir, "secrets", "set", "api_token", stdin="my-own-token-for-scripts\n")
    assert r.returncode == 0, r.stderr
    api = start_api(data_dir)
    try:
        assert api.token == "my-own-token-for-scripts"
        with api.client() as c:
            assert c.get("/api/users/").status_code == 200
    finally:
        api.server.stop()
        api.runtime.close()


def test_a_token_change_reaches_a_running_server(api: Api) -> None:
    clock = [0.0]
    tokens = TokenSource(api.runtime.secrets, refresh=5, clock=lambda: clock[0])
    assert tokens.matches(api.token)
    api.runtime.secrets.set(TOKEN_SECRET, "changed-elsewhere")
    assert tokens.matches(api.token)  # cached for a moment
    clock[0] = 6
    assert tokens.matches("changed-elsewhere") and not tokens.matches(api.token)
    new = tokens.regenerate()
    assert tokens.matches(new) and new != "changed-elsewhere"


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example", "192.168.1.5"])
def test_foreign_host_headers_are_refused(api: Api, host: str) -> None:
    with api.client() as c:
        r = c.get("/api/users/", headers={"Host": host})
        r2 = c.get("/api/health/", headers={"Host": host})
    assert (r.status_code, r.json()) == (400, {"detail": "Invalid Host header."})
    assert r2.status_code == 400


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "localhost:8000", "[::1]:8000", "LOCALHOST"])
def test_loopback_host_headers_pass(api: Api, host: str) -> None:
    with api.client() as c:
        assert c.get("/api/users/", headers={"Host": host}).status_code == 200


def test_no_cors(api: Api) -> None:
    with api.client() as c:
        pre = c.options("/api/notifications/", headers={"Origin": "http://evil.example",
                                                         "Access-Control-Request-Method": "POST"})
        get = c.get("/api/users/", headers={"Origin": "http://evil.example"})
    assert pre.status_code in (400, 401, 405)
    for r in (pre, get):
        assert not any(h.lower().startswith("access-control-") for h in r.headers)


def test_bodies_over_1_mb_are_413_and_write_nothing(client: httpx.Client, api: Api) -> None:
    add_user(client, email="user@example.com")
    big = {"user_id": 1, "message": "x" * (1024 * 1024)}
    r = client.post("/api/notifications/", json=big)
    assert r.status_code == 413 and "larger" in r.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer encoding
        yield b'{"user_id": 1, "message": "'
        for _ in range(17):
            yield b"y" * 65536
        yield b'"}'

    r2 = client.post("/api/notifications/", content=chunks(), headers={"Content-Type": "application/json"})
    assert r2.status_code == 413
    ok = client.post("/api/notifications/", json={"user_id": 1, "message": "z" * 90_000})
    assert ok.status_code == 201
    assert counts(api) == (1, 1)


def test_rate_limit_answers_429_with_retry_after(data_dir: Path, keyring_backend) -> None:  # type: ignore[no-untyped-def]
    api = start_api(data_dir, rate=0.01)  # one request, then one per 100 s
    try:
        with api.client() as c:
            first = c.get("/api/users/")
            second = c.get("/api/users/")
    finally:
        api.server.stop()
        api.runtime.close()
    assert first.status_code == 200
    assert second.status_code == 429
    assert int(second.headers["Retry-After"]) >= 1 and "throttled" in second.json()["detail"]


def test_rate_limiter_is_per_client_and_refills() -> None:
    now = [0.0]
    lim = RateLimiter(2, clock=lambda: now[0])
    assert [lim.take("a") for _ in range(3)] == [0, 0, 0.5]
    assert lim.take("b") == 0
    now[0] = 0.5
    assert lim.take("a") == 0


def test_idempotency_key_returns_the_first_result(client: httpx.Client, api: Api) -> None:
    add_user(client, email="user@example.com")
    body = {"user_id": 1, "message": "once"}
    first = client.post("/api/notifications/", json=body, headers={"Idempotency-Key": "abc-1"})
    again = client.post("/api/notifications/", json=body, headers={"Idempotency-Key": "abc-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert counts(api) == (1, 1)
    other = client.post("/api/notifications/", json={"user_ids": [1, 1], "message": "once"},
                        headers={"Idempotency-Key": "abc-1"})
    assert other.status_code == 409
    fresh = client.post("/api/notifications/", json=body, headers={"Idempotency-Key": "abc-2"})
    assert fresh.json()["id"] != first.json()["id"]
    assert counts(api) == (1, 2)


def test_concurrent_retries_with_one_key_queue_once(client: httpx.Client, api: Api) -> None:
    add_user(client, email="user@example.com")
    add_user(client, email="two@example.com")

    def post(_: int) -> httpx.Response:
        with api.client() as c:
            return c.post("/api/notifications/", json={"user_ids": [1, 2], "message": "race"},
                          headers={"Idempotency-Key": "same-key"})

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(post, range(8)))
    assert {r.status_code for r in answers} == {201}
    assert len({tuple(x["id"] for x in r.json()["results"]) for r in answers}) == 1
    assert counts(api) == (2, 2)


PASSWORD = "Per-Send-Pa55word-7f3c"


def test_per_send_password_goes_to_the_credential_store_only(client: httpx.Client, api: Api, data_dir: Path,
                                                             keyring_backend) -> None:  # type: ignore[no-untyped-def]
    add_user(client, email="user@example.com")
    r = client.post("/api/notifications/", json={"user_id": 1, "message": "Hello via SMTP!",
                                                 "smtp_user": "me@example.com", "smtp_password": PASSWORD})
    assert r.status_code == 201 and PASSWORD not in r.text
    nid = r.json()["id"]
    with api.runtime.engine.connect() as c:
        ref = c.scalar(select(NOTIFICATIONS.c.smtp_secret_ref).where(NOTIFICATIONS.c.id == nid))
    assert ref and keyring_backend.get_password(SERVICE, ref) == PASSWORD
    shown = client.get(f"/api/notifications/{nid}/").text + client.get("/api/notifications/").text
    assert PASSWORD not in shown
    # a rejected request with a password never echoes it either
    bad = client.post("/api/notifications/", json={"user_id": 1, "message": "x", "subject": "a\nb",
                                                   "smtp_user": "me@example.com", "smtp_password": PASSWORD})
    wrong_type = client.post("/api/notifications/", json={"user_id": 1, "message": "x", "smtp_password": 987654321})
    assert bad.status_code == wrong_type.status_code == 400
    assert PASSWORD not in bad.text and "987654321" not in wrong_type.text
    api.server.stop()
    api.runtime.engine.dispose()
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path


def test_a_non_loopback_server_accepts_this_machine_s_names_and_addresses() -> None:
    import psutil

    hosts = allowed_hosts("0.0.0.0")
    mine = {a.address for addrs in psutil.net_if_addrs().values() for a in addrs if a.family == socket.AF_INET}
    assert mine <= hosts and socket.gethostname().lower() in hosts and "evil.example" not in hosts
    assert allowed_hosts("127.0.0.1") == {"localhost", "127.0.0.1", "::1"}


def test_non_loopback_needs_an_explicit_setting(api: Api) -> None:
    with pytest.raises(ApiStartError, match="NOTIFIER_API_ALLOW_REMOTE"):
        bind("0.0.0.0", 0, allow_remote=False)
    remote = ApiServer(api.server.ctx, "0.0.0.0", 0, allow_remote=True)  # not started: tests listen on loopback only
    assert "other computers can reach it" in remote.warning
    assert ApiServer(api.server.ctx, "127.0.0.1", 0).warning == ""


def test_a_second_api_on_the_same_data_folder_or_port_fails_clearly(api: Api, data_dir: Path, tmp_path: Path) -> None:
    twin = ApiServer(api.server.ctx, "127.0.0.1", 0)
    with pytest.raises(ApiStartError, match="already serves the API"):
        twin.start()
    with pytest.raises(ApiStartError, match=f"port {api.server.port} .* already in use"):
        bind("127.0.0.1", api.server.port, allow_remote=False)
    with api.client() as c:  # the first one is untouched
        assert c.get("/api/users/").status_code == 200
