"""publish search: folded words for full-text `q`, and the indexes the open API's hot paths seek

Revision ID: 0008_publish_search
Revises: 0001_catalog
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lanterne.db

revision = "0008_publish_search"
down_revision = "0001_catalog"
branch_labels = ("publish_search",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_words",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("word", sa.String(length=60), nullable=False),
        sa.Column("key", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("kind", "word", "key", name=op.f("pk_search_words")),
    )
    op.create_table(
        "search_marks",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("indexed_until", lanterne.db.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_search_marks")),
    )
    op.create_index("ix_showtimes_last_seen_at", "showtimes", ["last_seen_at"], unique=False)
    op.create_index("ix_films_updated_at", "films", ["updated_at"], unique=False)
    op.create_index("ix_cinemas_updated_at", "cinemas", ["updated_at"], unique=False)
    op.create_index("ix_schools_updated_at", "schools", ["updated_at"], unique=False)
    op.create_index("ix_search_words_kind_key", "search_words", ["kind", "key"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_search_words_kind_key", table_name="search_words")
    op.drop_index("ix_schools_updated_at", table_name="schools")
    op.drop_index("ix_cinemas_updated_at", table_name="cinemas")
    op.drop_index("ix_films_updated_at", table_name="films")
    op.drop_index("ix_showtimes_last_seen_at", table_name="showtimes")
    op.drop_table("search_marks")
    op.drop_table("search_words")
