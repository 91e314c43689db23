"""Which cinemas take part, on which domains, and whether their tag is installed and behaves.

The goal is 100 participating cinemas. A site is checked by fetching its pages: the tag must be
there with the cinema's site key, and the page must not load another audience pixel before consent.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import Engine, func, select

from lanterne.audience.models import Participation
from lanterne.catalog.models import Cinema
from lanterne.db import transaction, utcnow
from lanterne.errors import InvalidValue, NotFound

GOAL = 100
THIRD_PARTY_PIXELS = re.compile(
    r"connect\.facebook\.net|googletagmanager\.com/gtag|google-analytics\.com|doubleclick\.net|"
    r"analytics\.tiktok\.com|snap\.licdn\.com",
    re.IGNORECASE,
)
_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9-]{1,63}\.)*[a-z0-9-]{1,63}$")


@dataclass(frozen=True)
class Progress:
    participating: int
    goal: int
    cinemas: list[dict[str, Any]]


def normalize_domain(domain: str) -> str:
    host = (urlsplit(domain).hostname if "//" in domain else domain.split("/")[0].split(":")[0]) or ""
    host = host.strip().lower().rstrip(".")
    if not _HOST.match(host):
        raise InvalidValue("domaine", f"« {domain} » n'est pas un nom de domaine")
    return host


def join(
    engine: Engine, cinema_id: int, domains: list[str], partner: str | None, signed_on: date | None
) -> Participation:
    """Register (or update) a cinema's participation; its site key is drawn once and kept."""
    hosts = sorted({normalize_domain(d) for d in domains})
    if not hosts:
        raise InvalidValue("domaines", "au moins le domaine du site ou de la billetterie")
    with transaction(engine) as session:
        if session.get(Cinema, cinema_id) is None:
            raise NotFound(f"cinéma {cinema_id} inconnu")
        participation = session.get(Participation, cinema_id)
        if participation is None:
            participation = Participation(cinema_id=cinema_id, site_key=secrets.token_urlsafe(12))
            session.add(participation)
        participation.domains, participation.partner = hosts, partner
        participation.contract_signed_on, participation.active = signed_on, True
    return participation


def leave(engine: Engine, cinema_id: int) -> None:
    with transaction(engine) as session:
        participation = session.get(Participation, cinema_id)
        if participation is None:
            raise NotFound(f"cinéma {cinema_id} ne participe pas")
        participation.active = False


def progress(engine: Engine) -> Progress:
    query = (
        select(
            Cinema.id,
            Cinema.name,
            Participation.partner,
            Participation.contract_signed_on,
            Participation.domains,
            Participation.tag_checked_at,
            Participation.tag_check,
        )
        .join(Participation, Participation.cinema_id == Cinema.id)
        .where(Participation.active.is_(True))
        .order_by(Cinema.name)
    )
    with engine.connect() as connection:
        rows = [dict(row._mapping) for row in connection.execute(query)]
        count = connection.scalar(select(func.count()).where(Participation.active.is_(True)))
    return Progress(int(count or 0), GOAL, rows)


def allowed_origin(domains: list[str], origin: str | None) -> bool:
    """An exact registered host, or one of its subdomains (billetterie.cinema.fr for cinema.fr)."""
    host = (urlsplit(origin).hostname or "") if origin else ""
    return any(host == domain or host.endswith("." + domain) for domain in domains)


def check_page(html: str, site_key: str) -> dict[str, Any]:
    """Static check of one page: our tag with this site key, and no third-party pixel loaded directly."""
    tags = re.findall(r"<script[^>]+/audience/tag\.js[^>]*>", html, re.IGNORECASE)
    keyed = [tag for tag in tags if f'data-site="{site_key}"' in tag]
    pixels = sorted(set(THIRD_PARTY_PIXELS.findall(html)))
    return {"tag": bool(keyed), "other_pixels": pixels, "ok": bool(keyed) and not pixels}


def verify(engine: Engine, cinema_id: int, urls: list[str], client: httpx.Client) -> dict[str, Any]:
    """Fetch each page of a participating site and record whether its installation is right."""
    results: dict[str, Any] = {}
    with transaction(engine) as session:
        participation = session.get(Participation, cinema_id)
        if participation is None:
            raise NotFound(f"cinéma {cinema_id} ne participe pas")
        for url in urls:
            results[url] = _check_url(client, url, participation)
        participation.tag_check, participation.tag_checked_at = results, utcnow()
    return results


def _check_url(client: httpx.Client, url: str, participation: Participation) -> dict[str, Any]:
    if not allowed_origin(participation.domains, url):
        return {"ok": False, "error": "domaine non déclaré pour ce cinéma"}
    try:
        response = client.get(url)
    except httpx.HTTPError as error:
        return {"ok": False, "error": f"{type(error).__name__}: {error}"}
    if response.status_code != 200:
        return {"ok": False, "error": f"HTTP {response.status_code}"}
    return check_page(response.text, participation.site_key)
