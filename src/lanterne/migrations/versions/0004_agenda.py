"""agenda: agenda_events, agenda_accounts, agenda_account_cinemas, agenda_audit, agenda_pushes,
agenda_locations

Revision ID: 0004_agenda
Revises: 0001_catalog
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lanterne.db

revision = "0004_agenda"
down_revision = "0001_catalog"
branch_labels = ("agenda",)
depends_on = None


def _events() -> None:
    op.create_table(
        "agenda_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cinema_id", sa.Integer(), nullable=False),
        sa.Column("showtime_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=True),
        sa.Column("starts_at", lanterne.db.UTCDateTime(), nullable=True),
        sa.Column("ends_at", lanterne.db.UTCDateTime(), nullable=True),
        sa.Column("place", sa.String(length=300), nullable=True),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=True),
        sa.Column("audience", sa.String(length=200), nullable=True),
        sa.Column("host", sa.String(length=200), nullable=True),
        sa.Column("guests", sa.Text(), nullable=True),
        sa.Column("partners", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("image_url", sa.String(length=1000), nullable=True),
        sa.Column("accessibility", sa.String(length=40), nullable=True),
        sa.Column("age_min", sa.Integer(), nullable=True),
        sa.Column("age_max", sa.Integer(), nullable=True),
        sa.Column("created_at", lanterne.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", lanterne.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "showtime_id IS NOT NULL OR starts_at IS NOT NULL", name=op.f("ck_agenda_events_has_a_date")
        ),
        sa.CheckConstraint("age_min IS NULL OR age_min >= 0", name=op.f("ck_agenda_events_age_min_positive")),
        sa.ForeignKeyConstraint(
            ["cinema_id"], ["cinemas.id"], name=op.f("fk_agenda_events_cinema_id_cinemas"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["showtime_id"], ["showtimes.id"], name=op.f("fk_agenda_events_showtime_id_showtimes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_events")),
        sa.UniqueConstraint("showtime_id", name=op.f("uq_agenda_events_showtime_id")),
    )
    with op.batch_alter_table("agenda_events", schema=None) as batch_op:
        batch_op.create_index("ix_agenda_events_cinema_starts", ["cinema_id", "starts_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_agenda_events_updated_at"), ["updated_at"], unique=False)


def _accounts() -> None:
    op.create_table(
        "agenda_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("api_token_hash", sa.String(length=64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("invited_at", lanterne.db.UTCDateTime(), nullable=False),
        sa.Column("last_login_at", lanterne.db.UTCDateTime(), nullable=True),
        sa.CheckConstraint("role IN ('admin','contributor')", name=op.f("ck_agenda_accounts_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_accounts")),
        sa.UniqueConstraint("api_token_hash", name=op.f("uq_agenda_accounts_api_token_hash")),
        sa.UniqueConstraint("email", name=op.f("uq_agenda_accounts_email")),
    )
    op.create_table(
        "agenda_account_cinemas",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("cinema_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["agenda_accounts.id"],
            name=op.f("fk_agenda_account_cinemas_account_id_agenda_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["cinema_id"],
            ["cinemas.id"],
            name=op.f("fk_agenda_account_cinemas_cinema_id_cinemas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "cinema_id", name=op.f("pk_agenda_account_cinemas")),
    )


def _trail() -> None:
    op.create_table(
        "agenda_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("at", lanterne.db.UTCDateTime(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("cinema_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("diff", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["agenda_accounts.id"],
            name=op.f("fk_agenda_audit_account_id_agenda_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_audit")),
    )
    with op.batch_alter_table("agenda_audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agenda_audit_cinema_id"), ["cinema_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_agenda_audit_event_id"), ["event_id"], unique=False)


def _openagenda() -> None:
    op.create_table(
        "agenda_pushes",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("pushed_at", lanterne.db.UTCDateTime(), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.Column("openagenda_uid", sa.String(length=40), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["agenda_events.id"],
            name=op.f("fk_agenda_pushes_event_id_agenda_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_agenda_pushes")),
    )
    op.create_table(
        "agenda_locations",
        sa.Column("cinema_id", sa.Integer(), nullable=False),
        sa.Column("openagenda_uid", sa.String(length=40), nullable=False),
        sa.Column("linked_at", lanterne.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cinema_id"],
            ["cinemas.id"],
            name=op.f("fk_agenda_locations_cinema_id_cinemas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("cinema_id", name=op.f("pk_agenda_locations")),
    )


def upgrade() -> None:
    _events()
    _accounts()
    _trail()
    _openagenda()


def downgrade() -> None:
    for table in (
        "agenda_locations",
        "agenda_pushes",
        "agenda_audit",
        "agenda_account_cinemas",
        "agenda_accounts",
        "agenda_events",
    ):
        op.drop_table(table)
