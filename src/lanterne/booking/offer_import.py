"""The daily import of a cinema's programme into pass offers: one offer per film per venue, one stock per
showtime at the venue's "Tarif unique" and "jauge", so the cinema never retypes its programme.

The venue's choices win: an offer or a stock it switched off stays off, a price or quantity it edited
stays as edited. A showtime cancelled by the box office closes its stock and cancels its bookings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, insert, select, update

from lanterne.booking.cancellation import cancel_stock
from lanterne.booking.models import Offer, Stock, Venue, inserted_id
from lanterne.catalog.models import Film, Showtime
from lanterne.db import utcnow
from lanterne.settings import Settings

EDIT_FLAGS = (Stock.price_edited, Stock.quantity_edited)
CANCELLED_REASON = "la séance a été annulée par le cinéma"


@dataclass
class ImportReport:
    """What one import changed, for the command's output and the logs."""

    venues: int = 0
    offers_created: int = 0
    stocks_created: int = 0
    stocks_updated: int = 0
    stocks_cancelled: int = 0
    bookings_cancelled: int = 0
    details: list[str] = field(default_factory=list)


def film_description(film_id: int, film: Any, base_url: str) -> str:
    """The synopsis, the director and runtime, then a link to the film's page on Lanterne."""
    parts = [film.synopsis.strip()] if film.synopsis else []
    facts = []
    if film.directors:
        facts.append(f"Réalisation : {film.directors}.")
    if film.runtime:
        facts.append(f"Durée : {film.runtime // 60} h {film.runtime % 60:02d}.")
    if facts:
        parts.append(" ".join(facts))
    parts.append(f"Fiche du film : {base_url.rstrip('/')}/films/{film_id}")
    return "\n\n".join(parts)


def _importing_venues(connection: Connection, venue_id: int | None) -> list[Any]:
    query = select(Venue.id, Venue.cinema_id, Venue.single_price_cents, Venue.capacity).where(
        Venue.cinema_id.is_not(None), Venue.single_price_cents.is_not(None), Venue.import_enabled
    )
    if venue_id is not None:
        query = query.where(Venue.id == venue_id)
    return list(connection.execute(query))


def _programme(connection: Connection, cinema_id: int, now: datetime) -> list[Any]:
    film_columns = (Film.title, Film.synopsis, Film.directors, Film.runtime, Film.poster_url)
    query = (
        select(
            Showtime.id,
            Showtime.film_id,
            Showtime.starts_at,
            Showtime.version,
            Showtime.status,
            *film_columns,
        )
        .join(Film, Film.id == Showtime.film_id)
        .where(Showtime.cinema_id == cinema_id, Showtime.starts_at > now)
        .order_by(Showtime.starts_at)
    )
    return list(connection.execute(query))


def _offers_by_film(
    connection: Connection, venue: Any, showtimes: list[Any], base_url: str, report: ImportReport
) -> dict[int, int]:
    """Create the offers of films new to the venue; refresh film facts (never `active`) of the others."""
    rows = connection.execute(select(Offer.film_id, Offer.id).where(Offer.venue_id == venue.id)).all()
    existing = {int(film_id): offer_id for film_id, offer_id in rows if film_id is not None}
    films = {row.film_id: row for row in showtimes}
    for film_id, row in films.items():
        facts = {
            "name": row.title,
            "description": film_description(film_id, row, base_url),
            "image_url": row.poster_url,
            "runtime": row.runtime,
        }
        if film_id in existing:
            connection.execute(update(Offer).where(Offer.id == existing[film_id]).values(**facts))
            continue
        created = connection.execute(
            insert(Offer).values(venue_id=venue.id, film_id=film_id, source="import", active=True, **facts)
        )
        existing[film_id] = inserted_id(created)
        report.offers_created += 1
    return existing


def _upsert_stock(connection: Connection, venue: Any, offer_id: int, show: Any, current: Any) -> str:
    if current is None:
        connection.execute(
            insert(Stock).values(
                offer_id=offer_id,
                showtime_id=show.id,
                starts_at=show.starts_at,
                version=show.version,
                price_cents=venue.single_price_cents,
                quantity=venue.capacity,
                booked=0,
            )
        )
        return "created"
    values: dict[str, Any] = {"starts_at": show.starts_at, "version": show.version}
    if not current.price_edited:
        values["price_cents"] = venue.single_price_cents
    condition = Stock.id == current.id
    if not current.quantity_edited:
        values["quantity"] = venue.capacity
        if venue.capacity is not None:  # never below the seats already booked
            condition = and_(condition, Stock.booked <= venue.capacity)
    connection.execute(update(Stock).where(condition).values(**values))
    return "updated"


def _import_venue(
    engine: Engine, settings: Settings, venue: Any, now: datetime, report: ImportReport
) -> None:
    to_cancel = []
    with engine.begin() as connection:
        showtimes = _programme(connection, venue.cinema_id, now)
        offers = _offers_by_film(connection, venue, showtimes, settings.base_url, report)
        stocks = {
            row.showtime_id: row
            for row in connection.execute(
                select(
                    Stock.id, Stock.showtime_id, Stock.cancelled, Stock.price_edited, Stock.quantity_edited
                )
                .join(Offer, Offer.id == Stock.offer_id)
                .where(Offer.venue_id == venue.id, Stock.showtime_id.is_not(None), Stock.starts_at > now)
            )
        }
        for show in showtimes:
            current = stocks.get(show.id)
            if show.status == "cancelled":
                if current is not None and not current.cancelled:
                    to_cancel.append(current.id)
                continue
            outcome = _upsert_stock(connection, venue, offers[show.film_id], show, current)
            report.stocks_created += outcome == "created"
            report.stocks_updated += outcome == "updated"
    for stock_id in to_cancel:
        report.bookings_cancelled += cancel_stock(engine, stock_id, CANCELLED_REASON, now)
        report.stocks_cancelled += 1


def import_offers(
    engine: Engine, settings: Settings, venue_id: int | None = None, now: datetime | None = None
) -> ImportReport:
    """Import the coming programme of every venue with a cinema and a Tarif unique (or of one venue)."""
    now = now or utcnow()
    report = ImportReport()
    with engine.connect() as connection:
        venues = _importing_venues(connection, venue_id)
    for venue in venues:
        _import_venue(engine, settings, venue, now, report)
        report.venues += 1
    return report
