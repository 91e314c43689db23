"""Boost: one box-office server per cinema, a REST API behind a vendor login whose token lasts 24 h.

Endpoints: `POST api/vendors/login`, `GET api/showtimes/between/{from}/{to}?page=&per_page=` (paged,
each séance embedding its film), `GET api/films/{id}` when a séance carries only the film's id.
Settings: `api_url`, `username`, `password`; optional `per_page` and `attempts`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import orjson
from pydantic import BaseModel, ConfigDict, ValidationError

from lanterne.collect.connectors.interface import ConnectorContext, ConnectorError
from lanterne.collect.http import request
from lanterne.collect.programme import FilmRecord, Programme, Rejected, ShowtimeRecord, Window

TOKEN_LIFETIME = 24 * 3600 - 300  # Boost's tokens last 24 h; renew a little before they expire
MAX_PAGES = 10_000  # a server that never says "last page" must not keep a sync running forever


class BoostModel(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)


class BoostFilm(BoostModel):
    id: int
    titleCnc: str | None = None  # None when a séance carries only the film's id
    numVisa: str | None = None
    posterUrl: str | None = None
    duration: int | None = None  # minutes
    idFilmAllocine: str | None = None
    hasAudioDescription: bool = False


class BoostLabel(BoostModel):
    id: int | None = None
    title: str | None = None
    code: str | None = None


class BoostScreen(BoostModel):
    id: int
    auditoriumNumber: int | None = None
    name: str | None = None
    capacity: int | None = None
    audioDescription: bool = False


class BoostShowtime(BoostModel):
    id: int
    showDate: datetime
    showEndDate: datetime | None = None
    vfstfr: bool = False  # French version with French subtitles: for deaf and hard-of-hearing people
    film: BoostFilm
    format: BoostLabel | None = None
    version: BoostLabel | None = None
    screen: BoostScreen | None = None


class BoostPage(BoostModel):
    data: list[Any]
    page: int = 1
    totalPages: int = 1


def _where(error: ValidationError) -> tuple[str | None, str]:
    first = error.errors()[0]
    return (".".join(str(part) for part in first["loc"]) or None, first["msg"])


def film_of(film: BoostFilm) -> FilmRecord:
    return FilmRecord(
        external_id=str(film.id),
        title=film.titleCnc or "",
        runtime=film.duration or None,
        visa=film.numVisa,
        poster_url=film.posterUrl,
        allocine_id=film.idFilmAllocine,
    )


def aware(moment: datetime, zone: ZoneInfo) -> datetime:
    """Boost writes offsets ("+01:00"); a time without one is the cinema's local time."""
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def showtime_of(show: BoostShowtime, film: BoostFilm, zone: ZoneInfo) -> ShowtimeRecord:
    screen = show.screen
    return ShowtimeRecord(
        external_id=str(show.id),
        film_external_id=str(film.id),
        starts_at=aware(show.showDate, zone),
        ends_at=aware(show.showEndDate, zone) if show.showEndDate else None,
        screen=(screen.name or str(screen.auditoriumNumber or screen.id)) if screen else None,
        screen_capacity=screen.capacity if screen else None,
        version=(show.version.code or show.version.title) if show.version else None,
        format=show.format.title if show.format else None,
        audio_description=film.hasAudioDescription and bool(screen and screen.audioDescription),
        deaf_subtitles=show.vfstfr,
    )


class BoostConnector:
    """One cinema's programme from its Boost server; the login token is kept for this instance."""

    def __init__(self, context: ConnectorContext) -> None:
        self.context = context
        settings = context.settings
        self.api_url = str(settings["api_url"]).rstrip("/") + "/"
        self.username, self.password = str(settings["username"]), str(settings["password"])
        self.per_page = int(settings.get("per_page", 100))
        self.attempts = int(settings.get("attempts", 3))
        self._token: str | None = None
        self._token_at = 0.0

    def fetch(self, window: Window) -> Programme:
        programme, zone = Programme(), ZoneInfo(self.context.timezone)
        films: dict[int, BoostFilm | None] = {}
        for raw in self._showtimes(window):
            try:
                show = BoostShowtime.model_validate(raw)
            except ValidationError as exc:
                field, reason = _where(exc)
                key = raw.get("id", "?") if isinstance(raw, dict) else "?"
                programme.rejected.append(Rejected(f"showtime {key}", field, reason))
                continue
            if not window.start <= aware(show.showDate, zone).astimezone(zone).date() <= window.end:
                continue
            if show.film.id not in films:
                films[show.film.id] = self._film(show.film)
            film = films[show.film.id]
            if film is None:
                reason = f"film {show.film.id} has no title, even in its details"
                programme.rejected.append(Rejected(f"showtime {show.id}", "film", reason))
            else:
                programme.showtimes.append(showtime_of(show, film, zone))
        programme.films = [film_of(film) for film in films.values() if film]
        return programme

    def _showtimes(self, window: Window) -> Iterator[Any]:
        """Every séance of the window, page after page; the end date is asked one day later and the
        séances filtered locally, so the window is whole whether Boost's `to` is inclusive or not."""
        path = (
            f"api/showtimes/between/{window.start.isoformat()}/{(window.end + timedelta(days=1)).isoformat()}"
        )
        for number in range(1, MAX_PAGES + 1):
            body = self._get(path, {"page": number, "per_page": self.per_page})
            try:
                page = BoostPage.model_validate(body)
            except ValidationError as exc:
                raise ConnectorError(f"Boost sent no page of showtimes on GET {self.api_url}{path}") from exc
            yield from page.data
            if not page.data or number >= page.totalPages:
                return
        raise ConnectorError(f"Boost sent more than {MAX_PAGES} pages on GET {self.api_url}{path}")

    def _film(self, film: BoostFilm) -> BoostFilm | None:
        """A séance normally embeds its film; one that carries only the id sends us to the details.
        None when Boost knows no such film (404) or gives it no title: its séances are rejected."""
        if film.titleCnc:
            return film
        url = f"{self.api_url}api/films/{film.id}"
        body = self._get(f"api/films/{film.id}", {}, missing_ok=True)
        details = body.get("data", body) if isinstance(body, dict) else body
        try:
            found = BoostFilm.model_validate(details) if body is not None else None
        except ValidationError as exc:
            raise ConnectorError(f"Boost sent an unreadable film on GET {url}") from exc
        return found if found and found.titleCnc else None

    def _get(self, path: str, params: dict[str, Any], missing_ok: bool = False) -> Any:
        """GET with the token; a 401 means it expired early: log in again once and retry."""
        url = f"{self.api_url}{path}"
        response = self._send(url, params)
        if response.status_code == 401:
            self._token = None
            response = self._send(url, params)
        if missing_ok and response.status_code == 404:
            return None
        if response.status_code in (401, 403):
            raise ConnectorError(f"Boost refused a fresh token (HTTP {response.status_code}) on GET {url}")
        if response.status_code != 200:
            raise ConnectorError(f"Boost answered HTTP {response.status_code} on GET {url}")
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError:
            raise ConnectorError(f"Boost sent a body that is not JSON on GET {url}") from None

    def _send(self, url: str, params: dict[str, Any]) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self._valid_token()}"}
        return request(
            self.context.client, "GET", url, attempts=self.attempts, params=params, headers=headers
        )

    def _valid_token(self) -> str:
        if self._token is None or time.monotonic() - self._token_at > TOKEN_LIFETIME:
            self._token, self._token_at = self._login(), time.monotonic()
        return self._token

    def _login(self) -> str:
        url = f"{self.api_url}api/vendors/login"
        credentials = {"username": self.username, "password": self.password, "stationName": "Lanterne"}
        response = request(self.context.client, "POST", url, attempts=self.attempts, json=credentials)
        try:
            body = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            body = None
        if response.status_code != 200:
            message = body.get("message", "") if isinstance(body, dict) else response.text[:200]
            raise ConnectorError(
                f"Boost login refused (HTTP {response.status_code}) on POST {url}: {message}"
            )
        token = body.get("token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise ConnectorError(f"Boost login sent no token on POST {url}")
        return token
