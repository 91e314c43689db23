"""Segments: versioned definitions over consented events, evaluated every night.

Only a closed list of criteria exists, so no definition can reach a sensitive category: no
accessibility needs (health), no genre words that reveal beliefs or orientation. Windows are at
most 180 days; an export needs at least 100 people.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Select, and_, delete, distinct, func, insert, or_, select

from lanterne.audience.models import Event, SegmentDefinition, SegmentMember
from lanterne.catalog.identity import fold
from lanterne.catalog.models import Cinema, Film
from lanterne.db import utcnow
from lanterne.errors import InvalidValue

MAX_WINDOW_DAYS = 180
MINIMUM_EXPORT = 100
CRITERIA = ("window_days", "kinds", "film_ids", "genres", "label", "regions", "min_events")
LABELS = {
    "jeune_public": Cinema.label_jeune_public,
    "recherche": Cinema.label_recherche,
    "patrimoine": Cinema.label_patrimoine,
}
SENSITIVE_WORDS = (
    "lgbt",
    "queer",
    "gay",
    "lesbien",
    "religi",
    "spiritu",
    "politi",
    "sante",
    "handicap",
    "sexual",
    "ethni",
    "syndic",
    "islam",
    "chretien",
    "juif",
    "catholique",
)
KINDS = ("page_view", "film_page", "booking_started", "booking_completed")


def validate(criteria: dict[str, Any]) -> dict[str, Any]:
    unknown = set(criteria) - set(CRITERIA)
    if unknown:
        raise InvalidValue(
            sorted(unknown)[0], f"critère inconnu ; critères possibles : {', '.join(CRITERIA)}"
        )
    window = criteria.get("window_days", 90)
    if not isinstance(window, int) or not 1 <= window <= MAX_WINDOW_DAYS:
        raise InvalidValue("window_days", f"une durée de 1 à {MAX_WINDOW_DAYS} jours")
    if any(kind not in KINDS for kind in criteria.get("kinds", [])):
        raise InvalidValue("kinds", f"parmi {', '.join(KINDS)}")
    if criteria.get("label") is not None and criteria["label"] not in LABELS:
        raise InvalidValue("label", f"parmi {', '.join(LABELS)}")
    for genre in criteria.get("genres", []):
        if any(word in fold(genre).replace(" ", "") for word in SENSITIVE_WORDS):
            raise InvalidValue("genres", f"« {genre} » pourrait révéler une donnée sensible")
    return {"window_days": window, **{k: v for k, v in criteria.items() if k != "window_days"}}


def define(engine: Engine, key: str, title: str, criteria: dict[str, Any]) -> SegmentDefinition:
    """A new version of the segment; older versions stay, so past exports stay explainable."""
    checked = validate(criteria)
    with engine.begin() as connection:
        version = (
            connection.scalar(select(func.max(SegmentDefinition.version)).where(SegmentDefinition.key == key))
            or 0
        ) + (1)
        connection.execute(
            insert(SegmentDefinition).values(
                key=key, version=version, title=title, criteria=checked, created_at=utcnow()
            )
        )
        row = connection.execute(
            select(SegmentDefinition.__table__).where(
                SegmentDefinition.key == key, SegmentDefinition.version == version
            )
        ).one()
    return SegmentDefinition(**row._mapping)


def latest(engine: Engine) -> list[SegmentDefinition]:
    newest = (
        select(SegmentDefinition.key, func.max(SegmentDefinition.version).label("version"))
        .group_by(SegmentDefinition.key)
        .subquery()
    )
    query = select(SegmentDefinition.__table__).join(
        newest, and_(newest.c.key == SegmentDefinition.key, newest.c.version == SegmentDefinition.version)
    )
    with engine.connect() as connection:
        return [SegmentDefinition(**row._mapping) for row in connection.execute(query)]


def members_query(criteria: dict[str, Any], now: datetime) -> Select[str, int]:
    """(visitor, cinema) pairs matching the criteria within the window."""
    conditions = [Event.occurred_at >= now - timedelta(days=criteria["window_days"])]
    if criteria.get("kinds"):
        conditions.append(Event.kind.in_(criteria["kinds"]))
    if criteria.get("film_ids"):
        conditions.append(Event.film_id.in_(criteria["film_ids"]))
    query = select(Event.visitor_id, Event.cinema_id).join(Cinema, Cinema.id == Event.cinema_id)
    if criteria.get("genres"):
        query = query.join(Film, Film.id == Event.film_id)
        conditions.append(or_(*(Film.genres.ilike(f"%{genre}%") for genre in criteria["genres"])))
    if criteria.get("label"):
        conditions.append(LABELS[criteria["label"]].is_(True))
    if criteria.get("regions"):
        conditions.append(Cinema.region.in_(criteria["regions"]))
    minimum = int(criteria.get("min_events", 1))
    return (
        query.where(*conditions)
        .group_by(Event.visitor_id, Event.cinema_id)
        .having(func.count(distinct(Event.id)) >= minimum)
    )


def evaluate(engine: Engine, now: datetime | None = None) -> dict[str, int]:
    """Rebuild every segment's members (latest versions) in one transaction each."""
    now = now or utcnow()
    sizes = {}
    for segment in latest(engine):
        with engine.begin() as connection:
            connection.execute(delete(SegmentMember).where(SegmentMember.segment_id == segment.id))
            rows = [
                {"segment_id": segment.id, "visitor_id": visitor, "cinema_id": cinema, "evaluated_at": now}
                for visitor, cinema in connection.execute(members_query(segment.criteria, now))
            ]
            if rows:
                connection.execute(insert(SegmentMember), rows)
        sizes[segment.key] = len(rows)
    return sizes
