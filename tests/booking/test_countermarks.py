"""Countermarks: six characters of the unambiguous alphabet, unique in the database."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, update
from sqlalchemy.exc import IntegrityError

from lanterne.booking.bookings import book
from lanterne.booking.countermarks import (
    ALPHABET,
    draw_countermark,
    looks_like_countermark,
    normalize_countermark,
)
from lanterne.booking.models import Booking
from lanterne.settings import Settings

from .conftest import NOW, add_beneficiary, add_place


def test_the_alphabet_has_no_i_nor_o_nor_ambiguous_digits() -> None:
    assert set(ALPHABET) == set("ABCDEFGHJKLMNPQRSTUVWXYZ234567")
    assert len(ALPHABET) == 30


def test_draws_are_six_characters_of_the_alphabet_and_vary() -> None:
    codes = [draw_countermark() for _ in range(2000)]
    assert all(len(code) == 6 and set(code) <= set(ALPHABET) for code in codes)
    assert len(set(codes)) > 1990
    assert set("".join(codes)) == set(ALPHABET)  # every character is used


def test_typed_codes_are_normalized() -> None:
    assert normalize_countermark(" ab2-c3d ") == "AB2C3D"
    assert looks_like_countermark("AB2C3D") and not looks_like_countermark("AB2C3O")


def test_the_database_refuses_a_duplicate_countermark(engine: Engine, settings: Settings) -> None:
    place = add_place(engine)
    first = book(engine, add_beneficiary(engine, 1), place.stock_id, now=NOW)
    second = book(engine, add_beneficiary(engine, 2), place.stock_id, now=NOW)
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(
            update(Booking).where(Booking.id == second.booking_id).values(countermark=first.countermark)
        )
