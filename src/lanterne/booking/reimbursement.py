"""Reimbursement of venues every fortnight (1st–15th, 16th–end of month), per bank account, with no
commission, priced per venue (SIRET) and calendar year on the degressive scale.

Our reading of "the rate reached at a booking applies to all of it": a booking's whole amount gets the
rate of the bracket that the venue's yearly revenue, INCLUDING that booking, falls in. Revenue exactly at
€20,000 is still "up to €20,000" (100 %); one cent more and the whole booking is at 95 %. The year is
the calendar year (Europe/Paris) of the booking's validation. A pricing row is unique per booking and
a fortnight's batch is built once (building it again prices nothing), so nothing is ever paid twice;
a booking validated after its fortnight's batch was built goes into the next one.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, and_, func, insert, or_, select

from lanterne.booking.models import (
    Booking,
    CustomRule,
    Payment,
    Pricing,
    ReimbursementBatch,
    Venue,
    inserted_id,
)
from lanterne.booking.venues import account_on
from lanterne.db import utcnow
from lanterne.errors import InvalidValue

PARIS = ZoneInfo("Europe/Paris")
# (ceiling of yearly revenue in cents, inclusive; rate in basis points)
SCALE: tuple[tuple[int | None, int], ...] = (
    (2_000_000, 10_000),
    (4_000_000, 9_500),
    (15_000_000, 9_200),
    (None, 9_000),
)


def scale_rate(revenue_cents: int) -> int:
    """The rate of the bracket a yearly revenue (booking included) falls in, in basis points."""
    for ceiling, rate in SCALE:
        if ceiling is None or revenue_cents <= ceiling:
            return rate
    raise AssertionError("the scale ends with an open bracket")


def apply_rate(amount_cents: int, rate_bp: int) -> int:
    """Integer cents, half rounded up: 1 € at 95 % is 0,95 €; 0,01 € at 95 % is 0,01 €."""
    return (amount_cents * rate_bp + 5_000) // 10_000


def period_of(start: date) -> tuple[date, date]:
    """The fortnight starting on `start`, which must be the 1st or the 16th of a month."""
    if start.day == 1:
        return start, start.replace(day=15)
    if start.day == 16:
        return start, start.replace(day=calendar.monthrange(start.year, start.month)[1])
    raise InvalidValue("period", "une quinzaine commence le 1er ou le 16 du mois")


def end_of_day(day: date) -> datetime:
    """The instant the Paris day ends (next midnight, exclusive)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=PARIS)


@dataclass
class BatchReport:
    batch_id: int
    period_start: date
    period_end: date
    bookings_priced: int = 0
    payments: dict[int, int] = field(default_factory=dict)  # bank account → cents
    without_account: list[str] = field(default_factory=list)


def _eligible(connection: Connection, cutoff: datetime) -> list[Any]:
    """Used bookings of shows that took place before the cutoff, not yet priced, in pricing order."""
    priced = select(Pricing.id).where(Pricing.booking_id == Booking.id).exists()
    query = (
        select(
            Booking.id,
            Booking.venue_id,
            Booking.offer_id,
            Booking.quantity,
            Booking.amount_cents,
            Booking.used_at,
            Venue.siret,
        )
        .join(Venue, Venue.id == Booking.venue_id)
        .where(
            Booking.status == "used",
            Booking.used_at < cutoff,
            Booking.show_starts_at < cutoff,
            ~priced,
        )
        .order_by(Booking.venue_id, Booking.used_at, Booking.id)
    )
    return list(connection.execute(query))


def _custom_rule(connection: Connection, booking: Any, day: date) -> Any:
    """An offer's rule beats its venue's; both only over their date range."""
    in_range = and_(CustomRule.starts_on <= day, or_(CustomRule.ends_on.is_(None), CustomRule.ends_on >= day))
    for target in (CustomRule.offer_id == booking.offer_id, CustomRule.venue_id == booking.venue_id):
        rule = connection.execute(
            select(CustomRule.__table__).where(target, in_range).order_by(CustomRule.starts_on.desc())
        ).first()
        if rule is not None:
            return rule
    return None


def _revenue(connection: Connection, siret: str, year: int) -> int:
    return int(
        connection.execute(
            select(func.coalesce(func.sum(Pricing.amount_cents), 0)).where(
                Pricing.siret == siret, Pricing.year == year
            )
        ).scalar_one()
    )


def price_booking(connection: Connection, booking: Any, revenue_before: int) -> dict[str, Any]:
    """Price one used booking given the venue's revenue of the year before it."""
    day = booking.used_at.astimezone(PARIS).date()
    revenue = revenue_before + booking.amount_cents
    rule = _custom_rule(connection, booking, day)
    if rule is None:
        rate, name = scale_rate(revenue), "barème"
        reimbursed = apply_rate(booking.amount_cents, rate)
    elif rule.rate_bp is not None:
        rate, name = rule.rate_bp, f"règle {rule.id}"
        reimbursed = apply_rate(booking.amount_cents, rate)
    else:
        rate, name = None, f"règle {rule.id}"
        reimbursed = min(booking.amount_cents, rule.amount_cents * booking.quantity)
    return {
        "booking_id": booking.id,
        "venue_id": booking.venue_id,
        "siret": booking.siret,
        "year": day.year,
        "amount_cents": booking.amount_cents,
        "revenue_cents": revenue,
        "rate_bp": rate,
        "rule": name,
        "reimbursed_cents": reimbursed,
    }


def _existing(connection: Connection, start: date, end: date) -> BatchReport | None:
    """A fortnight's batch is built once: building it again reports it and prices nothing more."""
    found = connection.scalar(select(ReimbursementBatch.id).where(ReimbursementBatch.period_start == start))
    if found is None:
        return None
    report = BatchReport(int(found), start, end)
    payments = connection.execute(
        select(Payment.bank_account_id, Payment.amount_cents).where(Payment.batch_id == found)
    )
    report.payments = {account: cents for account, cents in payments}
    return report


def _price_all(
    connection: Connection, bookings: list[Any], report: BatchReport
) -> dict[int, list[dict[str, Any]]]:
    """Pricings grouped by the bank account that pays each venue at the period's end."""
    by_account: dict[int, list[dict[str, Any]]] = defaultdict(list)
    revenues: dict[tuple[str, int], int] = {}
    for booking in bookings:
        account = account_on(connection, booking.venue_id, report.period_end)
        if account is None:
            report.without_account.append(booking.siret)
            continue
        year = booking.used_at.astimezone(PARIS).year
        key = (booking.siret, year)
        if key not in revenues:
            revenues[key] = _revenue(connection, booking.siret, year)
        pricing = price_booking(connection, booking, revenues[key])
        revenues[key] = pricing["revenue_cents"]
        by_account[account].append(pricing)
    return by_account


def build_batch(engine: Engine, period_start: date, now: datetime | None = None) -> BatchReport:
    """Price what is due for the fortnight and create one payment per bank account, in one transaction."""
    start, end = period_of(period_start)
    cutoff = min(end_of_day(end), now or utcnow())
    with engine.begin() as connection:
        existing = _existing(connection, start, end)
        if existing is not None:
            return existing
        created = connection.execute(
            insert(ReimbursementBatch).values(period_start=start, period_end=end, created_at=utcnow())
        )
        report = BatchReport(inserted_id(created), start, end)
        for account, pricings in _price_all(connection, _eligible(connection, cutoff), report).items():
            total = sum(p["reimbursed_cents"] for p in pricings)
            payment = connection.execute(
                insert(Payment).values(
                    batch_id=report.batch_id, bank_account_id=account, amount_cents=total, created_at=utcnow()
                )
            )
            payment_id = inserted_id(payment)
            connection.execute(insert(Pricing), [{**p, "payment_id": payment_id} for p in pricings])
            report.payments[account] = total
            report.bookings_priced += len(pricings)
    report.without_account = sorted(set(report.without_account))
    return report


def reimburse_due(engine: Engine, now: datetime | None = None) -> BatchReport:
    """The scheduled job: build the batch of the fortnight that ended last (a no-op once built)."""
    now = now or utcnow()
    return build_batch(engine, current_period(now.astimezone(PARIS).date()), now=now)


def current_period(today: date) -> date:
    """The fortnight that ended most recently before `today` (what the scheduled job reimburses)."""
    if today.day > 15:
        return today.replace(day=1)
    previous = today.replace(day=1) - timedelta(days=1)
    return previous.replace(day=16)


def add_custom_rule(
    engine: Engine,
    starts_on: date,
    ends_on: date | None = None,
    offer_id: int | None = None,
    venue_id: int | None = None,
    rate_bp: int | None = None,
    amount_cents: int | None = None,
) -> int:
    """A rule replacing the scale for an offer or a venue: a rate, or a fixed amount per seat."""
    if (offer_id is None) == (venue_id is None):
        raise InvalidValue("offer_id", "une règle vise une offre ou un lieu, pas les deux")
    if (rate_bp is None) == (amount_cents is None):
        raise InvalidValue("rate_bp", "un taux ou un montant, pas les deux")
    values = dict(offer_id=offer_id, venue_id=venue_id, rate_bp=rate_bp, amount_cents=amount_cents)
    with engine.begin() as connection:
        created = connection.execute(
            insert(CustomRule).values(starts_on=starts_on, ends_on=ends_on, **values)
        )
        return inserted_id(created)
