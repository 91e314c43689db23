"""`lanterne barometer …`: import weekly admissions, build the weekly report, generate demo weeks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from lanterne.barometer import demo, report
from lanterne.barometer.imports import import_admissions
from lanterne.barometer.weeks import CinemaWeek
from lanterne.errors import LanterneError
from lanterne.runtime import Runtime

barometer_app = typer.Typer(help="Baromètre hebdomadaire des entrées Art et Essai.", no_args_is_help=True)
console = Console()


def register(app: typer.Typer) -> None:
    app.add_typer(barometer_app, name="barometer")


@barometer_app.command("import")
def import_file(
    ctx: typer.Context,
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV or XLSX of weekly admissions"),
    market: bool | None = typer.Option(None, "--market/--cinemas", help="Force the file's kind"),
) -> None:
    """Import weekly admissions per cinema, or the market's weekly totals (detected from the headers)."""
    runtime: Runtime = ctx.obj
    try:
        result = import_admissions(runtime.engine, file, market)
    except LanterneError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    for rejected in result.rejected:
        console.print(f"[yellow]rejeté[/yellow] {rejected}")
    verdict = "rien à mettre à jour" if not result.changed else "figures recalculées"
    console.print(
        f"{result.kind} : {result.inserted} ajoutées, {result.updated} mises à jour, "
        f"{result.unchanged} inchangées, {len(result.rejected)} rejetées — {verdict}."
    )


@barometer_app.command("report")
def report_command(
    ctx: typer.Context,
    week: str = typer.Option(..., help="Cinema week, e.g. 2026-W47"),
    pdf: Path | None = typer.Option(None, help="Write the PDF here"),
    html: Path | None = typer.Option(None, help="Write the HTML e-mail here"),
    to: list[str] = typer.Option([], help="Send the e-mail (with the PDF) to these members"),
) -> None:
    """Show a week's barometer; write it as PDF/HTML and e-mail it to members."""
    runtime: Runtime = ctx.obj
    try:
        built = report.build(runtime.engine, CinemaWeek.parse(week))
    except LanterneError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    table = Table(*report.HEADINGS, title=built.title)
    for row in report.table_rows(built):
        table.add_row(*row)
    console.print(table)
    if pdf:
        pdf.write_bytes(report.render_pdf(built))
    if html:
        html.write_text(report.render_html(built), encoding="utf-8")
    if to:
        console.print(f"{report.email(runtime.settings, built, to)} e-mail(s) envoyé(s).")


@barometer_app.command("demo")
def demo_command(
    ctx: typer.Context,
    seed: int = typer.Option(2024),
    until: str | None = typer.Option(None, help="YYYY-MM-DD"),
) -> None:
    """Replace the barometer's data with two generated years ending this week (for the demo)."""
    runtime: Runtime = ctx.obj
    rows = demo.generate(runtime.engine, seed=seed, until=date.fromisoformat(until) if until else None)
    console.print(f"{rows} semaines de fréquentation générées.")
