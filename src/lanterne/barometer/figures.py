"""The barometer's arithmetic: Art et Essai admissions against the market, week by week.

Every change is computed like for like: only cinemas (and, year to date, cinema-weeks) that reported
in both periods count, and the number of cinemas compared is kept beside each change. The market's
totals are taken as published. The report, the API and the portal all read these figures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from lanterne.barometer.weeks import CinemaWeek, weeks_in_year

ART_ET_ESSAI = "Art et Essai"
MARKET = "Marché"
CATEGORIES = ("A", "B", "C", "D", "E")
SEGMENTS = (ART_ET_ESSAI, MARKET, *CATEGORIES)

# admissions[cinema_id][week] for the Art et Essai cinemas, and each one's category
Admissions = dict[int, dict[CinemaWeek, int]]


@dataclass(frozen=True)
class Change:
    """current / previous − 1 over what both periods share; None when nothing is comparable."""

    ratio: float | None
    cinemas: int | None


@dataclass(frozen=True)
class Figure:
    week: CinemaWeek
    segment: str
    cinemas: int | None
    admissions: int
    previous_week: Change
    year_before: Change
    year_to_date: int
    year_to_date_change: Change
    share_of_market: float | None


def change(current: int, previous: int, cinemas: int | None) -> Change:
    if previous <= 0:
        return Change(None, cinemas)
    return Change(current / previous - 1, cinemas)


def _paired(admissions: Admissions, pairs: Iterable[tuple[CinemaWeek, CinemaWeek]]) -> Change:
    """Sum over the (cinema, week) pairs present on both sides of each (current, earlier) week pair."""
    pairs = list(pairs)
    now = before = 0
    cinemas = set()
    for cinema, weeks in admissions.items():
        for current, earlier in pairs:
            if current in weeks and earlier in weeks:
                now += weeks[current]
                before += weeks[earlier]
                cinemas.add(cinema)
    return change(now, before, len(cinemas))


def ytd_pairs(week: CinemaWeek) -> list[tuple[CinemaWeek, CinemaWeek]]:
    """Week k of this year against week k of last year; a 53rd week has no counterpart and is left out."""
    last = weeks_in_year(week.year - 1)
    return [(w, CinemaWeek(w.year - 1, w.number)) for w in week.year_to_date() if w.number <= last]


def segment_figure(week: CinemaWeek, segment: str, admissions: Admissions, market: int | None) -> Figure:
    current = {c: weeks[week] for c, weeks in admissions.items() if week in weeks}
    total = sum(current.values())
    ytd = sum(weeks.get(w, 0) for weeks in admissions.values() for w in week.year_to_date())
    return Figure(
        week=week,
        segment=segment,
        cinemas=len(current),
        admissions=total,
        previous_week=_paired(admissions, [(week, week.previous())]),
        year_before=_paired(admissions, [(week, week.year_before())]),
        year_to_date=ytd,
        year_to_date_change=_paired(admissions, ytd_pairs(week)),
        share_of_market=total / market if market else None,
    )


def market_figure(week: CinemaWeek, market: dict[CinemaWeek, int]) -> Figure | None:
    if week not in market:
        return None
    ytd_now = sum(market.get(w, 0) for w, _ in ytd_pairs(week))
    ytd_before = sum(market.get(b, 0) for _, b in ytd_pairs(week))
    return Figure(
        week=week,
        segment=MARKET,
        cinemas=None,
        admissions=market[week],
        previous_week=change(market[week], market.get(week.previous(), 0), None),
        year_before=change(market[week], market.get(week.year_before(), 0), None),
        year_to_date=sum(market.get(w, 0) for w in week.year_to_date()),
        year_to_date_change=change(ytd_now, ytd_before, None),
        share_of_market=None,
    )


def week_figures(
    week: CinemaWeek, admissions: Admissions, categories: dict[int, str | None], market: dict[CinemaWeek, int]
) -> list[Figure]:
    """The Art et Essai line, the market line and one line per category A–E, for one cinema week."""
    figures = [segment_figure(week, ART_ET_ESSAI, admissions, market.get(week))]
    market_line = market_figure(week, market)
    if market_line:
        figures.append(market_line)
    by_category: dict[str, Admissions] = defaultdict(dict)
    for cinema, weeks in admissions.items():
        if categories.get(cinema):
            by_category[categories[cinema] or ""][cinema] = weeks
    figures += [segment_figure(week, c, by_category.get(c, {}), market.get(week)) for c in CATEGORIES]
    return figures


def week_of(day: date) -> CinemaWeek:
    return CinemaWeek.containing(day)
