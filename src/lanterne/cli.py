"""The `lanterne` root command: database, serve, demo, worker, and each domain's commands."""

from __future__ import annotations

from contextlib import ExitStack

import typer
from rich.console import Console

from lanterne.agenda import cli as agenda_cli
from lanterne.audience import cli as audience_cli
from lanterne.barometer import cli as barometer_cli
from lanterne.booking import cli as booking_cli
from lanterne.catalog import cli as catalog_cli
from lanterne.collect import cli as collect_cli
from lanterne.demo import DemoOptions
from lanterne.demo.launch import start_demo
from lanterne.errors import LanterneError
from lanterne.publish import cli as publish_cli
from lanterne.runtime import Runtime
from lanterne.serving import serve_forever
from lanterne.settings import Settings
from lanterne.worker import run_worker

app = typer.Typer(help="Lanterne: the digital back office of independent cinemas.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
console = Console()


@app.callback()
def root(ctx: typer.Context) -> None:
    """Settings come from LANTERNE_* variables (and the TOML file named by LANTERNE_CONFIG)."""
    ctx.obj = Runtime(Settings.load())


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Migrate the database to the newest schema (idempotent)."""
    runtime: Runtime = ctx.obj
    runtime.migrate()
    console.print(f"Base de données à jour ({runtime.engine.dialect.name}).")


@app.command()
def serve(
    ctx: typer.Context,
    host: str = typer.Option(None, help="Address to listen on"),
    port: int = typer.Option(None, help="Port to listen on"),
    workers: int = typer.Option(1, help="Web worker processes"),
) -> None:
    """Migrate, then serve the web app (and run the nightly jobs unless LANTERNE_SCHEDULER=false)."""
    runtime: Runtime = ctx.obj
    runtime.migrate()
    serve_forever(
        runtime, host=host or runtime.settings.host, port=port or runtime.settings.port, workers=workers
    )


@app.command()
def demo(
    ctx: typer.Context,
    seed: int = typer.Option(2026, help="Seed of the generator: same seed and day, same database"),
    cinemas: int = typer.Option(300, help="Cinemas to generate"),
    films: int = typer.Option(400, help="Films to generate"),
    days: int = typer.Option(28, help="Days of séances from today"),
    serve_after: bool = typer.Option(True, "--serve/--no-serve", help="Serve the demo once built"),
    reset: bool = typer.Option(False, help="Empty the demo database and build it again"),
) -> None:
    """Build a realistic, deterministic demo database (once; reused after), then serve it."""
    runtime: Runtime = ctx.obj
    runtime.migrate()
    with ExitStack() as vendors:  # the demo's stand-in vendors serve as long as this process
        try:
            start_demo(runtime, DemoOptions(seed, cinemas, films, days, reset), console, vendors)
        except LanterneError as error:
            console.print(f"[red]{error}[/red]")
            raise typer.Exit(2) from None
        if serve_after:
            serve_forever(runtime, host=runtime.settings.host, port=runtime.settings.port)


@app.command()
def worker(ctx: typer.Context) -> None:
    """Run the scheduled jobs (nightly sync, auto-validation…) without serving the web app."""
    runtime: Runtime = ctx.obj
    runtime.migrate()
    run_worker(runtime)


for domain in (catalog_cli, collect_cli, publish_cli, agenda_cli, booking_cli, barometer_cli, audience_cli):
    domain.register(app)


def main() -> None:
    app()
