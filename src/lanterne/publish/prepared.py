"""A request shape's statement compiled once, run on the driver's cursor with the request's values.

A `lines` page of a hundred séances spent more time in SQLAlchemy's execution and row machinery than in
the database. Here the SQL text, the order of its parameters and the type conversions SQLAlchemy would
apply are taken from SQLAlchemy once per shape and database; a page then costs one driver call, and each
distinct time of day is converted once, not once per séance.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Dialect, Float, Numeric, Select

CONVERTED_KEPT = 1 << 16  # distinct raw values remembered per converter (times: a few thousand a month)

Convert = Callable[[Any], Any]


class Remembered(dict[Any, Any]):
    """A conversion answered from memory for raw values seen before (séances share their start times):
    its `__getitem__` is the converter, a dictionary lookup in C rather than a Python call per cell."""

    def __init__(self, convert: Convert) -> None:
        super().__init__({None: None})
        self.convert = convert

    def __missing__(self, raw: Any) -> Any:
        if len(self) >= CONVERTED_KEPT:
            self.clear()
            self[None] = None
        value = self[raw] = self.convert(raw)
        return value


@dataclass(frozen=True)
class Prepared:
    """SQL text and what turns a request's values into the driver's parameters, and rows back."""

    sql: str
    order: tuple[str, ...] | None  # parameter names in positional order; None: the driver takes names
    defaults: Mapping[str, Any]  # every parameter as first bound: constants stay, request values change
    bind: Mapping[str, Convert]
    results: tuple[tuple[int, Convert], ...]
    presented: frozenset[int] = frozenset()  # columns read straight into their presentation

    def parameters(self, values: Mapping[str, Any]) -> Any:
        merged = {**self.defaults, **values}
        for name, convert in self.bind.items():
            merged[name] = convert(merged[name])
        return merged if self.order is None else tuple(merged[name] for name in self.order)

    def rows(self, connection: Connection, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        # The driver's own cursor: SQLAlchemy's result for raw SQL describes its 37 columns anew each time.
        cursor = connection.connection.cursor()
        try:
            cursor.execute(self.sql, self.parameters(values))
            return self.converted(cursor.fetchall())
        finally:
            cursor.close()

    def stream(self, connection: Connection, values: Mapping[str, Any], batch: int) -> Iterator[list[Any]]:
        """Every row, `batch` at a time, for an export: SQLAlchemy's per-row result processing was a
        third of a streamed CSV's time."""
        cursor = connection.connection.cursor()
        try:
            cursor.execute(self.sql, self.parameters(values))
            while found := cursor.fetchmany(batch):
                yield self.converted(found)
        finally:
            cursor.close()

    def converted(self, found: Sequence[Any]) -> list[tuple[Any, ...]]:
        if not self.results:
            return [tuple(row) for row in found]
        rows = []
        for row in found:
            cells = list(row)
            for index, convert in self.results:
                cells[index] = convert(cells[index])
            rows.append(tuple(cells))
        return rows


def prepare(
    statement: Select[Any], dialect: Dialect, present: Mapping[int, Convert] | None = None
) -> Prepared | None:
    """The statement as SQL for this database; None when its SQL depends on values (expanding IN), or
    when it reads numbers on PostgreSQL: SQLAlchemy converts those by the type the driver reports at
    each execution (a float column and a mean differ), which a statement prepared beforehand cannot know.

    `present` maps result columns to what the answer shows of their value (a time as Paris ISO text
    for JSON): the stored value then becomes the shown text in one remembered step."""
    columns = statement.selected_columns
    if dialect.name == "postgresql" and any(isinstance(column.type, Numeric | Float) for column in columns):
        return None
    compiled = statement.compile(dialect=dialect)
    if compiled.post_compile_params or compiled.literal_execute_params:
        return None
    binds = {}
    for bind, name in compiled.bind_names.items():  # the names as rendered (anonymous ones numbered)
        convert = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if convert is not None:
            binds[compiled.escaped_bind_names.get(name, name)] = convert
    results: list[tuple[int, Convert]] = []
    presented: set[int] = set()
    for index, column in enumerate(columns):
        read: Convert | None = column.type.dialect_impl(dialect).result_processor(dialect, None)
        if read is not None and present and index in present:
            read = _then(read, present[index])
            presented.add(index)
        if read is not None:
            results.append((index, Remembered(read).__getitem__))
    order = tuple(compiled.positiontup) if compiled.positional and compiled.positiontup else None
    defaults = compiled.construct_params()
    return Prepared(str(compiled), order, defaults, binds, tuple(results), frozenset(presented))


def _then(first: Convert, second: Convert) -> Convert:
    return lambda raw: second(first(raw))
