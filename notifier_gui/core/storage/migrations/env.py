"""Alembic environment: runs on the engine the program passes in (never a URL from a file)."""
from __future__ import annotations

from alembic import context

from notifier_gui.core.storage.schema import METADATA, compared

engine = context.config.attributes["engine"]
# Take the write lock before reading the version table, so two programs starting at
# once cannot both apply the same migration.
with engine.execution_options(immediate=True).connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=METADATA,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies tables
        compare_type=True,
        include_name=compared,  # the search objects live in the migrations only
    )
    with context.begin_transaction():
        context.run_migrations()
