"""A stand-in for EMS's schedule feed: `GET /{version}` answers what changed since that version.

It replays EMS's real shape (`{"sites": [...], "version": N}`) behind HTTP Basic credentials; a
version it has no delta for answers an empty `sites` list with the same version, as EMS does.
"""

from __future__ import annotations

import base64
from typing import Any
from zoneinfo import ZoneInfo

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from lanterne.collect.programme import FilmRecord, Programme, ShowtimeRecord
from lanterne.stand_ins.faults import Faults, with_faults

FEATURES = {"VF": ["vf"], "VO": ["vo"], "VOST": ["vo", "subtitle"]}


class EmsFeed:
    """The feed's state: one payload per version a client may ask from, and the accepted credentials."""

    def __init__(self, username: str = "lanterne", password: str = "ems-secret") -> None:
        self.username = username
        self.password = password
        self.deltas: dict[int, dict[str, Any]] = {}

    def publish(self, since: int, payload: dict[str, Any]) -> None:
        """What a client that last saw `since` receives (EMS's `DATA_VERSION_<since>` answers)."""
        self.deltas[since] = payload

    def answer(self, since: int) -> dict[str, Any]:
        return self.deltas.get(since, {"sites": [], "version": since})

    def authorised(self, header: str | None) -> bool:
        expected = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return header == f"Basic {expected}"


def whole(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def session_of(show: ShowtimeRecord, zone: ZoneInfo) -> dict[str, Any]:
    features = list(FEATURES.get(show.version or "", []))
    features += ["video_3d"] if show.format == "3D" else []
    features += ["audio_description"] if show.audio_description else []
    features += ["subtitle_deaf"] if show.deaf_subtitles else []
    return {
        "id": show.external_id,
        "date": show.starts_at.astimezone(zone).strftime("%Y%m%d%H%M"),
        "features": features,
        "hall_id": None,
        "hall_name": show.screen,
        "pass_culture_price": 7.0,
    }


def event_of(film: FilmRecord, sessions: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": film.external_id,
        "allocine_id": whole(film.allocine_id) or "",
        "title": film.title,
        "director": film.directors or "",
        "release_date": film.release_date.strftime("%Y%m%d") if film.release_date else "",
        "synopsis": film.synopsis or "",
        "duration": film.runtime or 0,
        "bill_url": film.poster_url or "",
        "sessions": sessions,
    }


def site_of(site_id: str, name: str, programme: Programme, zone: str = "Europe/Paris") -> dict[str, Any]:
    """A neutral programme (the demo's) in EMS's shape, to be `publish`ed in a feed's `sites`."""
    local = ZoneInfo(zone)
    sessions: dict[str, list[dict[str, Any]]] = {}
    for show in programme.showtimes:
        sessions.setdefault(show.film_external_id, []).append(session_of(show, local))
    events = [
        event_of(film, sessions[film.external_id]) for film in programme.films if film.external_id in sessions
    ]
    return {"id": site_id, "name": name, "time_zone": zone, "events": events}


def create_app(feed: EmsFeed, faults: Faults | None = None) -> ASGIApp:
    """The feed over HTTP; `faults` scripts 429s, 5xx, slow answers and garbage before the real answer."""

    async def schedule(request: Request) -> Response:
        if not feed.authorised(request.headers.get("authorization")):
            return JSONResponse({"statut": 0, "message_erreur": "Authentification refusée"}, status_code=401)
        version = request.path_params["version"]
        return JSONResponse(feed.answer(version))

    app = Starlette(routes=[Route("/{version:int}", schedule)])
    return with_faults(app, faults or Faults())
