"""Booking cards: one booking with its offer, venue and young person, as the e-mails, the counter, the
pages and the CSV export show it. Lists are streamed from the cursor.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, and_, select

from lanterne.booking.emails import local_time
from lanterne.booking.models import Beneficiary, Booking, Offer, Stock, Venue
from lanterne.errors import NotFound

CARD_COLUMNS = (
    Booking.__table__,
    Offer.name.label("offer_name"),
    Stock.version,
    Venue.name.label("venue_name"),
    Venue.booking_email,
    Venue.withdrawal_details,
    Venue.address.label("venue_address"),
    Beneficiary.first_name,
    Beneficiary.last_name,
    Beneficiary.email.label("beneficiary_email"),
    Beneficiary.phone.label("beneficiary_phone"),
)


def _cards() -> Any:
    return (
        select(*CARD_COLUMNS)
        .join(Stock, Stock.id == Booking.stock_id)
        .join(Offer, Offer.id == Booking.offer_id)
        .join(Venue, Venue.id == Booking.venue_id)
        .join(Beneficiary, Beneficiary.id == Booking.beneficiary_id)
    )


def booking_card(engine: Engine, booking_id: int) -> dict[str, Any]:
    """Everything about one booking that e-mails, the counter and the pages show."""
    with engine.connect() as connection:
        row = connection.execute(_cards().where(Booking.id == booking_id)).mappings().first()
    if row is None:
        raise NotFound(f"réservation {booking_id} inconnue")
    return dict(row)


def beneficiary_bookings(engine: Engine, beneficiary_id: int) -> list[dict[str, Any]]:
    query = _cards().where(Booking.beneficiary_id == beneficiary_id).order_by(Booking.show_starts_at.desc())
    with engine.connect() as connection:
        return [dict(row) for row in connection.execute(query).mappings()]


def venue_bookings(
    engine: Engine, venue_id: int, status: str | None = None, since: datetime | None = None
) -> Iterator[dict[str, Any]]:
    """A venue's bookings, streamed from the cursor (an export may be long)."""
    condition = Booking.venue_id == venue_id
    if status:
        condition = and_(condition, Booking.status == status)
    if since:
        condition = and_(condition, Booking.show_starts_at >= since)
    query = _cards().where(condition).order_by(Booking.show_starts_at, Booking.id)
    with engine.connect() as connection:
        result = connection.execution_options(yield_per=500).execute(query).mappings()
        for row in result:
            yield dict(row)


EXPORT_COLUMNS = (
    "Contremarque",
    "Offre",
    "Séance",
    "Nom",
    "Prénom",
    "E-mail",
    "Téléphone",
    "Quantité",
    "Montant (€)",
    "Statut",
    "Réservée le",
    "Validée le",
)
STATUS_WORDS = {"confirmed": "confirmée", "used": "validée", "cancelled": "annulée"}


def venue_bookings_csv(engine: Engine, venue_id: int) -> Iterator[str]:
    """A venue's bookings as `;`-separated French CSV, streamed a row at a time."""
    yield ";".join(EXPORT_COLUMNS) + "\r\n"
    for row in venue_bookings(engine, venue_id):
        cells = (
            row["countermark"],
            row["offer_name"],
            local_time(row["show_starts_at"]),
            row["last_name"],
            row["first_name"],
            row["beneficiary_email"],
            row["beneficiary_phone"] or "",
            str(row["quantity"]),
            f"{row['amount_cents'] // 100},{row['amount_cents'] % 100:02d}",
            STATUS_WORDS[row["status"]],
            local_time(row["booked_at"]),
            local_time(row["used_at"]) if row["used_at"] else "",
        )
        yield ";".join(_csv_cell(cell) for cell in cells) + "\r\n"


def _csv_cell(value: str) -> str:
    """Quote only when needed, and defuse spreadsheet formulas typed into names."""
    if value[:1] in ("=", "+", "-", "@"):
        value = "'" + value
    if any(char in value for char in ';"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value
