"""Attempt details as data: the code and parameters of an attempt's detail and receipt detail.

attempts.detail_code / detail_params and receipt_code / receipt_params hold the message the
English ``detail`` / ``receipt_detail`` was made from (core/messages.py: a template's code,
its parameters as JSON text), so the window renders it in the operator's language by code.
NULL in rows written before (and for plain text): those are read back by their English.
Plain ADD COLUMNs: the table is not rebuilt, so its full-text triggers stay as they are.

Revision ID: 0008
Revises: 0007
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COLUMNS = (("detail_code", sa.String(length=64)), ("detail_params", sa.Text()),
           ("receipt_code", sa.String(length=64)), ("receipt_params", sa.Text()))


def upgrade() -> None:
    for name, kind in COLUMNS:
        op.add_column("attempts", sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("attempts") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
