"""recipients.sort_name: the table's name order as an indexed string.

The recipients page reads its rows a page at a time, sorted in SQL. Names sort as the window
always sorted them (case-blind, "Ё" with "Е", "item 9" before "item 10"), which neither
SQLite's ``lower()`` nor a database collation gives on both dialects: the store writes
:func:`~notifier_gui.core.storage.sortkey.name_sort_key` beside each name, and an index on
(sort_name, id) lets any page sorted by name be read without sorting the table.
Existing rows are filled here, in batches.

Revision ID: 0005
Revises: 0004
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from notifier_gui.core.storage.sortkey import name_sort_key

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_BATCH = 5000


def upgrade() -> None:
    with op.batch_alter_table("recipients") as batch:
        batch.add_column(sa.Column("sort_name", sa.Text().with_variant(sa.Text(collation="C"), "postgresql"),
                                   nullable=False, server_default=""))
    conn = op.get_bind()
    recipients = sa.table("recipients", sa.column("id", sa.Integer), sa.column("name", sa.String),
                          sa.column("sort_name", sa.Text))
    last = 0
    while True:
        rows = conn.execute(sa.select(recipients.c.id, recipients.c.name).where(recipients.c.id > last)
                            .order_by(recipients.c.id).limit(_BATCH)).all()
        if not rows:
            break
        conn.execute(sa.update(recipients).where(recipients.c.id == sa.bindparam("rid"))
                     .values(sort_name=sa.bindparam("key")),
                     [{"rid": i, "key": name_sort_key(name)} for i, name in rows])
        last = rows[-1][0]
    op.create_index("ix_recipients_sort_name", "recipients", ["sort_name", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_recipients_sort_name", table_name="recipients")
    with op.batch_alter_table("recipients") as batch:
        batch.drop_column("sort_name")
