"""Rows to Arrow record batches, for the writers that encode whole columns in C++ (Parquet, CSV):
per-value Python work is what makes a million-row export slow.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

import pyarrow as pa

ARROW_TYPES = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "datetime": pa.timestamp("us", tz="UTC"),
    "date": pa.date32(),
}


class Outbox:
    """A write-only file an Arrow writer fills and the stream empties: bytes pass through, once."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.position = 0
        self.closed = False

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.chunks.append(chunk)
        self.position += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def drain(self) -> bytes:
        data, self.chunks = b"".join(self.chunks), []
        return data


def record_batches(rows: Iterable[Any], schema: pa.Schema, size: int) -> Iterator[pa.RecordBatch]:
    """Rows (tuples in schema order) as record batches of `size` rows, converted column by column."""
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        columns = zip(*batch, strict=True)
        arrays = [_array(values, field.type) for values, field in zip(columns, schema, strict=True)]
        yield pa.RecordBatch.from_arrays(arrays, schema=schema)


def _array(values: tuple[Any, ...], kind: pa.DataType) -> pa.Array:
    """A column as its declared type; a text or number column holding other Python types (an id read as
    an int, a PostgreSQL Decimal) is converted value by value rather than failing mid-download."""
    try:
        return pa.array(values, type=kind)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        convert = LENIENT.get(str(kind))
        if convert is None:
            raise
        return pa.array([None if value is None else convert(value) for value in values], type=kind)


LENIENT: dict[str, Callable[[Any], Any]] = {"string": str, "double": float, "int64": int}
