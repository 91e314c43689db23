"""Monnaie Services' feed over real HTTP: Lanterne's schema in JSON pages, or the CSV, and faults."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from lanterne.collect.connectors.interface import ConnectorContext, ConnectorError
from lanterne.collect.connectors.monnaie import MonnaieConnector
from lanterne.collect.programme import FilmRecord, Programme, ShowtimeRecord, Window
from lanterne.stand_ins.faults import Faults
from lanterne.stand_ins.monnaie import MonnaieFeeds, create_app, document_of
from lanterne.stand_ins.server import serve_in_thread

FIXTURES = Path(__file__).parent / "fixtures"
PARIS = ZoneInfo("Europe/Paris")
DECEMBER = Window(date(2026, 12, 1), date(2026, 12, 28))


@pytest.fixture(scope="module")
def stand_in() -> Iterator[tuple[str, Faults]]:
    feeds, faults = MonnaieFeeds(page_size=2), Faults(delay=0.5)
    document = json.loads((FIXTURES / "monnaie_programme.json").read_text())
    feeds.add("rex", "jeton-rex", document)
    feeds.add("propre", "jeton-propre", {**document, "showtimes": document["showtimes"][:3]})
    with serve_in_thread(create_app(feeds, faults)) as url:
        yield url, faults


@pytest.fixture
def faults(stand_in: tuple[str, Faults]) -> Faults:
    stand_in[1].queue.clear()
    stand_in[1].requests.clear()
    return stand_in[1]


def connector(url: str, token: str = "jeton-rex", timeout: float = 5.0) -> MonnaieConnector:
    settings = {"feed_url": url, "token": token}
    return MonnaieConnector(ConnectorContext(settings=settings, client=httpx.Client(timeout=timeout)))


def test_every_page_is_read_and_kept_to_the_window(stand_in: tuple[str, Faults], faults: Faults) -> None:
    programme = connector(f"{stand_in[0]}/programme/rex").fetch(DECEMBER)
    assert faults.requests == [
        "GET /programme/rex?from=2026-12-01&to=2026-12-28",
        "GET /programme/rex?page=2",
        "GET /programme/rex?page=3",
    ]
    assert [s.external_id for s in programme.showtimes] == ["S-1", "S-2", "S-3"]  # S-4 is in January
    assert [f.external_id for f in programme.films] == ["F-101", "F-102"]  # F-102 on two pages, kept once


def test_evenement_and_headline_become_an_event(stand_in: tuple[str, Faults], faults: Faults) -> None:
    shows = {s.external_id: s for s in connector(f"{stand_in[0]}/programme/rex").fetch(DECEMBER).showtimes}
    assert (shows["S-1"].is_event, shows["S-1"].event_headline) == (True, "Rencontre avec la réalisatrice")
    assert (shows["S-3"].is_event, shows["S-3"].event_headline) == (True, "Goûter offert")  # vendor's names
    assert shows["S-2"].is_event is False
    assert shows["S-1"].starts_at == datetime(2026, 12, 2, 20, 30, tzinfo=PARIS)  # local time made aware
    assert shows["S-1"].version == "VOST"


def test_bad_records_are_rejected_with_page_position_and_field(
    stand_in: tuple[str, Faults], faults: Faults
) -> None:
    programme = connector(f"{stand_in[0]}/programme/rex").fetch(DECEMBER)
    assert programme.partial is True  # a refused record's séance must not be cancelled
    rejected = programme.rejected
    assert [(r.record, r.field) for r in rejected] == [
        ("page 3, showtimes[0] (id S-5)", "film_id"),
        ("page 3, showtimes[1] (id S-6)", "starts_at"),
    ]


def test_the_csv_feed_gives_the_same_seances(stand_in: tuple[str, Faults], faults: Faults) -> None:
    programme = connector(f"{stand_in[0]}/programme/rex?format=csv").fetch(DECEMBER)
    shows = {s.external_id: s for s in programme.showtimes}
    assert {"S-1", "S-2", "S-3"} <= set(shows)
    assert (shows["S-3"].is_event, shows["S-3"].event_headline) == (True, "Goûter offert")
    assert shows["S-1"].starts_at == datetime(2026, 12, 2, 20, 30, tzinfo=PARIS)


def test_a_clean_feed_is_whole(stand_in: tuple[str, Faults], faults: Faults) -> None:
    programme = connector(f"{stand_in[0]}/programme/propre", token="jeton-propre").fetch(DECEMBER)
    assert (len(programme.showtimes), programme.rejected, programme.partial) == (3, [], False)


def test_a_wrong_token_is_reported(stand_in: tuple[str, Faults], faults: Faults) -> None:
    with pytest.raises(ConnectorError, match="refused the token"):
        connector(f"{stand_in[0]}/programme/rex", token="faux").fetch(DECEMBER)


def test_429_then_success_and_5xx_exhausting(stand_in: tuple[str, Faults], faults: Faults) -> None:
    faults.push("429")
    assert len(connector(f"{stand_in[0]}/programme/rex").fetch(DECEMBER).showtimes) == 3
    faults.push("503", "503", "503")
    with pytest.raises(ConnectorError, match=r"HTTP 503 from .*/programme/rex"):
        connector(f"{stand_in[0]}/programme/rex").fetch(DECEMBER)


def test_timeouts(stand_in: tuple[str, Faults], faults: Faults) -> None:
    faults.push("timeout", "timeout", "timeout")
    with pytest.raises(ConnectorError, match="Timeout on GET"):
        connector(f"{stand_in[0]}/programme/rex", timeout=0.1).fetch(DECEMBER)


def test_garbage_names_the_endpoint(stand_in: tuple[str, Faults], faults: Faults) -> None:
    faults.push("garbage")
    with pytest.raises(ConnectorError, match=r"unreadable Monnaie Services feed on GET http://127\.0\.0\.1"):
        connector(f"{stand_in[0]}/programme/rex").fetch(DECEMBER)


def test_a_neutral_programme_survives_the_round_trip_through_the_feed() -> None:
    films = [FilmRecord("F1", "Les Feux de l'été", directors="Agnès Morel", runtime=104, visa="160123")]
    shows = [
        ShowtimeRecord(
            "S1", "F1", datetime(2026, 12, 2, 20, 30, tzinfo=PARIS), screen="1", version="VOST", is_event=True
        ),
        ShowtimeRecord(
            "S2", "F1", datetime(2026, 12, 3, 13, 0, tzinfo=UTC), screen_capacity=80, cancelled=True
        ),
    ]
    shows[0] = replace(shows[0], event_headline="Ciné-débat", booking_url="https://monnaie.example/r/S1")
    feeds = MonnaieFeeds()
    feeds.add("neutre", "jeton", document_of(Programme(films, shows)))
    with serve_in_thread(create_app(feeds)) as url:
        back = connector(f"{url}/programme/neutre", token="jeton").fetch(DECEMBER)
    assert back.films == films and back.showtimes == shows
