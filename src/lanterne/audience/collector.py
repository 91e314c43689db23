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
from typing import cast
from urllib.parse import parse_qsl, urlsplit

from sqlalchemy import Connection, Engine, Table
from sqlalchemy.dialects import postgresql, sqlite

from lanterne.audience import bulk
from lanterne.audience.consent import valid_receipts
from lanterne.audience.identifiers import check_hash
from lanterne.audience.models import Event, Visitor
from lanterne.errors import InvalidValue

EVENTS: Table = Event.__table__  # type: ignore[assignment]
VISITORS: Table = Visitor.__table__  # type: ignore[assignment]
MAX_EVENTS = 20
MAX_BYTES = 4096
KINDS = ("page_view", "film_page", "booking_started", "booking_completed")
CAMPAIGN_KEYS = re.compile(r"^(utm_[a-z]+|gclid|gbraid|wbraid|fbclid|msclkid|dclid|ttclid|twclid)$")
# Matched against the lowercased user-agent: IGNORECASE made this one search 30 µs, half the collector's
# own time per batch; lowercasing first and matching plainly takes 2 µs.
BOTS = re.compile(
    r"bot|crawl|spider|slurp|headless|phantomjs|puppeteer|playwright|selenium|lighthouse|preview|curl|wget|"
    r"python-requests|httpx|go-http|java/|facebookexternalhit|bingpreview"
)
# The canonical spelling the tag sends (crypto.randomUUID); any other spelling takes the full parse.
CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
KIND_SET = frozenset(KINDS)


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


def is_bot(user_agent: str | None, automated: bool) -> bool:
    return automated or not user_agent or bool(BOTS.search(user_agent.lower()))


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


def check_batch(body: object) -> tuple[str, bool, int]:
    """The visitor, the headless flag and the number of events of a valid batch, cheaply.

    The web worker only has to accept or refuse: the flusher parses the batch again to store it. A
    batch in the shape the tag sends passes the quick checks below, which accept nothing `parse_batch`
    would refuse; anything else (another UUID spelling, a contact hash, a malformed field) goes through
    `parse_batch`, which is authoritative and names the field and the event in its 400.
    """
    if isinstance(body, dict):
        events, visitor, receipt = body.get("events"), body.get("visitor"), body.get("receipt")
        if (
            isinstance(events, list)
            and 0 < len(events) <= MAX_EVENTS
            and isinstance(visitor, str)
            and CANONICAL_UUID.fullmatch(visitor)
            and isinstance(receipt, str)
            and CANONICAL_UUID.fullmatch(receipt)
            and all(_plain_event(event) for event in events)
        ):
            return visitor, body.get("wd") is True, len(events)
    batch = parse_batch(body)
    return batch.visitor_id, batch.automated, len(batch.events)


def _plain_event(event: object) -> bool:
    """An event `parse_event` surely accepts: no contact hash, a plain URL, values of the expected types."""
    if not isinstance(event, dict) or "email_sha256" in event or "phone_sha256" in event:
        return False
    kind, moment, url, film, key = (
        event.get("type"),
        event.get("ts"),
        event.get("url"),
        event.get("film"),
        event.get("id"),
    )
    return (
        type(kind) is str
        and kind in KIND_SET
        and (type(moment) is int or type(moment) is float)
        and 0 <= moment < 1e14  # milliseconds: until the year 5138
        # urlsplit refuses an unbalanced IPv6 bracket and some non-ASCII host names
        and (
            url is None
            or (type(url) is str and len(url) <= 2000 and url.isascii() and "[" not in url and "]" not in url)
        )
        and (film is None or (type(film) is int and film > 0))
        and type(key) is str
        and CANONICAL_UUID.fullmatch(key) is not None
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
        "occurred_at": _instant(moment, index),
    }
    for contact in ("email_sha256", "phone_sha256"):
        if event.get(contact) is not None:
            if kind != "booking_completed":
                raise InvalidValue(contact, "seulement sur un achat, avec l'accord de partage", index)
            parsed[contact] = check_hash(event[contact], contact)
    return parsed


def _instant(moment: int | float, index: int) -> datetime:
    try:
        return datetime.fromtimestamp(moment / 1000, UTC)
    except (OverflowError, OSError, ValueError):  # beyond the years Python can represent
        raise InvalidValue("ts", "l'instant en millisecondes depuis 1970", index) from None


def clean_url(value: object, index: int) -> tuple[str | None, dict[str, str]]:
    """The page's path only; of the query string, just UTM parameters and click ids survive."""
    if value is None:
        return None, {}
    if not isinstance(value, str) or len(value) > 2000:
        raise InvalidValue("url", "une adresse de 2 000 caractères au plus", index)
    try:
        parts = urlsplit(value)
    except ValueError:  # an unbalanced IPv6 bracket, a host name that does not survive normalization
        raise InvalidValue("url", "une adresse de 2 000 caractères au plus", index) from None
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
        if connection.dialect.name == "postgresql":  # arrays, one prepared statement each
            bulk.upsert_visitors(connection, list(visitors.values()))
            return bulk.insert_events(connection, rows)
        _upsert_visitors(connection, list(visitors.values()))
        stored = 0
        if rows:
            # executemany compiles once and batches the rows; RETURNING counts what was really new
            # (rowcount is unreliable for upserts), duplicates being dropped by the primary key.
            inserted = (
                _insert(connection, EVENTS)
                .on_conflict_do_nothing(index_elements=["id"])
                .returning(EVENTS.c.id)
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
    row["last_seen_at"] = max(now, cast(datetime, row["last_seen_at"]))
    for event in batch.events if share else []:
        if event.get("email_sha256") or event.get("phone_sha256"):
            row.update(
                email_sha256=event.get("email_sha256"), phone_sha256=event.get("phone_sha256"), contact_at=now
            )
    return row


def _upsert_visitors(connection: Connection, rows: list[dict[str, object]]) -> None:
    """Upserted with executemany, like the events: one statement compiled once and cached, whereas a
    multi-row `.values(rows)` compiled a new statement with a parameter per cell on each flush (70 %
    of the flusher's CPU in one-event batches)."""
    with_contact = [row for row in rows if row["contact_at"] is not None]
    without = [row for row in rows if row["contact_at"] is None]
    for group, columns in (
        (without, ("last_seen_at",)),
        (with_contact, ("last_seen_at", "email_sha256", "phone_sha256", "contact_at")),
    ):
        if group:
            statement = _insert(connection, VISITORS)
            update = {column: statement.excluded[column] for column in columns}
            connection.execute(statement.on_conflict_do_update(index_elements=["id"], set_=update), group)


def _event_row(event: dict[str, object], batch: Batch, cinema_id: int) -> dict[str, object]:
    keep = ("id", "kind", "occurred_at", "path", "film_id", "campaign")
    return {
        **{k: event[k] for k in keep},
        "visitor_id": batch.visitor_id,
        "cinema_id": cinema_id,
        "receipt_id": batch.receipt_id,
    }


def _insert(connection: Connection, table: Table):  # type: ignore[no-untyped-def]
    """The dialect's INSERT, on the table rather than the mapped class: no ORM bulk path per row."""
    return (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(table)
