"""The Boost connector over real HTTP against the stand-in: login, paging, expired tokens, faults."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from lanterne.collect.connectors import registry
from lanterne.collect.connectors.boost import BoostConnector
from lanterne.collect.connectors.interface import ConnectorContext, ConnectorError
from lanterne.collect.programme import FilmRecord, Programme, ShowtimeRecord, Window
from lanterne.stand_ins.boost import BoostBoxOffice
from lanterne.stand_ins.faults import Faults
from lanterne.stand_ins.server import serve_in_thread

FIXTURES = Path(__file__).parent / "fixtures"
PARIS = ZoneInfo("Europe/Paris")
CET = timezone(timedelta(hours=1))
DECEMBER = Window(date(2026, 12, 1), date(2026, 12, 28))


@pytest.fixture(scope="module")
def stand_in() -> Iterator[tuple[str, BoostBoxOffice]]:
    box_office = BoostBoxOffice(Faults(delay=0.6))
    box_office.add_cinema(
        "vigo", "lanterne", "b00st", json.loads((FIXTURES / "boost_showtimes.json").read_text())
    )
    with serve_in_thread(box_office.app()) as url:
        yield url, box_office


@pytest.fixture
def boost(stand_in: tuple[str, BoostBoxOffice]) -> Iterator[tuple[str, BoostBoxOffice]]:
    box_office = stand_in[1]
    box_office.faults.queue.clear()
    box_office.faults.requests.clear()
    box_office.logins, box_office.accept_tokens, box_office.embed_films = 0, True, True
    yield stand_in


def connector(url: str, timeout: float = 5.0, **settings: Any) -> BoostConnector:
    values = {"api_url": f"{url}/vigo/", "username": "lanterne", "password": "b00st", **settings}
    return BoostConnector(ConnectorContext(settings=values, client=httpx.Client(timeout=timeout)))


def test_showtimes_and_their_films_are_converted(boost: tuple[str, BoostBoxOffice]) -> None:
    programme = connector(boost[0]).fetch(DECEMBER)
    shows = {s.external_id: s for s in programme.showtimes}
    assert set(shows) == {"40001", "40002", "40003", "40004", "40005"}
    first = shows["40001"]
    assert (first.starts_at, first.ends_at) == (
        datetime(2026, 12, 2, 20, 30, tzinfo=CET),
        datetime(2026, 12, 2, 23, 1, tzinfo=CET),
    )
    assert (first.film_external_id, first.version, first.format) == ("301", "VO", "2D")
    assert (first.screen, first.screen_capacity, first.audio_description) == (
        "SALLE 1 - JEAN VIGO",
        142,
        True,
    )
    assert (shows["40002"].format, shows["40002"].deaf_subtitles, shows["40002"].audio_description) == (
        "3D",
        True,
        False,
    )
    assert shows["40003"].starts_at == datetime(2026, 12, 5, 0, 15, tzinfo=PARIS)  # UTC offset kept
    films = {f.external_id: f for f in programme.films}
    anatomy = films["301"]
    assert (anatomy.title, anatomy.runtime, anatomy.visa, anatomy.allocine_id) == (
        "ANATOMIE D'UNE CHUTE",
        151,
        "158914",
        "301253",
    )
    assert films["302"].title == "LE RÃˆGNE ANIMAL"  # double encoding is clean.py's to repair


def test_a_bad_showtime_is_rejected_and_the_rest_loads(boost: tuple[str, BoostBoxOffice]) -> None:
    programme = connector(boost[0]).fetch(DECEMBER)
    assert [(r.record, r.field) for r in programme.rejected] == [("showtime 40007", "showDate")]
    assert len(programme.showtimes) == 5


def test_all_pages_are_followed(boost: tuple[str, BoostBoxOffice]) -> None:
    programme = connector(boost[0], per_page=2).fetch(DECEMBER)
    assert len(programme.showtimes) == 5
    pages = [r for r in boost[1].faults.requests if "/showtimes/between/2026-12-01/2026-12-29" in r]
    assert [p.split("?", 1)[1] for p in pages] == [f"page={n}&per_page=2" for n in (1, 2, 3)]


def test_the_token_is_kept_then_renewed_once_when_it_expired(boost: tuple[str, BoostBoxOffice]) -> None:
    one = connector(boost[0])
    one.fetch(DECEMBER)
    one.fetch(DECEMBER)
    assert boost[1].logins == 1
    boost[1].expire_tokens()
    assert len(one.fetch(DECEMBER).showtimes) == 5
    assert boost[1].logins == 2


def test_a_token_refused_even_fresh_is_an_error(boost: tuple[str, BoostBoxOffice]) -> None:
    boost[1].accept_tokens = False
    with pytest.raises(
        ConnectorError, match=r"refused a fresh token \(HTTP 401\) on GET .*/vigo/api/showtimes"
    ):
        connector(boost[0]).fetch(DECEMBER)
    assert boost[1].logins == 2


def test_wrong_credentials_are_reported(boost: tuple[str, BoostBoxOffice]) -> None:
    with pytest.raises(ConnectorError, match=r"login refused \(HTTP 400\) .*Wrong password!") as caught:
        connector(boost[0], password="wrong-pass").fetch(DECEMBER)
    assert "wrong-pass" not in str(caught.value)


def test_a_film_the_showtimes_only_name_is_fetched_from_its_details(
    boost: tuple[str, BoostBoxOffice],
) -> None:
    boost[1].embed_films = False
    programme = connector(boost[0]).fetch(DECEMBER)
    assert {f.title for f in programme.films} == {"ANATOMIE D'UNE CHUTE", "LE RÃˆGNE ANIMAL"}
    assert sum("/vigo/api/films/" in r for r in boost[1].faults.requests) == 2  # once per film


def test_429_then_success(boost: tuple[str, BoostBoxOffice]) -> None:
    boost[1].fail_next(429, times=2)
    assert len(connector(boost[0]).fetch(DECEMBER).showtimes) == 5


def test_5xx_exhausting_retries_names_the_url(boost: tuple[str, BoostBoxOffice]) -> None:
    one = connector(boost[0], attempts=2)
    one.fetch(DECEMBER)
    boost[1].fail_next(503, times=2)
    with pytest.raises(
        ConnectorError, match=r"HTTP 503 from http://127.0.0.1:\d+/vigo/api/showtimes/between/"
    ):
        one.fetch(DECEMBER)


def test_a_slow_answer_is_retried_then_timeouts_exhaust(boost: tuple[str, BoostBoxOffice]) -> None:
    boost[1].slow_next(0.6)
    assert len(connector(boost[0], timeout=0.2).fetch(DECEMBER).showtimes) == 5
    boost[1].slow_next(0.6, times=2)
    with pytest.raises(ConnectorError, match=r"ReadTimeout on POST .*/vigo/api/vendors/login"):
        connector(boost[0], timeout=0.2, attempts=2).fetch(DECEMBER)


def test_a_garbage_page_names_the_endpoint(boost: tuple[str, BoostBoxOffice]) -> None:
    one = connector(boost[0])
    one.fetch(DECEMBER)
    boost[1].malformed_next()
    with pytest.raises(
        ConnectorError, match=r"not JSON on GET .*/vigo/api/showtimes/between/2026-12-01/2026-12-29"
    ):
        one.fetch(DECEMBER)


def test_a_neutral_programme_served_through_the_stand_in_comes_back(
    boost: tuple[str, BoostBoxOffice],
) -> None:
    film = FilmRecord("F1", "Les Feux de l'été", runtime=104, visa="160001", allocine_id="301123")
    shows = [
        ShowtimeRecord(
            "S1",
            "F1",
            datetime(2026, 12, 9, 20, 0, tzinfo=PARIS),
            screen="Salle 2",
            version="VO",
            screen_capacity=90,
        ),
        ShowtimeRecord(
            "S2", "F1", datetime(2026, 12, 10, 14, 0), format="3D", version="VF", deaf_subtitles=True
        ),
        ShowtimeRecord("S3", "F1", datetime(2026, 12, 11, 19, 0, tzinfo=PARIS), cancelled=True),
    ]
    boost[1].add_programme("feux", "u", "p", lambda: Programme([film], shows))
    programme = connector(boost[0], api_url=f"{boost[0]}/feux", username="u", password="p").fetch(DECEMBER)
    assert [(f.title, f.runtime, f.visa, f.allocine_id) for f in programme.films] == [
        ("Les Feux de l'été", 104, "160001", "301123")
    ]
    got = sorted(programme.showtimes, key=lambda s: s.starts_at)
    assert [s.starts_at for s in got] == [
        datetime(2026, 12, 9, 20, 0, tzinfo=PARIS),
        datetime(2026, 12, 10, 14, 0, tzinfo=PARIS),
    ]
    assert [(s.version, s.format, s.screen, s.screen_capacity, s.deaf_subtitles) for s in got] == [
        ("VO", "2D", "Salle 2", 90, False),
        ("VF", "3D", "1", 100, True),
    ]


def test_registration() -> None:
    context = ConnectorContext(
        settings={"api_url": "https://x", "username": "u", "password": "p"}, client=httpx.Client()
    )
    assert isinstance(registry.create("boost", context), BoostConnector)


def test_real_boost_payloads(shared_dir: Path) -> None:
    """pass Culture's recorded Boost pages: 2022-11 séances with embedded films, and 2023-09 ones."""
    vendor = shared_dir / "vendors" / "boost"
    pages = ["PAGE_1_JSON_DATA", "PAGE_2_JSON_DATA"]
    data = [
        s
        for p in pages
        for s in json.loads((vendor / f"boost_fixtures__ShowtimesEndpointResponse.{p}.json").read_text())[
            "data"
        ]
    ]
    mocks = json.loads((vendor / "test_boost_client__http_mocks.json").read_text())
    data += [s for m in mocks if "showtimes/between" in str(m.get("url")) for s in m["json"]["data"]]
    box_office = BoostBoxOffice()
    box_office.add_cinema("cinema-0", "vendor", "secret", data)
    with serve_in_thread(box_office.app()) as url:
        settings = {"api_url": f"{url}/cinema-0", "username": "vendor", "password": "secret", "per_page": 2}
        november = connector(url, **settings).fetch(Window(date(2022, 11, 28), date(2022, 11, 28)))
        september = connector(url, **settings).fetch(Window(date(2023, 9, 26), date(2023, 9, 26)))
    shows = {s.external_id: s for s in november.showtimes}
    assert set(shows) == {"36683", "36848", "36932"}
    wakanda = shows["36683"]
    assert (wakanda.starts_at, wakanda.ends_at) == (
        datetime(2022, 11, 28, 9, 0, tzinfo=CET),
        datetime(2022, 11, 28, 11, 52, tzinfo=CET),
    )
    assert (wakanda.screen, wakanda.screen_capacity, wakanda.version, wakanda.format) == (
        "SALLE CINEMAX",
        136,
        "VF",
        "2D",
    )
    films = {f.external_id: f for f in november.films}
    assert (films["207"].title, films["207"].visa, films["207"].runtime, films["207"].allocine_id) == (
        "BLACK PANTHER : WAKANDA FOREVER",
        "158026",
        162,
        "263242",
    )
    assert {s.version for s in september.showtimes} == {"VO", "VF"} and not september.rejected


def test_seances_of_a_film_boost_cannot_name_are_rejected(boost: tuple[str, BoostBoxOffice]) -> None:
    shows = json.loads((FIXTURES / "boost_showtimes.json").read_text())[:2]
    shows[1] = {**shows[1], "film": {"id": 999}}
    boost[1].add_cinema("nameless", "u", "p", shows)
    programme = connector(boost[0], api_url=f"{boost[0]}/nameless", username="u", password="p").fetch(
        DECEMBER
    )
    assert [s.external_id for s in programme.showtimes] == ["40001"]
    assert [(r.record, r.field) for r in programme.rejected] == [("showtime 40002", "film")]
    assert [f.external_id for f in programme.films] == ["301"]
