"""The OpenAgenda mapping (lengths, offsets, codes, status) and the stand-in's enforcement of the
documented rules, over real HTTP; no database needed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from lanterne.agenda.openagenda import OpenAgenda, OpenAgendaError, event_body, shorten
from lanterne.stand_ins.openagenda import OpenAgendaState, create_app
from lanterne.stand_ins.server import serve_in_thread

AGENDA, SECRET = "777", "secret"


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, OpenAgendaState]]:
    state = OpenAgendaState(secret_keys={SECRET}, agendas={AGENDA})
    with serve_in_thread(create_app(state)) as url:
        yield url, state


def event(**values: Any) -> dict[str, Any]:
    base = {
        "id": 1,
        "title": "Rencontre",
        "film_title": "Les Feux de l'été",
        "film_directors": "Agnès Morel",
        "film_runtime": 104,
        "starts_at": datetime(2026, 7, 3, 18, 30, tzinfo=UTC),
        "ends_at": None,
        "status": "scheduled",
        "cinema_name": "Cinéma Rex",
        "cinema_department": "75",
    }
    return {**base, **values}


def test_texts_are_cut_at_a_word_within_openagendas_limits() -> None:
    body = event_body(event(title="Très " * 60, description="mot " * 4000, kind="ciné-débat"), "5")
    assert len(body["title"]["fr"]) <= 140 and body["title"]["fr"].endswith("Très…")
    assert len(body["description"]["fr"]) <= 200
    assert len(body["longDescription"]["fr"]) <= 10000
    assert shorten("un deux trois", 9) == "un deux…"


def test_summer_offset_overseas_offset_and_a_24_hour_cap() -> None:
    assert event_body(event(), "5")["timings"] == [
        {"begin": "2026-07-03T20:30:00+02:00", "end": "2026-07-03T22:14:00+02:00"}
    ]
    guyane = event_body(event(cinema_department="973"), "5")["timings"][0]
    assert guyane["begin"] == "2026-07-03T15:30:00-03:00"
    marathon = event_body(event(ends_at=datetime(2026, 7, 5, tzinfo=UTC)), "5")["timings"][0]
    assert marathon["end"] == "2026-07-04T20:30:00+02:00"


def test_cancelled_status_codes_and_keywords() -> None:
    body = event_body(event(status="cancelled", accessibility="vi", kind="festival", audience="famille"), "5")
    assert body["status"] == 6
    assert body["accessibility"] == {"hi": False, "ii": False, "mi": False, "pi": False, "vi": True}
    assert body["keywords"] == {"fr": ["festival", "famille"]}


def put(url: str, token: str, body: dict[str, Any]) -> httpx.Response:
    path = f"{url}/v2/agendas/{AGENDA}/events/ext/lanterne/1"
    return httpx.put(path, json=body, headers={"access-token": token}, timeout=5)


def token(url: str) -> str:
    answer = httpx.post(
        f"{url}/v2/requestAccessToken", json={"grant_type": "authorization_code", "code": SECRET}
    )
    return str(answer.json()["access_token"])


def test_stand_in_enforces_the_documented_rules(served: tuple[str, OpenAgendaState]) -> None:
    url, state = served
    client = OpenAgenda(httpx.Client(timeout=5), url, AGENDA, SECRET)
    location = client.location({"id": 1, "name": "Rex", "address": "3 rue des Écoles"})
    good = event_body(event(), location)
    access = token(url)
    assert put(url, access, good).status_code in (200, 201)
    broken = {
        "title": {**good, "title": {"fr": "x" * 141}},
        "description": {**good, "description": {"fr": "x" * 201}},
        "timings": {**good, "timings": [good["timings"][0], good["timings"][0]]},  # overlap
        "locationUid": {**good, "locationUid": 999},
        "status": {**good, "status": 9},
    }
    for field, body in broken.items():
        answer = put(url, access, body)
        assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == field
    long = {**good, "timings": [{"begin": "2026-07-03T20:00:00+02:00", "end": "2026-07-04T21:00:00+02:00"}]}
    assert put(url, access, long).json()["errors"][0]["code"] == "duration"
    assert put(url, "no-token", good).status_code == 401
    state.token_seconds = 0.01
    short = token(url)
    time.sleep(0.05)
    assert put(url, short, good).json() == {"message": "access token expired"}
    state.token_seconds = 3600


def test_a_wrong_secret_key_is_a_clear_error(served: tuple[str, OpenAgendaState]) -> None:
    client = OpenAgenda(httpx.Client(timeout=5), served[0], AGENDA, "wrong")
    with pytest.raises(OpenAgendaError, match="clé secrète"):
        client.put_event(1, {})


def test_the_client_renews_an_expired_or_forgotten_token(served: tuple[str, OpenAgendaState]) -> None:
    url, state = served
    client = OpenAgenda(httpx.Client(timeout=5), url, AGENDA, SECRET)
    body = event_body(event(), client.location({"id": 2, "name": "Lux", "address": "1 place"}))
    issued = state.tokens_issued
    client.put_event(7, body)
    state.tokens.clear()  # OpenAgenda forgot it (expired early): a 401, renewed, replayed
    client.put_event(7, body)
    client.expires = 0.0  # past its announced lifetime: renewed before use
    client.put_event(7, body)
    assert state.tokens_issued == issued + 2
    assert state.event(AGENDA, "lanterne", "7") is not None
