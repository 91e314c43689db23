"""Inserting many rows fast: COPY on PostgreSQL, the driver's executemany on SQLite.

SQLAlchemy's per-value processing and PostgreSQL's parsing of multi-row INSERTs cost more than the writes
themselves when a million séances arrive (the demo's build, a national first sync). Values are encoded
exactly as the column types store them (tests/demo/test_loading.py compares the two).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import lru_cache
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import JSON, Connection, Date, DateTime, Table, insert
from sqlalchemy.types import TypeEngine

from lanterne.db import UTCDateTime


def insert_rows(connection: Connection, table: Table, batch: list[dict[str, Any]]) -> None:
    """Insert a batch of rows that all carry the same keys."""
    if not batch:
        return
    writer = {"postgresql": _copy, "sqlite": _executemany}.get(connection.dialect.name, _core_insert)
    writer(connection, table, batch)


def _core_insert(connection: Connection, table: Table, batch: list[dict[str, Any]]) -> None:
    connection.execute(insert(table), batch)


def _executemany(connection: Connection, table: Table, batch: list[dict[str, Any]]) -> None:
    """SQLite without SQLAlchemy's per-value processing, which costs more than the insert itself;
    values are encoded exactly as the column types store them (a test compares the two)."""
    columns = list(batch[0])
    encoders = [(position, sqlite_encoder(table.c[name].type)) for position, name in enumerate(columns)]
    encoded = [(position, encode) for position, encode in encoders if encode is not None]
    names = ", ".join(f'"{name}"' for name in columns)
    statement = f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join("?" * len(columns))})'
    pick = itemgetter(*columns)
    values = []
    for row in batch:
        line = list(pick(row))
        for position, encode in encoded:
            if line[position] is not None:
                line[position] = encode(line[position])
        values.append(tuple(line))
    connection.exec_driver_sql(statement, values)


def sqlite_encoder(column_type: TypeEngine[Any]) -> Callable[[Any], Any] | None:
    """How SQLAlchemy stores a value of this type in SQLite, for the types the demo writes."""
    if isinstance(column_type, UTCDateTime):
        return _sqlite_instant
    if isinstance(column_type, JSON):
        return _json
    if isinstance(column_type, Date) and not isinstance(column_type, DateTime):
        return date.isoformat
    return None


@lru_cache(maxsize=1 << 17)
def _sqlite_instant(value: datetime) -> str:
    """Cached: a million séances start at a few thousand distinct instants."""
    naive = value.astimezone(UTC).replace(tzinfo=None)
    text_value = naive.isoformat(" ")
    return text_value if naive.microsecond else text_value + ".000000"


def _copy(connection: Connection, table: Table, batch: list[dict[str, Any]]) -> None:
    """COPY one batch through psycopg; instants go in as naive UTC, as `UTCDateTime` stores them."""
    columns = list(batch[0])
    instants = [
        position for position, name in enumerate(columns) if isinstance(table.c[name].type, UTCDateTime)
    ]
    documents = [position for position, name in enumerate(columns) if isinstance(table.c[name].type, JSON)]
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    names = ", ".join(f'"{name}"' for name in columns)
    pick = itemgetter(*columns)
    with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in batch:
            line = list(pick(row))
            for position in instants:
                if line[position] is not None:
                    line[position] = _naive_utc(line[position])
            for position in documents:
                line[position] = _json(line[position])
            copy.write_row(line)


@lru_cache(maxsize=1 << 17)
def _naive_utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None)


def _json(value: Any) -> str:
    return str(orjson.dumps(value), "utf-8")
