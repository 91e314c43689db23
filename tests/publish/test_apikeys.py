"""API keys: shown once, stored hashed, listed without the key, revoked by name or prefix — via the CLI."""

from __future__ import annotations

from sqlalchemy import Engine, select
from typer.testing import CliRunner

from lanterne.cli import app
from lanterne.publish import apikeys
from lanterne.publish.models import ApiKey
from lanterne.settings import Settings


def _run(settings: Settings, *args: str) -> tuple[int, str]:
    env = {"LANTERNE_DATABASE_URL": settings.database_url}
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.output


def test_create_prints_the_key_once_and_stores_only_its_hash(settings: Settings, engine: Engine) -> None:
    code, output = _run(settings, "apikey", "create", "Le Monde")
    assert code == 0
    key = output.strip().splitlines()[-1]
    assert key.startswith("lnt_") and len(key) > 40
    with engine.connect() as connection:
        stored = connection.execute(select(ApiKey.key_hash, ApiKey.prefix)).one()
    assert stored.key_hash == apikeys.key_hash(key) and key not in stored
    assert apikeys.is_valid(engine, apikeys.key_hash(key))
    code, listing = _run(settings, "apikey", "list")
    assert code == 0 and "Le Monde" in listing and stored.prefix in listing and key not in listing


def test_duplicate_names_are_refused(settings: Settings) -> None:
    assert _run(settings, "apikey", "create", "agenda")[0] == 0
    code, output = _run(settings, "apikey", "create", "agenda")
    assert code == 2 and "existe déjà" in output


def test_revoke_by_name_or_prefix(settings: Settings, engine: Engine) -> None:
    first = apikeys.create_key(engine, "carte")
    second = apikeys.create_key(engine, "appli")
    assert _run(settings, "apikey", "revoke", "carte")[0] == 0
    assert _run(settings, "apikey", "revoke", second[: apikeys.SHOWN])[0] == 0
    assert not apikeys.is_valid(engine, apikeys.key_hash(first))
    assert not apikeys.is_valid(engine, apikeys.key_hash(second))
    assert [key.revoked_at is not None for key in apikeys.list_keys(engine)] == [True, True]
    code, output = _run(settings, "apikey", "revoke", "inconnue")
    assert code == 2 and "aucune clé" in output
