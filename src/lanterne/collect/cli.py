"""`lanterne sync` and `lanterne cinemas` (attach a source, record consent): thin — parse, call one
domain function, print. Secrets are prompted without echo and never printed back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from lanterne.collect.attach import connect_cinema, describe_cinema, record_consent
from lanterne.collect.push import issue_push_token
from lanterne.collect.runs import latest_runs, list_runs, run_detail
from lanterne.collect.sync import SyncResult, sync_all
from lanterne.db import utcnow
from lanterne.errors import LanterneError
from lanterne.runtime import Runtime

console = Console()
RUN_FIELDS = ("inserted", "updated", "cancelled", "unchanged", "rejected")


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root `lanterne` command."""
    sync_app = typer.Typer(help="Synchronise the programmes of the member cinemas.")
    cinemas_app = typer.Typer(help="Attach cinemas to their box office and record their consent.")
    sync_app.callback(invoke_without_command=True)(sync)
    sync_app.command("status")(status)
    cinemas_app.command("connect")(connect)
    cinemas_app.command("show")(show)
    cinemas_app.command("consent")(consent)
    cinemas_app.command("push-token")(push_token)
    app.add_typer(sync_app, name="sync")
    app.add_typer(cinemas_app, name="cinemas", no_args_is_help=True)


def sync(
    ctx: typer.Context,
    cinema: int | None = typer.Option(None, "--cinema", help="Only this cinema (its id)"),
    connector: str | None = typer.Option(None, "--connector", help="Only the cinemas of this source"),
) -> None:
    """Fetch each consenting cinema's programme and apply the changes (what the nightly job does)."""
    if ctx.invoked_subcommand is not None:
        return
    runtime: Runtime = ctx.obj
    runtime.migrate()
    with progress_bar() as advance:
        results = sync_all(runtime, cinema=cinema, connector=connector, progress=advance)
    failed = [r for r in results if r.status == "failed"]
    totals = {name: sum(getattr(r, name) for r in results) for name in RUN_FIELDS[:4]}
    console.print(
        f"{len(results)} cinéma(s) : {totals['inserted']} ajoutée(s), {totals['updated']} modifiée(s), "
        f"{totals['cancelled']} annulée(s), {totals['unchanged']} inchangée(s) ; {len(failed)} en échec."
    )
    for result in failed:
        console.print(
            f"Cinéma {result.cinema_id} ({result.connector}) : {result.error}", style="red", markup=False
        )
    if failed:
        raise typer.Exit(1)


@contextmanager
def progress_bar() -> Iterator[Any]:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("Synchronisation", total=None)

        def advance(result: SyncResult, total: int) -> None:
            bar.update(task, total=total, advance=1, description=f"Cinéma {result.cinema_id}")

        yield advance


def status(
    ctx: typer.Context,
    cinema: int | None = typer.Option(None, "--cinema", help="This cinema's run history"),
    run: int | None = typer.Option(None, "--run", help="One run with its rejected records"),
) -> None:
    """Each cinema's last sync run (or one cinema's history, or one run's rejected records)."""
    runtime: Runtime = ctx.obj
    if run is not None:
        print_run(run_detail(runtime.engine, run))
        return
    rows = list_runs(runtime.engine, cinema=cinema) if cinema else latest_runs(runtime.engine)
    table = Table("run", "cinéma", "source", "statut", "début", "fin", *RUN_FIELDS, "erreur")
    for row in rows:
        table.add_row(
            str(row["id"]),
            f"{row['cinema_id']} {row['cinema_name']}",
            row["connector"],
            row["status"],
            _when(row["started_at"]),
            _when(row["finished_at"]),
            *(str(row[name]) for name in RUN_FIELDS),
            (row["error"] or "")[:80],
        )
    console.print(table if rows else "Aucune synchronisation enregistrée.")


def print_run(detail: dict[str, Any]) -> None:
    counts = ", ".join(f"{name} {detail[name]}" for name in RUN_FIELDS)
    console.print(
        f"Run {detail['id']} — cinéma {detail['cinema_id']} ({detail['connector']}) : {detail['status']}"
    )
    console.print(f"{_when(detail['started_at'])} → {_when(detail['finished_at'])} ; {counts}")
    if detail["error"]:
        console.print(detail["error"], style="red", markup=False)
    for rejection in detail["rejections"]:
        line = f"  {rejection['record']} [{rejection['field'] or '-'}] {rejection['reason']}"
        console.print(line, markup=False, highlight=False)


def _when(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else "—"


def connect(
    ctx: typer.Context,
    cinema_id: int = typer.Argument(..., help="The cinema's id (cineid)"),
    connector: str = typer.Option(..., "--connector", help="Its source: cds, boost, ems, cgr…"),
    values: list[str] = typer.Option([], "--set", help="A setting, key=value (repeatable)"),
    secrets: list[str] = typer.Option([], "--secret", help="A secret's name; its value is prompted"),
) -> None:
    """Attach a cinema to its box-office source; secrets are typed at a hidden prompt."""
    runtime: Runtime = ctx.obj
    settings = dict(_pair(value) for value in values)
    hidden = {name: typer.prompt(f"{name}", hide_input=True) for name in secrets}
    try:
        connect_cinema(runtime.engine, cinema_id, connector, settings, hidden, utcnow())
    except LanterneError as exc:
        raise typer.BadParameter(str(exc)) from exc
    names = ", ".join([*settings, *(f"{name} (secret)" for name in hidden)]) or "aucun réglage"
    console.print(f"Cinéma {cinema_id} rattaché à « {connector} » : {names}.")


def _pair(value: str) -> tuple[str, str]:
    key, sep, setting = value.partition("=")
    if not sep or not key.strip():
        raise typer.BadParameter(f"« {value} » : attendu clé=valeur", param_hint="--set")
    return key.strip(), setting


def show(ctx: typer.Context, cinema_id: int = typer.Argument(..., help="The cinema's id")) -> None:
    """The cinema's source, settings (secrets masked) and consent."""
    runtime: Runtime = ctx.obj
    try:
        cinema = describe_cinema(runtime.engine, cinema_id)
    except LanterneError as exc:
        raise typer.BadParameter(str(exc)) from exc
    console.print(f"{cinema['id']} {cinema['name']} (département {cinema['department'] or '—'})")
    console.print(f"source : {cinema['connector'] or '—'}")
    for name, value in cinema["connector_settings"].items():
        console.print(f"  {name} = {value}", markup=False)
    consent = "oui" if cinema["publish_consent"] else "non"
    console.print(f"consentement à publier : {consent} (décidé le {_when(cinema['consent_at'])})")


def consent(
    ctx: typer.Context,
    cinema_id: int = typer.Argument(..., help="The cinema's id"),
    given: bool = typer.Option(..., "--yes/--no", help="Consents to publish its programme, or withdraws"),
) -> None:
    """Record the cinema's consent to publish its programme (or its withdrawal), dated today."""
    runtime: Runtime = ctx.obj
    try:
        record_consent(runtime.engine, cinema_id, given, utcnow())
    except LanterneError as exc:
        raise typer.BadParameter(str(exc)) from exc
    console.print(f"Cinéma {cinema_id} : consentement {'enregistré' if given else 'retiré'}.")


def push_token(ctx: typer.Context, cinema_id: int = typer.Argument(..., help="The cinema's id")) -> None:
    """Issue the cinema's push token (shown once; the previous one stops working)."""
    runtime: Runtime = ctx.obj
    try:
        token = issue_push_token(runtime.engine, cinema_id)
    except LanterneError as exc:
        raise typer.BadParameter(str(exc)) from exc
    console.print(f"Jeton d'envoi du cinéma {cinema_id} (affiché une seule fois) :")
    console.print(token, markup=False, highlight=False, soft_wrap=True)
