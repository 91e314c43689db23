"""Tables of the audience: participation, consent receipts, visitors, events, segments, exports.

No IP address is stored anywhere; a visitor is a random id the tag drew on one site, with consent.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lanterne.db import Base, UTCDateTime, utcnow


class Participation(Base):
    """A member cinema taking part: contract with the partner, and the domains its tag may run on."""

    __tablename__ = "audience_participations"

    cinema_id: Mapped[int] = mapped_column(ForeignKey("cinemas.id"), primary_key=True)
    site_key: Mapped[str] = mapped_column(String(40), unique=True)  # public id the tag sends
    partner: Mapped[str | None] = mapped_column(String(200))
    contract_signed_on: Mapped[date | None] = mapped_column(Date)
    domains: Mapped[list[str]] = mapped_column(JSON, default=list)  # site and ticketing hosts
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    tag_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    tag_check: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # last verification, per URL
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConsentReceipt(Base):
    """Proof of one choice (refusals too): which site, which purposes, which policy, until when."""

    __tablename__ = "audience_consents"
    __table_args__ = (CheckConstraint("source IN ('tcf','gcm','banner','ticketing')", name="source"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    cinema_id: Mapped[int] = mapped_column(ForeignKey("cinemas.id"), index=True)
    visitor_id: Mapped[str | None] = mapped_column(String(36), index=True)  # None on refusal
    granted: Mapped[bool] = mapped_column(Boolean)
    share_with_partners: Mapped[bool] = mapped_column(Boolean, default=False)
    purposes: Mapped[list[str]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(10))
    policy_version: Mapped[str] = mapped_column(String(40))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Visitor(Base):
    """A consented visitor of one site; hashed contact points only with the partner-sharing consent."""

    __tablename__ = "audience_visitors"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    cinema_id: Mapped[int] = mapped_column(ForeignKey("cinemas.id"), index=True)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    email_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    phone_sha256: Mapped[str | None] = mapped_column(String(64))
    contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # last time an identifier came in


class Event(Base):
    """One thing a consented visitor did; carries the receipt that allowed it."""

    __tablename__ = "audience_events"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('page_view','film_page','booking_started','booking_completed')", name="kind"
        ),
        Index("ix_audience_events_visitor_time", "visitor_id", "occurred_at"),
        Index("ix_audience_events_time", "occurred_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the tag's event id: duplicates dropped
    visitor_id: Mapped[str] = mapped_column(ForeignKey("audience_visitors.id", ondelete="CASCADE"))
    cinema_id: Mapped[int] = mapped_column(ForeignKey("cinemas.id"))
    receipt_id: Mapped[str] = mapped_column(ForeignKey("audience_consents.id"))
    kind: Mapped[str] = mapped_column(String(20))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    path: Mapped[str | None] = mapped_column(String(500))  # no query string but UTM and click ids
    film_id: Mapped[int | None] = mapped_column(Integer)
    campaign: Mapped[dict[str, str] | None] = mapped_column(JSON)  # utm_* and click ids


class DailyCount(Base):
    """Anonymous aggregates kept after events expire: per cinema, day and kind."""

    __tablename__ = "audience_daily_counts"

    cinema_id: Mapped[int] = mapped_column(ForeignKey("cinemas.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    events: Mapped[int] = mapped_column(Integer, default=0)


class SegmentDefinition(Base):
    """A versioned segment: a new definition is a new version; memberships name the version."""

    __tablename__ = "audience_segments"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    criteria: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SegmentMember(Base):
    __tablename__ = "audience_segment_members"

    segment_id: Mapped[int] = mapped_column(ForeignKey("audience_segments.id"), primary_key=True)
    visitor_id: Mapped[str] = mapped_column(
        ForeignKey("audience_visitors.id", ondelete="CASCADE"), primary_key=True
    )
    cinema_id: Mapped[int] = mapped_column(ForeignKey("cinemas.id"), index=True)
    evaluated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Forgotten(Base):
    """Visitors who asked to be forgotten: kept as hashes only, so future exports send their removal."""

    __tablename__ = "audience_forgotten"

    visitor_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    email_sha256: Mapped[str | None] = mapped_column(String(64))
    phone_sha256: Mapped[str | None] = mapped_column(String(64))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PartnerExport(Base):
    """Every export to a partner: what, how many, and the file's digest; the log the union shows."""

    __tablename__ = "audience_exports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner: Mapped[str] = mapped_column(String(40))
    segment_id: Mapped[int | None] = mapped_column(ForeignKey("audience_segments.id"))  # None: conversions
    kind: Mapped[str] = mapped_column(String(30))  # customer_list, conversions
    added: Mapped[int] = mapped_column(Integer)
    removed: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ExportedMember(Base):
    """Who a partner currently holds, so the next run sends removals."""

    __tablename__ = "audience_exported_members"

    partner: Mapped[str] = mapped_column(String(40), primary_key=True)
    segment_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    hashed_id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 email or phone
    visitor_id: Mapped[str] = mapped_column(String(36), index=True)


class Campaign(Base):
    """A distributor's campaign run on the delivered segments; its revenue is shared among cinemas."""

    __tablename__ = "audience_campaigns"
    __table_args__ = (CheckConstraint("revenue_cents >= 0", name="revenue_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    month: Mapped[str] = mapped_column(String(7))  # 2026-11
    revenue_cents: Mapped[int] = mapped_column(BigInteger)
    segment_keys: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RevenueShare(Base):
    """One cinema's share of one campaign, in cents; `held` when its count jumped suspiciously."""

    __tablename__ = "audience_revenue_shares"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("audience_campaigns.id"), primary_key=True)
    cinema_id: Mapped[int] = mapped_column(ForeignKey("cinemas.id"), primary_key=True)
    people: Mapped[int] = mapped_column(Integer)
    floor_cents: Mapped[int] = mapped_column(BigInteger)
    proportional_cents: Mapped[int] = mapped_column(BigInteger)
    total_cents: Mapped[int] = mapped_column(BigInteger)
    held: Mapped[bool] = mapped_column(Boolean, default=False)
