"""`lanterne booking …` commands: register venues, bank accounts and young people, import offers,
auto-validate, reimburse a fortnight (with its SEPA file). Thin — parse, call one domain function, print.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.console import Console

from lanterne.booking import autovalidation, offer_import, reimbursement, sepa, venues
from lanterne.booking.beneficiaries import BeneficiaryInput, create_beneficiary
from lanterne.booking.money import euros, parse_euros
from lanterne.booking.policy import PassPolicy
from lanterne.errors import LanterneError
from lanterne.runtime import Runtime

booking_app = typer.Typer(
    help="Pass Culture : lieux, offres, réservations, remboursements.", no_args_is_help=True
)
venue_app = typer.Typer(help="Lieux (SIRET).", no_args_is_help=True)
account_app = typer.Typer(help="Comptes bancaires (IBAN, BIC).", no_args_is_help=True)
beneficiary_app = typer.Typer(help="Bénéficiaires.", no_args_is_help=True)
rule_app = typer.Typer(help="Règles de remboursement particulières.", no_args_is_help=True)
console = Console(soft_wrap=True)  # tokens and totals stay on one line, ready to copy


def _fail(error: LanterneError) -> None:
    console.print(f"[red]Erreur :[/red] {error}")
    raise typer.Exit(1)


@venue_app.command("create")
def venue_create(
    ctx: typer.Context,
    siret: str = typer.Option(..., help="SIRET of the venue (14 digits, Luhn-checked)"),
    name: str = typer.Option(..., help="Name shown to young people"),
    email: str = typer.Option(..., help="Where booking e-mails go"),
    cinema: int | None = typer.Option(None, help="Lanterne cinema id whose programme is imported"),
    price: str = typer.Option("", help="Tarif unique of imported offers, in euros (e.g. 5,50)"),
    capacity: int | None = typer.Option(None, help="Jauge of imported stocks (omit = unlimited)"),
    withdrawal: str | None = typer.Option(None, help="Withdrawal details sent to young people"),
    latitude: float | None = typer.Option(None),
    longitude: float | None = typer.Option(None),
) -> None:
    """Register a venue; prints its staff token (shown once)."""
    runtime: Runtime = ctx.obj
    try:
        data = venues.VenueInput(
            siret=siret,
            name=name,
            booking_email=email,
            cinema_id=cinema,
            withdrawal_details=withdrawal,
            latitude=latitude,
            longitude=longitude,
            single_price_cents=parse_euros(price, "price"),
            capacity=capacity,
        )
        venue_id, token = venues.create_venue(runtime.engine, data)
    except LanterneError as error:
        _fail(error)
    console.print(f"Lieu {venue_id} inscrit. Jeton du personnel (à conserver) : {token}")


@account_app.command("add")
def account_add(
    ctx: typer.Context,
    siren: str = typer.Option(...),
    label: str = typer.Option(...),
    holder: str = typer.Option(..., help="Account holder's name, as the bank knows it"),
    iban: str = typer.Option(...),
    bic: str = typer.Option(...),
) -> None:
    """Record a structure's bank account (IBAN and BIC checked)."""
    runtime: Runtime = ctx.obj
    try:
        account_id = venues.add_bank_account(runtime.engine, siren, label, holder, iban, bic)
    except LanterneError as error:
        _fail(error)
    console.print(f"Compte {account_id} enregistré.")


@account_app.command("attach")
def account_attach(
    ctx: typer.Context,
    venue: int = typer.Option(...),
    account: int = typer.Option(...),
    since: str = typer.Option(..., help="First day paid into this account (YYYY-MM-DD)"),
) -> None:
    """Pay a venue into an account from a date (its previous account stops the day before)."""
    runtime: Runtime = ctx.obj
    try:
        venues.attach_account(runtime.engine, venue, account, date.fromisoformat(since))
    except LanterneError as error:
        _fail(error)
    console.print(f"Lieu {venue} payé sur le compte {account} à partir du {since}.")


@beneficiary_app.command("create")
def beneficiary_create(
    ctx: typer.Context,
    first_name: str = typer.Option(...),
    last_name: str = typer.Option(...),
    email: str = typer.Option(...),
    phone: str | None = typer.Option(None),
) -> None:
    """Grant a young person the pass credit; prints their token (shown once)."""
    runtime: Runtime = ctx.obj
    data = BeneficiaryInput(first_name, last_name, email, phone)
    try:
        beneficiary_id, token = create_beneficiary(runtime.engine, data, PassPolicy())
    except LanterneError as error:
        _fail(error)
    console.print(f"Bénéficiaire {beneficiary_id} créé. Jeton : {token}")


@rule_app.command("add")
def rule_add(
    ctx: typer.Context,
    since: str = typer.Option(..., help="YYYY-MM-DD"),
    until: str | None = typer.Option(None, help="YYYY-MM-DD (omit = open)"),
    venue: int | None = typer.Option(None),
    offer: int | None = typer.Option(None),
    rate: float | None = typer.Option(None, help="Rate in percent, e.g. 50"),
    amount: int | None = typer.Option(None, help="Fixed amount per seat, in cents"),
) -> None:
    """A custom reimbursement rule for an offer or a venue over a date range."""
    runtime: Runtime = ctx.obj
    try:
        rule_id = reimbursement.add_custom_rule(
            runtime.engine,
            date.fromisoformat(since),
            date.fromisoformat(until) if until else None,
            offer_id=offer,
            venue_id=venue,
            rate_bp=None if rate is None else round(rate * 100),
            amount_cents=amount,
        )
    except LanterneError as error:
        _fail(error)
    console.print(f"Règle {rule_id} créée.")


@booking_app.command("import-offers")
def import_offers(ctx: typer.Context, venue: int | None = typer.Option(None, help="Only this venue")) -> None:
    """Turn the coming programme of venues with a Tarif unique into offers and stocks."""
    runtime: Runtime = ctx.obj
    report = offer_import.import_offers(runtime.engine, runtime.settings, venue)
    console.print(
        f"{report.venues} lieu(x) : {report.offers_created} offre(s) et {report.stocks_created} séance(s) "
        f"créées, {report.stocks_updated} mises à jour, {report.stocks_cancelled} annulée(s) "
        f"({report.bookings_cancelled} réservation(s) annulée(s))."
    )


@booking_app.command("autovalidate")
def autovalidate(ctx: typer.Context) -> None:
    """Validate bookings still confirmed 72 h after their show (author: auto)."""
    runtime: Runtime = ctx.obj
    console.print(f"{autovalidation.autovalidate(runtime.engine)} réservation(s) validée(s) automatiquement.")


@booking_app.command("reimburse")
def reimburse(
    ctx: typer.Context,
    period: str = typer.Option(..., help="First day of the fortnight: YYYY-MM-01 or YYYY-MM-16"),
    sepa_file: Path | None = typer.Option(None, "--sepa", help="Write the pain.001.001.03 file here"),
) -> None:
    """Build the fortnight's batch (once) and optionally its SEPA credit-transfer file."""
    runtime: Runtime = ctx.obj
    try:
        report = reimbursement.build_batch(runtime.engine, date.fromisoformat(period))
        if sepa_file is not None:
            sepa_file.write_bytes(sepa.credit_transfer_file(runtime.engine, report.batch_id))
    except LanterneError as error:
        _fail(error)
    total = sum(report.payments.values())
    console.print(
        f"Lot {report.batch_id} ({report.period_start} → {report.period_end}) : "
        f"{report.bookings_priced} réservation(s) tarifée(s), "
        f"{len(report.payments)} virement(s), {euros(total)}."
    )
    for siret in report.without_account:
        console.print(f"[yellow]Sans compte bancaire, en attente :[/yellow] SIRET {siret}")


def register(app: typer.Typer) -> None:
    """Add `lanterne booking …` to the root command."""
    booking_app.add_typer(venue_app, name="venue")
    booking_app.add_typer(account_app, name="account")
    booking_app.add_typer(beneficiary_app, name="beneficiary")
    booking_app.add_typer(rule_app, name="rule")
    app.add_typer(booking_app, name="booking")
