"""`lanterne demo`: builds once, reuses after, rebuilds on --reset, never touches a real catalog."""

from __future__ import annotations

import io
from datetime import date

import pytest
from rich.console import Console
from sqlalchemy import Engine
from typer.testing import CliRunner

from lanterne.catalog.models import Cinema
from lanterne.cli import app
from lanterne.db import transaction
from lanterne.demo.launch import DemoOptions, prepare_demo
from lanterne.demo.loading import count, demo_seed
from lanterne.errors import Conflict

SMALL = DemoOptions(seed=3, cinemas=15, films=30, days=2, start=date(2026, 11, 23))


def quiet() -> Console:
    return Console(file=io.StringIO(), width=100)


def test_demo_builds_once_then_reuses(engine: Engine) -> None:
    first = prepare_demo(engine, SMALL, quiet())
    assert not first.reused and first.cinemas == 15 and first.showtimes > 100
    again = prepare_demo(engine, SMALL, quiet())
    assert again.reused
    assert (again.cinemas, again.showtimes) == (first.cinemas, first.showtimes)


def test_reset_rebuilds_with_the_new_seed(engine: Engine) -> None:
    prepare_demo(engine, SMALL, quiet())
    rebuilt = prepare_demo(engine, DemoOptions(seed=4, cinemas=12, films=30, days=2, reset=True), quiet())
    assert not rebuilt.reused and rebuilt.cinemas == 12
    assert demo_seed(engine) == (4, 12)


def test_a_database_with_real_cinemas_is_refused_even_with_reset(engine: Engine) -> None:
    with transaction(engine) as session:
        session.add(Cinema(id=1000035, cnc_region=1, cnc_number=35, name="Le Balzac", postcode="75008"))
    with pytest.raises(Conflict, match="LANTERNE_DATABASE_URL"):
        prepare_demo(engine, DemoOptions(reset=True), quiet())
    assert count(engine).cinemas == 1


def test_the_demo_command_builds_without_serving(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    environment = {"LANTERNE_DATABASE_URL": url, "LANTERNE_SCHEDULER": "false"}
    arguments = ["demo", "--no-serve", "--cinemas", "10", "--films", "20", "--days", "2", "--seed", "5"]
    result = CliRunner().invoke(app, arguments, env=environment)
    assert result.exit_code == 0, result.output
    assert "Séances" in result.output
    assert demo_seed(engine) == (5, 10)
    again = CliRunner().invoke(app, arguments, env=environment)
    assert again.exit_code == 0 and "réutilisée" in again.output
    assert count(engine).cinemas == 10


def test_the_demo_command_refuses_a_real_catalog_with_a_clear_message(engine: Engine) -> None:
    with transaction(engine) as session:
        session.add(Cinema(id=1000035, cnc_region=1, cnc_number=35, name="Le Balzac", postcode="75008"))
    url = engine.url.render_as_string(hide_password=False)
    environment = {"LANTERNE_DATABASE_URL": url, "LANTERNE_SCHEDULER": "false", "COLUMNS": "200"}
    result = CliRunner().invoke(app, ["demo", "--no-serve", "--reset"], env=environment)
    assert result.exit_code == 2
    assert "pas de la démo" in result.output
    assert count(engine).cinemas == 1
