"""`lanterne demo`: build the demo database once, reuse it after (or rebuild it on request).

A database holding any cinema that is not the demo's is never touched: the demo refuses it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine

from lanterne.demo.loading import DemoSummary, count, demo_seed, empty, load
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

STAGES = {"cinemas": "Cinémas", "admissions": "Entrées annuelles", "films": "Films",
          "schools": "Établissements scolaires", "showtimes": "Séances"}  # fmt: skip


@dataclass(frozen=True)
class DemoOptions:
    seed: int = DEFAULT_SEED
    cinemas: int = DEFAULT_CINEMAS
    films: int = DEFAULT_FILMS
    days: int = DEFAULT_DAYS
    reset: bool = False
    start: date | None = None  # today in Paris


def prepare_demo(engine: Engine, options: DemoOptions, console: Console) -> DemoSummary:
    """Build the demo into a migrated database, or reuse the one already there."""
    seed, cinemas = demo_seed(engine)
    if cinemas and seed is None:
        raise Conflict(
            "Cette base contient des cinémas qui ne viennent pas de la démo : elle n'est pas modifiée. "
            "Indiquez une autre base avec LANTERNE_DATABASE_URL."
        )
    if cinemas and not options.reset:
        summary = replace(count(engine), reused=True)
        console.print(
            f"Base de démonstration existante réutilisée (graine {seed}) ; --reset pour la reconstruire."
        )
        print_summary(console, summary)
        return summary
    if cinemas:
        empty(engine)
    world = DemoWorld(options.seed, options.cinemas, options.films, options.start or paris_today())
    summary = _build_with_progress(engine, world, options.days, console)
    print_summary(console, summary)
    return summary


def _build_with_progress(engine: Engine, world: DemoWorld, days: int, console: Console) -> DemoSummary:
    cinemas = world.cinema_count
    expected = {"cinemas": cinemas, "admissions": cinemas * 3, "films": world.film_count,
                "schools": cinemas * SCHOOLS_PER_CINEMA, "showtimes": None}  # fmt: skip
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        tasks = {stage: progress.add_task(label, total=expected[stage]) for stage, label in STAGES.items()}

        def advance(stage: str, rows: int) -> None:
            progress.advance(tasks[stage], rows)

        summary = load(engine, world, days, progress=advance)
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
    if summary.seconds:
        table.add_row("Construite en", f"{summary.seconds} s")
    console.print(table)
