"""Retention, enforced every night: events 13 months, hashed e-mails 3 years after the last contact.

Before events go, they are rolled up into anonymous daily counts per cinema, which are kept.
Segment windows are bounded (180 days) when a segment is defined, see segments.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, and_, delete, func, insert, not_, or_, select, update

from lanterne.audience.models import DailyCount, Event, SegmentMember, Visitor
from lanterne.db import utcnow

EVENTS_KEPT = timedelta(days=396)  # 13 months
CONTACTS_KEPT = timedelta(days=3 * 365)


@dataclass(frozen=True)
class Purge:
    events: int
    visitors: int
    contacts: int


def enforce(engine: Engine, now: datetime | None = None) -> Purge:
    now = now or utcnow()
    cutoff = now - EVENTS_KEPT
    with engine.begin() as connection:
        day = func.date(Event.occurred_at)
        totals = connection.execute(
            select(Event.cinema_id, day, Event.kind, func.count())
            .where(Event.occurred_at < cutoff)
            .group_by(Event.cinema_id, day, Event.kind)
        ).all()
        for cinema_id, when, kind, count in totals:
            _add_count(connection, cinema_id, when, kind, count)
        events = connection.execute(delete(Event).where(Event.occurred_at < cutoff)).rowcount or 0
        contacts = (
            connection.execute(
                update(Visitor)
                .where(Visitor.contact_at < now - CONTACTS_KEPT)
                .values(email_sha256=None, phone_sha256=None, contact_at=None)
            ).rowcount
            or 0
        )
        idle = select(Visitor.id).where(
            Visitor.last_seen_at < cutoff,
            or_(Visitor.contact_at.is_(None), Visitor.contact_at < now - CONTACTS_KEPT),
            not_(select(Event.id).where(Event.visitor_id == Visitor.id).exists()),
        )
        ids = list(connection.scalars(idle))
        if ids:
            connection.execute(delete(SegmentMember).where(SegmentMember.visitor_id.in_(ids)))
            connection.execute(delete(Visitor).where(Visitor.id.in_(ids)))
    return Purge(events, len(ids), contacts)


def _add_count(connection: Connection, cinema_id: int, when: object, kind: str, count: int) -> None:
    day = when if not isinstance(when, str) else datetime.fromisoformat(when).date()
    key = and_(DailyCount.cinema_id == cinema_id, DailyCount.day == day, DailyCount.kind == kind)
    updated = connection.execute(update(DailyCount).where(key).values(events=DailyCount.events + count))
    if not updated.rowcount:
        connection.execute(insert(DailyCount).values(cinema_id=cinema_id, day=day, kind=kind, events=count))
