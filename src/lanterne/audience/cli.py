"""`lanterne audience …`: participation, segments, exports, campaigns, forget, retention."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import httpx
import typer
from rich.console import Console
from rich.table import Table

from lanterne.audience import campaigns, exports, forget, participation, retention, segments
from lanterne.db import utcnow
from lanterne.runtime import Runtime

audience_app = typer.Typer(
    help="Audience mutualisée des spectateurs Art et Essai (avec consentement).", no_args_is_help=True
)
console = Console()


def register(app: typer.Typer) -> None:
    app.add_typer(audience_app, name="audience")


@audience_app.command("join")
def join(
    ctx: typer.Context,
    cinema: int,
    domain: list[str] = typer.Option(..., help="Site or ticketing host"),
    partner: str | None = None,
    signed: str | None = typer.Option(None, help="Contract date YYYY-MM-DD"),
) -> None:
    """Register a cinema's participation; prints the snippet to install through its tag manager."""
    runtime: Runtime = ctx.obj
    joined = participation.join(
        runtime.engine, cinema, domain, partner, date.fromisoformat(signed) if signed else None
    )
    console.print(
        f'<script src="{runtime.settings.base_url}/audience/tag.js" data-site="{joined.site_key}" '
        'data-policy="2026-11" async></script>',
        soft_wrap=True,
    )


@audience_app.command("progress")
def progress(ctx: typer.Context) -> None:
    """Participating cinemas against the goal of 100."""
    runtime: Runtime = ctx.obj
    state = participation.progress(runtime.engine)
    table = Table(
        "cinéma",
        "partenaire",
        "contrat",
        "domaines",
        "tag vérifié le",
        title=f"{state.participating} / {state.goal} cinémas participants",
    )
    for row in state.cinemas:
        table.add_row(
            row["name"],
            row["partner"] or "",
            str(row["contract_signed_on"] or ""),
            ", ".join(row["domains"]),
            str(row["tag_checked_at"] or "jamais"),
        )
    console.print(table)


@audience_app.command("verify")
def verify(ctx: typer.Context, cinema: int, url: list[str]) -> None:
    """Fetch the cinema's pages and check the tag is installed with its key and no other pixel loads."""
    runtime: Runtime = ctx.obj
    with httpx.Client(timeout=20, follow_redirects=True) as client:
        results = participation.verify(runtime.engine, cinema, url, client)
    for page, result in results.items():
        console.print(
            ("[green]conforme[/green] " if result["ok"] else "[red]à corriger[/red] ") + page, result
        )


@audience_app.command("define")
def define(
    ctx: typer.Context, key: str, title: str, criteria: str = typer.Option("{}", help="JSON criteria")
) -> None:
    """Define (a new version of) a segment: --criteria '{"window_days": 90, "kinds": ["page_view"]}'."""
    runtime: Runtime = ctx.obj
    segment = segments.define(runtime.engine, key, title, json.loads(criteria))
    console.print(f"segment {segment.key} v{segment.version}")


@audience_app.command("evaluate")
def evaluate(ctx: typer.Context) -> None:
    """Rebuild every segment's members now (the nightly job does it too)."""
    runtime: Runtime = ctx.obj
    for key, size in segments.evaluate(runtime.engine).items():
        console.print(f"{key}: {size} personnes")


@audience_app.command("export")
def export(
    ctx: typer.Context, partner: str, segment: str, out: Path = typer.Option(Path("exports/audience"))
) -> None:
    """Write a partner's hashed customer list (additions and removals since the last run)."""
    runtime: Runtime = ctx.obj
    result = exports.export_customer_list(runtime.engine, partner, segment, out)
    console.print(f"{result.added} ajouts, {result.removed} retraits : {', '.join(map(str, result.files))}")


@audience_app.command("conversions")
def conversions(ctx: typer.Context, since: str, until: str, out: Path) -> None:
    """Write completed bookings as server-side conversion events (JSON lines) for the union's pixel."""
    runtime: Runtime = ctx.obj
    count = exports.export_conversions(
        runtime.engine, datetime.fromisoformat(since), datetime.fromisoformat(until), out
    )
    console.print(f"{count} conversions écrites dans {out}")


@audience_app.command("campaign")
def campaign(
    ctx: typer.Context,
    name: str,
    month: str,
    revenue: float = typer.Option(..., help="Euros"),
    segment: list[str] = typer.Option(...),
) -> None:
    """Record a campaign's revenue and share it among the participating cinemas."""
    runtime: Runtime = ctx.obj
    campaign_id = campaigns.create(runtime.engine, name, month, round(revenue * 100), segment)
    table = Table("cinéma", "personnes", "total (€)", "statut", title=f"Campagne {campaign_id} — {name}")
    for share in campaigns.compute(runtime.engine, campaign_id):
        table.add_row(
            str(share.cinema_id),
            str(share.people),
            campaigns.euros(share.total_cents),
            "retenu" if share.held else "à verser",
        )
    console.print(table)


@audience_app.command("statement")
def statement(ctx: typer.Context, cinema: int, month: str) -> None:
    """A cinema's monthly revenue statement (CSV)."""
    runtime: Runtime = ctx.obj
    typer.echo(campaigns.statement(runtime.engine, cinema, month), nl=False)


@audience_app.command("forget")
def forget_command(ctx: typer.Context, visitor: str | None = None, email: str | None = None) -> None:
    """Erase a visitor (by id, or every visitor whose purchases carried an e-mail) everywhere."""
    runtime: Runtime = ctx.obj
    if not (visitor or email):
        raise typer.BadParameter("--visitor ou --email")
    erasure = (
        forget.forget_visitor(runtime.engine, visitor)
        if visitor
        else forget.forget_email(runtime.engine, email or "")
    )
    console.print(f"{erasure.visitors} visiteur(s) et {erasure.events} événement(s) effacés.")


@audience_app.command("retention")
def retention_command(ctx: typer.Context) -> None:
    """Apply the retention limits now (the nightly job does it too)."""
    runtime: Runtime = ctx.obj
    purge = retention.enforce(runtime.engine, utcnow())
    console.print(
        f"{purge.events} événements, {purge.visitors} visiteurs, {purge.contacts} contacts effacés."
    )
