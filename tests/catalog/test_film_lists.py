"""Recommended and accessible film lists: matching by visa, by key, one year off; misses and ambiguities."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, select

from lanterne.catalog.identity import film_match_key
from lanterne.catalog.importers.film_lists import import_accessible, import_recommended
from lanterne.catalog.models import Film

CATALOG = [
    ("149166", "Les Misérables", "Ladj Ly", 2019),
    ("152434", "La Fracture", "Catherine Corsini", 2020),
    (None, "Eo", "Jerzy Skolimowski", 2022),
    (None, "Eo", "Jerzy Skolimowski", 2022),  # the same key twice: a match would be a guess
    ("150000", "Sans filtre", "Roschdy Zem", 2021),
]


@pytest.fixture
def catalog(engine: Engine) -> Engine:
    rows = [
        {"visa": visa, "title": title, "directors": who, "production_year": year,
         "match_key": film_match_key(title, who, year)}
        for visa, title, who, year in CATALOG
    ]  # fmt: skip
    with engine.begin() as connection:
        connection.execute(insert(Film), rows)
    return engine


def flags(engine: Engine) -> dict[str, tuple[bool, bool, bool]]:
    columns = (Film.title, Film.art_et_essai_recommended, Film.audio_description, Film.deaf_subtitles)
    with engine.connect() as connection:
        return {title: (r, a, d) for title, r, a, d in connection.execute(select(*columns)) if r or a or d}


def test_recommended_list_in_english_headers(catalog: Engine, csv_file: Callable[..., Path]) -> None:
    path = csv_file(
        "prix.csv",
        [
            ["year", "award", "title", "director", "distributor_fr"],
            [2019, "Prix", "Les Misérables", "Ladj Ly", "Le Pacte"],
            [2021, "Mention", "La Fracture", "Catherine Corsini", "Le Pacte"],  # agréé in 2020: one year off
            [2022, "Prix", "Sans filtre", "Ruben Östlund", "Bac Films"],  # another director's film
            [2022, "Mention", "Eo", "Jerzy Skolimowski", "ARP"],
        ],
        delimiter=",",
        bom=False,
    )
    report = import_recommended(catalog, path)
    assert flags(catalog) == {"Les Misérables": (True, False, False), "La Fracture": (True, False, False)}
    assert report.count("films marqués").updated == 2
    assert [(error.row, error.reason.split(" ")[0]) for error in report.unmatched] == [
        (4, "aucun"),
        (5, "ambigu"),
    ]
    assert "Sans filtre" in report.unmatched[0].reason
    again = import_recommended(catalog, path)
    assert not again.changed and again.count("films marqués").unchanged == 2


def test_visa_wins_and_french_headers_in_a_workbook(catalog: Engine, xlsx: Callable[..., Path]) -> None:
    rows = [
        ["Titre", "Réalisateur", "Année", "N° visa"],
        ["Titre inconnu ici", "", "", "149166"],
        ["", "", "", ""],
        ["", "", "", "0999999"],
    ]
    report = import_recommended(catalog, xlsx("liste.xlsx", {"Films": rows}))
    assert flags(catalog) == {"Les Misérables": (True, False, False)}
    assert [str(error) for error in report.unmatched] == [
        "ligne 4, champ « visa »: aucun film pour le visa 999999"
    ]


def test_accessible_columns_set_each_flag(catalog: Engine, csv_file: Callable[..., Path]) -> None:
    rows = [
        ["titre", "réalisateur", "annee", "audiodescription", "STSM"],
        ["Les Misérables", "Ladj Ly", "2019", "oui", "non"],
        ["La Fracture", "Corsini Catherine", "2020", "", "X"],
        ["Sans filtre", "Roschdy Zem", "2021", "peut-être", ""],
    ]
    report = import_accessible(catalog, csv_file("access.csv", rows))
    assert flags(catalog) == {"Les Misérables": (False, True, False), "La Fracture": (False, False, True)}
    assert [(error.row, error.field) for error in report.rejected] == [(4, "audiodescription")]


def test_a_plain_accessible_list_means_both_and_replace_unmarks(
    catalog: Engine, csv_file: Callable[..., Path]
) -> None:
    import_accessible(
        catalog, csv_file("a.csv", [["titre", "réalisateur", "année"], ["La Fracture", "C. Corsini", 2020]])
    )
    assert flags(catalog) == {}  # 'C. Corsini' is not the same first director
    import_accessible(
        catalog,
        csv_file("b.csv", [["titre", "réalisateur", "année"], ["La Fracture", "Catherine Corsini", 2020]]),
    )
    assert flags(catalog) == {"La Fracture": (False, True, True)}
    report = import_accessible(
        catalog, csv_file("c.csv", [["visa", "titre"], ["149166", "Les Misérables"]]), replace=True
    )
    assert flags(catalog) == {"Les Misérables": (False, True, True)}
    assert report.changed


def test_rows_without_title_or_visa_are_rejected(catalog: Engine, csv_file: Callable[..., Path]) -> None:
    rows = [["titre", "visa", "année"], ["", "", "2020"], ["Eo", "", "1200"], ["La Fracture", "12x", ""]]
    report = import_recommended(catalog, csv_file("bad.csv", rows))
    assert [(error.row, error.field) for error in report.rejected] == [
        (2, "titre"),
        (3, "année"),
        (4, "visa"),
    ]
