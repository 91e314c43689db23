"""The SEPA credit-transfer file of a batch validates against the shipped pain.001.001.03 XSD."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from lxml import etree
from sqlalchemy import Engine

from lanterne.booking.bookings import book
from lanterne.booking.counter import validate
from lanterne.booking.reimbursement import build_batch
from lanterne.booking.sepa import NS, SCHEMA_PATH, amount, credit_transfer_file, sepa_text
from lanterne.booking.sepa import validate as validate_sepa
from lanterne.booking.venues import add_bank_account, attach_account
from lanterne.errors import InvalidValue
from lanterne.settings import Settings

from .conftest import SIREN, add_account, add_beneficiary, add_place

SHOW = datetime(2026, 11, 5, 19, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 20, tzinfo=UTC)


def _batch(engine: Engine, settings: Settings) -> int:
    first = add_place(engine, number=1, price=1234, starts_at=SHOW)
    second = add_place(engine, number=2, price=800, starts_at=SHOW)
    add_account(engine, first.venue_id)
    other = add_bank_account(
        engine, SIREN, "Second", "Cinéma Éden & Cie", "DE89370400440532013000", "COBADEFFXXX"
    )
    attach_account(engine, second.venue_id, other, date(2026, 1, 1))
    for number, place in enumerate((first, first, second)):
        receipt = book(
            engine,
            add_beneficiary(engine, number + 10 * place.venue_id),
            place.stock_id,
            now=SHOW - timedelta(days=1),
        )
        validate(engine, place.venue_id, receipt.countermark, now=SHOW)
    return build_batch(engine, date(2026, 11, 1), now=LATER).batch_id


def test_the_file_validates_against_the_xsd(engine: Engine, settings: Settings) -> None:
    xml = credit_transfer_file(engine, _batch(engine, settings), now=LATER)
    document = etree.fromstring(xml)
    assert etree.XMLSchema(etree.parse(str(SCHEMA_PATH))).validate(document)
    found = {
        "NbOfTxs": document.findtext(f".//{{{NS}}}GrpHdr/{{{NS}}}NbOfTxs"),
        "CtrlSum": document.findtext(f".//{{{NS}}}GrpHdr/{{{NS}}}CtrlSum"),
        "amounts": [e.text for e in document.iter(f"{{{NS}}}InstdAmt")],
        "ibans": [e.text for e in document.iter(f"{{{NS}}}IBAN")],
        "names": [e.text for e in document.iter(f"{{{NS}}}Nm")],
    }
    assert found["NbOfTxs"] == "2" and found["CtrlSum"] == "32.68"
    assert found["amounts"] == ["24.68", "8.00"]
    assert found["ibans"][1:] == ["FR7630006000011234567890189", "DE89370400440532013000"]
    assert "Cinema Eden   Cie" in found["names"]  # SEPA characters only


def test_a_document_the_schema_refuses_is_refused(engine: Engine, settings: Settings) -> None:
    document = etree.fromstring(credit_transfer_file(engine, _batch(engine, settings), now=LATER))
    next(document.iter(f"{{{NS}}}IBAN")).text = "not an iban"
    with pytest.raises(InvalidValue, match="schéma"):
        validate_sepa(document)


def test_an_empty_batch_has_no_file(engine: Engine) -> None:
    batch = build_batch(engine, date(2026, 11, 1), now=LATER).batch_id
    with pytest.raises(InvalidValue, match="aucun virement"):
        credit_transfer_file(engine, batch)


def test_sepa_text_and_amounts() -> None:
    assert sepa_text("Ciné « Lumière » — Noël", 70) == "Cine  Lumiere   Noel"
    assert amount(100_050) == "1000.50" and amount(7) == "0.07"
