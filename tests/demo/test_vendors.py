"""The demo's séances come from stand-in vendors over HTTP, through the real sync engine."""

from __future__ import annotations

import io
from contextlib import ExitStack

from rich.console import Console
from sqlalchemy import Engine, func, select

from lanterne.barometer.models import MarketWeek, WeeklyAdmissions
from lanterne.catalog.models import Cinema, Film, Showtime
from lanterne.collect.models import SyncRun
from lanterne.collect.sync import sync_all
from lanterne.demo.launch import DemoOptions, start_demo
from lanterne.demo.loading import demo_seed
from lanterne.demo.vendors import VENDORS
from lanterne.runtime import Runtime

SMALL = DemoOptions(seed=11, cinemas=16, films=30, days=3)  # every vendor; from today, as the sync


def quiet() -> Console:
    return Console(file=io.StringIO(), width=120)


def scalar(engine: Engine, query: object) -> object:
    with engine.connect() as connection:
        return connection.execute(query).scalar_one()  # type: ignore[call-overload]


def test_the_demo_programme_arrives_through_every_vendor(runtime: Runtime, engine: Engine) -> None:
    with ExitStack() as stack:
        summary = start_demo(runtime, SMALL, quiet(), stack)
        assert summary.synced is not None and summary.synced["inserted"] > 0
        with engine.connect() as connection:
            sources = set(connection.execute(select(Showtime.source).distinct()).scalars())
            columns = (SyncRun.connector, SyncRun.inserted, SyncRun.error)
            # spreadsheet cinemas are upload-only: their (direct) séances are not pulled
            runs = connection.execute(select(*columns).where(SyncRun.connector.in_(VENDORS))).all()
        assert sources & set(VENDORS) == {run.connector for run in runs} == set(VENDORS)
        assert runs and all(run.inserted > 0 and run.error is None for run in runs)
        assert summary.showtimes == scalar(engine, select(func.count()).select_from(Showtime))
        # every vendor's film resolved to the demo's own (CDS says only its visa): no duplicate film
        assert scalar(engine, select(func.count()).select_from(Film)) == SMALL.films

        again = sync_all(
            runtime,
        )
        assert again and all(r.error is None and r.written == 0 for r in again)
    assert demo_seed(engine) == (11, 16)
    assert scalar(engine, select(func.count()).select_from(MarketWeek)) > 50
    assert scalar(engine, select(func.count()).select_from(WeeklyAdmissions)) > 0


def test_a_reused_demo_reattaches_its_cinemas_to_the_new_stand_ins(runtime: Runtime, engine: Engine) -> None:
    with ExitStack() as stack:
        start_demo(runtime, SMALL, quiet(), stack)
    with engine.connect() as connection:
        before = dict(connection.execute(select(Cinema.id, Cinema.connector_settings)).all())
    with ExitStack() as stack:
        reused = start_demo(runtime, SMALL, quiet(), stack)
        assert reused.reused
        with engine.connect() as connection:
            after = dict(connection.execute(select(Cinema.id, Cinema.connector_settings)).all())
        moved = [cinema for cinema, settings in after.items() if settings != before[cinema]]
        assert moved and all(after[cinema]["demo_seed"] == 11 for cinema in after)
        results = sync_all(
            runtime,
        )
        assert results and all(result.error is None for result in results)
    assert demo_seed(engine) == (11, 16)
