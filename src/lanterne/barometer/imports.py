"""Import of weekly admissions: per cinema (CNC number or the union's id) or the market's totals.

The measurement firm's files are proprietary, so we accept the common header variants (docs/barometer.md),
CSV or XLSX; a rejected row is reported with its line and field, and every other row still loads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, insert, select, tuple_, update

from lanterne.barometer.models import MarketWeek, WeeklyAdmissions
from lanterne.barometer.store import refresh
from lanterne.barometer.weeks import CinemaWeek
from lanterne.catalog.importers import cells
from lanterne.catalog.importers.tabular import Header, Record, open_table
from lanterne.catalog.models import Cinema
from lanterne.errors import InvalidValue, RowError

Parsed = dict[tuple[object, ...], tuple[int | str, dict[str, object]]]  # key → (file line, values)
Table = type[MarketWeek] | type[WeeklyAdmissions]
HEADERS = {
    "cinema": ("cineid", "id cinema", "identifiant", "identifiant cinema", "id", "cinema id", "id lanterne"),
    "cnc_region": ("regioncnc", "region cnc", "code region cnc"),
    "cnc_number": ("n auto", "no auto", "numero auto", "n  auto", "num auto"),
    "cnc": ("numero cnc", "n cnc", "code cnc", "cnc"),
    "week": (
        "semaine",
        "semaine cinema",
        "week",
        "date",
        "date debut",
        "debut",
        "du",
        "week start",
        "mercredi",
    ),
    "admissions": (
        "entrees",
        "admissions",
        "entrees semaine",
        "nb entrees",
        "nombre d entrees",
        "spectateurs",
    ),
    "receipts": ("recettes", "recette", "receipts", "recettes eur", "recettes euros", "rec"),
}


@dataclass
class ImportReport:
    kind: str  # "cinemas" or "market"
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RowError] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated)


def parse_week(value: object) -> CinemaWeek:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return CinemaWeek.starting(value)
    text = str(value or "").strip()
    if re.match(r"^\d{4}-?W\d{1,2}$", text, re.IGNORECASE):
        return CinemaWeek.parse(text)
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"):
        try:
            return CinemaWeek.starting(datetime.strptime(text, pattern).date())
        except ValueError:
            continue
    raise InvalidValue("semaine", f"« {text} » n'est ni une semaine (2026-W47) ni la date d'un mercredi")


def euros_to_cents(value: object) -> int | None:
    euros = cells.number(value, "recettes")
    if euros is not None and euros < 0:
        raise InvalidValue("recettes", "un montant négatif")
    return None if euros is None else round(euros * 100)


def cinema_id(record: Record) -> int:
    """The union's id, or régionCNC × 1,000,000 + N° auto, or a CNC number written « 1-35 »."""
    if record.header.has(HEADERS["cinema"]):
        return cells.integer(record.get(HEADERS["cinema"]), "cinéma") or 0
    if record.header.has(HEADERS["cnc_region"]) and record.header.has(HEADERS["cnc_number"]):
        region = cells.integer(record.get(HEADERS["cnc_region"]), "régionCNC") or 0
        return region * 1_000_000 + (cells.integer(record.get(HEADERS["cnc_number"]), "N° auto") or 0)
    match = re.fullmatch(r"\s*(\d{1,2})\s*[-/ ]\s*(\d+)\s*", str(record.get(HEADERS["cnc"]) or ""))
    if not match:
        raise InvalidValue("numéro CNC", "un numéro CNC s'écrit région-N° auto, par exemple 1-35")
    return int(match[1]) * 1_000_000 + int(match[2])


def has_cinema_column(header: Header) -> bool:
    return (
        header.has(HEADERS["cinema"])
        or header.has(HEADERS["cnc"])
        or (header.has(HEADERS["cnc_region"]) and header.has(HEADERS["cnc_number"]))
    )


def parse_record(record: Record, kind: str) -> dict[str, object]:
    admissions = cells.integer(record.get(HEADERS["admissions"]), "entrées")
    if admissions is None:
        raise InvalidValue("entrées", "valeur manquante")
    values: dict[str, object] = {
        "week_start": parse_week(record.get(HEADERS["week"])).start,
        "admissions": admissions,
        "receipts_cents": euros_to_cents(record.get(HEADERS["receipts"])),
    }
    if kind == "cinemas":
        values["cinema_id"] = cinema_id(record)
    return values


def import_admissions(engine: Engine, path: Path, market: bool | None = None) -> ImportReport:
    """Load a file in one transaction, then recompute the published figures if anything changed."""
    with open_table(path, [HEADERS["week"], HEADERS["admissions"]]) as table_file:
        kind = (
            "market"
            if (market if market is not None else not has_cinema_column(table_file.header))
            else "cinemas"
        )
        if kind == "cinemas" and not has_cinema_column(table_file.header):
            raise InvalidValue("cinéma", "colonne introuvable (cineid, ou régionCNC et N° auto)")
        report = ImportReport(kind)
        keys = ("week_start",) if kind == "market" else ("cinema_id", "week_start")
        good: Parsed = {}
        for record in table_file.records:
            try:
                values = parse_record(record, kind)
            except InvalidValue as error:
                report.rejected.append(RowError(record.where, error.field, error.reason))
                continue
            good[tuple(values[k] for k in keys)] = (record.where, values)
    table: Table = MarketWeek if kind == "market" else WeeklyAdmissions
    with engine.begin() as connection:
        if kind == "cinemas":
            _reject_unknown_cinemas(connection, good, report)
        _apply(connection, table, keys, good, report)
    if report.changed:
        refresh(engine)
    return report


def _reject_unknown_cinemas(connection: Connection, good: Parsed, report: ImportReport) -> None:
    wanted = {key[0] for key in good}
    known = set(connection.scalars(select(Cinema.id).where(Cinema.id.in_(wanted)))) if wanted else set()
    for key, (line, _values) in list(good.items()):
        if key[0] not in known:
            report.rejected.append(RowError(line, "cinéma", f"cinéma {key[0]} inconnu du catalogue"))
            del good[key]


def _apply(
    connection: Connection, table: Table, keys: tuple[str, ...], good: Parsed, report: ImportReport
) -> None:
    columns = [getattr(table, k) for k in keys]
    existing = {}
    if good:
        query = select(*columns, table.admissions, table.receipts_cents).where(
            tuple_(*columns).in_(list(good))
        )
        existing = {tuple(row[: len(keys)]): tuple(row[len(keys) :]) for row in connection.execute(query)}
    inserts = []
    for key, (_line, values) in good.items():
        now = (values["admissions"], values["receipts_cents"])
        if key not in existing:
            inserts.append(values)
        elif existing[key] != now:
            condition = [column == value for column, value in zip(columns, key, strict=True)]
            connection.execute(
                update(table).where(*condition).values(admissions=now[0], receipts_cents=now[1])
            )
            report.updated += 1
        else:
            report.unchanged += 1
    if inserts:
        connection.execute(insert(table), inserts)
    report.inserted = len(inserts)
