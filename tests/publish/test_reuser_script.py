"""A reuser's script written for today's Data Fair API runs unchanged against Lanterne, over real HTTP.

It asks one cinema's coming showtimes as CSV, a few at a time, following the `Link: rel=next` header
(the cursor `after`), and reads the CSV back with the csv module.
"""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.request
from urllib.parse import urlencode

from sqlalchemy import Engine
from tests.publish.sample_catalog import build, published


def reuser_script(portal: str, cinema: int, since: str) -> list[dict[str, str]]:
    """What a local agenda site runs every night today (stdlib only, as such scripts are)."""
    params = {
        "select": "showid,showstart,filmtitle,filmversion,cinenom,showurl",
        "size": 5,
        "showstart_gte": since,
        "cineid_eq": cinema,
        "format": "csv",
    }
    url: str | None = f"{portal}/data-fair/api/v1/datasets/programmation-cinemas/lines?{urlencode(params)}"
    rows: list[dict[str, str]] = []
    while url:
        with urllib.request.urlopen(url) as response:
            text = response.read().decode("utf-8-sig")
            link = response.headers.get("Link") or ""
        rows += list(csv.DictReader(io.StringIO(text)))
        found = re.search(r'<([^>]+)>;\s*rel="?next"?', link)
        url = found.group(1) if found else None
    return rows


def test_the_reuser_script_works_unchanged(engine: Engine, live_app: str) -> None:
    build(engine)
    rows = reuser_script(live_app, 1000035, "2026-09-08")
    expected = sorted(r["id"] for r in published() if r["cinema_id"] == 1000035 and r["starts_at"].day >= 8)
    assert [int(row["showid"]) for row in rows] == expected
    assert set(rows[0]) == {"showid", "showstart", "filmtitle", "filmversion", "cinenom", "showurl"}
    assert rows[0]["cinenom"] == "Le Balzac"
    assert rows[0]["showstart"].endswith("+02:00")


def test_the_same_script_reading_json_follows_next(engine: Engine, live_app: str) -> None:
    build(engine)
    url = f"{live_app}/api/v1/datasets/programmation-cinemas/lines?size=10&cineid_eq=3335121"
    seen: list[int] = []
    while url:
        with urllib.request.urlopen(url) as response:
            body = json.loads(response.read())
        seen += [row["showid"] for row in body["results"]]
        url = body.get("next")
    assert seen == sorted(r["id"] for r in published() if r["cinema_id"] == 3335121)
