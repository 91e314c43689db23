"""The whole demo as one seeded, pure description: cinemas, films, schools and every séance.

`DemoWorld(seed, cinemas, films, start)` always describes the same rows; the loader writes them, and
`programme()` gives one cinema's window as the neutral records a stand-in box office would serve.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property, lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from lanterne.collect.programme import Programme, ShowtimeRecord
from lanterne.demo.cinemas import DemoCinema, generate_cinemas
from lanterne.demo.films import DemoFilm, first_wednesday, generate_films
from lanterne.demo.schools import school_rows
from lanterne.demo.showtimes import DemoShowtime, Programmer, WeekProgramme

DEFAULT_SEED = 2026
DEFAULT_CINEMAS = 300
DEFAULT_FILMS = 400
DEFAULT_DAYS = 28
SCHOOLS_PER_CINEMA = 10


def paris_today() -> date:
    """The demo starts on today's date in France, where the cinema week is counted."""
    return datetime.now(ZoneInfo("Europe/Paris")).date()


@dataclass(frozen=True)
class DemoWorld:
    """Everything the demo contains, computed on demand; `start` anchors film releases and séances."""

    seed: int = DEFAULT_SEED
    cinema_count: int = DEFAULT_CINEMAS
    film_count: int = DEFAULT_FILMS
    start: date = field(default_factory=paris_today)

    @cached_property
    def cinemas(self) -> list[DemoCinema]:
        return generate_cinemas(self.seed, self.cinema_count)

    @cached_property
    def films(self) -> list[DemoFilm]:
        return generate_films(self.seed, self.film_count, self.start)

    @cached_property
    def programmer(self) -> Programmer:
        return Programmer(self.seed, self.films)

    @cached_property
    def _by_id(self) -> dict[int, DemoCinema]:
        return {cinema.id: cinema for cinema in self.cinemas}

    @property
    def created(self) -> datetime:
        """The instant every demo row says it was created and last seen: the start day's midnight in
        Paris, so two builds of the same demo are identical to the byte."""
        return datetime.combine(self.start, time(0), ZoneInfo("Europe/Paris")).astimezone(UTC)

    def cinema(self, cinema_id: int) -> DemoCinema:
        return self._by_id[cinema_id]

    def showtimes(
        self, cinema: DemoCinema, start: date | None = None, days: int = DEFAULT_DAYS
    ) -> Iterator[DemoShowtime]:
        """The cinema's séances from `start` (the demo's first day by default) for `days` days."""
        first = start or self.start
        weeks: dict[date, WeekProgramme] = {}
        for offset in range(days):
            day = first + timedelta(days=offset)
            week = first_wednesday(day)
            if week not in weeks:
                weeks[week] = self.programmer.week(cinema, week)
            yield from self.programmer.day(cinema, day, weeks[week])

    def programme(self, cinema_id: int, start: date | None = None, days: int = DEFAULT_DAYS) -> Programme:
        """One cinema's window as a box office would describe it, with local times in its zone."""
        cinema = self.cinema(cinema_id)
        zone = ZoneInfo(cinema.zone)
        shows = list(self.showtimes(cinema, start, days))
        films = {show.film.number: show.film for show in shows}
        return Programme(
            films=[films[number].record() for number in sorted(films)],
            showtimes=[_record(show, zone) for show in shows],
        )

    def cinema_rows(self) -> Iterator[dict[str, Any]]:
        return (cinema.row(self.seed, self.created) for cinema in self.cinemas)

    def admission_rows(self) -> Iterator[dict[str, Any]]:
        return (row for cinema in self.cinemas for row in cinema.admissions_rows(self.start))

    def film_rows(self) -> Iterator[dict[str, Any]]:
        return (film.row(self.created) for film in self.films)

    def school_rows(self, per_cinema: int = SCHOOLS_PER_CINEMA) -> Iterator[dict[str, Any]]:
        return school_rows(self.seed, self.cinemas, per_cinema, self.created)

    def showtime_rows(self, days: int = DEFAULT_DAYS) -> Iterator[dict[str, Any]]:
        """Every séance of every cinema as a row of the showtimes table, generated lazily."""
        seen = self.created
        for cinema in self.cinemas:
            for show in self.showtimes(cinema, days=days):
                yield showtime_row(cinema, show, seen)


def showtime_row(cinema: DemoCinema, show: DemoShowtime, seen: datetime) -> dict[str, Any]:
    return {
        "cinema_id": cinema.id,
        "film_id": show.film.number,
        "starts_at": show.starts_at,
        "ends_at": show.ends_at,
        "screen": show.screen,
        "screen_capacity": show.capacity,
        "version": show.version,
        "format": show.format,
        "audio_description": show.audio_description,
        "deaf_subtitles": show.deaf_subtitles,
        "booking_url": show.booking_url,
        "is_event": show.is_event,
        "event_headline": show.event_headline,
        "source": cinema.connector,
        "external_id": show.external_id,
        "first_seen_at": seen,
        "last_seen_at": seen,
        "status": "scheduled",
    }


def _record(show: DemoShowtime, zone: ZoneInfo) -> ShowtimeRecord:
    return ShowtimeRecord(
        external_id=show.external_id,
        film_external_id=str(show.film.number),
        starts_at=show.starts_at.astimezone(zone),
        ends_at=show.ends_at.astimezone(zone),
        screen=show.screen,
        screen_capacity=show.capacity,
        version=show.version,
        format=show.format,
        audio_description=show.audio_description,
        deaf_subtitles=show.deaf_subtitles,
        booking_url=show.booking_url,
        is_event=show.is_event,
        event_headline=show.event_headline,
    )


@lru_cache(maxsize=8)
def demo_world(seed: int, cinemas: int, films: int, start: date) -> DemoWorld:
    """One shared world per parameters, so a stand-in server asking cinema after cinema builds it once."""
    return DemoWorld(seed, cinemas, films, start)


def programme_for(
    cinema_id: int,
    start: date,
    days: int = DEFAULT_DAYS,
    *,
    seed: int = DEFAULT_SEED,
    cinemas: int = DEFAULT_CINEMAS,
    films: int = DEFAULT_FILMS,
    anchor: date | None = None,
) -> Programme:
    """A cinema's programme for `days` days from `start`, in a demo anchored on `anchor` (its first
    day, `start` by default): what the demo database holds for that cinema over the same days."""
    return demo_world(seed, cinemas, films, anchor or start).programme(cinema_id, start, days)
