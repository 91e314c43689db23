"""`lanterne sync`, `lanterne sync status` and `lanterne cinemas connect/show/consent`."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from lanterne.catalog.models import Cinema
from lanterne.cli import app
from lanterne.collect.connectors import registry
from lanterne.collect.models import SyncRun
from lanterne.db import utcnow
from lanterne.stand_ins.server import serve_in_thread

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from stand_ins.programme_feed import TOKEN, Feed, FeedConnector, add_cinema, create_app, make_programme

runner = CliRunner()


@pytest.fixture
def cli_env(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The CLI builds its own Runtime from the environment: point it at the test database."""
    monkeypatch.setenv("LANTERNE_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("LANTERNE_SYNC_DAYS", "3")
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.setitem(registry.BUILT_IN, "feed", FeedConnector)
    feed = Feed()
    with serve_in_thread(create_app(feed)) as url:
        today = datetime.now(ZoneInfo("Europe/Paris")).date()
        feed.programmes["a"] = make_programme("a", today, days=3)
        feed.programmes["b"] = make_programme("b", today, days=3)
        feed.programmes["b"]["showtimes"][0]["start"] = "jamais"
        yield url


def connect(cinema_id: int, url: str, key: str, token: str = TOKEN) -> str:
    arguments = ["cinemas", "connect", str(cinema_id), "--connector", "feed", "--set", f"url={url}"]
    result = runner.invoke(app, [*arguments, "--set", f"key={key}", "--secret", "token"], input=f"{token}\n")
    assert result.exit_code == 0, result.output
    return result.output


def test_connect_stores_settings_and_never_echoes_the_secret(engine: Engine, cli_env: str) -> None:
    add_cinema(engine, 1_000_001, connector=None)
    output = connect(1_000_001, cli_env, "a", token="tres-secret-42")
    assert "tres-secret-42" not in output and "token (secret)" in output
    with engine.connect() as connection:
        row = connection.execute(select(Cinema.connector, Cinema.connector_settings)).one()
    assert row.connector == "feed" and row.connector_settings["token"] == "tres-secret-42"
    shown = runner.invoke(app, ["cinemas", "show", "1000001"])
    assert shown.exit_code == 0 and "tres-secret-42" not in shown.output
    assert "token = ••••" in shown.output and f"url = {cli_env}" in shown.output


def test_a_setting_named_like_a_secret_is_masked_too(engine: Engine, cli_env: str) -> None:
    add_cinema(engine, 1_000_001, connector=None)
    arguments = [
        "cinemas",
        "connect",
        "1000001",
        "--connector",
        "feed",
        "--set",
        "api_token=visible-by-mistake",
    ]
    assert runner.invoke(app, arguments).exit_code == 0
    shown = runner.invoke(app, ["cinemas", "show", "1000001"]).output
    assert "visible-by-mistake" not in shown and "api_token = ••••" in shown


def test_connect_refuses_an_unknown_connector_or_cinema(engine: Engine, cli_env: str) -> None:
    add_cinema(engine, 1_000_001, connector=None)
    unknown = runner.invoke(app, ["cinemas", "connect", "1000001", "--connector", "minitel"])
    assert unknown.exit_code == 2 and "minitel" in unknown.output and "feed" in unknown.output
    missing = runner.invoke(app, ["cinemas", "connect", "42", "--connector", "feed", "--set", "url=x"])
    assert missing.exit_code == 2 and "42" in missing.output
    malformed = runner.invoke(app, ["cinemas", "connect", "1000001", "--connector", "feed", "--set", "url"])
    assert malformed.exit_code == 2 and "clé=valeur" in malformed.output


def test_consent_is_recorded_with_its_date(engine: Engine, cli_env: str) -> None:
    add_cinema(engine, 1_000_001, publish_consent=False)
    assert runner.invoke(app, ["cinemas", "consent", "1000001", "--yes"]).exit_code == 0
    with engine.connect() as connection:
        given = connection.execute(select(Cinema.publish_consent, Cinema.consent_at)).one()
    assert given.publish_consent is True and given.consent_at.date() == utcnow().date()
    assert runner.invoke(app, ["cinemas", "consent", "1000001", "--no"]).exit_code == 0
    with engine.connect() as connection:
        assert connection.execute(select(Cinema.publish_consent)).scalar() is False
    assert "oui" not in runner.invoke(app, ["cinemas", "show", "1000001"]).output


def test_sync_then_status_shows_each_cinemas_last_run(engine: Engine, cli_env: str) -> None:
    add_cinema(engine, 1_000_001, connector=None)
    add_cinema(engine, 1_000_002, connector=None)
    connect(1_000_001, cli_env, "a")
    connect(1_000_002, cli_env, "b")
    result = runner.invoke(app, ["sync"])
    assert result.exit_code == 0, result.output
    assert "2 cinéma(s) : 23 ajoutée(s)" in result.output and "2/2" in result.output
    status = runner.invoke(app, ["sync", "status"])
    assert status.exit_code == 0 and "ok" in status.output and "partial" in status.output
    with engine.connect() as connection:
        partial = connection.execute(select(SyncRun.id).where(SyncRun.status == "partial")).scalar_one()
    detail = runner.invoke(app, ["sync", "status", "--run", str(partial)])
    assert "séance b-0-0 [starts_at]" in detail.output


def test_sync_of_one_cinema_that_fails_exits_non_zero(engine: Engine, cli_env: str) -> None:
    add_cinema(engine, 1_000_001, connector=None)
    add_cinema(engine, 1_000_002, connector=None)
    connect(1_000_001, cli_env, "a", token="wrong-token")
    connect(1_000_002, cli_env, "b")
    only = runner.invoke(app, ["sync", "--cinema", "1000002"])
    assert only.exit_code == 0 and "1 cinéma(s)" in only.output
    failing = runner.invoke(app, ["sync", "--connector", "feed"])
    assert failing.exit_code == 1 and "HTTP 401" in failing.output and "wrong-token" not in failing.output
    history = runner.invoke(app, ["sync", "status", "--cinema", "1000001"])
    assert "failed" in history.output


def test_window_days_come_from_the_settings(engine: Engine, cli_env: str) -> None:
    add_cinema(engine, 1_000_001, connector=None)
    connect(1_000_001, cli_env, "a")
    assert runner.invoke(app, ["sync"]).exit_code == 0
    # the feed has 3 days × 4 séances, all inside a 3-day window
    with engine.connect() as connection:
        assert connection.execute(select(SyncRun.inserted)).scalar() == 12
