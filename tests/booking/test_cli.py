"""`lanterne booking …` commands against the test database, and the pass's scheduled jobs."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from lxml import etree
from sqlalchemy import Engine
from typer.testing import CliRunner

from lanterne.booking.bookings import book
from lanterne.booking.counter import validate
from lanterne.booking.offers import ManualOffer, create_offer
from lanterne.booking.sepa import schema
from lanterne.cli import app
from lanterne.runtime import Runtime
from lanterne.settings import Settings
from lanterne.worker import scheduled_jobs

from .conftest import SIREN, add_beneficiary, siret

SHOW = datetime(2026, 11, 5, 19, 0, tzinfo=UTC)


@pytest.fixture
def run(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.setenv("LANTERNE_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    runner = CliRunner()

    def invoke(*args: str) -> str:
        result = runner.invoke(app, ["booking", *args])
        assert result.exit_code == 0, result.output
        return result.output

    return invoke


def test_register_a_venue_and_reimburse_it_with_a_sepa_file(
    engine: Engine, settings: Settings, run: object, tmp_path: object
) -> None:
    out = run(
        "venue", "create", "--siret", siret(1), "--name", "Le Balzac", "--email", "c@b.fr", "--price", "5,50"
    )  # type: ignore[operator]
    assert re.search(r"Jeton du personnel \(à conserver\) : lv_\S+", out)
    run(
        "account",
        "add",
        "--siren",
        SIREN,
        "--label",
        "Courant",
        "--holder",
        "SARL",
        "--iban",  # type: ignore[operator]
        "FR76 3000 6000 0112 3456 7890 189",
        "--bic",
        "AGRIFRPP",
    )
    run("account", "attach", "--venue", "1", "--account", "1", "--since", "2026-01-01")  # type: ignore[operator]
    _offer, stock = create_offer(engine, 1, ManualOffer("Séance", SHOW, 550))
    receipt = book(engine, add_beneficiary(engine), stock, now=SHOW - timedelta(days=1))
    validate(engine, 1, receipt.countermark, now=SHOW)
    sepa_path = f"{tmp_path}/lot.xml"
    out = run("reimburse", "--period", "2026-11-01", "--sepa", sepa_path)  # type: ignore[operator]
    assert "1 réservation(s) tarifée(s), 1 virement(s), 5,50 €" in out
    assert schema().validate(etree.parse(sepa_path))


def test_bad_input_exits_with_the_field(run: object, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    result = CliRunner().invoke(
        app, ["booking", "venue", "create", "--siret", "123", "--name", "x", "--email", "a@b"]
    )
    assert result.exit_code == 1 and "siret" in result.output


def test_the_pass_jobs_are_scheduled(settings: Settings, engine: Engine) -> None:
    names = {job.name for job in scheduled_jobs(Runtime(settings, _engine=engine))}
    assert {"pass-offers", "pass-autovalidate", "pass-reimburse", "pass-emails"} <= names
