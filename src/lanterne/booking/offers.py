"""Offers and their stocks: made by hand, edited by the venue, and found by young people near them.

The venue's choices (an offer or a stock switched off, a stock's price or quantity changed) are kept
in flags that the daily import (`offer_import.py`) reads and never overrides.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, and_, insert, select, update

from lanterne.booking.models import Offer, Stock, Venue, inserted_id
from lanterne.db import utcnow
from lanterne.errors import InvalidValue, NotFound

EARTH_KM = 6371.0


@dataclass(frozen=True)
class ManualOffer:
    """An offer typed by the venue: image, short description, date and time, price and stock."""

    name: str
    starts_at: datetime
    price_cents: int
    quantity: int | None = None
    description: str | None = None
    image_url: str | None = None
    is_duo: bool = False


def _check_amounts(price_cents: int | None, quantity: int | None) -> None:
    if price_cents is not None and price_cents < 0:
        raise InvalidValue("price_cents", "le prix doit être positif")
    if quantity is not None and quantity < 0:
        raise InvalidValue("quantity", "la quantité doit être positive")


def create_offer(engine: Engine, venue_id: int, data: ManualOffer) -> tuple[int, int]:
    """Create a hand-made offer with its first stock; return (offer id, stock id)."""
    if not data.name.strip():
        raise InvalidValue("name", "le titre est obligatoire")
    _check_amounts(data.price_cents, data.quantity)
    with engine.begin() as connection:
        offer = connection.execute(
            insert(Offer).values(
                venue_id=venue_id,
                source="manual",
                name=data.name.strip(),
                description=data.description,
                image_url=data.image_url,
                is_duo=data.is_duo,
                active=True,
                created_at=utcnow(),
            )
        )
        offer_id = inserted_id(offer)
    return offer_id, add_stock(engine, venue_id, offer_id, data.starts_at, data.price_cents, data.quantity)


def add_stock(
    engine: Engine, venue_id: int, offer_id: int, starts_at: datetime, price_cents: int, quantity: int | None
) -> int:
    _check_amounts(price_cents, quantity)
    with engine.begin() as connection:
        _own_offer(connection, venue_id, offer_id)
        stock = connection.execute(
            insert(Stock).values(
                offer_id=offer_id, starts_at=starts_at, price_cents=price_cents, quantity=quantity, booked=0
            )
        )
        return inserted_id(stock)


def _own_offer(connection: Any, venue_id: int, offer_id: int) -> None:
    owner = connection.scalar(select(Offer.venue_id).where(Offer.id == offer_id))
    if owner != venue_id:
        raise NotFound(f"offre {offer_id} inconnue pour ce lieu")


def set_offer_active(engine: Engine, venue_id: int, offer_id: int, active: bool) -> None:
    """Switch a whole offer (an imported film) on or off; the import keeps this choice."""
    with engine.begin() as connection:
        _own_offer(connection, venue_id, offer_id)
        connection.execute(update(Offer).where(Offer.id == offer_id).values(active=active))


def _own_stock(connection: Any, venue_id: int, stock_id: int) -> None:
    owner = connection.scalar(
        select(Offer.venue_id).join(Stock, Stock.offer_id == Offer.id).where(Stock.id == stock_id)
    )
    if owner != venue_id:
        raise NotFound(f"stock {stock_id} inconnu pour ce lieu")


def set_stock_active(engine: Engine, venue_id: int, stock_id: int, active: bool) -> None:
    """Switch one showtime's stock on or off; the import keeps this choice."""
    with engine.begin() as connection:
        _own_stock(connection, venue_id, stock_id)
        connection.execute(update(Stock).where(Stock.id == stock_id).values(active=active))


def edit_stock(
    engine: Engine,
    venue_id: int,
    stock_id: int,
    price_cents: int | None = None,
    quantity: int | None = None,
    unlimited: bool = False,
) -> None:
    """Change a stock's price or quantity and remember it was the venue's choice.

    Only a value that differs counts as a choice (a form sent back unchanged freezes nothing). The
    quantity cannot go below the seats already booked: the condition sits in the UPDATE itself, so a
    booking landing at the same moment cannot slip past it.
    """
    _check_amounts(price_cents, quantity)
    with engine.begin() as connection:
        _own_stock(connection, venue_id, stock_id)
        current = connection.execute(
            select(Stock.price_cents, Stock.quantity).where(Stock.id == stock_id)
        ).one()
        values: dict[str, object] = {}
        if price_cents is not None and price_cents != current.price_cents:
            values.update(price_cents=price_cents, price_edited=True)
        wanted = None if unlimited else quantity
        if (quantity is not None or unlimited) and wanted != current.quantity:
            values.update(quantity=wanted, quantity_edited=True)
        if not values:
            return
        condition = Stock.id == stock_id
        if wanted is not None:
            condition = and_(condition, Stock.booked <= wanted)
        if connection.execute(update(Stock).where(condition).values(**values)).rowcount != 1:
            raise InvalidValue("quantity", "moins de places que de réservations déjà prises")


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), precise enough to sort cinemas around a young person."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(a))


def _bookable_stocks() -> Any:
    return (
        select(
            Offer.id.label("offer_id"),
            Offer.name,
            Offer.image_url,
            Offer.is_duo,
            Venue.id.label("venue_id"),
            Venue.name.label("venue_name"),
            Venue.latitude,
            Venue.longitude,
            Stock.id.label("stock_id"),
            Stock.starts_at,
            Stock.version,
            Stock.price_cents,
            Stock.quantity,
            Stock.booked,
        )
        .join(Venue, Venue.id == Offer.venue_id)
        .join(Stock, Stock.offer_id == Offer.id)
        .where(Offer.active, Stock.active, ~Stock.cancelled)
    )


def offers_near(
    engine: Engine, latitude: float, longitude: float, radius_km: float, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Bookable stocks within `radius_km`, nearest first then soonest; full stocks are left out.

    A bounding box in SQL narrows the venues, the exact distance is computed on the few rows left.
    """
    now = now or utcnow()
    dlat = radius_km / 111.0
    dlon = radius_km / max(1e-6, 111.0 * math.cos(math.radians(latitude)))
    query = _bookable_stocks().where(
        Stock.starts_at > now,
        Venue.latitude.between(latitude - dlat, latitude + dlat),
        Venue.longitude.between(longitude - dlon, longitude + dlon),
    )
    found = []
    with engine.connect() as connection:
        for row in connection.execute(query.order_by(Stock.starts_at).limit(2000)).mappings():
            distance = distance_km(latitude, longitude, row["latitude"], row["longitude"])
            full = row["quantity"] is not None and row["booked"] >= row["quantity"]
            if distance <= radius_km and not full:
                found.append({**row, "distance_km": round(distance, 1)})
    return sorted(found, key=lambda item: (item["distance_km"], item["starts_at"]))


def offer_detail(engine: Engine, offer_id: int, now: datetime | None = None) -> dict[str, Any]:
    """An offer with its venue and its future bookable stocks."""
    now = now or utcnow()
    with engine.connect() as connection:
        offer = (
            connection.execute(
                select(Offer.__table__, Venue.name.label("venue_name"), Venue.address)
                .join(Venue, Venue.id == Offer.venue_id)
                .where(Offer.id == offer_id)
            )
            .mappings()
            .first()
        )
        if offer is None:
            raise NotFound(f"offre {offer_id} inconnue")
        stocks = connection.execute(
            _bookable_stocks().where(Offer.id == offer_id, Stock.starts_at > now).order_by(Stock.starts_at)
        ).mappings()
        return {**offer, "stocks": [dict(stock) for stock in stocks]}


def venue_offers(engine: Engine, venue_id: int) -> list[dict[str, Any]]:
    """Every offer of a venue with all its stocks (active or not), for the venue's page."""
    query = (
        select(
            Offer.id.label("offer_id"),
            Offer.name,
            Offer.source,
            Offer.active.label("offer_active"),
            Offer.is_duo,
            *(column.label(f"stock_{column.name}") for column in Stock.__table__.columns),
        )
        .join(Stock, Stock.offer_id == Offer.id, isouter=True)
        .where(Offer.venue_id == venue_id)
        .order_by(Offer.name, Stock.starts_at)
    )
    offers: dict[int, dict[str, Any]] = {}
    with engine.connect() as connection:
        for row in connection.execute(query).mappings():
            offer = offers.setdefault(row["offer_id"], {**_offer_part(row), "stocks": []})
            if row["stock_id"] is not None:
                offer["stocks"].append({k[6:]: v for k, v in row.items() if k.startswith("stock_")})
    return list(offers.values())


def _offer_part(row: Any) -> dict[str, Any]:
    return {
        "id": row["offer_id"],
        "name": row["name"],
        "source": row["source"],
        "active": row["offer_active"],
        "is_duo": row["is_duo"],
    }


def update_stock(
    engine: Engine,
    venue_id: int,
    stock_id: int,
    price_cents: int | None = None,
    quantity: int | None = None,
    unlimited: bool = False,
    active: bool | None = None,
) -> None:
    """One change of a stock from the venue's page or API: price, quantity, on/off."""
    edit_stock(engine, venue_id, stock_id, price_cents, quantity, unlimited)
    if active is not None:
        set_stock_active(engine, venue_id, stock_id, active)
