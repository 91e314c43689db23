"""Cancelling a booking: by the young person until the limit, by the venue with a reason, or because the
showtime was cancelled. Seats and credit go back, and the notice e-mail is queued, in the same
transaction as the status change.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Engine, select, update

from lanterne.booking import outbox
from lanterne.booking.beneficiaries import give_back
from lanterne.booking.models import Booking, Stock
from lanterne.db import utcnow
from lanterne.errors import Conflict, Forbidden, InvalidValue, NotFound


def _cancel(connection: Connection, booking_id: int, by: str, reason: str | None, now: datetime) -> bool:
    """Cancel a still-confirmed booking and give seats and credit back; False when it was not confirmed."""
    row = connection.execute(
        update(Booking)
        .where(Booking.id == booking_id, Booking.status == "confirmed")
        .values(status="cancelled", cancelled_at=now, cancelled_by=by, cancellation_reason=reason)
        .returning(Booking.stock_id, Booking.quantity, Booking.beneficiary_id, Booking.amount_cents)
    ).first()
    if row is None:
        return False
    outbox.enqueue(
        connection, booking_id, "cancelled_by_young" if by == "beneficiary" else "cancelled", reason
    )
    connection.execute(
        update(Stock).where(Stock.id == row.stock_id).values(booked=Stock.booked - row.quantity)
    )
    give_back(connection, row.beneficiary_id, row.amount_cents)
    return True


def _owner_and_status(engine: Engine, booking_id: int) -> tuple[int, int, str, datetime]:
    with engine.connect() as connection:
        row = connection.execute(
            select(
                Booking.beneficiary_id, Booking.venue_id, Booking.status, Booking.cancellation_limit_at
            ).where(Booking.id == booking_id)
        ).first()
    if row is None:
        raise NotFound(f"réservation {booking_id} inconnue")
    return row[0], row[1], row[2], row[3]


def cancel_by_beneficiary(
    engine: Engine, beneficiary_id: int, booking_id: int, now: datetime | None = None
) -> None:
    """The young person cancels, up to and including the cancellation limit."""
    now = now or utcnow()
    owner, _venue, status, limit = _owner_and_status(engine, booking_id)
    if owner != beneficiary_id:
        raise Forbidden("cette réservation n'est pas la vôtre")
    if now > limit:
        raise Conflict("la date limite d'annulation est dépassée")
    with engine.begin() as connection:
        if not _cancel(connection, booking_id, "beneficiary", None, now):
            raise Conflict(f"réservation déjà {_status_word(status)}")


def cancel_by_venue(
    engine: Engine,
    venue_id: int,
    booking_id: int,
    reason: str,
    now: datetime | None = None,
) -> None:
    """The venue cancels a confirmed booking, saying why; the young person is told."""
    if not reason.strip():
        raise InvalidValue("reason", "indiquez le motif de l'annulation")
    _owner, venue, status, _limit = _owner_and_status(engine, booking_id)
    if venue != venue_id:
        raise NotFound(f"réservation {booking_id} inconnue pour ce lieu")
    with engine.begin() as connection:
        if not _cancel(connection, booking_id, "venue", reason.strip(), now or utcnow()):
            raise Conflict(f"réservation déjà {_status_word(status)}")


def cancel_stock(engine: Engine, stock_id: int, reason: str, now: datetime) -> int:
    """A cancelled showtime: its stock is closed and each confirmed booking cancelled with a notice."""
    with engine.begin() as connection:
        connection.execute(update(Stock).where(Stock.id == stock_id).values(cancelled=True))
        ids = connection.scalars(
            select(Booking.id).where(Booking.stock_id == stock_id, Booking.status == "confirmed")
        ).all()
        return sum(_cancel(connection, booking_id, "programme", reason, now) for booking_id in ids)


def _status_word(status: str) -> str:
    return {"used": "validée", "cancelled": "annulée"}.get(status, status)
