"""Booking: quantity rules, credit spent, never oversold under concurrent bookings on both databases."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select

from lanterne.booking.beneficiaries import beneficiary_summary
from lanterne.booking.bookings import book, cancellation_limit
from lanterne.booking.cards import booking_card
from lanterne.booking.models import Booking, Stock
from lanterne.errors import Conflict, InvalidValue, LanterneError
from lanterne.settings import Settings

from .conftest import NOW, add_beneficiary, add_place


def test_a_booking_spends_the_credit_and_takes_a_seat(engine: Engine, settings: Settings) -> None:
    place = add_place(engine, price=650)
    young = add_beneficiary(engine)
    receipt = book(engine, young, place.stock_id, now=NOW)
    assert receipt.amount_cents == 650
    assert beneficiary_summary(engine, young)["balance_cents"] == 15000 - 650
    with engine.connect() as connection:
        assert connection.scalar(select(Stock.booked).where(Stock.id == place.stock_id)) == 1
    card = booking_card(engine, receipt.booking_id)
    assert card["status"] == "confirmed" and card["countermark"] == receipt.countermark


def test_two_seats_only_on_duo_offers(engine: Engine, settings: Settings) -> None:
    single = add_place(engine, number=1)
    duo = add_place(engine, number=2, is_duo=True)
    young = add_beneficiary(engine)
    with pytest.raises(InvalidValue, match="duo"):
        book(engine, young, single.stock_id, quantity=2, now=NOW)
    with pytest.raises(InvalidValue):
        book(engine, young, duo.stock_id, quantity=3, now=NOW)
    receipt = book(engine, young, duo.stock_id, quantity=2, now=NOW)
    assert receipt.amount_cents == 1400


def test_a_full_stock_refuses_the_next_booking(engine: Engine, settings: Settings) -> None:
    place = add_place(engine, quantity=1)
    book(engine, add_beneficiary(engine, 1), place.stock_id, now=NOW)
    with pytest.raises(Conflict, match="plus de place"):
        book(engine, add_beneficiary(engine, 2), place.stock_id, now=NOW)


def test_credit_cannot_be_overdrawn_nor_used_after_expiry(engine: Engine, settings: Settings) -> None:
    place = add_place(engine, price=9000, quantity=None)
    young = add_beneficiary(engine)
    book(engine, young, place.stock_id, now=NOW)
    with pytest.raises(InvalidValue, match="crédit"):
        book(engine, young, place.stock_id, now=NOW)
    with engine.connect() as connection:  # the refused booking left neither a seat nor a row
        assert connection.scalar(select(Stock.booked).where(Stock.id == place.stock_id)) == 1
        assert connection.scalar(select(func.count()).select_from(Booking)) == 1
    cheap = add_place(engine, price=100, number=2, starts_at=NOW + timedelta(days=900))
    with pytest.raises(InvalidValue, match="expiré"):
        book(engine, young, cheap.stock_id, now=NOW + timedelta(days=800))


def test_a_past_show_or_inactive_offer_cannot_be_booked(engine: Engine, settings: Settings) -> None:
    place = add_place(engine, starts_at=NOW - timedelta(hours=1))
    with pytest.raises(Conflict, match="commencé"):
        book(engine, add_beneficiary(engine), place.stock_id, now=NOW)


def test_countermark_collisions_are_retried(engine: Engine, settings: Settings) -> None:
    place = add_place(engine)
    draws = iter(["AAAAAA", "AAAAAA", "BBBBBB"])
    first = book(engine, add_beneficiary(engine, 1), place.stock_id, now=NOW, draw=lambda: next(draws))
    second = book(engine, add_beneficiary(engine, 2), place.stock_id, now=NOW, draw=lambda: next(draws))
    assert (first.countermark, second.countermark) == ("AAAAAA", "BBBBBB")
    with engine.connect() as connection:  # the collision did not leak a seat
        assert connection.scalar(select(Stock.booked).where(Stock.id == place.stock_id)) == 2


def test_cancellation_limit_is_stored_with_the_booking(engine: Engine, settings: Settings) -> None:
    place = add_place(engine, starts_at=NOW + timedelta(hours=30))
    receipt = book(engine, add_beneficiary(engine), place.stock_id, now=NOW)
    assert receipt.cancellation_limit_at == cancellation_limit(NOW, NOW + timedelta(hours=30)) == NOW


@pytest.mark.parametrize("clients", [40])
def test_never_oversold_under_concurrent_bookings(engine: Engine, settings: Settings, clients: int) -> None:
    place = add_place(engine, quantity=10)
    young = [add_beneficiary(engine, n) for n in range(clients)]
    barrier = threading.Barrier(clients)
    outcomes: list[str] = []

    def attempt(beneficiary_id: int) -> None:
        barrier.wait()
        try:
            book(engine, beneficiary_id, place.stock_id, now=NOW)
            outcomes.append("booked")
        except LanterneError:
            outcomes.append("refused")

    threads = [threading.Thread(target=attempt, args=(b,)) for b in young]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("booked") == 10 and outcomes.count("refused") == clients - 10
    with engine.connect() as connection:
        assert connection.scalar(select(Stock.booked).where(Stock.id == place.stock_id)) == 10
        assert connection.scalar(select(func.count()).select_from(Booking)) == 10
        codes = connection.scalars(select(Booking.countermark)).all()
    assert len(set(codes)) == 10
