"""The e-mail outbox: bookings and cancellations queue their messages in their own transaction; the
worker delivers them every minute, retrying a mail server that is down (up to MAX_ATTEMPTS times).
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import Connection, Engine, insert, select, update

from lanterne.booking import emails
from lanterne.booking.cards import booking_card
from lanterne.booking.models import OutboxEmail
from lanterne.db import utcnow
from lanterne.settings import Settings

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 10
BATCH = 200


def enqueue(connection: Connection, booking_id: int, kind: str, reason: str | None = None) -> None:
    """Queue a message inside the caller's transaction: it exists if and only if the change does."""
    connection.execute(
        insert(OutboxEmail).values(booking_id=booking_id, kind=kind, reason=reason, created_at=utcnow())
    )


def _send(engine: Engine, settings: Settings, booking_id: int, kind: str, reason: str | None) -> None:
    card = booking_card(engine, booking_id)
    if kind == "booked":
        emails.send_booking_emails(settings, card)
    elif kind == "cancelled_by_young":
        emails.send_cancellation_to_venue(settings, card)
    else:
        emails.send_cancellation_notice(settings, card, reason or "annulation")


def deliver(engine: Engine, settings: Settings, now: datetime | None = None) -> int:
    """Send what is waiting, oldest first; return how many messages went out."""
    with engine.connect() as connection:
        waiting = connection.execute(
            select(OutboxEmail.id, OutboxEmail.booking_id, OutboxEmail.kind, OutboxEmail.reason)
            .where(OutboxEmail.sent_at.is_(None), OutboxEmail.attempts < MAX_ATTEMPTS)
            .order_by(OutboxEmail.id)
            .limit(BATCH)
        ).all()
    sent = 0
    for row in waiting:
        values: dict[str, object]
        try:
            _send(engine, settings, row.booking_id, row.kind, row.reason)
            values, sent = {"sent_at": now or utcnow()}, sent + 1
        except OSError as error:  # SMTP down or refusing: try again at the next run
            log.warning("e-mail %s not sent: %s", row.id, error)
            values = {"attempts": OutboxEmail.attempts + 1, "last_error": str(error)[:500]}
        with engine.begin() as connection:
            connection.execute(update(OutboxEmail).where(OutboxEmail.id == row.id).values(**values))
    return sent
