from __future__ import annotations

from datetime import date

import pytest

from lanterne.barometer.weeks import CinemaWeek, weeks_in_year
from lanterne.errors import InvalidValue


def test_a_cinema_week_runs_wednesday_to_tuesday() -> None:
    week = CinemaWeek.parse("2026-W47")
    assert (week.start, week.end) == (date(2026, 11, 18), date(2026, 11, 24))
    assert week.start.strftime("%A") == "Wednesday" and week.end.strftime("%A") == "Tuesday"


def test_monday_and_tuesday_belong_to_the_week_begun_the_wednesday_before() -> None:
    assert CinemaWeek.containing(date(2026, 11, 24)).label == "2026-W47"  # Tuesday
    assert CinemaWeek.containing(date(2026, 11, 23)).label == "2026-W47"  # Monday
    assert CinemaWeek.containing(date(2026, 11, 25)).label == "2026-W48"  # Wednesday


def test_week_one_may_start_in_december() -> None:
    assert CinemaWeek.parse("2026-W01").start == date(2025, 12, 31)
    assert CinemaWeek.containing(date(2026, 1, 2)).label == "2026-W01"
    assert CinemaWeek.containing(date(2025, 12, 30)).label == "2025-W52"  # Tuesday before


def test_53_week_years() -> None:
    assert weeks_in_year(2026) == 53 and weeks_in_year(2025) == 52 and weeks_in_year(2020) == 53
    week53 = CinemaWeek.parse("2026-W53")
    assert (week53.start, week53.end) == (date(2026, 12, 30), date(2027, 1, 5))
    assert week53.previous().label == "2026-W52"
    assert CinemaWeek.containing(date(2027, 1, 5)).label == "2026-W53"
    assert CinemaWeek.containing(date(2027, 1, 6)).label == "2027-W01"
    assert CinemaWeek.parse("2027-W01").previous().label == "2026-W53"


def test_year_before_across_53_week_years() -> None:
    assert CinemaWeek.parse("2026-W53").year_before().label == "2025-W52"
    assert CinemaWeek.parse("2021-W01").year_before().label == "2020-W01"
    assert CinemaWeek.parse("2026-W47").year_before().label == "2025-W47"


def test_year_to_date_counts_from_week_one() -> None:
    weeks = CinemaWeek.parse("2026-W03").year_to_date()
    assert [w.label for w in weeks] == ["2026-W01", "2026-W02", "2026-W03"]


@pytest.mark.parametrize("label", ["2025-W53", "2026-W00", "W47", "2026-47"])
def test_bad_weeks_are_refused_with_the_field(label: str) -> None:
    with pytest.raises(InvalidValue) as error:
        CinemaWeek.parse(label)
    assert error.value.field == "week"


def test_a_week_must_start_on_a_wednesday() -> None:
    with pytest.raises(InvalidValue, match="mercredi"):
        CinemaWeek.starting(date(2026, 11, 19))
