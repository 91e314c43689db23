"""The agenda's controlled words: kinds of event, audiences and accessibility, as cinemas choose them.

A closed list keeps OpenAgenda keywords and the portal's type filter consistent across 1,200 cinemas.
"""

from __future__ import annotations

from collections.abc import Iterable

from lanterne.errors import InvalidValue

KINDS = (
    "ciné-débat",
    "ciné-concert",
    "ciné-goûter",
    "avant-première",
    "rencontre",
    "atelier",
    "conférence",
    "séance scolaire",
    "festival",
    "autre",
)
AUDIENCES = ("tout public", "jeune public", "famille", "scolaires", "seniors", "étudiants", "professionnels")
# OpenAgenda's accessibility codes: hearing, intellectual, motor (pi = psychic), mental, visual impairments.
ACCESSIBILITY = {
    "hi": "Handicap auditif",
    "ii": "Handicap intellectuel",
    "mi": "Handicap moteur",
    "pi": "Handicap psychique",
    "vi": "Handicap visuel",
}
# What the columns hold; OpenAgenda's own limits (title 140, summary 200) are met when pushing.
TEXT_LIMITS = {
    "title": 300,
    "place": 300,
    "host": 200,
    "guests": 2000,
    "partners": 2000,
    "description": 10000,
}


def check_kind(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    if value not in KINDS:
        raise InvalidValue("kind", f"type « {value} » inconnu (types : {', '.join(KINDS)})")
    return value


def check_audiences(values: Iterable[str]) -> list[str]:
    chosen = [value for value in values if value]
    unknown = [value for value in chosen if value not in AUDIENCES]
    if unknown:
        raise InvalidValue("audience", f"public « {unknown[0]} » inconnu (publics : {', '.join(AUDIENCES)})")
    return chosen


def check_accessibility(values: Iterable[str]) -> list[str]:
    chosen = sorted({value for value in values if value})
    unknown = [value for value in chosen if value not in ACCESSIBILITY]
    if unknown:
        raise InvalidValue("accessibility", f"code « {unknown[0]} » inconnu (codes : hi, ii, mi, pi, vi)")
    return chosen


def check_ages(age_min: int | None, age_max: int | None) -> None:
    for field, value in (("age_min", age_min), ("age_max", age_max)):
        if value is not None and not 0 <= value <= 120:
            raise InvalidValue(field, "âge entre 0 et 120 ans")
    if age_min is not None and age_max is not None and age_min > age_max:
        raise InvalidValue("age_max", "l'âge maximum est inférieur à l'âge minimum")
