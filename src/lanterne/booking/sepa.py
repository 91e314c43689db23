"""The SEPA credit-transfer file (ISO 20022 pain.001.001.03) of a reimbursement batch, one transfer per
bank account, checked against the schema shipped in `schemas/` before it is handed to the bank.

The schema is ISO 20022's own (free to reproduce, see https://www.iso20022.org/terms-use), taken from
the `sepaxml` package; it is never fetched at run time.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree
from sqlalchemy import Engine, select

from lanterne.booking.models import BankAccount, Payment, ReimbursementBatch
from lanterne.booking.policy import PassPolicy
from lanterne.db import utcnow
from lanterne.errors import InvalidValue, NotFound

SCHEMA_PATH = Path(__file__).parent / "schemas" / "pain.001.001.03.xsd"
NS = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
_NOT_SEPA = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")


@cache
def schema() -> etree.XMLSchema:
    """The parsed XSD; immutable, so parsing it once per process is safe."""
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def sepa_text(text: str, length: int) -> str:
    """Banks accept the SEPA Latin subset only: accents folded, other characters replaced by spaces."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_SEPA.sub(" ", ascii_text).strip()[:length] or "-"


def amount(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _element(parent: Any, tag: str, text: str | None = None, **attributes: str) -> Any:
    child = etree.SubElement(parent, f"{{{NS}}}{tag}", **attributes)
    if text is not None:
        child.text = text
    return child


def _path(parent: Any, tags: str, text: str) -> Any:
    """Nested elements in one go: _path(x, 'DbtrAcct/Id/IBAN', iban)."""
    node = parent
    for tag in tags.split("/"):
        node = _element(node, tag)
    node.text = text
    return node


def _transfers(engine: Engine, batch_id: int) -> tuple[Any, list[Any]]:
    with engine.connect() as connection:
        batch = connection.execute(
            select(ReimbursementBatch.__table__).where(ReimbursementBatch.id == batch_id)
        ).first()
        if batch is None:
            raise NotFound(f"lot de remboursement {batch_id} inconnu")
        query = (
            select(Payment.id, Payment.amount_cents, BankAccount.holder, BankAccount.iban, BankAccount.bic)
            .join(BankAccount, BankAccount.id == Payment.bank_account_id)
            .where(Payment.batch_id == batch_id, Payment.amount_cents > 0)
            .order_by(Payment.id)
        )
        return batch, list(connection.execute(query))


def _header(document: Any, message_id: str, created: datetime, transfers: list[Any], name: str) -> None:
    header = _element(document, "GrpHdr")
    _element(header, "MsgId", message_id)
    _element(header, "CreDtTm", created.replace(microsecond=0, tzinfo=None).isoformat())
    _element(header, "NbOfTxs", str(len(transfers)))
    _element(header, "CtrlSum", amount(sum(t.amount_cents for t in transfers)))
    _path(header, "InitgPty/Nm", sepa_text(name, 70))


def _payment_info(document: Any, batch: Any, transfers: list[Any], policy: PassPolicy, day: date) -> Any:
    info = _element(document, "PmtInf")
    _element(info, "PmtInfId", f"LANTERNE-{batch.id}-{batch.period_start:%Y%m%d}")
    _element(info, "PmtMtd", "TRF")
    _element(info, "NbOfTxs", str(len(transfers)))
    _element(info, "CtrlSum", amount(sum(t.amount_cents for t in transfers)))
    _path(info, "PmtTpInf/SvcLvl/Cd", "SEPA")
    _element(info, "ReqdExctnDt", day.isoformat())
    _path(info, "Dbtr/Nm", sepa_text(policy.debtor_name, 70))
    _path(info, "DbtrAcct/Id/IBAN", policy.debtor_iban)
    _path(info, "DbtrAgt/FinInstnId/BIC", policy.debtor_bic)
    _element(info, "ChrgBr", "SLEV")
    return info


def _transfer(info: Any, batch: Any, transfer: Any) -> None:
    item = _element(info, "CdtTrfTxInf")
    _path(item, "PmtId/EndToEndId", f"LANTERNE-P{transfer.id}")
    _element(_element(item, "Amt"), "InstdAmt", amount(transfer.amount_cents), Ccy="EUR")
    _path(item, "CdtrAgt/FinInstnId/BIC", transfer.bic)
    _path(item, "Cdtr/Nm", sepa_text(transfer.holder, 70))
    _path(item, "CdtrAcct/Id/IBAN", transfer.iban)
    period = f"{batch.period_start:%d/%m/%Y}-{batch.period_end:%d/%m/%Y}"
    _path(item, "RmtInf/Ustrd", sepa_text(f"Remboursement pass Culture {period} P{transfer.id}", 140))


def credit_transfer_file(
    engine: Engine, batch_id: int, policy: PassPolicy | None = None, now: datetime | None = None
) -> bytes:
    """The batch's pain.001.001.03 document, validated against the XSD (a refused file raises)."""
    policy = policy or PassPolicy()
    now = now or utcnow()
    batch, transfers = _transfers(engine, batch_id)
    if not transfers:
        raise InvalidValue("batch", "ce lot ne contient aucun virement")
    document = etree.Element(f"{{{NS}}}Document", nsmap={None: NS})
    root = _element(document, "CstmrCdtTrfInitn")
    _header(root, f"LANTERNE-{batch.id}-{now:%Y%m%d%H%M%S}", now, transfers, policy.debtor_name)
    info = _payment_info(root, batch, transfers, policy, now.date())
    for transfer in transfers:
        _transfer(info, batch, transfer)
    validate(document)
    return bytes(etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def validate(document: Any) -> None:
    """Refuse a document the schema refuses, naming the first error."""
    checker = schema()
    if not checker.validate(document):
        error = checker.error_log.last_error
        raise InvalidValue("sepa", f"fichier SEPA refusé par le schéma : {error.message}", row=error.line)
