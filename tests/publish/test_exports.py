"""Whole-dataset export files: built for every supported format, served only while they hold the
current version of the data, rebuilt by `lanterne publish build-exports`."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import openpyxl
import pyarrow.parquet as pq
from icalendar import Calendar
from sqlalchemy import Engine, update
from tests.publish.sample_catalog import build
from typer.testing import CliRunner

from lanterne.catalog.models import Cinema, Film
from lanterne.cli import app
from lanterne.db import utcnow
from lanterne.publish.datasets import DATASETS
from lanterne.publish.exports import (
    build_dataset,
    build_exports,
    cached_export,
    refresh_exports,
    whole_dataset_file,
)
from lanterne.runtime import Runtime


def test_build_exports_writes_every_supported_format(engine: Engine, runtime: Runtime) -> None:
    build(engine)
    build_exports(runtime, ["programmation-cinemas", "films"])
    names = ("csv", "xlsx", "ics", "parquet")
    paths = {name: cached_export(runtime, "programmation-cinemas", name) for name in names}
    text = paths["csv"].read_bytes().decode("utf-8-sig")  # type: ignore[union-attr]
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 24
    assert rows[0]["showstart"].endswith(("+02:00", "+01:00"))
    book = openpyxl.load_workbook(paths["xlsx"], read_only=True)  # type: ignore[arg-type]
    assert book["Données"].max_row == 25
    assert len(Calendar.from_ical(paths["ics"].read_bytes()).walk("VEVENT")) == 24  # type: ignore[union-attr]
    assert pq.read_table(paths["parquet"]).num_rows == 24  # type: ignore[arg-type]
    assert cached_export(runtime, "films", "csv") is not None
    assert cached_export(runtime, "films", "ics") is None  # films have no start time
    assert cached_export(runtime, "cinemas", "csv") is None  # not built
    assert cached_export(runtime, "inconnu", "csv") is None


def test_a_stale_file_is_not_served(engine: Engine, runtime: Runtime) -> None:
    build(engine)
    build_exports(runtime, ["programmation-cinemas"])
    assert cached_export(runtime, "programmation-cinemas", "csv") is not None
    with engine.begin() as connection:
        connection.execute(update(Cinema).values(updated_at=utcnow() + timedelta(minutes=1)))
    assert cached_export(runtime, "programmation-cinemas", "csv") is None


def test_building_one_format_keeps_the_others_of_the_same_data(engine: Engine, runtime: Runtime) -> None:
    build(engine)
    programme = DATASETS["programmation-cinemas"]
    build_dataset(runtime, programme, only=("csv",))
    build_dataset(runtime, programme, only=("xlsx",))
    assert cached_export(runtime, "programmation-cinemas", "csv") is not None
    assert cached_export(runtime, "programmation-cinemas", "xlsx") is not None
    with engine.begin() as connection:  # new data: a file built before it no longer answers
        connection.execute(update(Cinema).values(updated_at=utcnow() + timedelta(minutes=1)))
    build_dataset(runtime, programme, only=("xlsx",))
    assert cached_export(runtime, "programmation-cinemas", "csv") is None
    assert cached_export(runtime, "programmation-cinemas", "xlsx") is not None


def test_build_exports_command(engine: Engine, runtime: Runtime) -> None:
    build(engine)
    env = {
        "LANTERNE_DATABASE_URL": runtime.settings.database_url,
        "LANTERNE_EXPORTS_DIR": runtime.settings.exports_dir,
    }
    result = CliRunner().invoke(app, ["publish", "build-exports", "--dataset", "cinemas"], env=env)
    assert result.exit_code == 0, result.output
    assert "cinemas.geojson" in result.output
    assert cached_export(runtime, "cinemas", "geojson") is not None
    result = CliRunner().invoke(app, ["publish", "build-exports", "--dataset", "inconnu"], env=env)
    assert result.exit_code == 2


def test_refresh_rebuilds_only_what_changed(engine: Engine, runtime: Runtime) -> None:
    build(engine)
    first = refresh_exports(runtime)
    assert {path.name for path in first} >= {"programmation-cinemas.ics", "films.parquet", "cinemas.geojson"}
    assert refresh_exports(runtime) == []  # nothing changed: nothing rebuilt
    with engine.begin() as connection:
        connection.execute(update(Film).values(updated_at=utcnow() + timedelta(minutes=1)))
    rebuilt = {path.name.split(".")[0] for path in refresh_exports(runtime)}
    assert {"programmation-cinemas", "films"} <= rebuilt and "cinemas" not in rebuilt


def test_only_an_unfiltered_full_export_is_answered_from_the_file(engine: Engine, runtime: Runtime) -> None:
    build(engine)
    build_exports(runtime, ["films"])
    assert whole_dataset_file(runtime, "films", {"format": "xlsx", "apiKey": "lnt_x"}) is not None
    assert whole_dataset_file(runtime, "films", {"format": "csv", "sep": ";"}) is None
    assert whole_dataset_file(runtime, "films", {"format": "csv", "select": "filmtitle"}) is None
    assert whole_dataset_file(runtime, "films", {}) is None
