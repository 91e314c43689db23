"""Lists of films that set a flag: Art et Essai recommended films, films with accessible versions.

A row is matched by its visa, else by the match key (title + first director + year), else by the same
title and director one year off (the CNC dates a film by its agrément, lists by their release). A key
shared by several films is reported as ambiguous, never guessed; rows that match nothing are listed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, select, update

from lanterne.catalog.identity import film_match_key
from lanterne.catalog.importers import cells
from lanterne.catalog.importers.films import visa_number
from lanterne.catalog.importers.loading import ImportReport, Progress, accepted, batches
from lanterne.catalog.importers.tabular import Header, Record, open_table
from lanterne.catalog.models import Film
from lanterne.errors import InvalidValue, RowError

TITLE = ("titre", "title", "titre du film", "film")
DIRECTOR = ("réalisateur", "réalisatrice", "réalisation", "réalisateurs", "director", "directors")
YEAR = ("année", "year", "année de sortie", "année de production")
VISA = ("visa", "n° visa", "numéro de visa", "visa d'exploitation", "visa number")
AUDIO = ("audiodescription", "audio description", "AD")
DEAF = (
    "sous-titres sourds et malentendants",
    "sous-titrage sourds et malentendants",
    "STSM",
    "ST-SME",
    "SME",
)
RECOMMENDED = {"art_et_essai_recommended": ()}
ACCESSIBLE = {"audio_description": AUDIO, "deaf_subtitles": DEAF}
MARKED = "films marqués"


@dataclass
class Wanted:
    """One list row: how to find the film, and which flags it sets."""

    where: int | str
    title: str | None
    directors: str | None
    year: int | None
    visa: str | None
    flags: tuple[str, ...]


def import_recommended(
    engine: Engine, path: Path, progress: Progress | None = None, *, replace: bool = False
) -> ImportReport:
    """Mark the listed films as recommended Art et Essai (`replace`: unmark the films not listed)."""
    return import_film_list(engine, path, RECOMMENDED, progress, replace=replace)


def import_accessible(
    engine: Engine, path: Path, progress: Progress | None = None, *, replace: bool = False
) -> ImportReport:
    """Mark the listed films' accessible versions: audio description and/or deaf subtitles columns,
    or both when the list has neither column (a plain list of accessible films)."""
    return import_film_list(engine, path, ACCESSIBLE, progress, replace=replace)


def import_film_list(
    engine: Engine,
    path: Path,
    flags: Mapping[str, Sequence[str]],
    progress: Progress | None,
    *,
    replace: bool,
) -> ImportReport:
    report = ImportReport(path.name)
    report.count(MARKED)
    marked: dict[str, set[int]] = defaultdict(set)
    with open_table(path, ((*TITLE, *VISA),)) as table, engine.begin() as connection:
        columns = _flag_columns(table.header, flags)
        parsed = accepted(table.records, lambda record: parse(record, columns), report)
        for batch in batches(parsed):
            for flag, ids in match(connection, batch, report).items():
                marked[flag] |= ids
            if progress:
                progress(report.read, table.total)
        mark(connection, marked, report)
        if replace:
            unmark_others(connection, {flag: marked[flag] for flag in columns}, report)
    return report


def _flag_columns(header: Header, flags: Mapping[str, Sequence[str]]) -> dict[str, Sequence[str]]:
    """The flags this file sets: those whose column it has, or every flag when it has none of them."""
    present = {flag: names for flag, names in flags.items() if names and header.has(tuple(names))}
    return present or {flag: () for flag in flags}


def parse(record: Record, columns: Mapping[str, Sequence[str]]) -> Wanted:
    visa_cell = record.get(VISA)
    title = cells.text(record.get(TITLE), "titre", 300)
    if title is None and cells.is_empty(visa_cell):
        raise InvalidValue("titre", "ni titre ni visa : impossible de trouver le film")
    year = cells.integer(record.get(YEAR), "année")
    if year is not None and not 1880 <= year <= 2100:
        raise InvalidValue("année", f"année invraisemblable : {year}")
    flags = tuple(
        flag for flag, names in columns.items() if not names or cells.flag(record.get(tuple(names)), names[0])
    )
    return Wanted(
        where=record.where,
        title=title,
        directors=cells.text(record.get(DIRECTOR), "réalisateur"),
        year=year,
        visa=None if cells.is_empty(visa_cell) else visa_number(visa_cell, "visa"),
        flags=flags,
    )


def _keys(wanted: Wanted) -> tuple[str, list[str]]:
    """The exact match key and, when the year is known, the keys one year off."""
    exact = film_match_key(wanted.title, wanted.directors, wanted.year)
    if wanted.year is None:
        return exact, []
    return exact, [film_match_key(wanted.title, wanted.directors, wanted.year + d) for d in (-1, 1)]


def match(connection: Connection, batch: list[Wanted], report: ImportReport) -> dict[str, set[int]]:
    """The film ids each flag goes to; misses and ambiguities are added to the report."""
    visas = {row.visa for row in batch if row.visa}
    by_visa = dict(connection.execute(select(Film.visa, Film.id).where(Film.visa.in_(visas))).all())
    keys = {key for row in batch for key in (_keys(row)[0], *_keys(row)[1])}
    by_key: dict[str, list[int]] = defaultdict(list)
    for key, known in connection.execute(select(Film.match_key, Film.id).where(Film.match_key.in_(keys))):
        by_key[str(key)].append(known)
    found: dict[str, set[int]] = defaultdict(set)
    for row in batch:
        film_id: int | None = by_visa.get(row.visa) if row.visa else None
        if film_id is None:
            film_id = _by_key(row, by_key, report)
        if film_id is not None:
            for flag in row.flags:
                found[flag].add(film_id)
    return found


def _by_key(row: Wanted, by_key: dict[str, list[int]], report: ImportReport) -> int | None:
    if row.title is None:  # a visa the catalog does not know, and no title to look for
        report.unmatched.append(RowError(row.where, "visa", f"aucun film pour le visa {row.visa}"))
        return None
    exact, near = _keys(row)
    candidates = by_key.get(exact) or sorted({film_id for key in near for film_id in by_key.get(key, [])})
    label = f"« {row.title} » ({row.directors or 'réalisateur inconnu'}, {row.year or 'année inconnue'})"
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        reason = f"ambigu : {len(candidates)} films pour {label} (ids {', '.join(map(str, candidates))})"
        report.unmatched.append(RowError(row.where, "titre", reason))
    else:
        report.unmatched.append(RowError(row.where, "titre", f"aucun film pour {label}"))
    return None


def mark(connection: Connection, marked: dict[str, set[int]], report: ImportReport) -> None:
    """Set each flag on its films; a film counts as updated when one of its flags was off."""
    films = set().union(*marked.values()) if marked else set()
    changed: set[int] = set()
    for flag, ids in marked.items():
        column = Film.__table__.c[flag]
        off = set(connection.scalars(select(Film.id).where(Film.id.in_(ids), column.is_(False))))
        if off:
            connection.execute(update(Film).where(Film.id.in_(off)).values({flag: True}))
            changed |= off
    counts = report.count(MARKED)
    counts.updated += len(changed)
    counts.unchanged += len(films - changed)


def unmark_others(connection: Connection, marked: dict[str, set[int]], report: ImportReport) -> None:
    """With `replace`, the list is the whole truth: films it no longer names lose the flag."""
    for flag, ids in marked.items():
        column = Film.__table__.c[flag]
        result = connection.execute(
            update(Film).where(column.is_(True), Film.id.not_in(ids)).values({flag: False})
        )
        if result.rowcount:
            report.count(f"films démarqués ({flag})").updated += result.rowcount
