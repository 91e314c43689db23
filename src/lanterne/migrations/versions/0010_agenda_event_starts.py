"""agenda event starts: a partial index on showtimes (starts_at, id) holding only the event séances, for
the agenda's week by region, department and type

Revision ID: 0010_agenda_event_starts
Revises: 0011_agenda_lockout
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_agenda_event_starts"
down_revision = "0011_agenda_lockout"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The condition in the form the events dataset's queries use, so each database matches it; the
    # columns the agenda's filters read ride along, so a page never visits the table for a turned-down event.
    op.create_index(
        "ix_showtimes_event_starts",
        "showtimes",
        ["starts_at", "id", "cinema_id", "film_id", "event_headline", "is_event"],
        unique=False,
        sqlite_where=sa.text("is_event IS 1"),
        postgresql_where=sa.text("is_event IS true"),
    )


def downgrade() -> None:
    op.drop_index("ix_showtimes_event_starts", table_name="showtimes")
