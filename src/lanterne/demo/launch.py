"""`lanterne demo`: build the demo database once, reuse it after (or rebuild it on request).

A database holding any cinema that is not the demo's is never touched: the demo refuses it.
"""

from __future__ import annotations

import time
from contextlib import ExitStack
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine

from lanterne.barometer.demo import generate as generate_barometer
from lanterne.collect.sync import SyncResult, sync_all
from lanterne.demo.loading import DemoSummary, count, demo_seed, empty, load
from lanterne.demo.vendors import attach
from lanterne.demo.world import (
    DEFAULT_CINEMAS,
    DEFAULT_DAYS,
    DEFAULT_FILMS,
    DEFAULT_SEED,
    SCHOOLS_PER_CINEMA,
    DemoWorld,
    paris_today,
)
from lanterne.errors import Conflict
from lanterne.runtime import Runtime

STAGES = {"cinemas": "Cinémas", "admissions": "Entrées annuelles", "films": "Films",
          "schools": "Établissements scolaires", "showtimes": "Séances"}  # fmt: skip
# Connectors with no stand-in server (a cinema's spreadsheet): their séances are written directly.
DIRECT = frozenset({"spreadsheet", "push"})


@dataclass(frozen=True)
class DemoOptions:
    seed: int = DEFAULT_SEED
    cinemas: int = DEFAULT_CINEMAS
    films: int = DEFAULT_FILMS
    days: int = DEFAULT_DAYS
    reset: bool = False
    start: date | None = None  # today in Paris


@dataclass(frozen=True)
class VendorSession:
    """Where the demo's programme comes from: the stand-in vendors, alive until `stack` closes."""

    runtime: Runtime
    stack: ExitStack


def start_demo(runtime: Runtime, options: DemoOptions, console: Console, stack: ExitStack) -> DemoSummary:
    """`lanterne demo`: the séances come from stand-in vendors through the real sync; the stand-ins
    keep serving (for the nightly sync, or `lanterne sync` from another terminal) until `stack` closes."""
    return prepare_demo(runtime.engine, options, console, VendorSession(runtime, stack))


def prepare_demo(
    engine: Engine, options: DemoOptions, console: Console, vendors: VendorSession | None = None
) -> DemoSummary:
    """Build the demo into a migrated database, or reuse the one already there; without `vendors`,
    every séance is written directly (the benchmarks' and quick tests' way)."""
    seed, cinemas = demo_seed(engine)
    if cinemas and seed is None:
        raise Conflict(
            "Cette base contient des cinémas qui ne viennent pas de la démo : elle n'est pas modifiée. "
            "Indiquez une autre base avec LANTERNE_DATABASE_URL."
        )
    if cinemas and not options.reset:
        if vendors is not None:
            world = DemoWorld(seed or 0, cinemas, count(engine).films, paris_today())
            attach(engine, vendors.stack, world, world.start, options.days)
        summary = replace(count(engine), reused=True)
        console.print(
            f"Base de démonstration existante réutilisée (graine {seed}) ; --reset pour la reconstruire."
        )
        print_summary(console, summary)
        return summary
    if cinemas:
        empty(engine)
    world = DemoWorld(options.seed, options.cinemas, options.films, options.start or paris_today())
    started = time.perf_counter()
    direct = None if vendors is None else DIRECT
    summary = _build_with_progress(engine, world, options.days, console, direct)
    generate_barometer(engine, seed=world.seed, until=world.start)
    if vendors is not None:
        attach(engine, vendors.stack, world, world.start, options.days)
        results = _sync_with_progress(vendors.runtime, _sync_instant(world), console)
        synced = {key: sum(r.counts()[key] for r in results) for key in ("inserted", "updated", "unchanged")}
        seconds = round(time.perf_counter() - started, 1)
        summary = replace(count(engine), seconds=seconds, synced={**synced, "runs": len(results)})
    print_summary(console, summary)
    return summary


def _sync_instant(world: DemoWorld) -> datetime | None:
    """Now, for a demo of today; noon of its first day in Paris otherwise (every zone's same date)."""
    return None if world.start == paris_today() else world.created + timedelta(hours=12)


def _sync_with_progress(runtime: Runtime, now: datetime | None, console: Console) -> list[SyncResult]:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("Synchronisation (fournisseurs de démonstration)", total=None)

        def advance(result: SyncResult, total: int) -> None:
            progress.update(task, total=total, advance=1)

        return sync_all(runtime, progress=advance, now=now)


def _build_with_progress(
    engine: Engine, world: DemoWorld, days: int, console: Console, direct: frozenset[str] | None = None
) -> DemoSummary:
    cinemas = world.cinema_count
    expected = {"cinemas": cinemas, "admissions": cinemas * 3, "films": world.film_count,
                "schools": cinemas * SCHOOLS_PER_CINEMA, "showtimes": None}  # fmt: skip
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        tasks = {stage: progress.add_task(label, total=expected[stage]) for stage, label in STAGES.items()}

        def advance(stage: str, rows: int) -> None:
            progress.advance(tasks[stage], rows)

        summary = load(engine, world, days, progress=advance, direct=direct)
        for task in tasks.values():
            progress.update(task, total=progress.tasks[task].completed)
    return summary


def print_summary(console: Console, summary: DemoSummary) -> None:
    table = Table(title="Démo Lanterne", show_header=False)
    for label, value in (
        ("Cinémas", summary.cinemas),
        ("Films", summary.films),
        ("Séances", summary.showtimes),
        ("Établissements scolaires", summary.schools),
        ("Entrées annuelles", summary.admissions),
    ):
        table.add_row(label, f"{value:,}".replace(",", "\u202f"))
    if summary.first_showtime and summary.last_showtime:
        period = f"du {summary.first_showtime:%d/%m/%Y} au {summary.last_showtime:%d/%m/%Y} (UTC)"
        table.add_row("Période", period)
    if summary.synced:
        runs, new, same = (summary.synced[key] for key in ("runs", "inserted", "unchanged"))
        table.add_row("Synchronisations", f"{runs} (séances insérées : {new}, inchangées : {same})")
    if summary.seconds:
        table.add_row("Construite en", f"{summary.seconds} s")
    console.print(table)
