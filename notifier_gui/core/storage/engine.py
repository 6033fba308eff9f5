"""Engine creation, SQLite pragmas, transaction control and automatic migrations.

SQLite: pysqlite's own transaction handling starts transactions lazily and never with
``BEGIN IMMEDIATE``, which makes read-then-write races possible. We switch it off
(``isolation_level=None``) and emit BEGIN ourselves: plain ``BEGIN`` for readers,
``BEGIN IMMEDIATE`` for writers (engine option ``immediate=True``), so a writer takes the
write lock up front and waits on ``busy_timeout`` instead of failing halfway.
"""
from __future__ import annotations

import errno
import logging
import sqlite3
from collections.abc import Callable
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    NoSuchModuleError,
    OperationalError,
    ProgrammingError,
    SQLAlchemyError,
)

if TYPE_CHECKING:
    from alembic.config import Config
from sqlalchemy.engine import Connection

from ..config import StartupError
from ..permissions import create_private_file, private_dir, private_file
from .checkpoint import BACKSTOP_PAGES

log = logging.getLogger("notifier.storage")

# sqlite3's default datetime adapters are deprecated since Python 3.12 (the Windows build's):
# the same text form (what databases already hold), registered explicitly.
sqlite3.register_adapter(datetime, lambda d: d.isoformat(" "))
sqlite3.register_adapter(date, lambda d: d.isoformat())

BUSY_TIMEOUT_MS = 10_000
# The newest migration. A database already there skips Alembic entirely (it costs ~0.2 s of
# imports at every start); tests check this matches the migration scripts.
HEAD_REVISION = "0008"
# Any fixed 64-bit number, the same in every copy of the program: the key of the
# PostgreSQL advisory lock that serialises migrations ("notifier" in ASCII; migrations/env.py).
MIGRATION_LOCK_KEY = 0x6E6F746966696572


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
        # Checkpoints run on a thread of their own (checkpoint.py); a commit does one only
        # when the WAL has grown past this, e.g. in a process without that thread.
        cur.execute(f"PRAGMA wal_autocheckpoint = {BACKSTOP_PAGES}")
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
        path = url.split("///", 1)[1].split("?", 1)[0] if "///" in url else ""
        if path and path != ":memory:":
            private_dir(Path(path).parent)
            # Created 0600 before SQLite opens it: SQLite gives the WAL and SHM files the
            # database file's mode (older databases are tightened here too).
            create_private_file(Path(path))
            for suffix in ("-wal", "-shm", "-journal"):
                private_file(Path(path + suffix))
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


class DatabaseNotReady(StartupError):
    """The database could not be brought to the program's schema (the message says why)."""


def migrate(engine: Engine, progress: Progress | None = None) -> None:
    """Bring the schema to the newest revision (idempotent, safe for concurrent starts:
    SQLite's write lock or PostgreSQL's advisory lock, see migrations/env.py).

    An existing database upgrades in place; filling new search tables on a large one
    reports ``progress(done, total)``."""
    if current_revision(engine) == HEAD_REVISION:
        return
    from alembic import command

    log.info("migrating the database to revision %s", HEAD_REVISION)
    try:
        command.upgrade(migrations_config(engine, progress), "head")
    except SQLAlchemyError as exc:
        # Another starter may have won a race this lock could not see (an older copy of the
        # program without it): if the schema is now at head, this start is fine after all.
        if current_revision(engine) == HEAD_REVISION:
            log.warning("another process migrated the database meanwhile (%s)", type(exc).__name__)
            return
        log.exception("migration failed")
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        raise DatabaseNotReady(
            f"could not prepare the database {engine.url.render_as_string(hide_password=True)}: "
            f"{reason[0] if reason else type(exc).__name__}") from None


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(migrations_config(create_engine("sqlite://")))
    return {r.revision for r in scripts.walk_revisions()}


def open_database(url: str, progress: Progress | None = None) -> Engine:
    """An engine on a migrated database, or StartupError saying in one line why not."""
    try:
        engine = create(url)
    except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as exc:
        # Never the URL itself: it may hold a password.
        raise StartupError(f"DATABASE_URL is not a database address this program can use ({type(exc).__name__}); "
                           "e.g. postgresql+psycopg://user:password@host/db, or leave it empty for SQLite") from None
    except OSError as exc:
        raise StartupError(os_problem(exc, "the database folder")) from None
    where = engine.url.render_as_string(hide_password=True)
    try:
        revision = current_revision(engine)
        if revision not in (None, HEAD_REVISION) and revision not in known_revisions():
            raise StartupError(f"the database {where} was made by a newer version of Notifier (schema revision "
                               f"{revision}); start that version, or use another data folder")
        migrate(engine, progress)
    except StartupError:
        engine.dispose()
        raise
    except (DBAPIError, OSError) as exc:
        engine.dispose()
        raise StartupError(_db_problem(exc, where)) from None
    log.info("database ready: %s", where)
    return engine


def os_problem(exc: OSError, what: str) -> str:
    if exc.errno == errno.ENOSPC:
        return f"the disk holding {what} is full; free some space and start again"
    return f"{what} cannot be used: {exc.strerror or type(exc).__name__}" + (f" ({exc.filename})" if exc.filename else "")


def _db_problem(exc: BaseException, where: str) -> str:
    if isinstance(exc, OSError):
        return os_problem(exc, f"the database {where}")
    orig = getattr(exc, "orig", None)
    said = " ".join(str(orig or exc).split())[:200]
    low = said.lower()
    if "disk is full" in low or "no space" in low:
        return f"the disk holding the database {where} is full; free some space and start again"
    if "not a database" in low or "file is encrypted" in low or "malformed" in low:
        return f"{where} is not a Notifier database (SQLite: {said}); move it away or use another data folder"
    if isinstance(exc, OperationalError):
        return f"the database {where} cannot be opened: {said}"
    return f"the database {where} cannot be used ({type(orig or exc).__name__}): {said}"


def writer(engine: Engine) -> Engine:
    """Same pool, but each transaction starts with BEGIN IMMEDIATE on SQLite."""
    return engine.execution_options(immediate=True)
