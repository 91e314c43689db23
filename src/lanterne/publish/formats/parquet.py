"""Apache Parquet for analysts (pandas, DuckDB, R): typed columns, times as UTC timestamps.

Rows are converted in batches of 50,000 into record batches, each written as a row group; the bytes
the writer emits are handed on after every batch, so neither the rows nor the file are held whole.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from lanterne.publish.formats.columnar import ARROW_TYPES, Outbox, record_batches
from lanterne.publish.formats.values import Columns, DatasetLike, Options, Rows
from lanterne.publish.licence import LICENCE, LICENCE_URL, PRODUCER

BATCH = 50_000


def arrow_schema(dataset: DatasetLike, columns: Columns, options: Options) -> pa.Schema:
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
    try:
        for batch in record_batches(rows, schema, BATCH):
            writer.write_batch(batch)
            yield outbox.drain()
    finally:
        writer.close()
    yield outbox.drain()
