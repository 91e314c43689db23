"""Portal benchmark: builds the ~1 M-séance demo database (2,000 cinemas, 8,000 films, 28 days) in SQLite,
then prints each page's server time (median and p95 over several requests, measured in-process around
the ASGI app, no network) and its weight: the bytes of the HTML, styles, scripts and map data as served,
uncompressed (no gzip), tiles excluded.

Run: .venv/bin/python benchmarks/portal.py [--db PATH] [--requests N] [--only TEXT …]
(`--only agenda --only embed` measures the pages whose path holds one of the words: reruns of the slow ones.)
"""

from __future__ import annotations

import argparse
import statistics
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from lanterne.app import create_app
from lanterne.catalog.models import Showtime
from lanterne.db import make_engine
from lanterne.demo import build
from lanterne.migrations import upgrade
from lanterne.runtime import Runtime
from lanterne.settings import Settings


class Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "link" and found.get("rel") == "stylesheet":
            self.urls.append(found.get("href") or "")
        if tag == "script" and found.get("src"):
            self.urls.append(found["src"] or "")
        if found.get("data-source"):
            self.urls.append(found["data-source"] or "")


def database(path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as connection:
        showtimes = connection.execute(select(func.count()).select_from(Showtime)).scalar() or 0
    if not showtimes:
        started = time.perf_counter()
        build(engine, seed=2026, cinemas=2000, films=8000, days=28)
        print(f"built the demo database in {time.perf_counter() - started:.0f} s")
    return engine


def sample_ids(client: httpx.Client) -> dict[str, str]:
    """A busy cinema, a film that plays, an event: read through the API, like any reuser."""
    api = "/data-fair/api/v1/datasets"
    event = client.get(
        f"{api}/evenements-cinemas/lines?size=1&select=showid,cineid,filmid&sort=showstart"
    ).json()
    row = event["results"][0]
    return {"cinema": str(row["cineid"]), "film": str(row["filmid"]), "event": str(row["showid"])}


def busiest(engine: Engine) -> dict[str, str]:
    """The film and the cinema with the most séances: the pages' worst cases (one film in ~1,800 cinemas)."""
    with engine.connect() as connection:
        film = connection.execute(
            select(Showtime.film_id).group_by(Showtime.film_id).order_by(func.count().desc()).limit(1)
        ).scalar()
        cinema = connection.execute(
            select(Showtime.cinema_id).group_by(Showtime.cinema_id).order_by(func.count().desc()).limit(1)
        ).scalar()
    return {"busiest_film": str(film), "busiest_cinema": str(cinema)}


def pages(ids: dict[str, str]) -> list[str]:
    return [
        "/", "/donnees", "/recherche?q=lumiere", "/donnees/programmation-cinemas",
        "/donnees/programmation-cinemas?q=nuit&sort=-showstart",
        "/donnees/programmation-cinemas?cinedepartement_eq=35&size=100",
        "/donnees/cinemas?artetessai_eq=true", "/donnees/etablissements-scolaires?section_cinema_eq=true",
        "/carte", "/carte?artetessai_eq=true&cinecategorie_eq=A", "/carte/etablissements-scolaires",
        "/carte/evenements", "/agenda", "/agenda?region=Bretagne&type=debat",
        "/agenda?region=Corse&type=concert",  # few matches: the whole week of events is walked
        f"/evenements/{ids['event']}",
        f"/cinemas/{ids['cinema']}", f"/cinemas/{ids['busiest_cinema']}", f"/films/{ids['film']}",
        f"/films/{ids['film']}?cp=35000", f"/films/{ids['busiest_film']}?cp=35000",
        "/films?recommandationae_eq=true", "/films?audiodescription_eq=true",
        "/embed/programmation-cinemas/table?cineville_contains=rennes", "/embed/cinemas/map",
    ]  # fmt: skip


def weigh(client: httpx.Client, path: str, body: bytes) -> int:
    parser = Assets()
    parser.feed(body.decode())
    return len(body) + sum(
        len(client.get(urljoin(str(client.base_url) + path, url)).content) for url in parser.urls
    )


def measure(client: httpx.Client, path: str, requests: int) -> tuple[float, float, int]:
    times = []
    body = b""
    for _ in range(requests):
        started = time.perf_counter()
        answer = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])
        body = answer.content
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, weigh(client, path, body)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="/tmp/lanterne-portal-bench.db")
    parser.add_argument("--requests", type=int, default=15)
    parser.add_argument("--only", action="append", default=[], help="measure pages whose path holds this")
    args = parser.parse_args()
    engine = database(Path(args.db))
    settings = Settings(database_url=f"sqlite:///{args.db}", scheduler=False, base_url="http://bench")
    app = create_app(runtime=Runtime(settings, _engine=engine))
    with engine.connect() as connection:
        print(f"séances: {connection.execute(select(func.count()).select_from(Showtime)).scalar():,}")
    # In-process ASGI: the figure is the server's time (routing, queries, templates), not the network's.
    with TestClient(app, base_url="http://bench") as client:
        ids = {**sample_ids(client), **busiest(engine)}
        print(f"{'page':72} {'median ms':>9} {'p95 ms':>7} {'weight KB':>9}")
        for path in pages(ids):
            if args.only and not any(word in path for word in args.only):
                continue
            client.get(path)  # warm: caches of counts and search words, like a running server
            median, p95, size = measure(client, path, args.requests)
            flag = "" if p95 < 300 and size < 500_000 else "  <-- over budget"
            print(f"{path[:72]:72} {median:9.1f} {p95:7.1f} {size / 1000:9.0f}{flag}")


if __name__ == "__main__":
    main()
