"""The demo's films: French and foreign titles released on Wednesdays around the demo's first day.

Film n depends only on the seed, the first day and the films before it (titles stay unique), so a
larger demo keeps the smaller one's films. Every film carries its CNC visa (none is shown in France
without one, whatever its country) and its Allociné id.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

from lanterne.catalog.identity import film_match_key
from lanterne.collect.programme import FilmRecord
from lanterne.demo.names import (
    COUNTRY_WEIGHTS,
    DISTRIBUTORS,
    ENGLISH_TITLES,
    FAMILY_GENRES,
    FIRST_NAMES,
    FOREIGN_PEOPLE,
    GENRES,
    LAST_NAMES,
    SYNOPSIS_OPENINGS,
    SYNOPSIS_SUBJECTS,
    SYNOPSIS_TURNS,
    TITLE_ADJECTIVES,
    TITLE_NOUNS,
    TITLE_PLACES,
)

_COUNTRIES = [country for country, _ in COUNTRY_WEIGHTS]
_COUNTRY_WEIGHTS = [weight for _, weight in COUNTRY_WEIGHTS]
_GENRE_WEIGHTS = [12, 8, 8, 4, 5, 4, 3, 2, 3, 3, 2, 2, 2, 2, 2, 1, 1]


@dataclass(frozen=True)
class DemoFilm:
    """One film of the demo; `number` is its id in the films table and its demo vendors' id."""

    number: int
    title: str
    original_title: str
    directors: str
    cast: str
    runtime: int
    release_date: date
    production_year: int
    countries: str
    genres: str
    synopsis: str
    visa: str
    allocine_id: str
    distributor: str
    recommended: bool
    audio_description: bool
    deaf_subtitles: bool
    popularity: float  # relative audience pull: how many cinemas take it, how many screens
    repertory: bool  # a classic back in cinemas (patrimoine)

    @cached_property
    def french(self) -> bool:
        return self.countries.startswith("France")

    @cached_property
    def family(self) -> bool:
        return bool(FAMILY_GENRES & set(self.genres.split(", ")))

    def row(self, created: datetime) -> dict[str, Any]:
        return {
            "id": self.number,
            **{key: value for key, value in self.record().__dict__.items() if key != "external_id"},
            "match_key": film_match_key(self.title, self.directors, self.production_year),
            "art_et_essai_recommended": self.recommended,
            "audio_description": self.audio_description,
            "deaf_subtitles": self.deaf_subtitles,
            "created_at": created,
            "updated_at": created,
        }

    def record(self) -> FilmRecord:
        """The film as a demo box office describes it (the neutral type connectors yield)."""
        return FilmRecord(
            external_id=str(self.number),
            title=self.title,
            original_title=self.original_title,
            directors=self.directors,
            cast=self.cast,
            runtime=self.runtime,
            release_date=self.release_date,
            production_year=self.production_year,
            countries=self.countries,
            genres=self.genres,
            synopsis=self.synopsis,
            visa=self.visa,
            allocine_id=self.allocine_id,
            distributor=self.distributor,
        )


def first_wednesday(day: date) -> date:
    """The Wednesday that opens `day`'s cinema week (the trade's week runs Wednesday → Tuesday)."""
    return day - timedelta(days=(day.weekday() - 2) % 7)


def generate_films(seed: int, count: int, start: date) -> list[DemoFilm]:
    titles: set[str] = set()
    return [_film(random.Random(f"{seed}:film:{n}"), n, start, titles) for n in range(1, count + 1)]


def _film(rng: random.Random, number: int, start: date, titles: set[str]) -> DemoFilm:
    country = rng.choices(_COUNTRIES, weights=_COUNTRY_WEIGHTS)[0]
    countries = (
        country
        if rng.random() < 0.7
        else f"{country}, {rng.choice(_COUNTRIES[1:] if country == 'France' else _COUNTRIES[:1])}"
    )
    genres = sorted(set(rng.choices(GENRES, weights=_GENRE_WEIGHTS, k=rng.randint(1, 2))), key=GENRES.index)
    repertory = rng.random() < 0.06
    release = first_wednesday(start) + timedelta(weeks=rng.randint(-14, 3))
    year = rng.randint(1950, 1995) if repertory else release.year - (rng.random() < 0.3)
    title, original = _titles(rng, country, titles)
    directors = _person(rng, country) + (f", {_person(rng, country)}" if rng.random() < 0.08 else "")
    family = bool(FAMILY_GENRES & set(genres))
    return DemoFilm(
        number=number,
        title=title,
        original_title=original,
        directors=directors,
        cast=", ".join(_person(rng, country) for _ in range(rng.randint(2, 5))),
        runtime=max(70, min(185, int(rng.gauss(88 if "Animation" in genres else 106, 16)))),
        release_date=release,
        production_year=year,
        countries=countries,
        genres=", ".join(genres),
        synopsis=" ".join(
            rng.choice(pool) for pool in (SYNOPSIS_OPENINGS, SYNOPSIS_SUBJECTS, SYNOPSIS_TURNS)
        ),
        visa=str(130_000 + number * 4 + rng.randint(0, 3)),  # every film shown in France has its visa
        allocine_id=str(200_000 + number * 9 + rng.randint(0, 8)),
        distributor=rng.choice(DISTRIBUTORS),
        recommended=repertory or (rng.random() < (0.15 if country == "États-Unis" and not family else 0.5)),
        audio_description=rng.random() < (0.45 if country == "France" else 0.2),
        deaf_subtitles=rng.random() < (0.35 if country == "France" else 0.1),
        popularity=rng.paretovariate(1.3) * (2.0 if country == "États-Unis" else 1.0),
        repertory=repertory,
    )


def _titles(rng: random.Random, country: str, taken: set[str]) -> tuple[str, str]:
    """French title and original title; a number sets apart the rare title already taken."""
    english = rng.choice(ENGLISH_TITLES)
    if country in ("États-Unis", "Royaume-Uni") and rng.random() < 0.6 and english not in taken:
        original = english
        title = original if rng.random() < 0.5 else _french_title(rng)
    else:
        title = original = _french_title(rng)  # the demo has no pool of titles in other languages
        for _ in range(8):  # a fresh title rather than a number, which would read as a sequel
            if title not in taken:
                break
            title = original = _french_title(rng)
    base, suffix = title, 2
    while title in taken:
        title, suffix = f"{base} {suffix}", suffix + 1
    taken.add(title)
    return title, original


def _french_title(rng: random.Random) -> str:
    """'La Nuit blanche', 'L'Été de Naples', 'Les Vagues perdues', 'Le Dernier Voyage', 'Le Frère et la
    Sœur', 'Juliette et Karim', 'Une saison à Dakar', 'La Cabane de Léa'."""
    noun, gender = rng.choice(TITLE_NOUNS)
    masculine, feminine = rng.choice(TITLE_ADJECTIVES)
    adjective = feminine if gender == "f" else masculine
    pattern = rng.randrange(8)
    if pattern == 0:
        return f"{_article(noun, gender)}{noun.capitalize()} {adjective}"
    if pattern == 1:
        return f"{_article(noun, gender)}{noun.capitalize()} {_of(rng.choice(TITLE_PLACES))}"
    if pattern == 2:
        return f"Les {_plural(noun).capitalize()} {_plural(adjective)}"
    if pattern == 3:
        masculine, feminine = rng.choice(_BEFORE_NOUN)
        first = feminine if gender == "f" else masculine
        return f"{'La' if gender == 'f' else 'Le'} {first.capitalize()} {noun.capitalize()}"
    if pattern == 4:
        other, other_gender = rng.choice(TITLE_NOUNS)
        return (
            f"{_article(noun, gender)}{noun.capitalize()} et {_article(other, other_gender).lower()}{other}"
        )
    if pattern == 5:
        return f"{rng.choice(FIRST_NAMES)} et {rng.choice(FIRST_NAMES)}"
    if pattern == 6:
        return f"{'Une' if gender == 'f' else 'Un'} {noun} à {rng.choice(TITLE_PLACES)}"
    return f"{_article(noun, gender)}{noun.capitalize()} {_of(rng.choice(FIRST_NAMES))}"


def _of(name: str) -> str:
    return f"d'{name}" if name[0] in "AEÉÈIÎOUaeéèiîou" else f"de {name}"


def _article(noun: str, gender: str) -> str:
    return "L'" if noun[0] in "aeéèêiîouhô" else ("La " if gender == "f" else "Le ")


_BEFORE_NOUN = (("dernier", "dernière"), ("premier", "première"), ("grand", "grande"), ("petit", "petite"))


def _plural(word: str) -> str:
    if word[-1] in "sx":
        return word
    return word + ("x" if word.endswith("eau") else "s")


def _person(rng: random.Random, country: str) -> str:
    if country in FOREIGN_PEOPLE and rng.random() < 0.8:
        first, last = FOREIGN_PEOPLE[country]
        return f"{rng.choice(first)} {rng.choice(last)}"
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
