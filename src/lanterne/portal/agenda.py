"""The agenda of event screenings (by day, filtered by region, department and type) and each event's
page with its schema.org `ScreeningEvent`.

The type filter is a hook: until the agenda domain publishes an event-type column on the events
dataset, a type is a keyword of the headline (`evenement_contains`).

The agenda shows one week at a time (`du`, today by default): the query then walks the events of a
week on their partial index (ix_showtimes_event_starts) whatever the filters, instead of every event to
come when a rare filter (a region and a type) matches few of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import orjson
from sqlalchemy import Engine

from lanterne.agenda.published import screening_extras
from lanterne.agenda.vocabulary import KINDS
from lanterne.errors import InvalidValue, NotFound
from lanterne.portal import display
from lanterne.portal.programme import Showing, showing
from lanterne.portal.reading import CINEMAS, EVENTS, distinct, first, instant, page
from lanterne.publish.lines import dataset_of
from lanterne.publish.params import PARIS

AGENDA_SIZE = "50"
WEEK = timedelta(days=7)
PAGE_PARAMS = ("region", "departement", "type", "du")
AGENDA_FIELDS = (
    "showid,showstart,evenement,filmid,filmtitle,filmversion,accessibilite,showurl,statut,"
    "cineid,cinenom,cineville,cinedepartement,cineregion"
)
# The enrichment column the agenda domain may add to the events dataset; it wins when present.
TYPE_COLUMNS = ("typeevenement", "evenementtype")
KEYWORD_TYPES = {
    "avant-premiere": ("Avant-première", "avant-premi"),
    "debat": ("Ciné-débat", "débat"),
    "rencontre": ("Rencontre", "rencontre"),
    "cine-club": ("Ciné-club", "ciné-club"),
    "jeune-public": ("Jeune public, ciné-goûter", "goûter"),
    "concert": ("Ciné-concert", "concert"),
    "courts-metrages": ("Courts métrages", "courts"),
}


@dataclass
class AgendaDay:
    label: str
    events: list[tuple[Showing, dict[str, Any]]]


@dataclass
class Week:
    """The days the page shows, [start, end) in Paris time, and the `du` of its neighbours."""

    first: date
    start: datetime
    end: datetime
    previous: str | None
    following: str

    @property
    def label(self) -> str:
        last = self.first + WEEK - timedelta(days=1)
        return f"du {display.day_label(self.first)} au {display.day_label(last)}"


@dataclass
class Agenda:
    params: dict[str, str]
    days: list[AgendaDay]
    next_after: str | None
    regions: list[str]
    departments: list[str]
    types: list[tuple[str, str]]
    week: Week


def type_column() -> str | None:
    dataset = dataset_of(EVENTS)
    return next((name for name in TYPE_COLUMNS if dataset.column(name)), None)


def event_types() -> list[tuple[str, str]]:
    """Headline keywords (they find every event); then the agenda domain's kinds, which find the events
    a cinema has typed, when the dataset publishes them. No query: a distinct over the events is slow."""
    found = [(key, label) for key, (label, _) in KEYWORD_TYPES.items()]
    if type_column():
        found += [(kind, f"{kind[0].upper()}{kind[1:]} (renseigné par le cinéma)") for kind in KINDS]
    return found


def agenda_filters(params: dict[str, str]) -> dict[str, str]:
    """The page's filters (région, département, type) in the API's words."""
    found = {}
    if params.get("region"):
        found["cineregion_eq"] = params["region"]
    if params.get("departement"):
        found["cinedepartement_eq"] = params["departement"]
    kind, column = params.get("type", ""), type_column()
    if kind in KEYWORD_TYPES:
        found["evenement_contains"] = KEYWORD_TYPES[kind][1]
    elif kind and column:
        found[f"{column}_eq"] = kind
    return found


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(), PARIS)


def week_of(params: dict[str, str], now: datetime) -> Week:
    """The week from `du` (a day; today by default), never starting before now."""
    today = display.local(now).date()
    raw = params.get("du", "").strip()
    try:
        first = max(date.fromisoformat(raw), today) if raw else today
    except ValueError:
        raise InvalidValue("du", "une date au format 2026-09-01") from None
    previous = None if first == today else max(first - WEEK, today).isoformat()
    start = max(midnight(first), now)
    return Week(first, start, midnight(first + WEEK), previous, (first + WEEK).isoformat())


def agenda(engine: Engine, params: dict[str, str], now: datetime) -> Agenda:
    week = week_of(params, now)
    query = {
        **agenda_filters(params),
        "showstart_gte": instant(week.start),
        "showstart_lt": instant(week.end),
        "sort": "showstart",
        "size": AGENDA_SIZE,
        "select": AGENDA_FIELDS,
    }
    if params.get("after"):
        query["after"] = params["after"]
    found, following = page(engine, EVENTS, query)
    days: dict[str, AgendaDay] = {}
    for row in found:
        item = showing(row)
        days.setdefault(item.day, AgendaDay(item.day, [])).events.append((item, row))
    kept = {k: v for k, v in params.items() if k in PAGE_PARAMS and v}
    return Agenda(
        kept,
        list(days.values()),
        following.get("after") if following else None,
        distinct(engine, CINEMAS, "cineregion", 50),
        distinct(engine, CINEMAS, "cinedepartement", 200),
        event_types(),
        week,
    )


@dataclass
class EventPage:
    event: dict[str, Any]
    showing: Showing
    runtime: str
    json_ld: str


def movie_theater(row: dict[str, Any]) -> dict[str, Any]:
    place: dict[str, Any] = {
        "@type": "MovieTheater",
        "name": row["cinenom"],
        "address": {
            "@type": "PostalAddress",
            "streetAddress": row.get("cineadresse"),
            "postalCode": row.get("cinecp"),
            "addressLocality": row.get("cineville"),
            "addressCountry": "FR",
        },
    }
    if row.get("_coords.lat") is not None:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": row["_coords.lat"],
            "longitude": row["_coords.lon"],
        }
    return place


def movie(row: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {"@type": "Movie", "name": row["filmtitle"]}
    if row.get("filmdirector"):
        found["director"] = {"@type": "Person", "name": row["filmdirector"]}
    if row.get("filmduration"):
        found["duration"] = f"PT{row['filmduration'] // 60}M"
    return found


# Optional ScreeningEvent properties and the columns that fill them; the agenda domain's enrichment
# (description, image) shows as soon as a cinema wrote it.
OPTIONAL = (
    ("videoFormat", "filmversion"),
    ("description", "descriptionevenement"),
    ("image", "imageevenement"),
)


def screening_event(row: dict[str, Any], page_url: str) -> dict[str, Any]:
    """schema.org ScreeningEvent: what search engines and agenda sites read from the page."""
    status = "EventCancelled" if row.get("statut") == "cancelled" else "EventScheduled"
    event: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ScreeningEvent",
        "name": row.get("evenement") or row["filmtitle"],
        "url": page_url,
        "startDate": display.local(row["showstart"]).isoformat(),
        "eventStatus": f"https://schema.org/{status}",
        "location": movie_theater(row),
        "workPresented": movie(row),
        "inLanguage": "fr",
    }
    if row.get("showend"):
        event["endDate"] = display.local(row["showend"]).isoformat()
    if row.get("filmversion"):
        event["videoFormat"] = row["filmversion"]
    event.update(screening_extras(row))  # what the cinema added: description, image, audience, guests…
    if row.get("showurl"):
        event["offers"] = {"@type": "Offer", "url": row["showurl"]}
    return event


def event_page(engine: Engine, show_id: int, base_url: str) -> EventPage:
    row = first(engine, EVENTS, {"showid_eq": str(show_id)})
    if row is None:
        raise NotFound(f"séance événement inconnue : {show_id}")
    url = f"{base_url.rstrip('/')}/evenements/{show_id}"
    # "</" inside JSON would close the script element early.
    json_ld = orjson.dumps(screening_event(row, url)).decode().replace("</", "<\\/")
    return EventPage(row, showing(row), display.runtime(row.get("filmduration")), json_ld)
