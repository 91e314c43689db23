"""`lanterne agenda push` and `lanterne agenda invite`: thin — parse, call one domain function, print."""

from __future__ import annotations

import typer

from lanterne.agenda.accounts import invite as invite_account
from lanterne.agenda.pushing import push_all
from lanterne.db import utcnow
from lanterne.errors import LanterneError
from lanterne.runtime import Runtime


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root `lanterne` command."""
    agenda_app = typer.Typer(help="Event screenings: OpenAgenda pushes and editors' accounts.")
    agenda_app.command("push")(push)
    agenda_app.command("invite")(invite)
    app.add_typer(agenda_app, name="agenda", no_args_is_help=True)


def push(
    ctx: typer.Context,
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the bodies, send nothing"),
    cinema: int | None = typer.Option(None, "--cinema", help="Only this cinema (its id)"),
) -> None:
    """Push the changed events of the consenting cinemas to the union's OpenAgenda agenda."""
    runtime: Runtime = ctx.obj
    settings = runtime.settings
    if not dry_run and not (settings.openagenda_agenda_uid and settings.openagenda_secret_key):
        typer.echo(
            "OpenAgenda n'est pas configuré : LANTERNE_OPENAGENDA_AGENDA_UID et _SECRET_KEY.", err=True
        )
        raise typer.Exit(2)
    runtime.migrate()
    report = push_all(runtime, utcnow(), echo=typer.echo, dry_run=dry_run, cinema_id=cinema)
    typer.echo(
        f"{report.created} créé(s), {report.updated} modifié(s), {report.cancelled} annulé(s), "
        f"{report.unchanged} inchangé(s), {report.failed} en échec."
    )
    for error in report.errors:
        typer.echo(error, err=True)
    if report.failed:
        raise typer.Exit(1)


def invite(
    ctx: typer.Context,
    email: str = typer.Argument(..., help="The person's e-mail address"),
    role: str = typer.Option(..., "--role", help="admin or contributor"),
    cinema: list[int] = typer.Option([], "--cinema", help="A cinema the contributor edits (repeat)"),
) -> None:
    """Invite a union administrator or a cinema contributor by e-mail (link valid 7 days)."""
    runtime: Runtime = ctx.obj
    runtime.migrate()
    try:
        invite_account(runtime.engine, runtime.settings, email, role, cinema, utcnow())
    except LanterneError as exc:
        typer.echo(f"Erreur : {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"Invitation envoyée à {email}.")
