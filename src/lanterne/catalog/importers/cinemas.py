"""The CNC list of cinemas into `Cinema` and `CinemaAdmissions`: the 2024 workbook and the 2022 CSV export.

Both layouts share the CNC's column names; they differ in the market shares (fractions in the CNC
workbook, percentages in the data.culture.gouv export, which alone has a `geolocalisation` column),
the admissions years, and `propriétaire` versus `programmateur`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, select, update

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
from lanterne.catalog.importers.tabular import Header, Record, open_table
from lanterne.catalog.models import CATEGORIES, Cinema, CinemaAdmissions
from lanterne.errors import InvalidValue

REQUIRED = ("régionCNC", "N° auto", "nom")
SHEET = "Etab"
ADMISSIONS_HEADER = re.compile(r"^entrees (\d{4})$")
LABELS = {"RD": "label_recherche", "JP": "label_jeune_public", "PR": "label_patrimoine"}
RURAL_UNIT = "00000"  # the pseudo urban unit "Zone rurale": its population is all rural France's
SHARE = "PdM en entrées des films Art et Essai"
CINEMAS, ADMISSIONS = "cinémas", "entrées annuelles"


@dataclass(frozen=True)
class Layout:
    """What the header tells about the file: its admissions years and the scale of its market shares."""

    years: tuple[int, ...]
    share_scale: float  # 1.0 for fractions (CNC workbook), 0.01 for percentages (data.culture.gouv)

    @property
    def year(self) -> int:
        return max(self.years, default=0)


def layout(header: Header) -> Layout:
    years = tuple(int(m.group(1)) for name in header.names if (m := ADMISSIONS_HEADER.match(fold(name))))
    return Layout(years, 0.01 if header.has("geolocalisation") else 1.0)


def import_cinemas(engine: Engine, path: Path, progress: Progress | None = None) -> ImportReport:
    """Load a CNC list of cinemas in one transaction; a newer file updates the cinemas in place."""
    report = ImportReport(path.name)
    report.count(CINEMAS)
    report.count(ADMISSIONS)
    with open_table(path, REQUIRED, sheet=SHEET) as table, engine.begin() as connection:
        shape = layout(table.header)
        tally = Tally()
        parsed = accepted(table.records, lambda record: parse(record, shape), report)
        keyed = ((row["id"], where, (row, admissions)) for where, row, admissions in parsed)
        seen: dict[object, int | str] = {}
        for batch in batches(first_occurrence(keyed, seen, report, "N° auto")):
            load(connection, batch, shape.year, report, tally)
            if progress:
                progress(report.read, table.total)
        settle(connection, tally, set(seen))
    report.notes.extend(tally.notes())
    return report


@dataclass
class Tally:
    """What the report tells beyond counts: cinemas an older file must not rewrite or revive."""

    kept: int = 0  # cinemas the database knows from a newer file: this one is older
    added: list[int] = field(default_factory=list)
    closed: int = 0
    absent: int = 0

    def notes(self) -> list[str]:
        notes = []
        if self.kept:
            notes.append(
                f"{self.kept} cinéma(s) décrit(s) par un fichier plus récent : gardé(s) tel(s) quel(s)."
            )
        if self.closed:
            notes.append(
                f"{self.closed} cinéma(s) absent(s) des fichiers plus récents : ajouté(s) inactif(s)."
            )
        if self.absent:
            notes.append(
                f"{self.absent} cinéma(s) actif(s) absent(s) de ce fichier (fermé(s) ?) : inchangé(s)."
            )
        return notes


def load(
    connection: Connection, batch: list[tuple[Row, list[Row]]], year: int, report: ImportReport, tally: Tally
) -> None:
    """Upsert a batch; a cinema known from a newer file keeps its description."""
    ids = [row["id"] for row, _ in batch]
    newest = dict(
        connection.execute(
            select(CinemaAdmissions.cinema_id, func.max(CinemaAdmissions.year))
            .where(CinemaAdmissions.cinema_id.in_(ids))
            .group_by(CinemaAdmissions.cinema_id)
        ).all()
    )
    current = [row for row, _ in batch if newest.get(row["id"], 0) <= year]
    tally.kept += len(batch) - len(current)
    report.count(CINEMAS).unchanged += len(batch) - len(current)
    added = upsert(connection, table_of(Cinema), ("id",), current, report.count(CINEMAS))
    tally.added.extend(row["id"] for row in added)
    admissions = [entry for _, entries in batch for entry in entries]
    upsert(
        connection, table_of(CinemaAdmissions), ("cinema_id", "year"), admissions, report.count(ADMISSIONS)
    )


def settle(connection: Connection, tally: Tally, listed: set[object]) -> None:
    """An older file's cinemas unknown to the newer ones have closed since: added inactive. A current
    file only counts the active cinemas it no longer lists (an extract must not close them)."""
    if tally.kept and tally.added:
        connection.execute(update(Cinema).where(Cinema.id.in_(tally.added)).values(active=False))
        tally.closed = len(tally.added)
    elif not tally.kept:
        query = (
            select(func.count()).select_from(Cinema).where(Cinema.active.is_(True), Cinema.id.not_in(listed))
        )
        tally.absent = connection.scalar(query) or 0


def parse(record: Record, shape: Layout) -> tuple[int | str, Row, list[Row]]:
    """One CNC row as a `cinemas` row and its yearly admissions; `InvalidValue` names the bad field."""
    region = _required(cells.integer(record.get("régionCNC"), "régionCNC"), "régionCNC")
    number = _required(cells.integer(record.get("N° auto"), "N° auto"), "N° auto")
    row: Row = {
        "id": region * 1_000_000 + number,
        "cnc_region": region,
        "cnc_number": number,
        "name": _required(cells.text(record.get("nom"), "nom", 200), "nom"),
        **_place(record),
        "screens": cells.integer(record.get("écrans"), "écrans"),
        "seats": cells.integer(record.get("fauteuils"), "fauteuils"),
        **_classification(record),
        "multiplex": cells.flag(record.get("multiplexe"), "multiplexe"),
        "itinerant": _itinerant(record.get("genre")),
        **_urban_unit(record),
        "art_et_essai_share": _share(record.get(SHARE), shape.share_scale),
    }
    admissions = [
        {"cinema_id": row["id"], "year": year, "admissions": count}
        for year in shape.years
        if (count := cells.integer(record.get(f"entrées {year}"), f"entrées {year}")) is not None
    ]
    return record.where, row, admissions


def _required(value: Any, field: str) -> Any:
    if value is None:
        raise InvalidValue(field, "valeur obligatoire absente")
    return value


def _place(record: Record) -> Row:
    latitude, longitude = _position(record)
    return {
        "operator": cells.text(record.get(("propriétaire", "programmateur")), "propriétaire", 200),
        "address": cells.text(record.get("adresse"), "adresse", 300),
        # Neither CNC file has a postcode; one given by another file is padded back to 5 digits.
        "postcode": cells.postcode(record.get(("code postal", "CP")), "code postal"),
        "insee_code": cells.code(record.get("code INSEE"), "code INSEE", 5),
        "commune": cells.text(record.get("commune"), "commune", 200),
        "department": cells.department(record.get("DEP"), "DEP"),
        "region": cells.text(record.get("région administrative"), "région administrative", 100),
        "latitude": latitude,
        "longitude": longitude,
    }


def _position(record: Record) -> tuple[float | None, float | None]:
    latitude = cells.coordinate(record.get("latitude"), "latitude", 90)
    longitude = cells.coordinate(record.get("longitude"), "longitude", 180)
    both = cells.text(record.get("geolocalisation"), "geolocalisation")
    if latitude is None and longitude is None and both:
        parts = both.split(",")
        if len(parts) != 2:
            raise InvalidValue("geolocalisation", f"« latitude, longitude » attendu, pas « {both} »")
        latitude = cells.coordinate(parts[0], "geolocalisation", 90)
        longitude = cells.coordinate(parts[1], "geolocalisation", 180)
    if (latitude is None) != (longitude is None):
        raise InvalidValue(
            "longitude" if longitude is None else "latitude", "coordonnée seule, l'autre manque"
        )
    return latitude, longitude


def _classification(record: Record) -> Row:
    """AE flag, the published category (never recomputed) and the packed labels (`RDJPPR`)."""
    category = cells.text(record.get("catégorie Art et Essai"), "catégorie Art et Essai")
    if category is not None and category.upper() == "NON":
        category = None
    if category is not None and category.upper() not in CATEGORIES:
        raise InvalidValue("catégorie Art et Essai", f"A, B, C, D, E ou NON attendu, pas « {category} »")
    return {
        "art_et_essai": cells.flag(record.get("AE"), "AE"),
        "category": category.upper() if category else None,
        **labels(record.get("label Art et Essai")),
    }


def labels(value: Any, field: str = "label Art et Essai") -> dict[str, bool]:
    """'RDJPPR' → all three labels; 'JP' → Jeune Public only; empty or NON → none."""
    found = dict.fromkeys(LABELS.values(), False)
    packed = cells.text(value, field) or ""
    if fold(packed) == "non":
        return found
    letters = re.sub(r"[^A-Z]", "", packed.upper())
    for start in range(0, len(letters), 2):
        token = letters[start : start + 2]
        if token not in LABELS:
            raise InvalidValue(field, f"label inconnu « {token} » dans « {packed} » (RD, JP, PR attendus)")
        found[LABELS[token]] = True
    return found


def _itinerant(value: Any) -> bool:
    kind = fold(cells.text(value, "genre"))
    if kind not in ("", "fixe", "itinerant"):
        raise InvalidValue("genre", f"FIXE ou ITINERANT attendu, pas « {value} »")
    return kind == "itinerant"


def _urban_unit(record: Record) -> Row:
    name = cells.text(record.get("unité urbaine"), "unité urbaine", 200)
    population = cells.integer(record.get("population unité urbaine"), "population unité urbaine")
    if cells.text(record.get("N°UU"), "N°UU") == RURAL_UNIT:
        population = None  # not a unit's population but the whole rural population of France
    return {"urban_unit": name, "urban_unit_population": population}


def _share(value: Any, scale: float) -> float | None:
    """The admissions share of Art et Essai films as a fraction, whatever the file's scale."""
    share = cells.number(value, SHARE)
    if share is None:
        return None
    share *= scale
    if not 0 <= share <= 1 + 1e-9:
        unit = "pourcentage attendu" if scale != 1 else "fraction attendue"
        raise InvalidValue(SHARE, f"{value} hors de 0–{100 if scale != 1 else 1} ({unit} pour ce fichier)")
    return min(share, 1.0)
