"""The Allociné connector over real HTTP against the stand-in: local times, paging, movieList, faults."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from lanterne.collect.connectors import registry
from lanterne.collect.connectors.allocine import AllocineConnector, minutes
from lanterne.collect.connectors.interface import ConnectorContext, ConnectorError
from lanterne.collect.programme import FilmRecord, Programme, ShowtimeRecord, Window
from lanterne.stand_ins.allocine import AllocineApi
from lanterne.stand_ins.faults import Faults
from lanterne.stand_ins.server import serve_in_thread

FIXTURES = Path(__file__).parent / "fixtures"
PARIS = ZoneInfo("Europe/Paris")
DECEMBER = Window(date(2026, 12, 1), date(2026, 12, 28))
KEY = "allocine-s3cret"


@pytest.fixture(scope="module")
def stand_in() -> Iterator[tuple[str, AllocineApi]]:
    api = AllocineApi(KEY, Faults(delay=0.6))
    fixture = json.loads((FIXTURES / "allocine_showtimes.json").read_text())
    api.add_theater("P0671", fixture["movieShowtimeList"]["edges"])
    with serve_in_thread(api.app()) as url:
        yield url, api


@pytest.fixture
def allocine(stand_in: tuple[str, AllocineApi]) -> Iterator[tuple[str, AllocineApi]]:
    api = stand_in[1]
    api.faults.queue.clear()
    api.faults.requests.clear()
    api.page_size, api.embed_movies, api.catalogue = 50, True, []
    yield stand_in


def connector(
    url: str, timeout: float = 5.0, zone: str = "Europe/Paris", **settings: Any
) -> AllocineConnector:
    values = {"api_url": f"{url}/api/", "api_key": KEY, "theater_id": "P0671", **settings}
    return AllocineConnector(
        ConnectorContext(settings=values, client=httpx.Client(timeout=timeout), timezone=zone)
    )


def test_local_start_times_become_aware_in_the_cinemas_zone(allocine: tuple[str, AllocineApi]) -> None:
    shows = connector(allocine[0]).fetch(DECEMBER).showtimes
    first = next(s for s in shows if s.version == "ORIGINAL")
    assert first.starts_at == datetime(2026, 12, 2, 20, 30, tzinfo=PARIS)
    assert first.starts_at.utcoffset() is not None and first.film_external_id == "301253"
    reunion = connector(allocine[0], zone="Indian/Reunion").fetch(DECEMBER).showtimes
    assert (
        next(s for s in reunion if s.version == "ORIGINAL").starts_at.isoformat()
        == "2026-12-02T20:30:00+04:00"
    )


def test_showtimes_get_stable_distinct_ids_versions_and_formats(allocine: tuple[str, AllocineApi]) -> None:
    shows = connector(allocine[0]).fetch(DECEMBER).showtimes
    ids = [s.external_id for s in shows]
    assert ids == [s.external_id for s in connector(allocine[0]).fetch(DECEMBER).showtimes]
    assert len(set(ids)) == len(ids) == 5  # January is out of the window, "demain soir" is rejected
    assert {"301253-202612031600-LOCAL", "301253-202612031600-LOCAL-2"} <= set(ids)
    by_id = {s.external_id: s for s in shows}
    assert (by_id["301253-202612041400-DUBBED"].version, by_id["301253-202612041400-DUBBED"].format) == (
        "DUBBED",
        "IMAX_3D",
    )
    assert by_id["297212-202612051800-LOCAL"].format == "ECLAIR_COLOR"
    assert by_id["301253-202612022030-ORIGINAL"].format is None  # plain digital projection


def test_movies_become_films(allocine: tuple[str, AllocineApi]) -> None:
    films = {f.external_id: f for f in connector(allocine[0]).fetch(DECEMBER).films}
    anatomy = films["301253"]
    assert (anatomy.title, anatomy.runtime, anatomy.visa, anatomy.allocine_id) == (
        "Anatomie d'une chute",
        151,
        "158914",
        "301253",
    )
    assert (anatomy.directors, anatomy.cast) == ("Justine Triet", "Sandra Hüller, Swann Arlaud")
    assert (anatomy.release_date, anatomy.production_year) == (date(2023, 8, 23), 2023)
    assert (anatomy.countries, anatomy.genres, anatomy.distributor) == (
        "France",
        "DRAMA, THRILLER",
        "Le Pacte",
    )
    kingdom = films["297212"]  # nulls everywhere, odd text left to clean.py
    assert (kingdom.title, kingdom.synopsis, kingdom.runtime, kingdom.directors, kingdom.visa) == (
        "Le RÃ¨gne animal",
        "null",
        None,
        None,
        None,
    )


def test_unusable_records_are_rejected_and_the_rest_loads(allocine: tuple[str, AllocineApi]) -> None:
    rejected = connector(allocine[0]).fetch(DECEMBER).rejected
    assert [(r.record, r.field) for r in rejected] == [
        ("showtime 6 of movie 301253", "startsAt"),
        ("movie ?", "internalId"),
    ]


def test_every_page_is_followed(allocine: tuple[str, AllocineApi]) -> None:
    allocine[1].page_size = 1
    assert len(connector(allocine[0]).fetch(DECEMBER).showtimes) == 5
    assert len([r for r in allocine[1].faults.requests if "movieShowtimeList" in r]) == 3
    assert "after=" in allocine[1].faults.requests[1]


def test_movies_the_showtime_list_only_names_come_from_movie_list(allocine: tuple[str, AllocineApi]) -> None:
    allocine[1].embed_movies, allocine[1].page_size = False, 1
    programme = connector(allocine[0]).fetch(DECEMBER)
    assert {f.title for f in programme.films} == {"Anatomie d'une chute", "Le RÃ¨gne animal"}
    assert len(programme.showtimes) == 5
    assert len([r for r in allocine[1].faults.requests if "movieList" in r]) == 2  # stops once both are found


def test_a_movie_unknown_everywhere_is_rejected_with_its_seances(allocine: tuple[str, AllocineApi]) -> None:
    ghost = {"node": {"movie": {"internalId": 4242}, "showtimes": [{"startsAt": "2026-12-09T18:00:00"}]}}
    allocine[1].add_theater("ghost", [ghost])
    programme = connector(allocine[0], theater_id="ghost").fetch(DECEMBER)
    assert (programme.films, programme.showtimes) == ([], [])
    assert [(r.record, r.field) for r in programme.rejected] == [("movie 4242", "title")]


def test_429_then_success(allocine: tuple[str, AllocineApi]) -> None:
    allocine[1].fail_next(429, times=2)
    assert len(connector(allocine[0]).fetch(DECEMBER).showtimes) == 5


def test_5xx_exhausting_retries_names_the_url(allocine: tuple[str, AllocineApi]) -> None:
    allocine[1].fail_next(500, times=2)
    with pytest.raises(
        ConnectorError, match=r"HTTP 500 from http://127.0.0.1:\d+/api/query/movieShowtimeList\?theater=P0671"
    ):
        connector(allocine[0], attempts=2).fetch(DECEMBER)


def test_a_slow_answer_is_retried_then_timeouts_exhaust(allocine: tuple[str, AllocineApi]) -> None:
    allocine[1].slow_next(0.6)
    assert len(connector(allocine[0], timeout=0.2).fetch(DECEMBER).showtimes) == 5
    allocine[1].slow_next(0.6, times=2)
    with pytest.raises(ConnectorError, match=r"ReadTimeout on GET .*/api/query/movieShowtimeList"):
        connector(allocine[0], timeout=0.2, attempts=2).fetch(DECEMBER)


def test_a_garbage_body_names_the_endpoint(allocine: tuple[str, AllocineApi]) -> None:
    allocine[1].malformed_next()
    with pytest.raises(
        ConnectorError, match=r"not JSON on GET http://127.0.0.1:\d+/api/query/movieShowtimeList"
    ):
        connector(allocine[0]).fetch(DECEMBER)


def test_a_wrong_key_is_refused_and_an_unknown_theater_reported(allocine: tuple[str, AllocineApi]) -> None:
    with pytest.raises(ConnectorError, match=r"refused the api_key \(HTTP 401\)") as caught:
        connector(allocine[0], api_key="wrong-key").fetch(DECEMBER)
    assert "wrong-key" not in str(caught.value)
    with pytest.raises(ConnectorError, match=r"HTTP 404 on GET .*/movieShowtimeList"):
        connector(allocine[0], theater_id="nowhere").fetch(DECEMBER)


def test_a_neutral_programme_served_through_the_stand_in_comes_back(
    allocine: tuple[str, AllocineApi],
) -> None:
    film = FilmRecord(
        "F1",
        "Les Feux de l'été",
        runtime=104,
        visa="160001",
        directors="Agnès Morel",
        release_date=date(2026, 11, 25),
    )
    shows = [
        ShowtimeRecord("S1", "F1", datetime(2026, 12, 9, 19, 0, tzinfo=ZoneInfo("UTC")), version="VO"),
        ShowtimeRecord("S2", "F1", datetime(2026, 12, 10, 14, 0), format="3D", version="VF"),
        ShowtimeRecord("S3", "F1", datetime(2026, 12, 11, 19, 0, tzinfo=PARIS), cancelled=True),
    ]
    allocine[1].add_programme("feux", lambda: Programme([film], shows))
    programme = connector(allocine[0], theater_id="feux").fetch(DECEMBER)
    [got_film] = programme.films
    assert (got_film.title, got_film.runtime, got_film.visa, got_film.directors, got_film.release_date) == (
        "Les Feux de l'été",
        104,
        "160001",
        "Agnès Morel",
        date(2026, 11, 25),
    )
    got = sorted(programme.showtimes, key=lambda s: s.starts_at)
    assert [s.starts_at for s in got] == [
        datetime(2026, 12, 9, 20, 0, tzinfo=PARIS),
        datetime(2026, 12, 10, 14, 0, tzinfo=PARIS),
    ]
    assert [(s.version, s.format) for s in got] == [("ORIGINAL", None), ("LOCAL", "3D")]


def test_runtimes_and_registration() -> None:
    assert (minutes("PT1H55M0S"), minutes("PT0H21M0S"), minutes("PT90M"), minutes("1h30"), minutes(None)) == (
        115,
        21,
        90,
        None,
        None,
    )
    context = ConnectorContext(settings={"api_key": "k", "theater_id": "P1"}, client=httpx.Client())
    assert isinstance(registry.create("allocine", context), AllocineConnector)


def test_real_allocine_payloads(shared_dir: Path) -> None:
    """pass Culture's recorded answers: two theaters' showtime lists and two pages of movieList."""
    vendor = shared_dir / "vendors" / "allocine"
    api = AllocineApi("real-key")
    for theater, name in (
        ("P0001", "connectors_fixtures__MOVIE_SHOWTIME_LIST"),
        ("P0002", "domain_fixtures__ALLOCINE_MOVIE_SHOWTIME_LIST"),
    ):
        api.add_theater(
            theater, json.loads((vendor / f"{name}.json").read_text())["movieShowtimeList"]["edges"]
        )
    for page in ("PAGE_1", "PAGE_2"):
        api.catalogue += json.loads(
            (vendor / f"domain_fixtures__ALLOCINE_MOVIE_LIST_{page}.json").read_text()
        )["movieList"]["edges"]
    api.page_size = 2
    december_2023 = Window(date(2023, 12, 1), date(2023, 12, 31))
    with serve_in_thread(api.app()) as url:
        one = connector(url, api_key="real-key", theater_id="P0001").fetch(december_2023)
        two = connector(url, api_key="real-key", theater_id="P0002").fetch(december_2023)
        api.embed_movies = False
        lean = connector(url, api_key="real-key", theater_id="P0002").fetch(december_2023)
    [milady] = one.films
    assert (milady.title, milady.runtime, milady.visa, milady.directors) == (
        "Les Trois Mousquetaires: Milady",
        115,
        "155097",
        "Martin Bourboulon",
    )
    assert (milady.release_date, milady.production_year, milady.distributor) == (
        date(2023, 12, 13),
        2023,
        "Pathé",
    )
    assert [s.starts_at for s in one.showtimes] == [datetime(2023, 12, 18, 14, 0, tzinfo=PARIS)]
    assert not one.rejected and not two.rejected
    guitry = next(f for f in two.films if f.external_id == "131136")
    assert (guitry.title, guitry.runtime, guitry.release_date) == (
        "Ceux de chez nous",
        21,
        date(1915, 11, 22),
    )
    assert len({s.external_id for s in two.showtimes}) == len(two.showtimes) == 6  # twins numbered
    assert {f.external_id for f in lean.films} == {f.external_id for f in two.films} and not lean.rejected
