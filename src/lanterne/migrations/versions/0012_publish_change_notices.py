"""publish change notices: on PostgreSQL, a commit that touches open data NOTIFYs the web workers

Revision ID: 0012_publish_change_notices
Revises: 0009_publish_day_window
"""

from __future__ import annotations

from alembic import op

revision = "0012_publish_change_notices"
down_revision = "0009_publish_day_window"
branch_labels = None
depends_on = ("0010_agenda_event_starts", "0006_barometer")

CHANNEL = "lanterne_changes"  # lanterne.db.CHANGES_CHANNEL, as it was when this revision was written
# Every table a published dataset reads, and the search words: a test keeps this list whole.
TABLES = (
    "showtimes",
    "cinemas",
    "films",
    "schools",
    "agenda_events",
    "barometer_figures",
    "search_words",
    "search_marks",
)


def upgrade() -> None:
    # SQLite needs none: `PRAGMA data_version` says when another connection committed.
    if op.get_bind().dialect.name != "postgresql":
        return
    # Once per statement, not per row: a nightly sync writes a million séances. PostgreSQL delivers a
    # transaction's notices at its commit and folds identical ones into one.
    op.execute(
        f"""
        CREATE OR REPLACE FUNCTION lanterne_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{CHANNEL}', '');
            RETURN NULL;
        END $$
        """
    )
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER lanterne_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION lanterne_notify_change()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS lanterne_notify_change ON {table}")
    op.execute("DROP FUNCTION IF EXISTS lanterne_notify_change()")
