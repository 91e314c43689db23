"""Allociné: the graph-API proxy's `movieShowtimeList` for one theater, with a Bearer key.

Each edge carries a whole movie and its séances, whose `startsAt` is the theater's LOCAL time without
offset: it is made aware with the cinema's time zone. `movieList` (paged by cursor) completes a movie
the showtime list only names. Settings: `api_url`, `api_key`, `theater_id`; optional `attempts`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from pydantic import BaseModel, ConfigDict, ValidationError

from lanterne.collect.connectors.interface import ConnectorContext, ConnectorError
from lanterne.collect.http import request
from lanterne.collect.programme import FilmRecord, Programme, Rejected, ShowtimeRecord, Window

DEFAULT_API_URL = "https://graph-api-proxy.allocine.fr/api/"
MAX_PAGES = 1_000
RUNTIME = re.compile(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?")


class AcModel(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)


class AcPerson(AcModel):
    firstName: str | None = None
    lastName: str | None = None


class AcName(AcModel):
    name: str | None = None


class AcCredit(AcModel):
    person: AcPerson | None = None
    position: AcName | None = None


class AcCastMember(AcModel):
    actor: AcPerson | None = None


class AcCreditEdge(AcModel):
    node: AcCredit | None = None


class AcCredits(AcModel):
    edges: list[AcCreditEdge] = []


class AcCastEdge(AcModel):
    node: AcCastMember | None = None


class AcCast(AcModel):
    edges: list[AcCastEdge] = []


class AcRelease(AcModel):
    name: str | None = None
    releaseDate: dict[str, str | None] | None = None
    data: dict[str, Any] | None = None


class AcCompany(AcModel):
    activity: str | None = None
    company: AcName | None = None


class AcMovie(AcModel):
    internalId: int
    title: str | None = None  # None when the showtime list only names the movie
    originalTitle: str | None = None
    runtime: str | None = None  # ISO 8601 duration, "PT1H55M0S"
    poster: dict[str, str | None] | None = None
    synopsis: str | None = None
    releases: list[AcRelease] | None = None
    credits: AcCredits | None = None
    cast: AcCast | None = None
    countries: list[AcName] | None = None
    genres: list[str] | None = None
    companies: list[AcCompany] | None = None
    data: dict[str, Any] | None = None


class AcShowtime(AcModel):
    startsAt: datetime  # the theater's local time, without offset
    diffusionVersion: str | None = None  # LOCAL, DUBBED, ORIGINAL
    projection: list[str] | None = None
    experience: str | None = None


def _where(error: ValidationError) -> tuple[str | None, str]:
    first = error.errors()[0]
    return (".".join(str(part) for part in first["loc"]) or None, first["msg"])


def minutes(runtime: str | None) -> int | None:
    match = RUNTIME.fullmatch(runtime or "")
    if not match or not any(match.groups()):
        return None
    hours, mins, secs = (int(part or 0) for part in match.groups())
    return hours * 60 + mins + round(secs / 60) or None


def full_name(person: AcPerson | None) -> str | None:
    name = " ".join(part for part in (person.firstName, person.lastName) if part) if person else ""
    return name or None


def joined(names: list[str | None]) -> str | None:
    return ", ".join(dict.fromkeys(name for name in names if name)) or None


def released(movie: AcMovie) -> tuple[date | None, str | None]:
    """The first theatrical release ("Released", else the first listed) and the first visa found."""
    releases = movie.releases or []
    chosen = next((r for r in releases if r.name == "Released"), releases[0] if releases else None)
    day = (chosen.releaseDate or {}).get("date") if chosen else None
    visa = next((str(r.data["visa_number"]) for r in releases if r.data and r.data.get("visa_number")), None)
    try:
        return (date.fromisoformat(day) if day else None), visa
    except ValueError:
        return None, visa  # a malformed date loses the date, not the film


def film_of(movie: AcMovie) -> FilmRecord:
    release_date, visa = released(movie)
    credits = [e.node for e in (movie.credits.edges if movie.credits else []) if e.node]
    cast = [e.node for e in (movie.cast.edges if movie.cast else []) if e.node]
    companies = movie.companies or []
    return FilmRecord(
        external_id=str(movie.internalId),
        title=movie.title or "",
        original_title=movie.originalTitle,
        directors=joined(
            [full_name(c.person) for c in credits if c.position and c.position.name == "DIRECTOR"]
        ),
        cast=joined([full_name(c.actor) for c in cast]),
        runtime=minutes(movie.runtime),
        release_date=release_date,
        production_year=(movie.data or {}).get("productionYear"),
        countries=joined([c.name for c in movie.countries or []]),
        genres=joined(list(movie.genres or [])),
        synopsis=movie.synopsis,
        poster_url=(movie.poster or {}).get("url"),
        visa=visa,
        allocine_id=str(movie.internalId),
        distributor=next(
            (c.company.name for c in companies if c.activity == "Distribution" and c.company), None
        ),
    )


def showtime_of(show: AcShowtime, movie_id: int, seen: Counter[str], zone: ZoneInfo) -> ShowtimeRecord:
    """Allociné gives séances no id: the movie, the local start and the version make one; identical
    séances (two screens at the same time) are numbered in the order Allociné lists them."""
    key = f"{movie_id}-{show.startsAt:%Y%m%d%H%M}-{show.diffusionVersion or 'NA'}"
    seen[key] += 1
    projection = [p for p in show.projection or [] if p != "DIGITAL"]
    return ShowtimeRecord(
        external_id=key if seen[key] == 1 else f"{key}-{seen[key]}",
        film_external_id=str(movie_id),
        starts_at=show.startsAt if show.startsAt.tzinfo else show.startsAt.replace(tzinfo=zone),
        version=show.diffusionVersion,
        format=projection[0] if projection else show.experience,
    )


class AllocineConnector:
    """One theater's programme from Allociné's showtime list."""

    def __init__(self, context: ConnectorContext) -> None:
        self.context = context
        settings = context.settings
        self.api_url = str(settings.get("api_url") or DEFAULT_API_URL).rstrip("/") + "/"
        self.api_key = str(settings["api_key"])
        self.theater_id = str(settings["theater_id"])
        self.attempts = int(settings.get("attempts", 3))

    def fetch(self, window: Window) -> Programme:
        programme, zone = Programme(), ZoneInfo(self.context.timezone)
        movies: dict[int, AcMovie] = {}
        seen: Counter[str] = Counter()  # across pages: a movie may come back in a later edge
        for node in self._edges("movieShowtimeList", {"theater": self.theater_id}):
            movie = self._movie(node, programme.rejected)
            if movie is None:
                continue
            shows = self._showtimes(node, movie.internalId, (seen, zone), programme.rejected)
            in_window = [
                s for s in shows if window.start <= s.starts_at.astimezone(zone).date() <= window.end
            ]
            if in_window:
                movies[movie.internalId] = movie
                programme.showtimes.extend(in_window)
        self._complete(movies, programme)
        programme.films = [film_of(movie) for movie in movies.values()]
        return programme

    def _movie(self, node: Any, rejected: list[Rejected]) -> AcMovie | None:
        raw = node.get("movie") if isinstance(node, dict) else None
        try:
            return AcMovie.model_validate(raw)
        except ValidationError as exc:
            field, reason = _where(exc)
            key = raw.get("internalId", "?") if isinstance(raw, dict) else "?"
            rejected.append(Rejected(f"movie {key}", field, reason))
            return None

    def _showtimes(
        self, node: Any, movie_id: int, where: tuple[Counter[str], ZoneInfo], rejected: list[Rejected]
    ) -> list[ShowtimeRecord]:
        seen, zone = where
        shows = []
        for n, raw in enumerate(node.get("showtimes") or [], 1):
            try:
                shows.append(showtime_of(AcShowtime.model_validate(raw), movie_id, seen, zone))
            except ValidationError as exc:
                field, reason = _where(exc)
                rejected.append(Rejected(f"showtime {n} of movie {movie_id}", field, reason))
        return shows

    def _complete(self, movies: dict[int, AcMovie], programme: Programme) -> None:
        """Movies the showtime list only names are looked up in `movieList`, page after page."""
        missing = {movie_id for movie_id, movie in movies.items() if not movie.title}
        for node in self._edges("movieList", {"after": ""}) if missing else ():
            found = self._movie({"movie": node}, [])
            if found and found.internalId in missing and found.title:
                movies[found.internalId] = found
                missing.discard(found.internalId)
            if not missing:
                return
        for movie_id in missing:  # séances of a film without a title cannot be published
            programme.rejected.append(Rejected(f"movie {movie_id}", "title", "absent, also from movieList"))
            del movies[movie_id]
            programme.showtimes = [s for s in programme.showtimes if s.film_external_id != str(movie_id)]

    def _edges(self, query: str, params: dict[str, str]) -> Iterator[Any]:
        """The nodes of a relay-style connection, following `pageInfo.endCursor` while there is more."""
        after = ""
        for _ in range(MAX_PAGES):
            connection = self._connection(query, {**params, "after": after} if after else params)
            yield from (edge.get("node") for edge in connection["edges"] if isinstance(edge, dict))
            page = connection.get("pageInfo")
            following = (
                str(page.get("endCursor") or "") if isinstance(page, dict) and page.get("hasNextPage") else ""
            )
            if not following or not connection["edges"]:
                return
            if following == after:
                raise ConnectorError(f"Allociné repeats the cursor {after!r} on {query}")
            after = following
        raise ConnectorError(f"Allociné sent more than {MAX_PAGES} pages of {query}")

    def _connection(self, query: str, params: dict[str, str]) -> dict[str, Any]:
        url = f"{self.api_url}query/{query}"
        headers = {"Authorization": f"Bearer {self.api_key}"}
        response = request(
            self.context.client, "GET", url, attempts=self.attempts, params=params, headers=headers
        )
        if response.status_code in (401, 403):
            raise ConnectorError(f"Allociné refused the api_key (HTTP {response.status_code}) on GET {url}")
        if response.status_code != 200:
            raise ConnectorError(f"Allociné answered HTTP {response.status_code} on GET {url}")
        try:
            body = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            raise ConnectorError(f"Allociné sent a body that is not JSON on GET {url}") from None
        container = body.get("data", body) if isinstance(body, dict) else None  # GraphQL may wrap in "data"
        connection = container.get(query) if isinstance(container, dict) else None
        if not isinstance(connection, dict) or not isinstance(connection.get("edges"), list):
            raise ConnectorError(f"Allociné sent no {query} connection (edges) on GET {url}")
        return connection
