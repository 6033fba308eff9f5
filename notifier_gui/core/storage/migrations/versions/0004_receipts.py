"""Delivery receipts: the second stage of an accepted attempt.

attempts.receipt_at / receipt_detail / receipt_class hold the provider's later report; a notification
waiting for one names the attempt in awaiting_attempt_id.

Revision ID: 0004
Revises: 0003
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attempts") as batch:
        batch.add_column(sa.Column("receipt_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("receipt_detail", sa.Text(), nullable=True))
        batch.add_column(sa.Column("receipt_class", sa.String(length=16), nullable=True))
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("awaiting_attempt_id", sa.Integer(), nullable=True))
    op.create_index("ix_attempts_receipt_at", "attempts", ["receipt_at"], unique=False,
                    sqlite_where=sa.text("receipt_at IS NOT NULL"), postgresql_where=sa.text("receipt_at IS NOT NULL"))


def downgrade() -> None:
    op.drop_index("ix_attempts_receipt_at", table_name="attempts")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("awaiting_attempt_id")
    with op.batch_alter_table("attempts") as batch:
        batch.drop_column("receipt_class")
        batch.drop_column("receipt_detail")
        batch.drop_column("receipt_at")
