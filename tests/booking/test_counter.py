"""The guichet: look up, validate, refusals in clear French, undo until reimbursed, throttled guessing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine

from lanterne.booking.bookings import book
from lanterne.booking.cancellation import cancel_by_venue
from lanterne.booking.counter import TooManyAttempts, look_up, undo_validation, validate
from lanterne.booking.policy import PassPolicy
from lanterne.booking.reimbursement import build_batch
from lanterne.errors import Conflict, Forbidden, NotFound
from lanterne.settings import Settings

from .conftest import NOW, add_account, add_beneficiary, add_place

SHOW = NOW + timedelta(days=2)  # 22 November 2026, 11:00 Paris


def _booked(engine: Engine, settings: Settings) -> tuple[int, str, int]:
    place = add_place(engine, starts_at=SHOW)
    receipt = book(engine, add_beneficiary(engine), place.stock_id, now=NOW)
    return place.venue_id, receipt.countermark, receipt.booking_id


def test_lookup_shows_the_booking_and_the_name(engine: Engine, settings: Settings) -> None:
    venue, code, _ = _booked(engine, settings)
    card = look_up(engine, venue, code.lower(), now=SHOW)
    assert (card["first_name"], card["last_name"], card["quantity"]) == ("Camille", "Martin1", 1)
    assert card["refusal"] is None


def test_validation_from_the_show_day_only(engine: Engine, settings: Settings) -> None:
    venue, code, _ = _booked(engine, settings)
    day_before = SHOW.replace(hour=22, minute=59) - timedelta(days=1)  # 23:59 Paris the day before
    with pytest.raises(Conflict, match="trop tôt"):
        validate(engine, venue, code, now=day_before)
    midnight = day_before + timedelta(minutes=1)  # 00:00 Paris on the show's day
    assert validate(engine, venue, code, now=midnight)["status"] == "used"


def test_validating_twice_is_refused(engine: Engine, settings: Settings) -> None:
    venue, code, _ = _booked(engine, settings)
    validate(engine, venue, code, now=SHOW)
    with pytest.raises(Conflict, match="déjà validée"):
        validate(engine, venue, code, now=SHOW)
    assert look_up(engine, venue, code, now=SHOW)["refusal"].startswith("contremarque déjà validée")


def test_a_cancelled_booking_is_refused(engine: Engine, settings: Settings) -> None:
    venue, code, booking_id = _booked(engine, settings)
    cancel_by_venue(engine, venue, booking_id, "Séance complète", now=NOW)
    with pytest.raises(Conflict, match="annulée"):
        validate(engine, venue, code, now=SHOW)


def test_another_venues_code_and_unknown_codes_are_refused(engine: Engine, settings: Settings) -> None:
    _venue, code, _ = _booked(engine, settings)
    other = add_place(engine, number=2)
    with pytest.raises(Forbidden, match="autre lieu"):
        validate(engine, other.venue_id, code, now=SHOW)
    with pytest.raises(NotFound, match="inconnue"):
        look_up(engine, other.venue_id, "ZZZZZZ", now=SHOW)


def test_undo_until_reimbursed(engine: Engine, settings: Settings) -> None:
    venue, code, _ = _booked(engine, settings)
    validate(engine, venue, code, now=SHOW)
    assert undo_validation(engine, venue, code, now=SHOW)["status"] == "confirmed"
    with pytest.raises(Conflict, match="pas validée"):
        undo_validation(engine, venue, code, now=SHOW)
    validate(engine, venue, code, now=SHOW)
    add_account(engine, venue)
    build_batch(engine, SHOW.date().replace(day=16), now=SHOW + timedelta(days=10))
    with pytest.raises(Conflict, match="remboursée"):
        undo_validation(engine, venue, code, now=SHOW + timedelta(days=10))


def test_guessing_is_throttled_per_venue_in_the_database(engine: Engine, settings: Settings) -> None:
    venue, code, _ = _booked(engine, settings)
    other = add_place(engine, number=2)
    policy = PassPolicy(counter_failures_per_minute=3)
    for guess in ("AAAAAA", "BBBBBB", "CCCCCC"):
        with pytest.raises(NotFound):
            look_up(engine, venue, guess, now=SHOW, policy=policy)
    with pytest.raises(TooManyAttempts) as error:
        look_up(engine, venue, code, now=SHOW, policy=policy)  # even a right code waits
    assert error.value.status_code == 429
    with pytest.raises(NotFound):  # another venue is not affected
        look_up(engine, other.venue_id, "AAAAAA", now=SHOW, policy=policy)
    assert look_up(engine, venue, code, now=SHOW + timedelta(seconds=61), policy=policy)["id"]
