"""JSON pages kept a minute per worker: never older than the data they were built from, nor than a
minute, and within their memory budget."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from lanterne.app import create_app
from lanterne.catalog.models import Film
from lanterne.publish.answers import AnswerCache
from lanterne.publish.endpoint import LinesEndpoint
from lanterne.runtime import Runtime

STAMP = datetime(2026, 9, 7, 2, 0, tzinfo=UTC)
LINES = "/api/v1/datasets/films/lines"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_page_is_kept_while_its_data_stands_and_for_a_minute_at_most() -> None:
    clock = Clock()
    cache = AnswerCache(1_000_000, max_age=60, clock=clock)
    cache.put(("/lines", "size=1"), STAMP, [(b"etag", b'"a"')], b"page")
    kept = cache.get(("/lines", "size=1"), STAMP)
    assert kept is not None and kept.body == b"page" and kept.headers == [(b"etag", b'"a"')]
    assert cache.get(("/lines", "size=2"), STAMP) is None
    assert cache.get(("/lines", "size=1"), STAMP + timedelta(seconds=1)) is None  # a sync came: gone
    assert len(cache) == 0 and cache.size == 0
    cache.put(("/lines", "size=1"), STAMP, [], b"page")
    clock.now += 59.9
    assert cache.get(("/lines", "size=1"), STAMP) is not None
    clock.now += 0.1
    assert cache.get(("/lines", "size=1"), STAMP) is None


def test_memory_is_bounded_least_recently_used_first() -> None:
    cache = AnswerCache(16 * 100, clock=Clock())
    for n in range(16):
        cache.put(("/lines", str(n)), STAMP, [], b"x" * 100)
    assert cache.size == 1600
    assert cache.get(("/lines", "0"), STAMP) is not None  # used: now the most recent
    cache.put(("/lines", "new"), STAMP, [], b"y" * 100)
    assert cache.size == 1600
    assert cache.get(("/lines", "1"), STAMP) is None  # the least recently used went
    assert cache.get(("/lines", "0"), STAMP) is not None
    cache.put(("/lines", "new"), STAMP, [], b"z" * 50)  # replaced, not counted twice
    assert cache.size == 1550
    cache.put(("/lines", "huge"), STAMP, [], b"h" * 101)  # over a sixteenth of the budget: not kept
    assert cache.get(("/lines", "huge"), STAMP) is None


def test_the_api_answers_a_change_at_once(catalog_api: TestClient, engine: Engine) -> None:
    url = f"{LINES}?select=filmid,filmtitle&sort=filmid&size=1"
    first = catalog_api.get(url)
    assert catalog_api.get(url).content == first.content
    film_id = first.json()["results"][0]["filmid"]
    with engine.begin() as connection:  # what a sync does: the row and its update time
        changed = update(Film).where(Film.id == film_id)
        connection.execute(changed.values(title="Titre corrigé", updated_at=datetime.now(UTC)))
    after = catalog_api.get(url)
    assert after.json()["results"][0]["filmtitle"] == "Titre corrigé"
    assert after.headers["etag"] != first.headers["etag"]


def test_the_api_key_is_not_part_of_the_page(catalog_api: TestClient) -> None:
    url = f"{LINES}?select=filmid&size=2"
    endpoint = _endpoint(catalog_api)
    catalog_api.get(url)
    catalog_api.get(url + "&apiKey=lnt_unknown")  # refused (401) before the endpoint: nothing kept
    assert endpoint.answers is not None and len(endpoint.answers) == 1


def test_zero_turns_it_off(runtime: Runtime) -> None:
    runtime.settings.answer_cache_mb = 0
    with TestClient(create_app(runtime=runtime)) as client:
        assert client.get(f"{LINES}?size=1").status_code == 200
        assert _endpoint(client).answers is None


def _endpoint(client: TestClient) -> LinesEndpoint:
    """The app's LinesEndpoint instance, found down its middleware stack."""
    layer = client.app.middleware_stack  # type: ignore[attr-defined]
    while not isinstance(layer, LinesEndpoint):
        layer = layer.app
    return layer
