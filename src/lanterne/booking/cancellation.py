"""Cancelling a booking: by the young person until the limit, by the venue with a reason, or because the
showtime was cancelled. Seats and credit go back in the same transaction as the status change.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection, Engine, select, update

from lanterne.booking import emails
from lanterne.booking.beneficiaries import give_back
from lanterne.booking.bookings import booking_card
from lanterne.booking.models import Booking, Stock
from lanterne.db import utcnow
from lanterne.errors import Conflict, Forbidden, InvalidValue, NotFound
from lanterne.settings import Settings

log = logging.getLogger(__name__)


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
    engine: Engine, settings: Settings, beneficiary_id: int, booking_id: int, now: datetime | None = None
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
    _mail(lambda: emails.send_cancellation_to_venue(settings, booking_card(engine, booking_id)))


def cancel_by_venue(
    engine: Engine,
    settings: Settings,
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
    notice = reason.strip()
    _mail(lambda: emails.send_cancellation_notice(settings, booking_card(engine, booking_id), notice))


def cancel_stock(engine: Engine, settings: Settings, stock_id: int, reason: str, now: datetime) -> int:
    """A cancelled showtime: its stock is closed and each confirmed booking cancelled with a notice."""
    with engine.begin() as connection:
        connection.execute(update(Stock).where(Stock.id == stock_id).values(cancelled=True))
        ids = connection.scalars(
            select(Booking.id).where(Booking.stock_id == stock_id, Booking.status == "confirmed")
        ).all()
        cancelled = [
            booking_id for booking_id in ids if _cancel(connection, booking_id, "programme", reason, now)
        ]
    for booking_id in cancelled:
        _mail(lambda b=booking_id: emails.send_cancellation_notice(settings, booking_card(engine, b), reason))
    return len(cancelled)


def _status_word(status: str) -> str:
    return {"used": "validée", "cancelled": "annulée"}.get(status, status)


def _mail(send: Callable[[], None]) -> None:
    """Cancellations stand even when the mail server is down; the failure is logged."""
    try:
        send()
    except OSError:
        log.exception("cancellation e-mail not sent")
