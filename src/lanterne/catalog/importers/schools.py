"""The national schools directory (annuaire de l'éducation) into `School`, keyed by the UAI.

Accepts the 2023 and 2026 header layouts of the CSV export (`Code postal` / `Code_postal`, columns
added or dropped); a UAI listed twice (the directory's "multi-line" establishments) keeps its first line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from lanterne.catalog.identity import fold
from lanterne.catalog.importers import cells
from lanterne.catalog.importers.loading import (
    ImportReport,
    Progress,
    Row,
    accepted,
    batches,
    first_occurrence,
    table_of,
    upsert,
)
from lanterne.catalog.importers.tabular import Record, open_table
from lanterne.catalog.models import School
from lanterne.errors import InvalidValue

UAI = "Identifiant_de_l_etablissement"
REQUIRED = (UAI, "Nom_etablissement")
UAI_FORMAT = re.compile(r"^\d{7}[A-Z]$")
SECTORS = {"public": "public", "prive": "privé"}
SCHOOLS = "établissements scolaires"


def import_schools(engine: Engine, path: Path, progress: Progress | None = None) -> ImportReport:
    """Load a schools directory extract in one transaction; a newer extract updates in place."""
    report = ImportReport(path.name)
    counts = report.count(SCHOOLS)
    with open_table(path, REQUIRED) as table, engine.begin() as connection:
        parsed = accepted(table.records, parse, report)
        keyed = ((row["uai"], where, row) for where, row in parsed)
        for batch in batches(first_occurrence(keyed, {}, report, UAI)):
            upsert(connection, table_of(School), ("uai",), batch, counts)
            if progress:
                progress(report.read, table.total)
    return report


def parse(record: Record) -> tuple[int | str, Row]:
    """One directory row as a `schools` row; `InvalidValue` names the bad field."""
    latitude = cells.coordinate(record.get("latitude"), "latitude", 90)
    longitude = cells.coordinate(record.get("longitude"), "longitude", 180)
    if (latitude is None) != (longitude is None):
        raise InvalidValue(
            "longitude" if longitude is None else "latitude", "coordonnée seule, l'autre manque"
        )
    row: Row = {
        "uai": uai(record.get(UAI)),
        "name": _name(record.get("Nom_etablissement")),
        "kind": cells.text(record.get("Type_etablissement"), "Type_etablissement", 100),
        "sector": sector(record.get("Statut_public_prive")),
        "address": cells.text(record.get("Adresse_1"), "Adresse_1", 300),
        "postcode": cells.postcode(record.get(("Code_postal", "Code postal")), "Code_postal"),
        "insee_code": cells.code(record.get("Code_commune"), "Code_commune", 5),
        "commune": cells.text(record.get("Nom_commune"), "Nom_commune", 200),
        "department": cells.department(record.get("Code_departement"), "Code_departement"),
        "latitude": latitude,
        "longitude": longitude,
        "pupils": cells.integer(record.get("Nombre_d_eleves"), "Nombre_d_eleves"),
        "cinema_section": cells.flag(record.get("Section_cinema"), "Section_cinema"),
    }
    return record.where, row


def uai(value: Any) -> str:
    code = (cells.text(value, UAI) or "").upper()
    if not UAI_FORMAT.match(code):
        raise InvalidValue(UAI, f"UAI de 7 chiffres et une lettre attendu, pas « {value or ''} »")
    return code


def _name(value: Any) -> str:
    name = cells.text(value, "Nom_etablissement", 300)
    if name is None:
        raise InvalidValue("Nom_etablissement", "valeur obligatoire absente")
    return name


def sector(value: Any) -> str | None:
    """'Public' → public, 'Privé'/'Prive'/'PRIVE' → privé; empty (administrative services) → None."""
    word = fold(cells.text(value, "Statut_public_prive"))
    if not word:
        return None
    if word not in SECTORS:
        raise InvalidValue("Statut_public_prive", f"Public ou Privé attendu, pas « {value} »")
    return SECTORS[word]
