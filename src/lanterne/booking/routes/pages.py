"""The pass's French pages under /pass/…: the venue's settings, offers, bookings, counter and
reimbursements; the young person's offers near them, booking, bookings and countermarks."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from lanterne import csrf
from lanterne.booking import bookings, cancellation, cards, counter, offers, statements, venues
from lanterne.booking.beneficiaries import beneficiary_summary
from lanterne.booking.emails import local_time
from lanterne.booking.money import euros, parse_euros
from lanterne.booking.routes.access import COOKIE, CSRF_COOKIE, PageBeneficiary, PageVenue, check_form
from lanterne.booking.tokens import VENUE_PREFIX
from lanterne.errors import LanterneError
from lanterne.web import EngineDep, templates

router = APIRouter(prefix="/pass", include_in_schema=False)
HELPERS = {"euros": euros, "local_time": local_time}
CSRF_FIELD = Form("", alias="csrf")


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page whose forms carry the CSRF token of the visitor's cookie (set here on the first page)."""
    token = request.cookies.get(CSRF_COOKIE) or csrf.new_token()
    page = templates.TemplateResponse(
        request, f"pass/{name}.html", {**HELPERS, **context, "csrf": token}, status_code=status_code
    )
    if request.cookies.get(CSRF_COOKIE) != token:
        page.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="lax", path="/pass")
    return page


def refused(request: Request, error: LanterneError) -> HTMLResponse:
    return render(request, "erreur", status_code=error.status_code, message=str(error))


def back(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


@router.get("/connexion")
def sign_in_page(request: Request) -> HTMLResponse:
    return render(request, "connexion")


@router.post("/connexion", response_model=None)
def sign_in(request: Request, jeton: str = Form(...), csrf_token: str = CSRF_FIELD) -> Response:
    try:
        check_form(request, csrf_token)
    except LanterneError as error:
        return refused(request, error)
    token = jeton.strip()
    response = back("/pass/lieu" if token.startswith(VENUE_PREFIX) else "/pass/jeune")
    response.set_cookie(COOKIE, token, httponly=True, samesite="lax", max_age=30 * 86400)
    return response


@router.get("/lieu")
def venue_home(request: Request, engine: EngineDep, venue: PageVenue) -> HTMLResponse:
    return render(
        request,
        "lieu",
        venue=venues.venue_settings(engine, venue),
        offers=offers.venue_offers(engine, venue),
    )


@router.post("/lieu/reglages", response_model=None)
def venue_settings(
    request: Request,
    engine: EngineDep,
    venue: PageVenue,
    email: str = Form(...),
    retrait: str = Form(""),
    tarif: str = Form(""),
    jauge: str = Form(""),
    csrf_token: str = CSRF_FIELD,
) -> Response:
    try:
        check_form(request, csrf_token)
        price, capacity = parse_euros(tarif, "tarif"), int(jauge) if jauge.strip() else None
        venues.update_settings(
            engine,
            venue,
            booking_email=email,
            withdrawal_details=retrait or None,
            single_price_cents=price,
            capacity=capacity,
        )
    except ValueError:
        return render(request, "erreur", 400, message="jauge : un nombre de places, ou vide pour illimité")
    except LanterneError as error:
        return refused(request, error)
    return back("/pass/lieu")


@router.post("/lieu/offres/{offer_id}", response_model=None)
def venue_offer(
    request: Request,
    engine: EngineDep,
    venue: PageVenue,
    offer_id: int,
    actif: str = Form("0"),
    csrf_token: str = CSRF_FIELD,
) -> Response:
    try:
        check_form(request, csrf_token)
        offers.set_offer_active(engine, venue, offer_id, actif == "1")
    except LanterneError as error:
        return refused(request, error)
    return back("/pass/lieu")


@router.post("/lieu/stocks/{stock_id}", response_model=None)
def venue_stock(
    request: Request,
    engine: EngineDep,
    venue: PageVenue,
    stock_id: int,
    prix: str = Form(""),
    jauge: str = Form(""),
    actif: str = Form("0"),
    csrf_token: str = CSRF_FIELD,
) -> Response:
    try:
        check_form(request, csrf_token)
        quantity = int(jauge) if jauge.strip() else None
        offers.update_stock(
            engine, venue, stock_id, parse_euros(prix, "prix"), quantity, quantity is None, actif == "1"
        )
    except ValueError:
        return render(request, "erreur", 400, message="jauge : un nombre de places, ou vide pour illimité")
    except LanterneError as error:
        return refused(request, error)
    return back("/pass/lieu")


@router.get("/lieu/reservations")
def venue_bookings(request: Request, engine: EngineDep, venue: PageVenue) -> HTMLResponse:
    return render(request, "reservations", bookings=cards.venue_bookings(engine, venue))


@router.get("/lieu/reservations.csv")
def venue_bookings_csv(engine: EngineDep, venue: PageVenue) -> StreamingResponse:
    headers = {"Content-Disposition": 'attachment; filename="reservations.csv"'}
    stream = cards.venue_bookings_csv(engine, venue)
    return StreamingResponse(stream, media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/lieu/guichet")
def counter_page(request: Request, engine: EngineDep, venue: PageVenue, code: str = "") -> HTMLResponse:
    if not code:
        return render(request, "guichet")
    try:
        return render(request, "guichet", card=counter.look_up(engine, venue, code), code=code)
    except LanterneError as error:
        return render(request, "guichet", error.status_code, message=str(error), code=code)


@router.post("/lieu/guichet")
def counter_action(
    request: Request,
    engine: EngineDep,
    venue: PageVenue,
    code: str = Form(...),
    action: str = Form(...),
    csrf_token: str = CSRF_FIELD,
) -> HTMLResponse:
    act = counter.undo_validation if action == "annuler" else counter.validate
    done = "Validation annulée." if action == "annuler" else "Contremarque validée."
    try:
        check_form(request, csrf_token)
        return render(request, "guichet", card=act(engine, venue, code), code=code, done=done)
    except LanterneError as error:
        return render(request, "guichet", error.status_code, message=str(error), code=code)


@router.post("/lieu/reservations/{booking_id}/annuler", response_model=None)
def venue_cancel(
    request: Request,
    engine: EngineDep,
    venue: PageVenue,
    booking_id: int,
    motif: str = Form(""),
    csrf_token: str = CSRF_FIELD,
) -> Response:
    try:
        check_form(request, csrf_token)
        cancellation.cancel_by_venue(engine, venue, booking_id, motif)
    except LanterneError as error:
        return refused(request, error)
    return back("/pass/lieu/reservations")


@router.get("/lieu/remboursements")
def reimbursements(request: Request, engine: EngineDep, venue: PageVenue) -> HTMLResponse:
    return render(request, "remboursements", batches=statements.venue_batches(engine, venue))


@router.get("/lieu/remboursements/{batch_id}")
def statement(request: Request, engine: EngineDep, venue: PageVenue, batch_id: int) -> HTMLResponse:
    head = statements.statement(engine, batch_id, venue)
    return render(request, "releve", **head, rows=statements.statement_rows(engine, batch_id, venue))


@router.get("/offres")
def offers_near(
    request: Request, engine: EngineDep, lat: float | None = None, lon: float | None = None, rayon: float = 20
) -> HTMLResponse:
    found = (
        offers.offers_near(engine, lat, lon, min(rayon, 200)) if lat is not None and lon is not None else []
    )
    return render(request, "offres", stocks=found, lat=lat, lon=lon, rayon=rayon)


@router.get("/offres/{offer_id}")
def offer_page(request: Request, engine: EngineDep, offer_id: int) -> HTMLResponse:
    return render(request, "offre", offer=offers.offer_detail(engine, offer_id))


@router.post("/reserver", response_model=None)
def book(
    request: Request,
    engine: EngineDep,
    young: PageBeneficiary,
    stock: int = Form(...),
    quantite: int = Form(1),
    csrf_token: str = CSRF_FIELD,
) -> Response:
    try:
        check_form(request, csrf_token)
        bookings.book(engine, young, stock, quantite)
    except LanterneError as error:
        return refused(request, error)
    return back("/pass/jeune")


@router.get("/jeune")
def my_bookings(request: Request, engine: EngineDep, young: PageBeneficiary) -> HTMLResponse:
    return render(
        request,
        "jeune",
        me=beneficiary_summary(engine, young),
        bookings=cards.beneficiary_bookings(engine, young),
    )


@router.post("/jeune/annuler/{booking_id}", response_model=None)
def my_cancel(
    request: Request, engine: EngineDep, young: PageBeneficiary, booking_id: int, csrf_token: str = CSRF_FIELD
) -> Response:
    try:
        check_form(request, csrf_token)
        cancellation.cancel_by_beneficiary(engine, young, booking_id)
    except LanterneError as error:
        return refused(request, error)
    return back("/pass/jeune")
