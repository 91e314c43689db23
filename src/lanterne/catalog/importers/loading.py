"""Idempotent loading shared by the importers: compare with the stored rows, then write in bulk (Core).

Unchanged rows are not written at all, so importing the same file twice writes nothing and says so;
columns an importer does not name (a cinema's connector, its consent) are never touched.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, Table, and_, bindparam, insert, select, update

from lanterne.catalog.importers.tabular import Record
from lanterne.errors import InvalidValue, RowError

T = TypeVar("T")
Row = dict[str, Any]
Progress = Callable[[int, int], None]  # rows read so far, rows expected (an estimate)
BATCH = 1000


@dataclass
class Counts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def written(self) -> int:
        return self.inserted + self.updated


@dataclass
class ImportReport:
    """What an import did: rows read, written per table, rejected (line, field, reason), unmatched."""

    source: str
    read: int = 0
    counts: dict[str, Counts] = field(default_factory=dict)
    rejected: list[RowError] = field(default_factory=list)
    unmatched: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def count(self, label: str) -> Counts:
        return self.counts.setdefault(label, Counts())

    @property
    def changed(self) -> bool:
        return any(counts.written for counts in self.counts.values())

    def summary(self) -> list[str]:
        """The report in the users' French, one line each; rejections and misses listed in full."""
        lines = [f"{self.source} : {self.read} ligne(s) lue(s)."]
        for label, counts in self.counts.items():
            lines.append(
                f"{label} — ajoutés : {counts.inserted}, mis à jour : {counts.updated}, "
                f"inchangés : {counts.unchanged}"
            )
        if not self.changed:
            lines.append("Rien à mettre à jour : la base contient déjà ces données.")
        lines.extend(self.notes)
        if self.rejected:
            lines.append(f"{len(self.rejected)} ligne(s) rejetée(s), le reste est chargé :")
            lines.extend(f"  {error}" for error in self.rejected)
        if self.unmatched:
            lines.append(f"{len(self.unmatched)} ligne(s) sans film correspondant :")
            lines.extend(f"  {error}" for error in self.unmatched)
        return lines


def table_of(model: type[Any]) -> Table:
    """The Core table of a mapped class, typed as one (bulk statements are written in Core)."""
    return cast(Table, model.__table__)


def batches(items: Iterable[T], size: int = BATCH) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def accepted(records: Iterable[Record], parse: Callable[[Record], T], report: ImportReport) -> Iterator[T]:
    """Parsed rows; a row that fails is reported with its line and field, and the next one goes on."""
    for record in records:
        report.read += 1
        try:
            yield parse(record)
        except InvalidValue as error:
            report.rejected.append(RowError(record.where, error.field, error.reason))


def first_occurrence(
    rows: Iterable[tuple[Any, int | str, T]], seen: dict[Any, int | str], report: ImportReport, field: str
) -> Iterator[T]:
    """Keep the first row of each key; a later one is rejected naming where the key was first seen."""
    for key, where, row in rows:
        if key in seen:
            report.rejected.append(RowError(where, field, f"« {key} » figure déjà {_at(seen[key])}"))
            continue
        seen[key] = where
        yield row


def _at(where: int | str) -> str:
    return f"ligne {where}" if isinstance(where, int) else str(where)


def same(old: Any, new: Any) -> bool:
    """Equality that tolerates the last bit of a float's round trip through the database."""
    if isinstance(old, float) and isinstance(new, float):
        return math.isclose(old, new, rel_tol=1e-12, abs_tol=1e-12)
    return bool(old == new)


def stored(
    connection: Connection, table: Table, key: Sequence[str], columns: Iterable[str], rows: list[Row]
) -> dict[tuple[Any, ...], Row]:
    """The stored rows sharing the batch's first key column, by full key."""
    values = sorted({row[key[0]] for row in rows})
    query = select(*(table.c[name] for name in columns)).where(table.c[key[0]].in_(values))
    return {tuple(found[name] for name in key): dict(found) for found in connection.execute(query).mappings()}


def upsert(
    connection: Connection, table: Table, key: Sequence[str], rows: list[Row], counts: Counts
) -> list[Row]:
    """Insert new rows, update changed ones, leave equal ones alone; counted, and the new rows returned."""
    if not rows:
        return []
    columns = list(rows[0])
    existing = stored(connection, table, key, columns, rows)
    inserts: list[Row] = []
    updates: list[Row] = []
    for row in rows:
        old = existing.get(tuple(row[name] for name in key))
        if old is None:
            inserts.append(row)
        elif not all(same(old[name], row[name]) for name in columns):
            updates.append(row)
    counts.inserted += len(inserts)
    counts.updated += len(updates)
    counts.unchanged += len(rows) - len(inserts) - len(updates)
    if inserts:
        connection.execute(insert(table), inserts)
    if updates:
        update_rows(connection, table, key, updates)
    return inserts


def update_rows(connection: Connection, table: Table, key: Sequence[str], rows: list[Row]) -> None:
    """One executemany UPDATE … WHERE key = … for rows that all name the same columns."""
    values = [name for name in rows[0] if name not in key]
    statement = (
        update(table)
        .where(and_(*(table.c[name] == bindparam(f"k_{name}") for name in key)))
        .values({name: bindparam(f"v_{name}") for name in values})
    )
    params = [
        {**{f"k_{name}": row[name] for name in key}, **{f"v_{name}": row[name] for name in values}}
        for row in rows
    ]
    connection.execute(statement, params)
