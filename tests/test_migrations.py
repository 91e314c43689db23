"""The tables the code declares and the schema the migrations build must be the same, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from lanterne.models import Base


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    # Type comparisons of our UTCDateTime decorator and SQLite's loose typing are noise; tables,
    # columns, indexes and constraints are what must agree.
    relevant = [d for d in differences if not (isinstance(d, list) and d and d[0][0] == "modify_type")]
    assert relevant == []
