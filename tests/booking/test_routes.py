"""The pass over real HTTP: the JSON API for venues and young people, and the French pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import Engine

from lanterne.booking.beneficiaries import BeneficiaryInput, create_beneficiary
from lanterne.booking.policy import PassPolicy

from .conftest import add_venue

SOON = datetime.now(UTC) + timedelta(minutes=10)
LATER = datetime.now(UTC) + timedelta(days=3)


def _young(engine: Engine, number: int = 1) -> str:
    data = BeneficiaryInput("Léa", f"Durand{number}", f"lea{number}@example.org", "0700000000", 48.86, 2.35)
    return create_beneficiary(engine, data, PassPolicy())[1]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def api(live_app: str) -> httpx.Client:
    with httpx.Client(base_url=live_app, timeout=30, follow_redirects=True) as client:
        yield client


def test_venue_and_young_person_api_flow(engine: Engine, api: httpx.Client) -> None:
    _venue, staff = add_venue(engine, 1)
    staff_h, young_h = _bearer(staff), _bearer(_young(engine))
    assert api.get("/api/v1/pass/venue").status_code == 403
    changed = api.patch(
        "/api/v1/pass/venue", headers=staff_h, json={"single_price_cents": 500, "capacity": 2}
    )
    assert changed.json()["single_price_cents"] == 500 and "token_hash" not in changed.json()
    created = api.post(
        "/api/v1/pass/venue/offers",
        headers=staff_h,
        json={"name": "Ciné-goûter", "starts_at": SOON.isoformat(), "price_cents": 450, "quantity": 1},
    ).json()
    near = api.get("/api/v1/pass/offers", params={"lat": 48.86, "lon": 2.35, "radius_km": 5}).json()
    assert [s["stock_id"] for s in near] == [created["stock_id"]] and near[0]["distance_km"] < 5
    receipt = api.post("/api/v1/pass/bookings", headers=young_h, json={"stock_id": created["stock_id"]})
    assert receipt.status_code == 201
    code = receipt.json()["countermark"]
    full = api.post("/api/v1/pass/bookings", headers=young_h, json={"stock_id": created["stock_id"]})
    assert full.status_code == 409 and "plus de place" in full.json()["error"]
    assert api.get("/api/v1/pass/me", headers=young_h).json()["balance_cents"] == 15000 - 450
    card = api.get(f"/api/v1/pass/venue/counter/{code.lower()}", headers=staff_h).json()
    assert (card["last_name"], card["refusal"]) == ("Durand1", None)
    assert api.post(f"/api/v1/pass/venue/counter/{code}/validate", headers=staff_h).json()["status"] == "used"
    again = api.post(f"/api/v1/pass/venue/counter/{code}/validate", headers=staff_h)
    assert again.status_code == 409 and "déjà validée" in again.json()["error"]
    assert (
        api.post(f"/api/v1/pass/venue/counter/{code}/undo", headers=staff_h).json()["status"] == "confirmed"
    )
    export = api.get("/api/v1/pass/venue/bookings.csv", headers=staff_h)
    assert export.headers["content-type"].startswith("text/csv")
    assert export.text.splitlines()[1].startswith(f"{code};Ciné-goûter;")
    assert api.get("/api/v1/pass/venue/reimbursements", headers=staff_h).json() == []


def test_stock_edits_and_cancellations_over_the_api(engine: Engine, api: httpx.Client) -> None:
    _venue, staff = add_venue(engine, 1)
    staff_h, young_h = _bearer(staff), _bearer(_young(engine))
    stock = api.post(
        "/api/v1/pass/venue/offers",
        headers=staff_h,
        json={"name": "Rétrospective", "starts_at": LATER.isoformat(), "price_cents": 600, "is_duo": True},
    ).json()["stock_id"]
    booking = api.post(
        "/api/v1/pass/bookings", headers=young_h, json={"stock_id": stock, "quantity": 2}
    ).json()
    too_few = api.patch(f"/api/v1/pass/venue/stocks/{stock}", headers=staff_h, json={"quantity": 1})
    assert too_few.status_code == 400 and too_few.json()["field"] == "quantity"
    assert api.patch(
        f"/api/v1/pass/venue/stocks/{stock}", headers=staff_h, json={"price_cents": 300}
    ).is_success
    assert api.post(f"/api/v1/pass/bookings/{booking['booking_id']}/cancel", headers=young_h).is_success
    offers = api.get("/api/v1/pass/venue/offers", headers=staff_h).json()
    assert offers[0]["stocks"][0]["price_cents"] == 300 and offers[0]["stocks"][0]["booked"] == 0


def test_guessing_codes_over_http_gets_429(engine: Engine, api: httpx.Client) -> None:
    _venue, staff = add_venue(engine, 1)
    statuses = [
        api.get(f"/api/v1/pass/venue/counter/AAAA{n:02d}", headers=_bearer(staff)).status_code
        for n in range(11)
    ]
    assert statuses == [404] * 10 + [429]


def _csrf_of(page: httpx.Response) -> str:
    """The token a page's forms carry (its hidden field), which equals the visitor's cookie."""
    return page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]


def test_venue_pages(engine: Engine, api: httpx.Client) -> None:
    _venue, staff = add_venue(engine, 1)
    assert api.get("/pass/lieu", follow_redirects=False).headers["location"] == "/pass/connexion"
    token = _csrf_of(api.get("/pass/connexion"))
    assert api.cookies["pass_csrf"] == token
    signed = api.post("/pass/connexion", data={"jeton": staff, "csrf": token}, follow_redirects=False)
    assert signed.headers["location"] == "/pass/lieu" and "pass_jeton" in signed.cookies
    api.cookies.set("pass_jeton", staff)
    form = {"email": "caisse@cinema.example", "tarif": "5,50", "jauge": "", "csrf": token}
    saved = api.post("/pass/lieu/reglages", data=form)
    page = saved.text
    assert saved.status_code == 200 and 'value="5,50"' in page and "caisse@cinema.example" in page
    wrong = api.post("/pass/lieu/reglages", data={**form, "tarif": "cinq"})
    assert wrong.status_code == 400 and "illisible" in wrong.text
    counter = api.get("/pass/lieu/guichet", params={"code": "ZZZZZZ"})
    assert counter.status_code == 404 and "inconnue" in counter.text
    assert "Réservations" in api.get("/pass/lieu/reservations").text
    assert "Aucun remboursement" in api.get("/pass/lieu/remboursements").text


def _offer_of_a_new_venue(engine: Engine, api: httpx.Client) -> dict[str, int]:
    _venue, staff = add_venue(engine, 1)
    return api.post(
        "/api/v1/pass/venue/offers",
        headers=_bearer(staff),
        json={"name": "Les Demoiselles", "starts_at": LATER.isoformat(), "price_cents": 500},
    ).json()


def test_young_person_pages_book_and_show_the_countermark(engine: Engine, api: httpx.Client) -> None:
    offer = _offer_of_a_new_venue(engine, api)
    listing = api.get("/pass/offres", params={"lat": 48.86, "lon": 2.35}).text
    assert "Les Demoiselles" in listing and "5,00 €" in listing
    assert "Réserver" in api.get(f"/pass/offres/{offer['offer_id']}").text
    api.cookies.set("pass_jeton", _young(engine))
    token = api.cookies["pass_csrf"]
    booked = api.post("/pass/reserver", data={"stock": offer["stock_id"], "csrf": token})
    assert booked.status_code == 200 and "Contremarque" in booked.text and "145,00 €" in booked.text
    duo = api.post("/pass/reserver", data={"stock": offer["stock_id"], "quantite": 2, "csrf": token})
    assert duo.status_code == 400 and "duo" in duo.text


def test_a_foreign_page_cannot_act_with_the_visitors_cookie(engine: Engine, api: httpx.Client) -> None:
    """What a cross-site form or script could send: the token cookie, but not the CSRF token."""
    offer = _offer_of_a_new_venue(engine, api)
    api.cookies.set("pass_jeton", _young(engine))
    assert "Réserver" in api.get(f"/pass/offres/{offer['offer_id']}").text  # sets pass_csrf
    forged = api.post("/pass/reserver", data={"stock": offer["stock_id"], "csrf": "deviné"})
    assert forged.status_code == 403 and "CSRF" in forged.text
    assert api.post("/pass/reserver", data={"stock": offer["stock_id"]}).status_code == 403
    # The JSON API ignores the cookie: only an Authorization header signs a call in.
    assert api.post("/api/v1/pass/bookings", json={"stock_id": offer["stock_id"]}).status_code == 403
    assert api.get("/api/v1/pass/me").status_code == 403
    assert api.get("/pass/jeune").text.count("Contremarque") == 0
