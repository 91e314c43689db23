"""Reimbursement: fortnights, the degressive scale at its exact thresholds, the year change, custom rules,
one payment per bank account, and a batch built twice paying nothing twice."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, delete, func, select

from lanterne.booking.beneficiaries import BeneficiaryInput, create_beneficiary
from lanterne.booking.bookings import book
from lanterne.booking.counter import validate
from lanterne.booking.models import Payment, Pricing, VenueBankAccount
from lanterne.booking.offers import ManualOffer, add_stock, create_offer
from lanterne.booking.policy import PassPolicy
from lanterne.booking.reimbursement import (
    add_custom_rule,
    apply_rate,
    build_batch,
    current_period,
    period_of,
    reimburse_due,
    scale_rate,
)
from lanterne.errors import InvalidValue
from lanterne.settings import Settings

from .conftest import add_account, add_place, siret

PARIS = ZoneInfo("Europe/Paris")
SHOW = datetime(2026, 11, 5, 19, 0, tzinfo=UTC)
RICH = PassPolicy(credit_cents=100_000_000)


class Venue:
    """A venue with an account and a rich young person, to book any amount and validate it."""

    def __init__(self, engine: Engine, settings: Settings, number: int = 1) -> None:
        self.engine, self.settings = engine, settings
        place = add_place(engine, number=number, starts_at=SHOW)
        self.venue_id, self.offer_id = place.venue_id, place.offer_id
        self.account = add_account(engine, self.venue_id)
        data = BeneficiaryInput("Riche", f"Test{number}", f"riche{number}@example.org")
        self.young, _ = create_beneficiary(engine, data, RICH, now=SHOW - timedelta(days=30))

    def used(self, cents: int, show: datetime = SHOW, offer_id: int | None = None) -> int:
        stock = add_stock(self.engine, self.venue_id, offer_id or self.offer_id, show, cents, None)
        receipt = book(self.engine, self.young, stock, now=show - timedelta(days=1))
        validate(self.engine, self.venue_id, receipt.countermark, now=show)
        return receipt.booking_id


def pricing(engine: Engine, booking_id: int) -> tuple[int, int | None, int, str]:
    with engine.connect() as connection:
        row = connection.execute(
            select(Pricing.revenue_cents, Pricing.rate_bp, Pricing.reimbursed_cents, Pricing.rule).where(
                Pricing.booking_id == booking_id
            )
        ).one()
    return row.revenue_cents, row.rate_bp, row.reimbursed_cents, row.rule


def test_scale_brackets_are_inclusive_ceilings() -> None:
    assert [scale_rate(c) for c in (0, 2_000_000, 2_000_001)] == [10_000, 10_000, 9_500]
    assert [scale_rate(c) for c in (4_000_000, 4_000_001)] == [9_500, 9_200]
    assert [scale_rate(c) for c in (15_000_000, 15_000_001, 10**10)] == [9_200, 9_000, 9_000]
    assert apply_rate(1000, 9500) == 950 and apply_rate(1, 9500) == 1 and apply_rate(10, 9200) == 9


def test_fortnights() -> None:
    assert period_of(date(2026, 11, 1)) == (date(2026, 11, 1), date(2026, 11, 15))
    assert period_of(date(2026, 2, 16)) == (date(2026, 2, 16), date(2026, 2, 28))
    assert period_of(date(2028, 2, 16)) == (date(2028, 2, 16), date(2028, 2, 29))
    with pytest.raises(InvalidValue, match="1er ou le 16"):
        period_of(date(2026, 11, 2))
    assert current_period(date(2026, 11, 16)) == date(2026, 11, 1)
    assert current_period(date(2026, 12, 1)) == date(2026, 11, 16)
    assert current_period(date(2027, 1, 3)) == date(2026, 12, 16)


def test_the_scale_at_exactly_20000_40000_and_150000_euros(engine: Engine, settings: Settings) -> None:
    venue = Venue(engine, settings)
    amounts = [1_999_000, 1_000, 10_000, 1_990_000, 10_000, 10_990_000, 10_000]
    bookings = [venue.used(cents) for cents in amounts]
    report = build_batch(engine, date(2026, 11, 1), now=SHOW + timedelta(days=15))
    assert report.bookings_priced == 7
    got = [pricing(engine, b)[:3] for b in bookings]
    assert got == [
        (1_999_000, 10_000, 1_999_000),
        (2_000_000, 10_000, 1_000),  # exactly €20,000: still 100 %
        (2_010_000, 9_500, 9_500),
        (4_000_000, 9_500, 1_890_500),  # exactly €40,000: still 95 %
        (4_010_000, 9_200, 9_200),
        (15_000_000, 9_200, 10_110_800),  # exactly €150,000: still 92 %
        (15_010_000, 9_000, 9_000),
    ]
    assert report.payments == {venue.account: sum(g[2] for g in got)}


def test_the_rate_reached_applies_to_the_whole_booking(engine: Engine, settings: Settings) -> None:
    venue = Venue(engine, settings)
    venue.used(1_995_000)
    straddling = venue.used(10_000)  # 19,950 € + 100 € crosses 20,000 €: all 100 € at 95 %
    build_batch(engine, date(2026, 11, 1), now=SHOW + timedelta(days=15))
    assert pricing(engine, straddling)[:3] == (2_005_000, 9_500, 9_500)


def test_revenue_is_per_siret(engine: Engine, settings: Settings) -> None:
    first, second = Venue(engine, settings, 1), Venue(engine, settings, 2)
    first.used(2_100_000)
    other = second.used(10_000)
    build_batch(engine, date(2026, 11, 1), now=SHOW + timedelta(days=15))
    assert pricing(engine, other)[:2] == (10_000, 10_000)


def test_the_year_changes_at_midnight_in_paris(engine: Engine, settings: Settings) -> None:
    venue = Venue(engine, settings)
    new_year_eve = datetime(2026, 12, 31, 20, 0, tzinfo=PARIS)
    new_year = datetime(2027, 1, 1, 0, 30, tzinfo=PARIS)  # still 2026 in UTC
    december = venue.used(2_100_000, show=new_year_eve)
    january = venue.used(10_000, show=new_year)
    december_batch = build_batch(engine, date(2026, 12, 16), now=datetime(2027, 1, 5, tzinfo=UTC))
    assert december_batch.bookings_priced == 1
    build_batch(engine, date(2027, 1, 1), now=datetime(2027, 1, 20, tzinfo=UTC))
    assert pricing(engine, december)[:2] == (2_100_000, 9_500)
    assert pricing(engine, january)[:3] == (10_000, 10_000, 10_000)  # a new year starts at 0 €


def test_a_batch_built_twice_pays_nothing_twice(engine: Engine, settings: Settings) -> None:
    venue = Venue(engine, settings)
    venue.used(1_000)
    first = build_batch(engine, date(2026, 11, 1), now=SHOW + timedelta(days=15))
    late = venue.used(2_000)  # validated after its fortnight's batch was built
    second = build_batch(engine, date(2026, 11, 1), now=SHOW + timedelta(days=16))
    assert first.bookings_priced == 1 and second.bookings_priced == 0
    assert second.batch_id == first.batch_id and second.payments == first.payments == {venue.account: 1_000}
    following = build_batch(engine, date(2026, 11, 16), now=SHOW + timedelta(days=30))
    assert following.bookings_priced == 1 and pricing(engine, late)[2] == 2_000
    build_batch(engine, date(2026, 11, 16), now=SHOW + timedelta(days=31))
    with engine.connect() as connection:
        assert connection.scalar(select(func.sum(Payment.amount_cents))) == 3_000
        assert connection.scalar(select(func.count()).select_from(Pricing)) == 2


def test_the_scheduled_job_reimburses_the_last_fortnight(engine: Engine, settings: Settings) -> None:
    venue = Venue(engine, settings)
    venue.used(1_000)
    assert reimburse_due(engine, now=datetime(2026, 11, 16, 5, 0, tzinfo=UTC)).period_start == date(
        2026, 11, 1
    )
    assert reimburse_due(engine, now=datetime(2026, 11, 17, 5, 0, tzinfo=UTC)).bookings_priced == 0


def test_only_shows_that_took_place_in_the_period_and_venues_with_an_account(
    engine: Engine, settings: Settings
) -> None:
    venue = Venue(engine, settings)
    late = venue.used(1_000, show=datetime(2026, 11, 15, 23, 30, tzinfo=UTC))  # 16 Nov in Paris
    report = build_batch(engine, date(2026, 11, 1), now=datetime(2026, 12, 1, tzinfo=UTC))
    assert report.bookings_priced == 0
    assert build_batch(engine, date(2026, 11, 16), now=datetime(2026, 12, 1, tzinfo=UTC)).bookings_priced == 1
    assert pricing(engine, late)[2] == 1_000


def test_a_venue_without_bank_account_waits(engine: Engine, settings: Settings) -> None:
    venue = Venue(engine, settings)
    with engine.begin() as connection:
        connection.execute(delete(VenueBankAccount))
    venue.used(1_000)
    report = build_batch(engine, date(2026, 11, 1), now=datetime(2026, 12, 1, tzinfo=UTC))
    assert report.bookings_priced == 0 and report.without_account == [siret(1)]


def test_custom_rules_per_offer_and_venue_over_a_date_range(engine: Engine, settings: Settings) -> None:
    venue = Venue(engine, settings)
    other_offer, _ = create_offer(engine, venue.venue_id, ManualOffer("Ciné-concert", SHOW, 1_000))
    venue_rule = add_custom_rule(
        engine, date(2026, 11, 1), date(2026, 11, 30), venue_id=venue.venue_id, rate_bp=5_000
    )
    offer_rule = add_custom_rule(engine, date(2026, 11, 1), offer_id=other_offer, amount_cents=300)
    with pytest.raises(InvalidValue):
        add_custom_rule(engine, date(2026, 11, 1), venue_id=venue.venue_id, offer_id=other_offer, rate_bp=1)
    with pytest.raises(InvalidValue):
        add_custom_rule(engine, date(2026, 11, 1), venue_id=venue.venue_id)
    by_venue = venue.used(1_000)
    by_offer = venue.used(1_000, offer_id=other_offer)
    after_range = venue.used(1_000, show=datetime(2026, 12, 2, 19, 0, tzinfo=UTC))
    build_batch(engine, date(2026, 11, 1), now=datetime(2026, 11, 20, tzinfo=UTC))
    build_batch(engine, date(2026, 12, 1), now=datetime(2026, 12, 20, tzinfo=UTC))
    assert pricing(engine, by_venue)[1:] == (5_000, 500, f"règle {venue_rule}")
    assert pricing(engine, by_offer)[1:] == (None, 300, f"règle {offer_rule}")  # the offer's rule wins
    assert pricing(engine, after_range)[1:] == (10_000, 1_000, "barème")
