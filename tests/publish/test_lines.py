"""`lines` over HTTP on both databases: consent, every filter, sorts, pages and cursors, full text, select,
count, other formats, and a 400 naming the parameter."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from tests.publish.sample_catalog import CINEMAS, published

from lanterne.catalog.models import Cinema, Film
from lanterne.publish import caching, exports
from lanterne.publish.search import FILMS, stale
from lanterne.runtime import Runtime

LINES = "/data-fair/api/v1/datasets/programmation-cinemas/lines"


def get(api: TestClient, url: str = LINES, **params: Any) -> dict[str, Any]:
    response = api.get(url, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def ids(api: TestClient, **params: Any) -> list[int]:
    return [row["showid"] for row in get(api, size=1000, select="showid", **params)["results"]]


def expected(predicate: Any) -> list[int]:
    return sorted(row["id"] for row in published() if predicate(row))


def test_only_consenting_active_cinemas_are_published(catalog_api: TestClient) -> None:
    body = get(catalog_api, size=100)
    assert body["total"] == len(published()) == 24
    assert {row["cinenom"] for row in body["results"]} == {"Le Balzac", "Cinéma Arvor"}
    first = body["results"][0]
    assert first["filmduration"] == 104 * 60
    assert first["showstart"] == "2026-09-07T16:00:00+02:00"
    assert first["_coords.lat"] == pytest.approx(48.8735)


def test_cinemas_dataset_never_shows_connector_settings(catalog_api: TestClient) -> None:
    response = catalog_api.get("/api/v1/datasets/cinemas/lines", params={"size": 100})
    assert "s3cret" not in response.text and "connector" not in response.text
    assert {row["cinenom"] for row in response.json()["results"]} == {
        "Le Balzac",
        "Cinéma Arvor",
        "La Lanterne",
    }


def test_both_prefixes_answer_the_same(catalog_api: TestClient) -> None:
    data_fair = get(catalog_api, size=3)
    ours = get(catalog_api, "/api/v1/datasets/programmation-cinemas/lines", size=3)
    assert data_fair["results"] == ours["results"]


# One database per test is costly (PostgreSQL empties every table): each case runs in one test.
FILTERS: list[tuple[dict[str, Any], Any]] = [
    ({"cineid_eq": 3335121}, lambda r: r["cinema_id"] == 3335121),
    ({"cineid_neq": 3335121}, lambda r: r["cinema_id"] != 3335121),
    ({"filmid_in": "1,3"}, lambda r: r["film_id"] in (1, 3)),
    ({"filmid_nin": "1,3"}, lambda r: r["film_id"] not in (1, 3)),
    ({"filmversion_in": "VO,VOST"}, lambda r: r["version"] in ("VO", "VOST")),
    ({"auditoriumcapacity_gt": 100}, lambda r: (r["screen_capacity"] or 0) > 100),
    ({"auditoriumcapacity_gte": 101}, lambda r: (r["screen_capacity"] or 0) >= 101),
    ({"auditoriumcapacity_lt": 90}, lambda r: r["screen_capacity"] is not None and r["screen_capacity"] < 90),
    (
        {"auditoriumcapacity_lte": 90},
        lambda r: r["screen_capacity"] is not None and r["screen_capacity"] <= 90,
    ),
    ({"showend_exists": "true"}, lambda r: r["ends_at"] is not None),
    ({"showend_nexists": "true"}, lambda r: r["ends_at"] is None),
    ({"auditoriumcapacity_nexists": ""}, lambda r: r["screen_capacity"] is None),
    ({"cinenom_starts": "Ciné"}, lambda r: r["cinema_id"] == 3335121),
    ({"cinenom_starts": "ciné"}, lambda r: False),
    ({"cinenom_contains": "ARVOR"}, lambda r: r["cinema_id"] == 3335121),
    ({"filmtitle_contains": "ete d"}, lambda r: r["film_id"] == 1),
    ({"filmtitle_search": "chute anatomie"}, lambda r: r["film_id"] == 2),
    ({"_coords.lat_gte": 48.5}, lambda r: r["cinema_id"] == 1000035),
    ({"statut_eq": "cancelled"}, lambda r: r["status"] == "cancelled"),
    ({"evenement_exists": "true"}, lambda r: r["event_headline"] is not None),
    ({"showstart_gte": "2026-09-09"}, lambda r: r["starts_at"].day >= 9),
    ({"showstart_lt": "2026-09-08T16:00:00+02:00"}, lambda r: r["starts_at"].isoformat() < "2026-09-08T14"),
    ({"cinedepartement_eq": "35", "filmid_eq": 2}, lambda r: r["cinema_id"] == 3335121 and r["film_id"] == 2),
    ({"date_match": "2026-09-08"}, lambda r: r["starts_at"].day == 8),
    ({"date_match": "2026-09-08,2026-09-09"}, lambda r: r["starts_at"].day in (8, 9)),
    ({"bbox": "-2,47,0,49"}, lambda r: r["cinema_id"] == 3335121),
    ({"geo_distance": "2.3522:48.8566:5km"}, lambda r: r["cinema_id"] == 1000035),
    ({"geo_distance": "2.3522,48.8566,1000"}, lambda r: False),
]


def test_each_filter(catalog_api: TestClient) -> None:
    wrong = [
        params for params, predicate in FILTERS if sorted(ids(catalog_api, **params)) != expected(predicate)
    ]
    assert wrong == []


def test_sort_on_several_columns_with_descending(catalog_api: TestClient) -> None:
    rows = get(catalog_api, size=100, sort="-cineid,showstart", select="cineid,showstart,showid")["results"]
    keys = [(-row["cineid"], row["showstart"]) for row in rows]
    assert keys == sorted(keys)


def test_cursor_pages_walk_every_row_once_in_order(catalog_api: TestClient) -> None:
    for sort in ("showstart", "-showstart", "auditoriumcapacity", "-showend,cinenom", "filmversion,-showid"):
        assert walk(catalog_api, sort) == [
            row["showid"] for row in get(catalog_api, size=100, sort=sort, select="showid")["results"]
        ]


def walk(api: TestClient, sort: str) -> list[int]:
    walked: list[int] = []
    response = api.get(LINES, params={"size": 5, "sort": sort, "select": "showid"})
    while True:
        body = response.json()
        walked += [row["showid"] for row in body["results"]]
        if "next" not in body:
            break
        assert response.headers["link"] == f'<{body["next"]}>; rel="next"'
        response = api.get(body["next"])
    assert len(walked) == 24
    return walked


def test_page_numbers(catalog_api: TestClient) -> None:
    second = get(catalog_api, size=10, page=2, select="showid")
    assert [row["showid"] for row in second["results"]] == sorted(row["id"] for row in published())[10:20]
    assert "page=3" in second["next"]


def test_full_text_ignores_accents_and_case_reaches_cinemas_and_combines_words(
    catalog_api: TestClient,
) -> None:
    for q in ("ete", "ÉTÉ", "l'été", "Eté dern"):
        assert sorted(ids(catalog_api, q=q)) == expected(lambda r: r["film_id"] == 1)
    assert sorted(ids(catalog_api, q="rennes")) == expected(lambda r: r["cinema_id"] == 3335121)
    assert sorted(ids(catalog_api, q="rennes wenders")) == expected(
        lambda r: r["cinema_id"] == 3335121 and r["film_id"] == 3
    )
    assert ids(catalog_api, q="zzzz") == []

    assert ids(catalog_api, q="drame", q_fields="filmtitle") == []
    assert sorted(ids(catalog_api, q="drame", q_fields="filmgenre")) == expected(lambda r: True)


def test_full_text_follows_catalog_changes(catalog_api: TestClient, engine: Engine) -> None:
    assert ids(catalog_api, q="lumiere") == []
    with engine.begin() as connection:
        connection.execute(update(Film).where(Film.id == 3).values(title="La Lumière des jours"))
    assert sorted(ids(catalog_api, q="lumiere")) == expected(lambda r: r["film_id"] == 3)
    assert ids(catalog_api, q="perfect") == []


def test_words_found_fresh_are_checked_again_once_the_database_changes(
    catalog_api: TestClient, engine: Engine
) -> None:
    for _ in range(3):  # the first search writes the words; the next ones find them fresh, and remember it
        assert ids(catalog_api, q="lumiere") == []
    assert stale(engine, (FILMS,)) == []
    with engine.begin() as connection:
        connection.execute(update(Film).where(Film.id == 3).values(title="La Lumière des jours"))
    assert stale(engine, (FILMS,)) == [FILMS]
    assert sorted(ids(catalog_api, q="lumiere")) == expected(lambda r: r["film_id"] == 3)


def test_folded_filters_work_on_every_checkout_and_on_new_connections(
    catalog_api: TestClient, engine: Engine
) -> None:
    """SQLite learns the fold function once per pooled connection (defining it again would throw away
    the statements prepared on it), so it must still be there on the next checkouts, and be taught to
    the connections the pool opens later."""
    in_paris = {cinema["id"] for cinema in CINEMAS if cinema["commune"] == "Paris"}
    paris = expected(lambda r: r["cinema_id"] in in_paris)
    assert paris
    for _ in range(3):
        assert sorted(ids(catalog_api, cineville_contains="PARÎS")) == paris
    engine.dispose()  # the pool starts afresh: new connections
    assert sorted(ids(catalog_api, cineville_contains="paris")) == paris


def test_pages_carry_any_text_and_number_exactly(catalog_api: TestClient, engine: Engine) -> None:
    """Quotes, control characters, line separators and astral characters in a title, and a coordinate
    needing all of a double's digits, come back exactly (read by the standard library's parser)."""
    title = 'Nuit "blanche"\\ \n\t\x1f \u2028 ☃ 🎬 é'
    latitude = 48.123456789012345
    with engine.begin() as connection:
        connection.execute(update(Film).where(Film.id == 3).values(title=title))
        connection.execute(update(Cinema).where(Cinema.id == 1000035).values(latitude=latitude))
    response = catalog_api.get(LINES, params={"select": "filmid,filmtitle,cineid,_coords.lat", "size": 1000})
    rows = json.loads(response.content)["results"]
    assert {row["filmtitle"] for row in rows if row["filmid"] == 3} == {title}
    assert {row["_coords.lat"] for row in rows if row["cineid"] == 1000035} == {latitude}


def test_films_cinemas_and_schools_datasets(catalog_api: TestClient) -> None:
    films = get(catalog_api, "/api/v1/datasets/films/lines", q="ete")["results"]
    assert [(f["filmtitle"], f["recommandationae"], f["audiodescription"]) for f in films] == [
        ("L'Été dernier", True, True)
    ]
    schools = get(catalog_api, "/api/v1/datasets/etablissements-scolaires/lines", q="emile")["results"]
    assert [s["identifiant_de_l_etablissement"] for s in schools] == ["0350002B"]
    events = get(catalog_api, "/api/v1/datasets/evenements-cinemas/lines")["results"]
    assert {e["evenement"] for e in events} == {"Ciné-débat"} and len(events) == 2


def test_select_and_count_false(catalog_api: TestClient) -> None:
    body = get(catalog_api, select="cinenom,_coords.lon", count="false", size=2)
    assert "total" not in body
    assert [set(row) for row in body["results"]] == [{"cinenom", "_coords.lon"}] * 2


def test_csv_follows_filters_select_and_sort(catalog_api: TestClient) -> None:
    response = catalog_api.get(
        LINES,
        params={
            "format": "csv",
            "sep": ";",
            "select": "showid,filmtitle",
            "cineid_eq": 3335121,
            "sort": "-showid",
            "size": 5,
        },
    )
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["showid", "filmtitle"]
    assert [int(r[0]) for r in rows[1:]] == expected(lambda r: r["cinema_id"] == 3335121)[::-1][:5]
    assert 'rel="next"' in response.headers["link"]


def test_full_export_streams_every_row(catalog_api: TestClient) -> None:
    response = catalog_api.get("/api/v1/datasets/programmation-cinemas/full", params={"select": "showid"})
    assert response.status_code == 200
    assert len(response.content.decode("utf-8-sig").splitlines()) == 25


def test_errors_are_400_naming_the_parameter(catalog_api: TestClient) -> None:
    response = catalog_api.get(LINES, params={"cineid_eq": "Balzac"})
    assert response.status_code == 400
    assert response.json()["field"] == "cineid_eq" and "entier" in response.json()["reason"]
    assert catalog_api.get(LINES, params={"size": 20000}).json()["field"] == "size"
    assert catalog_api.get(LINES, params={"format": "ics", "select": "showid"}).status_code == 400
    assert catalog_api.get("/api/v1/datasets/nope/lines").status_code == 404


def test_unfiltered_full_export_is_served_from_the_nightly_file(
    catalog_api: TestClient, runtime: Runtime
) -> None:
    exports.build_exports(runtime, ["cinemas"])
    path = exports.export_path(runtime, "cinemas", "csv")
    response = catalog_api.get("/api/v1/datasets/cinemas/full", params={"format": "csv"})
    assert response.status_code == 200 and response.content == path.read_bytes()
    assert response.headers["etag"] == caching.file_validators(path).etag
    filtered = catalog_api.get(
        "/api/v1/datasets/cinemas/full", params={"format": "csv", "cinecp_eq": "35000"}
    )
    assert filtered.content.decode("utf-8-sig").count("\n") == 2  # streamed live: header + Cinéma Arvor
