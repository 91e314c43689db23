"""Reading published CSV and XLSX files: separators, BOM, CRLF, encodings, headers below titles, lines."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from lanterne.catalog.importers.tabular import open_table
from lanterne.errors import InvalidValue


def read(path: Path, required: tuple[str, ...] = ("nom",), **options: object) -> list[tuple[object, dict]]:
    with open_table(path, required, **options) as table:  # type: ignore[arg-type]
        return [(r.where, {name: r.get(name) for name in table.header.names}) for r in table.records]


def test_semicolon_csv_with_bom_and_crlf(csv_file: Callable[..., Path]) -> None:
    path = csv_file("a.csv", [["nom", "Code postal"], ["Le Balzac", "75008"], ["Rex", "1000"]])
    assert path.read_bytes().startswith(b"\xef\xbb\xbfnom;")
    rows = read(path)
    assert rows == [
        (2, {"nom": "Le Balzac", "Code postal": "75008"}),
        (3, {"nom": "Rex", "Code postal": "1000"}),
    ]


def test_comma_csv_without_bom_and_folded_headers(csv_file: Callable[..., Path]) -> None:
    path = csv_file("b.csv", [["Nom", "Code_postal"], ["Rex", "01000"]], delimiter=",", bom=False, crlf=False)
    with open_table(path, ("NOM", ("code postal", "cp"))) as table:
        [record] = list(table.records)
    assert record.get("nom") == "Rex"
    assert record.get(("cp", "Code postal")) == "01000"
    assert record.get("absent") is None


def test_windows_1252_files_are_read(csv_file: Callable[..., Path]) -> None:
    path = csv_file("c.csv", [["nom"], ["Cinéma Éden"]], bom=False, encoding="cp1252")
    assert read(path) == [(2, {"nom": "Cinéma Éden"})]


def test_lines_count_blank_and_multiline_rows(csv_file: Callable[..., Path]) -> None:
    path = csv_file("d.csv", [["nom", "adresse"], ["A", "1 rue\nbis"], [], ["B", "2 rue"]])
    assert [where for where, _ in read(path)] == [2, 5]


def test_missing_column_names_the_column_and_the_header_line(csv_file: Callable[..., Path]) -> None:
    path = csv_file("e.csv", [["name"], ["Rex"]])
    with pytest.raises(InvalidValue) as caught:
        read(path, ("nom",))
    assert caught.value.field == "nom" and caught.value.row == 1
    assert "colonne absente" in caught.value.reason and "name" in caught.value.reason


def test_xlsx_header_below_titles_and_every_sheet(xlsx: Callable[..., Path]) -> None:
    header = ["VISA", "TITRE"]
    path = xlsx(
        "f.xlsx",
        {
            "Sommaire": [["LISTE DES FILMS AGRÉÉS"], [None, 2024]],
            "2024": [[None], ["Retour au menu"], [None], header, ["161827", "Projet D"], [None, None]],
            "2023": [header, [97173, "Zone libre"]],
        },
    )
    with open_table(path, ("VISA",), all_sheets=True) as table:
        rows = [(r.where, r.get("VISA"), r.get("titre")) for r in table.records]
    assert rows == [
        ("feuille 2024, ligne 5", "161827", "Projet D"),
        ("feuille 2023, ligne 2", 97173, "Zone libre"),
    ]


def test_xlsx_named_sheet_else_the_first(xlsx: Callable[..., Path]) -> None:
    path = xlsx("g.xlsx", {"Notes": [["nom"], ["pas ici"]], "Etab": [["nom"], ["Rex"]]})
    assert read(path, sheet="Etab") == [(2, {"nom": "Rex"})]
    assert read(path, sheet="Absente") == [(2, {"nom": "pas ici"})]


def test_unknown_format_and_missing_file(tmp_path: Path) -> None:
    (tmp_path / "h.ods").write_bytes(b"")
    with pytest.raises(InvalidValue, match="format non reconnu"):
        read(tmp_path / "h.ods")
    with pytest.raises(InvalidValue, match="introuvable"):
        read(tmp_path / "nope.csv")
