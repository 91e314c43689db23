"""The Ciné Office (CDS) connector over real HTTP against the stand-in: shapes, events, faults."""

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
from lanterne.collect.connectors.cds import CdsConnector, base_url
from lanterne.collect.connectors.interface import ConnectorContext, ConnectorError
from lanterne.collect.programme import FilmRecord, Programme, ShowtimeRecord, Window
from lanterne.stand_ins.cds import CdsBoxOffice
from lanterne.stand_ins.faults import Faults
from lanterne.stand_ins.server import serve_in_thread

FIXTURES = Path(__file__).parent / "fixtures"
PARIS = ZoneInfo("Europe/Paris")
DECEMBER = Window(date(2026, 12, 1), date(2026, 12, 28))
TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def stand_in() -> Iterator[tuple[str, CdsBoxOffice]]:
    box_office = CdsBoxOffice(Faults(delay=0.6))
    box_office.add_account("lumiere", TOKEN, json.loads((FIXTURES / "cds_account.json").read_text()))
    with serve_in_thread(box_office.app()) as url:
        yield url, box_office


@pytest.fixture
def cds(stand_in: tuple[str, CdsBoxOffice]) -> Iterator[tuple[str, CdsBoxOffice]]:
    stand_in[1].faults.queue.clear()
    stand_in[1].faults.requests.clear()
    yield stand_in


def connector(url: str, timeout: float = 5.0, **settings: Any) -> CdsConnector:
    values = {"account_id": "lumiere", "api_url": f"{url}/{{account_id}}", "api_token": TOKEN}
    values |= {"cinema_id": "cine-lumiere", **settings}
    return CdsConnector(ConnectorContext(settings=values, client=httpx.Client(timeout=timeout)))


def test_shows_become_showtimes_with_version_format_and_screen(cds: tuple[str, CdsBoxOffice]) -> None:
    programme = connector(cds[0]).fetch(DECEMBER)
    shows = {s.external_id: s for s in programme.showtimes}
    assert set(shows) == {"9001", "9002", "9003"}  # deleted, out of window and unusable shows are not
    debate = shows["9001"]
    assert debate.starts_at == datetime(2026, 12, 2, 20, 30, tzinfo=PARIS)
    assert (debate.film_external_id, debate.version, debate.format, debate.screen) == (
        "501",
        "VOST",
        None,
        "Salle Méliès",
    )
    assert (shows["9002"].version, shows["9002"].format, shows["9002"].screen) == ("VF", "3D", "2")
    assert shows["9002"].cancelled is True and shows["9001"].cancelled is False
    assert shows["9003"].starts_at == datetime(2026, 12, 5, 0, 30, tzinfo=PARIS)  # 23:30 UTC, in the window


def test_event_option_makes_an_event_showtime_with_its_headline(cds: tuple[str, CdsBoxOffice]) -> None:
    shows = {s.external_id: s for s in connector(cds[0]).fetch(DECEMBER).showtimes}
    assert (shows["9001"].is_event, shows["9001"].event_headline) == (True, "Ciné-débat avec la réalisatrice")
    assert (shows["9002"].is_event, shows["9002"].event_headline) == (True, None)  # ticked, no headline
    assert shows["9003"].is_event is False


def test_media_become_films_in_minutes_and_odd_text_is_left_to_clean(cds: tuple[str, CdsBoxOffice]) -> None:
    films = {f.external_id: f for f in connector(cds[0]).fetch(DECEMBER).films}
    assert set(films) == {"501", "502"}  # media 503 has no séance in the window
    anatomy = films["501"]
    assert (anatomy.runtime, anatomy.visa, anatomy.poster_url) == (
        151,
        "158914",
        "https://example.com/anatomie.jpg",
    )
    assert (films["502"].title, films["502"].synopsis, films["502"].visa) == (
        "Le RÃ¨gne animal",
        "null",
        "159286",
    )


def test_unusable_records_are_rejected_with_their_field_and_the_rest_loads(
    cds: tuple[str, CdsBoxOffice],
) -> None:
    rejected = {(r.record, r.field) for r in connector(cds[0]).fetch(DECEMBER).rejected}
    assert rejected == {
        ("media 504", "title"),
        ("show 9006", "showtime"),
        ("show 9007", "mediaid"),
        ("show 9008", "mediaid"),
        ("show ?", None),
    }


def test_a_neutral_programme_served_through_the_stand_in_comes_back(cds: tuple[str, CdsBoxOffice]) -> None:
    film = FilmRecord("F1", "Les Feux de l'été", runtime=104, visa="160001", synopsis="Un été brûlant.")
    shows = [
        ShowtimeRecord(
            "S1", "F1", datetime(2026, 12, 9, 20, 0, tzinfo=PARIS), screen="Salle 2", version="VO"
        ),
        ShowtimeRecord(
            "S2", "F1", datetime(2026, 12, 10, 14, 0), screen="Salle 1", format="3D", version="VF"
        ),
        ShowtimeRecord(
            "S3", "F1", datetime(2026, 12, 11, 19, 0, tzinfo=PARIS), is_event=True, event_headline="Rencontre"
        ),
    ]
    cds[1].add_programme("generated", "tok-2", "cine-2", lambda: Programme([film], shows))
    programme = connector(cds[0], account_id="generated", api_token="tok-2", cinema_id="cine-2").fetch(
        DECEMBER
    )
    assert [(f.title, f.runtime, f.visa) for f in programme.films] == [("Les Feux de l'été", 104, "160001")]
    got = sorted(programme.showtimes, key=lambda s: s.starts_at)
    assert [s.starts_at for s in got] == [s.starts_at.replace(tzinfo=PARIS) for s in shows]
    assert [(s.version, s.format, s.screen) for s in got] == [
        ("VO", None, "Salle 2"),
        ("VF", "3D", "Salle 1"),
        (None, None, "1"),
    ]
    assert (got[2].is_event, got[2].event_headline) == (True, "Rencontre")
    assert len({s.external_id for s in got}) == 3 and not programme.rejected


def test_429_then_success(cds: tuple[str, CdsBoxOffice]) -> None:
    cds[1].fail_next(429, times=2)
    assert len(connector(cds[0]).fetch(DECEMBER).showtimes) == 3
    assert len(cds[1].faults.requests) == 5 + 2


def test_5xx_exhausting_retries_names_the_url_but_not_the_token(cds: tuple[str, CdsBoxOffice]) -> None:
    cds[1].fail_next(500, times=2)
    with pytest.raises(
        ConnectorError, match=r"CDS cinemas: HTTP 500 from http://127.0.0.1:\d+/lumiere/cinemas"
    ) as caught:
        connector(cds[0], attempts=2).fetch(DECEMBER)
    assert TOKEN not in str(caught.value) and "api_token=***" in str(caught.value)


def test_a_slow_answer_is_retried_then_timeouts_exhaust(cds: tuple[str, CdsBoxOffice]) -> None:
    cds[1].slow_next(0.6)
    assert len(connector(cds[0], timeout=0.2).fetch(DECEMBER).showtimes) == 3
    cds[1].slow_next(0.6, times=2)
    with pytest.raises(ConnectorError, match=r"ReadTimeout on GET .*/lumiere/cinemas"):
        connector(cds[0], timeout=0.2, attempts=2).fetch(DECEMBER)


def test_a_garbage_body_names_the_endpoint(cds: tuple[str, CdsBoxOffice]) -> None:
    cds[1].malformed_next()
    with pytest.raises(ConnectorError, match=r"not JSON on GET http://127.0.0.1:\d+/lumiere/cinemas"):
        connector(cds[0]).fetch(DECEMBER)


def test_a_body_of_the_wrong_shape_names_the_endpoint(cds: tuple[str, CdsBoxOffice]) -> None:
    cds[1].add_account("odd", "tok", {"cinemas": [{"id": "c"}], "shows": {"error": "maintenance"}})  # type: ignore[dict-item]
    with pytest.raises(ConnectorError, match=r"a dict, not a list, on GET .*/odd/shows"):
        connector(cds[0], account_id="odd", api_token="tok", cinema_id="c").fetch(DECEMBER)


def test_a_wrong_token_is_refused_and_not_echoed(cds: tuple[str, CdsBoxOffice]) -> None:
    with pytest.raises(ConnectorError, match=r"refused the api_token \(HTTP 401\)") as caught:
        connector(cds[0], api_token="wrong-token").fetch(DECEMBER)
    assert "wrong-token" not in str(caught.value)


def test_a_cinema_the_account_does_not_hold_is_an_error(cds: tuple[str, CdsBoxOffice]) -> None:
    with pytest.raises(ConnectorError, match="has no cinema 'elsewhere'"):
        connector(cds[0], cinema_id="elsewhere").fetch(DECEMBER)


def test_account_urls_and_registration() -> None:
    assert base_url("cine.office.fr/api", "balzac") == "https://balzac.cine.office.fr/api/"
    assert base_url("http://127.0.0.1:9/{account_id}", "balzac") == "http://127.0.0.1:9/balzac/"
    context = ConnectorContext(
        settings={"account_id": "a", "api_url": "x.fr", "api_token": "t", "cinema_id": "c"},
        client=httpx.Client(),
    )
    assert isinstance(registry.create("cds", context), CdsConnector)


def vendor_json(shared_dir: Path, name: str) -> Any:
    return json.loads((shared_dir / "vendors" / "cds" / name).read_text())


def test_real_cds_payloads(shared_dir: Path) -> None:
    """pass Culture's recorded CDS answers: `is_cancelled`-style shows, media in seconds, options."""
    box_office = CdsBoxOffice()
    names = {
        "cinemas": "etls_cds_fixtures__CINEMAS_RESPONSE_JSON.json",
        "shows": "etls_cds_fixtures__MANY_SHOWS_RESPONSE_JSON.json",
        "media": "etls_cds_fixtures__MEDIA_RESPONSE_JSON.json",
        "mediaoptions": "etls_cds_fixtures__MEDIA_OPTIONS_RESPONSE_JSON.json",
    }
    box_office.add_account(
        "accountid_test", "token_test", {k: vendor_json(shared_dir, v) for k, v in names.items()}
    )
    with serve_in_thread(box_office.app()) as url:
        settings = {
            "account_id": "accountid_test",
            "api_token": "token_test",
            "cinema_id": "venue_id_at_provider",
        }
        programme = connector(url, **settings).fetch(Window(date(2022, 3, 1), date(2022, 3, 31)))
    shows = {s.external_id: s for s in programme.showtimes}
    assert shows["1"].starts_at == datetime(2022, 3, 28, 12, 0, tzinfo=PARIS)
    assert [(shows[i].film_external_id, shows[i].version, shows[i].format) for i in "123"] == [
        ("1", "VF", None),
        ("1", "VF", "3D"),
        ("2", "VO", None),
    ]
    films = {f.external_id: f for f in programme.films}
    assert [(films[i].title, films[i].runtime, films[i].visa) for i in "12"] == [
        ("Test movie #1", 120, "123"),
        ("Test movie #2", 90, "456"),
    ]
    assert not programme.rejected


def test_real_cds_show_and_option_shapes(shared_dir: Path) -> None:
    """The box-office shapes (`canceled`, `remainingplace`, full media options, `visa` on media)."""
    payloads = {
        "cinemas": [
            vendor_json(shared_dir, "cds_fixtures__CINEMA_WITH_INTERNET_SALE_GAUGE_ACTIVE_TRUE.json")
        ],
        "shows": [vendor_json(shared_dir, f"cds_fixtures__SHOW_{n}.json") for n in (1, 2)],
        "media": [vendor_json(shared_dir, "cds_fixtures__MOVIE_3.json")],
        "mediaoptions": vendor_json(shared_dir, "cds_fixtures__MEDIA_OPTIONS.json"),
    }
    box_office = CdsBoxOffice()
    box_office.add_account("account_test", "token_test", payloads)
    with serve_in_thread(box_office.app()) as url:
        settings = {"account_id": "account_test", "api_token": "token_test", "cinema_id": "cinema_id_test"}
        programme = connector(url, **settings).fetch(Window(date(2022, 6, 1), date(2022, 7, 31)))
    [show] = programme.showtimes
    assert (show.external_id, show.version, show.format, show.screen) == ("1", "VF", "3D", "1")
    assert show.starts_at == datetime(2022, 6, 20, 11, 0, tzinfo=PARIS)
    assert [(f.title, f.visa) for f in programme.films] == [("Coupez !", "123456")]
    assert [(r.record, r.field) for r in programme.rejected] == [("show 2", "mediaid")]  # media 51 unknown


def test_each_odd_field_is_named_with_its_record_and_reason(cds: tuple[str, CdsBoxOffice]) -> None:
    """Shows read as plain dicts: every check names the show, the field and why."""
    show = {"id": 1, "showtime": "2026-12-02T20:30:00.000+0100", "mediaid": {"id": 501}}
    odd = [
        show,
        {**show, "id": "abc"},
        {**show, "id": 3, "canceled": "peut-être"},
        {**show, "id": 4, "screenid": 7},
        {**show, "id": 5, "showsMediaoptionsCollection": [{"mediaoptionsid": None}]},
        {**show, "id": 6, "mediaid": None},
        {**show, "id": "7", "showtime": "2026-12-03T20:30:00+01:00", "deleted": 0},
    ]
    media = [{"id": 501, "title": "Anatomie d'une chute", "visanumber": 158914}, {"id": "x", "title": "?"}]
    payloads = {"cinemas": [{"id": "c"}], "media": media, "shows": odd}
    cds[1].add_account("odd-fields", "tok", payloads)  # type: ignore[arg-type]
    programme = connector(cds[0], account_id="odd-fields", api_token="tok", cinema_id="c").fetch(DECEMBER)
    assert sorted(s.external_id for s in programme.showtimes) == ["1", "7"]
    assert [f.visa for f in programme.films] == ["158914"]
    reports = {(r.record, r.field): r.reason for r in programme.rejected}
    assert reports == {
        ("show abc", "id"): "un entier était attendu, pas « abc »",
        ("show 3", "canceled"): "vrai ou faux était attendu, pas « peut-être »",
        ("show 4", "screenid"): 'un objet {"id": …} était attendu',
        ("show 5", "mediaoptionsid"): "absent",
        ("show 6", "mediaid"): "absent",
        ("media x", "id"): "un entier était attendu, pas « x »",
    }
