"""History at scale: indexes for live counts, the double-send guard and the start-up
sweep of per-send secrets (partial), and text search.

SQLite: FTS5 tables with the trigram tokenizer (substring search, case-folded, Cyrillic
included) over each attempt's detail and its notification's recipient name, and over the
recipients' name, email and phone; triggers keep them in step. PostgreSQL: pg_trgm GIN
indexes on the same columns, answering the same ``ILIKE '%text%'`` filter.

Filling the search tables of a large database takes a while: it runs in slices of
``SLICE`` rows and reports ``(done, total)`` after each through
``config.attributes["progress"]`` when the caller gave one (the window and the CLI show it).

Revision ID: 0003
Revises: 0001
"""
from __future__ import annotations

import logging
from collections.abc import Callable

import sqlalchemy as sa
from alembic import context, op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

log = logging.getLogger("notifier.storage")
SLICE = 50_000
REPORT_FROM = 10_000  # a smaller database upgrades in a blink: no progress shown

_SQLITE_TRIGGERS = (
    # An attempt is inserted with its notification's recipient name (a snapshot that never
    # changes) and its detail is rewritten once when it finishes.
    """CREATE TRIGGER attempts_fts_insert AFTER INSERT ON attempts BEGIN
         INSERT INTO attempts_fts(rowid, recipient, detail)
         VALUES (new.id, (SELECT recipient_name FROM notifications WHERE id = new.notification_id), new.detail);
       END""",
    """CREATE TRIGGER attempts_fts_update AFTER UPDATE OF detail ON attempts
       WHEN new.detail IS NOT old.detail BEGIN
         UPDATE attempts_fts SET detail = new.detail WHERE rowid = new.id;
       END""",
    """CREATE TRIGGER attempts_fts_delete AFTER DELETE ON attempts BEGIN
         DELETE FROM attempts_fts WHERE rowid = old.id;
       END""",
    """CREATE TRIGGER recipients_fts_insert AFTER INSERT ON recipients BEGIN
         INSERT INTO recipients_fts(rowid, name, email, phone)
         VALUES (new.id, new.name, coalesce(new.email, ''), coalesce(new.phone, ''));
       END""",
    """CREATE TRIGGER recipients_fts_update AFTER UPDATE OF name, email, phone ON recipients BEGIN
         UPDATE recipients_fts SET name = new.name, email = coalesce(new.email, ''),
                phone = coalesce(new.phone, '') WHERE rowid = new.id;
       END""",
    """CREATE TRIGGER recipients_fts_delete AFTER DELETE ON recipients BEGIN
         DELETE FROM recipients_fts WHERE rowid = old.id;
       END""",
)


def _progress() -> Callable[[int, int], None] | None:
    cb = context.config.attributes.get("progress")
    return cb if callable(cb) else None


def _fill_sqlite(conn: sa.Connection) -> None:
    total = int(conn.exec_driver_sql("SELECT count(*) FROM attempts").scalar() or 0)
    top = int(conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM attempts").scalar() or 0)
    report = _progress() if total >= REPORT_FROM else None
    if total > SLICE:
        log.info("building the search index over %d attempts", total)
    done = 0
    for start in range(0, top, SLICE):
        res = conn.exec_driver_sql(
            "INSERT INTO attempts_fts(rowid, recipient, detail) "
            "SELECT a.id, n.recipient_name, a.detail FROM attempts a JOIN notifications n ON n.id = a.notification_id "
            "WHERE a.id > ? AND a.id <= ?", (start, start + SLICE))
        done += max(res.rowcount or 0, 0)
        if report is not None:
            report(min(done, total), total)
    conn.exec_driver_sql("INSERT INTO recipients_fts(rowid, name, email, phone) "
                         "SELECT id, name, coalesce(email, ''), coalesce(phone, '') FROM recipients")


def upgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index("ix_notifications_finished", ["state", "finished_at"], unique=False)
        batch_op.create_index("ix_notifications_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_notifications_secret_ref", ["smtp_secret_ref"], unique=False,
                              sqlite_where=sa.text("smtp_secret_ref IS NOT NULL"),
                              postgresql_where=sa.text("smtp_secret_ref IS NOT NULL"))
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("CREATE VIRTUAL TABLE attempts_fts USING fts5(recipient, detail, tokenize='trigram')")
        conn.exec_driver_sql("CREATE VIRTUAL TABLE recipients_fts USING fts5(name, email, phone, tokenize='trigram')")
        _fill_sqlite(conn)
        for trigger in _SQLITE_TRIGGERS:
            conn.exec_driver_sql(trigger)
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, table, column in (("ix_attempts_detail_trgm", "attempts", "detail"),
                                    ("ix_notifications_recipient_name_trgm", "notifications", "recipient_name"),
                                    ("ix_recipients_name_trgm", "recipients", "name"),
                                    ("ix_recipients_email_trgm", "recipients", "email"),
                                    ("ix_recipients_phone_trgm", "recipients", "phone")):
            conn.exec_driver_sql(f"CREATE INDEX {name} ON {table} USING gin ({column} gin_trgm_ops)")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        for name in ("attempts_fts_insert", "attempts_fts_update", "attempts_fts_delete",
                     "recipients_fts_insert", "recipients_fts_update", "recipients_fts_delete"):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        conn.exec_driver_sql("DROP TABLE IF EXISTS attempts_fts")
        conn.exec_driver_sql("DROP TABLE IF EXISTS recipients_fts")
    elif conn.dialect.name == "postgresql":
        for name in ("ix_attempts_detail_trgm", "ix_notifications_recipient_name_trgm", "ix_recipients_name_trgm",
                     "ix_recipients_email_trgm", "ix_recipients_phone_trgm"):
            conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_secret_ref")
        batch_op.drop_index("ix_notifications_created_at")
        batch_op.drop_index("ix_notifications_finished")
