"""The CNC "films agréés" workbook (one sheet a year) into `Film`, keyed by the visa number.

The CNC writes titles with the article last ('Traversée (La)') and directors surname first in capitals
('BESSON Luc'); both are turned around. A film already in the catalog (by visa, or by its match key
when it has no visa yet) keeps its values: the workbook attaches the visa and fills empty fields only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, select

from lanterne.catalog.identity import film_match_key, fold, title_key
from lanterne.catalog.importers import cells
from lanterne.catalog.importers.countries import countries
from lanterne.catalog.importers.loading import (
    ImportReport,
    Progress,
    Row,
    accepted,
    batches,
    same,
    table_of,
    update_rows,
)
from lanterne.catalog.importers.tabular import Record, open_table
from lanterne.catalog.models import Film
from lanterne.errors import InvalidValue, RowError

REQUIRED = ("VISA", "TITRE")
YEAR_COLUMN = ("annee_agrement", "année d'agrément", "annee")
FIELDS = ("title", "directors", "countries", "genres", "production_year")
TRAILING_ARTICLE = re.compile(r"^(?P<rest>.+?)\s*\((?P<article>le|la|les|l'|l’|un|une|des|the|a|an)\)$", re.I)
GENRES = {"fiction": "Fiction", "docu": "Documentaire", "documentaire": "Documentaire", "anim": "Animation"}
FILMS = "films"


def import_films(engine: Engine, path: Path, progress: Progress | None = None) -> ImportReport:
    """Load the films agréés workbook (every sheet holding a VISA column) in one transaction."""
    report = ImportReport(path.name)
    report.count(FILMS)
    with open_table(path, REQUIRED, all_sheets=True) as table, engine.begin() as connection:
        parsed = accepted(table.records, parse, report)
        for batch in batches(once_per_visa(parsed, report)):
            load(connection, batch, report)
            if progress:
                progress(report.read, table.total)
    return report


def parse(record: Record) -> tuple[int | str, Row]:
    """One workbook row as a `films` row; the sheet's year is the agrément year, a production-year hint."""
    title = display_title(cells.text(record.get("TITRE"), "TITRE", 300))
    names = directors(cells.text(record.get("REALISATEUR"), "REALISATEUR"))
    year = cells.integer(record.get(YEAR_COLUMN), "annee_agrement")
    if year is None and record.sheet and record.sheet.strip().isdigit():
        year = int(record.sheet.strip())
    row: Row = {
        "visa": visa_number(record.get("VISA")),
        "title": title,
        "directors": names[:500] if names else None,
        "countries": _cut(countries(cells.text(record.get("NATIONALITE"), "NATIONALITE")), 300),
        "genres": genre(record.get("GENRE")),
        "production_year": year,
    }
    return record.where, row


def visa_number(value: Any, field: str = "VISA") -> str:
    """The visa as its number without leading zeros ('097173' and 97173 are one visa)."""
    text = cells.text(value, field)
    if text is None:
        raise InvalidValue(field, "valeur obligatoire absente")
    digits = text.replace(" ", "")
    if not digits.isdigit():
        raise InvalidValue(field, f"numéro de visa attendu, pas « {text} »")
    return str(int(digits))


def display_title(title: str | None) -> str:
    """'Traversée (La)' → 'La Traversée', "Ile (L')" → "L'Ile"; other titles as published."""
    if title is None:
        raise InvalidValue("TITRE", "valeur obligatoire absente")
    match = TRAILING_ARTICLE.match(title)
    if not match:
        return title
    article = match.group("article").replace("’", "'")
    article = article[:1].upper() + article[1:]
    space = "" if article.endswith("'") else " "
    return f"{article}{space}{match.group('rest')}"


def directors(published: str | None) -> str | None:
    """'RIFKISS Mathias / RIFKISS Colas' → 'Mathias Rifkiss, Colas Rifkiss' (surname in capitals first)."""
    if not published:
        return None
    return ", ".join(_director(name.strip()) for name in published.split("/") if name.strip())


def _director(name: str) -> str:
    words = name.split()
    surname = list(_leading_capitals(words))
    if not surname or len(surname) == len(words):
        return name
    given = words[len(surname) :]
    return " ".join([*given, *(word.title() for word in surname)])


def _leading_capitals(words: list[str]) -> Iterator[str]:
    for word in words:
        if not (word.isupper() and any(char.isalpha() for char in word)):
            return
        yield word


def genre(value: Any) -> str | None:
    text = cells.text(value, "GENRE", 300)
    if text is None:
        return None
    return GENRES.get(fold(text), text[:1].upper() + text[1:])


def _cut(text: str | None, length: int) -> str | None:
    return text[:length] if text else text


def once_per_visa(parsed: Iterable[tuple[int | str, Row]], report: ImportReport) -> Iterator[Row]:
    """A film agreed in two years keeps its latest sheet; a visa given to two titles is a rejected row."""
    seen: dict[str, tuple[int | str, str]] = {}
    for where, row in parsed:
        first = seen.get(row["visa"])
        if first is None:
            seen[row["visa"]] = (where, row["title"])
            yield row
        elif title_key(first[1]) != title_key(row["title"]):
            reason = f"visa {row['visa']} déjà donné à « {first[1]} » ({_at(first[0])})"
            report.rejected.append(RowError(where, "VISA", reason))


def _at(where: int | str) -> str:
    return f"ligne {where}" if isinstance(where, int) else str(where)


def load(connection: Connection, batch: list[Row], report: ImportReport) -> None:
    """Insert new films, attach the visa to a visa-less film with the same key, fill empty fields."""
    counts = report.count(FILMS)
    for row in batch:
        row["match_key"] = film_match_key(row["title"], row["directors"], row["production_year"])
    by_visa = _stored(connection, Film.visa.in_([row["visa"] for row in batch]), "visa")
    missing = [row for row in batch if row["visa"] not in by_visa]
    keys = [row["match_key"] for row in missing]
    by_key = _stored(connection, Film.match_key.in_(keys) & Film.visa.is_(None), "match_key", unique=True)
    inserts, updates, claimed = [], [], set()
    for row in batch:
        old = by_visa.get(row["visa"]) or by_key.get(row["match_key"])
        if old is None or old["id"] in claimed:
            inserts.append(row)
            continue
        claimed.add(old["id"])
        merged = {
            "id": old["id"],
            **{name: _first(old[name], row[name]) for name in (*FIELDS, "visa", "match_key")},
        }
        if all(same(old[name], merged[name]) for name in merged):
            counts.unchanged += 1
        else:
            updates.append(merged)
    counts.inserted += len(inserts)
    counts.updated += len(updates)
    if inserts:
        connection.execute(table_of(Film).insert(), inserts)
    if updates:
        update_rows(connection, table_of(Film), ("id",), updates)


def _first(stored: Any, published: Any) -> Any:
    return published if stored is None else stored


def _stored(connection: Connection, where: Any, by: str, *, unique: bool = False) -> dict[Any, Row]:
    """Stored films by visa or by match key; with `unique`, a key two films share matches neither."""
    columns = (Film.id, Film.visa, Film.match_key, *(getattr(Film, name) for name in FIELDS))
    found: dict[Any, Row] = {}
    shared: set[Any] = set()
    for row in connection.execute(select(*columns).where(where)).mappings():
        if row[by] in found:
            shared.add(row[by])
        found[row[by]] = dict(row)
    if unique:
        for key in shared:
            del found[key]
    return found
