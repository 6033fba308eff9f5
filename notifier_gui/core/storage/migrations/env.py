"""Alembic environment: runs on the engine the program passes in (never a URL from a file)."""
from __future__ import annotations

from alembic import context
from sqlalchemy import text

from notifier_gui.core.storage.engine import MIGRATION_LOCK_KEY
from notifier_gui.core.storage.schema import METADATA, compared

engine = context.config.attributes["engine"]
# Take the write lock before reading the version table, so two programs starting at
# once cannot both apply the same migration. SQLite: BEGIN IMMEDIATE (the writer engine
# option). PostgreSQL has no database-wide write lock: an advisory lock held until the
# migration transaction ends makes every other starter wait, then find the version table
# already at head (without it, 7 of 15 simultaneous first starts died on a duplicate key).
with engine.execution_options(immediate=True).connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=METADATA,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies tables
        compare_type=True,
        transaction_per_migration=False,
        include_name=compared,  # the search objects live in the migrations only
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        context.run_migrations()
