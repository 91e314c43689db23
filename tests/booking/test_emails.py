"""E-mails through a real SMTP server: the venue's (Reply-To the young person) and the young person's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select

from lanterne.booking.bookings import book
from lanterne.booking.cancellation import cancel_by_beneficiary
from lanterne.booking.emails import local_time
from lanterne.booking.models import OutboxEmail
from lanterne.booking.money import euros, parse_euros
from lanterne.booking.outbox import deliver
from lanterne.errors import InvalidValue
from lanterne.settings import Settings

from .conftest import NOW, add_beneficiary, add_place

SHOW = datetime(2026, 11, 28, 19, 30, tzinfo=UTC)


def test_money_and_times_read_the_french_way() -> None:
    assert euros(1050) == "10,50 €" and euros(7) == "0,07 €"
    assert local_time(SHOW) == "28/11/2026 à 20h30"


def test_booking_emails_reach_the_venue_and_the_young_person(
    engine: Engine, settings: Settings, smtp_server: object
) -> None:
    place = add_place(engine, price=650, starts_at=SHOW, is_duo=True)
    young = add_beneficiary(engine, phone="0611223344")
    receipt = book(engine, young, place.stock_id, quantity=2, now=NOW)
    assert smtp_server.messages == []  # queued with the booking, sent by the worker
    assert deliver(engine, settings) == 1
    to_venue, to_young = smtp_server.messages  # type: ignore[attr-defined]
    assert to_venue["To"] == "lieu1@cinema.example"
    assert to_venue["Reply-To"] == "jeune1@example.org"
    assert receipt.countermark in to_venue["Subject"]
    body = to_venue.get_content()
    for expected in (
        receipt.countermark,
        "Camille Martin1",
        "jeune1@example.org",
        "0611223344",
        "Avant-première",
        "28/11/2026 à 20h30",
        "6,50 € la place",
        "13,00 € au total",
        "Quantité : 2",
    ):
        assert expected in body
    assert to_young["To"] == "jeune1@example.org" and to_young["Reply-To"] is None
    young_body = to_young.get_content()
    assert f"Votre contremarque : {receipt.countermark}" in young_body
    assert "Présentez-vous à la caisse 15 minutes avant." in young_body
    assert "Annulation possible jusqu'au 22/11/2026 à 11h00" in young_body


def test_the_venue_is_told_of_a_cancellation(engine: Engine, settings: Settings, smtp_server: object) -> None:
    place = add_place(engine, starts_at=SHOW)
    young = add_beneficiary(engine)
    receipt = book(engine, young, place.stock_id, now=NOW)
    cancel_by_beneficiary(engine, young, receipt.booking_id, now=NOW)
    assert deliver(engine, settings) == 2
    notice = smtp_server.messages[-1]  # type: ignore[attr-defined]
    assert notice["To"] == "lieu1@cinema.example" and "annulée" in notice["Subject"]
    assert "Camille Martin1" in notice.get_content()


def test_a_mail_server_down_keeps_the_booking_and_the_message(
    engine: Engine, settings: Settings, smtp_server: object
) -> None:
    port = settings.smtp_port
    settings.smtp_port = 9  # nothing listens there
    place = add_place(engine)
    receipt = book(engine, add_beneficiary(engine), place.stock_id, now=NOW)
    assert deliver(engine, settings) == 0
    with engine.connect() as connection:
        attempts, error = connection.execute(select(OutboxEmail.attempts, OutboxEmail.last_error)).one()
    assert attempts == 1 and error
    settings.smtp_port = port
    assert deliver(engine, settings) == 1 and deliver(engine, settings) == 0  # sent once, not twice
    assert receipt.countermark in smtp_server.messages[0]["Subject"]  # type: ignore[attr-defined]


def test_prices_typed_in_euros() -> None:
    assert parse_euros("5,50", "prix") == 550 and parse_euros("7 €", "prix") == 700
    assert parse_euros("6.5", "prix") == 650 and parse_euros(" ", "jauge") is None
    with pytest.raises(InvalidValue, match="illisible") as error:
        parse_euros("cinq", "prix")
    assert error.value.field == "prix"
