"""Re-attaching a cinema keeps Lanterne's own keys; a push token is issued from the command line."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from lanterne.catalog.models import Cinema
from lanterne.cli import app
from lanterne.collect.attach import REPLACED_SOURCES, connect_cinema, describe_cinema
from lanterne.collect.push import TOKEN_KEY, Unauthorized, authenticate, issue_push_token
from lanterne.db import transaction
from lanterne.runtime import Runtime

NOW = datetime(2026, 11, 23, tzinfo=UTC)


@pytest.fixture
def cinema(engine: Engine) -> int:
    with transaction(engine) as session:
        session.add(
            Cinema(
                id=1000035,
                cnc_region=1,
                cnc_number=35,
                name="Le Balzac",
                department="75",
                connector_settings={"demo_seed": 7},
            )
        )
    return 1000035


def settings_of(engine: Engine, cinema_id: int) -> dict[str, object]:
    with engine.connect() as connection:
        return dict(connection.scalar(select(Cinema.connector_settings).where(Cinema.id == cinema_id)) or {})


def test_reconnecting_keeps_the_push_token_and_the_demo_marker_but_not_a_cursor(
    engine: Engine, cinema: int
) -> None:
    token = issue_push_token(engine, cinema)
    connect_cinema(engine, cinema, "ems", {"feed_url": "http://a", "cursor": "86400"}, {"password": "x"}, NOW)
    connect_cinema(engine, cinema, "cds", {"api_url": "http://b"}, {"api_token": "t"}, NOW)
    stored = settings_of(engine, cinema)
    assert (
        stored["demo_seed"] == 7
        and TOKEN_KEY in stored
        and "cursor" not in stored
        and "password" not in stored
    )
    assert sorted(stored["_secret_keys"]) == ["api_token", TOKEN_KEY]  # type: ignore[arg-type]
    authenticate(engine, cinema, token)  # still opens the cinema after re-attachment


def test_the_sources_a_cinema_left_are_remembered_until_the_new_one_replaces_them(
    engine: Engine, cinema: int
) -> None:
    connect_cinema(engine, cinema, "ems", {"feed_url": "http://a"}, {}, NOW)
    assert REPLACED_SOURCES not in settings_of(engine, cinema)  # it had no source before
    connect_cinema(engine, cinema, "cds", {"api_url": "http://b"}, {}, NOW)
    connect_cinema(engine, cinema, "cds", {"api_url": "http://c"}, {}, NOW)  # a corrected setting
    assert settings_of(engine, cinema)[REPLACED_SOURCES] == ["ems"]
    connect_cinema(engine, cinema, "boost", {"api_url": "http://d"}, {}, NOW)
    assert settings_of(engine, cinema)[REPLACED_SOURCES] == ["cds", "ems"]
    connect_cinema(engine, cinema, "ems", {"feed_url": "http://a"}, {}, NOW)  # back to the first
    assert settings_of(engine, cinema)[REPLACED_SOURCES] == ["boost", "cds"]
    assert REPLACED_SOURCES not in describe_cinema(engine, cinema)["connector_settings"]


def test_push_token_command_prints_a_token_that_opens_only_its_cinema(
    engine: Engine, runtime: Runtime, cinema: int
) -> None:
    result = CliRunner().invoke(
        app,
        ["cinemas", "push-token", str(cinema)],
        env={"LANTERNE_DATABASE_URL": runtime.settings.database_url},
    )
    assert result.exit_code == 0, result.output
    token = next(word for word in result.output.split() if word.startswith("lt_"))
    authenticate(engine, cinema, token)
    with pytest.raises(Unauthorized):  # a forged token is no token
        authenticate(engine, cinema, token[:-2] + "xx")
