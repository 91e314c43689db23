"""A stand-in for the feed Lanterne specifies for Monnaie Services' cinemas (docs/programme-schema.md).

`GET /programme/{code}` answers Lanterne's programme schema in pages of `page_size` séances linked by
`next`, or `?format=csv` the same séances as a `;` CSV with the "Événement" and "Headline" columns.
A Bearer token guards each cinema's feed.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from lanterne.collect.programme import Programme, ShowtimeRecord
from lanterne.stand_ins.faults import Faults, with_faults

CSV_COLUMNS = [
    "ID séance",
    "ID film",
    "Titre",
    "Réalisateur",
    "Visa",
    "Durée",
    "Date",
    "Heure",
    "Salle",
    "Version",
    "Événement",
    "Headline",
    "Lien de réservation",
]


class MonnaieFeeds:
    """Each cinema's programme document (Lanterne's schema) and the token that may read it."""

    def __init__(self, page_size: int = 100) -> None:
        self.page_size = page_size
        self.programmes: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, str] = {}

    def add(self, code: str, token: str, programme: dict[str, Any]) -> None:
        self.programmes[code], self.tokens[code] = programme, token


def showtime_of(show: ShowtimeRecord) -> dict[str, Any]:
    values = asdict(show)
    values.update(id=values.pop("external_id"), film_id=values.pop("film_external_id"))
    values.update(event=values.pop("is_event"), headline=values.pop("event_headline"))
    values.update(
        starts_at=show.starts_at.isoformat(), ends_at=show.ends_at.isoformat() if show.ends_at else None
    )
    return values


def document_of(programme: Programme) -> dict[str, Any]:
    """A neutral programme (the demo's) as the Monnaie feed's JSON document (Lanterne's schema)."""
    films = [{"id": f.external_id, **asdict(f)} for f in programme.films]
    for film in films:
        del film["external_id"]
        film["release_date"] = film["release_date"].isoformat() if film["release_date"] else None
    return {"schema_version": 1, "films": films, "showtimes": [showtime_of(s) for s in programme.showtimes]}


def csv_of(programme: dict[str, Any]) -> bytes:
    """One row a séance, film fields repeated, local date and time as a box office exports them."""
    films = {film["id"]: film for film in programme.get("films", [])}
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(CSV_COLUMNS)
    for show in programme.get("showtimes", []):
        film = films.get(show["film_id"], {})
        day, clock = show["starts_at"][:10], show["starts_at"][11:16]
        event = "oui" if show.get("event") else "non"
        film_cells = [film.get(key) or "" for key in ("title", "directors", "visa", "runtime")]
        when = [f"{day[8:10]}/{day[5:7]}/{day[:4]}", clock]
        show_cells = [show.get(key) or "" for key in ("screen", "version")]
        tail = [event, show.get("headline") or "", show.get("booking_url") or ""]
        writer.writerow([show["id"], show["film_id"], *film_cells, *when, *show_cells, *tail])
    return ("\ufeff" + buffer.getvalue()).encode()


def page_of(programme: dict[str, Any], page: int, size: int, base: str) -> dict[str, Any]:
    """The séances of one page with only the films they show, and the link to the next page."""
    shows = programme.get("showtimes", [])[(page - 1) * size : page * size]
    shown = {show["film_id"] for show in shows}
    films = [film for film in programme.get("films", []) if film["id"] in shown]
    more = page * size < len(programme.get("showtimes", []))
    window: dict[str, Any] = {key: programme[key] for key in ("start", "end") if key in programme}
    return {**window, "films": films, "showtimes": shows, "next": f"{base}?page={page + 1}" if more else None}


def create_app(feeds: MonnaieFeeds, faults: Faults | None = None) -> ASGIApp:
    """The feeds over HTTP; `faults` scripts 429s, 5xx, slow answers and garbage before the real answer."""

    async def programme(request: Request) -> Response:
        code = request.path_params["code"]
        if code not in feeds.programmes:
            return JSONResponse({"error": "cinéma inconnu"}, status_code=404)
        if request.headers.get("authorization") != f"Bearer {feeds.tokens[code]}":
            return JSONResponse({"error": "jeton refusé"}, status_code=401)
        if request.query_params.get("format") == "csv":
            return Response(csv_of(feeds.programmes[code]), media_type="text/csv; charset=utf-8")
        page = int(request.query_params.get("page", "1"))
        base = str(request.url.replace(query=""))
        return JSONResponse(page_of(feeds.programmes[code], page, feeds.page_size, base))

    app = Starlette(routes=[Route("/programme/{code}", programme)])
    return with_faults(app, faults or Faults())
