"""Builders of the agenda tests: member cinemas on a stand-in Monnaie feed, programmes, accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import Engine, insert, select

from lanterne.agenda.accounts import HASHER, session_cookie
from lanterne.agenda.models import Account, AccountCinema
from lanterne.catalog.models import Cinema, Film, Showtime
from lanterne.runtime import Runtime
from lanterne.settings import Settings
from lanterne.stand_ins.faults import Faults
from lanterne.stand_ins.monnaie import MonnaieFeeds
from lanterne.stand_ins.openagenda import OpenAgendaState

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
REX, LUX = 11_000_001, 84_000_002  # Paris (75) and La Réunion (974)
AGENDA, SECRET = "12345678", "cle-secrete-union"
PASSWORD = "un mot de passe long"
PASSWORD_HASH = HASHER.hash(PASSWORD)  # hashed once: argon2 is slow on purpose


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
            .values(email=email, role=role, password_hash=PASSWORD_HASH, active=True, invited_at=NOW)
            .returning(Account.id)
        ).scalar_one()
        for cinema_id in cinemas:
            connection.execute(insert(AccountCinema).values(account_id=account_id, cinema_id=cinema_id))
    return int(account_id)


def later(hours: float) -> datetime:
    return NOW + timedelta(hours=hours)


def sign_in(url: str, email: str, password: str = PASSWORD) -> httpx.Client:
    """A browser-like client signed in through the form (CSRF cookie, then the session cookie)."""
    client = httpx.Client(base_url=url, timeout=10)
    client.get("/espace/connexion")
    form = {"email": email, "password": password, "csrf": client.cookies["lanterne_csrf"]}
    answer = client.post("/espace/connexion", data=form)
    assert answer.status_code == 303, answer.text
    return client


def csrf(client: httpx.Client) -> str:
    return client.cookies["lanterne_csrf"]


def add_flagged_seance(engine: Engine, cinema_id: int, key: str, starts: datetime, headline: str) -> int:
    """A séance the box office flagged as an event, written directly (no vendor round trip needed)."""
    with engine.begin() as connection:
        film_id = connection.execute(select(Film.id).where(Film.title == "Les Feux de l'été")).scalar()
        if film_id is None:
            film_id = connection.execute(
                insert(Film).values(title="Les Feux de l'été", runtime=100).returning(Film.id)
            ).scalar_one()
        values = dict(
            cinema_id=cinema_id, film_id=film_id, starts_at=starts, source="monnaie", external_id=key
        )
        values |= dict(is_event=True, event_headline=headline, status="scheduled", screen="1")
        return int(connection.execute(insert(Showtime).values(**values).returning(Showtime.id)).scalar_one())


def signed_in(url: str, settings: Settings, account_id: int) -> httpx.Client:
    """A client holding a valid session and CSRF cookie, without the (deliberately slow) password check."""
    client = httpx.Client(base_url=url, timeout=10)
    client.cookies.set("lanterne_session", session_cookie(settings, account_id))
    client.cookies.set("lanterne_csrf", "jeton-csrf-de-test")
    return client
