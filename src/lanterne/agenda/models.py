"""Tables of the agenda domain: events and their enrichment, accounts, the audit trail, OpenAgenda pushes.

The enrichment lives here, never on `showtimes`: the sync engine rewrites séances, not what cinemas wrote.
This module also re-publishes the `evenements-cinemas` dataset with the enrichment columns.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lanterne.catalog.models import Showtime
from lanterne.db import Base, UTCDateTime, utcnow

ROLES = ("admin", "contributor")


class Event(Base):
    """An event screening: a séance the box office flagged (`showtime_id`), or one the cinema created
    directly with its own date, time and place. Its status follows the séance's when it has one."""

    __tablename__ = "agenda_events"
    __table_args__ = (
        CheckConstraint("showtime_id IS NOT NULL OR starts_at IS NOT NULL", name="has_a_date"),
        CheckConstraint("age_min IS NULL OR age_min >= 0", name="age_min_positive"),
        Index("ix_agenda_events_cinema_starts", "cinema_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cinema_id: Mapped[int] = mapped_column(ForeignKey("cinemas.id", ondelete="CASCADE"))
    showtime_id: Mapped[int | None] = mapped_column(ForeignKey("showtimes.id"), unique=True)
    title: Mapped[str | None] = mapped_column(String(300))
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    place: Mapped[str | None] = mapped_column(String(300))
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    kind: Mapped[str | None] = mapped_column(String(40))
    audience: Mapped[str | None] = mapped_column(String(200))  # "famille, jeune public"
    host: Mapped[str | None] = mapped_column(String(200))
    guests: Mapped[str | None] = mapped_column(Text)
    partners: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    image_url: Mapped[str | None] = mapped_column(String(1000))
    accessibility: Mapped[str | None] = mapped_column(String(40))  # OpenAgenda codes: "hi,vi"
    age_min: Mapped[int | None] = mapped_column(Integer)
    age_max: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Account(Base):
    """A person who edits events: a union administrator, or a contributor of one or more cinemas.

    No password until the invitation is accepted; an API token is stored only as its hash."""

    __tablename__ = "agenda_accounts"
    __table_args__ = (CheckConstraint("role IN ('admin','contributor')", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    api_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Consecutive wrong passwords, and the lock they earn (see accounts.authenticate).
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AccountCinema(Base):
    """Which cinemas a contributor may edit."""

    __tablename__ = "agenda_account_cinemas"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_accounts.id", ondelete="CASCADE"), primary_key=True
    )
    cinema_id: Mapped[int] = mapped_column(ForeignKey("cinemas.id", ondelete="CASCADE"), primary_key=True)


class AuditEntry(Base):
    """Who changed what, when: the changed fields as {field: [before, after]}."""

    __tablename__ = "agenda_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_accounts.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    action: Mapped[str] = mapped_column(String(40))
    cinema_id: Mapped[int | None] = mapped_column(Integer, index=True)
    event_id: Mapped[int | None] = mapped_column(Integer, index=True)
    diff: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Push(Base):
    """The last push of an event to OpenAgenda, shown to the cinema; its hash makes pushes idempotent."""

    __tablename__ = "agenda_pushes"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_events.id", ondelete="CASCADE"), primary_key=True
    )
    pushed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    result: Mapped[str] = mapped_column(String(20))  # created, updated, cancelled, failed
    openagenda_uid: Mapped[str | None] = mapped_column(String(40))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)


class Location(Base):
    """A cinema's OpenAgenda location, linked by the external id `cineid`."""

    __tablename__ = "agenda_locations"

    cinema_id: Mapped[int] = mapped_column(ForeignKey("cinemas.id", ondelete="CASCADE"), primary_key=True)
    openagenda_uid: Mapped[str] = mapped_column(String(40))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# The agenda pages event séances in start order, a week at a time, by region, department or type: a partial
# index holds only the séances flagged as events (3 % of them), so a filtered page walks events instead of
# every séance. It carries every column the agenda's filters read on `showtimes`, so neither database
# visits the table for the events a filter turns down (`/agenda?region=Bretagne&type=debat` on a million
# séances, SQLite: 1.25 s → 0.10 s as a plain partial index → 0.05 s covering; PostgreSQL, once vacuumed,
# an index-only scan: 97 → 4 ms). Its condition has the form the events dataset's queries use
# (`is_event IS 1` on SQLite): both databases match a partial index by the form of its condition.
_showtimes = Showtime.__table__
EVENT_INDEX_COLUMNS = ("starts_at", "id", "cinema_id", "film_id", "event_headline", "is_event")
showtimes_event_starts = Index(
    "ix_showtimes_event_starts",
    *(_showtimes.c[name] for name in EVENT_INDEX_COLUMNS),
    sqlite_where=_showtimes.c.is_event.is_(True),
    postgresql_where=_showtimes.c.is_event.is_(True),
)
