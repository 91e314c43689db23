"""`lanterne` commands of the catalog domain: thin — parse, call one domain function, print."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine

from lanterne.catalog.importers.cinemas import import_cinemas
from lanterne.catalog.importers.film_lists import import_accessible, import_recommended
from lanterne.catalog.importers.films import import_films
from lanterne.catalog.importers.loading import ImportReport
from lanterne.catalog.importers.loading import Progress as ProgressCallback
from lanterne.catalog.importers.schools import import_schools
from lanterne.errors import LanterneError
from lanterne.runtime import Runtime

import_app = typer.Typer(
    help="Import the national reference files (CNC cinemas and films, schools, film lists).",
    no_args_is_help=True,
)
console = Console()
FILE = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="CSV or XLSX file")
REPLACE = typer.Option(False, "--replace", help="Unmark the films the list no longer names")
Importer = Callable[[Engine, Path, ProgressCallback], ImportReport]


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root `lanterne` command."""
    app.add_typer(import_app, name="import")


def run_import(ctx: typer.Context, importer: Importer, path: Path) -> None:
    """Migrate, load with a progress bar, print the report.

    Exit status: 0 loaded, 1 loaded but some rows were rejected, 2 the file was refused (nothing loaded).
    """
    runtime: Runtime = ctx.obj
    runtime.migrate()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(path.name, total=None)
        try:
            report = importer(
                runtime.engine, path, lambda done, total: bar.update(task, completed=done, total=total)
            )
        except LanterneError as error:
            console.print(f"[red]Fichier refusé, rien n'est chargé : {error}[/red]", soft_wrap=True)
            raise typer.Exit(2) from None
        finally:
            runtime.close()
    for line in report.summary():
        console.print(line, markup=False, highlight=False, soft_wrap=True)
    if report.rejected:
        raise typer.Exit(1)


@import_app.command("cinemas")
def cinemas(ctx: typer.Context, path: Path = FILE) -> None:
    """The CNC list of cinemas: the 2024 workbook (sheet Etab) or the 2022 data.culture.gouv CSV."""
    run_import(ctx, import_cinemas, path)


@import_app.command("schools")
def schools(ctx: typer.Context, path: Path = FILE) -> None:
    """The schools directory (annuaire de l'éducation), 2023 or 2026 layout."""
    run_import(ctx, import_schools, path)


@import_app.command("films")
def films(ctx: typer.Context, path: Path = FILE) -> None:
    """The CNC "films agréés" workbook (one sheet a year) or its flattened CSV."""
    run_import(ctx, import_films, path)


@import_app.command("recommended")
def recommended(ctx: typer.Context, path: Path = FILE, replace: bool = REPLACE) -> None:
    """A list of Art et Essai recommended films (title, director, year, visa when known)."""
    run_import(
        ctx, lambda engine, file, progress: import_recommended(engine, file, progress, replace=replace), path
    )


@import_app.command("accessible")
def accessible(ctx: typer.Context, path: Path = FILE, replace: bool = REPLACE) -> None:
    """A list of films with accessible versions (audio description, subtitles for the deaf)."""
    run_import(
        ctx, lambda engine, file, progress: import_accessible(engine, file, progress, replace=replace), path
    )
