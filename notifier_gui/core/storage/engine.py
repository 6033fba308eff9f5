"""Engine creation, SQLite pragmas, transaction control and automatic migrations.

SQLite: pysqlite's own transaction handling starts transactions lazily and never with
``BEGIN IMMEDIATE``, which makes read-then-write races possible. We switch it off
(``isolation_level=None``) and emit BEGIN ourselves: plain ``BEGIN`` for readers,
``BEGIN IMMEDIATE`` for writers (engine option ``immediate=True``), so a writer takes the
write lock up front and waits on ``busy_timeout`` instead of failing halfway.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError, ProgrammingError

if TYPE_CHECKING:
    from alembic.config import Config
from sqlalchemy.engine import Connection

log = logging.getLogger("notifier.storage")

BUSY_TIMEOUT_MS = 10_000
# The newest migration. A database already there skips Alembic entirely (it costs ~0.2 s of
# imports at every start); tests check this matches the migration scripts.
HEAD_REVISION = "0006"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    try:
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # A new database gives pruned space back page by page (PRAGMA incremental_vacuum);
        # on an existing one this takes effect after one VACUUM (core/retention.py does it).
        cur.execute("PRAGMA auto_vacuum = INCREMENTAL")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA foreign_keys = ON")
    finally:
        cur.close()


def _sqlite_begin(conn: Connection) -> None:
    if conn.get_execution_options().get("immediate"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def create(url: str) -> Engine:
    """An engine with the project's settings; the SQLite file's folder is created."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            pool_size=16,
            max_overflow=16,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


Progress = Callable[[int, int], None]


def migrations_config(engine: Engine, progress: Progress | None = None) -> Config:
    """Alembic's configuration over ``engine``; ``progress(done, total)`` hears long steps."""
    from alembic.config import Config

    cfg = Config()
    cfg.attributes["progress"] = progress
    location = resources.files("notifier_gui.core.storage") / "migrations"
    cfg.set_main_option("script_location", str(location))
    cfg.attributes["engine"] = engine
    return cfg


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except (OperationalError, ProgrammingError):  # no version table yet
        return None


def migrate(engine: Engine, progress: Progress | None = None) -> None:
    """Bring the schema to the newest revision (idempotent, safe for concurrent starts).

    An existing database upgrades in place; filling new search tables on a large one
    reports ``progress(done, total)``."""
    if current_revision(engine) == HEAD_REVISION:
        return
    from alembic import command

    log.info("migrating the database to revision %s", HEAD_REVISION)
    command.upgrade(migrations_config(engine, progress), "head")


def open_database(url: str, progress: Progress | None = None) -> Engine:
    engine = create(url)
    migrate(engine, progress)
    log.info("database ready: %s", engine.url.render_as_string(hide_password=True))
    return engine


def writer(engine: Engine) -> Engine:
    """Same pool, but each transaction starts with BEGIN IMMEDIATE on SQLite."""
    return engine.execution_options(immediate=True)
