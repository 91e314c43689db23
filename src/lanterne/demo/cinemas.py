"""The demo's cinemas: plausible établissements over metropolitan France and overseas, with CNC ids.

Cinema n depends only on the seed and the cinemas before it, so a larger demo keeps the smaller one's
cinemas. Proportions follow the CNC 2024 list (60 % Art et Essai: A 7 %, B 2 %, C 20 %, D 16 %, E 55 %).
"""

from __future__ import annotations

import math
import random
import re
from bisect import bisect
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache, cached_property
from itertools import accumulate
from typing import Any

from lanterne.catalog.identity import fold
from lanterne.demo.communes import (
    DEPARTMENTS,
    METROPOLITAN,
    OVERSEAS,
    OVERSEAS_COMMUNES,
    Commune,
    time_zone,
)
from lanterne.demo.names import (
    CINEMA_NAMES,
    MULTIPLEX_BRANDS,
    OPERATOR_PATTERNS,
    STREET_KINDS,
    STREET_NAMES,
)

CATEGORY_WEIGHTS = {"A": 7, "B": 2, "C": 20, "D": 16, "E": 55}
CONNECTOR_WEIGHTS = {
    "cds": 32,
    "monnaie": 22,
    "allocine": 14,
    "boost": 10,
    "ems": 8,
    "spreadsheet": 12,
    "cgr": 2,
}
OVERSEAS_EVERY = 30  # one cinema in thirty is overseas, cycling through 971–976
_BIG_URBAN_UNITS = {"Paris": 10_900_000, "Lyon": 1_700_000, "Marseille": 1_600_000}


@dataclass(frozen=True)
class DemoCinema:
    """What the generator decides for one cinema; `row()` is its line of the cinemas table."""

    id: int
    cnc_region: int
    cnc_number: int
    name: str
    operator: str
    address: str
    commune: Commune
    latitude: float
    longitude: float
    capacities: tuple[int, ...]  # one per screen, "Salle 1" first
    art_et_essai: bool
    category: str | None
    labels: tuple[bool, bool, bool]  # Recherche et Découverte, Jeune Public, Patrimoine et Répertoire
    multiplex: bool
    connector: str
    publish_consent: bool
    online_booking: bool
    admissions: int  # last year's

    @property
    def zone(self) -> str:
        return time_zone(self.commune.department)

    @property
    def screens(self) -> int:
        return len(self.capacities)

    @cached_property
    def slug(self) -> str:
        return re.sub(r"-+", "-", fold(f"{self.name} {self.commune.name}").replace(" ", "-"))

    def row(self, seed: int, created: datetime) -> dict[str, Any]:
        unit = self.commune.name.split(" ")[0] if "Arrondissement" in self.commune.name else self.commune.name
        population = _BIG_URBAN_UNITS.get(unit, self.commune.population * 1000 * 3 // 2)
        return {
            "id": self.id,
            "cnc_region": self.cnc_region,
            "cnc_number": self.cnc_number,
            "name": self.name,
            "operator": self.operator,
            "address": self.address,
            "postcode": self.commune.postcode,
            "insee_code": self.commune.insee,
            "commune": self.commune.name,
            "department": self.commune.department,
            "region": DEPARTMENTS[self.commune.department][0],
            "latitude": self.latitude,
            "longitude": self.longitude,
            "screens": self.screens,
            "seats": sum(self.capacities),
            "art_et_essai": self.art_et_essai,
            "category": self.category,
            "label_recherche": self.labels[0],
            "label_jeune_public": self.labels[1],
            "label_patrimoine": self.labels[2],
            "multiplex": self.multiplex,
            "itinerant": False,
            "urban_unit": unit,
            "urban_unit_population": population,
            "art_et_essai_share": _ae_share(self),
            "connector": self.connector,
            "connector_settings": {"demo_seed": seed},
            "publish_consent": self.publish_consent,
            "consent_at": created - timedelta(days=30 + self.cnc_number % 300)
            if self.publish_consent
            else None,
            "active": True,
            "created_at": created,
            "updated_at": created,
        }

    def admissions_rows(self, start: date) -> list[dict[str, Any]]:
        """Three published years before the demo's year, drifting a few percent a year."""
        rows, admissions = [], self.admissions
        for year in range(start.year - 1, start.year - 4, -1):
            rows.append({"cinema_id": self.id, "year": year, "admissions": admissions})
            admissions = admissions * (90 + self.cnc_number % 17) // 100
        return rows


def _ae_share(cinema: DemoCinema) -> float:
    """The share of admissions that went to recommended films: high in AE cinemas, low elsewhere."""
    base = (
        0.45 + (cinema.cnc_number % 40) / 100
        if cinema.art_et_essai
        else 0.08 + (cinema.cnc_number % 20) / 100
    )
    return round(base, 3)


def generate_cinemas(seed: int, count: int) -> list[DemoCinema]:
    """`count` cinemas; ids are unique because N° auto is drawn without repetition per CNC region."""
    used: set[int] = set()
    return [_cinema(random.Random(f"{seed}:cinema:{index}"), index, used) for index in range(count)]


def _cinema(rng: random.Random, index: int, used: set[int]) -> DemoCinema:
    art_et_essai = rng.random() < 0.6
    multiplex = not art_et_essai and rng.random() < 0.28
    category = _weighted(rng, CATEGORY_WEIGHTS) if art_et_essai else None
    commune = _commune(rng, index, category, multiplex)
    cnc_region = DEPARTMENTS[commune.department][1]
    number = _cnc_number(rng, cnc_region, used)
    capacities = _capacities(rng, multiplex, category)
    name, operator, connector = _identity(rng, commune, multiplex)
    jitter = 0.004 if commune.department in OVERSEAS else 0.01
    return DemoCinema(
        id=cnc_region * 1_000_000 + number,
        cnc_region=cnc_region,
        cnc_number=number,
        name=name,
        operator=operator,
        address=f"{rng.randint(1, 120)} {rng.choice(STREET_KINDS)} {rng.choice(STREET_NAMES)}",
        commune=commune,
        latitude=round(commune.latitude + rng.gauss(0, jitter), 6),
        longitude=round(commune.longitude + rng.gauss(0, jitter), 6),
        capacities=capacities,
        art_et_essai=art_et_essai,
        category=category,
        labels=(
            art_et_essai and rng.random() < 0.2,
            art_et_essai and rng.random() < 0.7,
            art_et_essai and rng.random() < 0.4,
        ),
        multiplex=multiplex,
        connector=connector,
        publish_consent=rng.random() < 0.9,
        online_booking=rng.random() < 0.92,
        admissions=sum(capacities) * rng.randint(60, 180) * (3 if multiplex else 2) // 2,
    )


def _cnc_number(rng: random.Random, cnc_region: int, used: set[int]) -> int:
    """A N° auto not yet taken in the region, so the union's id never repeats."""
    number = rng.randint(100, 999_999)
    while cnc_region * 1_000_000 + number in used:
        number = rng.randint(100, 999_999)
    used.add(cnc_region * 1_000_000 + number)
    return number


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _identity(rng: random.Random, commune: Commune, multiplex: bool) -> tuple[str, str, str]:
    """Name, operator and box-office connector: circuits bring their own, independents vary."""
    place = commune.name.replace(" Arrondissement", "")
    if multiplex:
        brand, operator, connector = rng.choice(MULTIPLEX_BRANDS)
        return f"{brand} {place}", operator, connector
    name = rng.choice(CINEMA_NAMES)
    operator = rng.choice(OPERATOR_PATTERNS).format(name=name, commune=place)
    return name, operator, _weighted(rng, CONNECTOR_WEIGHTS)


def _capacities(rng: random.Random, multiplex: bool, category: str | None) -> tuple[int, ...]:
    """Screens and their seats: multiplexes are big, category E villages have one screen."""
    low, high = {None: (2, 7), "A": (3, 7), "B": (3, 6), "C": (2, 5), "D": (1, 3), "E": (1, 2)}[category]
    screens = rng.randint(8, 18) if multiplex else rng.randint(low, high)
    if category == "E" and rng.random() < 0.6:
        screens = 1
    largest = rng.randint(250, 450) if multiplex else rng.randint(120, 380)
    sizes = [largest] + [rng.randint(60, max(61, largest * 3 // 4)) for _ in range(screens - 1)]
    return tuple(sizes)


def _commune(rng: random.Random, index: int, category: str | None, multiplex: bool) -> Commune:
    """Large cities get the A/B cinemas and multiplexes, small towns the D/E ones."""
    if index % OVERSEAS_EVERY == OVERSEAS_EVERY // 2:
        department = OVERSEAS[(index // OVERSEAS_EVERY) % len(OVERSEAS)]
        return rng.choice(OVERSEAS_COMMUNES[department])
    kind = "multiplex" if multiplex else (category or "other")
    communes, cumulative = _candidates(kind)
    return communes[bisect(cumulative, rng.random() * cumulative[-1])]


@cache
def _candidates(kind: str) -> tuple[tuple[Commune, ...], tuple[float, ...]]:
    bounds = {"A": (100, 10_000), "B": (100, 10_000), "C": (30, 200), "D": (15, 80), "E": (0, 50)}
    low, high = bounds.get(kind, (40, 10_000) if kind == "multiplex" else (0, 10_000))
    communes = tuple(c for c in METROPOLITAN if low <= c.population <= high)
    weights = [math.sqrt(c.population) if kind in ("A", "B", "other", "multiplex") else 1.0 for c in communes]
    return communes, tuple(accumulate(weights))
