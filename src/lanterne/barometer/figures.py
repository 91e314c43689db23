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


class Segment:
    """One segment's admissions with the sums every figure needs, each computed once.

    A year to date is the previous week's year to date plus one week, so computing every week of two
    years costs one pass over the cinemas per week, not one per week and per week before it.
    """

    def __init__(self, name: str, admissions: Admissions) -> None:
        self.name = name
        self.admissions = admissions
        self._pairs: dict[tuple[CinemaWeek, CinemaWeek], tuple[int, int, frozenset[int]]] = {}
        self._totals: dict[CinemaWeek, tuple[int, int]] = {}
        self._ytd: dict[CinemaWeek, tuple[int, int, int, frozenset[int]]] = {}

    def total(self, week: CinemaWeek) -> tuple[int, int]:
        """(admissions, cinemas reporting) of one week."""
        if week not in self._totals:
            counts = [weeks[week] for weeks in self.admissions.values() if week in weeks]
            self._totals[week] = (sum(counts), len(counts))
        return self._totals[week]

    def pair(self, current: CinemaWeek, earlier: CinemaWeek) -> tuple[int, int, frozenset[int]]:
        """Like for like: sums over the cinemas that reported both weeks, and which cinemas they are."""
        key = (current, earlier)
        if key not in self._pairs:
            both = [
                (c, w[current], w[earlier])
                for c, w in self.admissions.items()
                if current in w and earlier in w
            ]
            cinemas = frozenset(c for c, _, _ in both)
            self._pairs[key] = (sum(n for _, n, _ in both), sum(b for _, _, b in both), cinemas)
        return self._pairs[key]

    def year_to_date(self, week: CinemaWeek) -> tuple[int, int, int, frozenset[int]]:
        """(total, like-for-like now, like-for-like before, cinemas compared) from week 1 to `week`."""
        if week not in self._ytd:
            total, now, before, cinemas = (
                self.year_to_date(CinemaWeek(week.year, week.number - 1))
                if week.number > 1
                else (0, 0, 0, frozenset())
            )
            total += self.total(week)[0]
            if week.number <= weeks_in_year(week.year - 1):  # a 53rd week has no counterpart
                pair_now, pair_before, pair_cinemas = self.pair(week, CinemaWeek(week.year - 1, week.number))
                now, before, cinemas = now + pair_now, before + pair_before, cinemas | pair_cinemas
            self._ytd[week] = (total, now, before, cinemas)
        return self._ytd[week]

    def comparison(self, current: CinemaWeek, earlier: CinemaWeek) -> Change:
        now, before, cinemas = self.pair(current, earlier)
        return change(now, before, len(cinemas))

    def figure(self, week: CinemaWeek, market: int | None) -> Figure:
        admissions, cinemas = self.total(week)
        ytd, now, before, compared = self.year_to_date(week)
        return Figure(
            week=week,
            segment=self.name,
            cinemas=cinemas,
            admissions=admissions,
            previous_week=self.comparison(week, week.previous()),
            year_before=self.comparison(week, week.year_before()),
            year_to_date=ytd,
            year_to_date_change=change(now, before, len(compared)),
            share_of_market=admissions / market if market else None,
        )


def ytd_pairs(week: CinemaWeek) -> list[tuple[CinemaWeek, CinemaWeek]]:
    """Week k of this year against week k of last year; a 53rd week has no counterpart and is left out."""
    last = weeks_in_year(week.year - 1)
    return [(w, CinemaWeek(w.year - 1, w.number)) for w in week.year_to_date() if w.number <= last]


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


def segments(admissions: Admissions, categories: dict[int, str | None]) -> list[Segment]:
    """Art et Essai as a whole, then each category A–E."""
    by_category: dict[str, Admissions] = defaultdict(dict)
    for cinema, weeks in admissions.items():
        category = categories.get(cinema)
        if category:
            by_category[category][cinema] = weeks
    return [Segment(ART_ET_ESSAI, admissions), *(Segment(c, by_category.get(c, {})) for c in CATEGORIES)]


def all_figures(
    weeks: Iterable[CinemaWeek],
    admissions: Admissions,
    categories: dict[int, str | None],
    market: dict[CinemaWeek, int],
) -> list[Figure]:
    """Every requested week's lines: Art et Essai, the market, then each category A–E."""
    parts = segments(admissions, categories)
    figures: list[Figure] = []
    for week in sorted(weeks):
        market_line = market_figure(week, market)
        lines = [part.figure(week, market.get(week)) for part in parts]
        figures += [lines[0], *([market_line] if market_line else []), *lines[1:]]
    return figures


def week_figures(
    week: CinemaWeek, admissions: Admissions, categories: dict[int, str | None], market: dict[CinemaWeek, int]
) -> list[Figure]:
    """The Art et Essai line, the market line and one line per category A–E, for one cinema week."""
    return all_figures([week], admissions, categories, market)


def week_of(day: date) -> CinemaWeek:
    return CinemaWeek.containing(day)
