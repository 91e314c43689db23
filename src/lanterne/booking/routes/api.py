"""The pass's JSON API under /api/v1/pass/…: venues' staff (settings, offers, bookings, counter,
reimbursements) and young people (offers near me, book, my bookings)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from lanterne.booking import bookings, cancellation, cards, counter, offers, statements, venues
from lanterne.booking.beneficiaries import beneficiary_summary
from lanterne.booking.routes.access import ApiBeneficiary, ApiVenue
from lanterne.web import EngineDep

router = APIRouter(prefix="/api/v1/pass", tags=["pass"])
CSV = "text/csv; charset=utf-8"


class SettingsBody(BaseModel):
    booking_email: str | None = None
    withdrawal_details: str | None = None
    single_price_cents: int | None = Field(None, ge=0)
    capacity: int | None = Field(None, ge=0)
    import_enabled: bool | None = None


class OfferBody(BaseModel):
    name: str
    starts_at: datetime
    price_cents: int = Field(ge=0)
    quantity: int | None = Field(None, ge=0)
    description: str | None = None
    image_url: str | None = None
    is_duo: bool = False


class StockBody(BaseModel):
    price_cents: int | None = Field(None, ge=0)
    quantity: int | None = Field(None, ge=0)
    unlimited: bool = False
    active: bool | None = None


class ActiveBody(BaseModel):
    active: bool


class BookingBody(BaseModel):
    stock_id: int
    quantity: int = 1


class ReasonBody(BaseModel):
    reason: str


@router.get("/venue")
def venue_settings(engine: EngineDep, venue: ApiVenue) -> dict[str, Any]:
    return venues.venue_settings(engine, venue)


@router.patch("/venue")
def change_venue_settings(engine: EngineDep, venue: ApiVenue, body: SettingsBody) -> dict[str, Any]:
    venues.update_settings(engine, venue, **body.model_dump(exclude_unset=True))
    return venues.venue_settings(engine, venue)


@router.get("/venue/offers")
def venue_offers(engine: EngineDep, venue: ApiVenue) -> list[dict[str, Any]]:
    return offers.venue_offers(engine, venue)


@router.post("/venue/offers", status_code=201)
def create_offer(engine: EngineDep, venue: ApiVenue, body: OfferBody) -> dict[str, int]:
    offer_id, stock_id = offers.create_offer(engine, venue, offers.ManualOffer(**body.model_dump()))
    return {"offer_id": offer_id, "stock_id": stock_id}


@router.patch("/venue/offers/{offer_id}")
def change_offer(engine: EngineDep, venue: ApiVenue, offer_id: int, body: ActiveBody) -> dict[str, bool]:
    offers.set_offer_active(engine, venue, offer_id, body.active)
    return {"active": body.active}


@router.patch("/venue/stocks/{stock_id}")
def change_stock(engine: EngineDep, venue: ApiVenue, stock_id: int, body: StockBody) -> dict[str, str]:
    offers.update_stock(engine, venue, stock_id, **body.model_dump())
    return {"status": "ok"}


@router.get("/venue/bookings")
def venue_bookings(engine: EngineDep, venue: ApiVenue, status: str | None = None) -> list[dict[str, Any]]:
    return list(cards.venue_bookings(engine, venue, status=status))


@router.get("/venue/bookings.csv")
def venue_bookings_csv(engine: EngineDep, venue: ApiVenue) -> StreamingResponse:
    headers = {"Content-Disposition": 'attachment; filename="reservations.csv"'}
    return StreamingResponse(cards.venue_bookings_csv(engine, venue), media_type=CSV, headers=headers)


@router.post("/venue/bookings/{booking_id}/cancel")
def venue_cancel(engine: EngineDep, venue: ApiVenue, booking_id: int, body: ReasonBody) -> dict[str, str]:
    cancellation.cancel_by_venue(engine, venue, booking_id, body.reason)
    return {"status": "cancelled"}


@router.get("/venue/counter/{code}")
def counter_look_up(engine: EngineDep, venue: ApiVenue, code: str) -> dict[str, Any]:
    return counter.look_up(engine, venue, code)


@router.post("/venue/counter/{code}/validate")
def counter_validate(engine: EngineDep, venue: ApiVenue, code: str) -> dict[str, Any]:
    return counter.validate(engine, venue, code)


@router.post("/venue/counter/{code}/undo")
def counter_undo(engine: EngineDep, venue: ApiVenue, code: str) -> dict[str, Any]:
    return counter.undo_validation(engine, venue, code)


@router.get("/venue/reimbursements")
def reimbursements(engine: EngineDep, venue: ApiVenue) -> list[dict[str, Any]]:
    return statements.venue_batches(engine, venue)


@router.get("/venue/reimbursements/{batch_id}.csv")
def statement_csv(engine: EngineDep, venue: ApiVenue, batch_id: int) -> StreamingResponse:
    headers = {"Content-Disposition": f'attachment; filename="remboursement-{batch_id}.csv"'}
    return StreamingResponse(
        statements.statement_csv(engine, batch_id, venue), media_type=CSV, headers=headers
    )


@router.get("/offers")
def offers_near(
    engine: EngineDep,
    lat: float = Query(ge=-90, le=90),
    lon: float = Query(ge=-180, le=180),
    radius_km: float = Query(20, gt=0, le=200),
) -> list[dict[str, Any]]:
    return offers.offers_near(engine, lat, lon, radius_km)


@router.get("/offers/{offer_id}")
def offer(engine: EngineDep, offer_id: int) -> dict[str, Any]:
    return offers.offer_detail(engine, offer_id)


@router.post("/bookings", status_code=201)
def book(engine: EngineDep, young: ApiBeneficiary, body: BookingBody) -> dict[str, Any]:
    receipt = bookings.book(engine, young, body.stock_id, body.quantity)
    return receipt.__dict__


@router.get("/me")
def me(engine: EngineDep, young: ApiBeneficiary) -> dict[str, Any]:
    return {**beneficiary_summary(engine, young), "bookings": cards.beneficiary_bookings(engine, young)}


@router.post("/bookings/{booking_id}/cancel")
def cancel(engine: EngineDep, young: ApiBeneficiary, booking_id: int) -> dict[str, str]:
    cancellation.cancel_by_beneficiary(engine, young, booking_id)
    return {"status": "cancelled"}
