"""Test-wide set-up: an isolated home for every test run, and a real keyring backend.

The keyring backend is chosen the standard way, through ``PYTHON_KEYRING_BACKEND``:
keyrings.alt's file backend, storing under a temporary XDG_DATA_HOME, so worker
processes started by tests share it.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from notifier_gui.core.config import env_prefixes

from tests.databases import copy_sqlite_template

# A PostgreSQL server to run the storage tests against too (.ci/run starts one): an admin URL
# such as postgresql+psycopg://user:password@127.0.0.1:5432/postgres. Read before the clean-up below.
_POSTGRES_ADMIN_URL = os.environ.get("NOTIFIER_TEST_POSTGRES", "")
_HOME = Path(tempfile.mkdtemp(prefix="notifier-tests-home-"))
os.environ["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"
os.environ["XDG_DATA_HOME"] = str(_HOME / "xdg-data")
os.environ["XDG_CONFIG_HOME"] = str(_HOME / "xdg-config")
# Never let a developer's real settings leak into tests. (The test suite's own settings stay,
# for the tests and any process a test starts that runs tests or reads them.)
_SUITE_SETTINGS = {"NOTIFIER_TEST_POSTGRES", "NOTIFIER_MYPY_CACHE"}
for _name in list(os.environ):
    if _name not in _SUITE_SETTINGS and _name.startswith(env_prefixes()):
        del os.environ[_name]


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh data dir, set as NOTIFIER_DATA_DIR, with the current folder moved away from any .env."""
    d = tmp_path / "data"
    d.mkdir()
    monkeypatch.setenv("NOTIFIER_DATA_DIR", str(d))
    monkeypatch.chdir(tmp_path)
    yield d


def _postgres_admin() -> Any:
    if not _POSTGRES_ADMIN_URL:
        pytest.skip("no PostgreSQL server: set NOTIFIER_TEST_POSTGRES to an admin URL (.ci/run starts one)")
    from sqlalchemy import create_engine

    return create_engine(_POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")


def _postgres_database(template: str | None = None) -> Iterator[str]:
    """A new PostgreSQL database (a copy of ``template`` if named), dropped after the test."""
    from uuid import uuid4

    from sqlalchemy.engine import make_url

    name = f"notifier_test_{uuid4().hex[:12]}"
    admin = _postgres_admin()
    try:
        with admin.connect() as c:
            c.exec_driver_sql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        yield make_url(_POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for one test (dropped after it); skips without a server."""
    yield from _postgres_database()


# Databases at the head revision are copies of one that the program's own migrations made once
# per test process: migrating a new database costs ~50 ms of CPU (SQLite) and more on
# PostgreSQL, ~30 s of the whole suite's CPU when every test migrated its own. The migrations
# themselves are tested on empty databases (empty_db_url, data_dir, tests/test_upgrade.py).
_TEMPLATE_PREFIX = "notifier_template_"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database file at the head revision, made by ``open_database``."""
    from notifier_gui.core.storage.engine import open_database

    path = tmp_path_factory.mktemp("template") / "head.db"
    open_database(f"sqlite:///{path}").dispose()
    return path


@pytest.fixture
def sqlite_db(sqlite_template: Path, tmp_path: Path) -> Path:
    """A new SQLite database file at the head revision, ``tmp_path / "n.db"``."""
    path = tmp_path / "n.db"
    copy_sqlite_template(sqlite_template, path)
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """The name of a PostgreSQL database at the head revision, made by ``open_database`` (for
    this test process; templates that a killed run left behind are dropped first)."""
    import psutil
    from sqlalchemy.engine import make_url

    from notifier_gui.core.storage.engine import open_database

    name = f"{_TEMPLATE_PREFIX}{os.getpid()}"
    admin = _postgres_admin()
    try:
        with admin.connect() as c:
            for (old,) in c.exec_driver_sql("SELECT datname FROM pg_database WHERE datname LIKE %s",
                                            (_TEMPLATE_PREFIX + "%",)).all():
                if not psutil.pid_exists(int(old.removeprefix(_TEMPLATE_PREFIX))):
                    c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
            c.exec_driver_sql(f'CREATE DATABASE "{name}"')
        open_database(make_url(_POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)).dispose()
        yield name
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database at the head revision, on SQLite and, as a second run of the test, on
    PostgreSQL (a copy of the process's template: see above)."""
    if request.param == "sqlite":
        yield f"sqlite:///{request.getfixturevalue('sqlite_db')}"
        return
    yield from _postgres_database(template=request.getfixturevalue("postgres_template"))


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database (no schema) on SQLite and on PostgreSQL: for migration tests."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'n.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def keyring_backend():  # type: ignore[no-untyped-def]
    """The backend the standard discovery picks (PYTHON_KEYRING_BACKEND), empty before and after the test."""
    import keyring

    from notifier_gui.core.secrets import SECRET_NAMES, SERVICE

    backend = keyring.get_keyring()

    def empty() -> None:
        for name in SECRET_NAMES:
            try:
                backend.delete_password(SERVICE, name)
            except Exception:
                pass

    empty()  # a process test (a real `notifier serve`) may have left one behind
    yield backend
    empty()


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    """The test certificate authority: servers get certificates from it."""
    return trustme.CA()


@pytest.fixture
def trust_ca(ca: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Trust the test CA the way an operator would: OpenSSL's SSL_CERT_FILE."""
    pem = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(pem))
    monkeypatch.setenv("SSL_CERT_FILE", str(pem))
    return pem
