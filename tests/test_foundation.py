"""The foundation: migrations on both databases, settings, the first web app, scheduled-job leases."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import httpx
import pytest
from sqlalchemy import Engine, inspect, select
from sqlalchemy.exc import IntegrityError

from lanterne.catalog.models import Cinema
from lanterne.db import transaction
from lanterne.jobs import Job, JobLease, claim, run_due
from lanterne.settings import Settings


def make_cinema(**overrides: object) -> Cinema:
    values: dict[str, object] = dict(
        id=1000035,
        cnc_region=1,
        cnc_number=35,
        name="Le Balzac",
        postcode="75008",
        department="75",
        latitude=48.87,
        longitude=2.30,
        art_et_essai=True,
        category="A",
        publish_consent=True,
        connector="cds",
        connector_settings={"api_token": "s3cret"},
    )
    values.update(overrides)
    return Cinema(**values)


def test_migrations_create_the_catalog(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert {"cinemas", "films", "showtimes", "schools", "cinema_admissions", "job_leases"} <= tables


def test_postcode_must_have_five_characters(engine: Engine) -> None:
    with pytest.raises(IntegrityError), transaction(engine) as session:
        session.add(make_cinema(postcode="1000"))


def test_category_is_a_to_e(engine: Engine) -> None:
    with pytest.raises(IntegrityError), transaction(engine) as session:
        session.add(make_cinema(category="Z"))


def test_times_are_stored_in_utc_and_read_back_aware(engine: Engine) -> None:
    with transaction(engine) as session:
        cinema = make_cinema(consent_at=datetime.fromisoformat("2026-09-01T10:00:00+02:00"))
        session.add(cinema)
    with transaction(engine) as session:
        stored = session.scalars(select(Cinema.consent_at)).one()
    assert stored == datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    assert stored.tzinfo is not None


def test_naive_times_are_refused(engine: Engine) -> None:
    with pytest.raises(Exception, match="naive"), transaction(engine) as session:
        session.add(make_cinema(consent_at=datetime(2026, 9, 1, 10, 0)))


def test_secrets_stay_out_of_repr() -> None:
    assert "s3cret" not in repr(make_cinema())


def test_settings_read_environment_then_toml(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    from pathlib import Path

    config = Path(str(tmp_path)) / "lanterne.toml"
    config.write_text('sync_days = 14\ndatabase_url = "sqlite:///from-toml.db"\n')
    monkeypatch.setenv("LANTERNE_CONFIG", str(config))
    monkeypatch.setenv("LANTERNE_DATABASE_URL", "sqlite:///from-env.db")
    settings = Settings.load()
    assert settings.sync_days == 14
    assert settings.database_url == "sqlite:///from-env.db"


def test_default_database_is_a_sqlite_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LANTERNE_DATABASE_URL", raising=False)
    monkeypatch.delenv("LANTERNE_CONFIG", raising=False)
    assert Settings.load().database_url == "sqlite:///lanterne.db"


def test_health_and_cinemas_over_http(engine: Engine, live_app: str) -> None:
    with transaction(engine) as session:
        session.add(make_cinema())
    assert httpx.get(f"{live_app}/health").json()["status"] == "ok"
    cinemas = httpx.get(f"{live_app}/api/cinemas").json()
    assert [c["name"] for c in cinemas] == ["Le Balzac"]
    assert "connector_settings" not in cinemas[0]
    assert "s3cret" not in httpx.get(f"{live_app}/api/cinemas").text


def test_a_due_job_runs_once_however_many_workers(engine: Engine) -> None:
    runs: list[str] = []
    job = Job("nightly", run=lambda: runs.append("ran"), daily_at=time(3, 30))
    now = datetime.now(UTC)
    assert claim(engine, job, now) is False  # registered, due at the next 03:30 Paris time
    later = now + timedelta(days=2)
    assert claim(engine, job, later) is True
    assert claim(engine, job, later) is False  # the second worker finds the lease taken
    with transaction(engine) as session:
        session.get(JobLease, "nightly").leased_until = None  # type: ignore[union-attr]
    assert run_due(engine, [job], later) == ["nightly"]
    assert run_due(engine, [job], later) == []  # next due is tomorrow night
    assert runs == ["ran"]
