"""Consent receipts: one stored for every choice, refusals included, so every event traces back to proof.

A receipt lasts 6 months; after that the tag asks again. A refusal carries no visitor id.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, insert, select, update

from lanterne.audience.models import ConsentReceipt
from lanterne.db import utcnow
from lanterne.errors import Conflict, InvalidValue

RECEIPT_LIFETIME = timedelta(days=183)  # 6 months
SOURCES = ("tcf", "gcm", "banner", "ticketing")
PURPOSES = ("audience", "measurement", "share_with_partners")
AUDIENCE_PURPOSE = "audience"


@dataclass(frozen=True)
class Choice:
    """What the tag read from the site's consent tool (or the ticketing form) and reports."""

    site_key: str
    receipt_id: str
    granted: bool
    purposes: tuple[str, ...]
    source: str
    policy_version: str
    visitor_id: str | None = None


def parse_choice(body: dict[str, object]) -> Choice:
    source = body.get("source")
    if source not in SOURCES:
        raise InvalidValue("source", f"une valeur parmi {', '.join(SOURCES)}")
    purposes = body.get("purposes") or []
    if not isinstance(purposes, list) or any(p not in PURPOSES for p in purposes):
        raise InvalidValue("purposes", f"une liste de {', '.join(PURPOSES)}")
    policy = body.get("policy")
    if not isinstance(policy, str) or not 0 < len(policy) <= 40:
        raise InvalidValue("policy", "la version de la politique (40 caractères au plus)")
    granted = AUDIENCE_PURPOSE in purposes
    visitor = body.get("visitor") if granted else None
    if granted and (not isinstance(visitor, str) or not _is_uuid(visitor)):
        raise InvalidValue(
            "visitor", "un identifiant aléatoire (UUID) est attendu quand le consentement est donné"
        )
    receipt = body.get("receipt")
    if not isinstance(receipt, str) or not _is_uuid(receipt):
        raise InvalidValue("receipt", "l'identifiant aléatoire (UUID) du reçu")
    site_key = str(body.get("site", ""))[:40]
    return Choice(site_key, receipt.lower(), granted, tuple(purposes), str(source), policy, visitor)  # type: ignore[arg-type]


def _is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def record(engine: Engine, choice: Choice, cinema_id: int, now: datetime | None = None) -> str:
    """Store the receipt; a new choice on the same visitor supersedes (withdraws) the previous one.

    The tag draws the receipt's id itself, so it never needs to read an answer across origins.
    """
    now = now or utcnow()
    receipt_id = choice.receipt_id
    with engine.begin() as connection:
        if connection.execute(select(ConsentReceipt.id).where(ConsentReceipt.id == receipt_id)).first():
            raise Conflict(f"reçu {receipt_id} déjà enregistré")
        if choice.visitor_id:
            connection.execute(
                update(ConsentReceipt)
                .where(ConsentReceipt.visitor_id == choice.visitor_id, ConsentReceipt.withdrawn_at.is_(None))
                .values(withdrawn_at=now)
            )
        connection.execute(
            insert(ConsentReceipt).values(
                id=receipt_id,
                cinema_id=cinema_id,
                visitor_id=choice.visitor_id,
                granted=choice.granted,
                share_with_partners="share_with_partners" in choice.purposes,
                purposes=list(choice.purposes),
                source=choice.source,
                policy_version=choice.policy_version,
                recorded_at=now,
                expires_at=now + RECEIPT_LIFETIME,
            )
        )
    return receipt_id


def valid_receipts(
    connection: Connection, ids: set[str], now: datetime
) -> dict[str, tuple[str | None, int, bool]]:
    """Receipts still allowing collection (granted, not withdrawn, unexpired) → (visitor, cinema, share)."""
    if not ids:
        return {}
    rows = connection.execute(
        select(
            ConsentReceipt.id,
            ConsentReceipt.visitor_id,
            ConsentReceipt.cinema_id,
            ConsentReceipt.share_with_partners,
        ).where(
            ConsentReceipt.id.in_(ids),
            ConsentReceipt.granted.is_(True),
            ConsentReceipt.withdrawn_at.is_(None),
            ConsentReceipt.expires_at > now,
        )
    )
    return {receipt: (visitor, cinema, share) for receipt, visitor, cinema, share in rows}
