"""Two years of plausible weekly admissions for the demo, consistent with the 2024 national totals.

The market makes ~181.5 M admissions a year; Art et Essai cinemas take ~39 % of them. The demo has
a few hundred cinemas, so each stands for several real ones: their admissions are scaled so the
totals match France's. Seasonality follows the trade's year: strong in winter and the school
holidays, weak in late spring and September, one blockbuster week a year.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import date

from sqlalchemy import Engine, delete, insert, select

from lanterne.barometer.models import MarketWeek, WeeklyAdmissions
from lanterne.barometer.store import refresh
from lanterne.barometer.weeks import CinemaWeek, weeks_in_year
from lanterne.catalog.models import Cinema

YEARLY_MARKET = 181_500_000
ART_ET_ESSAI_SHARE = 0.39
CATEGORY_WEIGHT = {"A": 6.0, "B": 4.0, "C": 2.5, "D": 1.5, "E": 0.6, None: 1.0}
# Month index of attendance (1 = an average week), from the trade's usual curve.
MONTH_INDEX = {
    1: 1.25,
    2: 1.2,
    3: 0.95,
    4: 1.05,
    5: 0.8,
    6: 0.7,
    7: 0.95,
    8: 1.0,
    9: 0.7,
    10: 0.95,
    11: 1.05,
    12: 1.3,
}
HOLIDAYS = (
    ((2, 8), (3, 8)),
    ((4, 5), (5, 3)),
    ((7, 5), (8, 31)),
    ((10, 18), (11, 3)),
    ((12, 20), (12, 31)),
    ((1, 1), (1, 4)),
)
BLOCKBUSTER_WEEK = 51  # a December tent-pole: the market jumps, Art et Essai much less


def in_holidays(day: date) -> bool:
    return any((day.month, day.day) >= start and (day.month, day.day) <= end for start, end in HOLIDAYS)


def seasonal_index(week: CinemaWeek, rng: random.Random) -> tuple[float, float]:
    """(market index, Art et Essai index) of a week; AE audiences are less holiday- and blockbuster-driven."""
    base = MONTH_INDEX[week.start.month] * (1.15 if in_holidays(week.start) else 1.0)
    blockbuster = week.number == BLOCKBUSTER_WEEK
    noise = rng.gauss(1.0, 0.03)
    market = base * (1.35 if blockbuster else 1.0) * noise
    art_et_essai = (1 + (base - 1) * 0.7) * (1.08 if blockbuster else 1.0) * noise
    return market, art_et_essai


def demo_weeks(until: date, years: int = 2) -> list[CinemaWeek]:
    last = CinemaWeek.containing(until)
    weeks, week = [], last
    while week.year > last.year - years or (week.year == last.year - years and week.number > last.number):
        weeks.append(week)
        week = week.previous()
    return weeks[::-1]


def generate(engine: Engine, *, seed: int = 2024, until: date | None = None, years: int = 2) -> int:
    """Replace the barometer's data with generated weeks ending with the week of `until`; returns rows."""
    rng = random.Random(seed)
    weeks = demo_weeks(until or date.today(), years)
    with engine.begin() as connection:
        query = select(Cinema.id, Cinema.category).where(Cinema.art_et_essai.is_(True)).order_by(Cinema.id)
        cinemas = [(cinema_id, category) for cinema_id, category in connection.execute(query)]
        connection.execute(delete(WeeklyAdmissions))
        connection.execute(delete(MarketWeek))
        rows = _rows(cinemas, weeks, rng)
        connection.execute(insert(MarketWeek), rows[0])
        if rows[1]:
            connection.execute(insert(WeeklyAdmissions), rows[1])
    refresh(engine)
    return len(rows[0]) + len(rows[1])


def _rows(
    cinemas: Sequence[tuple[int, str | None]], weeks: list[CinemaWeek], rng: random.Random
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    weights = [CATEGORY_WEIGHT.get(category, 1.0) * rng.uniform(0.6, 1.4) for _, category in cinemas]
    scale = YEARLY_MARKET * ART_ET_ESSAI_SHARE / (sum(weights) or 1)
    market_rows, cinema_rows = [], []
    for week in weeks:
        per_week = 1 / weeks_in_year(week.year)
        market_index, ae_index = seasonal_index(week, rng)
        market = round(YEARLY_MARKET * per_week * market_index)
        market_rows.append({"week_start": week.start, "admissions": market, "receipts_cents": market * 720})
        for (cinema_id, _), weight in zip(cinemas, weights, strict=True):
            if rng.random() < 0.03:  # a cinema that did not report this week
                continue
            admissions = max(0, round(scale * weight * per_week * ae_index * rng.gauss(1.0, 0.06)))
            price = math.floor(rng.uniform(640, 760))  # average ticket in cents
            cinema_rows.append(
                {
                    "cinema_id": cinema_id,
                    "week_start": week.start,
                    "admissions": admissions,
                    "receipts_cents": admissions * price,
                }
            )
    return market_rows, cinema_rows
