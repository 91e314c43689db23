"""The EMS connector over real HTTP against the stand-in feed: versions, sites, faults."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import Engine, select

from lanterne.catalog.models import Cinema
from lanterne.collect.connectors.ems import EmsConnector
from lanterne.collect.connectors.interface import ConnectorContext, ConnectorError
from lanterne.collect.programme import FilmRecord, Programme, ShowtimeRecord, Window
from lanterne.collect.sync import SyncResult, apply_programme
from lanterne.db import transaction
from lanterne.stand_ins.ems import EmsFeed, create_app, site_of
from lanterne.stand_ins.faults import Faults
from lanterne.stand_ins.server import serve_in_thread

FIXTURES = Path(__file__).parent / "fixtures"
PARIS = ZoneInfo("Europe/Paris")
DECEMBER = Window(date(2026, 12, 1), date(2026, 12, 28))
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def stand_in() -> Iterator[tuple[str, EmsFeed, Faults]]:
    feed, faults = EmsFeed(), Faults(delay=0.5)
    feed.publish(0, json.loads((FIXTURES / "ems_version_0.json").read_text()))
    feed.publish(86400, json.loads((FIXTURES / "ems_version_86400.json").read_text()))
    with serve_in_thread(create_app(feed, faults)) as url:
        yield url, feed, faults


@pytest.fixture
def feed_url(stand_in: tuple[str, EmsFeed, Faults]) -> Iterator[str]:
    stand_in[2].queue.clear()
    stand_in[2].requests.clear()
    yield stand_in[0]


def connector(url: str, timeout: float = 5.0, **settings: object) -> EmsConnector:
    values = {"feed_url": url, "site_id": "0412", "username": "lanterne", "password": "ems-secret"}
    values.update(settings)
    return EmsConnector(ConnectorContext(settings=values, client=httpx.Client(timeout=timeout)))


def test_first_read_is_the_whole_schedule_of_one_site(feed_url: str) -> None:
    programme = connector(feed_url).fetch(DECEMBER)
    assert programme.cursor == "86400" and programme.partial is False
    assert {film.external_id for film in programme.films} == {"KQP7A", "ZZT01"}  # not the other site's
    by_id = {showtime.external_id: showtime for showtime in programme.showtimes}
    assert set(by_id) == {"041200000101", "041200000102", "041200000201"}  # January is out of the window
    first = by_id["041200000101"]
    assert first.starts_at == datetime(2026, 12, 2, 20, 30, tzinfo=PARIS)
    assert first.starts_at.utcoffset() is not None
    assert (first.version, first.screen, first.format) == ("VOST", "Salle 1", "2D")
    assert (by_id["041200000102"].version, by_id["041200000102"].format) == ("VF", "3D")
    assert by_id["041200000201"].audio_description is True


def test_film_fields_are_converted_and_empty_strings_dropped(feed_url: str) -> None:
    films = {film.external_id: film for film in connector(feed_url).fetch(DECEMBER).films}
    feux = films["KQP7A"]
    assert (feux.title, feux.directors, feux.runtime) == ("Les Feux de l'été", "Agnès Morel", 104)
    assert (feux.release_date, feux.allocine_id) == (date(2026, 11, 25), "301123")
    loups = films["ZZT01"]
    assert (loups.allocine_id, loups.release_date, loups.poster_url, loups.synopsis) == (None,) * 4


def test_next_read_asks_from_the_stored_version_and_is_partial(
    feed_url: str, stand_in: tuple[str, EmsFeed, Faults]
) -> None:
    programme = connector(feed_url, cursor="86400").fetch(DECEMBER)
    assert stand_in[2].requests == ["GET /86400"]
    assert programme.cursor == "172800" and programme.partial is True
    assert [showtime.external_id for showtime in programme.showtimes] == ["041200000104"]


def test_bad_records_are_rejected_with_their_id_and_field(feed_url: str) -> None:
    rejected = connector(feed_url, cursor="86400").fetch(DECEMBER).rejected
    reasons = {(r.record, r.field) for r in rejected}
    assert reasons == {("session 041200000105", "date"), ("event NOTTL", "title")}


def test_a_version_without_news_gives_an_empty_delta(feed_url: str) -> None:
    programme = connector(feed_url, cursor="172800").fetch(DECEMBER)
    assert (programme.showtimes, programme.cursor, programme.partial) == ([], "172800", True)


def test_429_then_success(feed_url: str, stand_in: tuple[str, EmsFeed, Faults]) -> None:
    stand_in[2].push("429", "503")
    assert len(connector(feed_url).fetch(DECEMBER).showtimes) == 3
    assert len(stand_in[2].requests) == 3


def test_5xx_exhausting_retries_names_the_endpoint(
    feed_url: str, stand_in: tuple[str, EmsFeed, Faults]
) -> None:
    stand_in[2].push("500", "500", "500")
    with pytest.raises(ConnectorError, match=r"HTTP 500 from .*/0 after 3 attempts"):
        connector(feed_url).fetch(DECEMBER)


def test_timeouts_exhaust_retries(feed_url: str, stand_in: tuple[str, EmsFeed, Faults]) -> None:
    stand_in[2].push("timeout", "timeout", "timeout")
    with pytest.raises(ConnectorError, match="Timeout"):
        connector(feed_url, timeout=0.1).fetch(DECEMBER)


def test_garbage_body_names_the_endpoint(feed_url: str, stand_in: tuple[str, EmsFeed, Faults]) -> None:
    stand_in[2].push("garbage")
    with pytest.raises(ConnectorError, match=r"unreadable schedule on GET http://127.0.0.1:\d+/0"):
        connector(feed_url).fetch(DECEMBER)


def test_wrong_credentials_are_reported(feed_url: str) -> None:
    with pytest.raises(ConnectorError, match="refused the credentials"):
        connector(feed_url, password="wrong").fetch(DECEMBER)


def test_real_ems_payloads(shared_dir: Path) -> None:
    vendor = shared_dir / "vendors" / "ems"
    feed = EmsFeed()
    feed.publish(0, json.loads((vendor / "etls_ems_fixtures__DATA_VERSION_0.json").read_text()))
    feed.publish(86400, json.loads((vendor / "etls_ems_fixtures__DATA_VERSION_86400.json").read_text()))
    july = Window(date(2023, 7, 1), date(2023, 8, 31))
    with serve_in_thread(create_app(feed)) as url:
        first = connector(url, site_id="9997").fetch(july)
        delta = connector(url, site_id="0063", cursor=first.cursor).fetch(july)
    assert {film.title for film in first.films} >= {"Spider-Man : Across the Spider-Verse"}
    assert len(first.showtimes) == 3 and not first.rejected
    spider = next(s for s in first.showtimes if s.external_id == "999700079243")
    assert spider.starts_at == datetime(2023, 7, 11, 10, 0, tzinfo=PARIS)
    assert (spider.version, spider.format, spider.screen) == ("VF", "3D", "Salle 5")
    assert [s.version for s in delta.showtimes] == ["VOST"] and delta.cursor == "172800"


def test_the_sync_engine_keeps_the_version_and_cancels_nothing_from_a_delta(
    engine: Engine, feed_url: str, stand_in: tuple[str, EmsFeed, Faults]
) -> None:
    settings = {"feed_url": feed_url, "site_id": "0412", "username": "lanterne", "password": "ems-secret"}
    with transaction(engine) as session:
        rex = Cinema(
            id=5000412, cnc_region=5, cnc_number=412, name="Le Rex", department="05", connector="ems"
        )
        rex.connector_settings = settings
        session.add(rex)

    def sync() -> SyncResult:
        with engine.connect() as connection:
            stored = connection.execute(
                select(Cinema.connector_settings).where(Cinema.id == 5000412)
            ).scalar()
        programme = connector(feed_url, **stored).fetch(DECEMBER)
        return apply_programme(
            engine, 5000412, "ems", programme, now=NOW, window=DECEMBER, zone="Europe/Paris"
        )

    first = sync()
    assert (first.inserted, first.cancelled, first.error) == (3, 0, None)
    second = sync()
    assert stand_in[2].requests[-1] == "GET /86400"
    assert (second.inserted, second.cancelled) == (1, 0)  # the delta's séance added, the others kept
    with engine.connect() as connection:
        stored = connection.execute(select(Cinema.connector_settings).where(Cinema.id == 5000412)).scalar()
    assert stored["cursor"] == "172800"


def test_a_neutral_programme_survives_the_round_trip_through_ems() -> None:
    films = [
        FilmRecord("F1", "Les Feux de l'été", directors="Agnès Morel", runtime=104, allocine_id="301123")
    ]
    shows = [
        ShowtimeRecord("S1", "F1", datetime(2026, 12, 2, 20, 30, tzinfo=PARIS), screen="1", version="VOST"),
        ShowtimeRecord("S2", "F1", datetime(2026, 12, 3, 13, 0, tzinfo=UTC), version="VF", format="3D"),
    ]
    feed = EmsFeed()
    feed.publish(0, {"sites": [site_of("0412", "Le Rex", Programme(films, shows))], "version": 1})
    with serve_in_thread(create_app(feed)) as url:
        back = connector(url).fetch(DECEMBER)
    assert [(f.external_id, f.title, f.runtime, f.allocine_id) for f in back.films] == [
        ("F1", "Les Feux de l'été", 104, "301123")
    ]
    assert [(s.external_id, s.starts_at, s.version, s.format) for s in back.showtimes] == [
        ("S1", shows[0].starts_at, "VOST", "2D"),
        ("S2", shows[1].starts_at, "VF", "3D"),
    ]
