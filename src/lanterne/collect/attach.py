"""Attaching a cinema to its box-office source and recording its consent to publish its programme.

Secrets (tokens, passwords) are stored in the cinema's `connector_settings` and never shown again:
their names are kept under `_secret_keys`, and anything that prints settings or errors masks them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select, update

from lanterne.catalog.models import Cinema
from lanterne.collect.connectors.registry import available
from lanterne.errors import InvalidValue, NotFound

MASK = "••••"
SECRET_KEYS = "_secret_keys"
PUSH_TOKEN_KEY = "push_token_sha256"
# Lanterne's own keys, not the vendor's: re-attaching a cinema keeps its push token and the demo's marker.
# (A vendor's reading position, like EMS's cursor, starts over with the new settings.)
KEPT_ON_RECONNECT = (PUSH_TOKEN_KEY, "demo_seed")
# The sources a cinema left: their future séances are cancelled by the new source's first stored sync.
REPLACED_SOURCES = "_replaced_sources"
# Names that are secret even when staff forgot --secret: better masked twice than printed once.
_SECRET_NAME = re.compile(r"token|password|passwd|pwd|secret|api_?key|credential", re.I)


def connect_cinema(
    engine: Engine,
    cinema_id: int,
    connector: str,
    values: Mapping[str, str],
    secrets: Mapping[str, str],
    now: datetime,
) -> None:
    """Attach the cinema to `connector` with its settings; an unknown connector is refused. Leaving
    a source keeps its séances online until the new source's first sync replaces them."""
    known = available()
    if connector not in known:
        choices = ", ".join(sorted(known)) or "aucun"
        raise InvalidValue("connector", f"connecteur « {connector} » inconnu (connus : {choices})", cinema_id)
    with engine.begin() as connection:
        row = connection.execute(
            select(Cinema.connector, Cinema.connector_settings).where(Cinema.id == cinema_id)
        ).first()
        previous, current = (row.connector, row.connector_settings or {}) if row else (None, {})
        kept = {key: current[key] for key in KEPT_ON_RECONNECT if key in current}
        secret_names = {*secrets, *(key for key in kept if key in current.get(SECRET_KEYS, ()))}
        settings: dict[str, Any] = {**kept, **values, **secrets, SECRET_KEYS: sorted(secret_names)}
        replaced = {*current.get(REPLACED_SOURCES, ()), *([previous] if previous else [])} - {connector}
        if replaced:
            settings[REPLACED_SOURCES] = sorted(replaced)
        done = connection.execute(
            update(Cinema)
            .where(Cinema.id == cinema_id)
            .values(connector=connector, connector_settings=settings, updated_at=now)
        )
        if done.rowcount != 1:
            raise NotFound(f"cinéma {cinema_id} inconnu")


def record_consent(engine: Engine, cinema_id: int, consent: bool, now: datetime) -> None:
    """The cinema agreed (or no longer agrees) to publish its programme; `consent_at` dates the decision."""
    with engine.begin() as connection:
        done = connection.execute(
            update(Cinema)
            .where(Cinema.id == cinema_id)
            .values(publish_consent=consent, consent_at=now, updated_at=now)
        )
        if done.rowcount != 1:
            raise NotFound(f"cinéma {cinema_id} inconnu")


def describe_cinema(engine: Engine, cinema_id: int) -> dict[str, Any]:
    """The cinema's source, consent and settings, secrets masked: what staff may see."""
    columns = (Cinema.id, Cinema.name, Cinema.department, Cinema.connector, Cinema.connector_settings)
    extra = (Cinema.publish_consent, Cinema.consent_at, Cinema.active)
    with engine.connect() as connection:
        row = connection.execute(select(*columns, *extra).where(Cinema.id == cinema_id)).first()
    if row is None:
        raise NotFound(f"cinéma {cinema_id} inconnu")
    described = dict(row._mapping)
    described["connector_settings"] = masked_settings(row.connector_settings or {})
    return described


def is_secret(name: str, settings: Mapping[str, Any]) -> bool:
    return name in settings.get(SECRET_KEYS, ()) or bool(_SECRET_NAME.search(name))


def masked_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    return {
        name: (MASK if is_secret(name, settings) else value)
        for name, value in settings.items()
        if not name.startswith("_")
    }


def connector_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """What a connector receives: the settings without Lanterne's own bookkeeping keys."""
    return {name: value for name, value in settings.items() if not name.startswith("_")}


def redact(message: str, settings: Mapping[str, Any]) -> str:
    """An error message safe to store and show: a vendor URL may carry the token in its query."""
    for name, value in settings.items():
        if isinstance(value, str) and len(value) >= 4 and is_secret(name, settings):
            message = message.replace(value, MASK)
    return message
