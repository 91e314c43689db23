"""The whole demo is a pure function of its seed and first day; one cinema's programme comes out as
the neutral records a stand-in box office serves."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from lanterne.collect.programme import Programme
from lanterne.demo.world import DemoWorld, programme_for

START = date(2026, 11, 23)


def _rows(world: DemoWorld) -> tuple[list[dict[str, object]], ...]:
    return (
        list(world.cinema_rows()),
        list(world.film_rows()),
        list(world.admission_rows()),
        list(world.school_rows()),
        list(world.showtime_rows(days=5)),
    )


def test_same_seed_and_start_give_identical_rows() -> None:
    first = _rows(DemoWorld(seed=1, cinema_count=25, film_count=40, start=START))
    again = _rows(DemoWorld(seed=1, cinema_count=25, film_count=40, start=START))
    assert first == again
    assert all(first)


def test_another_seed_gives_another_demo() -> None:
    one = DemoWorld(seed=1, cinema_count=25, film_count=40, start=START)
    two = DemoWorld(seed=2, cinema_count=25, film_count=40, start=START)
    assert list(one.cinema_rows()) != list(two.cinema_rows())
    assert list(one.showtime_rows(days=2)) != list(two.showtime_rows(days=2))


def test_programme_gives_the_same_seances_as_the_database_rows() -> None:
    world = DemoWorld(seed=1, cinema_count=25, film_count=40, start=START)
    cinema = world.cinemas[30 // 2]  # overseas: one cinema in thirty, the fifteenth first
    assert cinema.commune.department == "971"
    programme = world.programme(cinema.id, days=7)
    assert isinstance(programme, Programme)
    rows = [row for row in world.showtime_rows(days=7) if row["cinema_id"] == cinema.id]
    assert [show.external_id for show in programme.showtimes] == [row["external_id"] for row in rows]
    assert [show.starts_at for show in programme.showtimes] == [row["starts_at"] for row in rows]
    assert all(show.starts_at.tzinfo == ZoneInfo("America/Guadeloupe") for show in programme.showtimes)
    film_ids = {film.external_id for film in programme.films}
    assert {show.film_external_id for show in programme.showtimes} == film_ids
    assert all(film.allocine_id for film in programme.films)


def test_programme_for_a_later_window_of_the_same_demo() -> None:
    world = DemoWorld(seed=4, cinema_count=10, film_count=30, start=START)
    cinema = world.cinemas[2]
    later = programme_for(cinema.id, START + timedelta(days=2), 3, seed=4, cinemas=10, films=30, anchor=START)
    assert later == world.programme(cinema.id, START + timedelta(days=2), 3)
    assert later.showtimes


def test_rows_do_not_depend_on_the_process_hash_seed() -> None:
    """String seeds go through SHA-512, not hash(): another interpreter gives the same demo."""
    script = (
        "import hashlib, datetime\n"
        "from lanterne.demo.world import DemoWorld\n"
        "w = DemoWorld(1, 8, 20, datetime.date(2026, 11, 23))\n"
        "rows = [*w.cinema_rows(), *w.film_rows(), *w.school_rows(), *w.showtime_rows(days=2)]\n"
        "print(hashlib.sha256(repr(rows).encode()).hexdigest())\n"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": str(hash_seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for hash_seed in (1, 2)
    }
    assert len(digests) == 1
