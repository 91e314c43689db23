"""Importing the CNC list of cinemas: both layouts, idempotence, updates in place, rejected rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, update
from tests.catalog.builders import HEADER_2022, HEADER_2024, balzac, rural_circuit, table

from lanterne.catalog.importers.cinemas import import_cinemas, labels
from lanterne.catalog.models import Cinema, CinemaAdmissions


def stored(engine: Engine, cinema_id: int) -> dict[str, Any]:
    with engine.connect() as connection:
        return dict(
            connection.execute(select(Cinema.__table__).where(Cinema.id == cinema_id)).mappings().one()
        )


def admissions(engine: Engine) -> dict[tuple[int, int], int]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(CinemaAdmissions.cinema_id, CinemaAdmissions.year, CinemaAdmissions.admissions)
        )
        return {(cinema_id, year): count for cinema_id, year, count in rows}


def test_labels_are_unpacked() -> None:
    assert labels("RDJPPR") == dict(label_recherche=True, label_jeune_public=True, label_patrimoine=True)
    assert labels("JPPR") == dict(label_recherche=False, label_jeune_public=True, label_patrimoine=True)
    assert labels("") == dict(label_recherche=False, label_jeune_public=False, label_patrimoine=False)
    assert labels("RD JP")["label_jeune_public"] is True


def test_2024_workbook_maps_every_field(engine: Engine, xlsx: Callable[..., Path]) -> None:
    path = xlsx("cnc.xlsx", {"Notes": [["rien"]], "Etab": table(HEADER_2024, [balzac(), rural_circuit()])})
    report = import_cinemas(engine, path)
    assert report.rejected == []
    assert (report.count("cinémas").inserted, report.count("entrées annuelles").inserted) == (2, 3)
    cinema = stored(engine, 1_000_035)
    assert (cinema["cnc_region"], cinema["cnc_number"], cinema["name"], cinema["category"]) == (
        1,
        35,
        "BALZAC",
        "A",
    )
    assert cinema["art_et_essai"] and cinema["label_recherche"] and not cinema["label_jeune_public"]
    assert cinema["art_et_essai_share"] == pytest.approx(0.9321030716574742)
    assert (cinema["latitude"], cinema["longitude"], cinema["department"]) == (48.872431, 2.299525, "75")
    assert cinema["postcode"] is None  # the CNC files have none; never invented
    circuit = stored(engine, 6_004_021)
    assert (circuit["name"], circuit["commune"], circuit["insee_code"], circuit["department"]) == (
        "CINE CIRCUIT", "Ambérieu", "01004", "01"
    )  # fmt: skip
    assert circuit["itinerant"] and circuit["seats"] is None and circuit["operator"] == "CGR"
    assert circuit["label_recherche"] and circuit["label_jeune_public"] and circuit["label_patrimoine"]
    assert (circuit["urban_unit"], circuit["urban_unit_population"]) == ("Zone rurale", None)
    assert admissions(engine) == {
        (1_000_035, 2024): 94257,
        (1_000_035, 2023): 101748,
        (6_004_021, 2024): 5000,
    }


def test_2022_export_gives_percentages_and_packed_coordinates(
    engine: Engine, csv_file: Callable[..., Path]
) -> None:
    row = balzac(**{"entrées 2022": "148007.0", "entrées 2021": "119434.0", "programmateur": "UGC"})
    row.update(
        {"PdM en entrées des films Art et Essai": "23.97523394075846", "latitude": "", "longitude": ""}
    )
    row["geolocalisation"] = "48.872265, 2.300938"
    path = csv_file("cnc2022.csv", table(HEADER_2022, [row]))
    report = import_cinemas(engine, path)
    assert report.rejected == [] and report.count("cinémas").inserted == 1
    cinema = stored(engine, 1_000_035)
    assert cinema["art_et_essai_share"] == pytest.approx(0.2397523394075846)
    assert (cinema["latitude"], cinema["longitude"], cinema["operator"]) == (48.872265, 2.300938, "UGC")
    assert admissions(engine) == {(1_000_035, 2022): 148007, (1_000_035, 2021): 119434}


def test_2024_layout_as_csv_keeps_fractions(engine: Engine, csv_file: Callable[..., Path]) -> None:
    row = balzac(**{"PdM en entrées des films Art et Essai": "0,5", "DEP": "2a", "code INSEE": "2a004"})
    path = csv_file("cnc2024.csv", table(HEADER_2024, [row]), bom=False, crlf=False)
    assert import_cinemas(engine, path).rejected == []
    cinema = stored(engine, 1_000_035)
    assert (cinema["art_et_essai_share"], cinema["department"], cinema["insee_code"]) == (0.5, "2A", "2A004")


def test_reimport_writes_nothing_and_newer_file_updates_in_place(
    engine: Engine, xlsx: Callable[..., Path]
) -> None:
    path = xlsx("cnc.xlsx", {"Etab": table(HEADER_2024, [balzac(), rural_circuit()])})
    import_cinemas(engine, path)
    consent = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    with engine.begin() as connection:
        owned = {"connector_settings": {"token": "s3cret"}, "publish_consent": True, "consent_at": consent}
        connection.execute(update(Cinema).values(connector="cds", **owned))
    before = stored(engine, 1_000_035)["updated_at"]
    again = import_cinemas(engine, path)
    assert not again.changed and "Rien à mettre à jour" in "\n".join(again.summary())
    assert again.count("cinémas").unchanged == 2 and stored(engine, 1_000_035)["updated_at"] == before
    newer = xlsx("cnc2.xlsx", {"Etab": table(HEADER_2024, [balzac(**{"écrans": 4, "entrées 2024": 95000})])})
    report = import_cinemas(engine, newer)
    assert report.count("cinémas").updated == 1 and report.count("entrées annuelles").updated == 1
    cinema = stored(engine, 1_000_035)
    assert cinema["screens"] == 4 and admissions(engine)[(1_000_035, 2024)] == 95000
    assert (cinema["connector"], cinema["connector_settings"], cinema["publish_consent"]) == (
        "cds", {"token": "s3cret"}, True
    )  # fmt: skip
    assert cinema["consent_at"] == consent


def test_an_older_file_keeps_what_a_newer_one_said(
    engine: Engine, xlsx: Callable[..., Path], csv_file: Callable[..., Path]
) -> None:
    import_cinemas(engine, xlsx("cnc.xlsx", {"Etab": table(HEADER_2024, [balzac()])}))
    older = balzac(**{"écrans": 2, "entrées 2022": "148007.0", "PdM en entrées des films Art et Essai": "50"})
    closed = rural_circuit(**{"entrées 2022": "4000.0", "PdM en entrées des films Art et Essai": "100"})
    report = import_cinemas(engine, csv_file("cnc2022.csv", table(HEADER_2022, [older, closed])))
    assert stored(engine, 1_000_035)["screens"] == 3 and stored(engine, 1_000_035)["active"] is True
    assert stored(engine, 6_004_021)["active"] is False  # in 2022, gone from the 2024 list: closed since
    assert report.count("entrées annuelles").inserted == 2
    summary = "\n".join(report.summary())
    assert "1 cinéma(s) décrit(s) par un fichier plus récent" in summary
    assert "1 cinéma(s) absent(s) des fichiers plus récents : ajouté(s) inactif(s)" in summary
    assert not import_cinemas(engine, csv_file("cnc2022.csv", table(HEADER_2022, [older, closed]))).changed


def test_a_newer_file_reports_active_cinemas_it_no_longer_lists(
    engine: Engine, xlsx: Callable[..., Path]
) -> None:
    import_cinemas(engine, xlsx("a.xlsx", {"Etab": table(HEADER_2024, [balzac(), rural_circuit()])}))
    calls: list[tuple[int, int]] = []
    path = xlsx("b.xlsx", {"Etab": table(HEADER_2024, [balzac()])})
    report = import_cinemas(engine, path, lambda done, total: calls.append((done, total)))
    assert "1 cinéma(s) actif(s) absent(s) de ce fichier" in "\n".join(report.summary())
    assert stored(engine, 6_004_021)["active"] is True  # reported, not deactivated: that is the union's call
    assert calls == [(1, 1)]  # the progress callback: rows read, rows expected


def test_a_broken_file_is_reported_row_by_row_and_loses_nothing_else(
    engine: Engine, xlsx: Callable[..., Path]
) -> None:
    rows = [
        balzac(),
        rural_circuit(**{"N° auto": "abc"}),
        rural_circuit(**{"N° auto": 1, "catégorie Art et Essai": "F"}),
        rural_circuit(**{"N° auto": 2, "label Art et Essai": "RDXX"}),
        rural_circuit(**{"N° auto": 3, "DEP": "7X"}),
        rural_circuit(**{"N° auto": 4, "PdM en entrées des films Art et Essai": 35.5}),
        rural_circuit(**{"N° auto": 5, "latitude": "123"}),
        rural_circuit(**{"N° auto": 6, "nom": ""}),
        balzac(nom="BALZAC BIS"),
        rural_circuit(**{"N° auto": 7}),
    ]
    report = import_cinemas(engine, xlsx("broken.xlsx", {"Etab": table(HEADER_2024, rows)}))
    rejected = [(error.row, error.field) for error in report.rejected]
    assert rejected == [
        (3, "N° auto"), (4, "catégorie Art et Essai"), (5, "label Art et Essai"), (6, "DEP"),
        (7, "PdM en entrées des films Art et Essai"), (8, "latitude"), (9, "nom"), (10, "N° auto"),
    ]  # fmt: skip
    assert "ligne 2" in report.rejected[-1].reason  # the duplicate names where the cinema first was
    with engine.connect() as connection:
        ids = set(connection.scalars(select(Cinema.id)))
    assert ids == {1_000_035, 6_000_007}
    assert str(report.rejected[1]).startswith("ligne 4, champ « catégorie Art et Essai »")


@pytest.mark.shared
def test_the_real_2024_workbook(engine: Engine, shared_dir: Path) -> None:
    path = shared_dir / "data/cinemas/cnc_donnees_cartographie_2024.xlsx"
    report = import_cinemas(engine, path)
    assert report.rejected == [] and report.count("cinémas").inserted == 2053
    with engine.connect() as connection:
        categories = dict(
            connection.execute(
                select(Cinema.category, func.count())
                .where(Cinema.art_et_essai.is_(True))
                .group_by(Cinema.category)
            ).all()
        )
        multiplexes = connection.scalar(select(func.count()).where(Cinema.multiplex.is_(True)))
        itinerant = connection.scalar(select(func.count()).where(Cinema.itinerant.is_(True)))
        screens = connection.scalar(select(func.sum(Cinema.screens)))
        bad_postcodes = connection.scalar(select(func.count()).where(func.length(Cinema.postcode) != 5))
        admissions_2024 = connection.scalar(
            select(func.sum(CinemaAdmissions.admissions)).where(CinemaAdmissions.year == 2024)
        )
    assert categories == {"A": 96, "B": 24, "C": 251, "D": 211, "E": 708}
    assert (multiplexes, itinerant, screens, bad_postcodes) == (251, 116, 6355, 0)
    assert admissions_2024 == 181_549_232
    balzac_row = stored(engine, 1_000_035)
    assert balzac_row["name"] == "BALZAC" and balzac_row["category"] == "A"
    again = import_cinemas(engine, path)
    assert not again.changed and again.count("cinémas").unchanged == 2053


@pytest.mark.shared
def test_the_real_2022_export(engine: Engine, shared_dir: Path) -> None:
    report = import_cinemas(
        engine, shared_dir / "data/cinemas/cnc_etablissements_cinematographiques_2022.csv"
    )
    assert report.rejected == [] and report.count("cinémas").inserted == 2061
    with engine.connect() as connection:
        art_et_essai = connection.scalar(select(func.count()).where(Cinema.art_et_essai.is_(True)))
        highest_share = connection.scalar(select(func.max(Cinema.art_et_essai_share)))
    assert art_et_essai == 1264 and highest_share == 1.0
