"""Cancellation: the young person's limit at its edges, the venue's reason, seats and credit given back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select

from lanterne.booking.beneficiaries import beneficiary_summary
from lanterne.booking.bookings import book, cancellation_limit
from lanterne.booking.cancellation import cancel_by_beneficiary, cancel_by_venue
from lanterne.booking.cards import booking_card
from lanterne.booking.models import Stock
from lanterne.errors import Conflict, Forbidden, InvalidValue
from lanterne.settings import Settings

from .conftest import NOW, add_beneficiary, add_place

H = timedelta(hours=1)


@pytest.mark.parametrize(
    ("show_in", "expected_after_booking"),
    [
        (timedelta(days=10), 48 * H),  # far show: booking + 48 h comes first
        (72 * H, 24 * H),  # show in 3 days: show − 48 h comes first
        (96 * H, 48 * H),  # both equal
        (30 * H, 0 * H),  # show − 48 h is before the booking: the booking time itself
        (48 * H, 0 * H),  # show − 48 h is exactly the booking time
    ],
)
def test_cancellation_limit_rule(show_in: timedelta, expected_after_booking: timedelta) -> None:
    assert cancellation_limit(NOW, NOW + show_in) == NOW + expected_after_booking


def test_the_young_person_cancels_up_to_the_limit_included(engine: Engine, settings: Settings) -> None:
    place = add_place(engine, price=800, starts_at=NOW + timedelta(days=10))
    young = add_beneficiary(engine)
    receipt = book(engine, young, place.stock_id, now=NOW)
    cancel_by_beneficiary(engine, young, receipt.booking_id, now=NOW + 48 * H)
    assert booking_card(engine, receipt.booking_id)["status"] == "cancelled"
    assert beneficiary_summary(engine, young)["balance_cents"] == 15000
    with engine.connect() as connection:
        assert connection.scalar(select(Stock.booked).where(Stock.id == place.stock_id)) == 0


def test_one_second_after_the_limit_is_too_late(engine: Engine, settings: Settings) -> None:
    place = add_place(engine, starts_at=NOW + timedelta(days=10))
    young = add_beneficiary(engine)
    receipt = book(engine, young, place.stock_id, now=NOW)
    with pytest.raises(Conflict, match="limite"):
        cancel_by_beneficiary(engine, young, receipt.booking_id, now=NOW + 48 * H + timedelta(seconds=1))


def test_a_last_minute_booking_can_only_be_cancelled_at_once(engine: Engine, settings: Settings) -> None:
    place = add_place(engine, starts_at=NOW + 5 * H)
    young = add_beneficiary(engine)
    receipt = book(engine, young, place.stock_id, now=NOW)
    with pytest.raises(Conflict):
        cancel_by_beneficiary(engine, young, receipt.booking_id, now=NOW + timedelta(minutes=1))
    cancel_by_beneficiary(engine, young, receipt.booking_id, now=NOW)


def test_only_the_owner_cancels_and_only_once(engine: Engine, settings: Settings) -> None:
    place = add_place(engine)
    young, other = add_beneficiary(engine, 1), add_beneficiary(engine, 2)
    receipt = book(engine, young, place.stock_id, now=NOW)
    with pytest.raises(Forbidden):
        cancel_by_beneficiary(engine, other, receipt.booking_id, now=NOW)
    cancel_by_beneficiary(engine, young, receipt.booking_id, now=NOW)
    with pytest.raises(Conflict, match="annulée"):
        cancel_by_beneficiary(engine, young, receipt.booking_id, now=NOW)
    assert beneficiary_summary(engine, young)["balance_cents"] == 15000  # given back once only


def test_the_venue_cancels_with_a_reason(engine: Engine, settings: Settings) -> None:
    place = add_place(engine)
    young = add_beneficiary(engine)
    receipt = book(engine, young, place.stock_id, now=NOW)
    with pytest.raises(InvalidValue, match="motif"):
        cancel_by_venue(engine, place.venue_id, receipt.booking_id, "  ")
    cancel_by_venue(engine, place.venue_id, receipt.booking_id, "Projecteur en panne", now=NOW)
    card = booking_card(engine, receipt.booking_id)
    assert (card["status"], card["cancelled_by"], card["cancellation_reason"]) == (
        "cancelled",
        "venue",
        "Projecteur en panne",
    )
    assert beneficiary_summary(engine, young)["balance_cents"] == 15000
