"""Cinema weeks: Wednesday → Tuesday, named after the ISO week that holds their Wednesday.

`2026-W47` is the cinema week from Wednesday 18 to Tuesday 24 November 2026. A year has 52 or 53
cinema weeks, as ISO years do; week 1 may start on the last days of December.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from lanterne.errors import InvalidValue

_LABEL = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
WEDNESDAY = 2  # date.weekday()


@dataclass(frozen=True, order=True)
class CinemaWeek:
    year: int
    number: int

    @classmethod
    def parse(cls, label: str) -> CinemaWeek:
        match = _LABEL.match(label.strip())
        if not match:
            raise InvalidValue("week", f"« {label} » n'est pas une semaine de la forme 2026-W47")
        week = cls(int(match[1]), int(match[2]))
        if not 1 <= week.number <= weeks_in_year(week.year):
            raise InvalidValue("week", f"{week.year} compte {weeks_in_year(week.year)} semaines cinéma")
        return week

    @classmethod
    def containing(cls, day: date) -> CinemaWeek:
        """The week a day belongs to: a Monday or Tuesday belongs to the week begun the Wednesday before."""
        wednesday = day - timedelta(days=(day.weekday() - WEDNESDAY) % 7)
        year, number, _ = wednesday.isocalendar()
        return cls(year, number)

    @classmethod
    def starting(cls, wednesday: date) -> CinemaWeek:
        if wednesday.weekday() != WEDNESDAY:
            raise InvalidValue("semaine", f"{wednesday.isoformat()} n'est pas un mercredi")
        return cls.containing(wednesday)

    @property
    def start(self) -> date:
        return date.fromisocalendar(self.year, self.number, 3)

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    def previous(self) -> CinemaWeek:
        return CinemaWeek.starting(self.start - timedelta(days=7))

    def year_before(self) -> CinemaWeek:
        """The same cinema week a year earlier; week 53 compares with week 52 when that year has no 53rd."""
        year = self.year - 1
        return CinemaWeek(year, min(self.number, weeks_in_year(year)))

    def year_to_date(self) -> list[CinemaWeek]:
        return [CinemaWeek(self.year, number) for number in range(1, self.number + 1)]

    def __str__(self) -> str:
        return self.label


def weeks_in_year(year: int) -> int:
    """52 or 53: 28 December always lies in the last ISO week."""
    return date(year, 12, 28).isocalendar()[1]
