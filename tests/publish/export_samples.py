"""A small showtime dataset shaped like `programmation-cinemas`, for testing the export writers directly."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class SampleColumn:
    name: str
    type: str
    title: str = ""
    description: str = ""


COLUMNS = [
    SampleColumn("showid", "string", "Identifiant de la séance"),
    SampleColumn("showstart", "datetime", "Début"),
    SampleColumn("showend", "datetime", "Fin"),
    SampleColumn("filmtitle", "string", "Titre du film"),
    SampleColumn("cinenom", "string", "Cinéma"),
    SampleColumn("cineadresse", "string", "Adresse"),
    SampleColumn("cineville", "string", "Commune"),
    SampleColumn("departement", "string", "Département"),
    SampleColumn("_coords.lat", "number", "Latitude"),
    SampleColumn("_coords.lon", "number", "Longitude"),
    SampleColumn("auditoriumcapacity", "integer", "Jauge"),
    SampleColumn("evenement", "boolean", "Séance événementielle"),
    SampleColumn("showurl", "string", "Réservation"),
    SampleColumn("status", "string", "Statut"),
    SampleColumn("jour", "date", "Jour"),
]


@dataclass(frozen=True)
class SampleDataset:
    id: str = "programmation-cinemas"
    title: str = "Programmation des cinémas indépendants"
    description: str = "Une ligne par séance."
    columns: list[SampleColumn] = field(default_factory=lambda: COLUMNS)
    geo: tuple[str, str] | None = ("_coords.lat", "_coords.lon")
    start_column: str | None = "showstart"
    end_column: str | None = "showend"
    summary_column: str | None = "filmtitle"
    uid_column: str | None = "showid"
    status_column: str | None = "status"
    url_column: str | None = "showurl"
    department_column: str | None = "departement"
    location_columns: tuple[str, ...] = ("cinenom", "cineadresse", "cineville")


START = datetime(2026, 9, 2, 18, 30, tzinfo=UTC)  # 20:30 in Paris (summer time)


def showtime(n: int) -> tuple[Any, ...]:
    """The n-th séance: every fifth is cancelled, every seventh has no coordinates."""
    start = START + timedelta(minutes=15 * n)
    lat, lon = (None, None) if n % 7 == 6 else (48.8566 + n / 1e4, 2.3522)
    return (
        f"ems{n:06d}",
        start,
        start + timedelta(minutes=105),
        f"Cléo de 5 à 7, n°{n}; « VOST »",
        "Le Balzac",
        "1 rue Balzac",
        "Paris",
        "75",
        lat,
        lon,
        120 + n,
        n % 3 == 0,
        None if n % 4 == 0 else f"https://billetterie.example/seance/{n}",
        "cancelled" if n % 5 == 4 else "scheduled",
        date(2026, 9, 2),
    )


def showtimes(count: int) -> Iterator[tuple[Any, ...]]:
    return (showtime(n) for n in range(count))
