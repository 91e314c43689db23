"""Apache Parquet for analysts (pandas, DuckDB, R): typed columns, times as UTC timestamps.

Rows are converted in batches of 50,000 into record batches, each written as a row group; the bytes
the writer emits are handed on after every batch, so neither the rows nor the file are held whole.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import islice
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from lanterne.publish.formats.values import ColumnLike, Columns, DatasetLike, Options, Rows
from lanterne.publish.licence import LICENCE, LICENCE_URL, PRODUCER

BATCH = 50_000
ARROW_TYPES = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "datetime": pa.timestamp("us", tz="UTC"),
    "date": pa.date32(),
}


class Outbox:
    """A write-only file the Parquet writer fills and the stream empties: bytes pass through, once."""

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


def arrow_schema(dataset: DatasetLike, columns: Sequence[ColumnLike], options: dict[str, Any]) -> pa.Schema:
    fields = [
        pa.field(c.name, ARROW_TYPES.get(c.type, pa.string()), metadata={"description": c.description or ""})
        for c in columns
    ]
    credit = {
        "title": dataset.title,
        "producer": options.get("producer") or PRODUCER,
        "licence": f"{LICENCE} {LICENCE_URL}",
    }
    return pa.schema(fields, metadata=credit)


def write(dataset: DatasetLike, columns: Columns, rows: Rows, options: Options) -> Iterator[bytes]:
    schema = arrow_schema(dataset, columns, options)
    outbox = Outbox()
    writer = pq.ParquetWriter(pa.PythonFile(outbox, mode="w"), schema, compression="zstd")
    iterator = iter(rows)
    try:
        while batch := list(islice(iterator, BATCH)):
            cells = zip(*batch, strict=True)
            arrays = [pa.array(values, type=field.type) for values, field in zip(cells, schema, strict=True)]
            writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=schema))
            yield outbox.drain()
    finally:
        writer.close()
    yield outbox.drain()
