"""The bare `lines` endpoint answers exactly what the FastAPI route answers, and leaves it the rest."""

from __future__ import annotations

import traceback

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from lanterne.app import create_app
from lanterne.publish.endpoint import LinesEndpoint, lines_dataset

LINES = "/data-fair/api/v1/datasets/programmation-cinemas/lines"
COMPARED = ("etag", "last-modified", "cache-control", "link", "content-type", "content-length")


@pytest.mark.parametrize(
    ("path", "dataset_id"),
    [
        ("/data-fair/api/v1/datasets/films/lines", "films"),
        ("/api/v1/datasets/programmation-cinemas/lines", "programmation-cinemas"),
        ("/api/v1/datasets//lines", None),
        ("/api/v1/datasets/films/values/lines", None),
        ("/api/v1/datasets/films/full", None),
        ("/v1/datasets/films/lines", None),
    ],
)
def test_only_lines_paths_are_taken(path: str, dataset_id: str | None) -> None:
    assert lines_dataset(path) == dataset_id


def _route_only(client: TestClient) -> TestClient:
    """A client of the same app without the bare endpoint: `lines` answered by the FastAPI route."""
    app = create_app(runtime=client.app.state.runtime)  # type: ignore[attr-defined]
    app.user_middleware = [m for m in app.user_middleware if m.cls is not LinesEndpoint]
    return TestClient(app)  # no lifespan: the runtime stays open for the fixture's client


@pytest.mark.parametrize(
    "query",
    [
        "size=3&sort=-showstart&select=showid,showstart,cinenom",
        "size=2&sort=showstart&q=clé",
        "size=1&count=false&cineid_eq=1000035",
        "size=2&after=bad",  # 400, naming the parameter
        "size=99999",
        "format=json&size=2&page=2",
    ],
)
def test_the_endpoint_answers_what_the_route_answers(catalog_api: TestClient, query: str) -> None:
    ours, route = catalog_api.get(f"{LINES}?{query}"), _route_only(catalog_api).get(f"{LINES}?{query}")
    assert ours.status_code == route.status_code
    assert ours.content == route.content
    for name in COMPARED:
        assert ours.headers.get(name) == route.headers.get(name), name
    assert "x-ratelimit-remaining" in ours.headers  # counted by the middleware in front


def test_revalidation_unknown_datasets_and_files(catalog_api: TestClient) -> None:
    first = catalog_api.get(f"{LINES}?size=1")
    again = catalog_api.get(f"{LINES}?size=1", headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    missing = catalog_api.get("/api/v1/datasets/inconnu/lines")
    assert missing.status_code == 404 and "inconnu" in missing.json()["error"]
    csv = catalog_api.get(f"{LINES}?size=2&format=csv&select=showid")  # streamed by the route
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.headers["content-disposition"].startswith("attachment")
    assert catalog_api.post(f"{LINES}?size=1").status_code == 405  # only GET is a read


def test_a_page_is_answered_on_one_connection(catalog_api: TestClient, engine: Engine) -> None:
    """Its version, search words' freshness, rows and count: on PostgreSQL each checkout was a round
    trip of its own (the pool's ping), three for a search. (Without Redis, the rate limit counts on a
    connection of its own, in a transaction.)"""
    checkouts: list[str] = []

    def checked_out(*_: object) -> None:
        ours = [frame for frame in traceback.extract_stack() if "/src/lanterne/" in frame.filename]
        if not ours[-1].filename.endswith("ratelimit.py"):  # who checked the connection out
            checkouts.append(f"{ours[-1].filename}:{ours[-1].lineno}")

    assert catalog_api.get(f"{LINES}?size=1&q=clé").status_code == 200  # words indexed on first search
    event.listen(engine, "checkout", checked_out)
    try:
        for query in ("size=2&q=clé", "size=3&sort=-showstart&cineid_eq=1000035"):
            checkouts.clear()
            assert catalog_api.get(f"{LINES}?{query}").status_code == 200
            assert len(checkouts) == 1, checkouts
    finally:
        event.remove(engine, "checkout", checked_out)
