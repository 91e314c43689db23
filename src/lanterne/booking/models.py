"""Tables of the youth culture pass: structures, venues, bank accounts, offers, stocks, beneficiaries,
bookings, counter throttling, custom reimbursement rules, pricings, batches and payments.

Integrity lives in the database too: a stock can never hold more bookings than its jauge (CHECK), a
countermark is unique, a booking is priced at most once.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Mapped, mapped_column

from lanterne.db import Base, UTCDateTime, utcnow

BOOKING_STATUSES = ("confirmed", "used", "cancelled")


class Structure(Base):
    """A structure juridique (company or association) known by its SIREN; it owns bank accounts."""

    __tablename__ = "pass_structures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    siren: Mapped[str] = mapped_column(String(9), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Venue(Base):
    """A lieu: one cinema of a structure, known by its SIRET, with its pass settings."""

    __tablename__ = "pass_venues"
    __table_args__ = (
        CheckConstraint("single_price_cents IS NULL OR single_price_cents >= 0", name="price_positive"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    structure_id: Mapped[int] = mapped_column(ForeignKey("pass_structures.id"), index=True)
    siret: Mapped[str] = mapped_column(String(14), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    cinema_id: Mapped[int | None] = mapped_column(ForeignKey("cinemas.id"), index=True)
    booking_email: Mapped[str] = mapped_column(String(300))
    withdrawal_details: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(String(300))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    single_price_cents: Mapped[int | None] = mapped_column(Integer)  # "Tarif unique" of imported offers
    capacity: Mapped[int | None] = mapped_column(Integer)  # "jauge" of imported stocks; empty = unlimited
    import_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BankAccount(Base):
    """A structure's bank account (IBAN + BIC), paid by reimbursement batches."""

    __tablename__ = "pass_bank_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    structure_id: Mapped[int] = mapped_column(ForeignKey("pass_structures.id"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    holder: Mapped[str] = mapped_column(String(70))
    iban: Mapped[str] = mapped_column(String(34))
    bic: Mapped[str] = mapped_column(String(11))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VenueBankAccount(Base):
    """Which account pays a venue from `starts_on` to `ends_on` (inclusive; empty = still open)."""

    __tablename__ = "pass_venue_bank_accounts"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
        Index("ix_pass_venue_bank_accounts_venue_starts", "venue_id", "starts_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("pass_venues.id"))
    bank_account_id: Mapped[int] = mapped_column(ForeignKey("pass_bank_accounts.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)


class Offer(Base):
    """An offre: made by hand, or imported (one per film per venue) from the cinema's programme."""

    __tablename__ = "pass_offers"
    __table_args__ = (
        UniqueConstraint("venue_id", "film_id"),
        CheckConstraint("source IN ('manual','import')", name="source"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("pass_venues.id"), index=True)
    film_id: Mapped[int | None] = mapped_column(ForeignKey("films.id"))
    source: Mapped[str] = mapped_column(String(10), default="manual")
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    image_url: Mapped[str | None] = mapped_column(String(1000))
    runtime: Mapped[int | None] = mapped_column(Integer)  # minutes
    is_duo: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # the venue's choice; the import keeps it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Stock(Base):
    """A stock: one date and time of an offer, with a price and a quantity (empty = unlimited).

    `booked` is kept by atomic conditional UPDATEs; the CHECK makes overselling impossible even if a
    code path forgot the condition. The `*_edited` flags record the venue's choices the import keeps.
    """

    __tablename__ = "pass_stocks"
    __table_args__ = (
        CheckConstraint("price_cents >= 0", name="price_positive"),
        CheckConstraint("booked >= 0", name="booked_positive"),
        CheckConstraint("quantity IS NULL OR booked <= quantity", name="never_oversold"),
        Index("ix_pass_stocks_offer_starts", "offer_id", "starts_at"),
        Index("ix_pass_stocks_starts", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("pass_offers.id"))
    showtime_id: Mapped[int | None] = mapped_column(ForeignKey("showtimes.id"), unique=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[str | None] = mapped_column(String(4))
    price_cents: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int | None] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    price_edited: Mapped[bool] = mapped_column(Boolean, default=False)
    quantity_edited: Mapped[bool] = mapped_column(Boolean, default=False)


class Beneficiary(Base):
    """A young person with a credit to spend before it expires."""

    __tablename__ = "pass_beneficiaries"
    __table_args__ = (CheckConstraint("balance_cents >= 0", name="balance_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(300), unique=True)
    phone: Mapped[str | None] = mapped_column(String(30))
    credit_cents: Mapped[int] = mapped_column(Integer)
    balance_cents: Mapped[int] = mapped_column(Integer)
    credit_expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Booking(Base):
    """A réservation: quantity 1 (2 on duo offers), its contremarque and where it stands."""

    __tablename__ = "pass_bookings"
    __table_args__ = (
        CheckConstraint("quantity IN (1, 2)", name="quantity"),
        CheckConstraint("status IN ('confirmed','used','cancelled')", name="status"),
        CheckConstraint("validated_by IS NULL OR validated_by IN ('venue','auto')", name="validated_by"),
        Index("ix_pass_bookings_venue_status", "venue_id", "status"),
        Index("ix_pass_bookings_status_show", "status", "show_starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    countermark: Mapped[str] = mapped_column(String(6), unique=True)
    stock_id: Mapped[int] = mapped_column(ForeignKey("pass_stocks.id"), index=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("pass_venues.id"))
    offer_id: Mapped[int] = mapped_column(ForeignKey("pass_offers.id"))
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("pass_beneficiaries.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_cents: Mapped[int] = mapped_column(Integer)
    amount_cents: Mapped[int] = mapped_column(Integer)
    show_starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default="confirmed")
    booked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cancellation_limit_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by: Mapped[str | None] = mapped_column(String(20))  # beneficiary, venue, programme
    cancellation_reason: Mapped[str | None] = mapped_column(String(500))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    validated_by: Mapped[str | None] = mapped_column(String(10))


class CounterFailure(Base):
    """One failed countermark lookup at a guichet; counted over the last minute to throttle guessing."""

    __tablename__ = "pass_counter_failures"
    __table_args__ = (Index("ix_pass_counter_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(60))  # "venue:12"
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class CustomRule(Base):
    """A reimbursement rule replacing the scale for one offer or one venue over a date range.

    It gives either a rate in basis points (10,000 = 100 %) or a fixed amount per seat in cents.
    """

    __tablename__ = "pass_custom_rules"
    __table_args__ = (
        CheckConstraint("(offer_id IS NULL) <> (venue_id IS NULL)", name="offer_or_venue"),
        CheckConstraint("(rate_bp IS NULL) <> (amount_cents IS NULL)", name="rate_or_amount"),
        CheckConstraint("rate_bp IS NULL OR (rate_bp >= 0 AND rate_bp <= 10000)", name="rate_range"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("pass_offers.id"))
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("pass_venues.id"))
    rate_bp: Mapped[int | None] = mapped_column(Integer)
    amount_cents: Mapped[int | None] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)


class ReimbursementBatch(Base):
    """The reimbursement of one fortnight (1st–15th or 16th–end of month)."""

    __tablename__ = "pass_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_start: Mapped[date] = mapped_column(Date, unique=True)
    period_end: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Payment(Base):
    """One credit transfer of a batch to one bank account (a SEPA CdtTrfTxInf)."""

    __tablename__ = "pass_payments"
    __table_args__ = (CheckConstraint("amount_cents >= 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("pass_batches.id"), index=True)
    bank_account_id: Mapped[int] = mapped_column(ForeignKey("pass_bank_accounts.id"))
    amount_cents: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Pricing(Base):
    """How much one used booking is reimbursed; unique per booking, so nothing is ever paid twice."""

    __tablename__ = "pass_pricings"
    __table_args__ = (Index("ix_pass_pricings_siret_year", "siret", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("pass_bookings.id"), unique=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("pass_payments.id"), index=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("pass_venues.id"))
    siret: Mapped[str] = mapped_column(String(14))
    year: Mapped[int] = mapped_column(Integer)
    amount_cents: Mapped[int] = mapped_column(Integer)
    revenue_cents: Mapped[int] = mapped_column(Integer)  # the venue's yearly revenue including this one
    rate_bp: Mapped[int | None] = mapped_column(Integer)
    rule: Mapped[str] = mapped_column(String(40))  # "barème", "règle 3"
    reimbursed_cents: Mapped[int] = mapped_column(Integer)


class OutboxEmail(Base):
    """An e-mail to send about a booking, written in the booking's own transaction and delivered by
    the worker: a booking never waits for the mail server, and a message survives its outage."""

    __tablename__ = "pass_outbox"
    __table_args__ = (
        CheckConstraint("kind IN ('booked','cancelled_by_young','cancelled')", name="kind"),
        Index("ix_pass_outbox_sent_at", "sent_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("pass_bookings.id"))
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))


def inserted_id(result: CursorResult[Any]) -> int:
    """The id the database gave the row an INSERT just created."""
    key = result.inserted_primary_key
    if key is None:
        raise AssertionError("the INSERT created no row")
    return int(key[0])
