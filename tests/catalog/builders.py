"""Builders of small reference files shaped like the published ones, written by the tests themselves."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

Rows = Sequence[Sequence[Any]]


def write_xlsx(path: Path, sheets: dict[str, Rows]) -> Path:
    """A workbook with one sheet per entry, rows written from A1 (put blank rows first to offset a header)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    workbook.save(path)
    return path


def write_csv(
    path: Path,
    rows: Rows,
    *,
    delimiter: str = ";",
    bom: bool = True,
    crlf: bool = True,
    encoding: str = "utf-8",
) -> Path:
    """A CSV as the open-data portals export it: `;`, UTF-8 with BOM, CRLF by default."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n").writerows(rows)
    data = buffer.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def table(header: Sequence[str], records: Sequence[dict[str, Any]]) -> list[list[Any]]:
    """Rows under a full published header from dicts naming only the cells a test cares about."""
    return [list(header), *([record.get(name, "") for name in header] for record in records)]


# The CNC list of cinemas: the published headers of both layouts, and two cinemas shaped like real rows.
CNC_COMMON = [
    "régionCNC", "N° auto", "nom", "région administrative", "adresse", "code INSEE", "commune",
    "population de la commune", "DEP", "N°UU", "unité urbaine", "population unité urbaine",
    "situation géographique", "écrans", "fauteuils", "semaines d'activité", "séances",
]  # fmt: skip
CNC_TAIL = [
    "évolution entrées", "tranche d'entrées", "OWNER", "AE", "catégorie Art et Essai", "label Art et Essai",
    "genre", "multiplexe", "zone de la commune", "nombre de films programmés", "nombre de films inédits",
    "nombre de films en semaine 1", "PdM en entrées des films français",
    "PdM en entrées des films américains",
    "PdM en entrées des films européens", "PdM en entrées des autres films", "films Art et Essai",
]  # fmt: skip
HEADER_2024 = [
    *CNC_COMMON, "entrées 2024", "entrées 2023", *[n.replace("OWNER", "propriétaire") for n in CNC_TAIL],
    "part des séances de films Art et Essai", "PdM en entrées des films Art et Essai",
    "latitude", "longitude",
]  # fmt: skip
HEADER_2022 = [
    *CNC_COMMON, "entrées 2022", "entrées 2021", *[n.replace("OWNER", "programmateur") for n in CNC_TAIL],
    "PdM en entrées des films Art et Essai", "latitude", "longitude", "geolocalisation",
]  # fmt: skip


def balzac(**changes: Any) -> dict[str, Any]:
    values = {
        "régionCNC": 1, "N° auto": 35, "nom": "BALZAC", "région administrative": "ILE-DE-FRANCE",
        "adresse": "1 RUE BALZAC", "code INSEE": "75108", "commune": "Paris 8e Arrondissement", "DEP": "75",
        "N°UU": "00851", "unité urbaine": "Paris", "population unité urbaine": 10947378, "écrans": 3,
        "fauteuils": 589, "entrées 2024": 94257, "entrées 2023": 101748, "propriétaire": "", "AE": "OUI",
        "catégorie Art et Essai": "A", "label Art et Essai": "RD", "genre": "FIXE", "multiplexe": "NON",
        "PdM en entrées des films Art et Essai": 0.9321030716574742, "latitude": "48.872431",
        "longitude": "2.299525",
    }  # fmt: skip
    return {**values, **changes}


def rural_circuit(**changes: Any) -> dict[str, Any]:
    values = {
        "régionCNC": 6, "N° auto": 4021, "nom": " CINE CIRCUIT", "code INSEE": 1004, "commune": "Ambérieu ",
        "DEP": 1, "N°UU": "00000", "unité urbaine": "Zone rurale", "population unité urbaine": 14183345,
        "écrans": 1, "fauteuils": None, "entrées 2024": 5000, "entrées 2023": "", "propriétaire": "CGR",
        "AE": "OUI", "catégorie Art et Essai": "E", "label Art et Essai": "RDJPPR", "genre": "ITINERANT",
        "multiplexe": "NON", "PdM en entrées des films Art et Essai": 1, "latitude": "46.0",
        "longitude": "5.36",
    }  # fmt: skip
    return {**values, **changes}


# The schools directory: the published headers of the 2023 and 2026 layouts.
SCHOOL_COMMON = [
    "Identifiant_de_l_etablissement", "Nom_etablissement", "Type_etablissement", "Statut_public_prive",
    "Adresse_1", "Adresse_2", "Adresse_3",
]  # fmt: skip
SCHOOL_TAIL = ["Code_commune", "Nom_commune", "Code_departement", "Section_cinema", "latitude", "longitude"]
HEADER_2023 = [*SCHOOL_COMMON, "Code postal", *SCHOOL_TAIL, "Nombre_d_eleves", "position", "coordonnee_X"]
HEADER_2026 = [
    *SCHOOL_COMMON,
    "Code_postal",
    *SCHOOL_TAIL,
    "coordX_origine",
    "multi_uai",
    "code_circonscription",
]


def lycee(**changes: Any) -> dict[str, Any]:
    values = {
        "Identifiant_de_l_etablissement": "0350042e", "Nom_etablissement": "Lycée Chateaubriand",
        "Type_etablissement": "Lycée", "Statut_public_prive": "Public", "Adresse_1": "136 boulevard de Vitré",
        "Code postal": "35000", "Code_postal": "35000", "Code_commune": "35238", "Nom_commune": "Rennes",
        "Code_departement": "035", "Section_cinema": "1", "latitude": "48.1206", "longitude": "-1.6598",
        "Nombre_d_eleves": "1800",
    }  # fmt: skip
    return {**values, **changes}
