"""A cinema's page: its week by film and by day, its events, accessibility and booking links."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from lanterne.errors import NotFound
from lanterne.portal import display
from lanterne.portal.reading import CINEMAS, EVENTS, PROGRAMME, first, instant, rows

WEEK_FIELDS = (
    "showid,showstart,filmid,filmtitle,filmversion,filmduration,accessibilite,evenement,"
    "showurl,statut,auditoriumnumber"
)
WEEK_LIMIT = "2000"


@dataclass
class Showing:
    """One séance as the page lists it."""

    id: int
    start: datetime
    hour: str
    day: str
    film_id: int
    film: str
    version: str
    accessibility: str
    event: str | None
    url: str | None
    cancelled: bool


@dataclass
class FilmWeek:
    film_id: int
    title: str
    runtime: str
    days: dict[str, list[Showing]] = field(default_factory=dict)


@dataclass
class CinemaPage:
    cinema: dict[str, Any]
    films: list[FilmWeek]
    days: dict[str, list[Showing]]
    events: list[Showing]
    accessible: dict[str, int]
    labels: list[str]


def showing(row: dict[str, Any]) -> Showing:
    start = display.local(row["showstart"])
    return Showing(
        id=row["showid"],
        start=start,
        hour=display.hour(start),
        day=display.day_label(start.date()),
        film_id=row.get("filmid", 0),
        film=row.get("filmtitle", ""),
        version=display.VERSIONS.get(row.get("filmversion") or "", ""),
        accessibility=row.get("accessibilite") or "",
        event=row.get("evenement"),
        url=row.get("showurl"),
        cancelled=row.get("statut") == "cancelled",
    )


def labels(cinema: dict[str, Any]) -> list[str]:
    found = [f"Art et Essai, catégorie {cinema['cinecategorie']}"] if cinema.get("artetessai") else []
    names = (
        ("labelrecherche", "Recherche et Découverte"),
        ("labeljeunepublic", "Jeune Public"),
        ("labelpatrimoine", "Patrimoine et Répertoire"),
    )
    return found + [f"Label {label}" for key, label in names if cinema.get(key)]


def by_film(showings: list[Showing], runtimes: dict[int, str]) -> list[FilmWeek]:
    films: dict[int, FilmWeek] = {}
    for item in showings:
        week = films.setdefault(
            item.film_id, FilmWeek(item.film_id, item.film, runtimes.get(item.film_id, ""))
        )
        week.days.setdefault(item.day, []).append(item)
    return sorted(films.values(), key=lambda week: week.title.lower())


def upcoming(cinema_id: int, now: datetime, **more: str) -> dict[str, str]:
    """A cinema's séances from now on, in start order, in the API's words."""
    found = {"cineid_eq": str(cinema_id), "showstart_gte": instant(now), "sort": "showstart"}
    return {**found, "select": WEEK_FIELDS, **more}


def cinema_page(engine: Engine, cinema_id: int, now: datetime) -> CinemaPage:
    cinema = first(engine, CINEMAS, {"cineid_eq": str(cinema_id)})
    if cinema is None:
        raise NotFound(f"cinéma inconnu : {cinema_id}")
    week_end = instant(now + timedelta(days=7))
    week = rows(engine, PROGRAMME, upcoming(cinema_id, now, showstart_lt=week_end, size=WEEK_LIMIT))
    showings = [showing(row) for row in week]
    runtimes = {row["filmid"]: display.runtime(row["filmduration"]) for row in week}
    days: dict[str, list[Showing]] = defaultdict(list)
    for item in showings:
        days[item.day].append(item)
    events = [showing(row) for row in rows(engine, EVENTS, upcoming(cinema_id, now, size="20"))]
    accessible = {
        "audiodescription": sum("AD" in s.accessibility.split(", ") for s in showings),
        "sous-titres SME": sum("ST-SME" in s.accessibility for s in showings),
    }
    films = by_film(showings, runtimes)
    return CinemaPage(cinema, films, dict(days), events, accessible, labels(cinema))
