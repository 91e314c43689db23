"""`lanterne agenda push` (dry run and real, against the stand-in OpenAgenda) and `lanterne agenda invite`."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select
from tests.agenda.builders import AGENDA, REX, SECRET, World, add_flagged_seance
from typer.testing import CliRunner

from lanterne.agenda.models import Account
from lanterne.cli import app

runner = CliRunner()
FAR = datetime(2100, 1, 15, 19, 0, tzinfo=UTC)  # the CLI pushes what lies ahead of the real today


@pytest.fixture
def cli_env(world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    """The CLI builds its own Runtime from the environment: point it at the test database and stand-in."""
    monkeypatch.setenv("LANTERNE_DATABASE_URL", world.engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("LANTERNE_OPENAGENDA_URL", world.openagenda_url)
    monkeypatch.setenv("LANTERNE_OPENAGENDA_AGENDA_UID", AGENDA)
    monkeypatch.setenv("LANTERNE_OPENAGENDA_SECRET_KEY", SECRET)
    add_flagged_seance(world.engine, REX, "S-9", FAR, "Nuit du court métrage")
    return world


def test_push_dry_run_then_for_real(cli_env: World) -> None:
    dry = runner.invoke(app, ["agenda", "push", "--dry-run", "--cinema", str(REX)])
    assert dry.exit_code == 0, dry.output
    assert '"Nuit du court métrage"' in dry.output and cli_env.openagenda.events == {}
    done = runner.invoke(app, ["agenda", "push"])
    assert done.exit_code == 0 and "1 créé(s)" in done.output
    assert runner.invoke(app, ["agenda", "push"]).output.startswith(
        "0 créé(s), 0 modifié(s), 0 annulé(s), 1 inchangé"
    )


def test_push_without_settings_says_so(cli_env: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LANTERNE_OPENAGENDA_SECRET_KEY")
    result = runner.invoke(app, ["agenda", "push"])
    assert result.exit_code == 2 and "pas configuré" in result.output


def test_invite(cli_env: World, engine: Engine, smtp_server, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = cli_env.runtime.settings
    monkeypatch.setenv("LANTERNE_SMTP_PORT", str(settings.smtp_port))
    result = runner.invoke(
        app, ["agenda", "invite", "lea@example.fr", "--role", "contributor", "--cinema", str(REX)]
    )
    assert result.exit_code == 0, result.output
    assert smtp_server.messages[0]["To"] == "lea@example.fr"
    refused = runner.invoke(app, ["agenda", "invite", "x@example.fr", "--role", "contributor"])
    assert refused.exit_code == 2 and "au moins un cinéma" in refused.output
    with engine.connect() as connection:
        assert connection.scalars(select(Account.email)).all() == ["lea@example.fr"]
