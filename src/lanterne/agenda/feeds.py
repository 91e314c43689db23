"""Feeds of the events for calendars and readers: iCalendar for a cinema, a department, a region or
everything (the publish ics writer, so a séance keeps its zone and a cancellation shows), and an Atom
feed of the newest events. Only cinemas that agreed to publish appear.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from lanterne.agenda.events import cinemas, consented, event_start, events, view
from lanterne.publish.datasets import Column
from lanterne.publish.formats import ics

ATOM_SIZE = 50
SCOPES = {"cinema": cinemas.c.id, "departement": cinemas.c.department, "region": cinemas.c.region}


@dataclass(frozen=True)
class Feed:
    """What the ics writer reads of a dataset: the title and where each part of a VEVENT sits."""

    id: str
    title: str
    description: str = "Séances événements des cinémas indépendants"
    columns: tuple[Column, ...] = ()
    start_column: str = "starts_at"
    end_column: str = "ends_at"
    summary_column: str = "title"
    uid_column: str = "id"
    status_column: str = "status"
    url_column: str = "url"
    department_column: str = "cinema_department"
    location_columns: tuple[str, ...] = ("cinema_name", "cinema_address", "cinema_postcode", "cinema_commune")
    geo: tuple[str, str] = ("cinema_latitude", "cinema_longitude")
    uid_prefix: str = "evenement"


NAMES = (
    ("id", "integer"),
    ("starts_at", "datetime"),
    ("ends_at", "datetime"),
    ("title", "string"),
    ("status", "string"),
    ("url", "string"),
    ("cinema_department", "string"),
    ("cinema_name", "string"),
    ("cinema_address", "string"),
    ("cinema_postcode", "string"),
    ("cinema_commune", "string"),
    ("cinema_latitude", "number"),
    ("cinema_longitude", "number"),
)
COLUMNS = tuple(Column(name, kind, name) for name, kind in NAMES)


def page_url(base_url: str, event: Mapping[str, Any]) -> str | None:
    """The public page of an event: the portal's séance page, else the booking link."""
    if event.get("showtime_id") is not None:
        return f"{base_url.rstrip('/')}/evenements/{event['showtime_id']}"
    return event.get("booking_url")


def _rows(engine: Engine, conditions: list[Any], base_url: str) -> Iterator[tuple[Any, ...]]:
    query = view(*conditions).order_by(event_start, events.c.id)
    with engine.connect() as connection:
        for row in connection.execute(query.execution_options(yield_per=500)).mappings():
            event = dict(row)
            event["url"] = page_url(base_url, event)
            yield tuple(event[name] for name, _ in NAMES)


def calendar(
    engine: Engine, base_url: str, now: datetime, scope: str | None, value: str | int | None
) -> Iterator[bytes]:
    """Upcoming events (and yesterday's) as iCalendar: all, or one cinema's, department's or region's."""
    conditions: list[Any] = [consented(), event_start >= now - timedelta(days=1)]
    title = "Séances événements des cinémas indépendants"
    if scope is not None:
        conditions.append(SCOPES[scope] == value)
        title = f"{title} ({scope} {value})"
    feed = Feed(id="evenements", title=title, columns=COLUMNS)
    options = {"base_url": base_url, "last_updated": now}
    return ics.write(feed, COLUMNS, _rows(engine, conditions, base_url), options)


def _entry(event: dict[str, Any], base_url: str, host: str) -> str:
    when = event["starts_at"].astimezone(ZoneInfo(ics.zone_of(event["cinema_department"])))
    summary = f"{when:%d/%m/%Y %H:%M} – {event['cinema_name']}, {event['cinema_commune'] or ''}"
    if event.get("kind"):
        summary = f"{event['kind'].capitalize()} · {summary}"
    link = page_url(base_url, event) or base_url
    return (
        f"<entry><id>tag:{host},2026:evenement-{event['id']}</id>"
        f"<title>{escape(event['title'] or '')}</title>"
        f'<link rel="alternate" href="{escape(link)}"/>'
        f"<published>{event['created_at'].isoformat()}</published>"
        f"<updated>{event['updated_at'].isoformat()}</updated>"
        f"<summary>{escape(summary)}</summary></entry>"
    )


def atom(engine: Engine, base_url: str, now: datetime) -> str:
    """The newest events first: what a local newspaper's reader subscribes to."""
    query = view(consented(), event_start >= now).order_by(events.c.created_at.desc(), events.c.id.desc())
    with engine.connect() as connection:
        rows = [dict(row) for row in connection.execute(query.limit(ATOM_SIZE)).mappings()]
    host = urlsplit(base_url).hostname or "lanterne.local"
    updated = max((row["updated_at"] for row in rows), default=now)
    entries = "".join(_entry(row, base_url, host) for row in rows)
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">'
        f"<id>tag:{host},2026:evenements</id><title>Nouveaux événements des cinémas indépendants</title>"
        f'<link rel="self" href="{escape(base_url.rstrip("/"))}/agenda/nouveautes.atom"/>'
        f"<updated>{updated.isoformat()}</updated>{entries}</feed>"
    )
