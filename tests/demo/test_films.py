"""The demo's films: unique titles, a visa for every film, releases on Wednesdays around the start."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from lanterne.catalog.identity import film_match_key
from lanterne.catalog.models import Film
from lanterne.demo.films import first_wednesday, generate_films

START = date(2026, 11, 23)


def test_titles_visas_and_allocine_ids_are_unique() -> None:
    films = generate_films(3, 2000, START)
    assert len({film.title for film in films}) == 2000
    assert len({film.visa for film in films}) == 2000
    assert len({film.allocine_id for film in films}) == 2000


def test_every_film_carries_a_visa_french_or_foreign() -> None:
    """No film is shown in France without its CNC visa, and a box office (CDS) sends nothing else to
    say which film it is: a foreign film without one would be created twice by the sync."""
    films = generate_films(3, 800, START)
    assert all(film.visa and film.visa.isdigit() for film in films)
    assert 0.35 < sum(film.french for film in films) / 800 < 0.6


def test_films_come_out_on_wednesdays_around_the_start() -> None:
    for film in generate_films(3, 400, START):
        assert film.release_date.weekday() == 2
        assert START - timedelta(weeks=16) < film.release_date < START + timedelta(weeks=4)
        assert 70 <= film.runtime <= 185
        assert film.directors and film.cast and film.synopsis and film.genres


def test_flags_are_spread() -> None:
    films = generate_films(3, 800, START)
    for flag in ("recommended", "audio_description", "deaf_subtitles", "repertory"):
        assert 0.02 < sum(getattr(film, flag) for film in films) / 800 < 0.6, flag


def test_rows_fit_the_films_table_with_the_identity_key() -> None:
    columns = set(Film.__table__.c.keys())
    for film in generate_films(3, 100, START):
        row = film.row(datetime(2026, 11, 23, tzinfo=UTC))
        assert set(row) <= columns
        assert row["id"] == film.number
        assert row["match_key"] == film_match_key(film.title, film.directors, film.production_year)


def test_films_are_deterministic_and_a_larger_demo_keeps_them() -> None:
    assert generate_films(3, 50, START) == generate_films(3, 150, START)[:50]
    assert generate_films(3, 50, START) != generate_films(4, 50, START)


def test_the_cinema_week_opens_on_wednesday() -> None:
    assert first_wednesday(date(2026, 11, 23)) == date(2026, 11, 18)  # a Monday
    assert first_wednesday(date(2026, 11, 25)) == date(2026, 11, 25)
    assert first_wednesday(date(2026, 11, 24)) == date(2026, 11, 18)  # Tuesday ends the week
