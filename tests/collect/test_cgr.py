"""The CGR connector over real HTTP against the SOAP stand-in: envelopes, conversion, faults."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from lxml import etree

from lanterne.collect.connectors.cgr import CgrConnector, envelope, result_text
from lanterne.collect.connectors.interface import ConnectorContext, ConnectorError
from lanterne.collect.programme import FilmRecord, Programme, ShowtimeRecord, Window
from lanterne.stand_ins.cgr import PATH, CgrCinema, create_app, films_of
from lanterne.stand_ins.faults import Faults
from lanterne.stand_ins.server import serve_in_thread

FIXTURES = Path(__file__).parent / "fixtures"
PARIS = ZoneInfo("Europe/Paris")
DECEMBER = Window(date(2026, 11, 25), date(2026, 12, 22))


@pytest.fixture(scope="module")
def stand_in() -> Iterator[tuple[str, Faults]]:
    cinema, faults = CgrCinema(999), Faults(delay=0.5)
    cinema.films = json.loads((FIXTURES / "cgr_films.json").read_text())
    with serve_in_thread(create_app(cinema, faults)) as url:
        yield url + PATH, faults


@pytest.fixture
def faults(stand_in: tuple[str, Faults]) -> Faults:
    stand_in[1].queue.clear()
    return stand_in[1]


def connector(url: str, timeout: float = 5.0, **settings: object) -> CgrConnector:
    values = {"url": url, "user": "lanterne", "password": "cgr-secret", **settings}
    return CgrConnector(ConnectorContext(settings=values, client=httpx.Client(timeout=timeout)))


def test_films_and_seances_are_converted(stand_in: tuple[str, Faults], faults: Faults) -> None:
    programme = connector(stand_in[0]).fetch(DECEMBER)
    films = {film.external_id: film for film in programme.films}
    assert set(films) == {"310001", "310002"}
    feux = films["310001"]
    assert (feux.visa, feux.allocine_id, feux.runtime) == ("160123", "301123", 104)
    assert (films["310002"].visa, films["310002"].synopsis, films["310002"].poster_url) == (None, None, None)
    by_id = {showtime.external_id: showtime for showtime in programme.showtimes}
    assert set(by_id) == {"500001", "500002", "500010"}
    assert by_id["500001"].starts_at == datetime(2026, 12, 2, 20, 30, tzinfo=PARIS)
    assert (by_id["500001"].version, by_id["500001"].format) == ("VOSTFR", "2D")


def test_an_avant_premiere_is_not_an_event(stand_in: tuple[str, Faults], faults: Faults) -> None:
    by_id = {s.external_id: s for s in connector(stand_in[0]).fetch(DECEMBER).showtimes}
    assert (by_id["500002"].is_event, by_id["500002"].event_headline) == (False, None)
    assert (by_id["500002"].format, by_id["500002"].version) == ("3D", "VF")


def test_bad_records_are_rejected_the_rest_loads(stand_in: tuple[str, Faults], faults: Faults) -> None:
    programme = connector(stand_in[0]).fetch(DECEMBER)
    rejected = {(r.record, r.field) for r in programme.rejected}
    assert rejected == {("séance 500003", "Date"), ("séance ?", "IDSeance"), ("film pas-un-nombre", "IDFilm")}
    assert len(programme.showtimes) == 3


def test_window_excludes_other_dates(stand_in: tuple[str, Faults], faults: Faults) -> None:
    programme = connector(stand_in[0]).fetch(Window(date(2026, 12, 6), date(2026, 12, 6)))
    assert [s.external_id for s in programme.showtimes] == ["500010"]
    assert [f.external_id for f in programme.films] == ["310002"]


def test_wrong_password_is_reported_with_cgr_words(stand_in: tuple[str, Faults], faults: Faults) -> None:
    with pytest.raises(ConnectorError, match="Utilisateur ou mot de passe incorrect"):
        connector(stand_in[0], password="nope").fetch(DECEMBER)


def test_429_then_success(stand_in: tuple[str, Faults], faults: Faults) -> None:
    faults.push("429")
    assert len(connector(stand_in[0]).fetch(DECEMBER).showtimes) == 3


def test_5xx_exhausting_retries(stand_in: tuple[str, Faults], faults: Faults) -> None:
    faults.push("503", "500", "500")
    with pytest.raises(ConnectorError, match=r"HTTP 500 from .*GestionCinemaWS\.awws after 3 attempts"):
        connector(stand_in[0]).fetch(DECEMBER)


def test_timeouts(stand_in: tuple[str, Faults], faults: Faults) -> None:
    faults.push("timeout", "timeout", "timeout")
    with pytest.raises(ConnectorError, match="Timeout on POST"):
        connector(stand_in[0], timeout=0.1).fetch(DECEMBER)


def test_garbage_body_names_the_endpoint(stand_in: tuple[str, Faults], faults: Faults) -> None:
    faults.push("garbage")
    with pytest.raises(ConnectorError, match=r"on POST http://127\.0\.0\.1:\d+/GESTION.* no GetSeances"):
        connector(stand_in[0]).fetch(DECEMBER)
    with pytest.raises(ConnectorError, match="no SOAP envelope on POST http://cgr"):
        result_text(b'{"not": "xml"', "http://cgr")


def test_a_soap_fault_is_reported() -> None:
    body = b"""<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>
    <SOAP-ENV:Fault><faultcode>SOAP-ENV:Server</faultcode><faultstring>Base indisponible</faultstring>
    </SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>"""
    with pytest.raises(ConnectorError, match="SOAP fault on POST http://cgr: Base indisponible"):
        result_text(body, "http://cgr")


def test_the_request_follows_the_wsdl(shared_dir: Path) -> None:
    wsdl = etree.parse(str(shared_dir / "vendors" / "cgr" / "soap_definitions__WEB_SERVICE_DEFINITION.wsdl"))
    xsd = "{http://www.w3.org/2001/XMLSchema}"
    declared = wsdl.find(f".//{xsd}complexType[@name='tGetSeancesPassCulture']")
    assert declared is not None
    expected = [element.get("name") for element in declared.iter(f"{xsd}element")]
    call = etree.fromstring(envelope("u", "p"))[0][0]
    assert call.tag == "{urn:GestionCinemaWS}GetSeancesPassCulture"
    assert [child.tag for child in call] == expected


def test_real_cgr_payloads(shared_dir: Path) -> None:
    vendor = shared_dir / "vendors" / "cgr"
    example = (vendor / "GetSeancesPassCultureResponse.example.xml").read_bytes()
    assert json.loads(result_text(example, "example"))["ObjetRetour"]["NumCine"] == 999
    cinema = CgrCinema(999)
    for name in ("FILM_138473", "FILM_234099_WITH_THREE_SEANCES"):
        cinema.films.append(json.loads((vendor / f"etls_cgr_fixtures__{name}.json").read_text()))
    with serve_in_thread(create_app(cinema)) as url:
        programme = connector(url + PATH).fetch(Window(date(2023, 1, 1), date(2023, 3, 31)))
    assert {f.title for f in programme.films} == {"Venom", "Super Mario Bros, Le Film"}
    venom = next(s for s in programme.showtimes if s.external_id == "177182")
    assert venom.starts_at == datetime(2023, 1, 29, 14, 0, tzinfo=PARIS)
    assert (venom.version, venom.format) == ("VF", "2D")
    assert len(programme.showtimes) == 4 and not programme.rejected


def test_a_neutral_programme_survives_the_round_trip_through_cgr() -> None:
    films = [FilmRecord("77", "Les Feux de l'été", runtime=104, visa="160123", allocine_id="301123")]
    shows = [
        ShowtimeRecord("901", "77", datetime(2026, 12, 2, 20, 30, tzinfo=PARIS), version="VOST", format="2D"),
        ShowtimeRecord("902", "77", datetime(2026, 12, 3, 13, 0, tzinfo=UTC), version="VF", format="3D"),
    ]
    cinema = CgrCinema(12)
    cinema.films = films_of(Programme(films, shows))
    with serve_in_thread(create_app(cinema)) as url:
        back = connector(url + PATH).fetch(DECEMBER)
    assert [(f.external_id, f.title, f.runtime, f.visa, f.allocine_id) for f in back.films] == [
        ("77", "Les Feux de l'été", 104, "160123", "301123")
    ]
    assert [(s.external_id, s.starts_at, s.version, s.format) for s in back.showtimes] == [
        ("901", shows[0].starts_at, "VOST", "2D"),
        ("902", shows[1].starts_at, "VF", "3D"),
    ]
