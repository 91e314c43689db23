"""The flusher's writes on PostgreSQL: each column sent as one array, unnested by a statement whose text
never changes.

A multi-row VALUES (what SQLAlchemy's executemany renders) is a new statement of thousands of
placeholders on every flush: psycopg splits it in Python and PostgreSQL parses and plans it each time,
while a row-by-row upsert costs a statement per visitor. With arrays the statement is parsed once and
prepared by psycopg. SQLite (the embedded setup, with no flusher) keeps the portable executemany.
"""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
from sqlalchemy import Connection, text

# Each parameter is a Python list, which psycopg sends as an array; the casts give it the column's type
# (a list of only None has no type of its own).
UPSERT_VISITORS = text(
    """
INSERT INTO audience_visitors
  (id, cinema_id, first_seen_at, last_seen_at, email_sha256, phone_sha256, contact_at)
SELECT * FROM unnest(
  CAST(:id AS varchar[]), CAST(:cinema_id AS integer[]), CAST(:first_seen_at AS timestamp[]),
  CAST(:last_seen_at AS timestamp[]), CAST(:email_sha256 AS varchar[]), CAST(:phone_sha256 AS varchar[]),
  CAST(:contact_at AS timestamp[]))
ON CONFLICT (id) DO UPDATE SET
  last_seen_at = excluded.last_seen_at,
  email_sha256 = CASE WHEN excluded.contact_at IS NULL THEN audience_visitors.email_sha256
                      ELSE excluded.email_sha256 END,
  phone_sha256 = CASE WHEN excluded.contact_at IS NULL THEN audience_visitors.phone_sha256
                      ELSE excluded.phone_sha256 END,
  contact_at = COALESCE(excluded.contact_at, audience_visitors.contact_at)
"""
)
INSERT_EVENTS = text(
    """
INSERT INTO audience_events
  (id, visitor_id, cinema_id, receipt_id, kind, occurred_at, path, film_id, campaign)
SELECT * FROM unnest(
  CAST(:id AS varchar[]), CAST(:visitor_id AS varchar[]), CAST(:cinema_id AS integer[]),
  CAST(:receipt_id AS varchar[]), CAST(:kind AS varchar[]), CAST(:occurred_at AS timestamp[]),
  CAST(:path AS varchar[]), CAST(:film_id AS integer[]), CAST(:campaign AS json[]))
ON CONFLICT (id) DO NOTHING
RETURNING id
"""
)
VISITOR_COLUMNS = (
    "id",
    "cinema_id",
    "first_seen_at",
    "last_seen_at",
    "email_sha256",
    "phone_sha256",
    "contact_at",
)
EVENT_COLUMNS = (
    "id",
    "visitor_id",
    "cinema_id",
    "receipt_id",
    "kind",
    "occurred_at",
    "path",
    "film_id",
    "campaign",
)


def upsert_visitors(connection: Connection, rows: list[dict[str, object]]) -> None:
    """A visitor seen again gets its last visit; its contact points change only when new ones came."""
    if rows:
        connection.execute(UPSERT_VISITORS, _columns(rows, VISITOR_COLUMNS))


def insert_events(connection: Connection, rows: list[dict[str, object]]) -> int:
    """Insert the events not stored yet (a duplicate id is dropped); how many were new."""
    if not rows:
        return 0
    return len(connection.execute(INSERT_EVENTS, _columns(rows, EVENT_COLUMNS)).all())


def _columns(rows: list[dict[str, object]], names: tuple[str, ...]) -> dict[str, list[object]]:
    return {name: [_cell(row.get(name)) for row in rows] for name in names}


def _cell(value: object) -> object:
    """Instants as naive UTC (the columns' convention, see db.UTCDateTime); JSON as its text."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, dict):
        return orjson.dumps(value).decode()
    return value
