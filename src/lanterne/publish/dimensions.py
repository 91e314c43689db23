"""A page's film and cinema columns read from a per-worker copy of those rows, not once per séance.

A page of a hundred séances decodes 37 cells a row, 22 of them the film's and the cinema's, repeated:
a cinema's week is one cinema and twenty films. SQLite spent 0.5–1 ms a page on those cells; reading the
séance's own columns and the two keys costs 0.3–0.5 ms, and the films and cinemas of the page come from
a dictionary. The copy is dropped whenever the dataset's last update moves (a film or cinema changed:
their `updated_at` are part of it), so it never shows older values than the SQL would; only tables
whose changes move that last update are read this way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import eq, itemgetter
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.sql.elements import BinaryExpression
from sqlalchemy.sql.util import find_tables

from lanterne.publish.definition import Column, Dataset

KEPT_ROWS = 100_000  # per table and worker; beyond, the copy starts afresh


@dataclass(frozen=True)
class Dimension:
    """A joined table read by key: `local` holds the key in the dataset's source, `remote` is it."""

    table: Any
    local: Any
    remote: Any
    names: tuple[str, ...]  # the dataset's columns that read this table alone


@dataclass
class Copy:
    """The rows of one dimension a worker has read, valid for one last update of the dataset."""

    stamp: datetime | None = None
    rows: dict[Any, tuple[Any, ...]] = field(default_factory=dict)


def dimensions(dataset: Dataset) -> dict[str, Dimension]:
    """Each column read from a joined table alone, by name, with its table's Dimension."""
    return dataset.cached(("dimensions",), lambda: _dimensions(dataset))  # type: ignore[no-any-return]


def _dimensions(dataset: Dataset) -> dict[str, Dimension]:
    found: dict[str, Dimension] = {}
    watched = {table for column in dataset.updated for table in find_tables(column, check_columns=True)}
    for table, on in dataset.joins:
        if table not in watched or not (isinstance(on, BinaryExpression) and on.operator is eq):
            continue
        local, remote = (on.left, on.right) if on.right.table is table else (on.right, on.left)
        names = tuple(
            column.name
            for column in dataset.columns
            if set(find_tables(column.expression, check_columns=True)) == {table}
        )
        dimension = Dimension(table, local, remote, names)
        found.update((name, dimension) for name in names)
    return found


@dataclass(frozen=True)
class Plan:
    """A page's SELECT without its dimension columns, and how its rows get them back."""

    local: tuple[Column, ...]  # selected columns the SQL reads
    used: tuple[Dimension, ...]  # one key column each, after the local columns
    positions: tuple[int, ...]  # into (SQL row + each dimension's values): columns, then sort values

    def rows(
        self, found: Sequence[tuple[Any, ...]], copies: Sequence[dict[Any, tuple[Any, ...]]]
    ) -> list[tuple[Any, ...]]:
        pick: Callable[[tuple[Any, ...]], tuple[Any, ...]] = itemgetter(*self.positions)  # type: ignore[assignment]
        first = len(self.local)
        empties = [(None,) * len(dimension.names) for dimension in self.used]
        rows = []
        for row in found:
            combined = row
            for i, copy in enumerate(copies):
                combined = combined + copy.get(row[first + i], empties[i])
            rows.append(pick(combined))
        return rows


def plan(dataset: Dataset, columns: Sequence[Column], sorts: int) -> Plan | None:
    """None when no selected column is a dimension's (nothing to spare); worked out once per selection."""
    names = tuple(column.name for column in columns)

    def build() -> Plan | bool:
        return _plan(dataset, columns, sorts) or False

    found = dataset.cached(("plan", names, sorts), build)
    return found if isinstance(found, Plan) else None  # False is kept; a None `cached` would build again


def _plan(dataset: Dataset, columns: Sequence[Column], sorts: int) -> Plan | None:
    by_name = dimensions(dataset)
    used = tuple(dict.fromkeys(by_name[c.name] for c in columns if c.name in by_name))
    if not used:
        return None
    local = tuple(c for c in columns if c.name not in by_name)
    width = len(local) + len(used) + sorts
    offsets, at = {}, width
    for dimension in used:
        offsets[id(dimension)] = at
        at += len(dimension.names)
    positions = []
    for column in columns:
        if column.name in by_name:
            dimension = by_name[column.name]
            positions.append(offsets[id(dimension)] + dimension.names.index(column.name))
        else:
            positions.append(local.index(column))
    positions += range(len(local) + len(used), width)  # the sort values, for the next cursor
    return Plan(local, used, tuple(positions))


def read(
    connection: Connection,
    dataset: Dataset,
    dimension: Dimension,
    keys: set[Any],
    stamp: datetime,
    show: Callable[[Column, Any], Any],
) -> dict[Any, tuple[Any, ...]]:
    """The worker's copy of the dimension, holding at least `keys`: those it lacks read in one query."""
    copy: Copy = dataset.cached(("dimension rows", dimension.table.name), Copy)
    if copy.stamp != stamp or len(copy.rows) > KEPT_ROWS:
        copy.stamp, copy.rows = stamp, {}
    missing = [key for key in keys if key is not None and key not in copy.rows]
    if missing:
        columns = [dataset.by_name[name] for name in dimension.names]
        query = select(dimension.remote, *(column.expression for column in columns))
        for row in connection.execute(query.where(dimension.remote.in_(missing))):
            copy.rows[row[0]] = tuple(
                show(column, value) for column, value in zip(columns, row[1:], strict=True)
            )
    return copy.rows
