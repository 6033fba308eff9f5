"""``notifier self-test``: proves a build (frozen or not) has everything it needs.

Runs in a fresh temporary data folder: opens and migrates the database, checks that
packaged resources are present, names the keyring backend, and pushes one notification
through the whole chain in sandbox mode. The report is JSON; ``ok`` is true only if every
check passed.
"""
from __future__ import annotations

import json
import platform
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from .. import __version__
from . import logs

Check = Callable[[], str]


def _resource_check() -> str:
    base = resources.files("notifier_gui")
    needed = ["core/storage/migrations/env.py", "core/storage/migrations/script.py.mako"]
    missing = [p for p in needed if not (base / p).is_file()]
    versions = base / "core" / "storage" / "migrations" / "versions"
    if not any(str(f.name).startswith("0001") for f in versions.iterdir()):
        missing.append("core/storage/migrations/versions/0001_*")
    if missing:
        raise RuntimeError(f"missing packaged files: {', '.join(missing)}")
    return "migrations present"


def _keyring_check() -> str:
    """Name the backend and prove it stores, returns and deletes an entry.

    Windows and macOS always have a credential store, so the "fail" backend there means the
    build lost its backends. A Linux machine without a Secret Service (a headless CI box)
    legitimately has none: secrets then come from the environment, and that is reported.
    """
    import uuid

    from .secrets import PER_SEND_PREFIX, CredentialStore

    store = CredentialStore()
    name = store.backend_name()
    if "fail.Keyring" in name or "null.Keyring" in name:
        if sys.platform in ("win32", "darwin"):
            raise RuntimeError(f"no usable credential store: {name}")
        return f"{name}: no credential store on this system; secrets must come from the environment"
    ref = f"{PER_SEND_PREFIX}self-test-{uuid.uuid4().hex}"
    store.set(ref, "self-test-value")
    try:
        if store.get(ref) != "self-test-value":
            raise RuntimeError(f"{name} did not return what was stored")
    finally:
        store.delete(ref)
    return f"{name}: stores and returns secrets"


def _chain_check(data_dir: Path) -> str:
    from .runtime import Runtime

    rt = Runtime.open(environ={"NOTIFIER_DATA_DIR": str(data_dir), "NOTIFIER_SANDBOX": "1"}, cwd=data_dir)
    try:
        from .storage.engine import current_revision

        revision = current_revision(rt.engine)
        a = rt.store.add_recipient("Self-test (email)", email="self-test@example.org")
        b = rt.store.add_recipient("Self-test (Telegram only)", telegram_chat_id=1)
        ids = rt.store.enqueue([a, b], "Notifier self-test: Проверка", subject="Self-test")
        stop = threading.Event()
        rt.dispatcher(concurrency=2).run(stop, until_done=True, max_seconds=30)
        results = [rt.store.notification(i) for i in ids]
        via = [r["delivered_via"] if r else None for r in results]
        if via != ["email", "telegram"]:
            raise RuntimeError(f"sandbox chain delivered via {via}, expected email and telegram")
        files = sorted(p.relative_to(rt.settings.outbox_dir).as_posix() for p in rt.settings.outbox_dir.rglob("*.*"))
        return f"database at revision {revision}; delivered via {', '.join(v or '-' for v in via)}; outbox: {len(files)} file(s)"
    finally:
        rt.close()


def _api_check(data_dir: Path) -> str:
    """Start the REST API on a free loopback port and queue one notification through it.

    ``notifier_gui.api`` is a face over the core, so it is imported here by name (the
    core never imports it at module level): the check proves the bundle carries it.
    """
    import importlib
    import json as _json
    import urllib.request

    from .runtime import Runtime

    api = importlib.import_module("notifier_gui.api")
    rt = Runtime.open(environ={"NOTIFIER_DATA_DIR": str(data_dir), "NOTIFIER_SANDBOX": "1",
                               "NOTIFIER_API_TOKEN": "self-test-api-token"}, cwd=data_dir)
    server = None
    try:
        server = api.ApiServer(api.ApiContext(rt, api.TokenSource(rt.secrets)), "127.0.0.1", 0)
        server.start()
        rid = rt.store.add_recipient("Self-test (API)", email="api-self-test@example.org")
        request = urllib.request.Request(
            f"http://{server.address}/api/notifications/", method="POST",
            data=_json.dumps({"user_id": rid, "message": "Notifier self-test through the API"}).encode(),
            headers={"Content-Type": "application/json", "Authorization": "Token self-test-api-token"})
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via an HTTP proxy
        with opener.open(request, timeout=30) as response:
            status, body = response.status, _json.loads(response.read())
        if status != 201 or body.get("state") != "queued":
            raise RuntimeError(f"the API answered {status} {body}")
        with opener.open(f"http://{server.address}/api/docs/static/swagger-ui-bundle.js", timeout=30) as r:
            docs = len(r.read())
        return f"API on {server.address} queued notification #{body['id']}; Swagger UI {docs // 1024} KB"
    finally:  # whatever failed, the database is released (Windows cannot remove an open file)
        try:
            if server is not None:
                server.stop()
        finally:
            rt.close()


_SELF_TEST_BOUNCE = b"""\
From: MAILER-DAEMON@example.org
To: ops@example.org
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: text/plain

Your message could not be delivered.

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; example.org
Original-Envelope-Id: notifier.1.0123456789abcdef

Final-Recipient: rfc822; nobody@example.org
Action: failed
Status: 5.1.1

--b--
"""


def _bounce_check() -> str:
    """Read a DSN as the bounce mailbox does: proves the bundle carries flufl.bounce and its
    detectors (imported when a bounce is parsed, not at start-up)."""
    from .delivery.bounces import parse_bounce

    bounce = parse_bounce(_SELF_TEST_BOUNCE)
    if bounce is None or bounce.receipt.failure != "permanent" or bounce.keys != {"notifier.1.0123456789abcdef"}:
        raise RuntimeError(f"a sample bounce was not read as one: {bounce}")
    return "a sample bounce (5.1.1) read as a hard bounce"


@contextmanager
def temporary_folder(prefix: str) -> Iterator[Path]:
    """A temporary data folder, removed afterwards with every file in it released first.

    Windows cannot delete a folder while a file in it is open (``PermissionError [WinError
    32]``, which Wine copies): each check closes its runtime (the engine's connections),
    and this closes the log file every runtime opened in the folder before it goes.
    """
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        try:
            yield Path(tmp)
        finally:
            logs.release(Path(tmp))


def run(extra: dict[str, Check] | None = None) -> dict[str, Any]:
    report: dict[str, Any] = {
        "version": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "frozen": bool(getattr(sys, "frozen", False)),
        "checks": {},
    }
    with temporary_folder("notifier-self-test-") as tmp:
        checks: dict[str, Check] = {
            "resources": _resource_check,
            "keyring": _keyring_check,
            "chain": lambda: _chain_check(tmp),
            "api": lambda: _api_check(tmp / "api"),
            "bounces": _bounce_check,
        }
        checks.update(extra or {})
        for name, check in checks.items():
            started = time.perf_counter()
            try:
                detail = check()
                ok = True
            except Exception as exc:  # every failure is reported, none aborts the others
                detail, ok = f"{type(exc).__name__}: {exc}", False
            report["checks"][name] = {"ok": ok, "detail": detail,
                                      "seconds": round(time.perf_counter() - started, 3)}
    report["ok"] = all(c["ok"] for c in report["checks"].values())
    return report


def dumps(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2)
