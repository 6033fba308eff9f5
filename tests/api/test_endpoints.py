"""Every endpoint and every error shape, through a real HTTP client and server."""
from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from notifier_gui.core.storage.schema import NOTIFICATIONS, RECIPIENTS

from tests.api.conftest import Api


def counts(api: Api) -> tuple[int, int]:
    with api.runtime.engine.connect() as c:
        return (int(c.scalar(select(func.count()).select_from(RECIPIENTS)) or 0),
                int(c.scalar(select(func.count()).select_from(NOTIFICATIONS)) or 0))


def add_user(client: httpx.Client, **body: Any) -> dict[str, Any]:
    r = client.post("/api/users/", json=body)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def test_health_needs_no_token(api: Api) -> None:
    with api.client(token=None) as c:
        r = c.get("/api/health/")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["queue_depth"] == 0 and body["worker_running"] is False
    assert body["version"]


def test_create_user_derives_a_name_and_normalises(client: httpx.Client) -> None:
    u = add_user(client, email="user@example.com")
    assert u == {"id": u["id"], "name": "user", "email": "user@example.com", "phone": None,
                 "telegram_chat_id": None, "channels": [], "notes": ""}
    p = add_user(client, phone="+7 916 123-45-67", telegram_chat_id=123456789, name="Борис", channels=["sms", "email"])
    assert (p["phone"], p["telegram_chat_id"], p["name"], p["channels"]) == ("+79161234567", 123456789, "Борис", ["sms", "email"])
    t = add_user(client, telegram_chat_id="-1001234567890")
    assert t["telegram_chat_id"] == -1001234567890 and t["name"] == "Telegram -1001234567890"


def test_users_list_search_and_pages(client: httpx.Client) -> None:
    for n in range(3):
        add_user(client, email=f"p{n}@example.com")
    add_user(client, email="other@example.org", name="Zoe")
    r = client.get("/api/users/", params={"page_size": 2})
    body = r.json()
    assert body["count"] == 4 and len(body["results"]) == 2 and body["previous"] is None
    assert "page=2" in body["next"]
    last = client.get(body["next"]).json()
    assert [u["name"] for u in last["results"]] == ["p2", "Zoe"] and last["next"] is None
    assert "page=1" in last["previous"]
    found = client.get("/api/users/", params={"search": "zoe"}).json()
    assert [u["email"] for u in found["results"]] == ["other@example.org"]
    assert client.get("/api/users/", params={"search": "%"}).json()["count"] == 0  # a literal, not a wildcard
    # the window's search: every word, in any order, ignoring case in any script (as DRF's
    # SearchFilter matched every term); words shorter than three letters too
    anna = add_user(client, email="anna@example.ru", name="Анна Смирнова", phone="+79161234567")
    for text in ("смирнова АННА", "ан см", "example.ru 916", "Анна +7916", "+7 (916) 123-45-67"):
        found = client.get("/api/users/", params={"search": text}).json()
        assert [u["id"] for u in found["results"]] == [anna["id"]] and found["count"] == 1, text
    assert client.get("/api/users/", params={"search": "anna zoe"}).json()["count"] == 0


def test_get_patch_delete_user(client: httpx.Client, api: Api) -> None:
    u = add_user(client, email="a@example.com")
    other = add_user(client, email="b@example.com")
    assert client.get(f"/api/users/{u['id']}/").json() == u
    r = client.patch(f"/api/users/{u['id']}/", json={"phone": "+79161234567", "name": "Anna"})
    assert r.status_code == 200
    assert r.json() | {} == u | {"phone": "+79161234567", "name": "Anna"}
    assert client.patch(f"/api/users/{u['id']}/", json={"name": None}).json() == {"name": ["This field may not be null."]}
    dup = client.patch(f"/api/users/{u['id']}/", json={"email": "B@example.com"})
    assert dup.status_code == 400 and list(dup.json()) == ["email"]
    assert client.get(f"/api/users/{u['id']}/").json()["email"] == "a@example.com"
    # a person with a queued message stays until it is cancelled
    client.post("/api/notifications/", json={"user_id": other["id"], "message": "hi"})
    busy = client.delete(f"/api/users/{other['id']}/")
    assert busy.status_code == 409 and "cancel" in busy.json()["detail"]
    assert client.delete(f"/api/users/{u['id']}/").status_code == 204
    missing = client.get(f"/api/users/{u['id']}/")
    assert (missing.status_code, missing.json()) == (404, {"detail": "Not found."})
    assert client.delete(f"/api/users/{u['id']}/").status_code == 404


def test_queue_show_list_cancel_retry(client: httpx.Client, api: Api) -> None:
    u = add_user(client, email="user@example.com")
    r = client.post("/api/notifications/", json={"user_id": u["id"], "message": "Hello via SMTP!", "subject": "Hi"})
    assert r.status_code == 201
    n = r.json()
    assert n["state"] == "queued" and n["user_id"] == u["id"] and isinstance(n["id"], int)
    assert api.queued == [([n["id"]], "API 127.0.0.1")]
    with api.runtime.engine.connect() as c:
        assert c.scalar(select(NOTIFICATIONS.c.queued_by).where(NOTIFICATIONS.c.id == n["id"])) == "API 127.0.0.1"
    shown = client.get(f"/api/notifications/{n['id']}/").json()
    assert {k: shown[k] for k in ("id", "recipient_id", "user_id", "state", "delivered_via", "attempts")} == {
        "id": n["id"], "recipient_id": u["id"], "user_id": u["id"], "state": "queued", "delivered_via": None, "attempts": []}
    cancelled = client.post(f"/api/notifications/{n['id']}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    again = client.post(f"/api/notifications/{n['id']}/cancel/")
    assert again.status_code == 409 and "cancelled" in again.json()["detail"]
    listed = client.get("/api/notifications/", params={"state": "cancelled", "user_id": u["id"]}).json()
    assert [x["id"] for x in listed["results"]] == [n["id"]] and listed["count"] == 1
    assert client.get("/api/notifications/", params={"state": "failed"}).json()["count"] == 0
    retried = client.post(f"/api/notifications/{n['id']}/retry/")
    assert retried.status_code == 200 and retried.json()["state"] == "queued"
    assert client.post(f"/api/notifications/{n['id']}/retry/").status_code == 409
    assert client.post("/api/notifications/999/retry/").status_code == 404
    # the worker delivers it (sandbox), and the API shows how
    api.runtime.dispatcher(concurrency=1).run(threading.Event(), until_done=True, max_seconds=30)
    done = client.get(f"/api/notifications/{n['id']}/").json()
    assert done["state"] == "delivered" and done["delivered_via"] == "email"
    assert [a["outcome"] for a in done["attempts"]] == ["delivered"]


def test_user_ids_queue_one_message_to_many_in_one_transaction(client: httpx.Client, api: Api) -> None:
    ids = [add_user(client, email=f"m{n}@example.com")["id"] for n in range(3)]
    r = client.post("/api/notifications/", json={"user_ids": ids, "message": "Hello, {name}"})
    assert r.status_code == 201
    body = r.json()
    assert body["count"] == 3 and [x["user_id"] for x in body["results"]] == ids
    bad = client.post("/api/notifications/", json={"user_ids": [*ids, 999], "message": "x"})
    assert bad.status_code == 400 and bad.json() == {"user_ids": ["No user with id 999."]}
    assert counts(api) == (3, 3)  # nothing of the bad request was written
    both = client.post("/api/notifications/", json={"user_id": ids[0], "user_ids": ids, "message": "x"})
    assert both.status_code == 400 and "user_id" in both.json()


@pytest.mark.parametrize(("body", "field"), [
    ({"email": "not-an-address"}, "email"),
    ({"phone": "12"}, "phone"),
    ({"email": "a@example.com", "bogus": 1}, "bogus"),
    ({"email": 5}, "email"),
    ({"telegram_chat_id": "abc"}, "telegram_chat_id"),
    ({"email": "a@example.com", "channels": ["fax"]}, "channels"),
    ({"name": "Nobody"}, "non_field_errors"),
    ([{"email": "a@example.com"}], "non_field_errors"),
])
def test_bad_users_are_400_naming_the_field_and_write_nothing(client: httpx.Client, api: Api, body: Any, field: str) -> None:
    r = client.post("/api/users/", json=body)
    assert r.status_code == 400
    assert list(r.json()) == [field] and isinstance(r.json()[field], list) and r.json()[field][0]
    assert counts(api) == (0, 0)


@pytest.mark.parametrize(("body", "field"), [
    ({"user_id": "1", "message": "x"}, "user_id"),
    ({"user_id": 1}, "message"),
    ({"user_id": 1, "message": "x", "subject": "a\r\nBcc: victim@example.org"}, "subject"),
    ({"user_id": 1, "message": "x", "subject": "a\nb"}, "subject"),
    ({"user_id": 1, "message": "   "}, "message"),
    ({"user_id": 1, "message": "x", "extra": True}, "extra"),
    ({"user_id": 1, "message": "x", "channels": ["email", "email"]}, "channels"),
    ({"user_id": 2, "message": "x"}, "user_id"),
    ({"user_id": 1, "message": "x", "smtp_user": "me@example.com"}, "smtp_password"),
    ({"user_id": 1, "message": "x", "smtp_user": "me\r\n@example.com", "smtp_password": "pw123456"}, "smtp_user"),
])
def test_bad_notifications_are_400_naming_the_field_and_write_nothing(client: httpx.Client, api: Api,
                                                                      body: Any, field: str) -> None:
    add_user(client, email="user@example.com")
    r = client.post("/api/notifications/", json=body)
    assert r.status_code == 400, r.text
    assert field in r.json(), r.json()
    assert counts(api) == (1, 0)


def test_bad_json_and_bad_queries(client: httpx.Client, api: Api) -> None:
    r = client.post("/api/users/", content=b'{"email": ', headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["detail"].startswith("JSON parse error")
    assert client.post("/api/users/", content=b"", headers={"Content-Type": "application/json"}).status_code == 400
    assert client.get("/api/users/", params={"page": 0}).json().keys() == {"page"}
    assert client.get("/api/users/", params={"page_size": 100000}).json().keys() == {"page_size"}
    assert client.get("/api/notifications/", params={"state": "lost"}).json().keys() == {"state"}
    assert client.get("/api/notifications/abc/").status_code == 400
    assert counts(api) == (0, 0)


def test_schema_is_openapi_31_and_docs_are_served_locally(api: Api) -> None:
    with api.client(token=None) as c:
        schema = c.get("/api/schema/").json()
        page = c.get("/api/docs/")
        assets = [c.get(f"/api/docs/static/{name}") for name in ("swagger-ui-bundle.js", "swagger-ui.css")]
    assert schema["openapi"].startswith("3.1")
    assert {"/api/users/", "/api/users/{user_id}/", "/api/notifications/", "/api/notifications/{notification_id}/",
            "/api/notifications/{notification_id}/retry/", "/api/notifications/{notification_id}/cancel/",
            "/api/health/"} <= set(schema["paths"])
    assert "NotificationIn" in schema["components"]["schemas"]
    assert page.status_code == 200 and "/api/docs/static/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower() and "http://" not in page.text and "https://" not in page.text
    assert all(a.status_code == 200 and len(a.content) > 10_000 for a in assets)
