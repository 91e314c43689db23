"""`forget`: a visitor's right to erasure, done at once (the promise is within 24 hours).

Events, segment memberships and the visitor row go; receipts stay as anonymous proof of the choices
made; the hashed contact points are kept in a suppression list so the next export to each partner
sends their removal and no later list brings them back.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, delete, insert, select, update

from lanterne.audience.identifiers import hashed_email
from lanterne.audience.models import ConsentReceipt, Event, Forgotten, SegmentMember, Visitor
from lanterne.db import utcnow


@dataclass(frozen=True)
class Erasure:
    visitors: int
    events: int


def forget_visitor(engine: Engine, visitor_id: str) -> Erasure:
    with engine.begin() as connection:
        return _erase(connection, [visitor_id])


def forget_email(engine: Engine, email: str) -> Erasure:
    """Every visitor whose purchases carried this e-mail, on every participating site."""
    digest = hashed_email(email)
    with engine.begin() as connection:
        visitors = list(connection.scalars(select(Visitor.id).where(Visitor.email_sha256 == digest)))
        erasure = _erase(connection, visitors)
        if not visitors:
            connection.execute(
                insert(Forgotten).values(
                    visitor_id=f"email:{digest[:30]}",
                    email_sha256=digest,
                    requested_at=utcnow(),
                    erased_at=utcnow(),
                )
            )
        return erasure


def _erase(connection: Connection, visitor_ids: list[str]) -> Erasure:
    now = utcnow()
    events = 0
    for visitor_id in visitor_ids:
        contact = connection.execute(
            select(Visitor.email_sha256, Visitor.phone_sha256).where(Visitor.id == visitor_id)
        ).first()
        events += connection.execute(delete(Event).where(Event.visitor_id == visitor_id)).rowcount or 0
        connection.execute(delete(SegmentMember).where(SegmentMember.visitor_id == visitor_id))
        connection.execute(delete(Visitor).where(Visitor.id == visitor_id))
        connection.execute(
            update(ConsentReceipt)
            .where(ConsentReceipt.visitor_id == visitor_id)
            .values(visitor_id=None, withdrawn_at=now)
        )
        if connection.execute(select(Forgotten.visitor_id).where(Forgotten.visitor_id == visitor_id)).first():
            continue
        connection.execute(
            insert(Forgotten).values(
                visitor_id=visitor_id,
                email_sha256=contact[0] if contact else None,
                phone_sha256=contact[1] if contact else None,
                requested_at=now,
                erased_at=now,
            )
        )
    return Erasure(len(visitor_ids), events)


def suppressed(connection: Connection) -> set[str]:
    """Hashed contact points that must never be exported again."""
    rows = connection.execute(select(Forgotten.email_sha256, Forgotten.phone_sha256))
    return {value for row in rows for value in row if value}
