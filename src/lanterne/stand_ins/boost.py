"""A stand-in for Boost: one box-office server per cinema under `/{cinema}/api/…`, a vendor login
handing out bearer tokens, paged `showtimes/between/{from}/{to}` and `films/{id}`, in Boost's shapes.

Fed with showtimes already in Boost's shape, or with any programme (objects with `films` and
`showtimes` carrying Lanterne's neutral field names), or a callable returning one (converted lazily).
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from lanterne.stand_ins.faults import Faults, FaultSwitches, with_faults
from lanterne.stand_ins.server import json_response

VERSIONS = {"VF": (3, "Film Etranger en Langue Française"), "VO": (2, "Film Etranger en Langue Etrangère")}


def numeric_ids(keys: Iterable[str]) -> dict[str, int]:
    """Boost ids are integers: keep a numeric external id, number the others after the largest."""
    keys = list(dict.fromkeys(keys))
    following = iter(range(max((int(k) for k in keys if k.isdigit()), default=0) + 1, 1 << 62))
    return {k: int(k) if k.isdigit() else next(following) for k in keys}


def number(text: str | None) -> Any:
    return int(text) if text and text.isdigit() else text


def film_of(film: Any, film_id: int) -> dict[str, Any]:
    return {
        "id": film_id,
        "titleCnc": film.title,
        "numVisa": number(film.visa),
        "posterUrl": film.poster_url,
        "thumbUrl": film.poster_url,
        "duration": film.runtime,
        "isHfr": False,
        "isHearingImpaired": False,
        "hasAudioDescription": False,
        "is4K": False,
        "idFilmAllocine": number(film.allocine_id),
        "isLightVibes": False,
        "isEclairColor": False,
    }


def boost_time(moment: datetime | None, zone: ZoneInfo) -> str | None:
    if moment is None:
        return None
    return (moment.astimezone(zone) if moment.tzinfo else moment.replace(tzinfo=zone)).isoformat()


def screen_of(name: str, screen_id: int, capacity: int | None, audio_description: bool) -> dict[str, Any]:
    return {
        "id": screen_id,
        "auditoriumNumber": screen_id,
        "name": name,
        "capacity": capacity or 100,
        "HFR": False,
        "is4K": False,
        "ice": False,
        "hearingImpaired": False,
        "audioDescription": audio_description,
        "seatingAllowed": True,
    }


def showtime_of(
    show: Any, show_id: int, film: dict[str, Any], screen_id: int, zone: ZoneInfo
) -> dict[str, Any]:
    version_id, version_title = VERSIONS.get(show.version or "VF", (4, show.version))
    seats = show.screen_capacity or 100
    film = {**film, "hasAudioDescription": True} if show.audio_description else film
    return {
        "id": show_id,
        "showDate": boost_time(show.starts_at, zone),
        "showEndDate": boost_time(show.ends_at, zone),
        "soldOut": False,
        "authorizedAccess": False,
        "vfstfr": bool(show.deaf_subtitles),
        "preview": False,
        "numberSeatsRemaining": seats,
        "numberRemainingSeatsForOnlineSale": seats,
        "attributs": [],
        "film": film,
        "format": {"id": 1, "title": show.format or "2D"},
        "version": {"id": version_id, "title": version_title, "code": show.version or "VF"},
        "screen": screen_of(show.screen or "1", screen_id, show.screen_capacity, show.audio_description),
        "showtimePricing": [],
        "onlineSale": True,
    }


def showtimes_of(programme: Any, zone: ZoneInfo) -> list[dict[str, Any]]:
    """A neutral programme as Boost's séances; cancelled ones are not served, as Boost drops them."""
    film_ids = numeric_ids(f.external_id for f in programme.films)
    films = {f.external_id: film_of(f, film_ids[f.external_id]) for f in programme.films}
    show_ids = numeric_ids(s.external_id for s in programme.showtimes)
    screens: dict[str, int] = {}
    shows = []
    for show in programme.showtimes:
        if show.cancelled or show.film_external_id not in films:
            continue
        screen_id = screens.setdefault(show.screen or "1", len(screens) + 1)
        film = films[show.film_external_id]
        shows.append(showtime_of(show, show_ids[show.external_id], film, screen_id, zone))
    return shows


@dataclass
class BoostCinema:
    username: str
    password: str
    showtimes: Callable[[], list[dict[str, Any]]]


class BoostBoxOffice(FaultSwitches):
    """The cinemas served, the tokens handed out, and the faults to play before answering."""

    def __init__(
        self, faults: Faults | None = None, zone: str = "Europe/Paris", embed_films: bool = True
    ) -> None:
        self.cinemas: dict[str, BoostCinema] = {}
        self.tokens: dict[str, str] = {}  # token → cinema
        self.logins = 0
        self.accept_tokens = True  # False: every token is refused, even a fresh one
        self.faults = faults or Faults()
        self.zone = ZoneInfo(zone)
        self.embed_films = embed_films  # False: séances carry only the film's id, as a lean Boost may
        self._recent: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()

    def add_cinema(self, key: str, username: str, password: str, showtimes: list[dict[str, Any]]) -> None:
        self.cinemas[key] = BoostCinema(username, password, lambda: showtimes)
        self._recent.pop(key, None)

    def add_programme(self, key: str, username: str, password: str, programme: Any) -> None:
        make = programme if callable(programme) else (lambda: programme)
        self.cinemas[key] = BoostCinema(username, password, lambda: showtimes_of(make(), self.zone))
        self._recent.pop(key, None)

    def showtimes(self, key: str) -> list[dict[str, Any]]:
        """A connector asks page after page: keep the last few cinemas' conversions."""
        if key not in self._recent:
            self._recent[key] = self.cinemas[key].showtimes()
            while len(self._recent) > 64:
                self._recent.popitem(last=False)
        return self._recent[key]

    def login(self, key: str, credentials: Any) -> str | None:
        cinema = self.cinemas[key]
        if not isinstance(credentials, dict) or (
            credentials.get("username"),
            credentials.get("password"),
        ) != (
            cinema.username,
            cinema.password,
        ):
            return None
        token = secrets.token_hex(12)
        self.tokens[token] = key
        self.logins += 1
        return token

    def expire_tokens(self) -> None:
        """Every token handed out so far now answers 401, as after Boost's 24 hours."""
        self.tokens.clear()

    def app(self) -> ASGIApp:
        return create_app(self)


def page_of(shows: list[dict[str, Any]], page: int, per_page: int) -> dict[str, Any]:
    total_pages = max(1, -(-len(shows) // per_page))
    data = shows[(page - 1) * per_page : page * per_page]
    return {
        "data": data,
        "message": "OK",
        "page": page,
        "previousPage": max(1, page - 1),
        "nextPage": min(page + 1, total_pages),  # Boost repeats the last page's number
        "totalPages": total_pages,
        "totalCount": len(shows),
    }


def between(shows: list[dict[str, Any]], start: date, end: date) -> list[dict[str, Any]]:
    """The séances of those days; one with an unreadable date is served anyway, as garbage would be."""

    def day(show: dict[str, Any]) -> date | None:
        try:
            return datetime.fromisoformat(str(show.get("showDate"))).date()
        except ValueError:
            return None

    return [show for show in shows if (found := day(show)) is None or start <= found <= end]


def create_app(box_office: BoostBoxOffice) -> ASGIApp:
    """Boost over HTTP; every route but the login wants `Authorization: Bearer <token>`."""

    def authorised(request: Request) -> bool:
        header = request.headers.get("authorization", "")
        return (
            box_office.accept_tokens
            and box_office.tokens.get(header.removeprefix("Bearer ")) == request.path_params["cinema"]
        )

    async def login(request: Request) -> Response:
        if request.path_params["cinema"] not in box_office.cinemas:
            return json_response({"code": 404, "message": "Not found"}, 404)
        token = box_office.login(request.path_params["cinema"], orjson.loads(await request.body() or b"null"))
        if token is None:
            return json_response({"code": 400, "message": "Vendor login failed. Wrong password!"}, 400)
        return json_response({"message": "Login successful", "token": token})

    async def showtimes(request: Request) -> Response:
        if not authorised(request):
            return json_response({"code": 401, "message": "Expired JWT Token"}, 401)
        start, end = (date.fromisoformat(request.path_params[k]) for k in ("start", "end"))
        shows = between(box_office.showtimes(request.path_params["cinema"]), start, end)
        if not box_office.embed_films:
            shows = [{**show, "film": {"id": show["film"]["id"]}} for show in shows]
        page, per_page = (
            int(request.query_params.get("page", 1)),
            int(request.query_params.get("per_page", 30)),
        )
        return json_response(page_of(shows, page, per_page))

    async def film(request: Request) -> Response:
        if not authorised(request):
            return json_response({"code": 401, "message": "Expired JWT Token"}, 401)
        wanted = request.path_params["film"]
        for show in box_office.showtimes(request.path_params["cinema"]):
            if show["film"]["id"] == wanted:
                return json_response({"message": "OK", "data": show["film"]})
        return json_response({"code": 404, "message": f"No film found with id {wanted}"}, 404)

    routes = [
        Route("/{cinema}/api/vendors/login", login, methods=["POST"]),
        Route("/{cinema}/api/showtimes/between/{start}/{end}", showtimes),
        Route("/{cinema}/api/films/{film:int}", film),
    ]
    return with_faults(Starlette(routes=routes), box_office.faults)
