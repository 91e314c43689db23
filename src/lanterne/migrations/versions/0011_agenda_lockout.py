"""agenda lockout: consecutive failed sign-ins and the lock they earn, on agenda_accounts

Revision ID: 0011_agenda_lockout
Revises: 0004_agenda
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lanterne.db

revision = "0011_agenda_lockout"
down_revision = "0004_agenda"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agenda_accounts") as batch:
        batch.add_column(sa.Column("failed_sign_ins", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("locked_until", lanterne.db.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agenda_accounts") as batch:
        batch.drop_column("locked_until")
        batch.drop_column("failed_sign_ins")
