"""Booking a stock with the pass: never oversold, credit never overdrawn, one unique countermark.

The seat is taken by ONE conditional UPDATE (`booked + q <= quantity`) that both databases run
atomically: PostgreSQL locks the row and re-checks the condition after a concurrent writer commits;
SQLite holds its single write lock for the transaction (WAL + busy timeout, the UPDATE first, so no
stale snapshot). The credit is spent the same way, in the same transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, and_, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from lanterne.booking import emails
from lanterne.booking.beneficiaries import spend
from lanterne.booking.countermarks import draw_countermark
from lanterne.booking.models import Beneficiary, Booking, Offer, Stock, Venue
from lanterne.booking.policy import PassPolicy
from lanterne.db import utcnow
from lanterne.errors import Conflict, InvalidValue, NotFound
from lanterne.settings import Settings

log = logging.getLogger(__name__)
ATTEMPTS = 5


@dataclass(frozen=True)
class Receipt:
    """What the young person gets back: the booking, its countermark and what it cost."""

    booking_id: int
    countermark: str
    amount_cents: int
    cancellation_limit_at: datetime


def cancellation_limit(booked_at: datetime, show_at: datetime, hours: int = 48) -> datetime:
    """The later of the booking time and the earlier of (show − 48 h) and (booking + 48 h)."""
    window = timedelta(hours=hours)
    return max(booked_at, min(show_at - window, booked_at + window))


def _stock(connection: Connection, stock_id: int) -> Any:
    row = connection.execute(
        select(Stock.starts_at, Stock.offer_id, Offer.venue_id, Offer.is_duo, Offer.active)
        .join(Offer, Offer.id == Stock.offer_id)
        .where(Stock.id == stock_id)
    ).first()
    if row is None:
        raise NotFound(f"stock {stock_id} inconnu")
    return row


def _check_request(stock: Any, quantity: int, now: datetime) -> None:
    if quantity not in (1, 2) or (quantity == 2 and not stock.is_duo):
        raise InvalidValue("quantity", "1 place, ou 2 sur les offres duo")
    if not stock.active:
        raise Conflict("cette offre n'est plus proposée")
    if stock.starts_at <= now:
        raise Conflict("cette séance a déjà commencé")


def _take_seats(connection: Connection, stock_id: int, quantity: int) -> int:
    """Take the seats or refuse; return the unit price read at the moment the seats were taken."""
    price = connection.execute(
        update(Stock)
        .where(
            Stock.id == stock_id,
            Stock.active,
            ~Stock.cancelled,
            or_(Stock.quantity.is_(None), Stock.booked + quantity <= Stock.quantity),
        )
        .values(booked=Stock.booked + quantity)
        .returning(Stock.price_cents)
    ).scalar()
    if price is None:
        raise Conflict("plus de place disponible pour cette séance")
    return int(price)


def _reserve(
    engine: Engine, stock: Any, request: tuple[int, int, int], now: datetime, code: str, hours: int
) -> tuple[int, int, datetime]:
    stock_id, beneficiary_id, quantity = request
    with engine.begin() as connection:
        unit_price = _take_seats(connection, stock_id, quantity)
        spend(connection, beneficiary_id, unit_price * quantity, now)
        limit = cancellation_limit(now, stock.starts_at, hours)
        booking = connection.execute(
            insert(Booking).values(
                countermark=code,
                stock_id=stock_id,
                venue_id=stock.venue_id,
                offer_id=stock.offer_id,
                beneficiary_id=beneficiary_id,
                quantity=quantity,
                unit_price_cents=unit_price,
                amount_cents=unit_price * quantity,
                show_starts_at=stock.starts_at,
                status="confirmed",
                booked_at=now,
                cancellation_limit_at=limit,
            )
        )
        return int(booking.inserted_primary_key[0]), unit_price * quantity, limit


def book(
    engine: Engine,
    settings: Settings,
    beneficiary_id: int,
    stock_id: int,
    quantity: int = 1,
    now: datetime | None = None,
    draw: Callable[[], str] = draw_countermark,
    policy: PassPolicy | None = None,
) -> Receipt:
    """Book seats for a young person, then e-mail the venue and the young person."""
    now = now or utcnow()
    with engine.connect() as connection:
        stock = _stock(connection, stock_id)
    _check_request(stock, quantity, now)
    hours = (policy or PassPolicy()).cancel_hours
    for attempt in range(ATTEMPTS):
        code = draw()
        try:
            booking_id, amount, limit = _reserve(
                engine, stock, (stock_id, beneficiary_id, quantity), now, code, hours
            )
            break
        except IntegrityError as exc:  # two draws met: retry the whole booking with a new code
            if "countermark" not in str(exc.orig) or attempt == ATTEMPTS - 1:
                raise
    _notify(engine, settings, booking_id)
    return Receipt(booking_id, code, amount, limit)


def _notify(engine: Engine, settings: Settings, booking_id: int) -> None:
    """E-mails follow the committed booking; a mail server down must not undo a seat already taken."""
    card = booking_card(engine, booking_id)
    try:
        emails.send_booking_emails(settings, card)
    except OSError:
        log.exception("booking %s: e-mails not sent", booking_id)


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
            emails.local_time(row["show_starts_at"]),
            row["last_name"],
            row["first_name"],
            row["beneficiary_email"],
            row["beneficiary_phone"] or "",
            str(row["quantity"]),
            f"{row['amount_cents'] // 100},{row['amount_cents'] % 100:02d}",
            STATUS_WORDS[row["status"]],
            emails.local_time(row["booked_at"]),
            emails.local_time(row["used_at"]) if row["used_at"] else "",
        )
        yield ";".join(_csv_cell(cell) for cell in cells) + "\r\n"


def _csv_cell(value: str) -> str:
    """Quote only when needed, and defuse spreadsheet formulas typed into names."""
    if value[:1] in ("=", "+", "-", "@"):
        value = "'" + value
    if any(char in value for char in ';"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value
