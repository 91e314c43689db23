"""collect: film_sources, sync_runs, sync_rejections

Revision ID: 0002_collect
Revises: 0001_catalog
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lanterne.db

revision = "0002_collect"
down_revision = "0001_catalog"
branch_labels = ("collect",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "film_sources",
        sa.Column("cinema_id", sa.Integer(), nullable=False),
        sa.Column("connector", sa.String(length=40), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("film_id", sa.Integer(), nullable=False),
        sa.Column("created_at", lanterne.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cinema_id"], ["cinemas.id"], name=op.f("fk_film_sources_cinema_id_cinemas"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["film_id"], ["films.id"], name=op.f("fk_film_sources_film_id_films")),
        sa.PrimaryKeyConstraint("cinema_id", "connector", "external_id", name=op.f("pk_film_sources")),
    )
    with op.batch_alter_table("film_sources", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_film_sources_film_id"), ["film_id"], unique=False)

    op.create_table(
        "sync_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cinema_id", sa.Integer(), nullable=False),
        sa.Column("connector", sa.String(length=40), nullable=False),
        sa.Column("started_at", lanterne.db.UTCDateTime(), nullable=False),
        sa.Column("finished_at", lanterne.db.UTCDateTime(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("inserted", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("cancelled", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "status IN ('running','ok','partial','failed','interrupted')", name=op.f("ck_sync_runs_status")
        ),
        sa.ForeignKeyConstraint(
            ["cinema_id"], ["cinemas.id"], name=op.f("fk_sync_runs_cinema_id_cinemas"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_runs")),
    )
    with op.batch_alter_table("sync_runs", schema=None) as batch_op:
        batch_op.create_index("ix_sync_runs_cinema_started", ["cinema_id", "started_at"], unique=False)
        batch_op.create_index("ix_sync_runs_status", ["status"], unique=False)

    op.create_table(
        "sync_rejections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("record", sa.String(length=300), nullable=False),
        sa.Column("field", sa.String(length=100), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["sync_runs.id"], name=op.f("fk_sync_rejections_run_id_sync_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_rejections")),
    )
    with op.batch_alter_table("sync_rejections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_rejections_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    op.drop_table("sync_rejections")
    op.drop_table("sync_runs")
    op.drop_table("film_sources")
