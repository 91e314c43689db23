"""Importing the CNC films agréés workbook: sheets per year, titles and directors turned around, visas."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, insert, select

from lanterne.catalog.identity import film_match_key
from lanterne.catalog.importers.countries import countries
from lanterne.catalog.importers.film_lists import import_recommended
from lanterne.catalog.importers.films import directors, display_title, import_films, visa_number
from lanterne.catalog.models import Film
from lanterne.errors import InvalidValue

HEADER_2024 = [
    "VISA", "TITRE", "REALISATEUR", "PRODUCTEURS", "DEVIS", "GENRE", "EOF", "RANG", "BONUS PARITE ",
    "ASR", "PAYANT", "CLAIR", "SOFICA", "CREDIT D'IMPOT", "AIDE REGIONALE", "NATIONALITE",
]  # fmt: skip
HEADER_2012 = [name for name in HEADER_2024 if name not in ("BONUS PARITE ", "PAYANT")]
TITLES = [[None], ['Retour au menu "Production cinématographique"'], [None], [None]]


def film(header: list[str], visa: Any, title: str, director: str, nationality: str, genre: str) -> list[Any]:
    values = {
        "VISA": visa,
        "TITRE": title,
        "REALISATEUR": director,
        "NATIONALITE": nationality,
        "GENRE": genre,
    }
    return [values.get(name) for name in header]


def workbook(
    xlsx: Callable[..., Path], name: str = "films.xlsx", extra: list[list[Any]] | None = None
) -> Path:
    sheet_2024 = [
        *TITLES, HEADER_2024,
        film(HEADER_2024, "162670", "Traversée (La)", "WILLOCQ Hugo", "Fr-100", "Documentaire"),
        film(HEADER_2024, "161414", "Bleau, l'autre monde", "BEVILLARD Julien / DECLERCK Etienne",
             "Fr-72 / Belgique-28", "docu"),
        *(extra or []),
    ]  # fmt: skip
    sheet_2012 = [
        *TITLES, HEADER_2012,
        film(HEADER_2012, 97173, "VOISINS, VOISINES", "CHIBANE Malik", "FRANCE-100", "fiction"),
        film(HEADER_2012, "162670", "TRAVERSEE (LA)", "WILLOCQ Hugo", "FRANCE-100", "fiction"),
    ]  # fmt: skip
    return xlsx(
        name, {"Sommaire": [["LISTE DES FILMS AGRÉÉS"], [None, 2024]], "2024": sheet_2024, "2012": sheet_2012}
    )


def films(engine: Engine) -> dict[str, dict[str, Any]]:
    with engine.connect() as connection:
        return {row["visa"]: dict(row) for row in connection.execute(select(Film.__table__)).mappings()}


def test_published_spellings_are_turned_around() -> None:
    assert display_title("Traversée (La)") == "La Traversée"
    assert display_title("Ile (L')") == "L'Ile"
    assert display_title("VRAIE VIE DES PROFS (LA)") == "LA VRAIE VIE DES PROFS"
    assert display_title("Zone libre") == "Zone libre"
    assert directors("RIFKISS Mathias / RIFKISS Colas") == "Mathias Rifkiss, Colas Rifkiss"
    assert directors("DE BROCA Philippe") == "Philippe De Broca"
    assert directors("Agnès Varda") == "Agnès Varda"
    assert countries("Fr-89 / Belg-11") == "France, Belgique"
    assert countries("It -80 / Fr-20") == "Italie, France"
    assert countries("GRECE-80 / FRANCE-19 / Rép. tch.-1") == "Grèce, France, République tchèque"
    assert countries("Tunisie-68 / Fr-19 / All-14") == "Tunisie, France, Allemagne"
    assert visa_number("097173") == visa_number(97173) == "97173"
    with pytest.raises(InvalidValue, match="visa"):
        visa_number("12A")


def test_every_sheet_with_a_visa_column_is_read(engine: Engine, xlsx: Callable[..., Path]) -> None:
    report = import_films(engine, workbook(xlsx))
    assert report.rejected == [] and report.count("films").inserted == 3
    stored = films(engine)
    traversee = stored["162670"]
    assert (traversee["title"], traversee["directors"], traversee["production_year"]) == (
        "La Traversée", "Hugo Willocq", 2024  # the latest agrément wins over the 2012 listing
    )  # fmt: skip
    assert traversee["match_key"] == film_match_key("La Traversée", "Hugo Willocq", 2024)
    assert (traversee["countries"], traversee["genres"]) == ("France", "Documentaire")
    bleau = stored["161414"]
    assert (bleau["directors"], bleau["countries"], bleau["genres"]) == (
        "Julien Bevillard, Etienne Declerck", "France, Belgique", "Documentaire"
    )  # fmt: skip
    assert stored["97173"]["production_year"] == 2012 and stored["97173"]["title"] == "VOISINS, VOISINES"
    assert not import_films(engine, workbook(xlsx)).changed


def test_bad_rows_are_reported_and_the_rest_loads(engine: Engine, xlsx: Callable[..., Path]) -> None:
    extra = [
        film(HEADER_2024, "", "Sans visa", "X Y", "Fr-100", "fiction"),
        film(HEADER_2024, "16A", "Visa tordu", "X Y", "Fr-100", "fiction"),
        film(HEADER_2024, "97173", "Autre film", "X Y", "Fr-100", "fiction"),
        film(HEADER_2024, "170001", None, "X Y", "Fr-100", "fiction"),
    ]
    report = import_films(engine, workbook(xlsx, extra=extra))
    assert [(error.row, error.field) for error in report.rejected] == [
        ("feuille 2024, ligne 8", "VISA"), ("feuille 2024, ligne 9", "VISA"),
        ("feuille 2024, ligne 11", "TITRE"),
        ("feuille 2012, ligne 6", "VISA"),  # 97173 was first given to "Autre film" (2024 sheet, line 10)
    ]  # fmt: skip
    assert "Autre film" in report.rejected[-1].reason
    assert set(films(engine)) == {"162670", "161414", "97173"}


def test_a_known_film_gets_its_visa_and_keeps_its_values(engine: Engine, xlsx: Callable[..., Path]) -> None:
    key = film_match_key("La Traversée", "Hugo Willocq", 2024)
    with engine.begin() as connection:
        connection.execute(
            insert(Film),
            [{"title": "La traversée", "directors": "Hugo Willocq", "runtime": 90, "match_key": key}],
        )
    report = import_films(engine, workbook(xlsx))
    assert (report.count("films").inserted, report.count("films").updated) == (2, 1)
    traversee = films(engine)["162670"]
    assert (traversee["title"], traversee["runtime"], traversee["countries"]) == (
        "La traversée",
        90,
        "France",
    )


@pytest.mark.shared
def test_the_real_films_workbook(engine: Engine, shared_dir: Path) -> None:
    report = import_films(engine, shared_dir / "data/films/cnc_films_agrees_2003_2024.xlsx")
    # 5,851 rows: two films listed in two years (one film each), one visa given to two titles (rejected).
    assert report.read == 5851 and report.count("films").inserted == 5848
    assert [(error.row, error.field) for error in report.rejected] == [("feuille 2021, ligne 210", "VISA")]
    with engine.connect() as connection:
        years = connection.execute(
            select(func.min(Film.production_year), func.max(Film.production_year))
        ).one()
        nuit = connection.execute(select(Film.title, Film.directors).where(Film.visa == "149456")).one()
    assert tuple(years) == (2003, 2024)
    assert tuple(nuit) == ("Zombi child", "Bertrand Bonello")
    # The real Cannes prize list against the real workbook (one import of the workbook for both checks).
    prizes = import_recommended(
        engine, shared_dir / "data/films/afcae_prix_cinemas_art_et_essai_cannes_2019_2022.csv"
    )
    with engine.connect() as connection:
        marked = connection.scalars(select(Film.title).where(Film.art_et_essai_recommended.is_(True))).all()
    assert sorted(marked) == [
        "Gagarine",
        "La Fracture",
        "Les Misérables",
    ]  # two of them agréés a year earlier
    assert len(prizes.unmatched) == 5  # foreign films have no French agrément


def test_the_flattened_csv_gives_the_year_in_a_column(engine: Engine, csv_file: Callable[..., Path]) -> None:
    rows = [
        ["annee_agrement", "VISA", "TITRE", "REALISATEUR", "GENRE", "NATIONALITE"],
        ["2019", "149456", "Zombi child", "BONELLO Bertrand", "fiction", "Fr-100"],
    ]
    report = import_films(engine, csv_file("films.csv", rows))
    assert report.rejected == []
    zombi = films(engine)["149456"]
    assert (zombi["production_year"], zombi["directors"], zombi["genres"]) == (
        2019,
        "Bertrand Bonello",
        "Fiction",
    )
