"""Venues: SIREN/SIRET/IBAN/BIC checks, structures shared by venues, accounts over date ranges."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func, select

from lanterne.booking.models import Structure
from lanterne.booking.venues import (
    VenueInput,
    account_on,
    add_bank_account,
    attach_account,
    checked_bic,
    checked_iban,
    checked_siren,
    checked_siret,
    create_venue,
    update_settings,
    venue_for_token,
    venue_settings,
)
from lanterne.errors import Forbidden, InvalidValue

from .conftest import BIC, IBAN, SIREN, add_venue, luhn_complete, siret


def test_siret_and_siren_are_luhn_checked() -> None:
    assert checked_siret("732 829 320 00074") == "73282932000074"
    assert checked_siren(SIREN) == SIREN
    with pytest.raises(InvalidValue, match="SIRET") as error:
        checked_siret("73282932000075")
    assert error.value.field == "siret"
    with pytest.raises(InvalidValue, match="SIREN"):
        checked_siren("732829321")


def test_iban_and_bic_are_checked() -> None:
    assert checked_iban("FR76 3000 6000 0112 3456 7890 189") == IBAN
    assert checked_bic("agrifrpp") == "AGRIFRPP"
    with pytest.raises(InvalidValue, match="IBAN"):
        checked_iban("FR7630006000011234567890188")
    with pytest.raises(InvalidValue, match="BIC"):
        checked_bic("AGRI")


def test_venues_of_one_siren_share_their_structure(engine: Engine) -> None:
    first, token = add_venue(engine, 1)
    add_venue(engine, 2)
    other_siren = luhn_complete("44306184")
    add_venue(engine, 3, siret=luhn_complete(f"{other_siren}0001"))
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Structure)) == 2
    assert venue_for_token(engine, token) == first
    with pytest.raises(Forbidden):
        venue_for_token(engine, "lv_nope")
    with pytest.raises(InvalidValue, match="déjà inscrit"):
        add_venue(engine, 1)
    with pytest.raises(InvalidValue) as error:
        create_venue(engine, VenueInput(siret="123", name="x", booking_email="a@b.fr"))
    assert error.value.field == "siret"


def test_accounts_attach_over_date_ranges(engine: Engine) -> None:
    venue_a, _ = add_venue(engine, 1)
    venue_b, _ = add_venue(engine, 2)
    old = add_bank_account(engine, SIREN, "Ancien", "SARL", IBAN, BIC)
    new = add_bank_account(engine, SIREN, "Nouveau", "SARL", "DE89370400440532013000", "COBADEFFXXX")
    attach_account(engine, venue_a, old, date(2026, 1, 1))
    attach_account(engine, venue_a, new, date(2026, 6, 1))
    attach_account(engine, venue_b, old, date(2026, 1, 1))
    with engine.connect() as connection:
        assert account_on(connection, venue_a, date(2025, 12, 31)) is None
        assert account_on(connection, venue_a, date(2026, 5, 31)) == old
        assert account_on(connection, venue_a, date(2026, 6, 1)) == new
        assert account_on(connection, venue_b, date(2026, 7, 1)) == old  # another venue, another account
    with pytest.raises(InvalidValue, match="déjà rattaché"):
        attach_account(engine, venue_a, old, date(2026, 3, 1))


def test_an_account_of_another_structure_is_refused(engine: Engine) -> None:
    venue, _ = add_venue(engine, 1)
    other_siren = luhn_complete("44306184")
    add_venue(engine, 9, siret=luhn_complete(f"{other_siren}0001"))
    foreign = add_bank_account(engine, other_siren, "Autre", "SAS", IBAN, BIC)
    with pytest.raises(InvalidValue, match="autre structure"):
        attach_account(engine, venue, foreign, date(2026, 1, 1))


def test_settings_are_changed_and_checked(engine: Engine) -> None:
    venue, _ = add_venue(engine, 1)
    update_settings(engine, venue, single_price_cents=550, capacity=None, withdrawal_details="Caisse 2")
    shown = venue_settings(engine, venue)
    assert (shown["single_price_cents"], shown["capacity"], shown["withdrawal_details"]) == (
        550,
        None,
        "Caisse 2",
    )
    assert "token_hash" not in shown
    with pytest.raises(InvalidValue):
        update_settings(engine, venue, capacity=-1)
    with pytest.raises(InvalidValue):
        update_settings(engine, venue, siret=siret(5))
