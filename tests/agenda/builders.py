"""Builders of the agenda tests: member cinemas on a stand-in Monnaie feed, programmes, accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert

from lanterne.agenda.accounts import HASHER
from lanterne.agenda.models import Account, AccountCinema
from lanterne.catalog.models import Cinema
from lanterne.runtime import Runtime
from lanterne.stand_ins.faults import Faults
from lanterne.stand_ins.monnaie import MonnaieFeeds
from lanterne.stand_ins.openagenda import OpenAgendaState

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
REX, LUX = 11_000_001, 84_000_002  # Paris (75) and La Réunion (974)
AGENDA, SECRET = "12345678", "cle-secrete-union"
PASSWORD = "un mot de passe long"


def film(key: str, title: str, runtime: int = 100) -> dict[str, Any]:
    return {"id": key, "title": title, "directors": "Agnès Morel", "runtime": runtime}


def seance(key: str, film_id: str, day: int, clock: str, headline: str | None = None) -> dict[str, Any]:
    show = {"id": key, "film_id": film_id, "starts_at": f"2026-12-{day:02d}T{clock}:00", "screen": "1"}
    if headline:
        show.update(event=True, headline=headline)
    return {**show, "version": "VF"}


def programme(*shows: dict[str, Any]) -> dict[str, Any]:
    return {"schema_version": 1, "films": [film("F-1", "Les Feux de l'été")], "showtimes": list(shows)}


@dataclass
class World:
    engine: Engine
    runtime: Runtime
    feeds: MonnaieFeeds
    monnaie_url: str
    openagenda: OpenAgendaState
    openagenda_faults: Faults
    openagenda_url: str


def add_cinema(engine: Engine, cinema_id: int, department: str, url: str, code: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            insert(Cinema).values(
                id=cinema_id,
                cnc_region=cinema_id // 1_000_000,
                cnc_number=cinema_id % 1_000_000,
                name=f"Cinéma {code.capitalize()}",
                address="3 rue des Écoles",
                postcode="75005" if department == "75" else "97400",
                commune="Paris" if department == "75" else "Saint-Denis",
                department=department,
                region="Île-de-France" if department == "75" else "La Réunion",
                latitude=48.85,
                longitude=2.34,
                publish_consent=True,
                consent_at=NOW,
                connector="monnaie",
                connector_settings={
                    "feed_url": f"{url}/programme/{code}",
                    "token": f"t-{code}",
                    "_secret_keys": ["token"],
                },
            )
        )


def add_account(engine: Engine, email: str, role: str, *cinemas: int) -> int:
    with engine.begin() as connection:
        account_id = connection.execute(
            insert(Account)
            .values(email=email, role=role, password_hash=HASHER.hash(PASSWORD), active=True, invited_at=NOW)
            .returning(Account.id)
        ).scalar_one()
        for cinema_id in cinemas:
            connection.execute(insert(AccountCinema).values(account_id=account_id, cinema_id=cinema_id))
    return int(account_id)


def later(hours: float) -> datetime:
    return NOW + timedelta(hours=hours)
