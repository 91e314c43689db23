"""The collector: validates a batch from the tag, drops bots and duplicates, stores consented events.

Nothing is stored without a valid receipt for that visitor on that site. The IP address is used only
as a daily-keyed hash for rate limiting, never written to the database.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

from sqlalchemy import Connection, Engine
from sqlalchemy.dialects import postgresql, sqlite

from lanterne.audience.consent import valid_receipts
from lanterne.audience.identifiers import check_hash
from lanterne.audience.models import Event, Visitor
from lanterne.errors import InvalidValue

MAX_EVENTS = 20
MAX_BYTES = 4096
KINDS = ("page_view", "film_page", "booking_started", "booking_completed")
CAMPAIGN_KEYS = re.compile(r"^(utm_[a-z]+|gclid|gbraid|wbraid|fbclid|msclkid|dclid|ttclid|twclid)$")
BOTS = re.compile(
    r"bot|crawl|spider|slurp|headless|phantomjs|puppeteer|playwright|selenium|lighthouse|preview|curl|wget|"
    r"python-requests|httpx|go-http|java/|facebookexternalhit|bingpreview",
    re.IGNORECASE,
)


@dataclass
class Batch:
    site_key: str
    receipt_id: str
    visitor_id: str
    automated: bool
    events: list[dict[str, object]] = field(default_factory=list)


def ip_hash(ip: str, secret: str, day: str) -> str:
    """A per-day pseudonym of the address: enough to rate-limit, useless to track across days."""
    return hmac.new(f"{secret}:{day}".encode(), ip.encode(), hashlib.sha256).hexdigest()[:32]


def is_bot(user_agent: str | None, batch: Batch) -> bool:
    return batch.automated or not user_agent or bool(BOTS.search(user_agent))


def _uuid(value: object, name: str) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise InvalidValue(name, "un UUID est attendu") from None


def parse_batch(body: object) -> Batch:
    if not isinstance(body, dict):
        raise InvalidValue("corps", "un objet JSON est attendu")
    events = body.get("events")
    if not isinstance(events, list) or not 0 < len(events) <= MAX_EVENTS:
        raise InvalidValue("events", f"une liste de 1 à {MAX_EVENTS} événements")
    return Batch(
        site_key=str(body.get("site", ""))[:40],
        receipt_id=_uuid(body.get("receipt"), "receipt"),
        visitor_id=_uuid(body.get("visitor"), "visitor"),
        automated=body.get("wd") is True,
        events=[parse_event(event, index) for index, event in enumerate(events)],
    )


def parse_event(event: object, index: int) -> dict[str, object]:
    if not isinstance(event, dict):
        raise InvalidValue("events", "un objet est attendu", index)
    kind = event.get("type")
    if kind not in KINDS:
        raise InvalidValue("type", f"une valeur parmi {', '.join(KINDS)}", index)
    moment = event.get("ts")
    if not isinstance(moment, int | float) or isinstance(moment, bool):
        raise InvalidValue("ts", "l'instant en millisecondes depuis 1970", index)
    path, campaign = clean_url(event.get("url"), index)
    film = event.get("film")
    if film is not None and (not isinstance(film, int) or isinstance(film, bool) or film <= 0):
        raise InvalidValue("film", "l'identifiant entier d'un film", index)
    parsed: dict[str, object] = {
        "id": _uuid(event.get("id"), "id"),
        "kind": kind,
        "film_id": film,
        "path": path,
        "campaign": campaign or None,
        "occurred_at": datetime.fromtimestamp(moment / 1000, UTC),
    }
    for contact in ("email_sha256", "phone_sha256"):
        if event.get(contact) is not None:
            if kind != "booking_completed":
                raise InvalidValue(contact, "seulement sur un achat, avec l'accord de partage", index)
            parsed[contact] = check_hash(event[contact], contact)
    return parsed


def clean_url(value: object, index: int) -> tuple[str | None, dict[str, str]]:
    """The page's path only; of the query string, just UTM parameters and click ids survive."""
    if value is None:
        return None, {}
    if not isinstance(value, str) or len(value) > 2000:
        raise InvalidValue("url", "une adresse de 2 000 caractères au plus", index)
    parts = urlsplit(value)
    campaign = {k: v[:200] for k, v in parse_qsl(parts.query) if CAMPAIGN_KEYS.match(k)}
    return (parts.path or "/")[:500], campaign


def plausible_time(moment: object, now: datetime) -> bool:
    return isinstance(moment, datetime) and now - timedelta(days=7) <= moment <= now + timedelta(hours=1)


def store(engine: Engine, batch: Batch, now: datetime) -> int:
    """Insert one batch's events if its receipt allows it; how many were new (duplicates dropped)."""
    return store_many(engine, [(batch, now)])


def store_many(engine: Engine, received: list[tuple[Batch, datetime]]) -> int:
    """Insert many batches in one transaction: one receipts query, bulk upserts, bulk inserts.

    A batch counts only with a receipt that is granted, unexpired, not withdrawn and its visitor's.
    """
    if not received:
        return 0
    with engine.begin() as connection:
        latest = max(now for _, now in received)
        receipts = valid_receipts(connection, {batch.receipt_id for batch, _ in received}, latest)
        visitors: dict[str, dict[str, object]] = {}
        rows: list[dict[str, object]] = []
        for batch, now in received:
            receipt = receipts.get(batch.receipt_id)
            if receipt is None or receipt[0] != batch.visitor_id:
                continue
            _, cinema_id, share = receipt
            visitors[batch.visitor_id] = _visitor(
                batch, cinema_id, share, now, visitors.get(batch.visitor_id)
            )
            rows += [
                _event_row(e, batch, cinema_id) for e in batch.events if plausible_time(e["occurred_at"], now)
            ]
        _upsert_visitors(connection, list(visitors.values()))
        stored = 0
        if rows:
            # executemany compiles once and batches the rows; RETURNING counts what was really new
            # (rowcount is unreliable for upserts), duplicates being dropped by the primary key.
            inserted = (
                _insert(connection, Event).on_conflict_do_nothing(index_elements=["id"]).returning(Event.id)
            )
            stored = len(connection.execute(inserted, rows).all())
        return stored


def _visitor(
    batch: Batch, cinema_id: int, share: bool, now: datetime, seen: dict[str, object] | None
) -> dict[str, object]:
    """The visitor's row; hashed contact points only when the buyer agreed to sharing with partners."""
    row = seen or {
        "id": batch.visitor_id,
        "cinema_id": cinema_id,
        "first_seen_at": now,
        "last_seen_at": now,
        "email_sha256": None,
        "phone_sha256": None,
        "contact_at": None,
    }
    row["last_seen_at"] = max(now, row["last_seen_at"])  # type: ignore[type-var]
    for event in batch.events if share else []:
        if event.get("email_sha256") or event.get("phone_sha256"):
            row.update(
                email_sha256=event.get("email_sha256"), phone_sha256=event.get("phone_sha256"), contact_at=now
            )
    return row


def _upsert_visitors(connection: Connection, rows: list[dict[str, object]]) -> None:
    with_contact = [row for row in rows if row["contact_at"] is not None]
    without = [row for row in rows if row["contact_at"] is None]
    for group, columns in (
        (without, ("last_seen_at",)),
        (with_contact, ("last_seen_at", "email_sha256", "phone_sha256", "contact_at")),
    ):
        if group:
            statement = _insert(connection, Visitor).values(group)
            update = {column: statement.excluded[column] for column in columns}
            connection.execute(statement.on_conflict_do_update(index_elements=["id"], set_=update))


def _event_row(event: dict[str, object], batch: Batch, cinema_id: int) -> dict[str, object]:
    keep = ("id", "kind", "occurred_at", "path", "film_id", "campaign")
    return {
        **{k: event[k] for k in keep},
        "visitor_id": batch.visitor_id,
        "cinema_id": cinema_id,
        "receipt_id": batch.receipt_id,
    }


def _insert(connection: Connection, table: type[Event] | type[Visitor]):  # type: ignore[no-untyped-def]
    return (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(table)
