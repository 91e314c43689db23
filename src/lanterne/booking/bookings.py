"""Booking a stock with the pass: never oversold, credit never overdrawn, one unique countermark.

The seat is taken by ONE conditional UPDATE (`booked + q <= quantity`) that both databases run
atomically: PostgreSQL locks the row and re-checks the condition after a concurrent writer commits;
SQLite holds its single write lock for the transaction (WAL + busy timeout, the UPDATE first, so no
stale snapshot). The credit is spent the same way, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from lanterne.booking import outbox
from lanterne.booking.beneficiaries import spend
from lanterne.booking.countermarks import draw_countermark
from lanterne.booking.models import Booking, Offer, Stock, inserted_id
from lanterne.booking.policy import PassPolicy
from lanterne.db import utcnow
from lanterne.errors import Conflict, InvalidValue, NotFound

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
        booking_id = inserted_id(booking)
        outbox.enqueue(connection, booking_id, "booked")
        return booking_id, unit_price * quantity, limit


def book(
    engine: Engine,
    beneficiary_id: int,
    stock_id: int,
    quantity: int = 1,
    now: datetime | None = None,
    draw: Callable[[], str] = draw_countermark,
    policy: PassPolicy | None = None,
) -> Receipt:
    """Book seats for a young person; the e-mails to the venue and to them are queued with the booking."""
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
    return Receipt(booking_id, code, amount, limit)
