"""Builders of the booking tests: a cinema with its programme, a venue, a young person, a stock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, insert

from lanterne.booking.beneficiaries import BeneficiaryInput, create_beneficiary
from lanterne.booking.offers import ManualOffer, create_offer
from lanterne.booking.policy import PassPolicy
from lanterne.booking.venues import VenueInput, add_bank_account, attach_account, create_venue
from lanterne.catalog.models import Cinema, Film, Showtime

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
SIREN = "732829320"
IBAN = "FR7630006000011234567890189"
BIC = "AGRIFRPP"


def luhn_complete(prefix: str) -> str:
    """Append the Luhn digit that makes a SIREN/SIRET valid."""
    for digit in "0123456789":
        candidate = prefix + digit
        total = 0
        for index, char in enumerate(reversed(candidate)):
            value = int(char) * (2 if index % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return candidate
    raise AssertionError(prefix)


def siret(number: int, siren: str = SIREN) -> str:
    return luhn_complete(f"{siren}{number:04d}")


@dataclass
class Place:
    venue_id: int
    token: str
    offer_id: int
    stock_id: int


def add_cinema(engine: Engine, cinema_id: int = 1000035) -> int:
    with engine.begin() as connection:
        connection.execute(
            insert(Cinema).values(
                id=cinema_id,
                cnc_region=1,
                cnc_number=cinema_id % 1000,
                name="Le Balzac",
                postcode="75008",
                latitude=48.87,
                longitude=2.30,
                connector_settings={},
            )
        )
    return cinema_id


def add_film(engine: Engine, film_id: int, title: str = "Les Glaneurs", **extra: object) -> int:
    with engine.begin() as connection:
        connection.execute(
            insert(Film).values(
                id=film_id,
                title=title,
                synopsis=f"Synopsis de {title}.",
                directors="Agnès Varda",
                runtime=82,
                poster_url=f"https://img.example/{film_id}.jpg",
                **extra,
            )
        )
    return film_id


def add_showtime(
    engine: Engine, showtime_id: int, cinema_id: int, film_id: int, starts_at: datetime, **extra: object
) -> int:
    values: dict[str, object] = dict(
        id=showtime_id,
        cinema_id=cinema_id,
        film_id=film_id,
        starts_at=starts_at,
        version="VOST",
        source="test",
        external_id=str(showtime_id),
        status="scheduled",
    )
    values.update(extra)
    with engine.begin() as connection:
        connection.execute(insert(Showtime).values(**values))
    return showtime_id


def add_venue(engine: Engine, number: int = 1, **extra: object) -> tuple[int, str]:
    values: dict[str, object] = dict(
        siret=siret(number),
        name=f"Cinéma {number}",
        booking_email=f"lieu{number}@cinema.example",
        withdrawal_details="Présentez-vous à la caisse 15 minutes avant.",
        latitude=48.87,
        longitude=2.30,
    )
    values.update(extra)
    return create_venue(engine, VenueInput(**values))  # type: ignore[arg-type]


def add_beneficiary(engine: Engine, number: int = 1, now: datetime = NOW, **extra: object) -> int:
    values: dict[str, object] = dict(
        first_name="Camille",
        last_name=f"Martin{number}",
        email=f"jeune{number}@example.org",
        phone="0601020304",
    )
    values.update(extra)
    beneficiary_id, _token = create_beneficiary(
        engine,
        BeneficiaryInput(**values),
        PassPolicy(),
        now=now - timedelta(days=1),  # type: ignore[arg-type]
    )
    return beneficiary_id


def add_place(
    engine: Engine,
    quantity: int | None = 10,
    price: int = 700,
    starts_at: datetime | None = None,
    is_duo: bool = False,
    number: int = 1,
) -> Place:
    venue_id, token = add_venue(engine, number)
    offer_id, stock_id = create_offer(
        engine,
        venue_id,
        ManualOffer(
            name="Avant-première",
            starts_at=starts_at or NOW + timedelta(days=5),
            price_cents=price,
            quantity=quantity,
            is_duo=is_duo,
        ),
    )
    return Place(venue_id, token, offer_id, stock_id)


def add_account(engine: Engine, venue_id: int, since: datetime = NOW - timedelta(days=400)) -> int:
    account_id = add_bank_account(engine, SIREN, "Compte courant", "SARL Le Balzac", IBAN, BIC)
    attach_account(engine, venue_id, account_id, since.date())
    return account_id


@pytest.fixture
def policy() -> PassPolicy:
    return PassPolicy()
