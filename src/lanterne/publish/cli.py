"""`lanterne apikey …` and `lanterne publish …`: thin — parse, call one domain function, print."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from lanterne.errors import LanterneError
from lanterne.publish import apikeys, exports
from lanterne.runtime import Runtime

apikey_app = typer.Typer(
    help="Clés d'API des réutilisateurs (limite de requêtes doublée).", no_args_is_help=True
)
publish_app = typer.Typer(help="Jeux de données ouverts : fichiers d'export complets.", no_args_is_help=True)
console = Console()


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root `lanterne` command."""
    app.add_typer(apikey_app, name="apikey")
    app.add_typer(publish_app, name="publish")


def _fail(error: LanterneError) -> typer.Exit:
    console.print(f"[red]{error}[/red]")
    return typer.Exit(2)


@apikey_app.command("create")
def create(ctx: typer.Context, name: str = typer.Argument(..., help="Who the key is for")) -> None:
    """Create a key and print it — the only time it is shown; only its hash is stored."""
    runtime: Runtime = ctx.obj
    try:
        key = apikeys.create_key(runtime.engine, name)
    except LanterneError as error:
        raise _fail(error) from error
    console.print(f"Clé « {name} » créée ; notez-la, elle ne sera plus affichée :")
    print(key)


@apikey_app.command("list")
def list_command(ctx: typer.Context) -> None:
    """List the keys (name, prefix, dates) — never the keys themselves."""
    runtime: Runtime = ctx.obj
    table = Table("nom", "préfixe", "créée", "dernier usage", "révoquée")
    for key in apikeys.list_keys(runtime.engine):
        dates = (key.created_at, key.last_used_at, key.revoked_at)
        table.add_row(key.name, key.prefix, *(f"{d:%Y-%m-%d %H:%M}" if d else "—" for d in dates))
    console.print(table)


@apikey_app.command("revoke")
def revoke(ctx: typer.Context, name_or_prefix: str = typer.Argument(..., help="Key name or prefix")) -> None:
    """Revoke a key by its name or its shown prefix; requests with it are refused (401)."""
    runtime: Runtime = ctx.obj
    try:
        name = apikeys.revoke_key(runtime.engine, name_or_prefix)
    except LanterneError as error:
        raise _fail(error) from error
    console.print(f"Clé « {name} » révoquée.")


@publish_app.command("build-exports")
def build_exports(
    ctx: typer.Context,
    dataset: list[str] = typer.Option([], help="Only these datasets (default: all)"),
) -> None:
    """Rebuild the whole-dataset files (CSV, XLSX, GeoJSON, iCalendar, Parquet) served from disk."""
    runtime: Runtime = ctx.obj
    try:
        built = exports.build_exports(runtime, dataset or None)
    except LanterneError as error:
        raise _fail(error) from error
    for path in built:
        console.print(f"{path.name}  {path.stat().st_size:,} octets")
