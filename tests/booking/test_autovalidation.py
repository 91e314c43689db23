"""Auto-validation: confirmed bookings become used 72 h (configurable) after the show, author "auto"."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine

from lanterne.booking.autovalidation import autovalidate
from lanterne.booking.bookings import book
from lanterne.booking.cancellation import cancel_by_venue
from lanterne.booking.cards import booking_card
from lanterne.booking.policy import PassPolicy
from lanterne.settings import Settings

from .conftest import NOW, add_beneficiary, add_place

SHOW = NOW + timedelta(days=3)


def test_confirmed_bookings_become_used_after_72_hours(engine: Engine, settings: Settings) -> None:
    place = add_place(engine, starts_at=SHOW)
    kept = book(engine, add_beneficiary(engine, 1), place.stock_id, now=NOW)
    cancelled = book(engine, add_beneficiary(engine, 2), place.stock_id, now=NOW)
    cancel_by_venue(engine, place.venue_id, cancelled.booking_id, "Erreur", now=NOW)
    just_before = SHOW + timedelta(hours=72) - timedelta(seconds=1)
    assert autovalidate(engine, now=just_before) == 0
    assert autovalidate(engine, now=SHOW + timedelta(hours=72)) == 1
    card = booking_card(engine, kept.booking_id)
    assert (card["status"], card["validated_by"]) == ("used", "auto")
    assert card["used_at"] == SHOW + timedelta(hours=72)
    assert booking_card(engine, cancelled.booking_id)["status"] == "cancelled"
    assert autovalidate(engine, now=SHOW + timedelta(days=30)) == 0


def test_the_delay_is_configurable(engine: Engine, settings: Settings) -> None:
    place = add_place(engine, starts_at=SHOW)
    book(engine, add_beneficiary(engine), place.stock_id, now=NOW)
    assert autovalidate(engine, PassPolicy(autovalidate_hours=24), now=SHOW + timedelta(hours=24)) == 1
