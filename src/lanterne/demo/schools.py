"""The demo's établissements scolaires: écoles, collèges and lycées around each cinema.

UAIs follow the national directory's shape (department, four digits, check letter) so importers,
school-outing features and exports meet realistic keys.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from lanterne.demo.cinemas import DemoCinema
from lanterne.demo.communes import OVERSEAS
from lanterne.demo.names import SCHOOL_PEOPLE, SCHOOL_SAINTS, STREET_KINDS, STREET_NAMES

UAI_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
# kind, name prefix, pupils range, share of schools, chance of a cinema option (option cinéma-audiovisuel)
KINDS = (
    ("École", "École maternelle", (50, 220), 30, 0.0),
    ("École", "École élémentaire", (90, 350), 35, 0.0),
    ("Collège", "Collège", (250, 850), 20, 0.03),
    ("Lycée", "Lycée", (450, 1600), 10, 0.12),
    ("Lycée", "Lycée professionnel", (200, 700), 5, 0.04),
)
_PRIVATE_PREFIX = {"École maternelle": "École privée", "École élémentaire": "École privée"}


def uai(department: str, number: int) -> str:
    """A UAI: three digits of department (Corsica 620/720), four of serial, and the check letter
    (the seven characters' value modulo 23)."""
    prefix = {"2A": "620", "2B": "720"}.get(
        department, department if department in OVERSEAS else f"0{department}"
    )
    digits = f"{prefix}{number:04d}"
    return digits + UAI_LETTERS[int(digits) % 23]


def school_rows(
    seed: int, cinemas: Sequence[DemoCinema], per_cinema: int, updated: datetime
) -> Iterator[dict[str, Any]]:
    """`per_cinema` schools in each cinema's commune; serials run per department without repeating."""
    serials: dict[str, int] = {}
    for cinema in cinemas:
        rng = random.Random(f"{seed}:schools:{cinema.id}")
        department = cinema.commune.department
        for _ in range(per_cinema):
            serial = serials.get(department, 100) + rng.randint(1, 3)
            if serial > 9999:
                break
            serials[department] = serial
            yield _school(rng, cinema, uai(department, serial), updated)


def _school(rng: random.Random, cinema: DemoCinema, code: str, updated: datetime) -> dict[str, Any]:
    kind, prefix, (low, high), _, option = rng.choices(KINDS, weights=[k[3] for k in KINDS])[0]
    private = rng.random() < 0.2
    if private:
        name = f"{_PRIVATE_PREFIX.get(prefix, prefix + ' privé')} {rng.choice(SCHOOL_SAINTS)}"
    else:
        name = f"{prefix} {rng.choice(SCHOOL_PEOPLE)}"
    commune = cinema.commune
    return {
        "uai": code,
        "name": name,
        "kind": kind,
        "sector": "privé" if private else "public",
        "address": f"{rng.randint(1, 90)} {rng.choice(STREET_KINDS)} {rng.choice(STREET_NAMES)}",
        "postcode": commune.postcode,
        "insee_code": commune.insee,
        "commune": commune.name,
        "department": commune.department,
        "latitude": round(cinema.latitude + rng.gauss(0, 0.015), 6),
        "longitude": round(cinema.longitude + rng.gauss(0, 0.015), 6),
        "pupils": rng.randint(low, high),
        "cinema_section": rng.random() < option,
        "updated_at": updated,
    }
