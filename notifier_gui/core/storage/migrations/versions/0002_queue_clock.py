"""The queue clock's high-water mark (clock steps backwards are detected and undone).

Revision ID: 0002
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "queue_clock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("high_water", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queue_clock")),
    )


def downgrade() -> None:
    op.drop_table("queue_clock")
