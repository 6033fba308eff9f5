"""A real API server on an ephemeral loopback port, and a real HTTP client (httpx)."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from notifier_gui.core.runtime import Runtime

from notifier_gui.api import ApiContext, ApiServer, TokenSource

from tests.databases import copy_sqlite_template


@dataclass
class Api:
    server: ApiServer
    runtime: Runtime
    token: str
    queued: list[tuple[list[int], str]] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://{self.server.address}"

    def client(self, token: str | None = "", scheme: str = "Token") -> httpx.Client:
        headers = {} if token is None else {"Authorization": f"{scheme} {token or self.token}"}
        return httpx.Client(base_url=self.base, headers=headers, timeout=30)


def start_api(data_dir: Path, rate: float = 0, **env: str) -> Api:
    rt = Runtime.open(environ={"NOTIFIER_DATA_DIR": str(data_dir), "NOTIFIER_SANDBOX": "1", **env}, cwd=data_dir)
    queued: list[tuple[list[int], str]] = []
    ctx = ApiContext(rt, TokenSource(rt.secrets), rate=rate, on_queued=lambda sends: queued.extend((s.ids, s.source) for s in sends))
    server = ApiServer(ctx, "127.0.0.1", 0)
    server.start()
    return Api(server, rt, ctx.tokens.get(), queued)


@pytest.fixture
def api(data_dir: Path, keyring_backend: object, sqlite_template: Path) -> Iterator[Api]:
    """The API over a database at the head revision (a copy: tests/conftest.py)."""
    copy_sqlite_template(sqlite_template, data_dir / "notifier.db")
    a = start_api(data_dir)
    yield a
    a.server.stop()
    a.runtime.close()


@pytest.fixture
def client(api: Api) -> Iterator[httpx.Client]:
    with api.client() as c:
        yield c
