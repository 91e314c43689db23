"""Campaigns and their statements: who brought the people a distributor paid to reach, and what each earns.

A cinema's people are its consented visitors in the campaign's segments (bots never got in) who are
engaged: at least two events, or a booking, in the segment's window.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from sqlalchemy import Engine, case, delete, distinct, func, insert, or_, select

from lanterne.audience.models import Campaign, Event, Participation, RevenueShare, SegmentMember
from lanterne.audience.revenue import Share, share_revenue
from lanterne.audience.segments import latest
from lanterne.catalog.models import Cinema
from lanterne.db import utcnow
from lanterne.errors import InvalidValue, NotFound


def create(engine: Engine, name: str, month: str, revenue_cents: int, segment_keys: list[str]) -> int:
    known = {segment.key for segment in latest(engine)}
    missing = [key for key in segment_keys if key not in known]
    if missing:
        raise InvalidValue("segments", f"segment inconnu : {', '.join(missing)}")
    if revenue_cents < 0:
        raise InvalidValue("revenue", "un montant positif")
    with engine.begin() as connection:
        result = connection.execute(
            insert(Campaign).values(
                name=name,
                month=month,
                revenue_cents=revenue_cents,
                segment_keys=segment_keys,
                created_at=utcnow(),
            )
        )
        return int(result.inserted_primary_key[0])  # type: ignore[index]


def contributions(engine: Engine, segment_keys: list[str]) -> dict[int, int]:
    """Engaged people per participating cinema (0 for participants that brought none)."""
    ids = [segment.id for segment in latest(engine) if segment.key in segment_keys]
    engaged = (
        select(Event.visitor_id)
        .group_by(Event.visitor_id)
        .having(or_(func.count() >= 2, func.sum(case((Event.kind == "booking_completed", 1), else_=0)) > 0))
    )
    query = (
        select(SegmentMember.cinema_id, func.count(distinct(SegmentMember.visitor_id)))
        .where(SegmentMember.segment_id.in_(ids), SegmentMember.visitor_id.in_(engaged))
        .group_by(SegmentMember.cinema_id)
    )
    with engine.connect() as connection:
        people = {
            cinema: 0
            for cinema in connection.scalars(
                select(Participation.cinema_id).where(Participation.active.is_(True))
            )
        }
        people.update({cinema: int(count) for cinema, count in connection.execute(query)})
    return people


def compute(engine: Engine, campaign_id: int) -> list[Share]:
    """Share a campaign's revenue and store it (recomputing replaces the previous result)."""
    with engine.connect() as connection:
        campaign = connection.execute(select(Campaign.__table__).where(Campaign.id == campaign_id)).first()
        if campaign is None:
            raise NotFound(f"campagne {campaign_id} inconnue")
        history: dict[int, list[int]] = {}
        for cinema, people in connection.execute(
            select(RevenueShare.cinema_id, RevenueShare.people).where(RevenueShare.campaign_id != campaign_id)
        ):
            history.setdefault(cinema, []).append(people)
    shares = share_revenue(campaign.revenue_cents, contributions(engine, campaign.segment_keys), history)
    with engine.begin() as connection:
        connection.execute(delete(RevenueShare).where(RevenueShare.campaign_id == campaign_id))
        if shares:
            connection.execute(
                insert(RevenueShare),
                [
                    {
                        "campaign_id": campaign_id,
                        "cinema_id": s.cinema_id,
                        "people": s.people,
                        "floor_cents": s.floor_cents,
                        "proportional_cents": s.proportional_cents,
                        "total_cents": s.total_cents,
                        "held": s.held,
                    }
                    for s in shares
                ],
            )
    return shares


def statement(engine: Engine, cinema_id: int, month: str) -> str:
    """The monthly statement of one cinema, as CSV (French headers, euros with a comma)."""
    query = (
        select(
            Campaign.name,
            RevenueShare.people,
            RevenueShare.floor_cents,
            RevenueShare.proportional_cents,
            RevenueShare.total_cents,
            RevenueShare.held,
        )
        .join(Campaign, Campaign.id == RevenueShare.campaign_id)
        .where(RevenueShare.cinema_id == cinema_id, Campaign.month == month)
        .order_by(Campaign.id)
    )
    with engine.connect() as connection:
        name = connection.scalar(select(Cinema.name).where(Cinema.id == cinema_id))
        rows = connection.execute(query).all()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow([f"Relevé {month}", name or cinema_id, f"édité le {datetime.now():%d/%m/%Y}"])
    writer.writerow(["campagne", "personnes", "part fixe", "part proportionnelle", "total", "statut"])
    paid = 0
    for campaign, people, floor, proportional, total, held in rows:
        writer.writerow(
            [
                campaign,
                people,
                euros(floor),
                euros(proportional),
                euros(total),
                "retenu pour vérification" if held else "à verser",
            ]
        )
        paid += 0 if held else total
    writer.writerow(["total à verser", "", "", "", euros(paid), ""])
    return out.getvalue()


def euros(cents: int) -> str:
    return f"{cents / 100:.2f}".replace(".", ",")
