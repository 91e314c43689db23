"""The e-mail outbox: bookings and cancellations queue their messages in their own transaction; the
worker delivers them every minute, retrying a mail server that is down (up to MAX_ATTEMPTS times).
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from lanterne.booking import emails
from lanterne.booking.cards import booking_card
from lanterne.booking.models import OutboxEmail
from lanterne.db import utcnow
from lanterne.settings import Settings

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 10
BATCH = 200
SENDERS = 4  # parallel SMTP connections of one delivery run


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
    """Send everything waiting, batch after batch, until a batch sends nothing; return how many went out."""
    total = 0
    while sent := deliver_batch(engine, settings, now):
        total += sent
    return total


def _deliver_one(engine: Engine, settings: Settings, row: Any, now: datetime | None) -> bool:
    """Send one queued message and record the outcome; a failure is kept for the next run."""
    values: dict[str, object]
    try:
        _send(engine, settings, row.booking_id, row.kind, row.reason)
        values = {"sent_at": now or utcnow()}
    except OSError as error:  # SMTP down or refusing: try again at the next run
        log.warning("e-mail %s not sent: %s", row.id, error)
        values = {"attempts": OutboxEmail.attempts + 1, "last_error": str(error)[:500]}
    with engine.begin() as connection:
        connection.execute(update(OutboxEmail).where(OutboxEmail.id == row.id).values(**values))
    return "sent_at" in values


def deliver_batch(engine: Engine, settings: Settings, now: datetime | None = None) -> int:
    """Send up to BATCH waiting messages, oldest first, over a few SMTP connections at once (the time
    goes in round trips to the mail server), each booking's in order; return how many went out."""
    with engine.connect() as connection:
        waiting = connection.execute(
            select(OutboxEmail.id, OutboxEmail.booking_id, OutboxEmail.kind, OutboxEmail.reason)
            .where(OutboxEmail.sent_at.is_(None), OutboxEmail.attempts < MAX_ATTEMPTS)
            .order_by(OutboxEmail.id)
            .limit(BATCH)
        ).all()
    by_booking: dict[int, list[Any]] = {}
    for row in waiting:  # one booking's messages stay in order: never a notice before its confirmation
        by_booking.setdefault(row.booking_id, []).append(row)

    def deliver_in_order(rows: list[Any]) -> int:
        return sum(_deliver_one(engine, settings, row, now) for row in rows)

    with ThreadPoolExecutor(SENDERS) as senders:
        return sum(senders.map(deliver_in_order, by_booking.values()))
