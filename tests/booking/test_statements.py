"""A venue's statement of a batch: French CSV and the figures of the printable page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import httpx
from sqlalchemy import Engine

from lanterne.booking.bookings import book
from lanterne.booking.counter import validate
from lanterne.booking.reimbursement import build_batch
from lanterne.booking.statements import statement, statement_csv, venue_batches
from lanterne.settings import Settings

from .conftest import add_account, add_beneficiary, add_place, siret

SHOW = datetime(2026, 11, 5, 19, 0, tzinfo=UTC)


def test_statement_csv_and_totals(engine: Engine, settings: Settings) -> None:
    place = add_place(engine, price=750, starts_at=SHOW)
    add_account(engine, place.venue_id)
    receipt = book(engine, add_beneficiary(engine), place.stock_id, now=SHOW - timedelta(days=1))
    validate(engine, place.venue_id, receipt.countermark, now=SHOW)
    batch = build_batch(engine, date(2026, 11, 1), now=datetime(2026, 11, 20, tzinfo=UTC)).batch_id
    lines = "".join(statement_csv(engine, batch, place.venue_id)).splitlines()
    assert lines[0].startswith("Contremarque;Offre;Date de la séance;Date de validation;Quantité")
    when = "05/11/2026 à 20h00"
    assert lines[1] == f"{receipt.countermark};Avant-première;{when};{when};1;7,50;barème;100;7,50"
    head = statement(engine, batch, place.venue_id)
    assert head["venue"]["siret"] == siret(1)
    assert head["totals"] == {"bookings": 1, "amount_cents": 750, "reimbursed_cents": 750}
    assert venue_batches(engine, place.venue_id)[0]["reimbursed_cents"] == 750


def test_the_printable_statement_page(engine: Engine, settings: Settings, live_app: str) -> None:
    place = add_place(engine, price=750, starts_at=SHOW)
    add_account(engine, place.venue_id)
    receipt = book(engine, add_beneficiary(engine), place.stock_id, now=SHOW - timedelta(days=1))
    validate(engine, place.venue_id, receipt.countermark, now=SHOW)
    batch = build_batch(engine, date(2026, 11, 1), now=datetime(2026, 11, 20, tzinfo=UTC)).batch_id
    with httpx.Client(base_url=live_app, cookies={"pass_jeton": place.token}) as client:
        listing = client.get("/pass/lieu/remboursements").text
        page = client.get(f"/pass/lieu/remboursements/{batch}").text
        csv_text = client.get(
            f"/api/v1/pass/venue/reimbursements/{batch}.csv",
            headers={"Authorization": f"Bearer {place.token}"},
        ).text
    assert "du 01/11/2026 au 15/11/2026" in listing and "7,50 €" in listing
    assert receipt.countermark in page and "Total (1 réservations)" in page and siret(1) in page
    assert csv_text.splitlines()[1].startswith(receipt.countermark)
