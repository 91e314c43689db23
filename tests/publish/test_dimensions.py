"""A programme page's film and cinema columns come from the worker's copy of those rows: the same values
as the SQL would read, never older than the dataset's last update."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from lanterne.catalog.models import Cinema, Film
from lanterne.publish.datasets import DATASETS, showtimes
from lanterne.publish.dimensions import dimensions, plan

LINES = "/api/v1/datasets/programmation-cinemas/lines"
PROGRAMME = DATASETS["programmation-cinemas"]


def test_the_programme_reads_films_and_cinemas_by_key() -> None:
    found = dimensions(PROGRAMME)
    assert {name for name, d in found.items() if d.table.name == "films"} >= {"filmtitle", "filmduration"}
    assert {name for name, d in found.items() if d.table.name == "cinemas"} >= {"cinenom", "_coords.lat"}
    assert "filmaudio" not in found and "showstart" not in found  # the séance's own columns
    selected = [PROGRAMME.by_name[name] for name in ("showid", "filmtitle", "showstart")]
    assert plan(PROGRAMME, [PROGRAMME.by_name["showid"]], 1) is None  # nothing to spare
    layout = plan(PROGRAMME, selected, 1)
    assert layout is not None and [c.name for c in layout.local] == ["showid", "showstart"]


def test_a_table_whose_changes_the_last_update_misses_is_read_by_sql() -> None:
    blind = dataclasses.replace(PROGRAMME, updated=(showtimes.c.last_seen_at,))
    assert dimensions(blind) == {}


def test_a_change_shows_at_once(catalog_api: TestClient, engine: Engine) -> None:
    url = f"{LINES}?select=showid,filmtitle,cinenom&sort=showid&size=100"
    before = catalog_api.get(url).json()["results"]
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(update(Film).where(Film.id == 3).values(title="Titre corrigé", updated_at=now))
        connection.execute(update(Cinema).values(name="Salle renommée", updated_at=now))
    after = catalog_api.get(url).json()["results"]
    assert [row["showid"] for row in after] == [row["showid"] for row in before]
    assert {row["cinenom"] for row in after} == {"Salle renommée"}
    titles = {row["filmtitle"] for row in after}
    assert "Titre corrigé" in titles and len(titles) > 1
