"""values, values_agg and metric_agg over HTTP on both databases, with the same filters as `lines`."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi.testclient import TestClient
from tests.publish.sample_catalog import published

BASE = "/data-fair/api/v1/datasets/programmation-cinemas"


def get(api: TestClient, path: str, **params: Any) -> Any:
    response = api.get(f"{BASE}/{path}", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_values_are_distinct_sorted_and_filtered(catalog_api: TestClient) -> None:
    assert get(catalog_api, "values/cinenom") == ["Cinéma Arvor", "Le Balzac"]
    assert get(catalog_api, "values/filmversion", sort="desc", size=2) == ["VOST", "VO"]
    assert get(catalog_api, "values/filmtitle", cineid_eq=3335121, q="ETE") == ["L'Été dernier"]
    assert get(catalog_api, "values/showstart", size=1) == ["2026-09-07T16:00:00+02:00"]


def test_values_agg_groups_with_a_metric(catalog_api: TestClient) -> None:
    body = get(
        catalog_api, "values_agg", field="filmversion", metric="sum", metric_field="auditoriumcapacity"
    )
    rows = published()
    counts = Counter(row["version"] for row in rows)
    assert body["total"] == 24
    assert {agg["value"]: agg["total"] for agg in body["aggs"]} == dict(counts)
    sums = {v: sum(r["screen_capacity"] or 0 for r in rows if r["version"] == v) for v in counts}
    assert {agg["value"]: agg["metric"] for agg in body["aggs"]} == sums
    totals = [agg["total"] for agg in body["aggs"]]
    assert totals == sorted(totals, reverse=True)


def test_values_agg_sorts_and_limits(catalog_api: TestClient) -> None:
    body = get(catalog_api, "values_agg", field="cinedepartement", sort="value", agg_size=1)
    assert [agg["value"] for agg in body["aggs"]] == ["35"]
    avg = get(catalog_api, "values_agg", field="cineid", metric="avg", metric_field="filmduration")
    assert all(isinstance(agg["metric"], float) for agg in avg["aggs"])


def test_metric_agg(catalog_api: TestClient) -> None:
    capacities = [r["screen_capacity"] for r in published() if r["screen_capacity"] is not None]
    assert get(catalog_api, "metric_agg", metric="max", field="auditoriumcapacity") == {
        "total": 24,
        "metric": max(capacities),
    }
    mean = get(catalog_api, "metric_agg", metric="avg", field="auditoriumcapacity")["metric"]
    assert abs(mean - sum(capacities) / len(capacities)) < 1e-9
    assert get(catalog_api, "metric_agg", metric="count", cineid_eq=1000035) == {"total": 12, "metric": 12}
    # A search reads the keys its words match first on PostgreSQL (`search.KeysIn`): aggregations too.
    assert get(catalog_api, "metric_agg", metric="count", q="perfect") == {"total": 8, "metric": 8}
    assert get(catalog_api, "values_agg", field="filmtitle", q="perfect days")["total"] == 8
    first = get(catalog_api, "metric_agg", metric="min", field="showstart")["metric"]
    assert first == "2026-09-07T16:00:00+02:00"


def test_bad_aggregation_parameters_are_400(catalog_api: TestClient) -> None:
    cases = [
        ("values/nope", {}, "field"),
        ("values_agg", {"field": "cinenom", "metric": "median", "metric_field": "filmduration"}, "metric"),
        ("values_agg", {"field": "cinenom", "metric": "sum", "metric_field": "cinenom"}, "metric_field"),
        ("values_agg", {"field": "cinenom", "sort": "metric"}, "sort"),
        ("metric_agg", {"metric": "avg"}, "field"),
        ("metric_agg", {"metric": "avg", "field": "showstart"}, "field"),
        ("values_agg", {"field": "cinenom", "agg_size": "-1"}, "agg_size"),
    ]
    for path, params, field in cases:
        response = catalog_api.get(f"{BASE}/{path}", params=params)
        assert (response.status_code, response.json().get("field")) == (400, field), (path, params)


def test_schema_table_schema_and_api_docs(catalog_api: TestClient) -> None:
    schema = get(catalog_api, "schema")
    assert schema[1] == {
        "key": "showstart",
        "type": "string",
        "format": "date-time",
        "title": "Début de la séance",
        "description": "",
    }
    table = get(catalog_api, "schema", mimeType="application/tableschema+json")
    assert table["primaryKey"] == ["showid"] and table["fields"][1]["type"] == "datetime"
    docs = get(catalog_api, "api-docs.json")
    assert docs["openapi"].startswith("3.") and "/lines" in docs["paths"]
    names = {p["name"] for p in docs["paths"]["/lines"]["get"]["parameters"]}
    assert {"q", "select", "after", "cineid_eq", "_coords.lat_gte", "bbox", "date_match"} <= names


def test_service_openapi_and_dataset_listing(catalog_api: TestClient) -> None:
    service = catalog_api.get("/openapi.json").json()
    assert "/data-fair/api/v1/datasets/{dataset_id}/lines" in service["paths"]
    listing = catalog_api.get("/api/v1/datasets").json()
    assert {
        "programmation-cinemas",
        "cinemas",
        "films",
        "etablissements-scolaires",
        "evenements-cinemas",
    } <= {d["id"] for d in listing["results"]}
    card = catalog_api.get(f"{BASE}").json()
    assert card["count"] == 24 and card["schema"][0]["key"] == "showid"


def test_revalidation_answers_304(catalog_api: TestClient) -> None:
    first = catalog_api.get(f"{BASE}/lines", params={"size": 1})
    again = catalog_api.get(
        f"{BASE}/lines", params={"size": 1}, headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
