"""The daily import: one offer per film per venue, one stock per showtime at the Tarif unique and jauge,
the venue's choices never overridden, cancelled showtimes cancelling their bookings with notice."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, select, update

from lanterne.booking.beneficiaries import beneficiary_summary
from lanterne.booking.bookings import book
from lanterne.booking.cards import booking_card
from lanterne.booking.models import Offer, Stock
from lanterne.booking.offer_import import import_offers
from lanterne.booking.offers import edit_stock, set_offer_active, set_stock_active
from lanterne.booking.outbox import deliver
from lanterne.booking.venues import update_settings
from lanterne.catalog.models import Showtime
from lanterne.settings import Settings

from .conftest import NOW, add_beneficiary, add_cinema, add_film, add_showtime, add_venue

DAY = timedelta(days=1)


def _setup(engine: Engine, capacity: int | None = 20) -> int:
    cinema = add_cinema(engine)
    add_film(engine, 1, "Les Glaneurs")
    add_film(engine, 2, "Cléo de 5 à 7")
    add_showtime(engine, 11, cinema, 1, NOW + DAY)
    add_showtime(engine, 12, cinema, 1, NOW + 2 * DAY, version="VF")
    add_showtime(engine, 21, cinema, 2, NOW + DAY)
    add_showtime(engine, 99, cinema, 2, NOW - DAY)  # past: not imported
    venue, _ = add_venue(engine, cinema_id=cinema, single_price_cents=550, capacity=capacity)
    return venue


def _stocks(engine: Engine) -> dict[int, tuple[int, int | None, bool]]:
    with engine.connect() as connection:
        rows = connection.execute(select(Stock.showtime_id, Stock.price_cents, Stock.quantity, Stock.active))
        return {row[0]: (row[1], row[2], row[3]) for row in rows}


def test_one_offer_per_film_one_stock_per_showtime(engine: Engine, settings: Settings) -> None:
    _setup(engine)
    report = import_offers(engine, settings, now=NOW)
    assert (report.venues, report.offers_created, report.stocks_created) == (1, 2, 3)
    assert _stocks(engine) == {11: (550, 20, True), 12: (550, 20, True), 21: (550, 20, True)}
    with engine.connect() as connection:
        offer = connection.execute(select(Offer.__table__).where(Offer.film_id == 1)).first()
        versions = connection.scalars(select(Stock.version).order_by(Stock.showtime_id)).all()
    assert offer is not None and offer.name == "Les Glaneurs" and offer.runtime == 82
    assert offer.image_url == "https://img.example/1.jpg"
    assert offer.description.startswith("Synopsis de Les Glaneurs.")
    assert "Réalisation : Agnès Varda. Durée : 1 h 22." in offer.description
    assert offer.description.endswith(f"{settings.base_url}/films/1")
    assert versions == ["VOST", "VF", "VOST"]
    again = import_offers(engine, settings, now=NOW)
    assert (again.offers_created, again.stocks_created, again.stocks_updated) == (0, 0, 3)


def test_an_empty_jauge_means_unlimited(engine: Engine, settings: Settings) -> None:
    _setup(engine, capacity=None)
    import_offers(engine, settings, now=NOW)
    assert {q for _p, q, _a in _stocks(engine).values()} == {None}


def test_the_import_never_overrides_the_venues_choices(engine: Engine, settings: Settings) -> None:
    venue = _setup(engine)
    import_offers(engine, settings, now=NOW)
    with engine.connect() as connection:
        film_offer = connection.scalar(select(Offer.id).where(Offer.film_id == 2))
        stock = dict(connection.execute(select(Stock.showtime_id, Stock.id)).all())
    set_offer_active(engine, venue, film_offer, False)
    set_stock_active(engine, venue, stock[12], False)
    edit_stock(engine, venue, stock[11], price_cents=400, quantity=5)
    edit_stock(engine, venue, stock[21], price_cents=550, quantity=20)  # sent back unchanged: no choice
    update_settings(engine, venue, single_price_cents=600, capacity=30)
    import_offers(engine, settings, now=NOW)
    assert _stocks(engine) == {11: (400, 5, True), 12: (600, 30, False), 21: (600, 30, True)}
    with engine.connect() as connection:
        assert connection.scalar(select(Offer.active).where(Offer.id == film_offer)) is False


def test_a_cancelled_showtime_cancels_its_stock_and_bookings(
    engine: Engine, settings: Settings, smtp_server: object
) -> None:
    _setup(engine)
    import_offers(engine, settings, now=NOW)
    with engine.connect() as connection:
        stock_id = connection.scalar(select(Stock.id).where(Stock.showtime_id == 11))
    young = add_beneficiary(engine)
    receipt = book(engine, young, stock_id, now=NOW)
    with engine.begin() as connection:
        connection.execute(update(Showtime).where(Showtime.id == 11).values(status="cancelled"))
    report = import_offers(engine, settings, now=NOW)
    assert (report.stocks_cancelled, report.bookings_cancelled) == (1, 1)
    card = booking_card(engine, receipt.booking_id)
    assert (card["status"], card["cancelled_by"]) == ("cancelled", "programme")
    assert beneficiary_summary(engine, young)["balance_cents"] == 15000
    assert deliver(engine, settings) == 2  # the booking's e-mails, then the notice
    notice = smtp_server.messages[-1]  # type: ignore[attr-defined]
    assert notice["To"] == "jeune1@example.org" and "annulée" in notice["Subject"]
    assert "la séance a été annulée par le cinéma" in notice.get_content()
    assert import_offers(engine, settings, now=NOW).stocks_cancelled == 0


def test_a_venue_without_tarif_unique_is_not_imported(engine: Engine, settings: Settings) -> None:
    cinema = add_cinema(engine)
    add_film(engine, 1)
    add_showtime(engine, 11, cinema, 1, NOW + DAY)
    add_venue(engine, cinema_id=cinema)
    assert import_offers(engine, settings, now=NOW).venues == 0
