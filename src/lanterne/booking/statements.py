"""A venue's reimbursement statement (justificatif de remboursement) for a batch: every booking, its
amount, the rate applied and what is paid — as a CSV for the accountant and a printable page.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, func, select

from lanterne.booking.emails import local_time
from lanterne.booking.models import Booking, Offer, Payment, Pricing, ReimbursementBatch, Venue
from lanterne.booking.money import euros
from lanterne.errors import NotFound

CSV_COLUMNS = (
    "Contremarque",
    "Offre",
    "Date de la séance",
    "Date de validation",
    "Quantité",
    "Montant de la réservation (€)",
    "Règle",
    "Taux (%)",
    "Montant remboursé (€)",
)


def _rows_query(batch_id: int, venue_id: int) -> Any:
    return (
        select(
            Booking.countermark,
            Offer.name.label("offer_name"),
            Booking.show_starts_at,
            Booking.used_at,
            Booking.quantity,
            Pricing.amount_cents,
            Pricing.rule,
            Pricing.rate_bp,
            Pricing.reimbursed_cents,
        )
        .join(Booking, Booking.id == Pricing.booking_id)
        .join(Offer, Offer.id == Booking.offer_id)
        .join(Payment, Payment.id == Pricing.payment_id)
        .where(Payment.batch_id == batch_id, Pricing.venue_id == venue_id)
        .order_by(Booking.used_at, Booking.id)
    )


def statement_rows(engine: Engine, batch_id: int, venue_id: int) -> Iterator[dict[str, Any]]:
    with engine.connect() as connection:
        result = connection.execution_options(yield_per=500).execute(_rows_query(batch_id, venue_id))
        for row in result.mappings():
            yield dict(row)


def _decimal(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"


def statement_csv(engine: Engine, batch_id: int, venue_id: int) -> Iterator[str]:
    """The statement as `;`-separated French CSV, streamed a row at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(CSV_COLUMNS)
    for row in statement_rows(engine, batch_id, venue_id):
        rate = "" if row["rate_bp"] is None else f"{row['rate_bp'] / 100:g}".replace(".", ",")
        writer.writerow(
            (
                row["countermark"],
                row["offer_name"],
                local_time(row["show_starts_at"]),
                local_time(row["used_at"]),
                row["quantity"],
                _decimal(row["amount_cents"]),
                row["rule"],
                rate,
                _decimal(row["reimbursed_cents"]),
            )
        )
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def statement(engine: Engine, batch_id: int, venue_id: int) -> dict[str, Any]:
    """Header and totals of the printable statement; its rows are streamed by `statement_rows`."""
    with engine.connect() as connection:
        batch = (
            connection.execute(select(ReimbursementBatch.__table__).where(ReimbursementBatch.id == batch_id))
            .mappings()
            .first()
        )
        venue = (
            connection.execute(select(Venue.name, Venue.siret, Venue.address).where(Venue.id == venue_id))
            .mappings()
            .first()
        )
        totals = (
            connection.execute(
                select(
                    func.count(Pricing.id).label("bookings"),
                    func.coalesce(func.sum(Pricing.amount_cents), 0).label("amount_cents"),
                    func.coalesce(func.sum(Pricing.reimbursed_cents), 0).label("reimbursed_cents"),
                )
                .join(Payment, Payment.id == Pricing.payment_id)
                .where(Payment.batch_id == batch_id, Pricing.venue_id == venue_id)
            )
            .mappings()
            .one()
        )
    if batch is None or venue is None:
        raise NotFound("lot ou lieu inconnu")
    return {"batch": dict(batch), "venue": dict(venue), "totals": dict(totals), "euros": euros}


def venue_batches(engine: Engine, venue_id: int) -> list[dict[str, Any]]:
    """The batches that reimbursed a venue, newest first, with what each paid it."""
    query = (
        select(
            ReimbursementBatch.id,
            ReimbursementBatch.period_start,
            ReimbursementBatch.period_end,
            func.count(Pricing.id).label("bookings"),
            func.sum(Pricing.reimbursed_cents).label("reimbursed_cents"),
        )
        .join(Payment, Payment.batch_id == ReimbursementBatch.id)
        .join(Pricing, Pricing.payment_id == Payment.id)
        .where(Pricing.venue_id == venue_id)
        .group_by(ReimbursementBatch.id, ReimbursementBatch.period_start, ReimbursementBatch.period_end)
        .order_by(ReimbursementBatch.period_start.desc())
    )
    with engine.connect() as connection:
        return [dict(row) for row in connection.execute(query).mappings()]
