"""Writing the demo: every generated row lands, read back identical, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.dialects import sqlite

from lanterne.bulk import sqlite_encoder
from lanterne.catalog.models import Cinema, Film, School, Showtime
from lanterne.db import UTCDateTime, transaction
from lanterne.demo.loading import build, count, demo_seed, empty, load
from lanterne.demo.world import DemoWorld

START = date(2026, 11, 23)


def small_world(seed: int = 9) -> DemoWorld:
    return DemoWorld(seed=seed, cinema_count=20, film_count=40, start=START)


def test_build_writes_every_generated_row(engine: Engine) -> None:
    world = small_world()
    summary = load(engine, world, days=3, schools_per_cinema=4)
    generated = list(world.showtime_rows(days=3))
    assert (summary.cinemas, summary.films, summary.schools) == (20, 40, 80)
    assert summary.admissions == 60
    assert summary.showtimes == len(generated) > 500
    assert summary.first_showtime == min(row["starts_at"] for row in generated)
    assert summary.last_showtime == max(row["starts_at"] for row in generated)
    with engine.connect() as connection:
        stored = connection.execute(
            select(Showtime.external_id, Showtime.starts_at, Showtime.film_id, Showtime.is_event).order_by(
                Showtime.id
            )
        ).all()
    assert [tuple(row) for row in stored] == [
        (row["external_id"], row["starts_at"], row["film_id"], row["is_event"]) for row in generated
    ]


def test_fast_writes_store_values_as_sqlalchemy_does(engine: Engine) -> None:
    """Queries bound through SQLAlchemy find the rows written by COPY or raw executemany."""
    world = small_world()
    load(engine, world, days=2, schools_per_cinema=1)
    first = next(world.showtime_rows(days=2))
    film = world.films[0]
    with engine.connect() as connection:
        found = connection.execute(
            select(func.count()).where(Showtime.starts_at == first["starts_at"])
        ).scalar()
        release = connection.execute(select(Film.release_date).where(Film.id == film.number)).scalar()
        settings = connection.execute(
            select(Cinema.connector_settings).where(Cinema.id == first["cinema_id"])
        ).scalar()
        consent = (
            connection.execute(select(Cinema.consent_at).where(Cinema.consent_at.is_not(None)))
            .scalars()
            .first()
        )
    assert found and found >= 1
    assert release == film.release_date
    assert settings == {"demo_seed": 9}
    assert consent is not None and consent.tzinfo is not None


def test_sqlite_encoder_matches_the_column_types_own_processing() -> None:
    instant = datetime(2026, 11, 24, 0, 45, tzinfo=UTC)
    dialect = sqlite.dialect()
    processor = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    assert processor is not None
    encode = sqlite_encoder(UTCDateTime())
    assert encode is not None
    assert encode(instant) == processor(instant)
    with_micro = instant.replace(microsecond=1500)
    assert encode(with_micro) == processor(with_micro)


def test_indexes_are_rebuilt_and_new_films_get_fresh_ids(engine: Engine) -> None:
    load(engine, small_world(), days=1, schools_per_cinema=1)
    names = {index["name"] for index in inspect(engine).get_indexes("showtimes")}
    assert {index.name for index in Showtime.__table__.indexes} <= names
    with transaction(engine) as session:
        film = Film(title="Un film ajouté après la démo")
        session.add(film)
        session.flush()
        assert film.id == 41


def test_empty_then_rebuild_and_recognise_the_demo(engine: Engine) -> None:
    load(engine, small_world(), days=1, schools_per_cinema=1)
    assert demo_seed(engine) == (9, 20)
    empty(engine)
    assert count(engine).cinemas == count(engine).showtimes == 0
    assert demo_seed(engine) == (None, 0)
    load(engine, small_world(seed=10), days=1, schools_per_cinema=1)
    assert demo_seed(engine) == (10, 20)


def test_a_real_cinema_is_not_taken_for_the_demo(engine: Engine) -> None:
    load(engine, small_world(), days=1, schools_per_cinema=1)
    with transaction(engine) as session:
        session.add(Cinema(id=1000035, cnc_region=1, cnc_number=35, name="Le Balzac", postcode="75008"))
    assert demo_seed(engine) == (None, 21)


@pytest.mark.parametrize("table", [School])
def test_schools_land_with_their_uai(engine: Engine, table: type[School]) -> None:
    load(engine, small_world(), days=1, schools_per_cinema=2)
    with engine.connect() as connection:
        codes = connection.execute(select(table.uai)).scalars().all()
    assert len(codes) == 40 and all(len(code) == 8 for code in codes)


def test_build_generates_then_loads(engine: Engine) -> None:
    summary = build(engine, seed=2, cinemas=6, films=12, days=1, start=START)
    assert (summary.cinemas, summary.films) == (6, 12)
    assert summary.showtimes == sum(1 for _ in DemoWorld(2, 6, 12, START).showtime_rows(days=1))


def test_the_sqlite_page_cache_is_given_back(engine: Engine) -> None:
    with engine.connect() as connection:
        before = (
            connection.exec_driver_sql("PRAGMA cache_size").scalar() if engine.dialect.name == "sqlite" else 0
        )
    load(engine, small_world(), days=1, schools_per_cinema=1)
    with engine.connect() as connection:
        after = (
            connection.exec_driver_sql("PRAGMA cache_size").scalar() if engine.dialect.name == "sqlite" else 0
        )
    assert after == before
