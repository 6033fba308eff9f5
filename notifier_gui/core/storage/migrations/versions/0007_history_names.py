"""The log's name-first search: the names in the history, and a text index of the details alone.

Typing a recipient's name into the delivery log's search ("Anna Smirnova 10") walked every
attempt the long words match (tens of thousands at a year's size) to check the rest. Migration
0007 gives the search another way in (core/storage/history.py, ``History.page``):

- ``history_names``: every distinct ``notifications.recipient_name``, kept by triggers on
  insert and on a change of the name, so that the names holding the words are found among
  thousands of names, not millions of rows. A name stays when its notifications are pruned:
  it then matches no rows, which costs nothing, and removing it could race an enqueue of the
  same name on PostgreSQL (the delete would not see the other transaction's new row). What
  the search relies on is only that every name in ``notifications`` is in the table;
- ``ix_notifications_recipient_name``: from those names to their notifications;
- SQLite only: ``attempt_details_fts``, an FTS5 trigram index over ``attempts.detail`` alone
  (``attempts_fts`` indexes the name and the detail together, so "anna" in a detail could only
  be found by walking every attempt of every Anna). PostgreSQL already has its pg_trgm index
  on ``attempts.detail`` (0003).

Existing rows are filled here; the detail index of a large database in slices, reporting
``(done, total)`` through ``config.attributes["progress"]`` like 0003.

Revision ID: 0007
Revises: 0006
"""
from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import context, op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

log = logging.getLogger("notifier.storage")
SLICE = 50_000
REPORT_FROM = 10_000

_SQLITE_TRIGGERS = (
    """CREATE TRIGGER history_names_insert AFTER INSERT ON notifications BEGIN
         INSERT OR IGNORE INTO history_names(name) VALUES (new.recipient_name);
       END""",
    """CREATE TRIGGER history_names_update AFTER UPDATE OF recipient_name ON notifications
       WHEN new.recipient_name IS NOT old.recipient_name BEGIN
         INSERT OR IGNORE INTO history_names(name) VALUES (new.recipient_name);
       END""",
    # External content: the index reads nothing back but rowids; an update or a delete must
    # hand it the old text (what it indexed), which the trigger has.
    """CREATE TRIGGER attempt_details_fts_insert AFTER INSERT ON attempts BEGIN
         INSERT INTO attempt_details_fts(rowid, detail) VALUES (new.id, new.detail);
       END""",
    """CREATE TRIGGER attempt_details_fts_update AFTER UPDATE OF detail ON attempts
       WHEN new.detail IS NOT old.detail BEGIN
         INSERT INTO attempt_details_fts(attempt_details_fts, rowid, detail) VALUES ('delete', old.id, old.detail);
         INSERT INTO attempt_details_fts(rowid, detail) VALUES (new.id, new.detail);
       END""",
    """CREATE TRIGGER attempt_details_fts_delete AFTER DELETE ON attempts BEGIN
         INSERT INTO attempt_details_fts(attempt_details_fts, rowid, detail) VALUES ('delete', old.id, old.detail);
       END""",
)
_SQLITE_TRIGGER_NAMES = ("history_names_insert", "history_names_update",
                         "attempt_details_fts_insert", "attempt_details_fts_update", "attempt_details_fts_delete")

_PG_FUNCTION = """
CREATE FUNCTION history_names_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO history_names(name) VALUES (NEW.recipient_name) ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$"""
_PG_TRIGGERS = (
    "CREATE TRIGGER history_names_keep AFTER INSERT ON notifications "
    "FOR EACH ROW EXECUTE FUNCTION history_names_keep()",
    "CREATE TRIGGER history_names_rename AFTER UPDATE OF recipient_name ON notifications "
    "FOR EACH ROW WHEN (OLD.recipient_name IS DISTINCT FROM NEW.recipient_name) EXECUTE FUNCTION history_names_keep()",
)


def _fill_details(conn: sa.Connection) -> None:
    total = int(conn.exec_driver_sql("SELECT count(*) FROM attempts").scalar() or 0)
    top = int(conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM attempts").scalar() or 0)
    cb = context.config.attributes.get("progress")
    report = cb if callable(cb) and total >= REPORT_FROM else None
    if total > SLICE:
        log.info("indexing the details of %d attempts", total)
    done = 0
    for start in range(0, top, SLICE):
        res = conn.exec_driver_sql("INSERT INTO attempt_details_fts(rowid, detail) "
                                   "SELECT id, detail FROM attempts WHERE id > ? AND id <= ?", (start, start + SLICE))
        done += max(res.rowcount or 0, 0)
        if report is not None:
            report(min(done, total), total)


def upgrade() -> None:
    op.create_table(
        "history_names",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_history_names")),
    )
    op.create_index("ix_notifications_recipient_name", "notifications", ["recipient_name"], unique=False)
    conn = op.get_bind()
    conn.exec_driver_sql("INSERT INTO history_names(name) SELECT DISTINCT recipient_name FROM notifications")
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("CREATE VIRTUAL TABLE attempt_details_fts USING fts5("
                             "detail, tokenize='trigram', content='attempts', content_rowid='id')")
        _fill_details(conn)
        for trigger in _SQLITE_TRIGGERS:
            conn.exec_driver_sql(trigger)
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql(_PG_FUNCTION)
        for trigger in _PG_TRIGGERS:
            conn.exec_driver_sql(trigger)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        for name in _SQLITE_TRIGGER_NAMES:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        conn.exec_driver_sql("DROP TABLE IF EXISTS attempt_details_fts")
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS history_names_rename ON notifications")
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS history_names_keep ON notifications")
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS history_names_keep()")
    op.drop_index("ix_notifications_recipient_name", table_name="notifications")
    op.drop_table("history_names")
