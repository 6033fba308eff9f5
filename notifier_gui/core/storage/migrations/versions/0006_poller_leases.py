"""poller_leases: one process at a time polls the providers for delivery reports.

Two ``notifier worker`` processes on one database each asked the provider about every
outstanding message. A row per kind of polling (``receipts``) names the process that polls
and until when; it renews the lease while it runs, and another process takes over when the
lease runs out (its holder was killed) or is given back (a clean stop).

Revision ID: 0006
Revises: 0005
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "poller_leases",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_poller_leases")),
    )


def downgrade() -> None:
    op.drop_table("poller_leases")
