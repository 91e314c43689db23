"""A stand-in for Allociné's graph-API proxy: `GET /api/query/movieShowtimeList?theater=&after=` and
`GET /api/query/movieList?after=`, relay-style pages with cursors, behind a Bearer key.

Fed with edges already in Allociné's shape, or with any programme (objects with `films` and
`showtimes` carrying Lanterne's neutral field names), or a callable returning one (converted lazily).
"""

from __future__ import annotations

import base64
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from lanterne.stand_ins.faults import Faults, FaultSwitches, with_faults
from lanterne.stand_ins.server import json_response

Edges = list[dict[str, Any]]
DIFFUSION = {"VF": "LOCAL", "VO": "ORIGINAL", "VOST": "ORIGINAL"}


def cursor(offset: int) -> str:
    """Allociné's cursors are relay's: base64 of "arrayconnection:<offset>"."""
    return base64.b64encode(f"arrayconnection:{offset}".encode()).decode()


def offset_of(after: str) -> int:
    try:
        return int(base64.b64decode(after).decode().rsplit(":", 1)[1]) + 1 if after else 0
    except (ValueError, IndexError):
        return 0


def people(names: str | None, role: str) -> list[dict[str, Any]]:
    """ "Agnès Varda, Jacques Demy" as credit edges; the last word is taken for the last name."""
    edges = []
    for name in (n.strip() for n in (names or "").split(",") if n.strip()):
        first, _, last = name.rpartition(" ")
        person = {"firstName": first or None, "lastName": last}
        node = {"person": person, "position": {"name": role}} if role else {"actor": person, "role": None}
        edges.append({"node": node})
    return edges


def runtime_of(minutes: int | None) -> str | None:
    return f"PT{minutes // 60}H{minutes % 60}M0S" if minutes else None


def movie_of(film: Any, internal_id: int) -> dict[str, Any]:
    release = {"date": film.release_date.isoformat()} if film.release_date else None
    return {
        "id": base64.b64encode(f"Movie:{internal_id}".encode()).decode(),
        "internalId": internal_id,
        "backlink": {"url": f"https://www.allocine.fr/film/fichefilm_gen_cfilm={internal_id}.html"},
        "data": {"eidr": None, "productionYear": film.production_year},
        "title": film.title,
        "originalTitle": film.original_title or film.title,
        "type": "FEATURE_FILM",
        "runtime": runtime_of(film.runtime),
        "poster": {"url": film.poster_url} if film.poster_url else None,
        "synopsis": film.synopsis,
        "releases": [{"name": "Released", "releaseDate": release, "data": {"visa_number": film.visa}}],
        "credits": {"edges": people(film.directors, "DIRECTOR")},
        "cast": {"edges": people(film.cast, "")},
        "countries": [
            {"name": c.strip(), "alpha3": None} for c in (film.countries or "").split(",") if c.strip()
        ],
        "genres": [g.strip() for g in (film.genres or "").split(",") if g.strip()],
        "companies": [{"activity": "Distribution", "company": {"name": film.distributor}}]
        if film.distributor
        else [],
    }


def local_time(moment: datetime, zone: ZoneInfo) -> str:
    """Allociné writes the theater's local time with no offset."""
    return (moment.astimezone(zone) if moment.tzinfo else moment).strftime("%Y-%m-%dT%H:%M:%S")


def showtime_of(show: Any, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "startsAt": local_time(show.starts_at, zone),
        "diffusionVersion": DIFFUSION.get(show.version or "VF", show.version),
        "projection": [show.format] if show.format and show.format != "2D" else ["DIGITAL"],
        "experience": None,
        "languages": ["FRENCH"],
    }


def edges_of(programme: Any, zone: ZoneInfo) -> Edges:
    """A neutral programme as movieShowtimeList edges: one per film, its séances inside."""
    ids = allocine_ids(programme.films)
    edges: dict[str, dict[str, Any]] = {
        f.external_id: {"node": {"movie": movie_of(f, ids[f.external_id]), "showtimes": []}}
        for f in programme.films
    }
    for show in programme.showtimes:
        if not show.cancelled and show.film_external_id in edges:
            edges[show.film_external_id]["node"]["showtimes"].append(showtime_of(show, zone))
    return [edge for edge in edges.values() if edge["node"]["showtimes"]]


def allocine_ids(films: Iterable[Any]) -> dict[str, int]:
    """The film's Allociné id when it has one, else a number of our own above them all."""
    films = list(films)
    known = {f.external_id: int(f.allocine_id) for f in films if (f.allocine_id or "").isdigit()}
    following = iter(range(max(known.values(), default=0) + 1, 1 << 62))
    return {f.external_id: known.get(f.external_id) or next(following) for f in films}


class AllocineApi(FaultSwitches):
    """The theaters served, the movie catalogue, the key accepted and the faults to play."""

    def __init__(
        self, api_key: str = "allocine-key", faults: Faults | None = None, zone: str = "Europe/Paris"
    ) -> None:
        self.api_key = api_key
        self.faults = faults or Faults()
        self.zone = ZoneInfo(zone)
        self.page_size = 50
        self.embed_movies = True  # False: showtime edges only name their movie, as movieList then tells
        self.catalogue: Edges = []  # movieList's extra movies (edges of {"node": movie})
        self.theaters: dict[str, Callable[[], Edges]] = {}
        self._recent: OrderedDict[str, Edges] = OrderedDict()

    def add_theater(self, theater_id: str, edges: Edges) -> None:
        self.theaters[theater_id] = lambda: edges
        self._recent.pop(theater_id, None)

    def add_programme(self, theater_id: str, programme: Any) -> None:
        make = programme if callable(programme) else (lambda: programme)
        self.theaters[theater_id] = lambda: edges_of(make(), self.zone)
        self._recent.pop(theater_id, None)

    def edges(self, theater_id: str) -> Edges:
        if theater_id not in self._recent:
            self._recent[theater_id] = self.theaters[theater_id]()
            while len(self._recent) > 64:
                self._recent.popitem(last=False)
        return self._recent[theater_id]

    def movies(self) -> Edges:
        """movieList: the catalogue, then every movie a theater shows (each once)."""
        shown = [{"node": e["node"]["movie"]} for t in self.theaters for e in self.edges(t) if "node" in e]
        unique = {
            e["node"].get("internalId"): e for e in [*self.catalogue, *shown] if isinstance(e["node"], dict)
        }
        return list(unique.values())

    def app(self) -> ASGIApp:
        return create_app(self)


def page_of(edges: Edges, after: str, size: int) -> dict[str, Any]:
    start = offset_of(after)
    chosen = edges[start : start + size]
    last = start + len(chosen) - 1
    page_info = {"hasNextPage": last + 1 < len(edges), "endCursor": cursor(last) if chosen else None}
    return {"totalCount": len(edges), "pageInfo": page_info, "edges": chosen}


def lean(edge: dict[str, Any]) -> dict[str, Any]:
    movie = edge["node"]["movie"]
    return {"node": {**edge["node"], "movie": {"id": movie.get("id"), "internalId": movie.get("internalId")}}}


def create_app(api: AllocineApi) -> ASGIApp:
    """The proxy over HTTP; both queries want `Authorization: Bearer <api_key>`."""

    async def query(request: Request) -> Response:
        if request.headers.get("authorization") != f"Bearer {api.api_key}":
            return json_response({"error": "Unauthorized", "message": "Invalid API key"}, 401)
        name, after = request.path_params["query"], request.query_params.get("after", "")
        if name == "movieList":
            return json_response({"movieList": page_of(api.movies(), after, api.page_size)})
        theater = request.query_params.get("theater", "")
        if name != "movieShowtimeList" or theater not in api.theaters:
            return json_response({"error": "Not found"}, 404)
        edges = api.edges(theater) if api.embed_movies else [lean(e) for e in api.edges(theater)]
        return json_response({"movieShowtimeList": page_of(edges, after, api.page_size)})

    app = Starlette(routes=[Route("/api/query/{query}", query)])
    return with_faults(app, api.faults)
