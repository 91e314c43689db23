"""Every export format through the API on both databases, read back with a real parser; revalidation
(304) and the limit headers on the same answers."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pyarrow.parquet as pq
from fastapi.testclient import TestClient
from icalendar import Calendar
from tests.publish.sample_catalog import published

LINES = "/data-fair/api/v1/datasets/programmation-cinemas/lines"
FULL = "/api/v1/datasets/programmation-cinemas/full"
COUNT = len(published())


def fetch(api: TestClient, url: str, **params: object) -> bytes:
    response = api.get(url, params=params)
    assert response.status_code == 200, response.text
    return response.content


def test_csv_and_xlsx_with_filters(catalog_api: TestClient) -> None:
    body = fetch(catalog_api, LINES, format="csv", sep=";", size=1000, select="showid,showstart,filmtitle")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert len(rows) == COUNT and rows[0]["showstart"][-6:] in ("+02:00", "+01:00")
    workbook = openpyxl.load_workbook(io.BytesIO(fetch(catalog_api, FULL, format="xlsx", cineid_eq=1000035)))
    data = workbook["Données"]
    assert [cell.value for cell in data[1]][:3] == ["showid", "showstart", "showend"]
    assert isinstance(data["B2"].value, type(data["C2"].value)) and data["B2"].is_date
    credit = {row[0].value: row[1].value for row in workbook["Métadonnées"].iter_rows()}
    assert credit["Producteur"] == "Union des cinémas indépendants"
    assert credit["Nombre de lignes"] == data.max_row - 1 > 0


def test_geojson_ics_and_parquet(catalog_api: TestClient) -> None:
    collection = json.loads(fetch(catalog_api, FULL, format="geojson"))
    assert len(collection["features"]) == COUNT
    assert collection["features"][0]["geometry"]["type"] == "Point"
    calendar = Calendar.from_ical(fetch(catalog_api, FULL, format="ics"))
    events = calendar.walk("VEVENT")
    assert len(events) == COUNT and all(str(e["UID"]).startswith("showtime-") for e in events)
    assert {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")} >= {"Europe/Paris"}
    table = pq.read_table(io.BytesIO(fetch(catalog_api, FULL, format="parquet")))
    assert table.num_rows == COUNT and str(table.schema.field("showstart").type) == "timestamp[us, tz=UTC]"


def test_revalidation_answers_304_and_limits_are_announced(catalog_api: TestClient) -> None:
    first = catalog_api.get(LINES, params={"size": 2})
    assert int(first.headers["x-ratelimit-remaining"]) < int(first.headers["x-ratelimit-limit"])
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    again = catalog_api.get(LINES, params={"size": 2}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert (
        catalog_api.get(LINES, params={"size": 2}, headers={"If-Modified-Since": modified}).status_code == 304
    )
    assert catalog_api.get(LINES, params={"size": 3}, headers={"If-None-Match": etag}).status_code == 200
