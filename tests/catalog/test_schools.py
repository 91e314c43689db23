"""Importing the schools directory: the 2023 and 2026 header layouts, duplicates, bad rows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from tests.catalog.builders import HEADER_2023, HEADER_2026, lycee, table

from lanterne.catalog.importers.schools import import_schools
from lanterne.catalog.models import School


def schools(engine: Engine) -> dict[str, dict[str, Any]]:
    with engine.connect() as connection:
        return {row["uai"]: dict(row) for row in connection.execute(select(School.__table__)).mappings()}


def test_2023_layout(engine: Engine, csv_file: Callable[..., Path]) -> None:
    ecole = lycee(
        Identifiant_de_l_etablissement="0351234X", Nom_etablissement="Ecole primaire privée St Joseph",
        Type_etablissement="Ecole", Statut_public_prive="Privé", Section_cinema="", Nombre_d_eleves="",
    )  # fmt: skip
    report = import_schools(engine, csv_file("annuaire.csv", table(HEADER_2023, [lycee(), ecole])))
    assert report.rejected == [] and report.count("établissements scolaires").inserted == 2
    stored = schools(engine)
    assert stored["0350042E"] | {"updated_at": None} == {
        "uai": "0350042E", "name": "Lycée Chateaubriand", "kind": "Lycée", "sector": "public",
        "address": "136 boulevard de Vitré", "postcode": "35000", "insee_code": "35238", "commune": "Rennes",
        "department": "35", "latitude": 48.1206, "longitude": -1.6598, "pupils": 1800, "cinema_section": True,
        "updated_at": None,
    }  # fmt: skip
    assert stored["0351234X"]["sector"] == "privé" and stored["0351234X"]["pupils"] is None
    assert stored["0351234X"]["cinema_section"] is False


def test_2026_layout_and_idempotence(engine: Engine, csv_file: Callable[..., Path]) -> None:
    path = csv_file(
        "annuaire2026.csv", table(HEADER_2026, [lycee(Code_postal="4000", Code_departement="094")])
    )
    import_schools(engine, path)
    assert schools(engine)["0350042E"]["postcode"] == "04000"
    assert schools(engine)["0350042E"]["department"] == "94"
    assert schools(engine)["0350042E"]["pupils"] is None  # the 2026 layout has no pupils column
    assert not import_schools(engine, path).changed


def test_bad_rows_and_repeated_uai_are_reported(engine: Engine, csv_file: Callable[..., Path]) -> None:
    rows = [
        lycee(),
        lycee(Identifiant_de_l_etablissement="035004"),
        lycee(Identifiant_de_l_etablissement="0350043F", Statut_public_prive="Associatif"),
        lycee(Identifiant_de_l_etablissement="0350044G", Nombre_d_eleves="-5"),
        lycee(Nom_etablissement="Annexe"),
        lycee(Identifiant_de_l_etablissement="0350045H", Statut_public_prive=""),
    ]
    report = import_schools(engine, csv_file("broken.csv", table(HEADER_2023, rows)))
    assert [(error.row, error.field) for error in report.rejected] == [
        (3, "Identifiant_de_l_etablissement"), (4, "Statut_public_prive"), (5, "Nombre_d_eleves"),
        (6, "Identifiant_de_l_etablissement"),
    ]  # fmt: skip
    assert set(schools(engine)) == {"0350042E", "0350045H"}
    assert schools(engine)["0350042E"]["name"] == "Lycée Chateaubriand"  # the first line of a UAI wins


@pytest.mark.shared
def test_the_real_directory_extracts(engine: Engine, shared_dir: Path) -> None:
    folder = shared_dir / "data/schools"
    old = import_schools(engine, folder / "fr-en-annuaire-education_ille-et-vilaine_2023-06.csv")
    new = import_schools(engine, folder / "fr-en-annuaire-education_val-de-marne_ecoles_publiques.csv")
    assert old.count("établissements scolaires").inserted == 993 and len(old.rejected) == 3  # 3 UAIs twice
    assert new.rejected == [] and new.count("établissements scolaires").inserted == 613
    with engine.connect() as connection:
        by_department = dict(
            connection.execute(select(School.department, func.count()).group_by(School.department)).all()
        )
        short_postcodes = connection.scalar(select(func.count()).where(func.length(School.postcode) != 5))
        sections = connection.scalar(select(func.count()).where(School.cinema_section.is_(True)))
    assert by_department == {"35": 993, "94": 613}
    assert short_postcodes == 0 and sections == 7
