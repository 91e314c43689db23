"""Every figure of a small fixture, worked out by hand in the comments, against the computation."""

from __future__ import annotations

import pytest

from lanterne.barometer.figures import ART_ET_ESSAI, MARKET, Figure, week_figures
from lanterne.barometer.weeks import CinemaWeek

W = CinemaWeek.parse
# Three Art et Essai cinemas; cinema 1 in category A, 2 and 3 in E. Absent = did not report.
ADMISSIONS = {
    1: {W("2026-W02"): 1000, W("2026-W01"): 800, W("2025-W02"): 900, W("2025-W01"): 1100},
    2: {W("2026-W02"): 300, W("2026-W01"): 200, W("2025-W01"): 250},
    3: {W("2026-W02"): 200, W("2025-W02"): 100, W("2025-W01"): 100},
}
CATEGORIES = {1: "A", 2: "E", 3: "E"}
MARKET_TOTALS = {W("2026-W02"): 4000, W("2026-W01"): 3000, W("2025-W02"): 3500, W("2025-W01"): 5000}


@pytest.fixture(scope="module")
def figures() -> dict[str, Figure]:
    lines = week_figures(W("2026-W02"), ADMISSIONS, CATEGORIES, MARKET_TOTALS)
    return {figure.segment: figure for figure in lines}


def test_art_et_essai_line(figures: dict[str, Figure]) -> None:
    ae = figures[ART_ET_ESSAI]
    assert (ae.admissions, ae.cinemas) == (1500, 3)  # 1000 + 300 + 200
    # previous week, like for like: cinemas 1 and 2 reported both weeks: (1000+300)/(800+200) − 1
    assert ae.previous_week.ratio == pytest.approx(0.30) and ae.previous_week.cinemas == 2
    # a year before: cinemas 1 and 3: (1000+200)/(900+100) − 1
    assert ae.year_before.ratio == pytest.approx(0.20) and ae.year_before.cinemas == 2
    # year to date: weeks 1 and 2 of 2026 = (800+200) + (1000+300+200)
    assert ae.year_to_date == 2500
    # pairs present in both years: W01 c1 800/1100, c2 200/250; W02 c1 1000/900, c3 200/100
    assert ae.year_to_date_change.ratio == pytest.approx(2200 / 2350 - 1)  # −6.38 %
    assert ae.year_to_date_change.cinemas == 3
    assert ae.share_of_market == pytest.approx(1500 / 4000)  # 37.5 %


def test_market_line(figures: dict[str, Figure]) -> None:
    market = figures[MARKET]
    assert market.admissions == 4000 and market.cinemas is None
    assert market.previous_week.ratio == pytest.approx(4000 / 3000 - 1)  # +33.3 %
    assert market.year_before.ratio == pytest.approx(4000 / 3500 - 1)  # +14.3 %
    assert market.year_to_date == 7000
    assert market.year_to_date_change.ratio == pytest.approx(7000 / 8500 - 1)  # −17.6 %


def test_category_lines(figures: dict[str, Figure]) -> None:
    a, e = figures["A"], figures["E"]
    assert (a.admissions, a.previous_week.ratio, a.year_to_date) == (1000, pytest.approx(0.25), 1800)
    assert a.year_before.ratio == pytest.approx(1000 / 900 - 1)  # +11.1 %
    assert a.year_to_date_change.ratio == pytest.approx(-0.10)  # 1800 / 2000 − 1
    assert a.share_of_market == pytest.approx(0.25)
    assert (e.admissions, e.cinemas) == (500, 2)
    assert e.previous_week.ratio == pytest.approx(0.5) and e.previous_week.cinemas == 1  # cinema 2 only
    assert e.year_before.ratio == pytest.approx(1.0) and e.year_before.cinemas == 1  # cinema 3 only
    assert e.year_to_date_change.ratio == pytest.approx(400 / 350 - 1)  # c2 W01 + c3 W02


def test_empty_categories_have_no_change(figures: dict[str, Figure]) -> None:
    for category in "BCD":
        assert figures[category].admissions == 0
        assert figures[category].previous_week.ratio is None
        assert figures[category].share_of_market == 0.0


def test_week_53_is_left_out_of_the_like_for_like_year_to_date() -> None:
    admissions = {1: {W("2026-W52"): 100, W("2026-W53"): 50, W("2025-W52"): 80}}
    (ae, *_) = week_figures(W("2026-W53"), admissions, {1: "C"}, {})
    assert ae.year_to_date == 150
    assert ae.year_to_date_change.ratio == pytest.approx(100 / 80 - 1)  # W53 has no counterpart
    assert ae.year_before.ratio == pytest.approx(50 / 80 - 1)  # W53 compares with 2025-W52
