"""The guichet: staff type a countermark, see the booking and the name to check against an ID, validate it,
or undo a validation until the booking is reimbursed.

"Too early" means before the show's day in Europe/Paris: staff may validate from midnight of the day of
the show, so a young person arriving for a matinée is never turned away. Failed lookups (unknown code,
another venue's code) are counted in the database per venue: past the limit in one minute, 429.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, delete, func, insert, select, update

from lanterne.booking.cards import booking_card
from lanterne.booking.countermarks import normalize_countermark
from lanterne.booking.emails import local_time
from lanterne.booking.models import Booking, CounterFailure, Pricing
from lanterne.booking.policy import PassPolicy
from lanterne.db import utcnow
from lanterne.errors import Conflict, Forbidden, LanterneError, NotFound

PARIS = ZoneInfo("Europe/Paris")


class TooManyAttempts(LanterneError):
    status_code = 429


def _key(venue_id: int) -> str:
    return f"venue:{venue_id}"


def _throttle(engine: Engine, venue_id: int, now: datetime, limit: int) -> None:
    with engine.connect() as connection:
        failures = connection.scalar(
            select(func.count()).where(
                CounterFailure.key == _key(venue_id), CounterFailure.at > now - timedelta(minutes=1)
            )
        )
    if (failures or 0) >= limit:
        raise TooManyAttempts("trop de contremarques erronées : patientez une minute avant de réessayer")


def _record_failure(engine: Engine, venue_id: int, now: datetime) -> None:
    with engine.begin() as connection:
        connection.execute(insert(CounterFailure).values(key=_key(venue_id), at=now))
        connection.execute(
            delete(CounterFailure).where(
                CounterFailure.key == _key(venue_id), CounterFailure.at < now - timedelta(hours=1)
            )
        )


def _find(engine: Engine, venue_id: int, typed: str, now: datetime, policy: PassPolicy) -> dict[str, Any]:
    """The booking behind a code typed at this venue; unknown and foreign codes count as failures."""
    _throttle(engine, venue_id, now, policy.counter_failures_per_minute)
    code = normalize_countermark(typed)
    with engine.connect() as connection:
        found = connection.execute(
            select(Booking.id, Booking.venue_id).where(Booking.countermark == code)
        ).first()
    if found is None:
        _record_failure(engine, venue_id, now)
        raise NotFound(f"contremarque {code} inconnue : vérifiez la saisie")
    if found.venue_id != venue_id:
        _record_failure(engine, venue_id, now)
        raise Forbidden(f"la contremarque {code} a été émise pour un autre lieu")
    return booking_card(engine, found.id)


def refusal(card: dict[str, Any], now: datetime) -> str | None:
    """Why this booking cannot be validated now, in words for the cashier; None when it can."""
    if card["status"] == "used":
        return f"contremarque déjà validée le {local_time(card['used_at'])}"
    if card["status"] == "cancelled":
        return "réservation annulée : cette contremarque n'est plus valable"
    show_day = card["show_starts_at"].astimezone(PARIS).date()
    if now.astimezone(PARIS).date() < show_day:
        return f"trop tôt : cette contremarque se valide à partir du jour de la séance ({show_day:%d/%m/%Y})"
    return None


def look_up(
    engine: Engine, venue_id: int, typed: str, now: datetime | None = None, policy: PassPolicy | None = None
) -> dict[str, Any]:
    """The booking and the young person's name, with `refusal` set when it cannot be validated now."""
    now = now or utcnow()
    card = _find(engine, venue_id, typed, now, policy or PassPolicy())
    return {**card, "refusal": refusal(card, now)}


def validate(
    engine: Engine, venue_id: int, typed: str, now: datetime | None = None, policy: PassPolicy | None = None
) -> dict[str, Any]:
    """Mark the booking used (author: the venue); refusals raise with the cashier's explanation."""
    now = now or utcnow()
    card = _find(engine, venue_id, typed, now, policy or PassPolicy())
    reason = refusal(card, now)
    if reason is not None:
        raise Conflict(reason)
    with engine.begin() as connection:
        done = connection.execute(
            update(Booking)
            .where(Booking.id == card["id"], Booking.status == "confirmed")
            .values(status="used", used_at=now, validated_by="venue")
        )
    if done.rowcount != 1:  # validated by another till at the same moment
        raise Conflict("contremarque déjà validée")
    return {**card, "status": "used", "used_at": now, "validated_by": "venue", "refusal": None}


def undo_validation(
    engine: Engine, venue_id: int, typed: str, now: datetime | None = None, policy: PassPolicy | None = None
) -> dict[str, Any]:
    """Put a validated booking back to confirmed, as long as no reimbursement has priced it."""
    now = now or utcnow()
    card = _find(engine, venue_id, typed, now, policy or PassPolicy())
    if card["status"] != "used":
        raise Conflict("cette contremarque n'est pas validée")
    priced = select(Pricing.id).where(Pricing.booking_id == card["id"]).exists()
    with engine.begin() as connection:
        done = connection.execute(
            update(Booking)
            .where(Booking.id == card["id"], Booking.status == "used", ~priced)
            .values(status="confirmed", used_at=None, validated_by=None)
        )
    if done.rowcount != 1:
        raise Conflict("validation déjà remboursée : elle ne peut plus être annulée")
    return {**card, "status": "confirmed", "used_at": None, "validated_by": None}
