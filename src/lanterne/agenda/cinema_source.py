"""The union administrators' page of a cinema: its box-office connector and settings (secrets
write-only), its consent to publish, its last sync runs with their rejected records.

A secret left blank in the form keeps its stored value, so nobody has to read a secret to edit the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, insert, select

from lanterne.agenda.accounts import Viewer
from lanterne.agenda.models import AuditEntry
from lanterne.catalog.models import Cinema
from lanterne.collect.attach import MASK, SECRET_KEYS, connect_cinema, describe_cinema, record_consent
from lanterne.collect.connectors.registry import available
from lanterne.collect.runs import list_runs, run_detail
from lanterne.errors import InvalidValue, NotFound

RUNS_SHOWN = 10


def cinema_overview(engine: Engine, viewer: Viewer, cinema_id: int) -> dict[str, Any]:
    """What an administrator sees of a cinema; secrets appear as « •••• », never in clear."""
    viewer.require_admin()
    described = describe_cinema(engine, cinema_id)
    runs = [run_detail(engine, run["id"]) for run in list_runs(engine, cinema=cinema_id, limit=RUNS_SHOWN)]
    with engine.connect() as connection:
        stored = connection.scalar(select(Cinema.connector_settings).where(Cinema.id == cinema_id)) or {}
    secrets = sorted(stored.get(SECRET_KEYS, ()))
    return {**described, "secret_names": secrets, "runs": runs, "connectors": sorted(available())}


def parse_lines(text: str, field: str) -> dict[str, str]:
    """`name=value` lines of the form's text areas; a line without `=` names its line."""
    found: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, sep, value = line.partition("=")
        if not sep or not name.strip():
            raise InvalidValue(field, "« nom=valeur » attendu", number)
        found[name.strip()] = value.strip()
    return found


def update_source(
    engine: Engine,
    viewer: Viewer,
    cinema_id: int,
    connector: str,
    values: Mapping[str, str],
    secrets: Mapping[str, str],
    now: datetime,
) -> None:
    """Attach the cinema to its box office; a blank (or masked) secret keeps the stored one."""
    viewer.require_admin()
    with engine.connect() as connection:
        stored = connection.scalar(select(Cinema.connector_settings).where(Cinema.id == cinema_id))
    if stored is None:
        raise NotFound(f"cinéma {cinema_id} inconnu")
    kept = {name: stored[name] for name in stored.get(SECRET_KEYS, ()) if name in stored}
    fresh = {name: value for name, value in secrets.items() if value and value != MASK}
    connect_cinema(engine, cinema_id, connector, values, {**kept, **fresh}, now)
    diff = {"connector": connector, "settings": sorted(values), "secrets_changed": sorted(fresh)}
    _audit(engine, viewer, now, "cinema-source", cinema_id, diff)


def set_consent(engine: Engine, viewer: Viewer, cinema_id: int, consent: bool, now: datetime) -> None:
    viewer.require_admin()
    record_consent(engine, cinema_id, consent, now)
    _audit(engine, viewer, now, "cinema-consent", cinema_id, {"publish_consent": consent})


def _audit(
    engine: Engine, viewer: Viewer, now: datetime, action: str, cinema_id: int, diff: dict[str, Any]
) -> None:
    with engine.begin() as connection:
        connection.execute(
            insert(AuditEntry).values(
                account_id=viewer.account_id, at=now, action=action, cinema_id=cinema_id, diff=diff
            )
        )
