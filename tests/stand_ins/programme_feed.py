"""A test-only programme source: a tiny JSON feed per cinema over real HTTP, and its connector.

The sync engine's tests use it to script what a vendor sends — changes, garbage, faults, slowness —
without depending on any real vendor's connector. Registered as connector "feed" by the tests.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from lanterne.catalog.models import Cinema
from lanterne.collect.connectors.interface import ConnectorContext, ConnectorError
from lanterne.collect.http import request
from lanterne.collect.programme import FilmRecord, Programme, Rejected, ShowtimeRecord, Window
from lanterne.db import transaction
from lanterne.stand_ins.faults import Faults, with_faults

TOKEN = "feed-secret-token"


@dataclass
class Feed:
    """What the stand-in serves: per cinema key, a programme (dicts), or raw bytes for garbage."""

    programmes: dict[str, dict[str, Any]] = field(default_factory=dict)
    raw: dict[str, bytes] = field(default_factory=dict)
    delay: float = 0.0  # seconds per request: "many cinemas, slowly"
    served: int = 0


def create_app(feed: Feed, faults: Faults | None = None) -> ASGIApp:
    async def programme(request: Request) -> Response:
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return Response("unauthorized", status_code=401)
        if feed.delay:
            await asyncio.sleep(feed.delay)
        key = request.path_params["key"]
        feed.served += 1
        if key in feed.raw:
            return Response(feed.raw[key], media_type="application/json")
        data = feed.programmes.get(key, {"films": [], "showtimes": []})
        start, end = request.query_params["from"], request.query_params["to"]
        shows = [s for s in data["showtimes"] if _in_window(s, start, end)]
        body = orjson.dumps({"films": data["films"], "showtimes": shows})
        return Response(body, media_type="application/json")

    app = Starlette(routes=[Route("/cinemas/{key}/programme", programme)])
    return with_faults(app, faults) if faults else app


def _in_window(show: Any, start: str, end: str) -> bool:
    """Like a vendor filtering on dates; what is not a dated séance is served as is (garbage tests)."""
    day = str(show.get("start", ""))[:10] if isinstance(show, dict) else ""
    return not day[:4].isdigit() or start <= day <= end


class FeedConnector:
    """Settings: `url`, `key`, `token`. Passes times through as text: cleaning is the engine's job."""

    def __init__(self, context: ConnectorContext) -> None:
        self.settings = context.settings
        self.client = context.client

    def fetch(self, window: Window) -> Programme:
        url = f"{self.settings['url']}/cinemas/{self.settings['key']}/programme"
        params = {"from": window.start.isoformat(), "to": window.end.isoformat()}
        headers = {"Authorization": f"Bearer {self.settings['token']}"}
        response = request(
            self.client,
            "GET",
            url,
            attempts=int(self.settings.get("attempts", 2)),
            params=params,
            headers=headers,
        )
        if response.status_code != 200:
            raise ConnectorError(f"HTTP {response.status_code} from {url}")
        try:
            data = orjson.loads(response.content)
            films = [film_record(film) for film in data["films"]]
        except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
            raise ConnectorError(f"malformed body from {url}: {exc}") from exc
        programme = Programme(films=films)
        for index, show in enumerate(data.get("showtimes") or []):
            record = showtime_record(show)
            if isinstance(record, Rejected):
                programme.rejected.append(Rejected(f"showtimes[{index}]", record.field, record.reason))
            else:
                programme.showtimes.append(record)
        return programme


def film_record(film: dict[str, Any]) -> FilmRecord:
    return FilmRecord(
        external_id=str(film["id"]),
        title=film["title"],
        directors=film.get("director"),
        production_year=film.get("year"),
        runtime=film.get("runtime"),
        visa=film.get("visa"),
        allocine_id=film.get("allocine"),
        synopsis=film.get("synopsis"),
    )


def showtime_record(show: Any) -> ShowtimeRecord | Rejected:
    if not isinstance(show, dict) or "id" not in show:
        return Rejected("?", "id", "séance sans identifiant")
    return ShowtimeRecord(
        external_id=str(show["id"]),
        film_external_id=str(show.get("film")),
        starts_at=show.get("start"),  # type: ignore[arg-type]  # text on purpose, see the class
        ends_at=show.get("end"),
        screen=show.get("screen"),
        version=show.get("version"),
        booking_url=show.get("url"),
        cancelled=bool(show.get("cancelled")),
    )


def settings_for(url: str, key: str) -> dict[str, str]:
    return {"url": url, "key": key, "token": TOKEN}


def make_programme(
    key: str,
    first_day: date,
    days: int = 7,
    per_day: int = 4,
    films: int = 3,
    edition: int = 0,
    step: int = 120,
) -> dict[str, Any]:
    """A deterministic programme: `films` films, `per_day` séances a day from 14:00, `step` minutes
    apart, in local time (naive, like many box offices); `edition` shifts the first séance of each day
    by 15 minutes and drops the last séance of the last day."""
    film_list = [
        {"id": f"{key}-f{n}", "title": f"Film {n} de {key}", "director": f"Réalisatrice {n}", "year": 2026}
        for n in range(films)
    ]
    showtimes = []
    for day in range(days):
        for slot in range(per_day):
            moment = datetime.combine(first_day + timedelta(days=day), datetime.min.time())
            moment += timedelta(hours=14, minutes=step * slot + (15 if (edition and slot == 0) else 0))
            showtimes.append(
                {"id": f"{key}-{day}-{slot}", "film": f"{key}-f{slot % films}", "start": moment.isoformat()}
                | {"version": "VOSTFR" if slot % 2 else "VF", "screen": f"Salle {slot % 2 + 1}"}
            )
    if edition:
        showtimes.pop()
    return {"films": film_list, "showtimes": showtimes}


def add_cinema(engine: Any, cinema_id: int, department: str = "75", **values: Any) -> None:
    """A consenting member cinema attached to the "feed" source (override anything)."""
    row: dict[str, Any] = dict(
        id=cinema_id,
        cnc_region=cinema_id // 1_000_000 or 1,
        cnc_number=cinema_id % 1_000_000,
        name=f"Cinéma {cinema_id}",
        postcode="75005",
        department=department,
        publish_consent=True,
        connector="feed",
        connector_settings={},
    )
    row.update(values)
    with transaction(engine) as session:
        session.add(Cinema(**row))
