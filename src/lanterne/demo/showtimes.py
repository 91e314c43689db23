"""The demo's séances: each cinema week a programmer picks films, then each day fills the screens.

A day's séances depend only on the seed, the cinema, the films and that day, so any window of days
gives the same séances for the days it shares with another: a stand-in vendor serving a cinema's
programme and the demo database agree. Times are the cinema's local hours, stored in UTC.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple
from zoneinfo import ZoneInfo

from lanterne.demo.cinemas import DemoCinema
from lanterne.demo.films import DemoFilm, first_wednesday
from lanterne.demo.names import EVENT_HEADLINES, FAMILY_HEADLINES

EVENT_RATE = 0.03  # ciné-débats, ciné-goûters…: about 3 % of séances are events
PREVIEW_RATE = 0.25  # cinema weeks with one avant-première
TRAILERS = 10  # minutes of advertising and trailers before the film
CLEANING = 5  # minutes to empty and clean the room before the next séance
MATINEE, AFTERNOON, TEA, EARLY_EVENING, EVENING, LATE = 660, 840, 975, 1110, 1245, 1365  # minutes
WEDNESDAY, FRIDAY, SATURDAY, SUNDAY = 2, 4, 5, 6
BOOKING_HOSTS = {
    "cds": "cine-office.example",
    "boost": "boost-billetterie.example",
    "allocine": "billetterie-allocine.example",
    "ems": "ems-ticketing.example",
    "cgr": "cgrcinemas.example",
    "monnaie": "monnaie-services.example",
}


class DemoShowtime(NamedTuple):
    """One séance as the demo's box office announces it; `starts_at` is aware, in UTC. A tuple:
    a million of them are made for the benchmarks' national demo."""

    external_id: str
    film: DemoFilm
    starts_at: datetime
    ends_at: datetime
    screen: str
    capacity: int
    version: str
    format: str
    audio_description: bool
    deaf_subtitles: bool
    booking_url: str | None
    is_event: bool
    event_headline: str | None


class WeekProgramme(NamedTuple):
    """A cinema week's choice: the films on show, and maybe one avant-première on one evening."""

    films: list[DemoFilm]
    preview: DemoFilm | None = None
    preview_day: date | None = None


@lru_cache(maxsize=4096)
def local_midnight(day: date, zone: str) -> datetime:
    """`day`'s local midnight as a UTC instant. Séances run 11:00–24:00, far from the 2–3 a.m. DST
    changes, so the offset at noon holds for all of them."""
    offset = datetime.combine(day, time(12), ZoneInfo(zone)).utcoffset() or timedelta()
    return datetime.combine(day, time(0), UTC) - offset


def slots(cinema: DemoCinema, day: date) -> tuple[int, ...]:
    """Realistic hours: 14:00, 16:15, 18:30, 20:45; matinées on Wednesdays and weekends; multiplexes
    run from 11:00 to the late show every day; village cinemas open on weekday evenings only; city
    cinemas add a late show."""
    weekday = day.weekday()
    if cinema.multiplex:
        return (MATINEE, AFTERNOON, TEA, EARLY_EVENING, EVENING, LATE)
    if cinema.screens == 1 and weekday not in (WEDNESDAY, SATURDAY, SUNDAY):
        return (EARLY_EVENING, EVENING)
    hours: tuple[int, ...] = (AFTERNOON, TEA, EARLY_EVENING, EVENING)
    if weekday in (WEDNESDAY, SATURDAY, SUNDAY):
        hours = (MATINEE, *hours)
    if cinema.screens >= 3 and (weekday in (FRIDAY, SATURDAY) or cinema.category in (None, "A", "B")):
        hours = (*hours, LATE)  # city centres and commercial cinemas run a late show
    return hours


class Programmer:
    """The programmateur: which films a cinema takes each week, then its séances each day."""

    def __init__(self, seed: int, films: Sequence[DemoFilm]) -> None:
        self.seed = seed
        self.films = films
        self._pools: dict[tuple[date, str], tuple[Sequence[DemoFilm], list[float]]] = {}

    def week(self, cinema: DemoCinema, week: date) -> WeekProgramme:
        """The films on show in one cinema week (more films than screens, by audience pull and taste),
        and in one week out of four an avant-première of a film coming out within two weeks."""
        rng = random.Random(f"{self.seed}:{cinema.id}:week:{week.isoformat()}")
        films = self._pick(rng, self._pool(week, _taste(cinema)), _films_per_week(rng, cinema.screens))
        if not films or rng.random() >= PREVIEW_RATE:
            return WeekProgramme(films)
        previews = self._pick(rng, self._pool(week, "preview"), 1)
        if not previews:
            return WeekProgramme(films)
        return WeekProgramme(films, previews[0], week + timedelta(days=rng.randrange(7)))

    def _pick(
        self, rng: random.Random, pool: tuple[Sequence[DemoFilm], list[float]], wanted: int
    ) -> list[DemoFilm]:
        films, cumulative = pool
        wanted = min(len(films), wanted)
        chosen: dict[int, DemoFilm] = {}
        for _ in range(wanted * 4):
            if len(chosen) == wanted:
                break
            film = films[bisect(cumulative, rng.random() * cumulative[-1])]
            chosen.setdefault(film.number, film)
        return sorted(chosen.values(), key=lambda film: -film.popularity)

    def _pool(self, week: date, taste: str) -> tuple[Sequence[DemoFilm], list[float]]:
        key = (week, taste)
        if key not in self._pools:
            weighted = [(film, _weight(film, week, taste)) for film in self.films]
            kept = [(film, weight) for film, weight in weighted if weight > 0]
            self._pools[key] = [film for film, _ in kept], list(accumulate(weight for _, weight in kept))
        return self._pools[key]

    def day(self, cinema: DemoCinema, day: date, week: WeekProgramme) -> Iterator[DemoShowtime]:
        """Fill each screen slot by slot; a long film takes the next slot too; the week's
        avant-première, if any, takes Salle 1's evening séance on its day."""
        films = week.films
        if not films:
            return
        rng = random.Random(f"{self.seed}:{cinema.id}:{day.isoformat()}")
        midnight = local_midnight(day, cinema.zone)
        day_index = (day - first_wednesday(day)).days
        hours = slots(cinema, day)
        stamp = f"{cinema.id}{day:%y%m%d}"  # digits only: vendors' séance ids are integers
        for screen, capacity in enumerate(cinema.capacities):
            free_at = 0
            for slot, minutes in enumerate(hours):
                start = minutes + (screen % 4) * 10
                if start < free_at:
                    continue
                film = _film_for(films, cinema.screens, screen, slot + day_index)
                if week.preview and day == week.preview_day and screen == 0 and minutes == EVENING:
                    film = week.preview
                free_at = start + TRAILERS + film.runtime + CLEANING
                external_id = f"{stamp}{screen + 1:02d}{slot + 1}"
                starts_at = midnight + timedelta(minutes=start)
                yield _showtime(rng, cinema, film, day, external_id, starts_at, screen, capacity, minutes)


def _showtime(
    rng: random.Random,
    cinema: DemoCinema,
    film: DemoFilm,
    day: date,
    external_id: str,
    starts_at: datetime,
    screen: int,
    capacity: int,
    minutes: int,
) -> DemoShowtime:
    headline = _headline(rng, film, day, minutes)
    booking = cinema.online_booking and rng.random() < 0.9  # some séances sold at the door only
    return DemoShowtime(
        external_id=external_id,
        film=film,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=TRAILERS + film.runtime),
        screen=f"Salle {screen + 1}",
        capacity=capacity,
        version=_version(rng, cinema, film),
        format="3D" if cinema.multiplex and film.family and rng.random() < 0.3 else "2D",
        audio_description=film.audio_description,
        deaf_subtitles=film.deaf_subtitles and rng.random() < 0.2,
        booking_url=_booking_url(cinema, external_id) if booking else None,
        is_event=headline is not None,
        event_headline=headline,
    )


def _headline(rng: random.Random, film: DemoFilm, day: date, minutes: int) -> str | None:
    """Avant-premières come with the film; other events are rarer and fit the hour."""
    if film.release_date > day:
        return "Avant-première" if rng.random() < 0.7 else "Avant-première en présence de l'équipe du film"
    if rng.random() >= EVENT_RATE:
        return None
    if film.family and minutes <= TEA:
        return rng.choice(FAMILY_HEADLINES)
    return rng.choice(EVENT_HEADLINES)


def _version(rng: random.Random, cinema: DemoCinema, film: DemoFilm) -> str:
    """French films in VF; foreign ones subtitled in Art et Essai cinemas, mostly dubbed elsewhere."""
    if film.french:
        return "VF"
    if cinema.category in ("A", "B") and film.countries.startswith(("États-Unis", "Royaume-Uni")):
        return "VO" if rng.random() < 0.1 else "VOST"
    subtitled = 0.9 if cinema.art_et_essai else 0.25
    return "VOST" if rng.random() < subtitled else "VF"


def _booking_url(cinema: DemoCinema, external_id: str) -> str:
    host = BOOKING_HOSTS.get(cinema.connector, "example")
    return f"https://{cinema.slug}.{host}/seance/{external_id}"


def _film_for(films: Sequence[DemoFilm], screens: int, screen: int, turn: int) -> DemoFilm:
    """Big screens keep their film all week; extra films rotate through the slots and the days."""
    if screens >= len(films):
        return films[screen % len(films)]
    return films[(screen + turn * screens) % len(films)]


def _films_per_week(rng: random.Random, screens: int) -> int:
    if screens == 1:
        return rng.randint(3, 5)
    if screens == 2:
        return rng.randint(5, 7)
    return screens + rng.randint(1, 4)


def _taste(cinema: DemoCinema) -> str:
    return "multiplex" if cinema.multiplex else ("art_et_essai" if cinema.art_et_essai else "general")


def _weight(film: DemoFilm, week: date, taste: str) -> float:
    """Audience pull fading week after week; recommended films weigh more in Art et Essai cinemas."""
    age = (week - first_wednesday(film.release_date)).days // 7
    if taste == "preview":
        return film.popularity if age in (-2, -1) and not film.repertory else 0.0
    if film.repertory:
        pull = 0.3 * film.popularity if age >= 0 else 0.0
    elif age < 0 or age > 10:
        return 0.0
    else:
        pull = film.popularity * 0.75**age
    if taste == "art_et_essai":
        return pull * (3.0 if film.recommended else 0.6)
    if taste == "multiplex":
        return pull * (0.5 if film.recommended else 2.0)
    return pull
