"""Write a demo world into the database fast: COPY on PostgreSQL, the driver's executemany on SQLite.

The whole build is one transaction, so an interrupted build leaves nothing behind and the next
`lanterne demo` starts again cleanly.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from itertools import islice
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, func, inspect, select, text

from lanterne.bulk import insert_rows
from lanterne.catalog.models import Cinema, CinemaAdmissions, Film, School, Showtime
from lanterne.db import Base, is_postgres
from lanterne.demo.world import (
    DEFAULT_CINEMAS,
    DEFAULT_DAYS,
    DEFAULT_FILMS,
    DEFAULT_SEED,
    SCHOOLS_PER_CINEMA,
    DemoWorld,
    paris_today,
    showtime_row,
)

BATCH = 5_000
CINEMAS, ADMISSIONS, FILMS, SCHOOLS, SHOWTIMES = (
    cast(Table, model.__table__) for model in (Cinema, CinemaAdmissions, Film, School, Showtime)
)
Progress = Callable[[str, int], None]  # (stage, rows just written)


@dataclass(frozen=True)
class DemoSummary:
    """What the demo database holds (counted in it), and how long the build took."""

    cinemas: int
    films: int
    showtimes: int
    schools: int
    admissions: int
    first_showtime: datetime | None = None  # a reused demo may have aged: these say which weeks it shows
    last_showtime: datetime | None = None
    seconds: float = 0.0
    reused: bool = False
    synced: dict[str, int] | None = None  # the sync runs' summed counts, when séances came through vendors


def build(
    engine: Engine,
    *,
    seed: int = DEFAULT_SEED,
    cinemas: int = DEFAULT_CINEMAS,
    films: int = DEFAULT_FILMS,
    days: int = DEFAULT_DAYS,
    start: date | None = None,
    progress: Progress | None = None,
) -> DemoSummary:
    """Generate and write a demo into an empty, migrated database (the benchmarks' entry point):
    `build(engine, cinemas=2000, films=8000)` writes about a million séances."""
    world = DemoWorld(seed, cinemas, films, start or paris_today())
    return load(engine, world, days, progress=progress)


def load(
    engine: Engine,
    world: DemoWorld,
    days: int = DEFAULT_DAYS,
    schools_per_cinema: int = SCHOOLS_PER_CINEMA,
    progress: Progress | None = None,
    direct: Collection[str] | None = None,
) -> DemoSummary:
    """Write every row of `world` into an empty, migrated database in one transaction; with `direct`,
    only the séances of cinemas whose connector it names (the others' come through their vendors)."""
    started = time.perf_counter()
    report = progress or (lambda stage, rows: None)
    with engine.begin() as connection, large_page_cache(connection):
        write(connection, CINEMAS, world.cinema_rows(), "cinemas", report)
        write(connection, ADMISSIONS, world.admission_rows(), "admissions", report)
        write(connection, FILMS, world.film_rows(), "films", report)
        write(connection, SCHOOLS, world.school_rows(schools_per_cinema), "schools", report)
        with indexes_rebuilt(connection, SHOWTIMES):
            rows = world.showtime_rows(days) if direct is None else direct_rows(world, days, direct)
            write(connection, SHOWTIMES, rows, "showtimes", report)
        if is_postgres(engine):
            # Films were written with their demo numbers as ids: move the sequence past them.
            connection.execute(
                text("SELECT setval(pg_get_serial_sequence('films', 'id'), max(id)) FROM films")
            )
    return replace(count(engine), seconds=round(time.perf_counter() - started, 1))


def direct_rows(world: DemoWorld, days: int, direct: Collection[str]) -> Iterator[dict[str, Any]]:
    """The séances of the cinemas no stand-in vendor serves (a spreadsheet's), as the loader writes them."""
    for cinema in world.cinemas:
        if cinema.connector in direct:
            for show in world.showtimes(cinema, days=days):
                yield showtime_row(cinema, show, world.created)


def write(
    connection: Connection, table: Table, rows: Iterable[dict[str, Any]], stage: str, report: Progress
) -> int:
    """Insert rows in batches: COPY on PostgreSQL, the driver's executemany on SQLite."""
    written = 0
    for batch in _batches(rows):
        insert_rows(connection, table, batch)
        written += len(batch)
        report(stage, len(batch))
    return written


@contextmanager
def large_page_cache(connection: Connection) -> Iterator[None]:
    """SQLite: 256 MB of page cache while a million rows and their indexes are written, then back to
    the previous size, so the serving process that follows does not keep the memory."""
    if connection.dialect.name != "sqlite":
        yield
        return
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql("PRAGMA cache_size=-262144")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(previous or -2000)}")


@contextmanager
def indexes_rebuilt(connection: Connection, table: Table) -> Iterator[None]:
    """Drop the table's secondary indexes for a bulk load and build them once at the end: sorting
    a million keys once is several times faster than a million random B-tree inserts."""
    existing = {index["name"] for index in inspect(connection).get_indexes(table.name)}
    dropped = [index for index in table.indexes if index.name in existing]
    for index in dropped:
        index.drop(connection)
    yield
    for index in dropped:
        index.create(connection)


def _batches(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH)):
        yield batch


def count(engine: Engine) -> DemoSummary:
    """The demo tables' row counts and the séances' first and last instants."""
    with engine.connect() as connection:

        def rows(table: Table) -> int:
            return int(connection.execute(select(func.count()).select_from(table)).scalar_one())

        starts = SHOWTIMES.c.starts_at
        first, last = connection.execute(select(func.min(starts), func.max(starts))).one()
        return DemoSummary(
            first_showtime=first,
            last_showtime=last,
            cinemas=rows(CINEMAS),
            films=rows(FILMS),
            showtimes=rows(SHOWTIMES),
            schools=rows(SCHOOLS),
            admissions=rows(ADMISSIONS),
        )


def empty(engine: Engine) -> None:
    """Delete every row of every Lanterne table (the schema and its migrations stay)."""
    existing = set(inspect(engine).get_table_names())
    tables = [table for table in Base.metadata.sorted_tables if table.name in existing]
    with engine.begin() as connection:
        if is_postgres(engine):
            names = ", ".join(f'"{table.name}"' for table in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            return
        for table in reversed(tables):
            connection.execute(table.delete())


def demo_seed(engine: Engine) -> tuple[int | None, int]:
    """The seed the database's cinemas were generated with (None when some are not the demo's), and
    how many cinemas there are: a real catalog is never mistaken for the demo and wiped."""
    with engine.connect() as connection:
        settings = [row[0] or {} for row in connection.execute(select(CINEMAS.c.connector_settings))]
    seeds = {setting.get("demo_seed") for setting in settings}
    if len(seeds) != 1 or None in seeds:
        return None, len(settings)
    seed = seeds.pop()
    return int(cast(int, seed)), len(settings)
